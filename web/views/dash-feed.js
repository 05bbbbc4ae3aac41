// The event feed: the stream's committed records, newest first, at most 500 kept, filterable by
// type and actor (substring; `prefix*` works as a prefix). Seeded from /api/events/recent so a view
// opened after the stream connected is not empty; painted at most once per frame.
import { esc, get, stream } from '../lib/api.js';
import { clock } from '../lib/dash-common.js';

const KEEP = 500;
const SHOW = 200;

function detail(r) {
  if (r.type === 'transition') return `${esc(r.from ?? '')} → <b>${esc(r.to ?? '')}</b> <span class="dash-note">${esc(r.event ?? '')}</span>`;
  if (r.data === undefined) return '';
  const t = JSON.stringify(r.data);
  return esc(t.length > 160 ? `${t.slice(0, 160)}…` : t);
}

const match = (v, q) => !q || (q.endsWith('*') ? String(v ?? '').startsWith(q.slice(0, -1)) : String(v ?? '').toLowerCase().includes(q.toLowerCase()));

/** Builds the feed in `el`; returns the unmount function. */
export function eventFeed(el) {
  el.innerHTML = `<h2>Events</h2>
    <div class="dash-filters"><input data-f="type" placeholder="type" size="14"><input data-f="actor" placeholder="actor" size="22"><span class="dash-count"></span></div>
    <div class="dash-feed"><table><tbody data-rows></tbody></table></div>`;
  const typeIn = el.querySelector('[data-f=type]');
  const actorIn = el.querySelector('[data-f=actor]');
  const body = el.querySelector('[data-rows]');
  const count = el.querySelector('.dash-count');
  const records = []; // newest first
  const seen = new Set();
  let queued = false;

  const paint = () => {
    queued = false;
    const t = typeIn.value.trim();
    const a = actorIn.value.trim();
    const out = [];
    for (const r of records) {
      if (!match(r.type, t) || !match(r.actor, a)) continue;
      out.push(
        `<tr><td class="dash-note">${clock(r.ts)}</td><td class="dash-note">${r.seq}</td><td>${esc(r.type)}</td><td>${r.actor ? `<a href="#/inspector/${encodeURIComponent(r.actor)}">${esc(r.actor)}</a>` : ''}</td><td class="data">${detail(r)}</td></tr>`,
      );
      if (out.length >= SHOW) break;
    }
    body.innerHTML = out.join('');
    count.textContent = `${records.length} kept`;
  };
  const schedule = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(paint);
    }
  };
  const add = (r) => {
    if (!r || seen.has(r.seq)) return;
    seen.add(r.seq);
    // Usually newest; an older one (the seed arriving late) is put in its place.
    let i = 0;
    while (i < records.length && records[i].seq > r.seq) i++;
    records.splice(i, 0, r);
    if (records.length > KEEP) for (const old of records.splice(KEEP)) seen.delete(old.seq);
    schedule();
  };

  const off = stream.on('event', (m) => add(m.record));
  get('/api/events/recent?limit=200')
    .then((list) => list.forEach(add))
    .catch((e) => (count.textContent = `events: ${e.message ?? e}`));
  typeIn.addEventListener('input', schedule);
  actorIn.addEventListener('input', schedule);
  return off;
}
