/**
 * Micro-volatility: the average true range (ATR) of the last closed 1 s and 3 s candles as a
 * fraction of price, a score placing the current 1 s ATR within its own recent history, and an
 * explosion flag for a sudden move.
 *
 * Choices:
 * - True range uses the previous candle's close (max(high, prevClose) − min(low, prevClose)), so a
 *   candle that opens away from the last close (a gap) counts its jump. The oldest candle held has
 *   no previous close and counts high − low.
 * - A window with no trades is a flat candle at the previous close (see market/candles.ts): its true
 *   range is 0, so a silent market reads as calm rather than as missing data.
 * - Only closed candles are read; this module never closes windows itself, because the series are
 *   shared and closing is the owner's job (`Candles.closeUpTo(ts − grace)` on its clock, as
 *   candles.ts asks). `ts` only ages the explosion flag, so it cannot stick when nobody advances them.
 * - The ATR is a simple mean over `period` candles (not Wilder's smoothing): it is recomputed from
 *   the history each time a candle closes, which keeps it exact and needs no warm-up state.
 * - Work happens once per closed 1 s candle (O(period + scoreWindow) over typed arrays owned here);
 *   between closes `update` is O(1) and returns the same view object.
 * - Prices are ticks, converted with the instrument's scale; the fraction is scale-free anyway.
 */
import type { CandleSeries, CandleView, Candles } from '../market/candles.ts';
import type { Instrument } from '../model/instrument.ts';
import type { VolatilityView } from './types.ts';

export interface VolatilityOptions {
  /** Candles averaged into one ATR (default 14). */
  readonly period: number;
  /** 1 s ATR readings (one per closed candle) the score ranks the current one against (default 60). */
  readonly scoreWindow: number;
  /** The latest 1 s true range at or above this multiple of the average of the `period` before it is an explosion (default 3). */
  readonly explosionMultiple: number;
  /** …and at least this move in bps of price, so one tick in a dead market is not one (default 5). */
  readonly explosionMinBps: number;
  /** Baseline candles needed before an explosion can be called (default 5). */
  readonly explosionMinBaseline: number;
  /** How long the flag holds after the exploding candle's window ended (ms, default 1000: one candle). */
  readonly explosionHoldMs: number;
}

export const DEFAULT_VOLATILITY_OPTIONS: VolatilityOptions = {
  period: 14,
  scoreWindow: 60,
  explosionMultiple: 3,
  explosionMinBps: 5,
  explosionMinBaseline: 5,
  explosionHoldMs: 1000,
};

/** The reading before any candle has closed. */
export const CALM_VOLATILITY: VolatilityView = { atr1s: 0, atr3s: 0, score: 0, explosion: false };

/** True range and close of each of the newest candles of one series, newest first. */
class TrueRanges {
  readonly tr: Float64Array;
  readonly close: Float64Array;
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  count = 0;
  newestStart = 0;
  // One visitor for the life of the object: forEachClosed would otherwise get a new closure per read.
  private readonly visit = (c: Readonly<CandleView>, i: number): void => {
    this.high[i] = c.high;
    this.low[i] = c.low;
    this.close[i] = c.close;
    if (i === 0) this.newestStart = c.start;
  };

  constructor(private readonly want: number) {
    // One candle more than the ranges wanted: the oldest only lends its close.
    this.tr = new Float64Array(want + 1);
    this.close = new Float64Array(want + 1);
    this.high = new Float64Array(want + 1);
    this.low = new Float64Array(want + 1);
  }

  /** Reads the newest closed candles of `series`; returns how many true ranges are valid. */
  read(series: CandleSeries): number {
    const n = Math.min(this.want + 1, series.size);
    series.forEachClosed(n, this.visit);
    const ranges = Math.min(n, this.want);
    for (let k = 0; k < ranges; k++) {
      const h = this.high[k]!;
      const l = this.low[k]!;
      if (k + 1 < n) {
        const prev = this.close[k + 1]!;
        this.tr[k] = (h > prev ? h : prev) - (l < prev ? l : prev);
      } else {
        this.tr[k] = h - l;
      }
    }
    this.count = ranges;
    return ranges;
  }

  /** Returns the mean true range of candles [from, from + n) clipped to what was read, in ticks. */
  mean(from: number, n: number): number {
    const end = Math.min(from + n, this.count);
    if (end <= from) return 0;
    let sum = 0;
    for (let k = from; k < end; k++) sum += this.tr[k]!;
    return sum / (end - from);
  }
}

/** Incremental micro-volatility of one instrument, read from its candles after each event. */
export class MicroVolatility {
  readonly opts: VolatilityOptions;
  private readonly one: TrueRanges;
  private readonly three: TrueRanges;
  private view: VolatilityView = CALM_VOLATILITY;
  private key1 = NaN;
  private key3 = NaN;
  private atr1s = 0;
  private atr3s = 0;
  private score = 0;
  /** Set when the newest closed 1 s candle qualifies as an explosion: the end of its window. */
  private explodedEnd = NaN;

  constructor(opts: Partial<VolatilityOptions> = {}) {
    const o = { ...DEFAULT_VOLATILITY_OPTIONS, ...opts };
    if (!Number.isInteger(o.period) || o.period < 1) throw new RangeError('volatility period must be a positive integer');
    if (!Number.isInteger(o.scoreWindow) || o.scoreWindow < 1) throw new RangeError('volatility scoreWindow must be a positive integer');
    if (!Number.isInteger(o.explosionMinBaseline) || o.explosionMinBaseline < 1) throw new RangeError('explosionMinBaseline must be a positive integer');
    this.opts = o;
    // The score needs `scoreWindow` ATRs of `period` ranges each; the explosion baseline `period` + 1.
    this.one = new TrueRanges(Math.max(o.period + o.scoreWindow - 1, o.period + 1));
    this.three = new TrueRanges(o.period);
  }

  /** Returns the volatility view as of `ts`, recomputing only when a 1 s or 3 s candle has closed. */
  update(candles: Candles, inst: Instrument, ts: number): VolatilityView {
    const s1 = candles.series['1s'];
    const s3 = candles.series['3s'];
    // The open window moves forward exactly when candles close, so its start identifies the history.
    const k1 = s1.hasOpen ? s1.openStart : NaN;
    const k3 = s3.hasOpen ? s3.openStart : NaN;
    let changed = false;
    if (!Object.is(k1, this.key1)) {
      this.key1 = k1;
      this.readOne(s1, inst);
      changed = true;
    }
    if (!Object.is(k3, this.key3)) {
      this.key3 = k3;
      this.atr3s = this.three.read(s3) > 0 ? fraction(inst, this.three.mean(0, this.opts.period), this.three.close[0]!) : 0;
      changed = true;
    }
    const explosion = ts < this.explodedEnd + this.opts.explosionHoldMs;
    if (changed || explosion !== this.view.explosion) {
      this.view = { atr1s: this.atr1s, atr3s: this.atr3s, score: this.score, explosion };
    }
    return this.view;
  }

  private readOne(series: CandleSeries, inst: Instrument): void {
    const o = this.opts;
    const r = this.one;
    const n = r.read(series);
    this.explodedEnd = NaN;
    if (n === 0) {
      this.atr1s = 0;
      this.score = 0;
      return;
    }
    // ATR ending at each of the last `scoreWindow` candles, by a rolling sum (integers: exact).
    const p = o.period;
    let sum = 0;
    for (let k = 0; k < Math.min(p, n); k++) sum += r.tr[k]!;
    const current = fraction(inst, sum / Math.min(p, n), r.close[0]!);
    let min = current;
    let max = current;
    for (let j = 1; j < o.scoreWindow && j + p <= n; j++) {
      sum += r.tr[j + p - 1]! - r.tr[j - 1]!;
      const atr = fraction(inst, sum / p, r.close[j]!);
      if (atr < min) min = atr;
      if (atr > max) max = atr;
    }
    this.atr1s = current;
    // No spread in the history is no information: neutral, unless nothing moves at all.
    this.score = current === 0 ? 0 : max === min ? 0.5 : (current - min) / (max - min);

    const baseline = Math.min(p, n - 1);
    if (baseline >= o.explosionMinBaseline) {
      const latest = r.tr[0]!;
      const avg = r.mean(1, p);
      const bps = fraction(inst, latest, r.close[0]!) * 10_000;
      if (latest > 0 && latest >= o.explosionMultiple * avg && bps >= o.explosionMinBps) {
        this.explodedEnd = r.newestStart + series.intervalMs;
      }
    }
  }
}

/** Returns the micro-volatility of an instrument's candles as of `ts` (one-off: allocates its buffers). */
export function microVolatility(candles: Candles, inst: Instrument, ts: number, opts: Partial<VolatilityOptions> = {}): VolatilityView {
  return new MicroVolatility(opts).update(candles, inst, ts);
}

/** Returns a range in ticks as a fraction of a price in ticks (0 for a non-positive price). */
function fraction(inst: Instrument, rangeTicks: number, priceTicks: number): number {
  const price = inst.price.toNumber(priceTicks);
  return price > 0 ? inst.price.toNumber(rangeTicks) / price : 0;
}
