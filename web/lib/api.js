// The daemon's HTTP API and live stream, for the views. Reads are open; POSTs carry the API token,
// asked once and kept in this browser (localStorage), asked again when the daemon says 401/403.

const TOKEN_KEY = 'fleet.token';

/** GETs a path and returns the parsed JSON (throws with the API's message on an error status). */
export async function get(path) {
  const res = await fetch(path);
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.message ?? `${res.status} ${res.statusText}`);
  return body;
}

/** Returns the token, asking for it when none is kept (null when the operator cancels). */
export function token(ask = window.prompt.bind(window)) {
  let t = localStorage.getItem(TOKEN_KEY);
  if (!t) {
    t = ask('API token (from the daemon\'s data dir: api-token)');
    if (t) localStorage.setItem(TOKEN_KEY, t.trim());
  }
  return t ? t.trim() : null;
}

/** POSTs JSON with the token; a 401/403 forgets the token so the next call asks again. */
export async function post(path, body = {}) {
  const t = token();
  if (!t) throw new Error('no API token given');
  const res = await fetch(path, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const out = await res.json().catch(() => null);
  if (res.status === 401 || res.status === 403) localStorage.removeItem(TOKEN_KEY);
  if (!res.ok) throw new Error(out?.message ?? `${res.status} ${res.statusText}`);
  return out;
}

/**
 * The live stream (/api/stream): `on(type, fn)` for `hello`, `event`, `actor`, `summary`, `hotlist`,
 * `dropped`, and `status` (`open` / `closed`). Reconnects with a growing delay.
 */
class Stream {
  constructor() {
    this.handlers = new Map();
    this.delay = 500;
    this.latest = new Map();
  }
  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    // A view opened later gets the latest state message at once.
    if (this.latest.has(type)) fn(this.latest.get(type));
    return () => this.handlers.get(type)?.delete(fn);
  }
  emit(type, msg) {
    if (type === 'summary' || type === 'hotlist' || type === 'hello' || type === 'status') this.latest.set(type, msg);
    for (const fn of this.handlers.get(type) ?? []) {
      try {
        fn(msg);
      } catch (e) {
        console.error(`stream ${type} handler failed`, e);
      }
    }
  }
  connect() {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/stream`);
    ws.onopen = () => {
      this.delay = 500;
      this.emit('status', { state: 'open' });
    };
    ws.onmessage = (m) => {
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      this.emit(msg.type, msg);
    };
    ws.onclose = () => {
      this.emit('status', { state: 'closed' });
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 10_000);
    };
  }
}

export const stream = new Stream();

/** Escapes text for HTML. */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** Formats a number with `d` decimals, or a dash. */
export function num(v, d = 2) {
  const n = typeof v === 'string' ? Number(v) : v;
  return Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–';
}
