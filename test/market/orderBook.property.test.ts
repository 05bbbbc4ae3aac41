import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook, type BookSide } from '../../src/market/orderBook.ts';

type SideName = 'bids' | 'asks';

/** The obvious book: a map per side, sorted on every read. */
class RefBook {
  readonly bids = new Map<number, { qty: number; raw: string }>();
  readonly asks = new Map<number, { qty: number; raw: string }>();
  private readonly sorted: Partial<Record<SideName, [number, number, string][]>> = {};

  set(side: SideName, price: number, qty: number, raw: string): boolean {
    const m = this[side];
    delete this.sorted[side];
    if (qty === 0) return m.delete(price);
    m.set(price, { qty, raw });
    return true;
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
    delete this.sorted.bids;
    delete this.sorted.asks;
  }

  /** Levels best first (sorted once per change: the reference is about clarity, not speed). */
  levels(side: SideName): [number, number, string][] {
    const cached = this.sorted[side];
    if (cached) return cached;
    const out = [...this[side]].map(([p, v]): [number, number, string] => [p, v.qty, v.raw]);
    out.sort((a, b) => (side === 'bids' ? b[0] - a[0] : a[0] - b[0]));
    return (this.sorted[side] = out);
  }

  best(side: SideName): number {
    return this.levels(side)[0]?.[0] ?? NaN;
  }

  crossed(): boolean {
    const b = this.best('bids');
    const a = this.best('asks');
    return !Number.isNaN(b) && !Number.isNaN(a) && b >= a;
  }

  walk(side: SideName, qty: number, limit?: number): { filled: number; notional: number; worst: number; levels: number } {
    let filled = 0;
    let notional = 0;
    let worst = NaN;
    let levels = 0;
    for (const [p, q] of this.levels(side)) {
      if (filled >= qty) break;
      if (limit !== undefined && (side === 'bids' ? p < limit : p > limit)) break;
      const take = Math.min(q, qty - filled);
      filled += take;
      notional += take * p;
      worst = p;
      levels++;
    }
    return { filled, notional, worst, levels };
  }
}

type Op =
  | { kind: 'set'; side: SideName; price: number; qty: number }
  | { kind: 'clear' }
  | { kind: 'batch'; side: SideName; flat: number[] };

function opArb(price: fc.Arbitrary<number>): fc.Arbitrary<Op> {
  const side = fc.constantFrom<SideName>('bids', 'asks');
  // A third of the sets are deletes (qty 0), so levels come and go and absent deletes happen.
  const qty = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 1e12 }));
  return fc.oneof(
    { weight: 30, arbitrary: fc.record({ kind: fc.constant('set' as const), side, price, qty }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('batch' as const), side, flat: fc.array(fc.tuple(price, qty), { maxLength: 8 }).map((ps) => ps.flat()) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  );
}

function sideOf(book: OrderBook, side: SideName): BookSide {
  return side === 'bids' ? book.bids : book.asks;
}

/** What the book says, in one object, so each step is one comparison. */
function observe(book: OrderBook, probes: Probes): unknown {
  const sides = (['bids', 'asks'] as const).map((side) => {
    const s = sideOf(book, side);
    const raws: string[] = [];
    s.forEach(probes.n, (p, _q, _i, px, qty) => {
      raws.push(`${p}=${px}:${qty}`);
    });
    return {
      size: s.size,
      best: s.best(),
      bestQty: s.bestQty(),
      top: book.top(side, probes.n),
      raws,
      qtyAt: s.qtyAt(probes.price),
      depth: s.depth(probes.n),
      walk: s.walk(probes.qty),
      walkLimited: s.walk(probes.qty, probes.limit),
    };
  });
  return { crossed: book.crossed(), mid: book.mid(), sides };
}

/** What the reference says, in the same shape. */
function expectation(ref: RefBook, probes: Probes): unknown {
  const sides = (['bids', 'asks'] as const).map((side) => {
    const levels = ref.levels(side);
    const top = levels.slice(0, probes.n);
    return {
      size: levels.length,
      best: ref.best(side),
      bestQty: levels[0]?.[1] ?? 0,
      top: top.map(([p, q]) => [p, q]),
      raws: top.map(([p, , raw]) => `${p}=${p}:${raw}`),
      qtyAt: ref[side].get(probes.price)?.qty ?? 0,
      depth: top.reduce((a, [, q]) => a + q, 0),
      walk: ref.walk(side, probes.qty),
      walkLimited: ref.walk(side, probes.qty, probes.limit),
    };
  });
  return { crossed: ref.crossed(), mid: (ref.best('bids') + ref.best('asks')) / 2, sides };
}

interface Probes {
  qty: number;
  limit: number;
  n: number;
  price: number;
}

function runOps(ops: Op[], maxPrice: number, probeSeed: number, compareEvery = 1): void {
  const book = new OrderBook('test:X');
  const ref = new RefBook();
  let serial = 0;
  ops.forEach((op, i) => {
    if (op.kind === 'clear') {
      book.clear();
      ref.clear();
    } else if (op.kind === 'set') {
      const raw = `q${serial++}`;
      const had = ref[op.side].has(op.price);
      const expected = ref.set(op.side, op.price, op.qty, raw);
      expect(sideOf(book, op.side).set(op.price, op.qty, String(op.price), raw)).toBe(expected);
      if (op.qty === 0) expect(expected).toBe(had); // a delete of an absent level is false
    } else {
      const raws: string[] = [];
      let missing = 0;
      for (let k = 0; k < op.flat.length; k += 2) {
        const raw = `q${serial++}`;
        raws.push(String(op.flat[k]), raw);
        if (!ref.set(op.side, op.flat[k]!, op.flat[k + 1]!, raw)) missing++;
      }
      expect(book.applyLevels(sideOf(book, op.side), op.flat, raws)).toBe(missing);
    }
    if (i % compareEvery !== 0 && i !== ops.length - 1) return;
    // Probes vary per step but stay deterministic for shrinking.
    const h = (probeSeed + i * 2654435761) >>> 0;
    const probes = { qty: (h % 3000) + 1, limit: (h % maxPrice) + 1, n: (h % 12) + 1, price: ((h >>> 8) % maxPrice) + 1 };
    expect(observe(book, probes)).toEqual(expectation(ref, probes));
  });
}

describe('OrderBook against a reference book (property)', () => {
  it('agrees on a narrow price range (many collisions and deletes)', () => {
    fc.assert(
      fc.property(fc.array(opArb(fc.integer({ min: 1, max: 40 })), { maxLength: 300 }), fc.nat(), (ops, seed) => runOps(ops, 40, seed)),
      { numRuns: 300 },
    );
  });

  it('agrees on a wide price range (deep skip lists)', () => {
    // Prices drawn from a pool, so a wide book still sees updates and deletes of existing levels.
    const pool = fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 30, maxLength: 300 });
    const ops = pool.chain((prices) => fc.array(opArb(fc.constantFrom(...prices)), { minLength: 100, maxLength: 400 }));
    fc.assert(
      fc.property(ops, fc.nat(), (list, seed) => runOps(list, 100_000, seed)),
      { numRuns: 150 },
    );
  });

  it('agrees after thousands of inserts and deletes on one side', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 3000; i++) ops.push({ kind: 'set', side: 'asks', price: (i * 7919) % 2003, qty: i % 3 === 0 ? 0 : i });
    runOps(ops, 2003, 1, 7);
  });
});

describe('OrderBook edge cases', () => {
  it.each<[string, [number, number][], [number, number][], boolean]>([
    ['empty book', [], [], false],
    ['one side only', [[100, 1]], [], false],
    ['normal spread', [[99, 1]], [[100, 1]], false],
    ['locked (bid == ask)', [[100, 1]], [[100, 1]], true],
    ['crossed', [[101, 1]], [[100, 1]], true],
  ])('crossed(): %s', (_name, bids, asks, crossed) => {
    const book = new OrderBook('test:X');
    book.applyLevels(book.bids, bids.flat());
    book.applyLevels(book.asks, asks.flat());
    expect(book.crossed()).toBe(crossed);
  });

  it('walk stops at the limit price and when the side runs out', () => {
    const book = new OrderBook('test:X');
    book.applyLevels(book.asks, [100, 2, 101, 3, 103, 5]);
    expect(book.asks.walk(4)).toEqual({ filled: 4, notional: 200 + 202, worst: 101, levels: 2 });
    expect(book.asks.walk(100, 101)).toEqual({ filled: 5, notional: 200 + 303, worst: 101, levels: 2 });
    expect(book.asks.walk(100)).toEqual({ filled: 10, notional: 200 + 303 + 515, worst: 103, levels: 3 });
    expect(book.asks.walk(0)).toEqual({ filled: 0, notional: 0, worst: NaN, levels: 0 });
    expect(book.bids.walk(1)).toEqual({ filled: 0, notional: 0, worst: NaN, levels: 0 });
  });

  it('forEach stops when the visitor returns false', () => {
    const book = new OrderBook('test:X');
    book.applyLevels(book.bids, [10, 1, 9, 1, 8, 1]);
    const seen: number[] = [];
    book.bids.forEach(10, (p) => {
      seen.push(p);
      return p > 9;
    });
    expect(seen).toEqual([10, 9]);
  });
});

describe('snapshot load', () => {
  it('builds the same book as level-by-level sets, whether the levels come best first or not', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 300 }), fc.boolean(), fc.boolean(), (prices, isBid, sorted) => {
        const levels = sorted ? [...prices].sort((a, b) => (isBid ? b - a : a - b)) : prices;
        const flat = levels.flatMap((p) => [p, (p % 7) + 1]);
        const loaded = new OrderBook('a');
        const side = isBid ? loaded.bids : loaded.asks;
        expect(side.load(flat)).toBe(true);
        const setOne = new OrderBook('b');
        const ref = isBid ? setOne.bids : setOne.asks;
        for (let i = 0; i < flat.length; i += 2) ref.set(flat[i]!, flat[i + 1]!);
        const all = (s: typeof side) => {
          const out: number[] = [];
          s.forEach(Infinity, (p, q) => void out.push(p, q));
          return out;
        };
        expect(all(side)).toEqual(all(ref));
        expect(side.size).toBe(ref.size);
        // later updates still work on a loaded side
        if (levels.length > 0) {
          side.set(levels[0]!, 0);
          ref.set(levels[0]!, 0);
          side.set(9999, 3);
          ref.set(9999, 3);
          expect(all(side)).toEqual(all(ref));
        }
        expect(side.load(flat)).toBe(side.size === 0);
      }),
      { numRuns: 300 },
    );
  });
});
