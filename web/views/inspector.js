// The state inspector: `#/inspector` lists every actor (web/lib/insp-list.js), `#/inspector/<id>`
// shows one actor's statechart, context and recent transitions (web/lib/insp-detail.js).
import { mountList } from '../lib/insp-list.js';
import { mountDetail } from '../lib/insp-detail.js';

function ensureCss() {
  if (document.getElementById('insp-css')) return;
  const link = document.createElement('link');
  link.id = 'insp-css';
  link.rel = 'stylesheet';
  link.href = '/assets/inspector.css';
  document.head.appendChild(link);
}

/** Mounts the inspector view; `params.actor` picks one actor. Returns the unmount function. */
export function mount(el, params = {}) {
  ensureCss();
  return params.actor ? mountDetail(el, params.actor) : mountList(el);
}
