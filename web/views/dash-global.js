// The dashboard's global panel: mode (LIVE unmistakable), armed, regime, portfolio numbers, daily
// PnL against its limit, heat against its limit, connectors, events/s; and the operator's buttons
// (kill switch with a confirmation, pause/resume, reset, mode with the PIN and the second call for
// LIVE). Every API error is shown next to the buttons.
import { esc, num, post } from '../lib/api.js';
import { setHtml, sign } from '../lib/dash-common.js';

const MODES = ['sim', 'dry', 'live', 'signal'];

/** Returns a bar's HTML: `used` of `limit` (0..1 filled), warn past 60 %, bad past 90 %. */
function bar(used, limit) {
  const f = limit > 0 ? Math.max(0, Math.min(1, used / limit)) : 0;
  const cls = f >= 0.9 ? 'bad' : f >= 0.6 ? 'warn' : '';
  return `<div class="dash-bar ${cls}" title="${num(f * 100, 0)} % of the limit"><i style="width:${(f * 100).toFixed(1)}%"></i></div>`;
}

function stat(k, v, extra = '') {
  return `<div class="dash-stat"><span class="k">${k}</span><span class="v">${v}</span>${extra}</div>`;
}

/** Builds the panel in `el`; returns `{ summary(s), health(h) }` to feed it. */
export function globalPanel(el) {
  el.innerHTML = `
    <h2>Fleet</h2>
    <div class="dash-global" data-stats><span class="dash-note">waiting for the first summary…</span></div>
    <div class="dash-global" style="margin-top:8px"><span class="k dash-note">connectors</span><div class="dash-conns" data-conns></div></div>
    <div class="dash-controls">
      <button class="danger" data-act="kill">Kill switch</button>
      <button data-act="pause">Pause</button>
      <button data-act="resume">Resume</button>
      <button data-act="reset" hidden>Reset</button>
      <label class="dash-note">mode <select data-mode>${MODES.map((m) => `<option value="${m}">${m.toUpperCase()}</option>`).join('')}</select></label>
      <button data-act="mode">Switch mode</button>
      <span class="dash-msg" data-msg role="status"></span>
    </div>`;
  const stats = el.querySelector('[data-stats]');
  const conns = el.querySelector('[data-conns]');
  const msg = el.querySelector('[data-msg]');
  const modeSel = el.querySelector('[data-mode]');
  const reset = el.querySelector('[data-act=reset]');
  let modeTouched = false;
  modeSel.addEventListener('change', () => (modeTouched = true));

  const say = (text, kind = '') => {
    msg.textContent = text;
    msg.className = `dash-msg ${kind}`;
  };

  /** Runs one operator action: shows what happened or the API's error. */
  const act = async (label, fn) => {
    say(`${label}…`);
    try {
      const out = await fn();
      if (out !== undefined) say(`${label}: ${out}`, 'ok');
    } catch (e) {
      say(`${label} failed: ${e.message ?? e}`, 'error');
    }
  };

  const actions = {
    kill: () =>
      act('kill switch', async () => {
        const ok = window.confirm(
          'Pull the KILL SWITCH?\n\nEvery open order is canceled, every position is flattened at market, and no new order is accepted. ' +
            'The portfolio goes to "killed" and stays there until an operator resets it.',
        );
        if (!ok) return 'not pulled';
        const r = await post('/api/kill-switch', { reason: 'kill switch (dashboard)' });
        return `portfolio ${r.portfolio}`;
      }),
    pause: () => act('pause', async () => `portfolio ${(await post('/api/pause')).portfolio}`),
    resume: () => act('resume', async () => `portfolio ${(await post('/api/resume')).portfolio}`),
    reset: () =>
      act('reset', async () => {
        if (!window.confirm('Reset the portfolio to normal? Trading may open new positions again.')) return 'not reset';
        return `portfolio ${(await post('/api/kill-switch/reset', { confirm: 'RESET' })).portfolio}`;
      }),
    mode: () =>
      act('mode', async () => {
        const mode = modeSel.value;
        if (mode !== 'live') {
          const r = await post('/api/mode', { mode });
          modeTouched = false;
          return `now ${String(r?.mode ?? mode).toUpperCase()}`;
        }
        const pin = window.prompt('LIVE trades real money. Enter the LIVE PIN:');
        if (!pin) return 'LIVE not armed (no PIN)';
        const first = await post('/api/mode', { mode: 'live', pin });
        if (!first?.confirm) throw new Error('the daemon did not answer a confirmation token');
        if (!window.confirm('Switch to LIVE now? Real orders will be sent to the venues.')) return 'LIVE not confirmed';
        const r = await post('/api/mode', { mode: 'live', pin, confirm: first.confirm });
        modeTouched = false;
        return `now ${String(r?.mode ?? 'live').toUpperCase()}`;
      }),
  };
  for (const b of el.querySelectorAll('[data-act]')) b.addEventListener('click', () => actions[b.dataset.act]());

  return {
    summary(s) {
      if (!s) return;
      const p = s.portfolio ?? {};
      const lim = s.limits ?? {};
      const daily = Number(p.dailyPnl);
      const mode = String(s.mode ?? '').toLowerCase();
      setHtml(
        stats,
        [
          `<span class="dash-mode ${esc(mode)}" data-mode-badge>${esc(mode.toUpperCase())}</span>`,
          stat('armed', s.armed ? 'yes' : 'no'),
          stat('portfolio', `<span class="dash-state-${esc(p.state)}" data-portfolio-state>${esc(p.state)}</span>`),
          stat('global regime', esc(s.globalRegime ?? '–')),
          stat('equity', `<span data-equity>${num(p.equity)}</span>`),
          stat('realized', `<span class="${sign(p.realizedPnl)}">${num(p.realizedPnl)}</span>`),
          stat('unrealized', `<span class="${sign(p.unrealizedPnl)}">${num(p.unrealizedPnl)}</span>`),
          stat('daily PnL', `<span class="${sign(daily)}">${num(daily)}</span> / −${num(lim.dailyLossLimit, 0)}`, bar(daily < 0 ? -daily : 0, lim.dailyLossLimit)),
          stat('heat', `${num((p.heat ?? 0) * 100, 1)} % / ${num((lim.maxPortfolioHeat ?? 0) * 100, 0)} %`, bar(p.heat ?? 0, lim.maxPortfolioHeat)),
          stat('positions', `${s.positions ?? 0} · ${s.openOrders ?? 0} orders`),
          stat('events/s', num(s.eventsPerSec, 1)),
        ].join(''),
      );
      reset.hidden = !(p.state === 'killed' || p.state === 'risk_off');
      if (!modeTouched && MODES.includes(mode) && modeSel.value !== mode) modeSel.value = mode;
    },
    health(h) {
      const list = h?.connectors ?? [];
      setHtml(
        conns,
        list.length
          ? list
              .map((c) => `<span class="dash-chip ${c.state === 'live' ? '' : 'bad'}" title="last message ${c.lastMessageAgeMs ?? '–'} ms ago">${esc(c.venue)} ${esc(c.state)}${c.lastMessageAgeMs != null ? ` · ${num(c.lastMessageAgeMs, 0)} ms` : ''}</span>`)
              .join('')
          : `<span class="dash-note">${esc(h?.error ?? 'no connectors')}</span>`,
      );
    },
  };
}
