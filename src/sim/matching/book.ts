/**
 * One side of a symbol's book as the engine sees it: per price (ticks) the market's liquidity in
 * lots plus the own resting orders in arrival order. Each own order remembers how many market
 * lots are ahead of it (`ahead`); within a level the queue is the market lots and own orders
 * interleaved by those positions. Because an order's `ahead` is the level size when it arrived
 * and every later change only lowers it uniformly or caps it, `ahead` never decreases along the
 * FIFO, so one pass walks the queue in priority order.
 */
import { makeInstrument, type Instrument, type InstrumentSpec } from '../../model/instrument.ts';
import { add, decOf, mul, parseDec, type Dec } from '../../model/decimal.ts';
import { isOpen, remaining, type OwnOrder } from './orders.ts';

/** One price of one side: the market's lots there and the own orders queued in it. */
export interface Level {
  readonly price: number;
  /** The market's lots at this price in the engine's view (reduced by own takers until reset). */
  market: number;
  /** Own resting orders, oldest first. */
  own: OwnOrder[];
}

/** Called for an own order's share of a queue walk; returns the lots actually filled (≤ offered). */
export type OwnFill = (order: OwnOrder, lots: number) => number;
/** Called for a run of market lots an own taker consumed at this level. */
export type MarketFill = (lots: number) => void;

/** One side of a symbol's book, levels kept sorted best first. */
export class BookSide {
  readonly levels = new Map<number, Level>();
  /** Prices best first: descending for bids, ascending for asks. */
  readonly prices: number[] = [];

  constructor(readonly isBid: boolean) {}

  /** Whether price `a` is at least as good as `b` for a resting order on this side. */
  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  /** Whether a taker with this limit may trade at this side's price (market orders: NaN, any price). */
  within(price: number, limit: number): boolean {
    if (Number.isNaN(limit)) return true;
    return this.isBid ? price >= limit : price <= limit;
  }

  /** Returns the level at a price, if any. */
  level(price: number): Level | undefined {
    return this.levels.get(price);
  }

  /** Returns the level at `price`, created empty when missing. */
  ensure(price: number): Level {
    let lv = this.levels.get(price);
    if (lv) return lv;
    lv = { price, market: 0, own: [] };
    this.levels.set(price, lv);
    // Binary search for the insertion point keeps `prices` sorted best first.
    const ps = this.prices;
    let lo = 0;
    let hi = ps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.better(ps[mid]!, price)) lo = mid + 1;
      else hi = mid;
    }
    ps.splice(lo, 0, price);
    return lv;
  }

  /** Drops the level when it holds neither market lots nor own orders. */
  prune(lv: Level): void {
    if (lv.market > 0 || lv.own.length > 0) return;
    if (this.levels.get(lv.price) !== lv) return;
    this.levels.delete(lv.price);
    const ps = this.prices;
    // Levels are pruned mostly at the top of the book, so search from the front.
    const i = ps.indexOf(lv.price);
    if (i >= 0) ps.splice(i, 1);
  }

  /** Sets the market's lots at a price (0 removes them); caps the own orders' queue ahead at the new size. */
  setMarket(price: number, lots: number): void {
    const lv = lots > 0 ? this.ensure(price) : this.levels.get(price);
    if (!lv) return;
    lv.market = lots;
    // Size pulled from a level is assumed to have been ahead of us, as far as there was any ahead.
    for (const o of lv.own) if (o.ahead > lots) o.ahead = lots;
    this.prune(lv);
  }

  /** Appends a resting order at the back of its level's queue: every market lot there now is ahead of it. */
  rest(o: OwnOrder): void {
    const lv = this.ensure(o.price);
    o.ahead = lv.market;
    lv.own.push(o);
  }

  /** Removes a resting order from its level. */
  remove(o: OwnOrder): void {
    const lv = this.levels.get(o.price);
    if (!lv) return;
    const i = lv.own.indexOf(o);
    if (i >= 0) lv.own.splice(i, 1);
    this.prune(lv);
  }

  /**
   * Visits levels best first while `go(price)` holds, letting `fn` empty them: a level left with
   * nothing is pruned, and the walk stays correct while `prices` shrinks under it.
   */
  sweep(go: (price: number) => boolean, fn: (lv: Level) => boolean | void): void {
    let i = 0;
    while (i < this.prices.length) {
      const p = this.prices[i]!;
      if (!go(p)) return;
      const lv = this.levels.get(p)!;
      const stop = fn(lv) === false;
      this.prune(lv);
      if (this.levels.get(p) === lv) i++;
      if (stop) return;
    }
  }

  /** Returns the best price holding market lots, or NaN. */
  bestMarket(): number {
    for (const p of this.prices) if (this.levels.get(p)!.market > 0) return p;
    return NaN;
  }

  /** Returns the best price holding market lots or own orders, or NaN. */
  best(): number {
    return this.prices.length > 0 ? this.prices[0]! : NaN;
  }

  /** Returns the resting own orders on this side. */
  *orders(): Iterable<OwnOrder> {
    for (const p of this.prices) yield* this.levels.get(p)!.own;
  }
}

/**
 * Walks one level's queue for `lots` in priority order: market lots ahead of the first own order,
 * that order, the market lots between it and the next, and so on. With `onMarket` (an own taker)
 * the market lots are traded, including the tail behind the last own order, and leave the level;
 * without it (a trade printed by the market) they only advance the own orders' queue positions.
 * Returns the lots consumed. With `dryRun` the level is left untouched (queue positions, market
 * lots, closed orders): the callbacks see the same sequence a real walk would, so a preview that
 * tracks what each fill changes (positions for reduce-only makers) can answer exactly what a
 * taker would get.
 */
export function walkLevel(lv: Level, lots: number, onOwn: OwnFill, onMarket?: MarketFill, dryRun = false): number {
  let left = lots;
  let usedMarket = 0;
  let closed = false;
  for (const o of lv.own) {
    if (left === 0) break;
    if (!isOpen(o)) {
      closed = true;
      continue;
    }
    const gap = Math.min(left, Math.max(0, o.ahead - usedMarket));
    if (gap > 0) {
      usedMarket += gap;
      left -= gap;
      onMarket?.(gap);
      if (left === 0) break;
    }
    left -= onOwn(o, Math.min(left, remaining(o)));
    if (!isOpen(o)) closed = true;
  }
  if (left > 0 && onMarket) {
    const tail = Math.min(left, lv.market - usedMarket);
    if (tail > 0) {
      usedMarket += tail;
      left -= tail;
      onMarket(tail);
    }
  }
  if (dryRun) return lots - left;
  if (usedMarket > 0) {
    for (const o of lv.own) o.ahead = Math.max(0, o.ahead - usedMarket);
    if (onMarket) lv.market -= usedMarket;
  }
  if (closed) lv.own = lv.own.filter(isOpen);
  return lots - left;
}

/** Everything the engine keeps per symbol: the instrument's grids and both sides of the book. */
export interface SymbolBook {
  readonly inst: Instrument;
  readonly perp: boolean;
  /** Base units per lot-counted contract ("1" for most). */
  readonly contractSize: Dec;
  /** Fractional digits at which margins are rounded up: 8 below price × qty × contract size. */
  readonly marginScale: number;
  readonly bids: BookSide;
  readonly asks: BookSide;
  /** The mark of the last funding settlement; used when the book lacks a side. */
  fundingMark: Dec | undefined;
}

/** Returns an empty book for an instrument. */
export function makeSymbolBook(spec: InstrumentSpec): SymbolBook {
  const inst = makeInstrument(spec);
  const contractSize = parseDec(inst.contractSize);
  if (!contractSize || contractSize.v <= 0n) throw new RangeError(`${spec.symbol}: bad contract size ${inst.contractSize}`);
  return {
    inst,
    perp: inst.kind === 'perp',
    contractSize,
    marginScale: inst.price.decimals + inst.qty.decimals + contractSize.s + 8,
    bids: new BookSide(true),
    asks: new BookSide(false),
    fundingMark: undefined,
  };
}

/** Returns a price in ticks as a decimal. */
export function priceDec(b: SymbolBook, ticks: number): Dec {
  return decOf(ticks * b.inst.price.units, b.inst.price.decimals);
}

/** Returns a size in lots as a decimal of the instrument's size unit. */
export function qtyDec(b: SymbolBook, lots: number): Dec {
  return decOf(lots * b.inst.qty.units, b.inst.qty.decimals);
}

/** Returns price × qty × contract size in the quote asset, exactly. */
export function notional(b: SymbolBook, ticks: number, lots: number): Dec {
  return mul(mul(priceDec(b, ticks), qtyDec(b, lots)), b.contractSize);
}

/** Returns the mark: the mid of the engine's book, else the last funding mark, else undefined. */
export function markOf(b: SymbolBook): Dec | undefined {
  const bid = b.bids.bestMarket();
  const ask = b.asks.bestMarket();
  if (Number.isNaN(bid) || Number.isNaN(ask)) return b.fundingMark;
  // (bid + ask) / 2 is exact at one more digit: × 0.5.
  return mul(add(priceDec(b, bid), priceDec(b, ask)), { v: 5n, s: 1 });
}
