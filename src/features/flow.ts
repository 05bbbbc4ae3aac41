/**
 * Trade flow over a rolling window: aggressive buy and sell volume, their delta, the streak of
 * same-aggressor trades, large trades per side and the trade rate.
 *
 *   buyVolume, sellVolume = Σ lots of the window's trades by aggressor × lotSize × contractSize (base)
 *   delta = buyVolume − sellVolume;  deltaRatio = delta / (buyVolume + sellVolume), 0 with no trades
 *   large = price × base ≥ largeTradeQuote (quote notional), counted per aggressor
 *   tradesPerSec = trades in the window / (windowMs / 1000)
 *   streak = ±(consecutive trades with the latest trade's aggressor, by arrival), at most the
 *            number of trades still in the window
 *
 * Choices:
 * - The window is (now − windowMs, now], `now` being the latest time seen (a trade's tsEvent or a
 *   view's ts, never going back): a trade exactly windowMs old has left it. Pass view times on
 *   the trades' clock (venue event time).
 * - Trades sit in a ring in arrival order and leave from the head by timestamp (amortized O(1)).
 *   One that arrives a little out of order is kept and leaves when the trades before it have
 *   left, so it may stay up to that disorder too long; one already outside the window on arrival
 *   is dropped.
 * - Sums are kept in lots (integers, exact under add and evict) and turned into base on read, so
 *   an emptied window reads exactly 0 rather than a float residue.
 * - The large-trade test allows a relative 1e-9 so a trade worth exactly the threshold counts
 *   despite the float product of price and size.
 * - tradesPerSec divides by the full window even in the first seconds after start (it reads low
 *   then rather than spiking on the first trades).
 */
import type { Instrument } from '../model/instrument.ts';
import type { Trade } from '../model/market.ts';
import type { FlowView } from './types.ts';

/** Thresholds of the flow features (the config may override any of them). */
export interface FlowOptions {
  /** Length of the rolling window (ms). */
  readonly windowMs: number;
  /** Quote notional at or above which a trade is large. */
  readonly largeTradeQuote: number;
  /** Initial ring capacity (trades); it doubles when a busy window needs more. */
  readonly initialCapacity: number;
}

/** Holds the defaults: a 10 s window and 50 000 quote for a large trade. */
export const DEFAULT_FLOW_OPTIONS: FlowOptions = Object.freeze({
  windowMs: 10_000,
  largeTradeQuote: 50_000,
  initialCapacity: 256,
});

const LARGE_SLACK = 1 - 1e-9;

/** Rolling aggressive-flow statistics of one instrument, fed trade by trade. */
export class FlowTracker {
  readonly options: FlowOptions;
  private readonly basePerLot: number;
  // Ring of trades in arrival order: time, signed lots (+ buy, − sell), large flag.
  private ts: Float64Array;
  private lots: Float64Array;
  private large: Uint8Array;
  private head = 0;
  private count = 0;
  private buyLots = 0;
  private sellLots = 0;
  private largeBuys = 0;
  private largeSells = 0;
  /** Consecutive trades with the same aggressor, signed; its trades are the ring's newest. */
  private run = 0;
  private now = -Infinity;

  constructor(private readonly inst: Instrument, opts: Partial<FlowOptions> = {}) {
    this.options = { ...DEFAULT_FLOW_OPTIONS, ...opts };
    this.basePerLot = inst.qty.toNumber(1) * Number(inst.contractSize);
    const cap = Math.max(1, this.options.initialCapacity);
    this.ts = new Float64Array(cap);
    this.lots = new Float64Array(cap);
    this.large = new Uint8Array(cap);
  }

  /** Adds a trade to the window (dropped when it is already outside it). */
  onTrade(t: Trade): void {
    this.advance(t.tsEvent);
    if (t.tsEvent <= this.now - this.options.windowMs) return;
    if (this.count === this.ts.length) this.grow();
    const i = (this.head + this.count) % this.ts.length;
    const buy = t.aggressor === 'buy';
    const base = t.qty * this.basePerLot;
    const isLarge = this.inst.price.toNumber(t.price) * base >= this.options.largeTradeQuote * LARGE_SLACK;
    this.ts[i] = t.tsEvent;
    this.lots[i] = buy ? t.qty : -t.qty;
    this.large[i] = isLarge ? 1 : 0;
    this.count++;
    if (buy) {
      this.buyLots += t.qty;
      if (isLarge) this.largeBuys++;
      this.run = this.run > 0 ? this.run + 1 : 1;
    } else {
      this.sellLots += t.qty;
      if (isLarge) this.largeSells++;
      this.run = this.run < 0 ? this.run - 1 : -1;
    }
  }

  /** Returns the flow over the window ending at `ts` (or at the latest trade, if later). */
  view(ts: number): FlowView {
    this.advance(ts);
    const buyVolume = this.buyLots * this.basePerLot;
    const sellVolume = this.sellLots * this.basePerLot;
    const total = this.buyLots + this.sellLots;
    return {
      buyVolume,
      sellVolume,
      delta: buyVolume - sellVolume,
      deltaRatio: total > 0 ? (this.buyLots - this.sellLots) / total : 0,
      streak: this.run,
      largeBuys: this.largeBuys,
      largeSells: this.largeSells,
      tradesPerSec: this.count / (this.options.windowMs / 1000),
    };
  }

  /** Moves `now` forward and evicts trades at or before now − windowMs. */
  private advance(ts: number): void {
    if (ts > this.now) this.now = ts;
    const cutoff = this.now - this.options.windowMs;
    const cap = this.ts.length;
    while (this.count > 0 && this.ts[this.head]! <= cutoff) {
      const l = this.lots[this.head]!;
      const wasLarge = this.large[this.head] === 1;
      if (l > 0) {
        this.buyLots -= l;
        if (wasLarge) this.largeBuys--;
      } else {
        this.sellLots += l;
        if (wasLarge) this.largeSells--;
      }
      this.head = (this.head + 1) % cap;
      this.count--;
    }
    // The streak's trades are the newest, so they are the last to leave.
    if (this.count === 0) this.run = 0;
    else if (this.run > this.count) this.run = this.count;
    else if (-this.run > this.count) this.run = -this.count;
  }

  private grow(): void {
    const cap = this.ts.length;
    const ts = new Float64Array(cap * 2);
    const lots = new Float64Array(cap * 2);
    const large = new Uint8Array(cap * 2);
    for (let k = 0; k < this.count; k++) {
      const j = (this.head + k) % cap;
      ts[k] = this.ts[j]!;
      lots[k] = this.lots[j]!;
      large[k] = this.large[j]!;
    }
    this.ts = ts;
    this.lots = lots;
    this.large = large;
    this.head = 0;
  }
}
