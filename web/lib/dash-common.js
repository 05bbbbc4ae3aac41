// Shared by the dashboard and the symbol detail: the stylesheet, the header banner (degraded,
// risk_off, killed, paused, with the portfolio's reason), the LIVE header, and one /api/health poll.
import { get, stream } from './api.js';

/** Adds the views' stylesheet to the page once. */
export function ensureCss() {
  if (document.querySelector('link[data-dash-css]')) return;
  const l = document.createElement('link');
  l.rel = 'stylesheet';
  l.href = '/assets/dashboard.css';
  l.dataset.dashCss = '';
  document.head.append(l);
}

/** Returns the banner text for a summary and a health answer, or '' when all is well. */
export function bannerText(summary, health) {
  const p = summary?.portfolio;
  const parts = [];
  if (p && p.state !== 'normal') parts.push(`portfolio ${p.state}${p.reason ? `: ${p.reason}` : ''}`);
  if (health && health.status !== 'ok') {
    const bad = (health.connectors ?? []).filter((c) => c.state !== 'live').map((c) => `${c.venue} ${c.state}`);
    parts.push(`${health.status}${bad.length ? ` (${bad.join(', ')})` : ''}`);
  }
  return parts.join(' · ');
}

let health = null;
let summary = null;
const healthListeners = new Set();
let users = 0;
let timer = null;
let unsub = null;

function paint() {
  const b = document.getElementById('banner');
  const text = bannerText(summary, health);
  if (b) {
    b.hidden = text === '';
    if (b.textContent !== text) b.textContent = text;
    b.className = summary?.portfolio?.state && summary.portfolio.state !== 'normal' ? `dash-banner-${summary.portfolio.state}` : '';
  }
  const mode = summary?.mode ?? health?.mode;
  document.body.classList.toggle('live', mode === 'live');
}

async function pollHealth() {
  try {
    health = await get('/api/health');
  } catch (e) {
    health = { status: 'down', connectors: [], error: String(e.message ?? e) };
  }
  if (users === 0) return;
  paint();
  for (const fn of healthListeners) fn(health);
}

/**
 * Keeps the banner and the LIVE header up to date while a view is mounted (health polled every
 * 2 s, the summary from the stream); `onHealth` gets each health answer. Returns the stop function.
 */
export function watchStatus(onHealth) {
  if (onHealth) healthListeners.add(onHealth);
  if (users++ === 0) {
    unsub = stream.on('summary', (m) => {
      summary = m.summary;
      paint();
    });
    pollHealth();
    timer = setInterval(pollHealth, 2000);
  } else if (onHealth && health) onHealth(health);
  return () => {
    if (onHealth) healthListeners.delete(onHealth);
    if (--users === 0) {
      clearInterval(timer);
      unsub?.();
      // Nobody keeps the banner fresh any more: hide it rather than show a stale one.
      const b = document.getElementById('banner');
      if (b) b.hidden = true;
    }
  };
}

/** Sets innerHTML only when it changed (no flicker, no lost selection). */
export function setHtml(el, html) {
  if (el.__html !== html) {
    el.innerHTML = html;
    el.__html = html;
  }
}

/** Formats an epoch-ms time as HH:MM:SS.mmm (local). */
export function clock(ts) {
  const d = new Date(ts);
  return `${d.toLocaleTimeString('en-GB', { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Returns 'pos' / 'neg' / '' for a signed number (or decimal string). */
export function sign(v) {
  const n = Number(v);
  return n > 0 ? 'pos' : n < 0 ? 'neg' : '';
}
