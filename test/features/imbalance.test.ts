import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookImbalance } from '../../src/features/imbalance.ts';
import { OrderBook } from '../../src/market/orderBook.ts';
import { makeInstrument } from '../../src/model/instrument.ts';

// Tick 0.1, so 100.0 is 1000 ticks; sizes are lots.
const INST = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });

type Levels = readonly (readonly [number, number])[];

function bookOf(bids: Levels, asks: Levels): OrderBook {
  const book = new OrderBook(INST.id);
  book.applyLevels(book.bids, bids.flat());
  book.applyLevels(book.asks, asks.flat());
  return book;
}

// The brief's book: bids 10@100.0, 5@99.9; asks 2@100.1, 8@100.2. Mid = 1000.5 ticks.
const HAND = bookOf(
  [
    [1000, 10],
    [999, 5],
  ],
  [
    [1001, 2],
    [1002, 8],
  ],
);

describe('bookImbalance on a hand book', () => {
  it.each([
    // zone ticks = 1000.5 × bps / 1e4; inner levels sit 0.5 tick from the mid, outer ones 1.5.
    { bps: 10, zonal: (10 - 2) / 12, why: '1.0005 ticks: inner levels only' },
    { bps: 14.99, zonal: (10 - 2) / 12, why: '1.49975 ticks: outer levels just outside' },
    { bps: 15, zonal: (15 - 10) / 25, why: '1.50075 ticks: both levels per side' },
    { bps: 100, zonal: (15 - 10) / 25, why: 'wide zone: the whole book' },
    { bps: 4, zonal: 0, why: '0.4002 ticks: narrower than the half-spread, nothing inside' },
    { bps: 0, zonal: 0, why: 'an empty zone' },
  ])('zone $bps bps ⇒ zonal $zonal ($why)', ({ bps, zonal }) => {
    const v = bookImbalance(HAND, INST, bps);
    expect(v.top).toBeCloseTo((10 - 2) / 12, 12);
    expect(v.zonal).toBeCloseTo(zonal, 12);
  });

  it('counts a level exactly on the zone edge', () => {
    // bids 3@999, 7@998; asks 1@1001, 9@1002 ⇒ mid 1000; 10 bps = exactly 1 tick.
    const book = bookOf(
      [
        [999, 3],
        [998, 7],
      ],
      [
        [1001, 1],
        [1002, 9],
      ],
    );
    expect(bookImbalance(book, INST, 10).zonal).toBeCloseTo((3 - 1) / 4, 12); // edge levels in
    expect(bookImbalance(book, INST, 20).zonal).toBeCloseTo((10 - 10) / 20, 12); // 2 ticks: all
    expect(bookImbalance(book, INST, 9.99).zonal).toBe(0); // 0.999 tick: nothing
  });

  it('ignores levels beyond the zone however large', () => {
    const book = bookOf(
      [
        [1000, 10],
        [999, 5],
        [900, 1_000_000],
      ],
      [
        [1001, 2],
        [1002, 8],
      ],
    );
    expect(bookImbalance(book, INST, 15).zonal).toBeCloseTo(0.2, 12);
  });

  it.each([
    { name: 'both sides empty', bids: [] as Levels, asks: [] as Levels },
    { name: 'asks empty', bids: [[1000, 10]] as Levels, asks: [] as Levels },
    { name: 'bids empty', bids: [] as Levels, asks: [[1001, 10]] as Levels },
  ])('gives 0 with $name', ({ bids, asks }) => {
    expect(bookImbalance(bookOf(bids, asks), INST, 50)).toEqual({ top: 0, zonal: 0 });
  });

  it('leans negative when the ask outweighs the bid', () => {
    const v = bookImbalance(bookOf([[1000, 1]], [[1001, 3]]), INST, 10);
    expect(v.top).toBeCloseTo(-0.5, 12); // (1 − 3) / 4
    expect(v.zonal).toBeCloseTo(-0.5, 12);
  });
});

describe('bookImbalance properties', () => {
  // A non-crossed book: bids below 1000, asks from 1001, distinct prices per side.
  const side = (lo: number, hi: number) =>
    fc.uniqueArray(fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 1, max: 1000 })), { selector: (l) => l[0], maxLength: 30 });

  it('stays in [-1, 1] and matches an exact reference', () => {
    fc.assert(
      fc.property(side(900, 1000), side(1001, 1100), fc.integer({ min: 0, max: 500 }), (bids, asks, bps) => {
        const v = bookImbalance(bookOf(bids, asks), INST, bps);
        for (const x of [v.top, v.zonal]) {
          expect(x).toBeGreaterThanOrEqual(-1);
          expect(x).toBeLessThanOrEqual(1);
        }
        if (bids.length === 0 || asks.length === 0) {
          expect(v).toEqual({ top: 0, zonal: 0 });
          return;
        }
        // In integers: 2·distance·1e4 ≤ 2·mid·bps, with 2·mid = bestBid + bestAsk (no float at the edge).
        const bestBid = Math.max(...bids.map((l) => l[0]));
        const bestAsk = Math.min(...asks.map((l) => l[0]));
        const mid2 = bestBid + bestAsk;
        const b = bids.filter(([p]) => (mid2 - 2 * p) * 10_000 <= mid2 * bps).reduce((s, l) => s + l[1], 0);
        const a = asks.filter(([p]) => (2 * p - mid2) * 10_000 <= mid2 * bps).reduce((s, l) => s + l[1], 0);
        expect(v.zonal).toBeCloseTo(a + b > 0 ? (b - a) / (a + b) : 0, 12);
        const bq = bids.find((l) => l[0] === bestBid)![1];
        const aq = asks.find((l) => l[0] === bestAsk)![1];
        expect(v.top).toBeCloseTo((bq - aq) / (bq + aq), 12);
      }),
    );
  });

  it('negates when the book is mirrored around its mid', () => {
    fc.assert(
      fc.property(side(900, 1000), side(1001, 1100), fc.integer({ min: 0, max: 500 }), (bids, asks, bps) => {
        fc.pre(bids.length > 0 && asks.length > 0);
        const v = bookImbalance(bookOf(bids, asks), INST, bps);
        // Reflect p → bestBid + bestAsk − p: asks become bids and back, the mid and every
        // distance from it are kept (so is the zone, a fraction of the mid).
        const mid2 = Math.max(...bids.map((l) => l[0])) + Math.min(...asks.map((l) => l[0]));
        const m = bookImbalance(
          bookOf(
            asks.map(([p, q]) => [mid2 - p, q] as const),
            bids.map(([p, q]) => [mid2 - p, q] as const),
          ),
          INST,
          bps,
        );
        expect(m.top).toBeCloseTo(-v.top, 12);
        expect(m.zonal).toBeCloseTo(-v.zonal, 12);
      }),
    );
  });
});
