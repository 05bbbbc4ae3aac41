/**
 * Features in a running daemon (SIM): every followed symbol gets a reading on its ticks (the
 * hot list, GET /api/symbol's features), the global regime reaches /api/summary, and news flags
 * set over the API (token, validation) mark the symbol and survive a restart.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { eventually } from './daemon.process.ts';

const tmp = tempDir('fleet-features-');
const open: Daemon[] = [];
afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  tmp.cleanup();
});

const IDS = ['bybit-linear:BTCUSDT', 'bybit-linear:ETHUSDT', 'bybit-linear:WIFUSDT'];

async function boot(dir: string) {
  const base = defaultConfig();
  const d = await startDaemon({
    config: { ...base, venues: { 'bybit-linear': { enabled: true, symbols: ['BTCUSDT', 'ETHUSDT', 'WIFUSDT'] } }, arbitrage: { ...base.arbitrage, enabled: false } },
    overrides: { port: 0 },
    dataDir: dir,
    logger: silentLogger(),
    env: {},
    sim: { seed: 3, scenario: 'calm' },
  });
  open.push(d);
  const token = readFileSync(resolve(dir, 'api-token'), 'utf8').trim();
  const get = async (p: string) => (await fetch(d.url + p)).json();
  const post = (p: string, body: unknown, auth = true) =>
    fetch(d.url + p, { method: 'POST', headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { d, get, post };
}

interface Row { instrument: string; regime: string; pumpState: string; spoofingScore: number; newsFlag: string | null; scoreLong: number; scoreShort: number; state: string | null }

describe('features in the daemon', () => {
  it('reads every followed symbol, serves the hot list and the symbol features, and keeps news flags across a restart', async () => {
    const dir = resolve(tmp.dir, 'd');
    const first = await boot(dir);
    const rows = await eventually(async () => {
      const list = (await first.get('/api/hotlist')) as Row[];
      return list.length === 3 ? list : undefined;
    }, 'three symbols on the hot list', 20_000);
    expect(rows.map((r) => r.instrument).sort()).toEqual(IDS);
    for (const r of rows) {
      expect(r.regime).toMatch(/^(NORMAL|PUMP|MANIPULATED|NEWS_DRIVEN|COOLDOWN)$/);
      expect(r.scoreLong).toBeGreaterThanOrEqual(0);
      expect(r.scoreShort).toBeLessThanOrEqual(1);
    }
    // Best first.
    const best = rows.map((r) => Math.max(r.scoreLong, r.scoreShort));
    expect([...best].sort((a, b) => b - a)).toEqual(best);

    const sym = (await first.get(`/api/symbol/${encodeURIComponent('bybit-linear:WIFUSDT')}`)) as { features: { mid: number; imbalance: { top: number }; fees: { minMoveBps: number }; regime: string } };
    expect(sym.features.mid).toBeGreaterThan(0);
    expect(Math.abs(sym.features.imbalance.top)).toBeLessThanOrEqual(1);
    // Bybit's taker both ways (5.5 + 5.5 bps) plus the 2 bps buffer.
    expect(sym.features.fees.minMoveBps).toBeCloseTo(13, 6);

    expect((await first.post('/api/news', { scope: 'WIF', impact: 'high', type: 'exploit' }, false)).status).toBe(401);
    const bad = await first.post('/api/news', { scope: 'WIF', impact: 'huge', type: 'exploit' });
    expect(bad.status).toBe(400);
    const backwards = await first.post('/api/news', { scope: 'WIF', impact: 'high', type: 'exploit', at: 2000, until: 1000 });
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { message: string }).message).toMatch(/until/);
    const set = await first.post('/api/news', { scope: 'WIF', impact: 'high', type: 'exploit', durationMs: 600_000 });
    expect(set.status).toBe(201);
    const flag = (await set.json()) as { id: string };
    const marked = await eventually(async () => ((await first.get('/api/hotlist')) as Row[]).find((r) => r.instrument === 'bybit-linear:WIFUSDT' && r.newsFlag === 'high:exploit'), 'WIF flagged on the hot list', 10_000);
    expect(marked.regime).toBe('NEWS_DRIVEN');
    expect(((await first.get('/api/hotlist')) as Row[]).find((r) => r.instrument === 'bybit-linear:BTCUSDT')!.newsFlag).toBeNull();
    expect(((await first.get('/api/summary')) as { globalRegime: string | null }).globalRegime).toMatch(/^GLOBAL_/);

    await first.d.close();
    const second = await boot(dir);
    expect(((await second.get('/api/news')) as { id: string; scope: string }[]).map((f) => [f.id, f.scope])).toEqual([[flag.id, 'WIF']]);
    expect((await second.post(`/api/news/${flag.id}/clear`, {})).status).toBe(200);
    expect((await second.post(`/api/news/${flag.id}/clear`, {})).status).toBe(404);
    expect(await second.get('/api/news')).toEqual([]);
  }, 60_000);
});
