// Active trades: open positions, open two-leg sagas with their legs, and the scalps with their
// stop and targets (exit.plan tp1/tp2, exit.stop, phase). Refreshed on the stream's summary tick.
import { esc, get, num } from '../lib/api.js';
import { setHtml, sign } from '../lib/dash-common.js';

const sym = (id) => `<a href="#/symbol/${encodeURIComponent(id)}">${esc(id)}</a>`;
const px = (v) => (v == null || v === '' ? '–' : esc(typeof v === 'number' ? String(Number(v.toPrecision(8))) : v));

/** Returns the HTML of the open sagas and their legs. */
export function sagasHtml(sagas) {
  if (!sagas.length) return '<p class="dash-note">no sagas</p>';
  const rows = sagas.map((s) => {
    const legs = (s.legs ?? [])
      .map((l) => `<tr class="dash-legs"><td></td><td>${sym(l.instrument)}</td><td>${esc(l.purpose ?? '')} ${esc(l.side)}</td><td class="num">${esc(l.filled)} / ${esc(l.qty)}</td><td>${esc(l.state)}</td></tr>`)
      .join('');
    return `<tr><td>${esc(s.id)}</td><td>${esc(s.route)}</td><td colspan="2"></td><td><b>${esc(s.state)}</b></td></tr>${legs}`;
  });
  return `<table><thead><tr><th>saga</th><th>route / leg</th><th>side</th><th class="num">filled / qty</th><th>state</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Builds the panel in `el`; returns `{ refresh(), destroy() }`. */
export function tradesPanel(el) {
  el.innerHTML = `<h2>Active trades</h2>
    <div data-pos></div>
    <h2 style="margin-top:10px">Two-leg sagas</h2><div data-sagas></div>
    <h2 style="margin-top:10px">Scalps</h2><div data-scalps></div>
    <div class="dash-msg error" data-err></div>`;
  const pos = el.querySelector('[data-pos]');
  const sagasEl = el.querySelector('[data-sagas]');
  const scalpsEl = el.querySelector('[data-scalps]');
  const err = el.querySelector('[data-err]');
  let busy = false;

  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const [active, scalper] = await Promise.all([get('/api/trades/active'), get('/api/scalper').catch(() => ({ active: [] }))]);
      err.textContent = '';
      const positions = active?.positions ?? [];
      setHtml(
        pos,
        positions.length
          ? `<table><thead><tr><th>instrument</th><th>side</th><th class="num">qty</th><th class="num">entry</th><th class="num">uPnL</th></tr></thead><tbody>${positions
              .map((p) => `<tr><td>${sym(p.instrument)}</td><td>${esc(p.side)}</td><td class="num">${esc(p.qty)}</td><td class="num">${px(p.entry)}</td><td class="num ${sign(p.unrealizedPnl)}">${num(p.unrealizedPnl)}</td></tr>`)
              .join('')}</tbody></table>`
          : '<p class="dash-note">no open positions</p>',
      );
      const open = (active?.sagas ?? []).filter((s) => s.state !== 'done' && s.state !== 'failed');
      setHtml(sagasEl, sagasHtml(open));
      const scalps = scalper?.active ?? [];
      setHtml(
        scalpsEl,
        scalps.length
          ? `<table><thead><tr><th>instrument</th><th>side</th><th>phase</th><th class="num">qty</th><th class="num">stop</th><th class="num">tp1</th><th class="num">tp2</th><th>notes</th></tr></thead><tbody>${scalps
              .map((t) => {
                const x = t.exit;
                const notes = x ? [x.stopKind, x.tp1Done ? 'tp1 done' : '', x.breakEven ? 'break-even' : ''].filter(Boolean).join(', ') : 'entering';
                return `<tr><td>${sym(t.instrument)}</td><td>${esc(t.side)}</td><td>${esc(t.phase)}</td><td class="num">${esc(t.qty)}</td><td class="num">${px(x?.stop)}</td><td class="num">${px(x?.plan?.tp1)}</td><td class="num">${px(x?.plan?.tp2)}</td><td class="dash-note">${esc(notes)}</td></tr>`;
              })
              .join('')}</tbody></table>`
          : '<p class="dash-note">no open scalps</p>',
      );
    } catch (e) {
      err.textContent = `trades: ${e.message ?? e}`;
    } finally {
      busy = false;
    }
  };
  refresh();
  return { refresh };
}
