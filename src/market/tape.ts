/**
 * The trade tape: the last trades of one instrument in preallocated typed arrays, so a busy
 * symbol costs no allocation per trade (the trade object itself is dropped after `push`; only its
 * id string is kept, for duplicate suppression and the API). Prices are ticks, sizes lots.
 */
import type { Side, Trade } from '../model/market.ts';

/** One trade as the tape returns it to the API (the hot path reads `forEachRecent`). */
export interface TapeTrade {
  readonly tradeId: string;
  readonly price: number;
  readonly qty: number;
  readonly aggressor: Side;
  readonly tsEvent: number;
}

/** Called newest first; returning false stops the walk. */
export type TapeVisitor = (price: number, qty: number, aggressor: Side, tsEvent: number, tradeId: string, index: number) => boolean | void;

export interface TapeOptions {
  /** Trades kept (default 2,000). */
  readonly capacity?: number;
  /** Trade ids remembered for duplicate suppression (default 128, see below). */
  readonly dedupWindow?: number;
}

export const DEFAULT_TAPE_CAPACITY = 2000;
/**
 * 128 ids: what a venue resends is its recent-trades snapshot when a trade channel is
 * (re)subscribed, tens of trades; 128 covers that with margin while the set stays small. An id
 * older than that is taken as new, which is right for venues that reuse nothing.
 */
export const DEFAULT_DEDUP_WINDOW = 128;

const BUY = 1;
const SELL = 2;

/** A bounded, allocation-free ring of one instrument's trades with running flow counters. */
export class TradeTape {
  readonly capacity: number;
  /** Lots bought by takers since the tape was created (accepted trades only). */
  buyLots = 0;
  /** Lots sold by takers since the tape was created (accepted trades only). */
  sellLots = 0;
  buyTrades = 0;
  sellTrades = 0;
  /** Trades dropped because their id was among the last `dedupWindow` ids. */
  duplicates = 0;
  /** Trades dropped because price or size was not a positive finite number (a parse bug). */
  invalid = 0;

  private readonly price: Float64Array;
  private readonly qty: Float64Array;
  private readonly ts: Float64Array;
  private readonly side: Uint8Array;
  private readonly ids: string[];
  /** Index the next trade is written to. */
  private head = 0;
  private count = 0;

  private readonly seenIds = new Set<string>();
  private readonly seenRing: string[];
  private seenHead = 0;

  constructor(
    readonly instrument: string,
    opts: TapeOptions = {},
  ) {
    const capacity = opts.capacity ?? DEFAULT_TAPE_CAPACITY;
    const window = opts.dedupWindow ?? DEFAULT_DEDUP_WINDOW;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('tape capacity must be a positive integer');
    if (!Number.isInteger(window) || window < 0) throw new RangeError('dedup window must be a non-negative integer');
    this.capacity = capacity;
    this.price = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
    this.ts = new Float64Array(capacity);
    this.side = new Uint8Array(capacity);
    this.ids = new Array<string>(capacity).fill('');
    this.seenRing = new Array<string>(window).fill('');
  }

  /** Number of trades held (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** Total lots of accepted trades. */
  get totalLots(): number {
    return this.buyLots + this.sellLots;
  }

  /** Net taker flow in lots (buy − sell) since the tape was created. */
  get delta(): number {
    return this.buyLots - this.sellLots;
  }

  /**
   * Records a trade; returns false when it is dropped as a resent duplicate or as invalid.
   * A trade with an empty id is never taken for a duplicate.
   */
  push(trade: Trade): boolean {
    if (trade.instrument !== this.instrument) {
      throw new RangeError(`trade for ${trade.instrument} pushed to the tape of ${this.instrument}`);
    }
    if (!(trade.price > 0 && trade.qty > 0 && Number.isFinite(trade.price) && Number.isFinite(trade.qty))) {
      this.invalid++;
      return false;
    }
    if (trade.tradeId !== '' && !this.remember(trade.tradeId)) {
      this.duplicates++;
      return false;
    }
    const i = this.head;
    this.price[i] = trade.price;
    this.qty[i] = trade.qty;
    this.ts[i] = trade.tsEvent;
    this.side[i] = trade.aggressor === 'buy' ? BUY : SELL;
    this.ids[i] = trade.tradeId;
    this.head = i + 1 === this.capacity ? 0 : i + 1;
    if (this.count < this.capacity) this.count++;
    if (trade.aggressor === 'buy') {
      this.buyLots += trade.qty;
      this.buyTrades++;
    } else {
      this.sellLots += trade.qty;
      this.sellTrades++;
    }
    return true;
  }

  /** Calls `fn` for up to `n` trades, newest first; stops early when `fn` returns false. */
  forEachRecent(n: number, fn: TapeVisitor): void {
    const m = Math.min(n, this.count);
    let i = this.head;
    for (let k = 0; k < m; k++) {
      i = i === 0 ? this.capacity - 1 : i - 1;
      if (fn(this.price[i]!, this.qty[i]!, this.side[i] === BUY ? 'buy' : 'sell', this.ts[i]!, this.ids[i]!, k) === false) return;
    }
  }

  /** Returns up to `n` trades, newest first (allocates: for the API, not the hot path). */
  recent(n: number): TapeTrade[] {
    const out: TapeTrade[] = [];
    this.forEachRecent(n, (price, qty, aggressor, tsEvent, tradeId) => {
      out.push({ tradeId, price, qty, aggressor, tsEvent });
    });
    return out;
  }

  /** Returns the newest trade's price in ticks, NaN when the tape is empty. */
  lastPrice(): number {
    return this.count === 0 ? NaN : this.price[this.head === 0 ? this.capacity - 1 : this.head - 1]!;
  }

  /** Adds an id to the dedup window; returns false when it was already there. */
  private remember(id: string): boolean {
    const ring = this.seenRing;
    if (ring.length === 0) return true;
    if (this.seenIds.has(id)) return false;
    const evicted = ring[this.seenHead]!;
    // Ids in the ring are unique (a duplicate never enters), so deleting the evicted one is exact.
    if (evicted !== '') this.seenIds.delete(evicted);
    ring[this.seenHead] = id;
    this.seenIds.add(id);
    this.seenHead = this.seenHead + 1 === ring.length ? 0 : this.seenHead + 1;
    return true;
  }
}
