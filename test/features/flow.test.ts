import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FLOW_OPTIONS, FlowTracker } from '../../src/features/flow.ts';
import { makeInstrument, type Instrument } from '../../src/model/instrument.ts';
import type { Side, Trade } from '../../src/model/market.ts';

// Tick 0.1, lot 0.001 BTC: 50 000.0 is 500 000 ticks, 100 lots is 0.1 BTC.
const BTC = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
// OKX-style swap: sizes in whole contracts of 0.01 BTC.
const SWAP = makeInstrument({
  venue: 'okx',
  symbol: 'BTC-USDT-SWAP',
  kind: 'perp',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.1',
  lotSize: '1',
  contractSize: '0.01',
});

let seq = 0;
function trade(inst: Instrument, ts: number, aggressor: Side, lots: number, priceTicks = 500_000): Trade {
  return { kind: 'trade', instrument: inst.id, tsEvent: ts, tsRecv: ts, tradeId: String(++seq), price: priceTicks, qty: lots, aggressor };
}

describe('FlowTracker', () => {
  it('starts empty', () => {
    expect(new FlowTracker(BTC).view(0)).toEqual({
      buyVolume: 0,
      sellVolume: 0,
      delta: 0,
      deltaRatio: 0,
      streak: 0,
      largeBuys: 0,
      largeSells: 0,
      tradesPerSec: 0,
    });
  });

  it('sums volume in base, delta and ratio by hand', () => {
    const f = new FlowTracker(BTC);
    f.onTrade(trade(BTC, 1000, 'buy', 100)); // 0.1 BTC
    f.onTrade(trade(BTC, 1100, 'buy', 200)); // 0.2 BTC
    f.onTrade(trade(BTC, 1200, 'sell', 100)); // 0.1 BTC
    const v = f.view(1200);
    expect(v.buyVolume).toBeCloseTo(0.3, 12);
    expect(v.sellVolume).toBeCloseTo(0.1, 12);
    expect(v.delta).toBeCloseTo(0.2, 12);
    expect(v.deltaRatio).toBeCloseTo(0.5, 12); // 0.2 / 0.4
    expect(v.tradesPerSec).toBeCloseTo(0.3, 12); // 3 trades / 10 s
  });

  it('evicts a trade exactly windowMs old', () => {
    const f = new FlowTracker(BTC); // window 10 000 ms: (now − 10 000, now]
    f.onTrade(trade(BTC, 0, 'buy', 100));
    f.onTrade(trade(BTC, 5000, 'sell', 300));
    expect(f.view(9999).buyVolume).toBeCloseTo(0.1, 12); // 9 999 ms old: still in
    const v = f.view(10_000);
    expect(v.buyVolume).toBe(0); // exactly 10 000 ms old: gone, and exactly 0 (lots are integers)
    expect(v.sellVolume).toBeCloseTo(0.3, 12);
    expect(v.deltaRatio).toBe(-1);
    expect(v.tradesPerSec).toBeCloseTo(0.1, 12);
    expect(f.view(15_000)).toMatchObject({ buyVolume: 0, sellVolume: 0, delta: 0, deltaRatio: 0, streak: 0, tradesPerSec: 0 });
  });

  it('evicts on a trade too, and never lets time run back', () => {
    const f = new FlowTracker(BTC);
    f.onTrade(trade(BTC, 0, 'buy', 100));
    f.onTrade(trade(BTC, 10_000, 'sell', 100)); // its arrival evicts the first
    expect(f.view(0).buyVolume).toBe(0); // a view at an older ts still reads as of 10 000
    expect(f.view(0).sellVolume).toBeCloseTo(0.1, 12);
  });

  it.each([
    { sides: 'B', streak: 1 },
    { sides: 'BBB', streak: 3 },
    { sides: 'BBS', streak: -1 },
    { sides: 'BBSSS', streak: -3 },
    { sides: 'SSSB', streak: 1 },
    { sides: 'BSBS', streak: -1 },
  ])('streak of $sides is $streak', ({ sides, streak }) => {
    const f = new FlowTracker(BTC);
    [...sides].forEach((s, i) => f.onTrade(trade(BTC, 100 * i, s === 'B' ? 'buy' : 'sell', 1)));
    expect(f.view(1000).streak).toBe(streak);
  });

  it('shrinks the streak as its trades leave the window', () => {
    const f = new FlowTracker(BTC);
    f.onTrade(trade(BTC, 0, 'sell', 1));
    f.onTrade(trade(BTC, 1000, 'sell', 1));
    f.onTrade(trade(BTC, 2000, 'sell', 1));
    expect(f.view(2000).streak).toBe(-3);
    expect(f.view(10_000).streak).toBe(-2); // the trade at 0 left
    expect(f.view(11_500).streak).toBe(-1); // … and the one at 1000
    expect(f.view(12_000).streak).toBe(0);
    f.onTrade(trade(BTC, 12_100, 'buy', 1)); // a fresh run, not a continuation
    expect(f.view(12_100).streak).toBe(1);
  });

  it('counts large trades at exactly the notional, per side', () => {
    const f = new FlowTracker(BTC, { largeTradeQuote: 10_000 });
    f.onTrade(trade(BTC, 0, 'buy', 200)); // 0.2 BTC × 50 000 = 10 000: large (at the threshold)
    f.onTrade(trade(BTC, 1, 'buy', 199)); // 9 950: not
    f.onTrade(trade(BTC, 2, 'sell', 1000, 100_000)); // 1 BTC × 10 000.0 = 10 000: large
    f.onTrade(trade(BTC, 3, 'sell', 200, 499_999)); // 0.2 × 49 999.9 = 9 999.98: not
    expect(f.view(3)).toMatchObject({ largeBuys: 1, largeSells: 1 });
    expect(f.view(10_000)).toMatchObject({ largeBuys: 0, largeSells: 1 }); // the buy at 0 left
    expect(f.view(10_002)).toMatchObject({ largeBuys: 0, largeSells: 0 });
  });

  it('counts in base with a contract size of 0.01', () => {
    const f = new FlowTracker(SWAP, { largeTradeQuote: 150_000 });
    f.onTrade(trade(SWAP, 0, 'buy', 250, 600_000)); // 250 × 0.01 = 2.5 BTC × 60 000 = 150 000: large
    f.onTrade(trade(SWAP, 1, 'sell', 50, 600_000)); // 0.5 BTC
    const v = f.view(1);
    expect(v.buyVolume).toBeCloseTo(2.5, 12);
    expect(v.sellVolume).toBeCloseTo(0.5, 12);
    expect(v.delta).toBeCloseTo(2, 12);
    expect(v.deltaRatio).toBeCloseTo(2 / 3, 12);
    expect(v).toMatchObject({ largeBuys: 1, largeSells: 0 });
  });

  it('keeps a slightly late trade and drops one already outside the window', () => {
    const f = new FlowTracker(BTC);
    f.onTrade(trade(BTC, 20_000, 'buy', 100));
    f.onTrade(trade(BTC, 19_500, 'sell', 100)); // 500 ms late: kept
    f.onTrade(trade(BTC, 10_000, 'sell', 900)); // 10 s old on arrival: dropped
    const v = f.view(20_000);
    expect(v.sellVolume).toBeCloseTo(0.1, 12);
    expect(v.streak).toBe(-1);
    expect(v.tradesPerSec).toBeCloseTo(0.2, 12);
  });

  it('grows its ring past the initial capacity', () => {
    const f = new FlowTracker(BTC, { initialCapacity: 2 });
    for (let i = 0; i < 1000; i++) f.onTrade(trade(BTC, i, i % 4 === 0 ? 'sell' : 'buy', 1));
    const v = f.view(999);
    expect(v.buyVolume).toBeCloseTo(0.75, 12); // 750 lots
    expect(v.sellVolume).toBeCloseTo(0.25, 12);
    expect(v.tradesPerSec).toBeCloseTo(100, 12);
    expect(v.streak).toBe(3); // … 996 S, 997 B, 998 B, 999 B
  });

  it('matches a brute-force window over any ordered tape', () => {
    const tape = fc.array(
      fc.record({
        dt: fc.integer({ min: 0, max: 3000 }),
        buy: fc.boolean(),
        lots: fc.integer({ min: 1, max: 2000 }),
        price: fc.integer({ min: 400_000, max: 600_000 }),
      }),
      { maxLength: 200 },
    );
    fc.assert(
      fc.property(tape, fc.integer({ min: 0, max: 20_000 }), (steps, after) => {
        const f = new FlowTracker(BTC, { initialCapacity: 4, largeTradeQuote: 5_000 });
        const seen: { ts: number; buy: boolean; lots: number; price: number }[] = [];
        let ts = 0;
        for (const s of steps) {
          ts += s.dt;
          seen.push({ ts, buy: s.buy, lots: s.lots, price: s.price });
          f.onTrade(trade(BTC, ts, s.buy ? 'buy' : 'sell', s.lots, s.price));
        }
        const now = ts + after;
        const v = f.view(now);
        const inWin = seen.filter((t) => t.ts > now - DEFAULT_FLOW_OPTIONS.windowMs);
        const buy = inWin.filter((t) => t.buy).reduce((a, t) => a + t.lots, 0) * 0.001;
        const sell = inWin.filter((t) => !t.buy).reduce((a, t) => a + t.lots, 0) * 0.001;
        const large = (t: (typeof seen)[number]) => t.price * 0.1 * t.lots * 0.001 >= 5_000 - 1e-6;
        let run = 0;
        for (let i = inWin.length - 1; i >= 0 && inWin[i]!.buy === inWin[inWin.length - 1]!.buy; i--) run++;
        expect(v.buyVolume).toBeCloseTo(buy, 9);
        expect(v.sellVolume).toBeCloseTo(sell, 9);
        expect(v.deltaRatio).toBeGreaterThanOrEqual(-1);
        expect(v.deltaRatio).toBeLessThanOrEqual(1);
        expect(v.deltaRatio).toBeCloseTo(buy + sell > 0 ? (buy - sell) / (buy + sell) : 0, 9);
        expect(v.streak).toBe(run === 0 ? 0 : inWin[inWin.length - 1]!.buy ? run : -run);
        expect(v.largeBuys).toBe(inWin.filter((t) => t.buy && large(t)).length);
        expect(v.largeSells).toBe(inWin.filter((t) => !t.buy && large(t)).length);
        expect(v.tradesPerSec).toBeCloseTo(inWin.length / 10, 12);
      }),
    );
  });
});
