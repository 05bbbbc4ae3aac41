/**
 * The signals part of a report: the scalper's closed signals (its SignalTracker) issued in the
 * period, summarised by the scalper's own signal report (signalReport.ts: generated, triggered =
 * followed to an outcome, win rate on pnlBps after fees, average hold, PnL in bps, per-signal
 * Sharpe, drawdown in bps, best and worst symbols), so the API's /api/signals/report and the
 * reports agree on every definition. A signal belongs to the period holding its issue time.
 */
import { signalReport, type SignalStats } from '../strategies/scalper/signalReport.ts';
import type { ClosedSignal } from '../strategies/scalper/signalTracker.ts';

/** A signal made (emitted or refused by the limits): what `generated` counts. */
export interface GeneratedSignal {
  readonly instrument: string;
  readonly ts: number;
}

/** The signals of one period. */
export interface SignalSection {
  readonly overall: Omit<SignalStats, 'key'>;
  readonly bySymbol: readonly SignalStats[];
}

/** Returns the signal statistics of the signals issued in [from, to). */
export function signalSection(closed: readonly ClosedSignal[], from: number, to: number, generated?: readonly GeneratedSignal[]): SignalSection {
  const inPeriod = closed.filter((c) => c.signal.ts >= from && c.signal.ts < to);
  const gen = generated?.filter((g) => g.ts >= from && g.ts < to);
  const r = signalReport(inPeriod, gen ? { generated: gen } : {});
  const { key: _key, ...overall } = r.overall;
  return { overall, bySymbol: r.bySymbol };
}
