/**
 * `buildReport`: the one report format, for the daily and weekly reports and for the end of a
 * replay. Pure: the same input gives the same object (no clock, no I/O), so a replay's report is
 * as deterministic as its event log. Definitions of every figure are in stats.ts and signals.ts.
 */
import type { TradeAuditRow } from '../execution/tradeAudit.ts';
import type { ClosedSignal } from '../strategies/scalper/signalTracker.ts';
import { signalSection, type GeneratedSignal, type SignalSection } from './signals.ts';
import { bestAndWorst, closingOrder, drawdownCurve, equityCurve, instrumentKey, statsBy, tradeStats, type CurvePoint, type KeyPnl, type TradeStats } from './stats.ts';

/** One arbitrage route's spread over time (bps), e.g. ArbitrageService.routesView()'s spreads. */
export interface SpreadSeries {
  readonly route: string;
  readonly points: readonly { readonly ts: number; readonly netBps: number; readonly grossBps?: number }[];
}

export interface ReportInput {
  /** Trade audit rows (any order, any time: those closed in [from, to) are taken). */
  readonly rows: readonly TradeAuditRow[];
  /** The scalper's closed signals (any time: those issued in [from, to) are taken). */
  readonly signals?: readonly ClosedSignal[];
  /** Every signal made, for the `generated` count; without it, generated counts the closed ones. */
  readonly generated?: readonly GeneratedSignal[];
  /** Period start (inclusive) and end (exclusive), epoch ms. */
  readonly from: number;
  readonly to: number;
  /** Arbitrage spreads to draw (points outside [from, to) are dropped). */
  readonly spreads?: readonly SpreadSeries[];
  /** A heading for the page, e.g. `Daily report 2026-01-05`. */
  readonly title?: string;
}

/** A report: what the JSON file holds and the HTML page shows. */
export interface Report {
  readonly version: 1;
  readonly title: string;
  readonly from: string;
  readonly to: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Every trade closed in the period. */
  readonly overall: TradeStats;
  /** Per strategy (`arbitrage`, `scalper`), sorted by name. */
  readonly byStrategy: readonly TradeStats[];
  /** Per instrument key (an instrument, or an arbitrage pair `a|b`), sorted by key. */
  readonly byInstrument: readonly TradeStats[];
  /** The instrument keys with the highest and the lowest PnL. */
  readonly best: KeyPnl | null;
  readonly worst: KeyPnl | null;
  /** Cumulative PnL after fees: the period's start at 0, then one point per trade (trades + 1 points). */
  readonly equity: readonly CurvePoint[];
  /** Drawdown from the running peak, same points as `equity`. */
  readonly drawdown: readonly CurvePoint[];
  /** Null when no signals were given. */
  readonly signals: SignalSection | null;
  readonly spreads: readonly SpreadSeries[];
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

/** Returns the report of the trades closed and the signals issued in [from, to). */
export function buildReport(input: ReportInput): Report {
  const { from, to } = input;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) throw new RangeError(`a report needs from < to, got ${from} and ${to}`);
  const rows = closingOrder(input.rows.filter((r) => r.closed >= from && r.closed < to));
  const byInstrument = statsBy(rows, instrumentKey, from, to);
  const { best, worst } = bestAndWorst(byInstrument);
  const start: CurvePoint = { ts: from, value: '0' };
  return {
    version: 1,
    title: input.title ?? `Report ${iso(from)} – ${iso(to)}`,
    from: iso(from),
    to: iso(to),
    fromMs: from,
    toMs: to,
    overall: tradeStats('overall', rows, from, to),
    byStrategy: statsBy(rows, (r) => r.strategy, from, to),
    byInstrument,
    best,
    worst,
    equity: [start, ...equityCurve(rows)],
    drawdown: [start, ...drawdownCurve(rows).points],
    signals: input.signals ? signalSection(input.signals, from, to, input.generated) : null,
    spreads: (input.spreads ?? [])
      .map((s) => ({ route: s.route, points: s.points.filter((p) => p.ts >= from && p.ts < to) }))
      .filter((s) => s.points.length > 0),
  };
}
