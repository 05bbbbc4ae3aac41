/**
 * The SIGNAL mode report: how the virtual outcomes did, per UTC day, per symbol and overall.
 *
 * Per group, over its closed signals taken in closing order, with r = pnlBps (after fees):
 *   generated      signals made in the group (opts.generated, which may include those the limits
 *                  refused or that are still open; without it, the closed ones)
 *   triggered      signals followed to an outcome (closed)
 *   winRate        share with pnlBps > 0 (a break-even exit that paid the fees and a bit counts)
 *   avgHoldMs, avgPnlBps, totalPnlBps, avgR
 *   sharpe         mean(r) / std(r) per signal (sample std, n − 1), null with fewer than two
 *                  signals or no dispersion; sharpeDaily = sharpe × √(signals per day), signals per
 *                  day = triggered / the distinct UTC days they fall on. It is a daily figure, not
 *                  annualised (× √365 for a year of independent days, if wanted).
 *   maxDrawdownBps the largest fall of the cumulative sum of r from its running peak, the curve
 *                  starting at 0 (additive bps, not compounded)
 *   best / worst   the symbols with the highest and lowest total pnlBps in the group
 * A signal belongs to the UTC day of its ts (when it was issued), so generated and triggered
 * counts of one signal land on the same day.
 */
import type { ClosedSignal } from './signalTracker.ts';

export interface SignalStats {
  /** The UTC date (YYYY-MM-DD), the instrument, or `overall`. */
  readonly key: string;
  readonly generated: number;
  readonly triggered: number;
  readonly wins: number;
  readonly winRate: number;
  readonly avgHoldMs: number;
  readonly avgPnlBps: number;
  readonly totalPnlBps: number;
  readonly avgR: number;
  readonly sharpe: number | null;
  readonly sharpeDaily: number | null;
  readonly maxDrawdownBps: number;
  readonly best: { readonly instrument: string; readonly pnlBps: number } | null;
  readonly worst: { readonly instrument: string; readonly pnlBps: number } | null;
}

export interface SignalReport {
  readonly byDay: readonly SignalStats[];
  readonly bySymbol: readonly SignalStats[];
  readonly overall: SignalStats;
}

export interface SignalReportOptions {
  /** Every signal made (instrument and issue time), to count `generated`. */
  readonly generated?: readonly { readonly instrument: string; readonly ts: number }[];
}

const DAY_MS = 86_400_000;

/** Returns the UTC date (YYYY-MM-DD) of a time in ms. */
export function utcDay(ts: number): string {
  return new Date(Math.floor(ts / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** Returns the mean over the sample standard deviation, or null when undefined. */
export function sharpeOf(returns: readonly number[]): number | null {
  const n = returns.length;
  if (n < 2) return null;
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = sum / n;
  let ss = 0;
  for (const r of returns) ss += (r - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  return std > 0 ? mean / std : null;
}

/** Returns the largest drop of the cumulative sum of the returns from its running peak (≥ 0; the curve starts at 0). */
export function maxDrawdown(returns: readonly number[]): number {
  let cum = 0;
  let peak = 0;
  let dd = 0;
  for (const r of returns) {
    cum += r;
    if (cum > peak) peak = cum;
    if (peak - cum > dd) dd = peak - cum;
  }
  return dd;
}

function statsOf(key: string, list: readonly ClosedSignal[], generated: number): SignalStats {
  const sorted = [...list].sort((a, b) => a.closedAt - b.closedAt);
  const n = sorted.length;
  const r = sorted.map((c) => c.pnlBps);
  let wins = 0;
  let hold = 0;
  let total = 0;
  let rSum = 0;
  const days = new Set<number>();
  const bySym = new Map<string, number>();
  for (const c of sorted) {
    if (c.pnlBps > 0) wins++;
    hold += c.holdMs;
    total += c.pnlBps;
    rSum += c.rMultiple;
    days.add(Math.floor(c.signal.ts / DAY_MS));
    bySym.set(c.signal.instrument, (bySym.get(c.signal.instrument) ?? 0) + c.pnlBps);
  }
  let best: SignalStats['best'] = null;
  let worst: SignalStats['worst'] = null;
  for (const [instrument, pnlBps] of bySym) {
    if (!best || pnlBps > best.pnlBps) best = { instrument, pnlBps };
    if (!worst || pnlBps < worst.pnlBps) worst = { instrument, pnlBps };
  }
  const sharpe = sharpeOf(r);
  return {
    key,
    generated,
    triggered: n,
    wins,
    winRate: n > 0 ? wins / n : 0,
    avgHoldMs: n > 0 ? hold / n : 0,
    avgPnlBps: n > 0 ? total / n : 0,
    totalPnlBps: total,
    avgR: n > 0 ? rSum / n : 0,
    sharpe,
    sharpeDaily: sharpe === null ? null : sharpe * Math.sqrt(n / days.size),
    maxDrawdownBps: maxDrawdown(r),
    best,
    worst,
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  }
  return m;
}

/** Returns win rate, hold, Sharpe and drawdown of the closed signals per UTC day, per symbol and overall. */
export function signalReport(closed: readonly ClosedSignal[], opts: SignalReportOptions = {}): SignalReport {
  const gen = opts.generated;
  const genDay = gen ? groupBy(gen, (g) => utcDay(g.ts)) : null;
  const genSym = gen ? groupBy(gen, (g) => g.instrument) : null;
  const days = groupBy(closed, (c) => utcDay(c.signal.ts));
  const syms = groupBy(closed, (c) => c.signal.instrument);
  // A group with signals generated but none closed still gets a row.
  for (const k of genDay?.keys() ?? []) if (!days.has(k)) days.set(k, []);
  for (const k of genSym?.keys() ?? []) if (!syms.has(k)) syms.set(k, []);
  const byDay = [...days.keys()].sort().map((k) => statsOf(k, days.get(k)!, genDay ? (genDay.get(k)?.length ?? 0) : days.get(k)!.length));
  const bySymbol = [...syms.keys()].sort().map((k) => statsOf(k, syms.get(k)!, genSym ? (genSym.get(k)?.length ?? 0) : syms.get(k)!.length));
  return { byDay, bySymbol, overall: statsOf('overall', closed, gen ? gen.length : closed.length) };
}
