/**
 * Arbitrage metrics for /api/summary and /metrics: outcomes, exact fee and PnL sums (decimals, so
 * a thousand trades of 0.1 add up to exactly 100), execution latency percentiles over a window of
 * recent trades, realized slippage, and the decisions taken (opportunities seen, skips by
 * reason). Plain data, persisted with `toJSON` / `ArbMetrics.from` across restarts.
 */
import { add, decText, parseDec, ZERO, type Dec } from '../../model/decimal.ts';

/** A closed trade as the metrics need it (a TradeAuditRow has these fields). */
export interface ArbTradeMetrics {
  readonly pnl: string;
  readonly fees: string;
  /** Signal to both fills, ms. */
  readonly latencyMs: number;
  /** Seen price versus fill price, bps (positive = worse than seen). */
  readonly slippageBps: number;
  /** Derived from the sign of `pnl` when absent. */
  readonly outcome?: 'win' | 'loss' | 'flat';
}

export interface Percentiles {
  /** null before the first trade. */
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface ArbMetricsSnapshot {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly flat: number;
  /** wins / trades (flat trades count as trades, not wins); 0 before the first trade. */
  readonly winRate: number;
  /** Over the last `window` trades. */
  readonly latencyMs: Percentiles;
  /** `avg` over every trade; `p50` over the last `window` trades. */
  readonly slippageBps: { readonly avg: number | null; readonly p50: number | null };
  /** Exact sums over every trade, decimal strings. */
  readonly fees: string;
  readonly pnl: string;
  readonly opportunities: number;
  readonly opportunitiesByRoute: Readonly<Record<string, number>>;
  readonly skipped: Readonly<Record<string, number>>;
}

/** The persisted form. */
export interface ArbMetricsState {
  readonly v: 1;
  readonly wins: number;
  readonly losses: number;
  readonly flat: number;
  readonly fees: string;
  readonly pnl: string;
  readonly slippageSum: number;
  /** Latency and slippage of the last `window` trades, oldest first. */
  readonly latencies: number[];
  readonly slippages: number[];
  readonly opportunitiesByRoute: Record<string, number>;
  readonly skipped: Record<string, number>;
}

/** Trades the latency and slippage percentiles look back over. */
export const METRICS_WINDOW = 1000;

function dec(text: string, what: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`arbitrage metrics: ${what} is not a decimal: ${JSON.stringify(text)}`);
  return d;
}

/** Returns the nearest-rank percentile (the ⌈p·n⌉-th smallest) of values, or null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function outcomeOf(pnl: Dec): 'win' | 'loss' | 'flat' {
  return pnl.v > 0n ? 'win' : pnl.v < 0n ? 'loss' : 'flat';
}

/** Running arbitrage metrics. */
export class ArbMetrics {
  private wins = 0;
  private losses = 0;
  private flat = 0;
  private fees: Dec = ZERO;
  private pnl: Dec = ZERO;
  private slippageSum = 0;
  private latencies: number[] = [];
  private slippages: number[] = [];
  private readonly byRoute = new Map<string, number>();
  private readonly skips = new Map<string, number>();

  /** Counts a closed trade; throws a RangeError (counting nothing) on a non-decimal pnl or fee or a non-finite number. */
  recordTrade(t: ArbTradeMetrics): void {
    const pnl = dec(t.pnl, 'pnl');
    const fees = dec(t.fees, 'fees');
    if (!Number.isFinite(t.latencyMs) || !Number.isFinite(t.slippageBps)) {
      throw new RangeError(`arbitrage metrics: latency ${t.latencyMs} / slippage ${t.slippageBps} must be finite`);
    }
    const outcome = t.outcome ?? outcomeOf(pnl);
    if (outcome === 'win') this.wins++;
    else if (outcome === 'loss') this.losses++;
    else this.flat++;
    this.pnl = add(this.pnl, pnl);
    this.fees = add(this.fees, fees);
    this.slippageSum += t.slippageBps;
    this.latencies.push(t.latencyMs);
    this.slippages.push(t.slippageBps);
    if (this.latencies.length > METRICS_WINDOW) this.latencies.shift();
    if (this.slippages.length > METRICS_WINDOW) this.slippages.shift();
  }

  /** Counts an opportunity found on a route (whether or not it was taken). */
  noteOpportunity(routeId: string): void {
    this.byRoute.set(routeId, (this.byRoute.get(routeId) ?? 0) + 1);
  }

  /** Counts a decision not to trade, by reason ("cooldown", "balance", ...). */
  noteSkipped(reason: string): void {
    this.skips.set(reason, (this.skips.get(reason) ?? 0) + 1);
  }

  /** Returns the numbers as the API shows them. */
  snapshot(): ArbMetricsSnapshot {
    const trades = this.wins + this.losses + this.flat;
    let opportunities = 0;
    for (const n of this.byRoute.values()) opportunities += n;
    return {
      trades,
      wins: this.wins,
      losses: this.losses,
      flat: this.flat,
      winRate: trades === 0 ? 0 : this.wins / trades,
      latencyMs: { p50: percentile(this.latencies, 0.5), p99: percentile(this.latencies, 0.99) },
      slippageBps: { avg: trades === 0 ? null : this.slippageSum / trades, p50: percentile(this.slippages, 0.5) },
      fees: decText(this.fees),
      pnl: decText(this.pnl),
      opportunities,
      opportunitiesByRoute: sortedRecord(this.byRoute),
      skipped: sortedRecord(this.skips),
    };
  }

  /** Returns the persisted form; `ArbMetrics.from` restores it exactly. */
  toJSON(): ArbMetricsState {
    return {
      v: 1,
      wins: this.wins,
      losses: this.losses,
      flat: this.flat,
      fees: decText(this.fees),
      pnl: decText(this.pnl),
      slippageSum: this.slippageSum,
      latencies: [...this.latencies],
      slippages: [...this.slippages],
      opportunitiesByRoute: sortedRecord(this.byRoute),
      skipped: sortedRecord(this.skips),
    };
  }

  /** Returns metrics restored from `toJSON()` output (throws a RangeError on a malformed state). */
  static from(state: ArbMetricsState): ArbMetrics {
    if (state?.v !== 1) throw new RangeError(`arbitrage metrics: unknown state version ${JSON.stringify(state?.v)}`);
    const m = new ArbMetrics();
    const count = (n: unknown, what: string): number => {
      if (!Number.isSafeInteger(n) || (n as number) < 0) throw new RangeError(`arbitrage metrics: ${what} is not a count: ${JSON.stringify(n)}`);
      return n as number;
    };
    const finite = (xs: unknown, what: string): number[] => {
      if (!Array.isArray(xs) || !xs.every((x) => Number.isFinite(x))) throw new RangeError(`arbitrage metrics: ${what} is not a list of numbers`);
      return (xs as number[]).slice(-METRICS_WINDOW);
    };
    m.wins = count(state.wins, 'wins');
    m.losses = count(state.losses, 'losses');
    m.flat = count(state.flat, 'flat');
    m.fees = dec(state.fees, 'fees');
    m.pnl = dec(state.pnl, 'pnl');
    if (!Number.isFinite(state.slippageSum)) throw new RangeError('arbitrage metrics: slippageSum is not finite');
    m.slippageSum = state.slippageSum;
    m.latencies = finite(state.latencies, 'latencies');
    m.slippages = finite(state.slippages, 'slippages');
    for (const [k, n] of Object.entries(state.opportunitiesByRoute ?? {})) m.byRoute.set(k, count(n, `opportunities of ${k}`));
    for (const [k, n] of Object.entries(state.skipped ?? {})) m.skips.set(k, count(n, `skips for ${k}`));
    return m;
  }
}

function sortedRecord(m: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
