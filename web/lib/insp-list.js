// The inspector's actor list: every actor (GET /api/actors), kept current by the stream's `actor`
// messages. Virtualized: only the rows in view exist (a pool of row elements reused on scroll), a
// message patches its row's cells in place when visible, and the filtered list is recomputed at
// most once per animation frame, only when a message can change which rows pass the filters.
import { get, stream } from './api.js';
import { perfRecorder } from './insp-perf.js';

const ROW_H = 26;
const OVERSCAN = 8;
const KIND_ORDER = ['portfolio', 'supervisor', 'connector', 'route', 'symbol', 'twoleg', 'order'];

/** Returns the kind of an actor id (`symbol:bybit-linear:BTCUSDT` → `symbol`). */
export function kindOf(id) {
  const i = id.indexOf(':');
  return i < 0 ? id : id.slice(0, i);
}

function age(ms) {
  if (!Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

const kindRank = (k) => {
  const i = KIND_ORDER.indexOf(k);
  return i < 0 ? KIND_ORDER.length : i;
};

/** Mounts the list in `el`; returns the unmount function. */
export function mountList(el) {
  const perf = perfRecorder();
  el.innerHTML = `
    <div class="insp insp-listview">
      <div class="insp-bar panel">
        <label>kind <select data-f="kind"><option value="">all</option></select></label>
        <label>state <select data-f="state"><option value="">all</option></select></label>
        <label>id <input data-f="id" type="search" placeholder="filter id…" spellcheck="false"></label>
        <span class="insp-count" aria-live="polite"></span>
      </div>
      <div class="insp-table panel">
        <div class="insp-row insp-head"><span>actor</span><span>kind</span><span>state</span><span>status</span><span class="num">restarts</span><span class="num">updated</span></div>
        <div class="insp-scroll"><div class="insp-spacer"></div></div>
      </div>
    </div>`;
  const $ = (s) => el.querySelector(s);
  const kindSel = $('[data-f=kind]');
  const stateSel = $('[data-f=state]');
  const idInput = $('[data-f=id]');
  const count = $('.insp-count');
  const scroller = $('.insp-scroll');
  const spacer = $('.insp-spacer');
  // Inline, not only in inspector.css: the sheet loads after the first draw, and an unbounded
  // scroller would make every row "visible".
  Object.assign(scroller.style, { height: 'calc(100vh - 200px)', minHeight: '240px', overflowY: 'auto' });
  spacer.style.position = 'relative';

  /** @type {Map<string, {id: string, kind: string, state: string, status: string, restarts: number, updatedAt: number, el?: HTMLElement}>} */
  const actors = new Map();
  let filtered = [];
  const filter = { kind: '', state: '', id: '' };
  /** Row elements in use, by actor id; and spare ones. */
  const shown = new Map();
  const spare = [];
  let dirty = false;
  let frame = 0;
  let kindsKey = '';
  let statesKey = '';

  const passes = (a) =>
    (!filter.kind || a.kind === filter.kind) && (!filter.state || a.state === filter.state) && (!filter.id || a.id.toLowerCase().includes(filter.id));

  const fill = (row, a) => {
    const c = row.children;
    if (row.dataset.id !== a.id) {
      row.dataset.id = a.id;
      row.href = `#/inspector/${encodeURIComponent(a.id)}`;
      c[0].textContent = a.id;
      c[0].title = a.id;
      c[1].textContent = a.kind;
    }
    if (c[2].textContent !== a.state) c[2].textContent = a.state;
    if (c[3].textContent !== a.status) {
      c[3].textContent = a.status;
      c[3].className = a.status === 'running' ? '' : 'warn';
    }
    const r = String(a.restarts);
    if (c[4].textContent !== r) c[4].textContent = r;
    const ag = age(a.updatedAt);
    if (c[5].textContent !== ag) c[5].textContent = ag;
  };
  const newRow = () => {
    const row = document.createElement('a');
    row.className = 'insp-row';
    Object.assign(row.style, { position: 'absolute', left: '0', right: '0', top: '0' });
    row.innerHTML = '<span class="id"></span><span></span><span class="st"></span><span></span><span class="num"></span><span class="num dim"></span>';
    return row;
  };

  /** Draws the rows in view (re-using elements); cheap enough to run on every scroll. */
  const draw = () => {
    const top = scroller.scrollTop;
    const start = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const end = Math.min(filtered.length, Math.ceil((top + scroller.clientHeight) / ROW_H) + OVERSCAN);
    const want = new Set();
    for (let i = start; i < end; i++) want.add(filtered[i].id);
    for (const [id, row] of shown) {
      if (!want.has(id)) {
        shown.delete(id);
        if (spare.length < 100) {
          row.hidden = true;
          spare.push(row);
        } else row.remove();
      }
    }
    for (let i = start; i < end; i++) {
      const a = filtered[i];
      let row = shown.get(a.id);
      if (!row) {
        row = spare.pop() ?? spacer.appendChild(newRow());
        row.hidden = false;
        shown.set(a.id, row);
      }
      fill(row, a);
      row.style.transform = `translateY(${i * ROW_H}px)`;
    }
  };

  const refreshOptions = () => {
    const kinds = [...new Set([...actors.values()].map((a) => a.kind))].sort((a, b) => kindRank(a) - kindRank(b) || a.localeCompare(b));
    const key = kinds.join('|');
    if (key !== kindsKey) {
      kindsKey = key;
      kindSel.replaceChildren(new Option('all', ''), ...kinds.map((k) => new Option(k, k)));
      kindSel.value = filter.kind;
    }
    const states = [...new Set([...actors.values()].filter((a) => !filter.kind || a.kind === filter.kind).map((a) => a.state))].sort();
    const sk = states.join('|');
    if (sk !== statesKey) {
      statesKey = sk;
      const keep = filter.state;
      stateSel.replaceChildren(new Option('all', ''), ...states.map((s) => new Option(s, s)));
      if (keep && !states.includes(keep)) stateSel.appendChild(new Option(keep, keep));
      stateSel.value = keep;
    }
  };

  const refilter = () => {
    filtered = [...actors.values()].filter(passes);
    filtered.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    spacer.style.height = `${filtered.length * ROW_H}px`;
    count.textContent = `${filtered.length} of ${actors.size} actors`;
    refreshOptions();
    draw();
  };
  const schedule = () => {
    dirty = true;
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!dirty) return;
      dirty = false;
      perf.time('refilter', refilter);
    });
  };

  const onActor = ({ actor: m }) => {
    if (!m?.id) return;
    perf.time('update', () => {
      if (m.status === 'retired') {
        if (actors.delete(m.id)) schedule();
        return;
      }
      const a = actors.get(m.id);
      if (!a) {
        actors.set(m.id, { id: m.id, kind: m.kind ?? kindOf(m.id), state: m.state, status: m.status ?? 'running', restarts: m.restarts ?? 0, updatedAt: m.updatedAt ?? Date.now() });
        schedule();
        return;
      }
      const stateChanged = a.state !== m.state;
      a.state = m.state;
      if (m.status) a.status = m.status;
      if (m.restarts !== undefined) a.restarts = m.restarts;
      a.updatedAt = m.updatedAt ?? Date.now();
      if (stateChanged && (filter.state || !statesKey.split('|').includes(m.state))) schedule();
      const row = shown.get(a.id);
      if (row) fill(row, a);
    });
  };

  const load = async () => {
    const list = await get('/api/actors');
    const seen = new Set();
    for (const x of list) {
      seen.add(x.id);
      const a = actors.get(x.id);
      if (a) Object.assign(a, { kind: x.kind, status: x.status ?? a.status, restarts: x.restarts, state: x.state, updatedAt: x.updatedAt });
      else actors.set(x.id, { id: x.id, kind: x.kind ?? kindOf(x.id), state: x.state, status: x.status ?? 'running', restarts: x.restarts ?? 0, updatedAt: x.updatedAt });
    }
    // Retired actors (terminal orders) leave the runtime without a stream message.
    for (const id of actors.keys()) if (!seen.has(id)) actors.delete(id);
    perf.time('refilter', refilter);
  };

  const onFilter = () => {
    filter.kind = kindSel.value;
    filter.state = stateSel.value;
    filter.id = idInput.value.trim().toLowerCase();
    scroller.scrollTop = 0;
    perf.time('refilter', refilter);
  };
  kindSel.addEventListener('change', () => {
    stateSel.value = '';
    onFilter();
  });
  stateSel.addEventListener('change', onFilter);
  idInput.addEventListener('input', onFilter);
  scroller.addEventListener('scroll', () => perf.time('scroll', draw), { passive: true });

  const offActor = stream.on('actor', onActor);
  // After a reconnect, actors may have come and gone: reload (the replayed current status is skipped).
  let live = false;
  const offStatus = stream.on('status', ({ state }) => live && state === 'open' && load().catch(() => undefined));
  live = true;
  load().catch((e) => {
    count.textContent = `could not load actors: ${e.message}`;
  });
  const ticker = setInterval(() => {
    for (const [id, row] of shown) {
      const a = actors.get(id);
      if (a) fill(row, a);
    }
  }, 1000);
  const reloader = setInterval(() => load().catch(() => undefined), 15_000);

  return () => {
    offActor();
    offStatus();
    clearInterval(ticker);
    clearInterval(reloader);
    if (frame) cancelAnimationFrame(frame);
  };
}
