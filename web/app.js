// The page: a hash router over the views. Each view module exports `mount(el, params)` returning an
// `unmount()`; views subscribe to the stream and the API themselves.
import { stream } from './lib/api.js';

const routes = [
  { re: /^#\/inspector(?:\/(.+))?$/, nav: 'inspector', load: () => import('./views/inspector.js'), params: (m) => ({ actor: m[1] ? decodeURIComponent(m[1]) : null }) },
  { re: /^#\/symbol\/(.+)$/, nav: 'dashboard', load: () => import('./views/symbol.js'), params: (m) => ({ instrument: decodeURIComponent(m[1]) }) },
  { re: /^(?:#\/?)?$/, nav: 'dashboard', load: () => import('./views/dashboard.js'), params: () => ({}) },
];

const view = document.getElementById('view');
let unmount = null;
let seq = 0;

async function route() {
  const hash = location.hash || '#/';
  const r = routes.find((x) => x.re.test(hash)) ?? routes.at(-1);
  const m = hash.match(r.re) ?? [];
  const mine = ++seq;
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === r.nav);
  const mod = await r.load();
  if (mine !== seq) return;
  unmount?.();
  view.replaceChildren();
  unmount = mod.mount(view, r.params(m)) ?? null;
}

stream.on('status', ({ state }) => {
  const c = document.getElementById('conn');
  c.textContent = state === 'open' ? 'live' : 'reconnecting…';
  c.classList.toggle('down', state !== 'open');
});

window.addEventListener('hashchange', route);
stream.connect();
route();
