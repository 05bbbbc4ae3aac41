/** Prometheus metrics on a registry of our own (never the global one, so tests stay isolated). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActorRuntime } from '../runtime/actorRuntime.ts';
import type { EventLog } from '../runtime/eventLog.ts';

export interface Metrics {
  readonly registry: Registry;
  readonly eventsPerSec: () => number;
}

/** Returns the daemon's metrics, fed from the runtime's and the log's streams. */
export function createMetrics(runtime: ActorRuntime, eventLog: EventLog, now: () => number): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fleet_process_' });
  const events = new Counter({ name: 'fleet_events_total', help: 'Event log records committed', labelNames: ['type'], registers: [registry] });
  const restarts = new Counter({ name: 'fleet_actor_restarts_total', help: 'Actor restarts by the supervisor', labelNames: ['actor'], registers: [registry] });
  new Gauge({
    name: 'fleet_event_log_last_seq',
    help: 'Last seq assigned in the event log',
    registers: [registry],
    collect() {
      this.set(eventLog.lastSeq);
    },
  });
  new Gauge({
    name: 'fleet_actors',
    help: 'Actors by kind and status',
    labelNames: ['kind', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of runtime.list()) this.inc({ kind: a.kind, status: a.status });
    },
  });
  new Gauge({
    name: 'fleet_portfolio_state',
    help: '1 for the portfolio state the daemon is in',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const s = runtime.list().find((a) => a.id === 'portfolio');
      if (s) this.set({ state: s.state }, 1);
    },
  });

  // events/s over the last 10 whole seconds, counted in per-second buckets: O(1), no timer.
  const buckets = new Map<number, number>();
  eventLog.committed$.subscribe((r) => {
    events.inc({ type: r.type });
    if (r.type === 'actor.restarted' && r.actor) restarts.inc({ actor: r.actor });
    const second = Math.floor(now() / 1000);
    buckets.set(second, (buckets.get(second) ?? 0) + 1);
    if (buckets.size > 11) for (const k of buckets.keys()) if (k < second - 10) buckets.delete(k);
  });
  const eventsPerSec = (): number => {
    const current = Math.floor(now() / 1000);
    let n = 0;
    for (const [k, c] of buckets) if (k < current && k >= current - 10) n += c;
    return n / 10;
  };
  return { registry, eventsPerSec };
}

/** What /metrics shows of arbitrage (the same numbers as /api/summary's `arbitrage`). */
export interface ArbitrageNumbers {
  readonly trades: number;
  readonly winRate: number;
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null };
  readonly slippageBps: { readonly avg: number | null };
  readonly fees: string;
  readonly pnl: string;
  readonly totalValue: string;
  readonly sagasOpen: number;
}

/** Adds the arbitrage gauges to the registry, read at scrape time. */
export function addArbitrageMetrics(registry: Registry, read: () => ArbitrageNumbers): void {
  const gauge = (name: string, help: string, value: (n: ArbitrageNumbers) => number | null, labels?: Record<string, string>): void => {
    new Gauge({
      name,
      help,
      ...(labels ? { labelNames: Object.keys(labels) } : {}),
      registers: [registry],
      collect() {
        const v = value(read());
        if (v === null || !Number.isFinite(v)) return;
        if (labels) this.set(labels, v);
        else this.set(v);
      },
    });
  };
  gauge('fleet_arb_trades', 'Arbitrage trades closed', (n) => n.trades);
  gauge('fleet_arb_win_rate', 'Share of arbitrage trades with a positive PnL', (n) => n.winRate);
  gauge('fleet_arb_pnl', 'Arbitrage PnL after fees (quote)', (n) => Number(n.pnl));
  gauge('fleet_arb_fees', 'Arbitrage fees paid (quote)', (n) => Number(n.fees));
  gauge('fleet_arb_latency_p50_ms', 'Signal to both fills, median over recent trades', (n) => n.latencyMs.p50);
  gauge('fleet_arb_latency_p99_ms', 'Signal to both fills, p99 over recent trades', (n) => n.latencyMs.p99);
  gauge('fleet_arb_slippage_bps', 'Average realized slippage against the prices seen at the decision', (n) => n.slippageBps.avg);
  gauge('fleet_arb_sagas_open', 'Two-leg sagas not finished', (n) => n.sagasOpen);
  gauge('fleet_total_value', 'Total estimated value across venues (quote)', (n) => Number(n.totalValue));
}
