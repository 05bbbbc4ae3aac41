/**
 * The dashboard and the symbol detail in headless Chromium, against an in-process daemon in SIM
 * (bybit-linear, four symbols, the scalper's universe warmed up in a second so charts exist):
 *  - the global panel shows SIM and an equity, the hot list fills with the followed symbols and
 *    their chart states, the performance panel reads the trade audit, a row's link opens the
 *    symbol detail with a book and drawn charts, and the kill switch (token + confirmation) turns
 *    the portfolio to killed, which the page shows;
 *  - speed: 500 synthetic rows fed 50 times through the view's test hook, the time per update read
 *    from window.__fleetPerf.hotlist (median and max printed; the median must stay under 100 ms).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { TRADE_AUDIT_HEADER } from '../../src/execution/tradeAudit.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { HAVE_BROWSER, launch, pageErrors, screenshot } from './browser.ts';

const TOKEN = 'e2e-dashboard-token';
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT'];
const tmp = tempDir('fleet-e2e-dash-');
let daemon: Daemon | undefined;

/** Three closed trades already in the audit, so the performance panel has a curve to draw. */
function seedAudit(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  const t = Date.parse('2026-01-02T10:00:00.000Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows = [
    ['e2e-1', 'scalper', 'bybit-linear:BTCUSDT', iso(t), iso(t + 30_000), 'buy', '0.010', '97000', '97100', '0.50', '1.5', '40', '0.50', 'win'],
    ['e2e-2', 'arbitrage', 'binance-usdm:ETHUSDT|bybit-linear:ETHUSDT', iso(t + 60_000), iso(t + 90_000), 'buy', '0.1', '3000', '3001', '0.20', '2.5', '60', '-0.30', 'loss'],
    ['e2e-3', 'scalper', 'bybit-linear:SOLUSDT', iso(t + 120_000), iso(t + 150_000), 'sell', '1', '200', '199', '0.10', '0.5', '20', '0.90', 'win'],
  ];
  writeFileSync(join(dataDir, 'trade_audit.csv'), `${TRADE_AUDIT_HEADER}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
}

beforeAll(async () => {
  if (!HAVE_BROWSER) return;
  const base = defaultConfig();
  const dataDir = join(tmp.dir, 'd');
  seedAudit(dataDir);
  daemon = await startDaemon({
    config: {
      ...base,
      mode: 'sim',
      // binance-usdm too, so the default sim routes (BTC, ETH, SOL perps against bybit) have spreads to chart.
      venues: { 'bybit-linear': { enabled: true, symbols: SYMBOLS }, 'binance-usdm': { enabled: true, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] } },
      scalper: { ...base.scalper, universe: { ...base.scalper.universe, warmupMs: 1_000, minVolume24hQuote: 0, minOpenInterestQuote: 0, maxSpreadBps: 1_000 } },
    },
    overrides: { port: 0 },
    dataDir,
    logger: silentLogger(),
    env: { FLEET_API_TOKEN: TOKEN },
  });
}, 60_000);

afterAll(async () => {
  await daemon?.close();
  tmp.cleanup();
});

describe.runIf(HAVE_BROWSER)('the dashboard', () => {
  it('shows SIM and the equity, fills the hot list, opens a symbol with a book and charts, and pulls the kill switch', async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors = pageErrors(page);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(`${d.type()}: ${d.message()}`);
        void d.accept();
      });
      await page.goto(daemon!.url);
      // The token is kept in this browser, as after the first prompt.
      await page.evaluate((t) => localStorage.setItem('fleet.token', t), TOKEN);

      await page.waitForFunction(() => document.querySelector('[data-mode-badge]')?.textContent === 'SIM', null, { timeout: 20_000 });
      const equity = await page.textContent('[data-equity]');
      expect(Number(equity!.replace(/,/g, ''))).toBeGreaterThan(0);

      // Every followed symbol gets a row with its chart's state once the universe has warmed up.
      await page.waitForFunction(
        (n) => {
          const rows = [...document.querySelectorAll('[data-hot-scroller] tbody tr:not(.dash-spacer)')].filter((r) => r.firstElementChild?.textContent?.startsWith('bybit-linear:'));
          return rows.length >= n && rows.every((r) => /^[A-Z_]+$/.test(r.lastElementChild?.textContent ?? ''));
        },
        SYMBOLS.length,
        { timeout: 45_000 },
      );
      const instruments = await page.$$eval('[data-hot-scroller] tbody tr:not(.dash-spacer) td:first-child', (tds) => tds.map((t) => t.textContent));
      expect(instruments.filter((i) => i!.startsWith('bybit-linear:')).sort()).toEqual(SYMBOLS.map((s) => `bybit-linear:${s}`).sort());
      // Sorting by a header puts the rows in that column's order.
      await page.click('[data-hot-scroller] th[data-k=instrument]');
      const sorted = await page.$$eval('[data-hot-scroller] tbody tr:not(.dash-spacer) td:first-child', (tds) => tds.map((t) => t.textContent));
      expect(sorted).toEqual([...sorted].sort());
      // The select filters by chart state (every row shown has that state).
      const state = await page.$eval('[data-hot-scroller] tbody tr:not(.dash-spacer) td:last-child', (td) => td.textContent!);
      await page.selectOption('.dash-filters select[data-f=sel]', `state:${state}`);
      const states = await page.$$eval('[data-hot-scroller] tbody tr:not(.dash-spacer) td:last-child', (tds) => tds.map((t) => t.textContent));
      expect(states.length).toBeGreaterThan(0);
      expect(states.every((s) => s === state)).toBe(true);
      await page.selectOption('.dash-filters select[data-f=sel]', '');
      // The text filter keeps the matching rows only.
      await page.fill('.dash-filters input[data-f=text]', 'WIF');
      expect(await page.$$eval('[data-hot-scroller] tbody tr:not(.dash-spacer)', (rs) => rs.length)).toBe(1);
      await page.fill('.dash-filters input[data-f=text]', '');

      // The performance panel reads the audit: three trades, and a curve drawn.
      await page.waitForFunction(() => Number(document.querySelector('[data-perf-trades]')?.textContent) >= 3, null, { timeout: 15_000 });
      await page.waitForSelector('[data-perf] canvas');
      const perf = (await (await fetch(`${daemon!.url}/api/performance`)).json()) as { trades: number; wins: number; losses: number; avgLatencyMs: number; curve: { pnl: number }[] };
      expect(perf.trades).toBeGreaterThanOrEqual(3);
      expect(perf.curve.slice(0, 3).map((p) => Number(p.pnl.toFixed(6)))).toEqual([0.5, 0.2, 1.1]);
      // The arbitrage routes with their net edge, and their spreads drawn over time.
      await page.waitForFunction(() => document.querySelectorAll('[data-arb] [data-routes] tbody tr').length === 3, null, { timeout: 15_000 });
      await page.waitForSelector('[data-arb] [data-chart] canvas', { timeout: 15_000 });
      // The event feed fills from the stream and filters by type.
      await page.waitForFunction(() => document.querySelectorAll('.dash-feed tbody tr').length > 0, null, { timeout: 15_000 });
      await page.fill('[data-feed] input[data-f=type]', 'book.synced');
      await page.waitForFunction(() => {
        const types = [...document.querySelectorAll('.dash-feed tbody tr td:nth-child(3)')].map((t) => t.textContent);
        return types.length > 0 && types.every((t) => t === 'book.synced');
      });
      await page.fill('[data-feed] input[data-f=type]', '');
      await screenshot(page, 'dashboard');

      // A row's link opens the symbol detail: a book with both sides and drawn charts.
      const first = await page.$('[data-hot-scroller] tbody tr:not(.dash-spacer) a');
      const target = await first!.textContent();
      await first!.click();
      await page.waitForFunction((id) => location.hash === `#/symbol/${encodeURIComponent(id!)}`, target);
      await page.waitForSelector('.dash-ladder tr.bid', { timeout: 15_000 });
      expect(await page.$$eval('.dash-ladder tr.ask', (r) => r.length)).toBeGreaterThan(0);
      expect(await page.$$eval('.dash-ladder tr.bid', (r) => r.length)).toBeGreaterThan(0);
      await page.waitForFunction(() => {
        const c = document.querySelector('[data-candles] canvas') as HTMLCanvasElement | null;
        const d = document.querySelector('[data-delta] canvas') as HTMLCanvasElement | null;
        return !!c && c.width > 0 && c.height > 0 && !!d && d.width > 0 && d.height > 0;
      }, null, { timeout: 15_000 });
      await page.waitForFunction(() => /^[A-Z_]+$/.test(document.querySelector('[data-machine-state]')?.textContent ?? ''), null, { timeout: 15_000 });
      expect(await page.$eval('[data-machine] a', (a) => a.getAttribute('href'))).toBe(`#/inspector/${encodeURIComponent(`symbol:${target}`)}`);
      expect(await page.$$eval('[data-features] dl', (d) => d.length)).toBeGreaterThan(3);
      await page.waitForTimeout(1200); // one more refresh: the chart is patched, not rebuilt, without errors
      await screenshot(page, 'symbol');

      // The kill switch: confirmation, the token, then the portfolio is killed and the page says so.
      await page.click('a[data-nav=dashboard]');
      await page.waitForSelector('[data-act=kill]');
      await page.click('[data-act=kill]');
      await page.waitForFunction(() => document.querySelector('[data-portfolio-state]')?.textContent === 'killed', null, { timeout: 15_000 });
      await page.waitForFunction(() => {
        const b = document.getElementById('banner');
        return !!b && !b.hidden && b.textContent!.includes('killed');
      }, null, { timeout: 10_000 });
      expect(dialogs.some((d) => d.startsWith('confirm') && /KILL SWITCH/.test(d))).toBe(true);
      expect(await page.textContent('[data-msg]')).toContain('killed');
      const summary = (await (await fetch(`${daemon!.url}/api/summary`)).json()) as { portfolio: { state: string } };
      expect(summary.portfolio.state).toBe('killed');
      await screenshot(page, 'dashboard-killed');

      expect(errors).toEqual([]);

      // An API refusal is shown, not swallowed: pause is refused while killed (the browser logs the
      // 409 response itself; nothing else may be logged).
      await page.click('[data-act=pause]');
      await page.waitForFunction(() => document.querySelector('[data-msg]')?.classList.contains('error'), null, { timeout: 10_000 });
      expect(await page.textContent('[data-msg]')).toMatch(/pause failed: .*killed/);
      expect(errors.filter((e) => !/status of 409 \(Conflict\)/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 150_000);

  it('stays under 100 ms per update with a 500-row hot list (median of 50 updates)', async () => {
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors = pageErrors(page);
      await page.goto(daemon!.url);
      await page.waitForFunction(() => typeof (window as unknown as { __fleetTest?: { hotlist?: unknown } }).__fleetTest?.hotlist === 'function');
      const result = await page.evaluate(async () => {
        const w = window as unknown as { __fleetTest: { hotlist(rows: unknown[]): void }; __fleetPerf: { hotlist: number[] } };
        const states = ['FLAT', 'WATCHING_LONG', 'WATCHING_SHORT', 'ARMED_LONG', 'BLOCKED_REGIME', 'IN_POSITION'];
        const regimes = ['NORMAL', 'TRENDING', 'MANIPULATED', 'PUMP', 'VOLATILE'];
        const phases = ['NONE', 'NONE', 'NONE', 'PREPUMP', 'PUMPING', 'DUMP'];
        let seed = 7;
        const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
        const rows = (k: number) =>
          Array.from({ length: 500 }, (_, i) => ({
            instrument: `bybit-linear:S${String(i).padStart(3, '0')}USDT`,
            category: ['prime', 'normal', 'wild'][i % 3],
            regime: regimes[(i + k) % regimes.length],
            pumpState: phases[Math.floor(rnd() * phases.length)],
            spoofingScore: rnd(),
            newsFlag: rnd() < 0.02 ? { impact: 'high', type: 'listing' } : null,
            scoreLong: rnd(),
            scoreShort: rnd(),
            state: states[Math.floor(rnd() * states.length)],
          })).sort((a, b) => Math.max(b.scoreLong, b.scoreShort) - Math.max(a.scoreLong, a.scoreShort));
        const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
        w.__fleetPerf.hotlist = [];
        for (let k = 0; k < 50; k++) {
          w.__fleetTest.hotlist(rows(k));
          // Halfway, sort by a column as an operator would: the next updates keep that order.
          if (k === 25) (document.querySelector('[data-hot-scroller] th[data-k=scoreLong]') as HTMLElement).click();
          await frame();
        }
        const ms = w.__fleetPerf.hotlist.slice(-51);
        const domRows = document.querySelectorAll('[data-hot-scroller] tbody tr:not(.dash-spacer)').length;
        const scroller = document.querySelector('[data-hot-scroller]') as HTMLElement;
        scroller.scrollTop = scroller.scrollHeight;
        await frame();
        await frame();
        const lastVisible = [...document.querySelectorAll('[data-hot-scroller] tbody tr:not(.dash-spacer) td:first-child')].map((t) => t.textContent);
        const count = document.querySelector('.dash-count')?.textContent;
        return { ms, domRows, lastVisible, count };
      });
      const sorted = [...result.ms].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      const max = sorted.at(-1)!;
      console.log(`hot list, 500 rows: ${result.ms.length} updates, median ${median.toFixed(2)} ms, max ${max.toFixed(2)} ms per update; ${result.domRows} rows in the DOM`);
      await screenshot(page, 'dashboard-500');
      expect(result.ms.length).toBeGreaterThanOrEqual(50);
      expect(result.count).toBe('500 symbols');
      // Only the rows in view (plus a little overscan) are in the DOM.
      expect(result.domRows).toBeLessThan(60);
      // Scrolled to the end, the last rows are drawn.
      expect(result.lastVisible.length).toBeGreaterThan(5);
      expect(median).toBeLessThan(100);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
