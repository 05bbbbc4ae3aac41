/**
 * Statistics over closed trades (trade audit rows), pure. Money is exact: PnL, fees and drawdown
 * are sums of the audit's decimal strings (BigInt decimals, never floats); ratios are floats.
 *
 * For a group of rows taken in closing order (close time, then open time, then id):
 *   pnl          Σ pnl: the audit's PnL is already after fees (the arbitrage saga and the scalper
 *                both subtract them), so this is the PnL after fees
 *   fees         Σ fees; grossPnl = pnl + fees (before fees)
 *   winRate      wins / trades, the audit's own outcome (win, loss, flat); 0 without trades
 *   avgHoldMs    mean of closed − opened
 *   maxDrawdown  the largest fall of cumulative PnL from its running peak, the curve starting at 0
 *                before the first trade (so a first losing trade is a drawdown); additive, in quote
 *   sharpe       per trade: mean(pnl) / std(pnl), sample std (n − 1), risk-free rate 0; null with
 *                fewer than two trades or no dispersion. PnL in quote stands for returns on a fixed
 *                capital (no compounding), which scales mean and std alike, so the ratio is the same.
 *                Not annualised: trades are not evenly spaced.
 *   sharpeAnnualized  per UTC day: the same ratio over each day's PnL in [from, to) (a day without
 *                trades counts as 0), × √365 (crypto trades every day); null over fewer than two days
 *                (so always null in a daily report) or no dispersion.
 * Per instrument, a trade belongs to its `instruments` joined with `|` as a whole (an arbitrage
 * trade's PnL is its hedge's, not a leg's), so the per-instrument PnLs add up to the total exactly.
 */
import type { TradeAuditRow, TradeOutcome } from '../execution/tradeAudit.ts';
import { outcomeOf } from '../execution/tradeAudit.ts';
import { add, cmp, decText, parseDec, sub, ZERO, type Dec } from '../model/decimal.ts';
import { DAY_MS } from './periods.ts';

/** The statistics of one group of trades; money as decimal strings. */
export interface TradeStats {
  /** `overall`, a strategy, or an instrument key (`<instrument>` or `<a>|<b>`). */
  readonly key: string;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly flat: number;
  readonly winRate: number;
  /** After fees. */
  readonly pnl: string;
  readonly fees: string;
  /** Before fees: pnl + fees. */
  readonly grossPnl: string;
  readonly avgHoldMs: number | null;
  /** ≥ 0, in quote. */
  readonly maxDrawdown: string;
  readonly sharpe: number | null;
  readonly sharpeAnnualized: number | null;
}

/** A key and its PnL (best and worst symbols). */
export interface KeyPnl {
  readonly key: string;
  readonly pnl: string;
}

/** One point of a curve: after the trade closed at `ts`, the value. */
export interface CurvePoint {
  readonly ts: number;
  readonly value: string;
}

const SQRT_365 = Math.sqrt(365);

function dec(text: string, what: string, id: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`trade ${JSON.stringify(id)}: ${what} is not a decimal: ${JSON.stringify(text)}`);
  return d;
}

/** Each row's parsed PnL: a report reads it in several groupings and curves, parsing once. */
const parsedPnl = new WeakMap<TradeAuditRow, Dec>();

function pnlOf(r: TradeAuditRow): Dec {
  let d = parsedPnl.get(r);
  if (!d) parsedPnl.set(r, (d = dec(r.pnl, 'pnl', r.id)));
  return d;
}

/** Returns the rows in closing order (close time, open time, id): the order every curve follows. */
export function closingOrder(rows: readonly TradeAuditRow[]): TradeAuditRow[] {
  return [...rows].sort((a, b) => a.closed - b.closed || a.opened - b.opened || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Returns the instrument key of a row: its instruments joined with `|`. */
export function instrumentKey(row: TradeAuditRow): string {
  return row.instruments.join('|');
}

/** Returns mean / sample std, or null with fewer than two values or no dispersion. */
export function sharpeRatio(values: readonly number[]): number | null {
  const n = values.length;
  if (n < 2) return null;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  // A float residue of identical values is no dispersion.
  return std > 1e-12 * Math.max(1, Math.abs(mean)) ? mean / std : null;
}

/** Returns the rows' PnLs as integers at one common scale, so sums are plain BigInt additions. */
function units(sorted: readonly TradeAuditRow[]): { v: bigint[]; s: number } {
  let s = 0;
  const ds = sorted.map((r) => {
    const d = pnlOf(r);
    if (d.s > s) s = d.s;
    return d;
  });
  return { v: ds.map((d) => (d.s === s ? d.v : d.v * 10n ** BigInt(s - d.s))), s };
}

/** Returns the cumulative PnL after each row (rows in closing order), exact. */
export function equityCurve(sorted: readonly TradeAuditRow[]): CurvePoint[] {
  const u = units(sorted);
  let cum = 0n;
  return sorted.map((r, i) => {
    cum += u.v[i]!;
    return { ts: r.closed, value: decText({ v: cum, s: u.s }) };
  });
}

/** Returns the drawdown (running peak − cumulative PnL, ≥ 0) after each row, and its maximum; the peak starts at 0. */
export function drawdownCurve(sorted: readonly TradeAuditRow[]): { points: CurvePoint[]; max: string } {
  const u = units(sorted);
  let cum = 0n;
  let peak = 0n;
  let worst = 0n;
  const points = sorted.map((r, i) => {
    cum += u.v[i]!;
    if (cum > peak) peak = cum;
    const dd = peak - cum;
    if (dd > worst) worst = dd;
    return { ts: r.closed, value: dd === 0n ? '0' : decText({ v: dd, s: u.s }) };
  });
  return { points, max: decText({ v: worst, s: u.s }) };
}

/** Returns the largest fall of cumulative PnL from its running peak (rows in closing order; the peak starts at 0). */
export function maxDrawdown(sorted: readonly TradeAuditRow[]): Dec {
  const u = units(sorted);
  let cum = 0n;
  let peak = 0n;
  let worst = 0n;
  for (const v of u.v) {
    cum += v;
    if (cum > peak) peak = cum;
    else if (peak - cum > worst) worst = peak - cum;
  }
  return { v: worst, s: u.s };
}

/** Returns each UTC day's PnL (as numbers) over the days of [from, to), zero for a day without trades. */
function dailyPnl(sorted: readonly TradeAuditRow[], from: number, to: number): number[] {
  const first = Math.floor(from / DAY_MS);
  const days = Math.max(0, Math.floor((to - 1) / DAY_MS) - first + 1);
  const u = units(sorted);
  const sums: bigint[] = Array.from({ length: days }, () => 0n);
  sorted.forEach((r, k) => {
    const i = Math.floor(r.closed / DAY_MS) - first;
    if (i >= 0 && i < days) sums[i]! += u.v[k]!;
  });
  return sums.map((v) => Number(decText({ v, s: u.s })));
}

/** Returns the statistics of rows over the period [from, to) (the rows are taken as given; sorted here). */
export function tradeStats(key: string, rows: readonly TradeAuditRow[], from: number, to: number): TradeStats {
  const sorted = closingOrder(rows);
  let wins = 0;
  let losses = 0;
  let fees: Dec = ZERO;
  let hold = 0;
  for (const r of sorted) {
    const outcome: TradeOutcome = r.outcome ?? outcomeOf(r.pnl);
    if (outcome === 'win') wins++;
    else if (outcome === 'loss') losses++;
    fees = add(fees, dec(r.fees, 'fees', r.id));
    hold += r.closed - r.opened;
  }
  const n = sorted.length;
  const u = units(sorted);
  let total = 0n;
  for (const v of u.v) total += v;
  const pnl: Dec = { v: total, s: u.s };
  const daily = sharpeRatio(dailyPnl(sorted, from, to));
  return {
    key,
    trades: n,
    wins,
    losses,
    flat: n - wins - losses,
    winRate: n > 0 ? wins / n : 0,
    pnl: decText(pnl),
    fees: decText(fees),
    grossPnl: decText(add(pnl, fees)),
    avgHoldMs: n > 0 ? hold / n : null,
    maxDrawdown: decText(maxDrawdown(sorted)),
    sharpe: sharpeRatio(sorted.map((r) => Number(r.pnl))),
    sharpeAnnualized: daily === null ? null : daily * SQRT_365,
  };
}

/** Returns the statistics per group, groups sorted by key. */
export function statsBy(rows: readonly TradeAuditRow[], keyOf: (r: TradeAuditRow) => string, from: number, to: number): TradeStats[] {
  const groups = new Map<string, TradeAuditRow[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.keys()].sort().map((k) => tradeStats(k, groups.get(k)!, from, to));
}

/** Returns the groups with the highest and the lowest PnL (the first key wins a tie), or nulls when there are none. */
export function bestAndWorst(groups: readonly TradeStats[]): { best: KeyPnl | null; worst: KeyPnl | null } {
  let best: TradeStats | undefined;
  let worst: TradeStats | undefined;
  for (const g of groups) {
    const p = dec(g.pnl, 'pnl', g.key);
    if (!best || cmp(p, dec(best.pnl, 'pnl', best.key)) > 0) best = g;
    if (!worst || cmp(p, dec(worst.pnl, 'pnl', worst.key)) < 0) worst = g;
  }
  return { best: best ? { key: best.key, pnl: best.pnl } : null, worst: worst ? { key: worst.key, pnl: worst.pnl } : null };
}
