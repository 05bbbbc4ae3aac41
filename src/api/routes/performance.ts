/**
 * GET /api/performance: what the closed trades did, read from `<data-dir>/trade_audit.csv` (the
 * audit is the truth: it survives restarts and holds both strategies): win rate, average latency,
 * average slippage, total PnL (exact decimals) and the PnL curve (cumulative PnL by close time),
 * overall and per strategy. The file is read again only when its size or mtime changed.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { readTradeAudit, type TradeAuditRow } from '../../execution/tradeAudit.ts';
import { add, decText, parseDec, ZERO, type Dec } from '../../model/decimal.ts';
import type { AppDeps } from '../app.ts';

/** Points of the curve kept at most (the newest; the total stays exact). */
const MAX_CURVE = 2_000;

export interface PerformanceStats {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly flat: number;
  /** Wins over trades (0 without trades). */
  readonly winRate: number;
  readonly avgLatencyMs: number | null;
  readonly avgSlippageBps: number | null;
  readonly pnl: string;
  readonly fees: string;
}

export interface Performance extends PerformanceStats {
  readonly byStrategy: Readonly<Record<string, PerformanceStats>>;
  /** Cumulative PnL after each closed trade, by close time (epoch ms), oldest first. */
  readonly curve: readonly { readonly ts: number; readonly pnl: number }[];
  readonly source: string | null;
}

/** Returns the statistics of some audit rows. */
export function statsOf(rows: readonly TradeAuditRow[]): PerformanceStats {
  let wins = 0;
  let losses = 0;
  let latency = 0;
  let slippage = 0;
  let pnl: Dec = ZERO;
  let fees: Dec = ZERO;
  for (const r of rows) {
    if (r.outcome === 'win') wins++;
    else if (r.outcome === 'loss') losses++;
    latency += r.latencyMs;
    slippage += r.slippageBps;
    pnl = add(pnl, parseDec(r.pnl) ?? ZERO);
    fees = add(fees, parseDec(r.fees) ?? ZERO);
  }
  const n = rows.length;
  return {
    trades: n,
    wins,
    losses,
    flat: n - wins - losses,
    winRate: n ? wins / n : 0,
    avgLatencyMs: n ? latency / n : null,
    avgSlippageBps: n ? slippage / n : null,
    pnl: decText(pnl),
    fees: decText(fees),
  };
}

/** Returns the performance of the audit rows (any order). */
export function performanceOf(rows: readonly TradeAuditRow[], source: string | null): Performance {
  const sorted = [...rows].sort((a, b) => a.closed - b.closed);
  const byStrategy: Record<string, PerformanceStats> = {};
  for (const s of new Set(sorted.map((r) => r.strategy))) byStrategy[s] = statsOf(sorted.filter((r) => r.strategy === s));
  let cum = 0;
  const curve = sorted.map((r) => ({ ts: r.closed, pnl: (cum += Number(r.pnl)) }));
  return { ...statsOf(sorted), byStrategy, curve: curve.slice(-MAX_CURVE), source };
}

/** Returns the plugin with GET /api/performance. */
export function performanceRoutes(deps: AppDeps): FastifyPluginAsync {
  const path = deps.dataDir ? join(deps.dataDir, 'trade_audit.csv') : undefined;
  let cached: { key: string; answer: Performance } | undefined;
  return async (app: FastifyInstance) => {
    app.get('/api/performance', async () => {
      if (!path) return performanceOf([], null);
      let key: string;
      try {
        const st = statSync(path);
        key = `${st.size}:${st.mtimeMs}`;
      } catch {
        return performanceOf([], path);
      }
      if (cached?.key !== key) cached = { key, answer: performanceOf(readTradeAudit(path), path) };
      return cached.answer;
    });
  };
}
