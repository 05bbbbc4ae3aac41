/**
 * What the API shows, computed once for the routes and the live stream: the summary (GET
 * /api/summary, the stream's `summary`) and the hot list (GET /api/hotlist, the stream's `hotlist`).
 */
import { stateString } from '../runtime/chart.ts';
import type { AppDeps } from './app.ts';
import type { HotRow } from '../features/service.ts';

/** Returns the summary of the portfolio, the mode and the regimes; undefined when nothing trades. */
export function summaryView(deps: AppDeps): Record<string, unknown> | undefined {
  const ex = deps.execution;
  if (!ex) return undefined;
  const portfolio = deps.runtime.snapshot('portfolio');
  const n = ex.numbers();
  return {
    mode: ex.mode,
    armed: ex.modeControl.armed,
    globalRegime: deps.scalper?.features.globalRegime()?.regime ?? null,
    portfolio: { state: portfolio ? String(portfolio.value) : 'down', reason: (portfolio?.context as { reason?: string | null } | undefined)?.reason ?? null, ...n },
    limits: { dailyLossLimit: ex.limits.dailyLossLimit, maxPortfolioHeat: ex.limits.maxPortfolioHeat },
    positions: ex.positions().length,
    openOrders: ex.orders.open().length,
    eventsPerSec: deps.metrics.eventsPerSec(),
    ...(deps.arbitrage ? { arbitrage: deps.arbitrage.summary() } : {}),
  };
}

/** Returns the hot list, best score first, with each symbol's chart state and universe category. */
export function hotlistView(deps: AppDeps): HotRow[] {
  const s = deps.scalper;
  if (!s) return [];
  return s.features.hotlist(
    (id) => {
      const snap = deps.runtime.snapshot(`symbol:${id}`);
      return snap ? stateString(snap.value) : null;
    },
    (id) => s.universe?.category(id) ?? null,
  );
}
