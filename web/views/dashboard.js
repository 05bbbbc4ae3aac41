// The dashboard (#/): global panel, hot list, active trades, event feed, arbitrage, performance.
// Live parts follow the stream (summary and hot list once a second, events as committed); the
// connectors come from /api/health every 2 s; the rest is fetched on the summary tick.
import { get, stream } from '../lib/api.js';
import { ensureCss, watchStatus } from '../lib/dash-common.js';
import { hotList } from '../lib/dash-hotlist.js';
import { globalPanel } from './dash-global.js';
import { tradesPanel } from './dash-trades.js';
import { eventFeed } from './dash-feed.js';
import { arbitragePanel, performancePanel } from './dash-arb.js';

/** Mounts the dashboard in `el`; returns the unmount function. */
export function mount(el) {
  ensureCss();
  el.innerHTML = `
    <section class="panel" data-global></section>
    <div class="dash-grid">
      <div>
        <section class="panel"><h2>Hot list</h2><div data-hot></div></section>
        <section class="panel" data-arb></section>
        <section class="panel" data-perf></section>
      </div>
      <div>
        <section class="panel" data-trades></section>
        <section class="panel" data-feed></section>
      </div>
    </div>`;
  const global = globalPanel(el.querySelector('[data-global]'));
  const hot = hotList(el.querySelector('[data-hot]'));
  const trades = tradesPanel(el.querySelector('[data-trades]'));
  const arb = arbitragePanel(el.querySelector('[data-arb]'));
  const perf = performancePanel(el.querySelector('[data-perf]'));
  const offFeed = eventFeed(el.querySelector('[data-feed]'));

  // Rows injected through the test hook replace the stream's until the view is mounted again.
  let synthetic = false;
  let ticks = 0;
  const offs = [
    offFeed,
    watchStatus((h) => global.health(h)),
    stream.on('summary', (m) => {
      global.summary(m.summary);
      trades.refresh();
      if (ticks % 2 === 0) arb.refresh();
      if (ticks % 5 === 0) perf.refresh();
      ticks++;
    }),
    stream.on('hotlist', (m) => {
      if (!synthetic) hot.update(m.rows);
    }),
  ];
  // Before the first push (or without a stream) the list comes from the API.
  get('/api/hotlist').then((rows) => !synthetic && hot.update(rows)).catch(() => undefined);
  get('/api/summary').then((s) => global.summary(s)).catch(() => undefined);

  window.__fleetPerf ??= {};
  window.__fleetPerf.hotlist ??= [];
  window.__fleetTest = {
    ...(window.__fleetTest ?? {}),
    /** Feeds the hot list as the stream would (the browser test's 500-row load). */
    hotlist(rows) {
      synthetic = true;
      hot.update(rows);
    },
  };

  return () => {
    for (const off of offs) off();
    hot.destroy();
    arb.destroy();
    perf.destroy();
    if (window.__fleetTest) delete window.__fleetTest.hotlist;
  };
}
