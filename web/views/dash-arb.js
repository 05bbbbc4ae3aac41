// Arbitrage (routes with their net edge, each route's net spread over time in one uPlot chart,
// recent sagas) and Performance (win rate, latency, slippage and the PnL curve from the trade audit,
// GET /api/performance).
import { esc, get, num } from '../lib/api.js';
import { chart, COLORS, uPlot } from '../lib/dash-chart.js';
import { setHtml, sign } from '../lib/dash-common.js';
import { sagasHtml } from './dash-trades.js';

/** Builds the arbitrage panel in `el`; returns `{ refresh(), destroy() }`. */
export function arbitragePanel(el) {
  el.innerHTML = `<h2>Arbitrage</h2><div data-routes></div><div class="dash-chart" data-chart></div>
    <h2 style="margin-top:10px">Recent sagas</h2><div data-sagas></div><div class="dash-msg error" data-err></div>`;
  const routesEl = el.querySelector('[data-routes]');
  const chartEl = el.querySelector('[data-chart]');
  const sagasEl = el.querySelector('[data-sagas]');
  const err = el.querySelector('[data-err]');
  let u = null;
  let ids = '';
  let busy = false;

  const draw = (routes) => {
    const withData = routes.filter((r) => r.spreads?.length);
    const key = withData.map((r) => r.id).join('|');
    if (!withData.length) return;
    // One x axis for every route: uPlot.join aligns the series (gaps as nulls, lines spanned).
    const data = uPlot.join(withData.map((r) => [r.spreads.map((p) => p.ts / 1000), r.spreads.map((p) => p.netBps)]));
    if (key !== ids) {
      u?.destroy();
      chartEl.replaceChildren();
      ids = key;
      const series = withData.map((r, i) => ({ label: r.id.replace(/^route:/, ''), stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true, value: (_u, v) => (v == null ? '–' : `${v.toFixed(2)} bps`) }));
      u = chart(chartEl, { series, height: 200, data, yLabel: 'net bps' });
    } else u.setData(data);
  };

  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const [arb, active] = await Promise.all([get('/api/arbitrage'), get('/api/trades/active')]);
      err.textContent = '';
      const routes = arb?.routes ?? [];
      setHtml(
        routesEl,
        routes.length
          ? `<table><thead><tr><th>route</th><th>state</th><th class="num">net edge</th><th class="num">threshold</th><th>blocked</th></tr></thead><tbody>${routes
              .map((r) => `<tr><td>${esc(r.id)}</td><td>${esc(r.state)}</td><td class="num ${sign(r.netBps)}">${num(r.netBps)} bps</td><td class="num">${num(r.thresholdBps)} bps</td><td class="dash-note">${esc(r.blocked ?? '')}</td></tr>`)
              .join('')}</tbody></table>`
          : '<p class="dash-note">no arbitrage routes</p>',
      );
      draw(routes);
      setHtml(sagasEl, sagasHtml((active?.sagas ?? []).slice(-10).reverse()));
    } catch (e) {
      err.textContent = `arbitrage: ${e.message ?? e}`;
    } finally {
      busy = false;
    }
  };
  refresh();
  return { refresh, destroy: () => u?.destroy() };
}

/** Builds the performance panel in `el`; returns `{ refresh(), destroy() }`. */
export function performancePanel(el) {
  el.innerHTML = `<h2>Performance (trade audit)</h2><div class="dash-global" data-stats></div><div class="dash-chart" data-chart></div><div class="dash-msg error" data-err></div>`;
  const stats = el.querySelector('[data-stats]');
  const chartEl = el.querySelector('[data-chart]');
  const err = el.querySelector('[data-err]');
  let u = null;
  let busy = false;
  const stat = (k, v) => `<div class="dash-stat"><span class="k">${k}</span><span class="v">${v}</span></div>`;

  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const p = await get('/api/performance');
      err.textContent = '';
      const by = Object.entries(p.byStrategy ?? {}).map(([k, s]) => `${esc(k)} ${s.trades} · ${num(s.winRate * 100, 0)} %`).join(' · ');
      setHtml(
        stats,
        [
          stat('trades', `<span data-perf-trades>${p.trades}</span>`),
          stat('win rate', p.trades ? `${num(p.winRate * 100, 1)} %` : '–'),
          stat('avg latency', p.avgLatencyMs == null ? '–' : `${num(p.avgLatencyMs, 0)} ms`),
          stat('avg slippage', p.avgSlippageBps == null ? '–' : `${num(p.avgSlippageBps, 2)} bps`),
          stat('PnL', `<span class="${sign(p.pnl)}">${num(p.pnl)}</span>`),
          stat('fees', num(p.fees)),
          by ? stat('by strategy', by) : '',
        ].join(''),
      );
      const curve = p.curve ?? [];
      if (!curve.length) {
        if (!u) setHtml(chartEl, '<p class="dash-note">no closed trades yet: the PnL curve starts with the first</p>');
        return;
      }
      const data = [curve.map((c) => c.ts / 1000), curve.map((c) => c.pnl)];
      if (!u) {
        chartEl.replaceChildren();
        chartEl.__html = undefined;
        u = chart(chartEl, { series: [{ label: 'cumulative PnL', stroke: '#2ecc71', fill: 'rgba(46,204,113,.08)', width: 1.5 }], height: 180, data });
      } else u.setData(data);
    } catch (e) {
      err.textContent = `performance: ${e.message ?? e}`;
    } finally {
      busy = false;
    }
  };
  refresh();
  return { refresh, destroy: () => u?.destroy() };
}
