import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MicroVolatility, microVolatility } from '../../src/features/volatility.ts';
import { Candles } from '../../src/market/candles.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import type { Side, Trade } from '../../src/model/market.ts';

// Tick 0.1: 10000 ticks = 1000.0 USDT.
const INST = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
let serial = 0;

function trade(tsEvent: number, price: number, qty = 1, aggressor: Side = 'buy'): Trade {
  return { kind: 'trade', instrument: INST.id, tradeId: `t${serial++}`, price, qty, aggressor, tsEvent, tsRecv: tsEvent };
}

/** Feeds [ts, priceTicks] pairs into fresh candles. */
function tape(points: readonly (readonly [number, number])[]): Candles {
  const c = new Candles(INST.id);
  for (const [ts, p] of points) c.onTrade(trade(ts, p));
  return c;
}

/**
 * Five 1 s candles (ticks):
 *   [0,1000)     10000 10010 9995      H10010 L9995  C9995   TR = H−L (no previous)      = 15
 *   [1000,2000)  10005 10020           H10020 L10005 C10020  max(10020,9995)−min(10005,9995) = 25
 *   [2000,3000)  no trades: flat at 10020                     TR = 0
 *   [3000,4000)  10000 10012           H10012 L10000 C10012  max(10012,10020)−min(10000,10020) = 20
 *   [4000,5000)  10030                 H=L=C 10030           10030 − 10012               = 18
 */
const FIVE: readonly (readonly [number, number])[] = [
  [100, 10000], [500, 10010], [900, 9995],
  [1100, 10005], [1800, 10020],
  [3100, 10000], [3600, 10012],
  [4500, 10030],
];

describe('micro ATR by hand', () => {
  it('averages true ranges over the period (gaps and flat candles included), as a fraction of the last close', () => {
    const c = tape(FIVE);
    c.closeUpTo(5000); // the owner closes windows on its clock
    const v = microVolatility(c, INST, 5000, { period: 3, scoreWindow: 3 });
    // 1 s: (18 + 20 + 0) / 3 = 12.667 ticks = 1.2667 USDT over 1003.0
    expect(v.atr1s).toBeCloseTo(38 / 3 / 10030, 12);
    // 3 s: only [0,3000) has closed: H10020 L9995, no previous close ⇒ 25 ticks over 10020
    expect(v.atr3s).toBeCloseTo(25 / 10020, 12);
    // ATR history ending at each of the last 3 candles:
    //   now  (18+20+0)/3 = 12.667 / 10030 = 0.0012629
    //   −1 s (20+0+25)/3 = 15     / 10012 = 0.0014982  (max)
    //   −2 s (0+25+15)/3 = 13.333 / 10020 = 0.0013307
    // the current one is the minimum ⇒ score 0
    expect(v.score).toBe(0);
    expect(v.explosion).toBe(false);
  });

  // A sixth candle [5000,6000) after FIVE (prev close 10030); period 3, scoreWindow 3, so the
  // history is the ATR ending now (a0) and the two before it:
  //   a1 = (18+20+0)/3 / 10030 = 0.0012629 and a2 = (20+0+25)/3 / 10012 = 0.0014982.
  it.each<[string, readonly (readonly [number, number])[], number, number]>([
    // 10030 10034: H10034 L10030 ⇒ TR 4; a0 = (4+18+20)/3 / 10034 = 14/10034 = 0.0013952
    // score = (a0 − a1) / (a2 − a1) = 0.5623
    ['in the middle', [[5200, 10030], [5700, 10034]], 14 / 10034, (14 / 10034 - 38 / 3 / 10030) / (15 / 10012 - 38 / 3 / 10030)],
    // 10000 10040: H10040 L10000 ⇒ TR 40; a0 = (40+18+20)/3 / 10040 = 26/10040 = 0.0025896, the max
    ['at the top', [[5200, 10000], [5700, 10040]], 26 / 10040, 1],
    // 10030 only: TR 0; a0 = (0+18+20)/3 / 10030 = 0.0012629 = a1: the min
    ['at the bottom', [[5200, 10030]], 38 / 3 / 10030, 0],
  ])('scores the current ATR between the min and max of its history: %s', (_name, sixth, atr, score) => {
    const c = tape([...FIVE, ...sixth]);
    c.closeUpTo(6000);
    const v = microVolatility(c, INST, 6000, { period: 3, scoreWindow: 3 });
    expect(v.atr1s).toBeCloseTo(atr, 12);
    expect(v.score).toBeCloseTo(score, 12);
  });

  it('gives 0 before any candle closed and 0.5 when the history has no spread', () => {
    const c = new Candles(INST.id);
    expect(microVolatility(c, INST, 0)).toEqual({ atr1s: 0, atr3s: 0, score: 0, explosion: false });
    c.onTrade(trade(100, 10000));
    c.onTrade(trade(200, 10004));
    c.closeUpTo(1000);
    // One candle, TR 4: the history is that one reading ⇒ neutral.
    const v = microVolatility(c, INST, 1000, { period: 3 });
    expect(v.atr1s).toBeCloseTo(4 / 10004, 12);
    expect(v.score).toBe(0.5);
  });

  it('reads a silent market as calm: flat candles have no range', () => {
    const c = tape([[100, 10000], [600, 10010]]);
    c.closeUpTo(10_000); // nine flat windows after the first
    const v = microVolatility(c, INST, 10_000, { period: 3 });
    expect(v.atr1s).toBe(0);
    expect(v.score).toBe(0);
  });
});

/** Ten quiet seconds whose 1 s candles each have a true range of `base` ticks, then one candle reaching `jump` ticks above. */
function quietThenJump(base: number, jump: number): Candles {
  const pts: [number, number][] = [];
  // Each second trades 10000 then 10000 + base: H − L = base and the previous close is the high ⇒ TR = base.
  for (let s = 0; s < 10; s++) pts.push([s * 1000 + 100, 10000], [s * 1000 + 500, 10000 + base]);
  // Second 10 trades at the last close then `jump` above it: TR = jump.
  pts.push([10_100, 10000 + base], [10_500, 10000 + base + jump]);
  const c = tape(pts);
  c.closeUpTo(11_000);
  return c;
}

describe('explosion', () => {
  const opts = { period: 5, explosionMultiple: 3, explosionMinBps: 5, explosionMinBaseline: 5 };
  it.each<[string, number, number, boolean]>([
    // 2-tick baseline; 8 ticks = 0.8 / 1001.0 = 8.0 bps and 4× the average ⇒ yes
    ['4× the average range', 2, 8, true],
    // exactly 3× (6 ticks = 6.0 bps): the threshold is inclusive
    ['exactly the multiple', 2, 6, true],
    // 5 ticks = 2.5×
    ['below the multiple', 2, 5, false],
    // 1-tick baseline, 4 ticks = 4× but only 0.4 / 1000.5 = 4.0 bps < 5
    ['large multiple, too small a move', 1, 4, false],
    // dead market (baseline 0) and a 10-tick move = 10 bps: any multiple of 0
    ['out of a dead market', 0, 10, true],
  ])('%s', (_name, base, jump, expected) => {
    const v = microVolatility(quietThenJump(base, jump), INST, 11_000, opts);
    expect(v.explosion).toBe(expected);
  });

  it('needs a baseline: the first candles cannot explode', () => {
    const c = tape([[100, 10000], [600, 10001], [1100, 10001], [1500, 10100]]);
    c.closeUpTo(2000);
    expect(microVolatility(c, INST, 2000, opts).explosion).toBe(false);
  });

  it('holds for explosionHoldMs after the candle ended, then lapses even if nobody advances the candles', () => {
    const c = quietThenJump(2, 8); // the exploding window is [10000, 11000)
    const mv = new MicroVolatility(opts);
    const first = mv.update(c, INST, 11_000);
    expect(first.explosion).toBe(true);
    expect(mv.update(c, INST, 11_999)).toBe(first); // nothing changed: same object, no allocation
    const lapsed = mv.update(c, INST, 12_000);
    expect(lapsed.explosion).toBe(false);
    expect(lapsed.atr1s).toBe(first.atr1s);
  });

  it('clears when the next (quiet) candle closes', () => {
    const c = quietThenJump(2, 8);
    const mv = new MicroVolatility(opts);
    expect(mv.update(c, INST, 11_000).explosion).toBe(true);
    c.closeUpTo(12_000); // a flat candle: TR 0
    expect(mv.update(c, INST, 12_000).explosion).toBe(false);
  });
});

describe('incremental reading', () => {
  it('matches a one-off reading after every trade', () => {
    const mv = new MicroVolatility({ period: 4, scoreWindow: 5 });
    const c = new Candles(INST.id);
    for (let i = 0; i < 60; i++) {
      const ts = i * 370;
      c.onTrade(trade(ts, 10000 + ((i * 7) % 23) - 11));
      expect(mv.update(c, INST, ts)).toEqual(microVolatility(c, INST, ts, { period: 4, scoreWindow: 5 }));
    }
  });
});

/** Reference: ATR of the last `period` closed candles from the API snapshot (allocating, obvious). */
function naiveAtr(c: Candles, interval: '1s' | '3s', period: number): number {
  const closed = c.snapshot(interval, 10_000).filter((k) => k.closed);
  if (closed.length === 0) return 0;
  const trs: number[] = [];
  const from = Math.max(0, closed.length - period);
  for (let i = from; i < closed.length; i++) {
    const k = closed[i]!;
    const prev = i > 0 ? closed[i - 1]!.close : undefined;
    trs.push(prev === undefined ? k.high - k.low : Math.max(k.high, prev) - Math.min(k.low, prev));
  }
  const atr = trs.reduce((a, b) => a + b, 0) / trs.length;
  const last = closed[closed.length - 1]!.close;
  return INST.price.toNumber(atr) / INST.price.toNumber(last);
}

describe('properties', () => {
  const tapeArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 2500 }), fc.integer({ min: 9000, max: 11000 })), { minLength: 1, maxLength: 80 });

  it('ATRs equal the textbook computation; score in [0, 1]; everything finite and non-negative', () => {
    fc.assert(
      fc.property(tapeArb, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 10 }), (steps, period, scoreWindow) => {
        const c = new Candles(INST.id);
        let ts = 0;
        for (const [dt, p] of steps) c.onTrade(trade((ts += dt), p));
        c.closeUpTo(ts + 3000);
        const v = microVolatility(c, INST, ts + 3000, { period, scoreWindow });
        expect(v.atr1s).toBeCloseTo(naiveAtr(c, '1s', period), 12);
        expect(v.atr3s).toBeCloseTo(naiveAtr(c, '3s', period), 12);
        expect(v.score).toBeGreaterThanOrEqual(0);
        expect(v.score).toBeLessThanOrEqual(1);
        expect(Number.isFinite(v.atr1s) && v.atr1s >= 0 && v.atr3s >= 0).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
