/**
 * The state inspector in headless Chromium against a daemon in SIM: the actor list (and its
 * filters), a symbol actor's statechart with its current state lit and re-lit live when the machine
 * moves, the portfolio's chart, and the list's update cost at 500+ actors (printed, loosely bounded).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { chartOf } from '../../src/runtime/chart.ts';
import { symbolMachine } from '../../machines/symbol.machine.ts';
import { portfolioMachine } from '../../machines/portfolio.machine.ts';
import { tempDir } from '../helpers.ts';
import { HAVE_BROWSER, launch, pageErrors, screenshot } from './browser.ts';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT'];
const tmp = tempDir('fleet-e2e-inspector-');
let daemon: Daemon | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!HAVE_BROWSER) return;
  const base = defaultConfig();
  daemon = await startDaemon({
    config: {
      ...base,
      mode: 'sim',
      venues: { 'bybit-linear': { enabled: true, symbols: SYMBOLS } },
      scalper: {
        ...base.scalper,
        watchThreshold: 0.25,
        armThreshold: 0.3,
        universe: { ...base.scalper.universe, warmupMs: 1000, minVolume24hQuote: 0, minOpenInterestQuote: 0, maxSpreadBps: 1_000 },
      },
    },
    overrides: { port: 0 },
    dataDir: join(tmp.dir, 'd'),
    logger: silentLogger(),
    env: {},
  });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await daemon?.close();
  tmp.cleanup();
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${daemon!.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const actorState = async (id: string): Promise<string> => (await api<{ state: string }>(`/api/actors/${encodeURIComponent(id)}`)).state;
const statesOf = (page: Page) => page.$$eval('svg.insp-chart [data-state]', (gs) => gs.map((g) => g.getAttribute('data-state')!));
const litOf = (page: Page) => page.$$eval('svg.insp-chart [data-current="true"]', (gs) => gs.map((g) => g.getAttribute('data-state')!));
const visibleRows = (page: Page) =>
  page.$$eval('.insp-scroll .insp-row:not([hidden])', (rows) => rows.map((r) => ({ id: r.children[0]!.textContent!, kind: r.children[1]!.textContent!, state: r.children[2]!.textContent! })));

/** Waits until the page lights the state the API reports (the machine may move meanwhile: re-read both). */
async function litMatchesApi(page: Page, id: string, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const lit = await litOf(page);
    const state = await actorState(id);
    if (lit.length === 1 && lit[0] === state) return state;
    last = `lit=${JSON.stringify(lit)} api=${state}`;
    await page.waitForTimeout(100);
  }
  throw new Error(`the page never lit the API's state of ${id}: ${last}`);
}

describe.runIf(HAVE_BROWSER)('the state inspector', () => {
  it('lists every actor and filters them by kind, state and id', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${daemon!.url}/#/inspector`);
    await page.waitForFunction(() => document.querySelectorAll('.insp-scroll .insp-row:not([hidden])').length > 0);
    await expect.poll(async () => (await visibleRows(page)).map((r) => r.id), { timeout: 15_000 }).toEqual(expect.arrayContaining(['portfolio', ...SYMBOLS.map((s) => `symbol:bybit-linear:${s}`)]));
    const all = await api<{ id: string; kind: string }[]>('/api/actors');
    expect((await visibleRows(page)).length).toBe(all.length);
    await screenshot(page, 'inspector-list');

    await page.selectOption('[data-f=kind]', 'symbol');
    await expect.poll(async () => (await visibleRows(page)).map((r) => r.kind)).toEqual(SYMBOLS.map(() => 'symbol'));
    // Other actors (orders, a saga) may come and go meanwhile: the symbols are what the filter shows.
    expect(await page.textContent('.insp-count')).toMatch(new RegExp(`^${SYMBOLS.length} of \\d+ actors$`));

    await page.selectOption('[data-f=kind]', 'portfolio');
    const [portfolio] = await visibleRows(page);
    expect(portfolio).toMatchObject({ id: 'portfolio', kind: 'portfolio' });
    await page.selectOption('[data-f=state]', portfolio!.state);
    expect((await visibleRows(page)).map((r) => r.id)).toEqual(['portfolio']);

    await page.selectOption('[data-f=kind]', '');
    await page.fill('[data-f=id]', 'ethusdt');
    expect((await visibleRows(page)).map((r) => r.id)).toEqual(['symbol:bybit-linear:ETHUSDT']);

    await page.click('.insp-scroll .insp-row:not([hidden])');
    await page.waitForSelector('svg.insp-chart');
    expect(page.url()).toContain(`#/inspector/${encodeURIComponent('symbol:bybit-linear:ETHUSDT')}`);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("draws a symbol actor's statechart with its state lit, and re-lits it live when the machine moves", async () => {
    const id = `symbol:bybit-linear:${SYMBOLS[0]}`;
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = pageErrors(page);
    await page.goto(`${daemon!.url}/#/inspector/${encodeURIComponent(id)}`);
    await page.waitForSelector('svg.insp-chart [data-state]');
    const expected = Object.keys(chartOf(symbolMachine).states).sort();
    expect((await statesOf(page)).sort()).toEqual(expected);
    // Every transition between two states has an arrow with a label.
    expect(await page.locator('svg.insp-chart path.insp-edge').count()).toBeGreaterThan(expected.length);
    expect(await page.locator('svg.insp-chart .insp-label').count()).toBeGreaterThan(0);
    const first = await litMatchesApi(page, id);
    await screenshot(page, 'inspector-symbol');
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    // Wait for the machine to move (as the API says), then for the page to light the new state.
    await expect.poll(() => actorState(id), { timeout: 45_000, interval: 200 }).not.toBe(first);
    await expect.poll(async () => (await litOf(page))[0], { timeout: 15_000, interval: 100 }).not.toBe(first);
    const next = await litMatchesApi(page, id);
    expect(expected).toContain(next);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(await page.textContent('.insp-cur')).toBe((await litOf(page))[0]);
    // The transitions table shows the move (refreshed on the move or by the poll).
    await expect.poll(() => page.locator('.insp-trans tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.textContent('.insp-trans tbody')).toContain('→');
    await screenshot(page, 'inspector-symbol-moved');
    const perf = await page.evaluate(() => (window as unknown as { __fleetPerf: { inspector: Record<string, { count: number; maxMs: number }> } }).__fleetPerf.inspector);
    console.log(`inspector symbol chart: layout ${perf.layout?.maxMs.toFixed(1)} ms, draw ${perf.draw?.maxMs.toFixed(1)} ms, ${perf.move?.count ?? 0} live moves (max ${perf.move?.maxMs.toFixed(2)} ms)`);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("draws the portfolio's chart with its state lit, with context and restarts", async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${daemon!.url}/#/inspector/portfolio`);
    await page.waitForSelector('svg.insp-chart [data-state]');
    expect((await statesOf(page)).sort()).toEqual(Object.keys(chartOf(portfolioMachine).states).sort());
    expect(await litMatchesApi(page, 'portfolio')).toBe('normal');
    await page.waitForSelector('.insp-ctx details');
    expect(await page.textContent('.insp-restarts')).toBe('restarts: 0');
    await screenshot(page, 'inspector-portfolio');
    await page.click('.insp-back');
    await page.waitForSelector('.insp-scroll .insp-row:not([hidden])');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('keeps the list responsive at 500+ actors (per-update times measured in the page)', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${daemon!.url}/#/inspector`);
    await page.waitForFunction(() => document.querySelectorAll('.insp-scroll .insp-row:not([hidden])').length > 0);
    // 600 more actors and 6,000 moves through the page's own stream (the same module instance).
    const perf = await page.evaluate(async () => {
      // (through Function: vitest would rewrite a literal dynamic import in this callback)
      const load = new Function('u', 'return import(u)') as (u: string) => Promise<{ stream: { emit: (t: string, m: unknown) => void } }>;
      const { stream } = await load('/assets/lib/api.js');
      const states = ['FLAT', 'WATCHING_LONG', 'ARMED_LONG', 'COOLDOWN'];
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      for (let i = 0; i < 600; i++) stream.emit('actor', { type: 'actor', actor: { id: `symbol:sim:S${i}USDT`, state: 'FLAT', status: 'running', restarts: 0 } });
      await frame();
      const t0 = performance.now();
      for (let round = 0; round < 10; round++) {
        for (let i = 0; i < 600; i++) stream.emit('actor', { type: 'actor', actor: { id: `symbol:sim:S${i}USDT`, state: states[(i + round) % 4], status: 'running', restarts: 0 } });
        await frame();
      }
      const wall = performance.now() - t0;
      const scroller = document.querySelector('.insp-scroll')!;
      for (let k = 0; k < 20; k++) {
        scroller.scrollTop += 300;
        scroller.dispatchEvent(new Event('scroll'));
        await frame();
      }
      const rows = document.querySelectorAll('.insp-scroll .insp-row').length;
      const count = document.querySelector('.insp-count')!.textContent;
      return { ...(window as unknown as { __fleetPerf: { inspector: Record<string, unknown> } }).__fleetPerf.inspector, wall, rows, count } as Record<string, unknown>;
    });
    type S = { count: number; maxMs: number; meanMs: number };
    const update = perf.update as S;
    const refilter = perf.refilter as S;
    console.log(
      `inspector list at ${perf.count}: ${update.count} updates, mean ${update.meanMs.toFixed(3)} ms, max ${update.maxMs.toFixed(2)} ms; ` +
        `refilter ${refilter.count}× mean ${refilter.meanMs.toFixed(2)} ms, max ${refilter.maxMs.toFixed(2)} ms; ` +
        `scroll max ${(perf.scroll as S | undefined)?.maxMs.toFixed(2)} ms; 6,000 moves in ${(perf.wall as number).toFixed(0)} ms wall; ${perf.rows} row elements`,
    );
    expect(perf.count as string).toMatch(/^\d+ of \d+ actors$/);
    expect(Number((perf.count as string).split(' ')[0])).toBeGreaterThanOrEqual(600);
    // Virtualized: far fewer row elements than actors.
    expect(perf.rows as number).toBeLessThan(150);
    // Generous bounds (a loaded CI machine): no single update or list rebuild freezes the page.
    expect(update.maxMs).toBeLessThan(100);
    expect(refilter.maxMs).toBeLessThan(100);
    await page.fill('[data-f=id]', 's599u');
    await expect.poll(async () => (await visibleRows(page)).map((r) => r.id)).toEqual(['symbol:sim:S599USDT']);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
