import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WALL_OPTIONS, WallTracker } from '../../src/features/walls.ts';
import { OrderBook } from '../../src/market/orderBook.ts';
import { makeInstrument } from '../../src/model/instrument.ts';

// Tick 0.01: 100.00 is 10 000 ticks, so 1 bp of the mid is 1 tick.
const INST = makeInstrument({ venue: 'bybit-linear', symbol: 'XYZUSDT', kind: 'perp', base: 'XYZ', quote: 'USDT', tickSize: '0.01', lotSize: '1' });

/**
 * Levels every 2 ticks, 10 lots each, 40 per side: bids 9998, 9996, … 9920; asks 10002 … 10080.
 * Mid 10 000. With the defaults (20 levels, multiple 4, 50 bps, touch 1 tick) a level of L lots
 * among the first 20 has multiple L / 10 (the 19 others average 10).
 */
function baseBook(): OrderBook {
  const book = new OrderBook(INST.id);
  for (let i = 0; i < 40; i++) {
    book.bids.set(9998 - 2 * i, 10);
    book.asks.set(10002 + 2 * i, 10);
  }
  return book;
}

/** strength = m / (m + 4) × (1 − d / 50) with the default threshold and reach. */
const strength = (m: number, d: number) => (m / (m + 4)) * (1 - d / 50);

describe('WallTracker: finding walls', () => {
  it.each([
    { lots: 50, wall: true, why: '50 / 10 = 5× ≥ 4×' },
    { lots: 40, wall: true, why: 'exactly 4×' },
    { lots: 39, wall: false, why: '3.9× is just below the multiple' },
  ])('a bid of $lots lots at 10 bps: wall=$wall ($why)', ({ lots, wall }) => {
    const book = baseBook();
    book.bids.set(9990, lots);
    const t = new WallTracker();
    t.update(book, INST, 1000);
    const v = t.view(1000);
    if (!wall) {
      expect(v.bid).toBeNull();
      expect(v.supportScore).toBe(0);
      return;
    }
    expect(v.bid).toEqual({ side: 'bid', priceTicks: 9990, lots, multiple: lots / 10, distanceBps: 10, since: 1000 });
    expect(v.supportScore).toBeCloseTo(strength(lots / 10, 10), 12); // 50 lots: 5/9 × 0.8 = 0.444…
    expect(v.ask).toBeNull();
    expect(v.resistanceScore).toBe(0);
  });

  it.each([
    { price: 9970, wall: true, why: 'exactly 30 bps from the mid' },
    { price: 9968, wall: false, why: '32 bps: past maxDistanceBps' },
  ])('reach 30 bps: 100 lots at $price ⇒ wall=$wall ($why)', ({ price, wall }) => {
    const book = baseBook();
    book.bids.set(price, 100);
    const t = new WallTracker({ maxDistanceBps: 30 });
    t.update(book, INST, 0);
    expect(t.view(0).bid?.priceTicks ?? null).toBe(wall ? price : null);
  });

  it('reports the strongest wall per side and an ask wall as resistance', () => {
    const book = baseBook();
    book.bids.set(9990, 50); // 10 bps: strength 5/9 × 0.8 = 0.444
    book.bids.set(9960, 80); // 40 bps, the 20th level
    book.asks.set(10004, 60); // 4 bps
    const t = new WallTracker();
    t.update(book, INST, 0);
    const v = t.view(0);
    // First 20 bids hold 18 × 10 + 50 + 80 = 310 lots. 9990: 50 / (260/19) = 3.65× (no wall now);
    // 9960: 80 / (230/19) = 6.61×, strength 6.61/10.61 × 0.2 = 0.1245.
    expect(v.bid?.priceTicks).toBe(9960);
    expect(v.bid?.multiple).toBeCloseTo(80 / (230 / 19), 12);
    expect(v.supportScore).toBeCloseTo(strength(80 / (230 / 19), 40), 12);
    // Asks: 60 / 10 = 6×, 4 bps: 6/10 × 0.92 = 0.552.
    expect(v.ask).toMatchObject({ side: 'ask', priceTicks: 10004, multiple: 6, distanceBps: 4 });
    expect(v.resistanceScore).toBeCloseTo(0.552, 12);
  });
});

describe('WallTracker: how walls end', () => {
  it('absorbed: price walks down, touches the wall and trades into it', () => {
    const book = baseBook();
    book.bids.set(9990, 50);
    const t = new WallTracker();
    t.update(book, INST, 0);
    // Sellers eat 9998 … 9992: the wall becomes the best bid (gap 0 ⇒ touched).
    for (let p = 9998, ts = 1; p > 9990; p -= 2, ts++) {
      t.onTrade(p, 10, 'sell', ts);
      book.bids.set(p, 0);
      t.update(book, INST, ts);
    }
    expect(t.view(5).bid?.priceTicks).toBe(9990);
    t.onTrade(9990, 30, 'sell', 6);
    book.bids.set(9990, 20); // 2×: no longer a wall
    t.update(book, INST, 6);
    const v = t.view(6);
    expect(v.bid).toBeNull();
    expect(v.absorbed).toEqual({ bid: 1, ask: 0 });
    expect(v.pulled).toEqual({ bid: 0, ask: 0 });
    expect(v.spoofingScore).toBe(0);
  });

  it('absorbed: touched once, then price bounced away and the wall left far from it', () => {
    const book = baseBook();
    book.bids.set(9990, 50);
    const t = new WallTracker();
    t.update(book, INST, 0);
    for (let p = 9998; p > 9990; p -= 2) book.bids.set(p, 0);
    t.update(book, INST, 1); // the wall is the best bid: touched, no trade
    for (let p = 9998; p > 9990; p -= 2) book.bids.set(p, 10);
    t.update(book, INST, 2); // price back up: gap 8 ticks
    book.bids.set(9990, 0);
    t.update(book, INST, 3); // gone while 8 ticks away, but it held price once: not a spoof
    expect(t.view(3)).toMatchObject({ absorbed: { bid: 1, ask: 0 }, pulled: { bid: 0, ask: 0 } });
  });

  it('pulled: a wall 20 ticks below the best bid vanishes', () => {
    const book = baseBook();
    book.bids.set(9978, 50); // gap 9998 − 9978 = 20 ticks, 22 bps from the mid
    const t = new WallTracker();
    t.update(book, INST, 0);
    expect(t.view(0).bid?.priceTicks).toBe(9978);
    book.bids.set(9978, 0);
    t.update(book, INST, 1);
    const v = t.view(1);
    expect(v.pulled).toEqual({ bid: 1, ask: 0 });
    expect(v.absorbed).toEqual({ bid: 0, ask: 0 });
    expect(v.spoofingScore).toBe(1);
  });

  it('pulled: a wall shrunk below the threshold far from the price', () => {
    const book = baseBook();
    book.bids.set(9978, 50);
    const t = new WallTracker();
    t.update(book, INST, 0);
    book.bids.set(9978, 30); // 3×
    t.update(book, INST, 1);
    expect(t.view(1).pulled.bid).toBe(1);
  });

  it.each([
    { how: 'a sell printed at the wall price (book not caught up)', trade: [9990, 'sell'] as const, clear: [9990], absorbed: 1 },
    { how: 'a sell printed through it', trade: [9988, 'sell'] as const, clear: [9990], absorbed: 1 },
    { how: 'a buy at its price (wrong side: no hit)', trade: [9990, 'buy'] as const, clear: [9990], absorbed: 0 },
    { how: 'the book swept through it (best crossed it), no trade seen', trade: null, clear: [9998, 9996, 9994, 9992, 9990], absorbed: 1 },
    { how: 'vanished with the best 1 tick away (within touchTicks)', trade: null, clear: [9998, 9996, 9994, 9992, 9990], bid: 9991, absorbed: 1 },
    { how: 'vanished with the best 2 ticks away', trade: null, clear: [9998, 9996, 9994, 9990], absorbed: 0 },
  ])('ends by $how ⇒ absorbed $absorbed', ({ trade, clear, bid, absorbed }) => {
    const book = baseBook();
    book.bids.set(9990, 50);
    const t = new WallTracker();
    t.update(book, INST, 0);
    if (trade) t.onTrade(trade[0], 5, trade[1], 1);
    for (const p of clear) book.bids.set(p, 0);
    if (bid !== undefined) book.bids.set(bid, 10);
    t.update(book, INST, 2);
    const v = t.view(2);
    expect(v.absorbed.bid).toBe(absorbed);
    expect(v.pulled.bid).toBe(1 - absorbed);
  });

  it('an ask wall pulled counts on the ask side only', () => {
    const book = baseBook();
    book.bids.set(9990, 50);
    book.asks.set(10022, 50); // gap 20 ticks above the best ask
    const t = new WallTracker();
    t.update(book, INST, 0);
    book.asks.set(10022, 0);
    t.update(book, INST, 1);
    const v = t.view(1);
    expect(v.pulled).toEqual({ bid: 0, ask: 1 });
    expect(v.spoofingScore).toBe(1);
    expect(v.supportScore).toBeCloseTo(strength(5, 10), 12); // the bid side is not discounted
  });

  it('a wall drowned by growing neighbours or left behind by price ends with no outcome', () => {
    const book = baseBook();
    book.bids.set(9990, 50);
    const t = new WallTracker();
    t.update(book, INST, 0);
    for (let i = 0; i < 20; i++) if (9998 - 2 * i !== 9990) book.bids.set(9998 - 2 * i, 20); // 50 / 20 = 2.5×
    t.update(book, INST, 1);
    expect(t.view(1)).toMatchObject({ bid: null, pulled: { bid: 0, ask: 0 }, absorbed: { bid: 0, ask: 0 } });

    const away = baseBook();
    away.bids.set(9990, 50);
    const u = new WallTracker();
    u.update(away, INST, 0);
    // Price rallies 60 ticks: new bids and asks above, the old asks gone; the wall is now ~70 bps away.
    for (let i = 0; i < 40; i++) away.asks.set(10002 + 2 * i, 0);
    for (let p = 10000; p <= 10060; p += 2) away.bids.set(p, 10);
    for (let p = 10062; p <= 10100; p += 2) away.asks.set(p, 10);
    u.update(away, INST, 1);
    expect(u.view(1)).toMatchObject({ bid: null, pulled: { bid: 0, ask: 0 }, absorbed: { bid: 0, ask: 0 } });
  });

  it('skips an update on a cleared book instead of calling every wall pulled', () => {
    const book = baseBook();
    book.bids.set(9978, 50);
    const t = new WallTracker();
    t.update(book, INST, 0);
    book.clear();
    t.update(book, INST, 1);
    expect(t.view(1).pulled.bid).toBe(0);
    const again = baseBook();
    again.bids.set(9978, 50);
    t.update(again, INST, 2);
    expect(t.view(2).bid).toMatchObject({ priceTicks: 9978, since: 0 }); // the same wall, followed on
  });
});

describe('WallTracker: spoofing and history', () => {
  /** One wall at 9978 placed and pulled 20 ticks from the best bid. */
  function pullOnce(t: WallTracker, book: OrderBook, ts: number): void {
    book.bids.set(9978, 50);
    t.update(book, INST, ts);
    book.bids.set(9978, 0);
    t.update(book, INST, ts + 1);
  }

  it('repeated pulls push spoofingScore toward 1 and support down', () => {
    const book = baseBook();
    const t = new WallTracker();
    // One absorbed wall first (weight 50): swept through at 9990 by a sell.
    book.bids.set(9990, 50);
    t.update(book, INST, 0);
    t.onTrade(9990, 50, 'sell', 1);
    book.bids.set(9990, 0);
    t.update(book, INST, 1);
    // A fresh wall at 9990 that stays: the support is read from it.
    book.bids.set(9990, 50);
    t.update(book, INST, 5);
    let lastSpoof = 0;
    let lastSupport = Infinity;
    for (let k = 1; k <= 9; k++) {
      pullOnce(t, book, 10 * k);
      const v = t.view(10 * k + 1);
      expect(v.bid).toMatchObject({ priceTicks: 9990, multiple: 5, since: 5 });
      // Ended weight: 50 absorbed + 50·k pulled ⇒ share k / (k + 1); support = 0.444 / (k + 1).
      expect(v.spoofingScore).toBeCloseTo(k / (k + 1), 12);
      expect(v.supportScore).toBeCloseTo(strength(5, 10) / (k + 1), 12);
      expect(v.spoofingScore).toBeGreaterThan(lastSpoof);
      expect(v.supportScore).toBeLessThan(lastSupport);
      lastSpoof = v.spoofingScore;
      lastSupport = v.supportScore;
    }
  });

  it('weighs outcomes by the wall peak size', () => {
    const book = baseBook();
    const t = new WallTracker();
    book.bids.set(9990, 50); // absorbed, weight 50
    t.update(book, INST, 0);
    t.onTrade(9990, 50, 'sell', 1);
    book.bids.set(9990, 0);
    t.update(book, INST, 1);
    book.bids.set(9990, 10);
    // A spoof at 9978 shown at 100 lots, cut to 60 (still 6×), then pulled: weight 100, not 60.
    for (const [ts, lots] of [
      [2, 100],
      [3, 60],
      [4, 0],
    ] as const) {
      book.bids.set(9978, lots);
      t.update(book, INST, ts);
    }
    expect(t.view(4).spoofingScore).toBeCloseTo(100 / 150, 12);
  });

  it('expires outcomes after historyMs', () => {
    const book = baseBook();
    const t = new WallTracker({ historyMs: 60_000 });
    pullOnce(t, book, 0); // ends at 1
    expect(t.view(60_000).pulled.bid).toBe(1); // 59 999 ms after: kept
    const v = t.view(60_001); // exactly historyMs after: gone
    expect(v.pulled.bid).toBe(0);
    expect(v.spoofingScore).toBe(0);
  });

  it('keeps at most historySize outcomes per side', () => {
    const book = baseBook();
    const t = new WallTracker({ historySize: 3 });
    for (let k = 0; k < 5; k++) pullOnce(t, book, 10 * k);
    expect(t.view(100).pulled.bid).toBe(3);
    expect(t.view(100).spoofingScore).toBe(1);
  });

  it('keeps every score in [0, 1] and reported walls inside the rules over random play', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('level' as const), bid: fc.boolean(), i: fc.integer({ min: 0, max: 39 }), lots: fc.integer({ min: 0, max: 120 }) }),
      fc.record({ kind: fc.constant('trade' as const), bid: fc.boolean(), i: fc.integer({ min: 0, max: 39 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const book = baseBook();
        const t = new WallTracker({ historySize: 10 });
        let ts = 0;
        for (const o of ops) {
          ts += 100;
          const price = o.bid ? 9998 - 2 * o.i : 10002 + 2 * o.i;
          if (o.kind === 'trade') t.onTrade(price, 1, o.bid ? 'sell' : 'buy', ts);
          else (o.bid ? book.bids : book.asks).set(price, o.lots);
          t.update(book, INST, ts);
          const v = t.view(ts);
          for (const s of [v.supportScore, v.resistanceScore, v.spoofingScore]) {
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(1);
          }
          for (const w of [v.bid, v.ask]) {
            if (!w) continue;
            expect(w.multiple).toBeGreaterThanOrEqual(DEFAULT_WALL_OPTIONS.multiple);
            expect(w.distanceBps).toBeLessThanOrEqual(DEFAULT_WALL_OPTIONS.maxDistanceBps);
          }
          for (const n of [v.pulled.bid, v.pulled.ask, v.absorbed.bid, v.absorbed.ask]) expect(n).toBeLessThanOrEqual(10);
          expect(v.pulled.bid + v.absorbed.bid).toBeLessThanOrEqual(10);
        }
      }),
    );
  });
});
