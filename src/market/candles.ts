/**
 * Micro-candles (1 s, 3 s, 5 s, 15 s) built from trades by the venue's event time. Windows are
 * aligned to the epoch ([k·interval, (k+1)·interval) in ms), so a trade exactly on an edge opens
 * the next candle, and the four series line up with each other and with any other process.
 *
 * Choices:
 * - A window with no trades still closes, as a flat candle (open = high = low = close = the
 *   previous close, volume 0), so a quiet market reads as quiet rather than as missing data and
 *   features see a fixed cadence. Before the first trade there is no price, so no candle at all.
 * - A candle that gets trades opens at its first trade's price (as venues' klines do), not at
 *   the previous close.
 * - A trade older than the open candle's window is late: it is counted and dropped. Closed
 *   candles have already been read by features and sent to the dashboard; rewriting them would
 *   make what a decision saw differ from what the history shows (and replays diverge). The tape
 *   keeps the trade anyway. Within the open window, order of arrival decides the close.
 * - The series do not drop duplicates: feed them only trades the tape accepted.
 *
 * History is a ring of typed arrays (no object per candle); volume is buy + sell (every trade has
 * an aggressor), delta is buy − sell, all in lots; prices are ticks.
 */
import type { Trade } from '../model/market.ts';

export type CandleInterval = '1s' | '3s' | '5s' | '15s';

export const CANDLE_INTERVALS: readonly CandleInterval[] = ['1s', '3s', '5s', '15s'];

export const INTERVAL_MS: Readonly<Record<CandleInterval, number>> = { '1s': 1000, '3s': 3000, '5s': 5000, '15s': 15000 };

export const DEFAULT_CANDLE_HISTORY = 300;

/** One candle as the API returns it. */
export interface Candle {
  readonly start: number;
  /** Exclusive end of the window (start + interval). */
  readonly end: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly delta: number;
  readonly trades: number;
  /** False for the candle still open. */
  readonly closed: boolean;
}

/** A reused, mutable view handed to `forEachClosed` visitors: copy what you keep. */
export interface CandleView {
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  buyVolume: number;
  sellVolume: number;
  trades: number;
}

/** One interval's candles: the open one plus a bounded history of closed ones. */
export class CandleSeries {
  /** Trades older than the open window, dropped (see the file comment). */
  late = 0;

  private readonly hStart: Float64Array;
  private readonly hOpen: Float64Array;
  private readonly hHigh: Float64Array;
  private readonly hLow: Float64Array;
  private readonly hClose: Float64Array;
  private readonly hBuy: Float64Array;
  private readonly hSell: Float64Array;
  private readonly hTrades: Uint32Array;
  private head = 0;
  private count = 0;

  private opened = false;
  private oStart = 0;
  private oOpen = 0;
  private oHigh = 0;
  private oLow = 0;
  private oClose = 0;
  private oBuy = 0;
  private oSell = 0;
  private oTrades = 0;
  private readonly view: CandleView = { start: 0, open: 0, high: 0, low: 0, close: 0, buyVolume: 0, sellVolume: 0, trades: 0 };

  constructor(
    readonly intervalMs: number,
    readonly capacity = DEFAULT_CANDLE_HISTORY,
  ) {
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new RangeError('candle interval must be a positive whole number of ms');
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('candle history must be a positive integer');
    this.hStart = new Float64Array(capacity);
    this.hOpen = new Float64Array(capacity);
    this.hHigh = new Float64Array(capacity);
    this.hLow = new Float64Array(capacity);
    this.hClose = new Float64Array(capacity);
    this.hBuy = new Float64Array(capacity);
    this.hSell = new Float64Array(capacity);
    this.hTrades = new Uint32Array(capacity);
  }

  /** Number of closed candles held (at most `capacity`). */
  get size(): number {
    return this.count;
  }

  /** True once a first trade has opened a candle. */
  get hasOpen(): boolean {
    return this.opened;
  }

  /** Start of the open candle's window (meaningless before the first trade). */
  get openStart(): number {
    return this.oStart;
  }

  /** Returns the start of the window holding `ts`. */
  windowOf(ts: number): number {
    return Math.floor(ts / this.intervalMs) * this.intervalMs;
  }

  /** True when a trade at `ts` would be dropped as late. */
  isLate(ts: number): boolean {
    return this.opened && ts < this.oStart;
  }

  /** Adds a trade to its candle, closing earlier windows first; returns false when it is late. */
  onTrade(trade: Trade): boolean {
    const ts = trade.tsEvent;
    if (!this.opened) {
      this.opened = true;
      this.reset(this.windowOf(ts), trade.price);
    } else {
      if (ts < this.oStart) {
        this.late++;
        return false;
      }
      this.closeUpTo(ts);
    }
    const p = trade.price;
    if (this.oTrades === 0) {
      this.oOpen = this.oHigh = this.oLow = p;
    } else {
      if (p > this.oHigh) this.oHigh = p;
      if (p < this.oLow) this.oLow = p;
    }
    this.oClose = p;
    if (trade.aggressor === 'buy') this.oBuy += trade.qty;
    else this.oSell += trade.qty;
    this.oTrades++;
    return true;
  }

  /**
   * Closes every window that ended at or before `ts` (flat candles for those with no trades) and
   * opens the one holding `ts`. Returns how many candles entered the history, at most `capacity`:
   * after a longer silence only the last `capacity` flat windows are written, the rest could never
   * be read anyway. Callers on their own clock pass it minus a grace for the venue's latency, or
   * trades still in flight for the window become late.
   */
  closeUpTo(ts: number): number {
    const iv = this.intervalMs;
    if (!this.opened || ts < this.oStart + iv) return 0;
    this.pushOpen();
    const target = this.windowOf(ts);
    let start = this.oStart + iv;
    let empties = (target - start) / iv;
    let added = 1;
    if (empties >= this.capacity) {
      start += (empties - this.capacity) * iv;
      empties = this.capacity;
      added = 0; // the real candle is overwritten by the flat ones that follow it
    }
    const close = this.oClose;
    for (let k = 0; k < empties; k++, start += iv) {
      this.reset(start, close);
      this.pushOpen();
    }
    added += empties;
    this.reset(target, close);
    return Math.min(added, this.capacity);
  }

  /** The close of the newest candle (open or closed), NaN before the first trade. */
  lastClose(): number {
    return this.opened ? this.oClose : NaN;
  }

  /** Calls `fn` for up to `n` closed candles, newest first, with a reused view; false stops. */
  forEachClosed(n: number, fn: (c: Readonly<CandleView>, index: number) => boolean | void): void {
    const m = Math.min(n, this.count);
    let i = this.head;
    for (let k = 0; k < m; k++) {
      i = i === 0 ? this.capacity - 1 : i - 1;
      const v = this.view;
      v.start = this.hStart[i]!;
      v.open = this.hOpen[i]!;
      v.high = this.hHigh[i]!;
      v.low = this.hLow[i]!;
      v.close = this.hClose[i]!;
      v.buyVolume = this.hBuy[i]!;
      v.sellVolume = this.hSell[i]!;
      v.trades = this.hTrades[i]!;
      if (fn(v, k) === false) return;
    }
  }

  /** Returns the open candle, undefined before the first trade (allocates). */
  openCandle(): Candle | undefined {
    if (!this.opened) return undefined;
    const v: CandleView = { start: this.oStart, open: this.oOpen, high: this.oHigh, low: this.oLow, close: this.oClose, buyVolume: this.oBuy, sellVolume: this.oSell, trades: this.oTrades };
    return this.candleOf(v, false);
  }

  /** Returns the last `n` candles oldest first, the open one last (allocates: for the API). */
  snapshot(n: number): Candle[] {
    const open = this.openCandle();
    const closedWanted = Math.max(0, open ? n - 1 : n);
    const out: Candle[] = [];
    this.forEachClosed(closedWanted, (v) => {
      out.push(this.candleOf(v, true));
    });
    out.reverse();
    if (open && n > 0) out.push(open);
    return out;
  }

  private candleOf(v: Readonly<CandleView>, closed: boolean): Candle {
    return {
      start: v.start,
      end: v.start + this.intervalMs,
      open: v.open,
      high: v.high,
      low: v.low,
      close: v.close,
      volume: v.buyVolume + v.sellVolume,
      buyVolume: v.buyVolume,
      sellVolume: v.sellVolume,
      delta: v.buyVolume - v.sellVolume,
      trades: v.trades,
      closed,
    };
  }

  /** Makes the open candle a flat one at `price` for the window starting at `start`. */
  private reset(start: number, price: number): void {
    this.oStart = start;
    this.oOpen = this.oHigh = this.oLow = this.oClose = price;
    this.oBuy = this.oSell = 0;
    this.oTrades = 0;
  }

  private pushOpen(): void {
    const i = this.head;
    this.hStart[i] = this.oStart;
    this.hOpen[i] = this.oOpen;
    this.hHigh[i] = this.oHigh;
    this.hLow[i] = this.oLow;
    this.hClose[i] = this.oClose;
    this.hBuy[i] = this.oBuy;
    this.hSell[i] = this.oSell;
    this.hTrades[i] = this.oTrades;
    this.head = i + 1 === this.capacity ? 0 : i + 1;
    if (this.count < this.capacity) this.count++;
  }
}

export interface CandlesOptions {
  /** Closed candles kept per interval (default 300). */
  readonly history?: number;
}

/** The four micro-candle series of one instrument. */
export class Candles {
  readonly series: Readonly<Record<CandleInterval, CandleSeries>>;
  /** Trades dropped as late (counted once, whichever series they were late for). */
  late = 0;
  private readonly all: CandleSeries[];

  constructor(
    readonly instrument: string,
    opts: CandlesOptions = {},
  ) {
    const h = opts.history ?? DEFAULT_CANDLE_HISTORY;
    this.series = {
      '1s': new CandleSeries(INTERVAL_MS['1s'], h),
      '3s': new CandleSeries(INTERVAL_MS['3s'], h),
      '5s': new CandleSeries(INTERVAL_MS['5s'], h),
      '15s': new CandleSeries(INTERVAL_MS['15s'], h),
    };
    this.all = CANDLE_INTERVALS.map((i) => this.series[i]);
  }

  /**
   * Adds a trade to every interval; returns false when it is late. A trade late for the finest
   * open window is dropped from all four, so the 1 s candles always sum to the 15 s ones.
   */
  onTrade(trade: Trade): boolean {
    const ts = trade.tsEvent;
    for (const s of this.all) s.closeUpTo(ts);
    for (const s of this.all) {
      if (s.isLate(ts)) {
        this.late++;
        return false;
      }
    }
    for (const s of this.all) s.onTrade(trade);
    return true;
  }

  /** Closes every window that ended at or before `ts` in all four series; returns how many. */
  closeUpTo(ts: number): number {
    let n = 0;
    for (const s of this.all) n += s.closeUpTo(ts);
    return n;
  }

  /** Returns the last `n` candles of one interval, oldest first, the open one last. */
  snapshot(interval: CandleInterval, n: number): Candle[] {
    return this.series[interval].snapshot(n);
  }
}
