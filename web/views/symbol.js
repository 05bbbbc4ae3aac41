// The symbol detail (#/symbol/<instrument id>): the order-book ladder (depth 20, sizes as bars),
// micro-candles (1 s / 3 s) as a uPlot candle chart with the delta (buy − sell volume per candle)
// as a second, cursor-synced bar chart, recent trades, the features grouped, and the symbol's
// machine (state, reasons, counters) with a link to the inspector. Refreshed every second.
import { esc, get, num } from '../lib/api.js';
import { chart, candlePlugin, uPlot } from '../lib/dash-chart.js';
import { clock, ensureCss, setHtml, watchStatus } from '../lib/dash-common.js';

const DEPTH = 20;

/** Returns the ladder's HTML: asks above (best nearest the middle), bids below, sizes as bars. */
function ladderHtml(book) {
  const asks = (book?.asks ?? []).slice(0, DEPTH);
  const bids = (book?.bids ?? []).slice(0, DEPTH);
  if (!asks.length && !bids.length) return `<p class="dash-note">no book (${esc(book?.status ?? 'none')})</p>`;
  const max = Math.max(...asks.map((l) => Number(l[1])), ...bids.map((l) => Number(l[1])), 1e-12);
  const row = (side, [p, q]) => `<tr class="${side}"><td class="px">${esc(p)}</td><td class="size num"><span class="bar" style="width:${((Number(q) / max) * 100).toFixed(1)}%"></span>${esc(q)}</td></tr>`;
  const spread = asks.length && bids.length ? Number(asks[0][0]) - Number(bids[0][0]) : NaN;
  const mid = asks.length && bids.length ? (Number(asks[0][0]) + Number(bids[0][0])) / 2 : NaN;
  return `<table class="dash-ladder"><thead><tr><th>price</th><th class="num">size</th></tr></thead><tbody>
    ${[...asks].reverse().map((l) => row('ask', l)).join('')}
    <tr class="mid"><td colspan="2">spread ${Number.isFinite(spread) ? esc(String(Number(spread.toPrecision(6)))) : '–'} · ${Number.isFinite(mid) ? ((spread / mid) * 1e4).toFixed(2) : '–'} bps</td></tr>
    ${bids.map((l) => row('bid', l)).join('')}</tbody></table>`;
}

/** Returns the delta of a candle: its own, else buy − sell volume, else from the trades inside it. */
function deltaOf(c, trades) {
  if (c.delta != null) return Number(c.delta);
  if (c.buyVolume != null && c.sellVolume != null) return Number(c.buyVolume) - Number(c.sellVolume);
  let d = 0;
  for (const t of trades) if (t.ts >= c.start && t.ts < c.end) d += (t.aggressor === 'buy' ? 1 : -1) * Number(t.qty);
  return d;
}

/** Returns uPlot data for candles: [x, open, high, low, close] and [x, delta]. */
function candleData(candles, trades) {
  const x = candles.map((c) => c.start / 1000);
  const n = (k) => candles.map((c) => Number(c[k]));
  return { ohlc: [x, n('open'), n('high'), n('low'), n('close')], delta: [x, candles.map((c) => deltaOf(c, trades))] };
}

/** Returns the features grouped: one group per nested object (flattened one level), scalars in "general". */
function featuresHtml(f) {
  if (!f || !Object.keys(f).length) return '<p class="dash-note">no features yet (the book has not synced)</p>';
  const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : num(v, Math.abs(v) < 1 ? 4 : 2)) : v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const general = [];
  const groups = [];
  for (const [k, v] of Object.entries(f)) {
    if (k === 'instrument') continue;
    if (k === 'ts') general.push(['ts', clock(v)]);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      const items = [];
      for (const [k2, v2] of Object.entries(v)) {
        if (v2 && typeof v2 === 'object' && !Array.isArray(v2)) for (const [k3, v3] of Object.entries(v2)) items.push([`${k2}.${k3}`, fmt(v3)]);
        else items.push([k2, fmt(v2)]);
      }
      groups.push([k, items]);
    } else general.push([k, Array.isArray(v) ? v.join('; ') || '–' : fmt(v)]);
  }
  const dl = (title, items) => `<dl><dt>${esc(title)}</dt>${items.map(([a, b]) => `<dd><span>${esc(a)}</span><span>${esc(b)}</span></dd>`).join('')}</dl>`;
  return `<div class="dash-kv">${dl('general', general)}${groups.map(([k, items]) => dl(k, items)).join('')}</div>`;
}

/** Returns the machine's HTML (state, status, reasons, counters, restarts). */
function machineHtml(a, actorId) {
  const link = `<a href="#/inspector/${encodeURIComponent(actorId)}">open ${esc(actorId)} in the inspector</a>`;
  if (!a) return `<p class="dash-note">no chart actor for this symbol (not in the scalper's universe)</p>${link}`;
  const c = a.context ?? {};
  const counters = Object.entries(c.counters ?? {}).map(([k, v]) => `<dd><span>${esc(k)}</span><span>${esc(v)}</span></dd>`).join('');
  const reasons = (c.reasons ?? []).length ? (c.reasons ?? []).map((r) => `<li>${esc(typeof r === 'string' ? r : JSON.stringify(r))}</li>`).join('') : '<li class="dash-note">none</li>';
  return `<div class="dash-global"><div class="dash-stat"><span class="k">state</span><span class="v" data-machine-state>${esc(a.state)}</span></div>
      <div class="dash-stat"><span class="k">status</span><span class="v">${esc(a.status ?? '')}</span></div>
      <div class="dash-stat"><span class="k">restarts</span><span class="v">${esc(a.restarts ?? 0)}</span></div>
      <div class="dash-stat"><span class="k">regime</span><span class="v">${esc(c.regime ?? '–')}</span></div>
      <div class="dash-stat"><span class="k">side</span><span class="v">${esc(c.side ?? '–')}</span></div></div>
    <div class="dash-kv" style="margin-top:8px"><dl><dt>reasons</dt><ul style="margin:0;padding-left:16px;font-size:12px">${reasons}</ul></dl><dl><dt>counters</dt>${counters}</dl></div>
    <p>${link}</p>`;
}

/** Mounts the symbol detail for `params.instrument`; returns the unmount function. */
export function mount(el, params) {
  ensureCss();
  const id = params.instrument;
  const actorId = `symbol:${id}`;
  el.innerHTML = `<div class="dash-sym">
    <div class="panel dash-sym-head"><a href="#/">← dashboard</a><h1>${esc(id)}</h1><span data-head class="dash-note"></span>
      <label class="dash-note">candles <select data-tf><option value="1s">1 s</option><option value="3s">3 s</option></select></label>
      <span class="dash-msg error" data-err></span></div>
    <div class="dash-sym-grid">
      <section class="panel"><h2>Order book</h2><div data-book></div></section>
      <div>
        <section class="panel"><h2>Micro-candles and delta</h2><div class="dash-chart" data-candles></div><div class="dash-chart" data-delta></div><p class="dash-note" data-chart-note></p></section>
        <section class="panel"><h2>Machine</h2><div data-machine></div></section>
        <section class="panel"><h2>Recent trades</h2><div data-trades style="max-height:260px;overflow:auto"></div></section>
      </div>
    </div>
    <section class="panel"><h2>Features</h2><div data-features></div></section></div>`;
  const q = (s) => el.querySelector(s);
  const tf = q('[data-tf]');
  const err = q('[data-err]');
  let candleChart = null;
  let deltaChart = null;
  let busy = false;
  let alive = true;

  const drawCharts = (candles, trades) => {
    const note = q('[data-chart-note]');
    if (!candles.length) {
      note.textContent = 'no candles yet';
      return;
    }
    note.textContent = '';
    const { ohlc, delta } = candleData(candles, trades);
    if (!candleChart) {
      const hidden = (label) => ({ label, stroke: 'transparent', points: { show: false }, value: (_u, v) => (v == null ? '–' : String(v)) });
      candleChart = chart(q('[data-candles]'), { series: [hidden('open'), hidden('high'), hidden('low'), { ...hidden('close'), stroke: 'rgba(74,163,255,.35)' }], height: 240, data: ohlc, plugins: [candlePlugin()], sync: `sym-${id}` });
      deltaChart = chart(q('[data-delta]'), {
        series: [{ label: 'delta (buy − sell)', stroke: '#b58cff', fill: 'rgba(181,140,255,.45)', paths: uPlot.paths.bars({ size: [0.7, 14] }), points: { show: false } }],
        height: 120,
        data: delta,
        sync: `sym-${id}`,
      });
    } else {
      candleChart.setData(ohlc);
      deltaChart.setData(delta);
    }
  };

  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const [s, actor] = await Promise.all([
        get(`/api/symbol/${encodeURIComponent(id)}?depth=${DEPTH}&trades=50&candles=60`),
        get(`/api/actors/${encodeURIComponent(actorId)}`).catch((e) => (/no actor/.test(e.message) ? null : Promise.reject(e))),
      ]);
      if (!alive) return;
      err.textContent = '';
      const f = s.features ?? {};
      setHtml(q('[data-head]'), `state <b>${esc(s.state ?? '–')}</b> · book ${esc(s.book?.status ?? '–')} (seq ${esc(s.book?.seq ?? '–')}) · regime ${esc(f.regime ?? '–')} · long ${num(f.scoreLong)} / short ${num(f.scoreShort)}${f.stale ? ' · <b>stale reading</b>' : ''}`);
      setHtml(q('[data-book]'), ladderHtml(s.book));
      const trades = s.trades ?? [];
      drawCharts(s.candles?.[tf.value] ?? [], trades);
      setHtml(
        q('[data-trades]'),
        trades.length
          ? `<table><thead><tr><th>time</th><th>side</th><th class="num">price</th><th class="num">qty</th></tr></thead><tbody>${trades
              .map((t) => `<tr><td class="dash-note">${clock(t.ts)}</td><td class="${t.aggressor === 'buy' ? 'pos' : 'neg'}">${esc(t.aggressor)}</td><td class="num">${esc(t.price)}</td><td class="num">${esc(t.qty)}</td></tr>`)
              .join('')}</tbody></table>`
          : '<p class="dash-note">no trades yet</p>',
      );
      setHtml(q('[data-features]'), featuresHtml(f));
      setHtml(q('[data-machine]'), machineHtml(actor, actorId));
    } catch (e) {
      if (alive) err.textContent = String(e.message ?? e);
    } finally {
      busy = false;
    }
  };
  tf.addEventListener('change', () => {
    candleChart?.destroy();
    deltaChart?.destroy();
    candleChart = deltaChart = null;
    refresh();
  });
  const stopStatus = watchStatus();
  refresh();
  const timer = setInterval(refresh, 1000);
  return () => {
    alive = false;
    clearInterval(timer);
    stopStatus();
    candleChart?.destroy();
    deltaChart?.destroy();
  };
}
