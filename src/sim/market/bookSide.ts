/**
 * One side of a simulated book in integer ticks and lots, best first, recording what changed in
 * the current step so the step can be published as a venue delta.
 */

/** A price level in ticks and lots. */
export interface Level {
  readonly px: number;
  qty: number;
}

/** One side's levels and this step's changes to them. */
export class BookSide {
  /** Levels best first. */
  levels: Level[] = [];
  /** This step's changes: price → new quantity (0 removes). */
  readonly changes = new Map<number, number>();
  /** Prices a trade took from this step: the requote leaves them alone so the delta shows the consumed size. */
  readonly locked = new Set<number>();
  /** Prices created this step (a removal of one of them is no change at all). */
  private readonly born = new Set<number>();

  constructor(readonly bid: boolean) {}

  /** Starts a step's bookkeeping. */
  reset(): void {
    // Clearing an empty Map still costs a reallocation; most steps lock nothing.
    if (this.changes.size > 0) this.changes.clear();
    if (this.locked.size > 0) this.locked.clear();
    if (this.born.size > 0) this.born.clear();
  }

  /** Returns true when price `a` is better (closer to the other side) than `b`. */
  better(a: number, b: number): boolean {
    return this.bid ? a > b : a < b;
  }

  /** Returns the price `d` ticks further from the top than `px`. */
  away(px: number, d: number): number {
    return this.bid ? px - d : px + d;
  }

  /** Returns the index of a price, or -1. */
  indexOf(px: number): number {
    const levels = this.levels;
    for (let i = 0; i < levels.length; i++) if (levels[i]!.px === px) return i;
    return -1;
  }

  /** Sets a level's quantity in place and records it. */
  setQty(level: Level, qty: number): void {
    level.qty = qty;
    this.changes.set(level.px, qty);
  }

  /** Inserts a new level at `index` and records it. */
  insert(index: number, px: number, qty: number): void {
    this.levels.splice(index, 0, { px, qty });
    this.record(px, qty);
  }

  /** Removes the level at `index` and records it. */
  removeAt(index: number): void {
    const [gone] = this.levels.splice(index, 1);
    if (gone) this.recordRemoval(gone.px);
  }

  /** Records a removal (used when levels are cut in bulk). */
  recordRemoval(px: number): void {
    if (this.born.delete(px)) this.changes.delete(px);
    else this.changes.set(px, 0);
  }

  /** Records a new level (used when levels are added in bulk). */
  record(px: number, qty: number): void {
    // A level removed and re-created in one step is a plain quantity change.
    if (this.changes.get(px) !== 0) this.born.add(px);
    this.changes.set(px, qty);
  }

  /** Returns the index where a price not in the book belongs. */
  slot(px: number): number {
    const levels = this.levels;
    let i = 0;
    while (i < levels.length && this.better(levels[i]!.px, px)) i++;
    return i;
  }
}
