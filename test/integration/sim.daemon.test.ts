/**
 * Sim mode end to end: `fleet start` (in-process here) starts the six simulated venues and points
 * the real adapters at them; with --debug-faults, POST /api/debug/fault injects a fault into a
 * running simulated venue; `fleet sim` prints one line per venue as CONTRACT.md says and a stock
 * client can talk to what it prints.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { eventually } from './daemon.process.ts';

const tmp = tempDir('fleet-sim-');
const daemons: Daemon[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.close()));
  tmp.cleanup();
});

describe('sim mode', () => {
  it('runs all six venues through the real adapters and injects faults on request', async () => {
    const d = await startDaemon({ config: defaultConfig(), overrides: { port: 0 }, dataDir: tmp.dir, logger: silentLogger(), env: {}, debugFaults: true, sim: { seed: 5, scenario: 'calm' } });
    daemons.push(d);
    const get = async (path: string) => (await fetch(d.url + path)).json() as Promise<any>;
    const health = await eventually(async () => {
      const h = await get('/api/health');
      const b = h.market?.books;
      return h.status === 'ok' && b.synced > 20 && b.resyncing === 0 && b.stale === 0 && b.none === 0 ? h : undefined;
    }, 'six venues live, every book synced', 15_000);
    expect(health.connectors).toHaveLength(6);
    const sym = await get(`/api/symbol/${encodeURIComponent('hyperliquid:xyz:NVDA')}`);
    expect(sym.book.status).toBe('synced');
    await eventually(async () => (await get(`/api/symbol/${encodeURIComponent('bybit-linear:BTCUSDT')}`)).trades.length > 0, 'trades');

    const token = (await import('node:fs')).readFileSync(resolve(tmp.dir, 'api-token'), 'utf8').trim();
    const fault = (body: unknown) =>
      fetch(d.url + '/api/debug/fault', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await fault({ venue: 'bybit-linear', kind: 'gap' })).status).toBe(202);
    await eventually(async () => ((await get('/api/events/recent?type=book.resyncing')) as unknown[]).length > 0, 'resync after the injected gap');
    await eventually(async () => (await get('/api/health')).market.books.resyncing === 0, 'resynced');
    expect((await fault({ venue: 'okx', kind: 'disconnect' })).status).toBe(202);
    await eventually(async () => ((await get('/api/events/recent?type=connector.disconnected')) as unknown[]).length > 0, 'disconnect seen');
    await eventually(async () => (await get('/api/health')).status === 'ok', 'okx live again', 15_000);
    expect((await fault({ venue: 'okx', kind: 'meteor' })).status).toBe(400);
    expect((await fault({ venue: 'nowhere', kind: 'gap' })).status).toBe(400);
    expect(((await get('/api/events/recent?type=sim.fault-injected')) as unknown[]).length).toBe(2);
  }, 60_000);

  it('injects the faults the config schedules, and refuses an unknown scenario', async () => {
    const base = defaultConfig();
    const d = await startDaemon({
      config: { ...base, venues: { 'bybit-linear': { enabled: true, symbols: [] } }, sim: { ...base.sim, faults: [{ venue: 'bybit-linear', kind: 'disconnect', count: 1, afterMs: 1500 }] } },
      overrides: { port: 0 },
      dataDir: resolve(tmp.dir, 'faults'),
      logger: silentLogger(),
      env: {},
    });
    daemons.push(d);
    const get = async (path: string) => (await fetch(d.url + path)).json() as Promise<any>;
    const health = await get('/api/health');
    expect(health.connectors.map((c: { venue: string }) => c.venue)).toEqual(['bybit-linear']);
    await eventually(async () => ((await get('/api/events/recent?type=connector.disconnected')) as unknown[]).length > 0, 'the scheduled disconnect', 15_000);
    await eventually(async () => (await get('/api/health')).status === 'ok', 'live again', 15_000);
    const { runCli } = await import('./daemon.process.ts');
    const bad = await runCli(['start', '--scenario', 'bogus', '--data-dir', resolve(tmp.dir, 'bogus')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--scenario must be one of calm, trending, pump-dump/);
  }, 60_000);

  it('fleet sim prints one line per venue that a stock client can use', async () => {
    const proc = spawn(process.execPath, [resolve(import.meta.dirname, '../../bin/fleet.js'), 'sim', '--port-base', '0', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    try {
      await eventually(async () => out.split('\n').filter(Boolean).length >= 6, 'six lines', 20_000);
      const lines = out.trim().split('\n');
      const re = /^(binance-usdm|binance-spot|bybit-linear|okx|bitget|hyperliquid) ws=(ws:\/\/127\.0\.0\.1:\d+) rest=(http:\/\/127\.0\.0\.1:\d+) key=(\S+) secret=(\S+)( passphrase=\S+)?$/;
      for (const l of lines) expect(l).toMatch(re);
      expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(['binance-spot', 'binance-usdm', 'bitget', 'bybit-linear', 'hyperliquid', 'okx']);
      expect(lines.find((l) => l.startsWith('okx'))).toMatch(/ passphrase=/);
      const bybit = re.exec(lines.find((l) => l.startsWith('bybit-linear'))!)!;
      const info = (await (await fetch(`${bybit[3]}/v5/market/instruments-info?category=linear`)).json()) as { result: { list: { symbol: string }[] } };
      expect(info.result.list.map((r) => r.symbol)).toContain('BTCUSDT');
      const ws = new WebSocket(`${bybit[2]}/v5/public/linear`);
      const frames: string[] = [];
      ws.on('message', (m) => frames.push(String(m)));
      await new Promise((r) => ws.once('open', r));
      ws.send('{"op":"subscribe","args":["orderbook.50.BTCUSDT"]}');
      await eventually(async () => frames.some((f) => f.includes('"type":"delta"')), 'deltas from fleet sim');
      ws.close();
    } finally {
      proc.kill('SIGINT');
    }
    const code = await new Promise((r) => proc.on('exit', r));
    expect(code).toBe(0);
  }, 40_000);
});
