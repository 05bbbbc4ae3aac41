// The hot list: sortable, filterable, and fast at 500+ rows. Only the rows in view are in the DOM
// (a fixed-height scroller with spacer rows above and below), a pool of <tr> is reused, and a cell
// is written only when its text changed. Each update's time (filter + sort + patch + the layout it
// forces) is kept in window.__fleetPerf.hotlist (the last 200, in ms).
import { esc, num } from './api.js';

const ROW_H = 26;
const OVERSCAN = 6;
const PERF_KEEP = 200;

/** Columns: key, title, sort value, and the cell's HTML. */
const COLUMNS = [
  { key: 'instrument', title: 'Instrument', w: '21%', val: (r) => r.instrument, html: (r) => `<a href="#/symbol/${encodeURIComponent(r.instrument)}">${esc(r.instrument)}</a>` },
  { key: 'category', title: 'Cat.', w: '8%', val: (r) => r.category ?? '', html: (r) => esc(r.category ?? '–') },
  { key: 'regime', title: 'Regime', w: '12%', val: (r) => r.regime ?? '', html: (r) => esc(r.regime ?? '–') },
  { key: 'pumpState', title: 'Pump', w: '10%', val: (r) => (r.pumpState && r.pumpState !== 'NONE' ? r.pumpState : ''), html: (r) => (r.pumpState && r.pumpState !== 'NONE' ? `🔥 ${esc(r.pumpState)}` : '') },
  { key: 'spoofingScore', title: 'Spoof', w: '8%', num: true, val: (r) => r.spoofingScore ?? 0, html: (r) => (r.spoofingScore >= 0.5 ? `🎭 ${num(r.spoofingScore)}` : num(r.spoofingScore)) },
  { key: 'newsFlag', title: 'News', w: '6%', val: (r) => (r.newsFlag ? 1 : 0), html: (r) => (r.newsFlag ? `🚨 ${esc(typeof r.newsFlag === 'object' ? r.newsFlag.impact ?? r.newsFlag.type ?? '' : r.newsFlag)}` : '') },
  { key: 'scoreLong', title: 'Long', w: '7%', num: true, val: (r) => r.scoreLong ?? 0, html: (r) => num(r.scoreLong) },
  { key: 'scoreShort', title: 'Short', w: '7%', num: true, val: (r) => r.scoreShort ?? 0, html: (r) => num(r.scoreShort) },
  { key: 'state', title: 'Chart', w: '21%', val: (r) => r.state ?? '', html: (r) => esc(r.state ?? '–') },
];

/** Records one measured update. */
function record(ms) {
  const perf = (window.__fleetPerf ??= {});
  const list = (perf.hotlist ??= []);
  list.push(ms);
  if (list.length > PERF_KEEP) list.splice(0, list.length - PERF_KEEP);
}

/**
 * Builds the hot list in `el`. Returns `{ update(rows), destroy() }`; `update` takes the stream's
 * (or /api/hotlist's) rows as they are.
 */
export function hotList(el) {
  el.innerHTML = `
    <div class="dash-filters">
      <input type="search" placeholder="filter instrument" data-f="text" size="18">
      <select data-f="sel"><option value="">all states / regimes</option></select>
      <span class="dash-count"></span>
    </div>
    <div class="dash-vscroll" data-hot-scroller>
      <table>
        <colgroup>${COLUMNS.map((c) => `<col style="width:${c.w}">`).join('')}</colgroup>
        <thead><tr>${COLUMNS.map((c) => `<th data-k="${c.key}" class="${c.num ? 'num' : ''}">${c.title}</th>`).join('')}</tr></thead>
        <tbody><tr class="dash-spacer" data-top><td colspan="${COLUMNS.length}"></td></tr><tr class="dash-spacer" data-bottom><td colspan="${COLUMNS.length}"></td></tr></tbody>
      </table>
    </div>`;
  const text = el.querySelector('[data-f=text]');
  const sel = el.querySelector('[data-f=sel]');
  const count = el.querySelector('.dash-count');
  const scroller = el.querySelector('[data-hot-scroller]');
  const tbody = scroller.querySelector('tbody');
  const top = tbody.querySelector('[data-top]');
  const bottom = tbody.querySelector('[data-bottom]');
  const heads = [...scroller.querySelectorAll('th')];

  let rows = [];
  let shown = [];
  let sortKey = null; // null: the daemon's order (best score first)
  let asc = false;
  const pool = [];
  const known = new Set();

  const filtered = () => {
    const q = text.value.trim().toLowerCase();
    const s = sel.value;
    let out = rows;
    if (q || s) {
      const [kind, value] = s ? s.split(':') : [];
      out = rows.filter((r) => (!q || r.instrument.toLowerCase().includes(q)) && (!s || (kind === 'state' ? r.state === value : r.regime === value)));
    }
    if (sortKey) {
      const col = COLUMNS.find((c) => c.key === sortKey);
      const dir = asc ? 1 : -1;
      out = (out === rows ? out.slice() : out).sort((a, b) => {
        const x = col.val(a);
        const y = col.val(b);
        return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.instrument < b.instrument ? -1 : 1);
      });
    }
    return out;
  };

  /** Adds newly seen states and regimes to the select (rarely: only when the set grows). */
  const options = () => {
    let grown = false;
    for (const r of rows) {
      for (const [kind, v] of [['state', r.state], ['regime', r.regime]]) {
        if (!v || known.has(`${kind}:${v}`)) continue;
        known.add(`${kind}:${v}`);
        grown = true;
      }
    }
    if (!grown) return;
    const keep = sel.value;
    sel.innerHTML = `<option value="">all states / regimes</option>${[...known].sort().map((k) => `<option value="${esc(k)}">${esc(k.replace(':', ': '))}</option>`).join('')}`;
    sel.value = keep;
  };

  const rowEl = () => {
    const tr = document.createElement('tr');
    tr.cells_ = COLUMNS.map((c) => {
      const td = document.createElement('td');
      if (c.num) td.className = 'num';
      td.last_ = undefined;
      tr.append(td);
      return td;
    });
    return tr;
  };

  /** Patches the visible window of `shown` into the pooled rows. */
  const paint = () => {
    const h = scroller.clientHeight || 420;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_H) - OVERSCAN);
    const n = Math.min(shown.length - first, Math.ceil(h / ROW_H) + 2 * OVERSCAN);
    while (pool.length < n) pool.push(rowEl());
    for (let i = 0; i < pool.length; i++) {
      const tr = pool[i];
      if (i >= n) {
        if (tr.isConnected) tr.remove();
        continue;
      }
      if (!tr.isConnected || tr.previousElementSibling !== (i === 0 ? top : pool[i - 1])) (i === 0 ? top : pool[i - 1]).after(tr);
      const r = shown[first + i];
      for (let c = 0; c < COLUMNS.length; c++) {
        const html = COLUMNS[c].html(r);
        const td = tr.cells_[c];
        if (td.last_ !== html) {
          td.innerHTML = html;
          td.last_ = html;
        }
      }
    }
    const topH = `${first * ROW_H}px`;
    const bottomH = `${Math.max(0, shown.length - first - n) * ROW_H}px`;
    if (top.style.height !== topH) top.style.height = topH;
    if (bottom.style.height !== bottomH) bottom.style.height = bottomH;
  };

  const refresh = () => {
    const t0 = performance.now();
    shown = filtered();
    paint();
    const c = shown.length === rows.length ? `${rows.length} symbols` : `${shown.length} of ${rows.length}`;
    if (count.textContent !== c) count.textContent = c;
    // Reading layout forces it now, so the measured time includes the browser's work on the patch.
    void scroller.offsetHeight;
    record(performance.now() - t0);
  };

  let scrollQueued = false;
  const onScroll = () => {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      paint();
    });
  };
  scroller.addEventListener('scroll', onScroll, { passive: true });
  text.addEventListener('input', refresh);
  sel.addEventListener('change', refresh);
  for (const th of heads) {
    th.addEventListener('click', () => {
      const k = th.dataset.k;
      if (sortKey === k) asc = !asc;
      else {
        sortKey = k;
        asc = !COLUMNS.find((c) => c.key === k).num;
      }
      for (const h of heads) h.classList.toggle('sorted', h.dataset.k === sortKey), h.classList.toggle('asc', h.dataset.k === sortKey && asc);
      refresh();
    });
  }

  return {
    update(next) {
      rows = Array.isArray(next) ? next : [];
      options();
      refresh();
    },
    destroy() {
      scroller.removeEventListener('scroll', onScroll);
    },
  };
}
