/**
 * The order book: per side a skip list of levels ordered best first (O(log n) insert and delete)
 * plus a map from price to level (O(1) size changes, the most common update). Top-N and depth
 * walks follow the list in place; nothing copies the book. Prices are ticks, sizes lots.
 */

const MAX_HEIGHT = 16;

/** A level as readers see it: follow `next[0]` for the next worse level (null at the end). */
export interface BookLevel {
  readonly price: number;
  readonly qty: number;
  readonly pxRaw: string | undefined;
  readonly qtyRaw: string | undefined;
  readonly next: readonly (BookLevel | null)[];
}

class Level implements BookLevel {
  next: (Level | null)[];
  constructor(
    /** Sort key: the price for asks, minus the price for bids, so both sides ascend from best. */
    readonly key: number,
    readonly price: number,
    public qty: number,
    height: number,
    public pxRaw: string | undefined,
    public qtyRaw: string | undefined,
  ) {
    // Packed literals for the common heights (3 in 4 levels have height 1): no holey array.
    this.next = height === 1 ? [null] : height === 2 ? [null, null] : new Array<Level | null>(height).fill(null);
  }
}

/** One side of a book. */
export class BookSide {
  private readonly head = new Level(-Infinity, NaN, 0, MAX_HEIGHT, undefined, undefined);
  private readonly byPrice = new Map<number, Level>();
  private height = 1;
  private seed: number;
  private readonly path: Level[] = new Array<Level>(MAX_HEIGHT);

  constructor(readonly isBid: boolean) {
    this.seed = isBid ? 0x9e3779b9 : 0x85ebca6b;
  }

  get size(): number {
    return this.byPrice.size;
  }

  /** Sets a level's size; 0 deletes it. Returns false for a delete of a level that is not there. */
  set(price: number, qty: number, pxRaw?: string, qtyRaw?: string): boolean {
    const found = this.byPrice.get(price);
    if (found) {
      if (qty === 0) this.remove(found);
      else {
        found.qty = qty;
        found.pxRaw = pxRaw;
        found.qtyRaw = qtyRaw;
      }
      return true;
    }
    if (qty === 0) return false;
    this.insert(price, qty, pxRaw, qtyRaw);
    return true;
  }

  /**
   * Fills an empty side from flat [ticks, lots, …] pairs (a snapshot). Venues send levels best
   * first, so each one is appended at the tail without a search; a level out of that order falls
   * back to the ordinary insert. Returns false when the side was not empty (nothing done).
   */
  load(flat: readonly number[], raw?: readonly string[]): boolean {
    if (this.byPrice.size !== 0) return false;
    const tails = this.path;
    for (let lvl = 0; lvl < MAX_HEIGHT; lvl++) tails[lvl] = this.head;
    let lastKey = -Infinity;
    let ordered = true;
    for (let i = 0; i < flat.length; i += 2) {
      const price = flat[i]!;
      const qty = flat[i + 1]!;
      const key = this.isBid ? -price : price;
      if (!ordered || key <= lastKey || qty === 0) {
        if (ordered && qty !== 0) ordered = false; // the tails are no longer the insertion path
        this.set(price, qty, raw?.[i], raw?.[i + 1]);
        continue;
      }
      const h = this.randomHeight();
      if (h > this.height) this.height = h;
      const level = new Level(key, price, qty, h, raw?.[i], raw?.[i + 1]);
      for (let lvl = 0; lvl < h; lvl++) {
        tails[lvl]!.next[lvl] = level;
        tails[lvl] = level;
      }
      this.byPrice.set(price, level);
      lastKey = key;
    }
    return true;
  }

  /** Returns the size at a price, 0 when there is no level. */
  qtyAt(price: number): number {
    return this.byPrice.get(price)?.qty ?? 0;
  }

  /** Returns the best level, to walk with `level.next[0]` without a callback (the checksum's hot loop). */
  first(): BookLevel | null {
    return this.head.next[0] ?? null;
  }

  /** Returns the best price, NaN when the side is empty. */
  best(): number {
    return this.head.next[0]?.price ?? NaN;
  }

  bestQty(): number {
    return this.head.next[0]?.qty ?? 0;
  }

  clear(): void {
    this.byPrice.clear();
    this.head.next.fill(null);
    this.height = 1;
  }

  /** Calls `fn` for up to `n` levels from the best; stops early when `fn` returns false. */
  forEach(n: number, fn: (price: number, qty: number, index: number, pxRaw?: string, qtyRaw?: string) => boolean | void): void {
    let node = this.head.next[0] ?? null;
    for (let i = 0; node !== null && i < n; i++, node = node.next[0] ?? null) {
      if (fn(node.price, node.qty, i, node.pxRaw, node.qtyRaw) === false) return;
    }
  }

  /**
   * Walks the side from the best level until `qty` lots are covered (or the side ends) and
   * returns what was covered, the sum of price×qty (ticks×lots) and the worst price touched.
   * The VWAP in ticks is `notional / filled`.
   */
  walk(qty: number, limitPrice?: number): { filled: number; notional: number; worst: number; levels: number } {
    let filled = 0;
    let notional = 0;
    let worst = NaN;
    let levels = 0;
    for (let node = this.head.next[0] ?? null; node !== null && filled < qty; node = node.next[0] ?? null) {
      if (limitPrice !== undefined && (this.isBid ? node.price < limitPrice : node.price > limitPrice)) break;
      const take = Math.min(node.qty, qty - filled);
      filled += take;
      notional += take * node.price;
      worst = node.price;
      levels++;
    }
    return { filled, notional, worst, levels };
  }

  /** Returns the total size of the first `n` levels. */
  depth(n: number): number {
    let sum = 0;
    this.forEach(n, (_p, q) => {
      sum += q;
    });
    return sum;
  }

  private randomHeight(): number {
    // xorshift32, seeded per side: the shape is deterministic, which keeps replays identical.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    let h = 1;
    let bits = this.seed;
    while (h < MAX_HEIGHT && (bits & 3) === 0) {
      h++;
      bits >>>= 2;
    }
    return h;
  }

  /** Fills `path` with the last level before `key` on every height in use. */
  private search(key: number): void {
    let node = this.head;
    for (let lvl = this.height - 1; lvl >= 0; lvl--) {
      let nxt = node.next[lvl];
      while (nxt && nxt.key < key) {
        node = nxt;
        nxt = node.next[lvl];
      }
      this.path[lvl] = node;
    }
  }

  private insert(price: number, qty: number, pxRaw: string | undefined, qtyRaw: string | undefined): void {
    const key = this.isBid ? -price : price;
    this.search(key);
    const h = this.randomHeight();
    if (h > this.height) {
      for (let lvl = this.height; lvl < h; lvl++) this.path[lvl] = this.head;
      this.height = h;
    }
    const level = new Level(key, price, qty, h, pxRaw, qtyRaw);
    for (let lvl = 0; lvl < h; lvl++) {
      const prev = this.path[lvl]!;
      level.next[lvl] = prev.next[lvl] ?? null;
      prev.next[lvl] = level;
    }
    this.byPrice.set(price, level);
  }

  private remove(level: Level): void {
    this.search(level.key);
    for (let lvl = 0; lvl < this.height; lvl++) {
      const prev = this.path[lvl]!;
      if (prev.next[lvl] === level) prev.next[lvl] = level.next[lvl] ?? null;
    }
    while (this.height > 1 && this.head.next[this.height - 1] === null) this.height--;
    this.byPrice.delete(level.price);
  }
}

/** A two-sided book in ticks and lots. Sync rules and status live in BookSync, not here. */
export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  constructor(readonly instrument: string) {}

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Fills both (empty) sides from a snapshot's levels; falls back to applyLevels on a non-empty side. */
  loadSnapshot(bids: readonly number[], asks: readonly number[], raw?: { readonly bids: readonly string[]; readonly asks: readonly string[] }): number {
    let missing = 0;
    if (!this.bids.load(bids, raw?.bids)) missing += this.applyLevels(this.bids, bids, raw?.bids);
    if (!this.asks.load(asks, raw?.asks)) missing += this.applyLevels(this.asks, asks, raw?.asks);
    return missing;
  }

  /** Applies flat [ticks, lots, …] pairs to one side (raw strings alongside when kept). */
  applyLevels(side: BookSide, flat: readonly number[], raw?: readonly string[]): number {
    let missingDeletes = 0;
    for (let i = 0; i < flat.length; i += 2) {
      if (!side.set(flat[i]!, flat[i + 1]!, raw?.[i], raw?.[i + 1])) missingDeletes++;
    }
    return missingDeletes;
  }

  /** True when the best bid is at or above the best ask. */
  crossed(): boolean {
    const b = this.bids.best();
    const a = this.asks.best();
    return b >= a; // NaN on either side compares false
  }

  /** Returns the mid price in ticks (a float: it may fall between ticks), NaN when a side is empty. */
  mid(): number {
    return (this.bids.best() + this.asks.best()) / 2;
  }

  /** Returns up to `n` levels of a side as [ticks, lots] pairs (allocates: for the API, not the hot path). */
  top(side: 'bids' | 'asks', n: number): [number, number][] {
    const out: [number, number][] = [];
    this[side].forEach(n, (p, q) => {
      out.push([p, q]);
    });
    return out;
  }
}
