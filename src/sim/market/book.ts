/**
 * The simulated book of one instrument. Each step, in this order: spoof walls about to be reached
 * are pulled; taker orders walk the top of the current book (the delta then carries the consumed
 * sizes); the top is re-quoted around the venue's new price (levels the move crossed are removed,
 * the hole is filled a few ticks apart); a few sizes near the top change, sometimes a deep one;
 * levels left packed too tight deep in the book are thinned; the depth is kept between
 * MIN_LEVELS and MAX_LEVELS. Bids always stay below the target bid and
 * asks above the target ask, so the book never crosses.
 */
import type { Rng } from '../../core/rng.ts';
import type { PriceLevel, SimBookChange, SimTrade } from '../protocolServer.ts';
import { BookSide, type Level } from './bookSide.ts';
import type { Grid } from './grid.ts';
import { chance, pareto, uniform } from './random.ts';

/** Fewest levels a side keeps after a step. */
export const MIN_LEVELS = 52;
/** Levels a side starts with. */
export const START_LEVELS = 60;
/** Most levels a side keeps (deeper ones are cut, as a venue's depth limit would). */
export const MAX_LEVELS = 68;
/** A taker walks at most this many levels (the rest of its size is not filled, as with an IOC). */
const MAX_WALK = 6;

/** What a book needs to know about its instrument and asset. */
export interface BookConfig {
  /** The instrument id, for notes. */
  readonly id: string;
  readonly price: Grid;
  readonly qty: Grid;
  /** Base units per lot (lot size × contract size). */
  readonly unitsPerLot: number;
  readonly minLots: number;
  readonly spreadBps: number;
  readonly gapBps: number;
  /** Notional near the top on this venue. */
  readonly levelUsd: number;
  readonly tradeUsd: number;
}

/** What the generator decided for this book this step. */
export interface BookStepInput {
  /** The venue's price now. */
  readonly price: number;
  /** The step's start and end (trades are stamped in between). */
  readonly from: number;
  readonly to: number;
  readonly takers: number;
  readonly pBuy: number;
  readonly bidDepth: number;
  readonly askDepth: number;
  readonly placeWall: boolean;
}

interface Wall {
  readonly side: BookSide;
  readonly px: number;
  /** The level's own quantity before the wall joined it (0 when the wall made the level). */
  readonly base: number;
  readonly until: number;
}

/** One instrument's simulated book and tape. */
export class BookSim {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  private wall: Wall | undefined;
  private nextTradeId = 100_000_001;
  /** Float ticks of the current price, and the typical level size in lots at that price. */
  private mid = 0;
  private lots = 1;
  private baseGap = 1;
  /** Where the current step's notes go. */
  private notes: string[] = [];

  constructor(
    readonly cfg: BookConfig,
    private readonly rng: Rng,
  ) {}

  /** Builds the whole book around `price`; returns it as a change. */
  build(price: number): SimBookChange {
    this.bids.reset();
    this.asks.reset();
    this.bids.levels = [];
    this.asks.levels = [];
    const [bid, ask] = this.targets(price);
    this.fill(this.bids, bid, 1, START_LEVELS);
    this.fill(this.asks, ask, 1, START_LEVELS);
    return this.full();
  }

  /** Returns the whole book as a change (every level, best first). */
  full(): SimBookChange {
    const side = (s: BookSide): PriceLevel[] => s.levels.map((l) => [this.cfg.price.text(l.px), this.cfg.qty.text(l.qty)] as const);
    return { bids: side(this.bids), asks: side(this.asks) };
  }

  /** Advances one step; `notes` receives what a spoof wall did. */
  step(input: BookStepInput, notes: string[]): { change: SimBookChange; trades: SimTrade[] } {
    this.bids.reset();
    this.asks.reset();
    this.notes = notes;
    const [bid, ask] = this.targets(input.price);
    const gapTicks = this.gapTicks();
    this.checkWall(bid, ask, gapTicks, input.to);
    const trades = this.takers(input);
    this.fill(this.bids, bid, input.bidDepth);
    this.fill(this.asks, ask, input.askDepth);
    this.requote(this.bids, input.bidDepth);
    this.requote(this.asks, input.askDepth);
    this.deepChange(this.bids);
    this.deepChange(this.asks);
    this.consolidate(this.bids);
    this.consolidate(this.asks);
    this.trim(this.bids);
    this.trim(this.asks);
    if (input.placeWall && !this.wall) this.placeWall(bid, ask, gapTicks, input.to);
    // Whatever the takers left, a wall must never end a step at the top.
    if (this.wall && this.wall.side.levels[0]?.px === this.wall.px) this.pullWall('reached the top');
    return { change: this.delta(), trades };
  }

  /** Returns the target best bid and ask (ticks) for a price: a spread of a few ticks around it. */
  private targets(price: number): [number, number] {
    const cfg = this.cfg;
    this.mid = price / cfg.price.value;
    this.baseGap = Math.max(1, (this.mid * cfg.gapBps) / 1e4);
    this.lots = Math.max(cfg.minLots, cfg.levelUsd / price / cfg.unitsPerLot);
    const spread = Math.min(4, Math.max(1, Math.round((this.mid * cfg.spreadBps) / 1e4))) + (chance(this.rng, 0.2) ? 1 : 0);
    const bid = Math.max(1, Math.floor(this.mid - spread / 2));
    return [bid, bid + spread];
  }

  /** Typical distance between levels away from the top, in ticks (set with the targets each step). */
  private gapTicks(): number {
    return this.baseGap;
  }

  /**
   * Returns the distance to the next level for one `depth` ticks from the top: tight near the top,
   * wider deeper. It goes by distance, not rank, so a book refilled from the top many times over
   * keeps the same shape as a freshly built one.
   */
  private gap(depth: number): number {
    return Math.max(1, Math.round(this.typicalGap(depth) * uniform(this.rng, 0.5, 1.5)));
  }

  private typicalGap(depth: number): number {
    const base = this.gapTicks();
    return base * Math.min(1, 0.2 + (0.8 * depth) / (8 * base));
  }

  /**
   * Removes a level or two packed tighter than their depth calls for. Levels made near the top
   * stay packed as the price walks away from them; without this the book would slowly crowd
   * into a few bps while trimming cuts its sparse tail.
   */
  private consolidate(side: BookSide): void {
    const levels = side.levels;
    for (let k = 0; k < 2 && levels.length > MIN_LEVELS; k++) {
      const i = this.rng.int(5, levels.length - 1);
      const level = levels[i]!;
      const depth = Math.abs(level.px - levels[0]!.px);
      if (Math.abs(level.px - levels[i - 1]!.px) >= 0.35 * this.typicalGap(depth)) continue;
      if (side.locked.has(level.px) || this.isWall(side, level.px)) continue;
      side.removeAt(i);
    }
  }

  /** Returns a fresh level size in lots: growing away from the top, heavy-tailed. */
  private size(rank: number, depth: number): number {
    const lots = this.lots * (1 + 0.1 * rank) * pareto(this.rng, 1.7, 40) * uniform(this.rng, 0.4, 1.2) * depth;
    return Math.max(this.cfg.minLots, Math.round(lots));
  }

  /** Removes levels the move crossed and fills the hole between the target and the old top. */
  private fill(side: BookSide, target: number, depth: number, most = MAX_LEVELS): void {
    const levels = side.levels;
    let cut = 0;
    while (cut < levels.length && side.better(levels[cut]!.px, target)) side.recordRemoval(levels[cut++]!.px);
    if (cut > 0) levels.splice(0, cut);
    const stop = levels[0]?.px;
    const fresh: Level[] = [];
    let px = target;
    let rank = 0;
    while ((stop === undefined || side.better(px, stop)) && fresh.length < most && px > 0) {
      if (!side.locked.has(px)) {
        const qty = this.size(rank, depth);
        fresh.push({ px, qty });
        side.record(px, qty);
      }
      rank++;
      px = side.away(px, this.gap(Math.abs(px - target)));
    }
    if (fresh.length > 0) side.levels = fresh.concat(levels);
  }

  /** Re-quotes some sizes near the top (more of them, and thinner, when the scenario thins a side). */
  private requote(side: BookSide, depth: number): void {
    const thinning = depth < 1;
    const n = Math.min(side.levels.length, thinning ? 15 : 5);
    for (let i = 0; i < n; i++) {
      const level = side.levels[i]!;
      if (!chance(this.rng, thinning ? 0.8 : 0.25) || side.locked.has(level.px) || this.isWall(side, level.px)) continue;
      let qty: number;
      // Makers pulling out of a side cut resting size (old deep levels included), they never add to it.
      if (thinning) qty = Math.min(level.qty, this.size(i, depth));
      else qty = chance(this.rng, 0.5) ? Math.max(this.cfg.minLots, Math.round(level.qty * uniform(this.rng, 0.6, 1.5))) : this.size(i, depth);
      if (qty !== level.qty) side.setQty(level, qty);
    }
  }

  /** Now and then changes, removes or adds a level deep in the book. */
  private deepChange(side: BookSide): void {
    const levels = side.levels;
    if (levels.length < 8 || !chance(this.rng, 0.15)) return;
    const i = this.rng.int(5, levels.length - 2);
    const level = levels[i]!;
    if (side.locked.has(level.px) || this.isWall(side, level.px)) return;
    const u = this.rng.next();
    if (u < 0.5) side.setQty(level, Math.max(this.cfg.minLots, Math.round(level.qty * uniform(this.rng, 0.5, 2))));
    else if (u < 0.75) {
      if (levels.length > MIN_LEVELS) side.removeAt(i);
    } else {
      const next = levels[i + 1]!;
      const between = Math.abs(next.px - level.px);
      const px = side.away(level.px, between >= 2 ? this.rng.int(1, between - 1) : 0);
      if (between >= 2 && !side.locked.has(px)) side.insert(i + 1, px, this.size(i, 1));
    }
  }

  /** Keeps the depth between MIN_LEVELS and MAX_LEVELS. */
  private trim(side: BookSide): void {
    const levels = side.levels;
    if (this.wall?.side === side && side.indexOf(this.wall.px) >= MAX_LEVELS) this.pullWall('left behind');
    while (levels.length > MAX_LEVELS) side.recordRemoval(levels.pop()!.px);
    while (levels.length < MIN_LEVELS) {
      const last = levels[levels.length - 1];
      const px = last ? side.away(last.px, this.gap(Math.abs(last.px - levels[0]!.px))) : side.bid ? Math.floor(this.mid) : Math.ceil(this.mid) + 1;
      if (px <= 0) break;
      const qty = this.size(levels.length, 1);
      levels.push({ px, qty });
      side.record(px, qty);
    }
  }

  /** Runs this step's taker orders against the top of the book. */
  private takers(input: BookStepInput): SimTrade[] {
    const trades: SimTrade[] = [];
    const { price, qty } = this.cfg;
    const span = input.to - input.from;
    for (let k = 0; k < input.takers; k++) {
      const buy = chance(this.rng, input.pBuy);
      const side = buy ? this.asks : this.bids;
      const ts = input.from + Math.max(1, Math.floor((span * (k + 1)) / (input.takers + 1)));
      const usd = this.cfg.tradeUsd * pareto(this.rng, 1.3, 400);
      let left = Math.max(this.cfg.minLots, Math.round(usd / input.price / this.cfg.unitsPerLot));
      let i = 0;
      for (let walked = 0; left > 0 && walked < MAX_WALK && i < side.levels.length; walked++) {
        const level = side.levels[i]!;
        if (this.isWall(side, level.px)) break;
        const take = Math.min(left, level.qty);
        trades.push({ id: String(this.nextTradeId++), price: price.text(level.px), qty: qty.text(take), side: buy ? 'buy' : 'sell', ts });
        left -= take;
        side.locked.add(level.px);
        if (take === level.qty) side.removeAt(i);
        else {
          side.setQty(level, level.qty - take);
          i++;
        }
      }
    }
    return trades;
  }

  private isWall(side: BookSide, px: number): boolean {
    return this.wall !== undefined && this.wall.side === side && this.wall.px === px;
  }

  /** Pulls the wall before the price can touch it: when the target comes within a level gap, when it ranks second, or when its time is up. */
  private checkWall(bid: number, ask: number, gapTicks: number, now: number): void {
    const w = this.wall;
    if (!w) return;
    const distance = w.side.bid ? bid - w.px : w.px - ask;
    const rank = w.side.indexOf(w.px);
    if (distance <= Math.max(3, gapTicks)) this.pullWall(`price ${distance} ticks away`);
    else if (rank <= 1) this.pullWall('near the top');
    else if (now >= w.until) this.pullWall('expired');
  }

  private pullWall(why: string): void {
    const w = this.wall!;
    this.wall = undefined;
    const i = w.side.indexOf(w.px);
    if (i >= 0) {
      if (w.base > 0) w.side.setQty(w.side.levels[i]!, w.base);
      else w.side.removeAt(i);
    }
    this.notes.push(`spoof-walls: PULL ${w.side.bid ? 'bid' : 'ask'} ${this.cfg.id} ${this.cfg.price.text(w.px)} (${why})`);
  }

  /** Places a large order a few level gaps behind the top of one side. */
  private placeWall(bid: number, ask: number, gapTicks: number, now: number): void {
    const side = chance(this.rng, 0.5) ? this.bids : this.asks;
    const ticks = Math.round(Math.max(3, gapTicks) * uniform(this.rng, 3, 6));
    const px = side.away(side.bid ? bid : ask, ticks);
    // Not where a taker just traded (on either side), and never within the top two levels.
    if (px <= 0 || this.bids.locked.has(px) || this.asks.locked.has(px) || side.levels.length < 3 || !side.better(side.levels[1]!.px, px)) return;
    const big = Math.round(this.lots * uniform(this.rng, 25, 60));
    let i = side.indexOf(px);
    let base = 0;
    if (i >= 0) {
      base = side.levels[i]!.qty;
      side.setQty(side.levels[i]!, base + big);
    } else {
      i = side.slot(px);
      side.insert(i, px, big);
    }
    this.wall = { side, px, base, until: now + Math.round(uniform(this.rng, 2_000, 10_000)) };
    this.notes.push(`spoof-walls: WALL ${side.bid ? 'bid' : 'ask'} ${this.cfg.id} ${this.cfg.price.text(px)} x ${this.cfg.qty.text(base + big)}`);
  }

  /** Returns the step's changes as venue strings. */
  private delta(): SimBookChange {
    const out = (s: BookSide): PriceLevel[] => {
      const list: PriceLevel[] = [];
      for (const [px, q] of s.changes) list.push([this.cfg.price.text(px), this.cfg.qty.text(q)]);
      return list;
    };
    return { bids: out(this.bids), asks: out(this.asks) };
  }
}
