// One actor in the inspector: its statechart (drawn once from GET /api/actors/:id's `chart`, then
// only re-lit as the stream reports moves), its context as a collapsible JSON tree, its recent
// transitions and restarts, refreshed when it moves (at most one request in flight) and every few
// seconds (the context changes without a state change).
import { esc, get, stream } from './api.js';
import { layoutChart } from './statechart.js';
import { renderChart } from './insp-svg.js';
import { perfRecorder } from './insp-perf.js';
import { renderJson } from './insp-json.js';

const POLL_MS = 3000;

function clock(ts) {
  const d = new Date(ts);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Mounts the detail of actor `id` in `el`; returns the unmount function. */
export function mountDetail(el, id) {
  const perf = perfRecorder();
  el.innerHTML = `
    <div class="insp insp-detail" data-actor="${esc(id)}">
      <div class="insp-title">
        <a class="insp-back" href="#/inspector">← all actors</a>
        <h1><span class="insp-id">${esc(id)}</span></h1>
        <span class="insp-kind"></span>
        <span class="insp-cur" title="current state"></span>
        <span class="insp-status"></span>
        <span class="insp-restarts"></span>
      </div>
      <div class="panel insp-chart-panel"><h2>Statechart</h2><div class="insp-chart-wrap"><p class="dim">loading…</p></div></div>
      <div class="insp-cols">
        <div class="panel"><h2>Recent transitions</h2>
          <table class="insp-trans"><thead><tr><th>time</th><th>from → to</th><th>event</th><th>cause</th><th class="num">seq</th></tr></thead><tbody></tbody></table>
          <p class="insp-timers dim"></p>
        </div>
        <div class="panel"><h2>Context</h2><div class="insp-ctx"></div></div>
      </div>
    </div>`;
  const $ = (s) => el.querySelector(s);
  const wrap = $('.insp-chart-wrap');
  let chart = null;
  let state = null;
  let lastJson = '';
  let lastTrans = null;
  let inFlight = false;
  let again = false;
  let stopped = false;
  /** Bumped by every stream move: a response to a request sent before it does not re-light. */
  let moves = 0;

  const setState = (s) => {
    if (s === state) return;
    state = s;
    $('.insp-cur').textContent = s;
    if (chart) chart.light(s);
  };
  const setMeta = (d) => {
    $('.insp-kind').textContent = d.kind ?? '';
    const st = $('.insp-status');
    st.textContent = d.status ?? '';
    st.className = `insp-status ${d.status && d.status !== 'running' ? 'warn' : ''}`;
    $('.insp-restarts').textContent = `restarts: ${d.restarts ?? 0}`;
  };

  const show = (d, movesAtSend) => {
    if (!chart) {
      const layout = perf.time('layout', () => layoutChart(d.chart));
      chart = perf.time('draw', () => renderChart(layout));
      wrap.replaceChildren(chart.svg);
      state = null;
    }
    if (movesAtSend === moves) setState(d.state);
    setMeta(d);
    const rows = (d.recentTransitions ?? []).slice().reverse();
    const tkey = rows.map((t) => t.seq).join(',');
    if (tkey !== lastTrans) {
      lastTrans = tkey;
      $('.insp-trans tbody').innerHTML = rows.length
        ? rows
            .map(
              (t) =>
                `<tr><td class="dim">${clock(t.ts)}</td><td>${esc(t.from)} → <b>${esc(t.to)}</b></td><td>${esc(t.event)}</td><td class="dim cause" title="${esc(t.causationId ?? '')}">${esc(t.causationId ?? '–')}</td><td class="num dim">${t.seq}</td></tr>`,
            )
            .join('')
        : '<tr><td colspan="5" class="dim">no transition yet</td></tr>';
    }
    const timers = d.timers ?? [];
    $('.insp-timers').textContent = timers.length ? `pending timers: ${timers.map((t) => `${t.event} in ${Math.max(0, Math.round((t.dueAt - Date.now()) / 100) / 10)}s`).join(', ')}` : '';
    const json = JSON.stringify(d.context ?? null);
    if (json !== lastJson) {
      lastJson = json;
      perf.time('context', () => renderJson($('.insp-ctx'), d.context ?? null));
    }
  };

  const refresh = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    const at = moves;
    try {
      const d = await get(`/api/actors/${encodeURIComponent(id)}`);
      if (!stopped) show(d, at);
    } catch (e) {
      if (!stopped && !chart) wrap.innerHTML = `<p class="warn">${esc(e.message)}</p> <a href="#/inspector">back to the list</a>`;
    } finally {
      inFlight = false;
      if (again && !stopped) {
        again = false;
        refresh();
      }
    }
  };

  const offActor = stream.on('actor', ({ actor: m }) => {
    if (m?.id !== id) return;
    perf.time('move', () => {
      moves++;
      setState(m.state);
      setMeta({ kind: m.kind ?? $('.insp-kind').textContent, status: m.status, restarts: m.restarts });
    });
    refresh();
  });
  refresh();
  const poll = setInterval(() => document.visibilityState === 'visible' && refresh(), POLL_MS);
  return () => {
    stopped = true;
    offActor();
    clearInterval(poll);
  };
}
