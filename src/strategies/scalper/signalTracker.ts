/**
 * Follows each published signal to its outcome virtually, on the prices it is fed.
 *
 * A signal opens at its entry with its stop. On each price of its instrument, for a long (a short
 * is the mirror image):
 *   - price ≤ stop (before TP1)        ⇒ all of it closes: outcome `stop`
 *   - price ≥ tp1                      ⇒ tp1Fraction (half) closes at TP1 and the stop moves to the
 *                                        signal's breakEvenStop (entry + fees); the rest runs
 *   - after TP1, price ≥ tp2           ⇒ the rest closes at TP2: outcome `tp2`
 *   - after TP1, price ≤ break-even    ⇒ the rest closes there: outcome `breakeven`
 *   - ts − signal.ts ≥ maxHoldMs       ⇒ the rest closes at the price then: outcome `expiry`
 * Targets fill at their level (resting limit orders never fill better); stops fill at the level or
 * at the price if it gapped through (a stop-market order slips), so a gap costs what it would cost.
 * Levels are checked before the expiry on the same price, and a price through both TP1 and TP2
 * takes both. Levels compare with a relative 1e-9 slack so a float like 100.15000000000001 is hit
 * by a price of 100.15.
 *
 * Outcome, with f the fraction closed at each exit and entry the signal's entry:
 *   grossBps  Σ f × (exit − entry) / entry × 10⁴ (sign flipped for a short)
 *   pnlBps    grossBps − feesBps (the round trip, on the whole notional)
 *   rMultiple pnlBps / the initial stop distance in bps: R after fees
 *   mfeBps / maeBps  the largest favourable / adverse move seen from the entry (both ≥ 0)
 * A signal whose instrument stops printing is closed by `onTime` at its last price once expired.
 */
import type { Signal, SignalLimitState } from './signals.ts';
import { AdmissionCounts, type AdmissionCountsJSON } from './admissions.ts';

export type SignalOutcome = 'stop' | 'tp2' | 'breakeven' | 'expiry';

export interface SignalExit {
  readonly reason: 'tp1' | 'tp2' | 'stop' | 'breakeven' | 'expiry';
  readonly at: number;
  readonly price: number;
  /** Share of the signal's size closed here. */
  readonly fraction: number;
}

/** A signal followed to its end (immutable). */
export interface ClosedSignal {
  readonly signal: Signal;
  readonly closedAt: number;
  readonly holdMs: number;
  readonly outcome: SignalOutcome;
  readonly tp1Hit: boolean;
  readonly exits: readonly SignalExit[];
  readonly grossBps: number;
  readonly pnlBps: number;
  readonly rMultiple: number;
  /** pnlBps on the suggested notional, in quote. */
  readonly pnlQuote: number;
  readonly mfeBps: number;
  readonly maeBps: number;
}

/** One open signal's virtual position. */
export interface OpenSignalState {
  readonly signal: Signal;
  stop: number;
  remaining: number;
  tp1Hit: boolean;
  exits: SignalExit[];
  mfeBps: number;
  maeBps: number;
  lastPrice: number;
}

export interface SignalTrackerOptions {
  readonly maxHoldMs: number;
  /** Share closed at TP1. */
  readonly tp1Fraction: number;
  /** Closed signals kept (oldest dropped first). */
  readonly keepClosed: number;
}

export const DEFAULT_TRACKER_OPTIONS: SignalTrackerOptions = { maxHoldMs: 15 * 60_000, tp1Fraction: 0.5, keepClosed: 10_000 };

export interface SignalTrackerState extends AdmissionCountsJSON {
  readonly open: readonly OpenSignalState[];
  readonly closed: readonly ClosedSignal[];
}

const NONE: readonly ClosedSignal[] = Object.freeze([]);
/** True when the price has reached the level in direction dir (1: at or above). */
const reached = (price: number, level: number, dir: number): boolean => dir * (price - level) >= -1e-9 * Math.abs(level);

/** Tracks open signals virtually to their outcomes and keeps what the limits need. */
export class SignalTracker {
  private readonly byInstrument = new Map<string, OpenSignalState[]>();
  private closedList: ClosedSignal[] = [];
  private counts = new AdmissionCounts();

  constructor(private readonly opts: SignalTrackerOptions = DEFAULT_TRACKER_OPTIONS) {}

  /** Starts following a signal from its entry (throws on an id already open). */
  open(signal: Signal): void {
    let list = this.byInstrument.get(signal.instrument);
    if (list?.some((o) => o.signal.id === signal.id)) throw new Error(`signal ${signal.id} is already open`);
    if (!list) this.byInstrument.set(signal.instrument, (list = []));
    list.push({ signal, stop: signal.stop, remaining: 1, tp1Hit: false, exits: [], mfeBps: 0, maeBps: 0, lastPrice: signal.entry });
    this.counts.entered(signal);
  }

  /** Moves the instrument's open signals on one price; returns those that closed. */
  onPrice(instrument: string, ts: number, price: number): readonly ClosedSignal[] {
    const list = this.byInstrument.get(instrument);
    if (!list || list.length === 0) return NONE;
    let out: ClosedSignal[] | null = null;
    for (let k = 0; k < list.length; ) {
      const o = list[k]!;
      const done = this.step(o, ts, price);
      if (done) {
        list.splice(k, 1);
        (out ??= []).push(done);
      } else k++;
    }
    return out ?? NONE;
  }

  /** Closes, at their last price, the signals past maxHoldMs whose instrument has gone quiet. */
  onTime(ts: number): readonly ClosedSignal[] {
    let out: ClosedSignal[] | null = null;
    for (const list of this.byInstrument.values()) {
      for (let k = 0; k < list.length; ) {
        const o = list[k]!;
        if (ts - o.signal.ts >= this.opts.maxHoldMs) {
          this.exit(o, 'expiry', ts, o.lastPrice, o.remaining);
          list.splice(k, 1);
          (out ??= []).push(this.finish(o, 'expiry', ts));
        } else k++;
      }
    }
    return out ?? NONE;
  }

  /** Returns the signals still open. */
  openSignals(): Signal[] {
    const out: Signal[] = [];
    for (const list of this.byInstrument.values()) for (const o of list) out.push(o.signal);
    return out;
  }

  /** Returns the closed signals, oldest first. */
  closed(): readonly ClosedSignal[] {
    return this.closedList;
  }

  /** Returns what the limits read for a signal at `ts`: the open signals, the day's tier counts, the last losses. */
  limitState(ts: number): SignalLimitState {
    return this.counts.state(ts, this.openSignals());
  }

  /** Returns the tracker's state as plain data. */
  toJSON(): SignalTrackerState {
    const open: OpenSignalState[] = [];
    for (const list of this.byInstrument.values()) for (const o of list) open.push({ ...o, exits: [...o.exits] });
    return { open, closed: [...this.closedList], ...this.counts.toJSON() };
  }

  /** Returns a tracker restored from `toJSON()` output. */
  static from(state: SignalTrackerState, opts: SignalTrackerOptions = DEFAULT_TRACKER_OPTIONS): SignalTracker {
    const t = new SignalTracker(opts);
    for (const o of state.open) {
      let list = t.byInstrument.get(o.signal.instrument);
      if (!list) t.byInstrument.set(o.signal.instrument, (list = []));
      list.push({ ...o, exits: [...o.exits] });
    }
    t.closedList = [...state.closed];
    t.counts = AdmissionCounts.from(state);
    return t;
  }

  /** Applies one price to one open signal; returns it closed, or null while it runs. */
  private step(o: OpenSignalState, ts: number, price: number): ClosedSignal | null {
    const s = o.signal;
    const dir = s.side === 'long' ? 1 : -1;
    o.lastPrice = price;
    const moveBps = (dir * (price - s.entry)) / s.entry * 1e4;
    if (moveBps > o.mfeBps) o.mfeBps = moveBps;
    if (-moveBps > o.maeBps) o.maeBps = -moveBps;

    if (!o.tp1Hit) {
      if (reached(price, s.stop, -dir)) {
        this.exit(o, 'stop', ts, dir > 0 ? Math.min(s.stop, price) : Math.max(s.stop, price), o.remaining);
        return this.finish(o, 'stop', ts);
      }
      if (reached(price, s.tp1, dir)) {
        this.exit(o, 'tp1', ts, s.tp1, this.opts.tp1Fraction);
        o.tp1Hit = true;
        o.stop = s.breakEvenStop;
      }
    }
    if (o.tp1Hit) {
      if (reached(price, s.tp2, dir)) {
        this.exit(o, 'tp2', ts, s.tp2, o.remaining);
        return this.finish(o, 'tp2', ts);
      }
      if (reached(price, o.stop, -dir)) {
        this.exit(o, 'breakeven', ts, dir > 0 ? Math.min(o.stop, price) : Math.max(o.stop, price), o.remaining);
        return this.finish(o, 'breakeven', ts);
      }
    }
    if (ts - s.ts >= this.opts.maxHoldMs) {
      this.exit(o, 'expiry', ts, price, o.remaining);
      return this.finish(o, 'expiry', ts);
    }
    return null;
  }

  private exit(o: OpenSignalState, reason: SignalExit['reason'], at: number, price: number, fraction: number): void {
    const f = Math.min(fraction, o.remaining);
    o.exits.push({ reason, at, price, fraction: f });
    o.remaining -= f;
  }

  private finish(o: OpenSignalState, outcome: SignalOutcome, ts: number): ClosedSignal {
    const s = o.signal;
    const dir = s.side === 'long' ? 1 : -1;
    let grossBps = 0;
    for (const e of o.exits) grossBps += (e.fraction * dir * (e.price - s.entry)) / s.entry * 1e4;
    const pnlBps = grossBps - s.feesBps;
    const riskBps = (Math.abs(s.entry - s.stop) / s.entry) * 1e4;
    const closed: ClosedSignal = {
      signal: s,
      closedAt: ts,
      holdMs: ts - s.ts,
      outcome,
      tp1Hit: o.tp1Hit,
      exits: o.exits,
      grossBps,
      pnlBps,
      rMultiple: riskBps > 0 ? pnlBps / riskBps : 0,
      pnlQuote: (pnlBps / 1e4) * s.suggestedNotional,
      mfeBps: o.mfeBps,
      maeBps: o.maeBps,
    };
    if (pnlBps < 0) this.counts.lost(s.instrument, ts);
    this.closedList.push(closed);
    if (this.closedList.length > this.opts.keepClosed) this.closedList.splice(0, this.closedList.length - this.opts.keepClosed);
    return closed;
  }
}
