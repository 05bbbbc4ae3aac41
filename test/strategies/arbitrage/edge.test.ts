import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, type Instrument } from '../../../src/model/instrument.ts';
import { BookSide } from '../../../src/market/orderBook.ts';
import { bestEdge, directionEdge, entryThreshold, exitEdge, isEntry, latencyBuffer, type EdgeParams, type LegBook } from '../../../src/strategies/arbitrage/edge.ts';

const instA = makeInstrument({ venue: 'bitget', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const instB = makeInstrument({ venue: 'hyperliquid', symbol: 'BTC', kind: 'perp', base: 'BTC', quote: 'USDC', tickSize: '0.01', lotSize: '0.0001' });

function side(isBid: boolean, inst: Instrument, levels: readonly (readonly [string, string])[]): BookSide {
  const s = new BookSide(isBid);
  s.load(levels.flatMap(([p, q]) => [inst.price.toInt(p), inst.qty.toInt(q)]));
  return s;
}

function leg(inst: Instrument, takerFee: number, bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[]): LegBook {
  return { inst, takerFee, bids: side(true, inst, bids), asks: side(false, inst, asks) };
}

const P: EdgeParams = { slippageBufferBps: 2, latencyBufferBps: 1, latencyMs: 250, volMultiplier: 1, minNetEdgeBps: 5, calmVolBps: 5, maxVolBps: 20 };

// A asks 100.00×1, 100.10×2; B bids 100.30×1.5, 100.20×2. The other direction is clearly negative.
const A = leg(instA, 0.00055, [['99.90', '3']], [['100.00', '1'], ['100.10', '2']]);
const B = leg(instB, 0.0005, [['100.30', '1.5'], ['100.20', '2']], [['100.40', '3']]);

describe('directionEdge', () => {
  it('prices both legs at their VWAPs for the size and nets fees, slippage and latency', () => {
    // buy 2 on A: (1 × 100.00 + 1 × 100.10) / 2 = 100.05; worst 100.10
    // sell 2 on B: (1.5 × 100.30 + 0.5 × 100.20) / 2 = (150.45 + 50.10) / 2 = 100.275; worst 100.20
    // mid (100.05 + 100.275) / 2 = 100.1625; gross 0.225 / 100.1625 × 1e4 = 22.4635 bps
    // fees 5.5 + 5 = 10.5; slippage 2; latency 1 + 1 × 4 × √0.25 = 3; net 22.4635 − 15.5 = 6.9635
    const e = directionEdge(A, B, 'a', 2, 4, P)!;
    expect(e.buy).toBe('a');
    expect(e.qtyBase).toBeCloseTo(2, 12);
    expect(e.buyVwap).toBeCloseTo(100.05, 10);
    expect(e.sellVwap).toBeCloseTo(100.275, 10);
    expect(e.buyWorst).toBeCloseTo(100.1, 10);
    expect(e.sellWorst).toBeCloseTo(100.2, 10);
    expect(e.grossBps).toBeCloseTo(22.4635, 4);
    expect(e.feesBps).toBeCloseTo(10.5, 10);
    expect(e.slippageBps).toBe(2);
    expect(e.latencyBps).toBeCloseTo(3, 12);
    expect(e.netBps).toBeCloseTo(6.9635, 4);
    expect(e.thresholdBps).toBe(5);
    expect(e.volBps).toBe(4);
    expect(isEntry(e)).toBe(true);
  });

  it('is worse than the top of book would say', () => {
    // Top of book: (100.30 − 100.00) / 100.15 × 1e4 = 29.955 bps; the 2 BTC walk gives 22.46.
    const e = directionEdge(A, B, 'a', 2, 4, P)!;
    expect(e.grossBps).toBeLessThan(29.955 - 7);
  });

  it('sizes the edge to what both books cover and re-walks the deeper one for it', () => {
    // Asked 5: A's asks hold 3, B's bids 3.5 ⇒ q = 3.
    // buy (100 + 200.2) / 3 = 100.0667; sell 3 re-walked: (150.45 + 1.5 × 100.20) / 3 = 300.75 / 3 = 100.25
    const e = directionEdge(A, B, 'a', 5, 4, P)!;
    expect(e.qtyBase).toBeCloseTo(3, 12);
    expect(e.buyVwap).toBeCloseTo(300.2 / 3, 10);
    expect(e.sellVwap).toBeCloseTo(100.25, 10);
  });

  it('is undefined when a book covers nothing or no size is asked', () => {
    const empty = leg(instB, 0.0005, [], []);
    expect(directionEdge(A, empty, 'a', 1, 4, P)).toBeUndefined();
    expect(directionEdge(empty, A, 'b', 1, 4, P)).toBeUndefined();
    expect(directionEdge(A, B, 'a', 0, 4, P)).toBeUndefined();
  });

  it('fails the entry test when volatility raises the threshold above the net', () => {
    // vol 12: latency 1 + 12 × 0.5 = 7 ⇒ net 22.4635 − 10.5 − 2 − 7 = 2.9635; threshold 5 × 12/5 = 12.
    const e = directionEdge(A, B, 'a', 2, 12, P)!;
    expect(e.netBps).toBeCloseTo(2.9635, 4);
    expect(e.thresholdBps).toBeCloseTo(12, 12);
    expect(isEntry(e)).toBe(false);
  });
});

describe('bestEdge', () => {
  it('evaluates both directions and returns the higher net', () => {
    // b → a: buy B at 100.40, sell A at 99.90: gross −0.5 / 100.15 × 1e4 = −49.93 bps.
    const ba = directionEdge(B, A, 'b', 2, 4, P)!;
    expect(ba.grossBps).toBeCloseTo(-49.925, 2);
    expect(bestEdge(A, B, 2, 4, P)).toEqual(directionEdge(A, B, 'a', 2, 4, P));
    // Swapped legs: the route's 'b' is now instA's book, so the better direction is 'b'.
    expect(bestEdge(B, A, 2, 4, P)!.buy).toBe('b');
  });

  it('returns the direction that can be walked when the other cannot', () => {
    const onlyAsks = leg(instA, 0.00055, [], [['100.00', '1']]);
    const onlyBids = leg(instB, 0.0005, [['100.30', '1']], []);
    expect(bestEdge(onlyAsks, onlyBids, 1, 0, P)!.buy).toBe('a');
    expect(bestEdge(onlyBids, onlyAsks, 1, 0, P)!.buy).toBe('b');
    expect(bestEdge(leg(instA, 0, [], []), onlyBids, 1, 0, P)).toBeUndefined();
  });
});

describe('entryThreshold', () => {
  it.each([
    [0, 5], // calm: the base threshold
    [5, 5], // at calm
    [10, 10], // 2 × calm ⇒ × 2
    [15, 15], // 3 × calm ⇒ × 3
    [20, 20], // at the ceiling, still trades
    [20.01, Infinity], // above maxVolBps: no trade
    [NaN, Infinity], // unknown volatility: no trade
  ])('vol %s bps/√s ⇒ %s bps', (vol, want) => {
    expect(entryThreshold(vol, P)).toBeCloseTo(want, 12);
  });

  it('never falls as volatility rises (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 30, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true }), (x, y) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        expect(entryThreshold(hi, P)).toBeGreaterThanOrEqual(entryThreshold(lo, P));
      }),
    );
  });

  it('prices the latency buffer at the vol ceiling when vol is unknown', () => {
    // 1 + 1 × 20 × √0.25 = 11
    expect(latencyBuffer(NaN, P)).toBeCloseTo(11, 12);
  });
});

describe('exitEdge', () => {
  it('is positive while the bought venue is still cheaper (not converged)', () => {
    // Held: long A, short B. Close: sell A's bids at 100.00, buy back B's asks at 100.20.
    // (100.20 − 100.00) / 100.10 × 1e4 = 19.980 bps still to converge.
    const a = leg(instA, 0, [['100.00', '5']], [['100.05', '5']]);
    const b = leg(instB, 0, [['100.15', '5']], [['100.20', '5']]);
    expect(exitEdge(a, b, 'a', 1)).toBeCloseTo(19.98, 2);
  });

  it('is negative once the spread has converged past zero', () => {
    // A's bids 100.30, B's asks 100.20: (100.20 − 100.30) / 100.25 × 1e4 = −9.975 bps.
    const a = leg(instA, 0, [['100.30', '5']], [['100.35', '5']]);
    const b = leg(instB, 0, [['100.15', '5']], [['100.20', '5']]);
    expect(exitEdge(a, b, 'a', 1)).toBeCloseTo(-9.975, 2);
  });

  it('mirrors for a pair bought on b, with VWAPs for the size', () => {
    // Long B, short A. Close: sell B's bids for 2: (1 × 100.00 + 1 × 99.90) / 2 = 99.95; buy A's asks 100.10.
    // (100.10 − 99.95) / 100.025 × 1e4 = 14.996 bps.
    const a = leg(instA, 0, [['100.05', '5']], [['100.10', '5']]);
    const b = leg(instB, 0, [['100.00', '1'], ['99.90', '1']], [['100.02', '5']]);
    expect(exitEdge(a, b, 'b', 2)).toBeCloseTo(14.996, 2);
    expect(exitEdge(a, leg(instB, 0, [], []), 'b', 2)).toBeUndefined();
  });
});
