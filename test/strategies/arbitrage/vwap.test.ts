import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, type Instrument } from '../../../src/model/instrument.ts';
import { BookSide } from '../../../src/market/orderBook.ts';
import { depthWithin, floatSteps, walkBase } from '../../../src/strategies/arbitrage/vwap.ts';

const SPOT = makeInstrument({ venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
/** OKX-like swap: sizes in contracts of 0.01 BTC. */
const SWAP = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '1', contractSize: '0.01' });

/** Builds a side from [price, size] decimal text, best first, through the instrument's grid. */
function side(isBid: boolean, inst: Instrument, levels: readonly (readonly [string, string])[]): BookSide {
  const s = new BookSide(isBid);
  s.load(levels.flatMap(([p, q]) => [inst.price.toInt(p), inst.qty.toInt(q)]));
  return s;
}

const ASKS = side(false, SPOT, [['100.00', '1'], ['100.10', '2'], ['100.30', '3']]);
const BIDS = side(true, SPOT, [['100.30', '1.5'], ['100.20', '2'], ['100.00', '1']]);

describe('walkBase', () => {
  it('walks a 3-level ask side partly into the third level', () => {
    // 4 BTC: 1 @ 100.00 + 2 @ 100.10 + 1 @ 100.30 = 100 + 200.2 + 100.3 = 400.5 → vwap 400.5 / 4 = 100.125.
    const w = walkBase(ASKS, SPOT, 4);
    expect(w.filledBase).toBeCloseTo(4, 12);
    expect(w.vwap).toBeCloseTo(100.125, 10);
    expect(w.worst).toBeCloseTo(100.3, 10);
    expect(w.levels).toBe(3);
  });

  it('walks bids from the highest price down', () => {
    // 3 BTC: 1.5 @ 100.30 + 1.5 @ 100.20 = 150.45 + 150.3 = 300.75 → vwap 100.25, worst 100.20.
    const w = walkBase(BIDS, SPOT, 3);
    expect(w.vwap).toBeCloseTo(100.25, 10);
    expect(w.worst).toBeCloseTo(100.2, 10);
    expect(w.levels).toBe(2);
  });

  it('stops at the end of the side and reports what it covered', () => {
    // 6 BTC in the book: 100 + 200.2 + 300.9 = 601.1 → vwap 601.1 / 6 = 100.18333…
    const w = walkBase(ASKS, SPOT, 10);
    expect(w.filledBase).toBeCloseTo(6, 12);
    expect(w.vwap).toBeCloseTo(601.1 / 6, 10);
    expect(w.levels).toBe(3);
  });

  it('returns NaN prices when nothing is covered (empty side, zero size)', () => {
    for (const w of [walkBase(new BookSide(false), SPOT, 1), walkBase(ASKS, SPOT, 0)]) {
      expect(w.filledBase).toBe(0);
      expect(w.vwap).toBeNaN();
      expect(w.worst).toBeNaN();
      expect(w.levels).toBe(0);
    }
  });

  it('counts OKX contracts in base through the contract size', () => {
    // 50 contracts = 0.5 BTC @ 2000.0, 100 contracts = 1 BTC @ 2000.5; 1 BTC = 0.5 @ 2000 + 0.5 @ 2000.5 = 2000.25.
    const asks = side(false, SWAP, [['2000.0', '50'], ['2000.5', '100']]);
    const w = walkBase(asks, SWAP, 1);
    expect(w.filledBase).toBeCloseTo(1, 12);
    expect(w.vwap).toBeCloseTo(2000.25, 9);
    expect(floatSteps(SWAP)).toEqual({ tick: 0.1, lotBase: 0.01 });
  });

  it('takes a size that is not an exact float multiple of the lot as the lot count meant (0.3 / 0.001)', () => {
    const w = walkBase(ASKS, SPOT, 0.3);
    expect(w.filledBase).toBe(0.3);
    expect(w.vwap).toBeCloseTo(100, 10);
  });

  it('covers min(asked, total); the vwap lies between best and worst (property)', () => {
    const book = fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 5000 })), { minLength: 1, maxLength: 30, selector: (l) => l[0] });
    fc.assert(
      fc.property(book, fc.boolean(), fc.integer({ min: 1, max: 200_000 }), (levels, isBid, wantLots) => {
        const sorted = [...levels].sort((x, y) => (isBid ? y[0] - x[0] : x[0] - y[0]));
        const s = new BookSide(isBid);
        s.load(sorted.flat());
        const total = sorted.reduce((t, l) => t + l[1], 0);
        const w = walkBase(s, SPOT, wantLots * 0.001);
        expect(w.filledBase / 0.001).toBeCloseTo(Math.min(wantLots, total), 6);
        const best = sorted[0]![0] * 0.01;
        const lo = Math.min(best, w.worst) - 1e-9;
        const hi = Math.max(best, w.worst) + 1e-9;
        expect(w.vwap).toBeGreaterThanOrEqual(lo);
        expect(w.vwap).toBeLessThanOrEqual(hi);
      }),
    );
  });
});

describe('depthWithin', () => {
  it('sums the asks up to best × (1 + cap/1e4), the boundary included', () => {
    // best 100.00: 10 bps → 100.10 (levels 1 + 2 = 3 BTC); 9 bps → 100.09 (1 BTC); 30 bps → 100.30 (all 6).
    expect(depthWithin(ASKS, SPOT, 10)).toBeCloseTo(3, 12);
    expect(depthWithin(ASKS, SPOT, 9)).toBeCloseTo(1, 12);
    expect(depthWithin(ASKS, SPOT, 30)).toBeCloseTo(6, 12);
    expect(depthWithin(ASKS, SPOT, 0)).toBeCloseTo(1, 12);
  });

  it('sums the bids down to best × (1 − cap/1e4)', () => {
    // best 100.30: 10 bps → 100.1997 (100.30 and 100.20: 3.5 BTC); 5 bps → 100.24985 (1.5 BTC).
    expect(depthWithin(BIDS, SPOT, 10)).toBeCloseTo(3.5, 12);
    expect(depthWithin(BIDS, SPOT, 5)).toBeCloseTo(1.5, 12);
  });

  it('is 0 on an empty side and for a negative cap', () => {
    expect(depthWithin(new BookSide(true), SPOT, 50)).toBe(0);
    expect(depthWithin(ASKS, SPOT, -1)).toBe(0);
  });
});
