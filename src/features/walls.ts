/**
 * Walls: levels far larger than their neighbours near the price, followed until they end, and
 * classed by how they end: absorbed (price reached them or trades hit them) or pulled before
 * price came near (a spoof).
 *
 * Definitions (sizes in lots, distances in ticks or bps of the mid):
 *   local average = mean size of the first `levels` levels of the side, the candidate excluded
 *   multiple      = size / local average; a wall is a level among those first `levels`, within
 *                   `maxDistanceBps` of the mid, with multiple ≥ `multiple`
 *   gap           = best bid − price (bid wall) or price − best ask (ask wall), in ticks;
 *                   ≤ 0 when the wall is the best level or the best has crossed it
 *   touched       = at some update of its life, gap ≤ `touchTicks`
 *   A tracked wall ends when its level vanishes or its size drops so that the multiple falls
 *   under the threshold. It is absorbed when it was touched, was hit by a trade (a sell at or
 *   below a bid wall, a buy at or above an ask wall), or has gap ≤ `touchTicks` when it ends;
 *   otherwise it was pulled while price was more than `touchTicks` away: a spoof.
 *   Each outcome is weighted by the wall's peak size and kept per side, the last `historySize`
 *   within `historyMs`.
 *   spoofShare(side) = pulled weight / ended weight of that side (0 with none)
 *   spoofingScore    = pulled weight / ended weight over both sides (0 with none)
 *   strength(wall)   = multiple / (multiple + threshold) × (1 − distanceBps / maxDistanceBps)
 *                      (½ at the threshold, rising toward 1 with size; 1 at the mid, 0 at the edge)
 *   supportScore     = strength(strongest bid wall) × (1 − spoofShare(bid)), 0 with none;
 *   resistanceScore  the same on the ask side. The view's `bid`/`ask` is that strongest wall.
 *
 * Choices:
 * - A wall that ends without losing size (its neighbours grew and the multiple fell) or by
 *   drifting past `maxDistanceBps` (price moved away) ends with no outcome: nobody pulled it.
 * - An update with a side empty (a cleared or resyncing book) is skipped whole, so a resync does
 *   not read as every wall pulled at once. Call `update` only with a synced book.
 * - O(levels) per update: two walks over the first `levels` levels plus the few tracked walls
 *   (found by a linear scan of a short array); O(walls on that side) per trade.
 */
import type { BookLevel, BookSide, OrderBook } from '../market/orderBook.ts';
import type { Instrument } from '../model/instrument.ts';
import type { Side } from '../model/market.ts';
import type { Wall, WallsView } from './types.ts';

/** Thresholds of the wall features (the config may override any of them). */
export interface WallOptions {
  /** Levels per side that make the local average and may hold a wall. */
  readonly levels: number;
  /** Size over the local average from which a level is a wall. */
  readonly multiple: number;
  /** Farthest a wall may sit from the mid (bps). */
  readonly maxDistanceBps: number;
  /** Gap (ticks) within which price counts as having reached a wall. */
  readonly touchTicks: number;
  /** Ended walls remembered per side. */
  readonly historySize: number;
  /** How long an ended wall's outcome counts (ms). */
  readonly historyMs: number;
}

/** Holds the defaults: 4× the average of 20 levels, within 50 bps, 1 tick counts as a touch, 50 outcomes or 5 min. */
export const DEFAULT_WALL_OPTIONS: WallOptions = Object.freeze({
  levels: 20,
  multiple: 4,
  maxDistanceBps: 50,
  touchTicks: 1,
  historySize: 50,
  historyMs: 300_000,
});

interface Tracked {
  readonly price: number;
  readonly since: number;
  lots: number;
  peak: number;
  multiple: number;
  distanceBps: number;
  touched: boolean;
  hit: boolean;
  seen: number;
}

/** Ended walls of one side: a ring of (time, weight, pulled) with running weights. */
class Outcomes {
  private readonly at: Float64Array;
  private readonly weight: Float64Array;
  private readonly pulledFlag: Uint8Array;
  private head = 0;
  private count = 0;
  pulled = 0;
  absorbed = 0;
  pulledWeight = 0;
  absorbedWeight = 0;

  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.weight = new Float64Array(capacity);
    this.pulledFlag = new Uint8Array(capacity);
  }

  push(ts: number, weight: number, pulled: boolean): void {
    if (this.at.length === 0) return;
    if (this.count === this.at.length) this.shift();
    const i = (this.head + this.count) % this.at.length;
    this.at[i] = ts;
    this.weight[i] = weight;
    this.pulledFlag[i] = pulled ? 1 : 0;
    this.count++;
    if (pulled) {
      this.pulled++;
      this.pulledWeight += weight;
    } else {
      this.absorbed++;
      this.absorbedWeight += weight;
    }
  }

  /** Drops outcomes at or before `cutoff`. */
  expire(cutoff: number): void {
    while (this.count > 0 && this.at[this.head]! <= cutoff) this.shift();
  }

  /** Returns the pulled share of the ended weight, 0 with none. */
  spoofShare(): number {
    const total = this.pulledWeight + this.absorbedWeight;
    return total > 0 ? this.pulledWeight / total : 0;
  }

  private shift(): void {
    const w = this.weight[this.head]!;
    if (this.pulledFlag[this.head] === 1) {
      this.pulled--;
      this.pulledWeight -= w;
    } else {
      this.absorbed--;
      this.absorbedWeight -= w;
    }
    this.head = (this.head + 1) % this.at.length;
    this.count--;
    // Weights are integer lots, so the sums stay exact; reset anyway when empty.
    if (this.count === 0) this.pulledWeight = this.absorbedWeight = 0;
  }
}

/** Follows the walls of one book and scores the support, resistance and spoofing they show. */
export class WallTracker {
  readonly options: WallOptions;
  // Live walls per side: a handful at most, so a plain array (no iterator per trade) beats a map.
  private readonly walls: { readonly bid: Tracked[]; readonly ask: Tracked[] } = { bid: [], ask: [] };
  private readonly outcomes: { readonly bid: Outcomes; readonly ask: Outcomes };
  private epoch = 0;

  constructor(opts: Partial<WallOptions> = {}) {
    this.options = { ...DEFAULT_WALL_OPTIONS, ...opts };
    const cap = Math.max(0, Math.floor(this.options.historySize));
    this.outcomes = { bid: new Outcomes(cap), ask: new Outcomes(cap) };
  }

  /** Finds the walls of the book as it is now and ends the tracked ones that are gone. */
  update(book: OrderBook, _inst: Instrument, ts: number): void {
    if (book.bids.size === 0 || book.asks.size === 0) return;
    const mid = book.mid();
    this.epoch++;
    this.scanSide(book.bids, this.walls.bid, this.outcomes.bid, mid, ts);
    this.scanSide(book.asks, this.walls.ask, this.outcomes.ask, mid, ts);
  }

  /** Marks the live walls a trade reached: a sell at or below a bid wall, a buy at or above an ask wall. */
  onTrade(priceTicks: number, _lots: number, aggressor: Side, _ts: number): void {
    const walls = aggressor === 'sell' ? this.walls.bid : this.walls.ask;
    for (let i = 0; i < walls.length; i++) {
      const w = walls[i]!;
      if (aggressor === 'sell' ? priceTicks <= w.price : priceTicks >= w.price) w.hit = true;
    }
  }

  /** Returns the strongest walls, their scores and the recent outcomes as of `ts`. */
  view(ts: number): WallsView {
    const cutoff = ts - this.options.historyMs;
    const ob = this.outcomes.bid;
    const oa = this.outcomes.ask;
    ob.expire(cutoff);
    oa.expire(cutoff);
    const bid = this.strongest(this.walls.bid);
    const ask = this.strongest(this.walls.ask);
    const pulledW = ob.pulledWeight + oa.pulledWeight;
    const endedW = pulledW + ob.absorbedWeight + oa.absorbedWeight;
    return {
      bid: bid && toWall('bid', bid),
      ask: ask && toWall('ask', ask),
      supportScore: bid ? this.strength(bid) * (1 - ob.spoofShare()) : 0,
      resistanceScore: ask ? this.strength(ask) * (1 - oa.spoofShare()) : 0,
      spoofingScore: endedW > 0 ? pulledW / endedW : 0,
      pulled: { bid: ob.pulled, ask: oa.pulled },
      absorbed: { bid: ob.absorbed, ask: oa.absorbed },
    };
  }

  private scanSide(side: BookSide, walls: Tracked[], outcomes: Outcomes, mid: number, ts: number): void {
    const { levels, multiple: threshold, maxDistanceBps, touchTicks } = this.options;
    const best = side.best();
    let sum = 0;
    let n = 0;
    for (let node: BookLevel | null = side.first(); node !== null && n < levels; node = node.next[0] ?? null) {
      sum += node.qty;
      n++;
    }
    if (n >= 2) {
      let i = 0;
      for (let node: BookLevel | null = side.first(); node !== null && i < n; node = node.next[0] ?? null, i++) {
        const distanceBps = (Math.abs(node.price - mid) / mid) * 10_000;
        if (distanceBps > maxDistanceBps) break; // levels only get farther
        const m = node.qty / ((sum - node.qty) / (n - 1));
        if (m < threshold) continue;
        let w = find(walls, node.price);
        if (!w) {
          w = { price: node.price, since: ts, lots: 0, peak: 0, multiple: 0, distanceBps: 0, touched: false, hit: false, seen: 0 };
          walls.push(w);
        }
        w.lots = node.qty;
        if (node.qty > w.peak) w.peak = node.qty;
        w.multiple = m;
        w.distanceBps = distanceBps;
        if (gap(side, best, node.price) <= touchTicks) w.touched = true;
        w.seen = this.epoch;
      }
    }
    for (let k = walls.length - 1; k >= 0; k--) {
      const w = walls[k]!;
      if (w.seen === this.epoch) continue;
      walls[k] = walls[walls.length - 1]!; // swap-remove: order does not matter
      walls.pop();
      const lotsNow = side.qtyAt(w.price);
      // Still there at its size (neighbours grew) or price moved away: nobody pulled it.
      if (lotsNow > 0 && (lotsNow >= w.lots || (Math.abs(w.price - mid) / mid) * 10_000 > maxDistanceBps)) continue;
      const reached = w.touched || w.hit || gap(side, best, w.price) <= touchTicks;
      outcomes.push(ts, w.peak, !reached);
    }
  }

  private strongest(walls: readonly Tracked[]): Tracked | null {
    let top: Tracked | null = null;
    let topStrength = -1;
    for (let i = 0; i < walls.length; i++) {
      const w = walls[i]!;
      const s = this.strength(w);
      if (s > topStrength) {
        top = w;
        topStrength = s;
      }
    }
    return top;
  }

  private strength(w: Tracked): number {
    const { multiple, maxDistanceBps } = this.options;
    const closeness = maxDistanceBps > 0 ? Math.max(0, 1 - w.distanceBps / maxDistanceBps) : 0;
    return (w.multiple / (w.multiple + multiple)) * closeness;
  }
}

/** Returns how many ticks the side's best stands in front of `price` (≤ 0 at or past it). */
function gap(side: BookSide, best: number, price: number): number {
  return side.isBid ? best - price : price - best;
}

function find(walls: readonly Tracked[], price: number): Tracked | undefined {
  for (let i = 0; i < walls.length; i++) if (walls[i]!.price === price) return walls[i];
  return undefined;
}

function toWall(side: 'bid' | 'ask', w: Tracked): Wall {
  return { side, priceTicks: w.price, lots: w.lots, multiple: w.multiple, distanceBps: w.distanceBps, since: w.since };
}
