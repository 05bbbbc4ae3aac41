/** The page is served by the daemon, loads offline (no request leaves 127.0.0.1) and its stream connects. */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { HAVE_BROWSER, launch, pageErrors, screenshot } from './browser.ts';

const tmp = tempDir('fleet-e2e-smoke-');
let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.close();
  tmp.cleanup();
});

describe.runIf(HAVE_BROWSER)('the web page', () => {
  it('is served by the daemon, loads only local assets, and its live stream connects', async () => {
    const base = defaultConfig();
    daemon = await startDaemon({ config: { ...base, mode: 'sim', venues: { 'bybit-linear': { enabled: true, symbols: ['BTCUSDT'] } } }, overrides: { port: 0 }, dataDir: join(tmp.dir, 'd'), logger: silentLogger(), env: {} });
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors = pageErrors(page);
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(daemon!.url) && !r.url().startsWith('data:')) foreign.push(r.url());
      });
      await page.goto(daemon.url);
      await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live');
      await screenshot(page, 'smoke');
      expect(foreign).toEqual([]);
      expect(errors).toEqual([]);
      const css = await page.evaluate(async () => (await fetch('/assets/vendor/uPlot.min.css')).status);
      expect(css).toBe(200);
      // Nothing outside web/ is served.
      expect(await page.evaluate(async () => (await fetch('/assets/../package.json')).status)).toBe(404);
      expect(await page.evaluate(async () => (await fetch('/assets/%2e%2e/package.json')).status)).toBe(404);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
