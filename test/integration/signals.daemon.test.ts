/**
 * SIGNAL mode end to end: the daemon reads simulated Bybit (a `calm` market, in this test
 * process) through the real adapters; each symbol's chart arms on its features and its entry
 * becomes a signal, logged with its levels and tracked virtually; no order is ever placed.
 * Every signal's TP1 clears the round trip's fees (fee-first), its stop is on the losing side,
 * and the chart that emitted it went FLAT → WATCHING → ARMED → ORDER_PLACED → IN_POSITION.
 * The thresholds are lowered so a calm market arms within seconds.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { SystemClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { SimCluster } from '../../src/sim/cluster.ts';
import { tempDir } from '../helpers.ts';
import { eventually, logRecords as records } from './daemon.process.ts';

const tmp = tempDir('fleet-signals-');
let cluster: SimCluster | undefined;
let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.close();
  await cluster?.close();
  tmp.cleanup();
});

describe('SIGNAL mode', () => {
  it('emits signals from armed charts, fee-first, tracked virtually, and places no order', async () => {
    cluster = new SimCluster({ seed: 9, scenario: 'calm', clock: new SystemClock(), venues: ['bybit-linear'], stepMs: 100 });
    await cluster.listen();
    cluster.run();
    const e = cluster.endpoints()[0]!;
    const base = defaultConfig();
    const d = (daemon = await startDaemon({
      config: {
        ...base,
        mode: 'signal',
        venues: { 'bybit-linear': { enabled: true, symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT'], wsUrl: e.wsUrl, restUrl: e.restUrl } },
        scalper: { ...base.scalper, watchThreshold: 0.25, armThreshold: 0.3, universe: { ...base.scalper.universe, warmupMs: 1_000, minVolume24hQuote: 0, minOpenInterestQuote: 0 } },
      },
      overrides: { port: 0 },
      dataDir: join(tmp.dir, 'd'),
      logger: silentLogger(),
      env: {},
    }));
    const emitted = await eventually(async () => {
      const list = await records(d, { type: 'signal.emitted' });
      return list.length >= 2 ? list : undefined;
    }, 'two signals', 60_000);
    for (const r of emitted) {
      const s = r.data as { instrument: string; side: 'long' | 'short'; entry: number; stop: number; tp1: number; tp2: number; feesBps: number; tier: string; conditions: string[]; riskReward: number };
      const dir = s.side === 'long' ? 1 : -1;
      const tp1Bps = (dir * (s.tp1 - s.entry) / s.entry) * 1e4;
      expect(tp1Bps).toBeGreaterThanOrEqual(s.feesBps - 1e-6);
      expect(dir * (s.entry - s.stop)).toBeGreaterThan(0);
      expect(dir * (s.tp2 - s.tp1)).toBeGreaterThan(0);
      expect(['HIGH', 'MEDIUM', 'LOW']).toContain(s.tier);
      expect(s.conditions.length).toBeGreaterThan(0);
      const path = (await records(d, { type: 'transition' })).filter((t) => t.actor === `symbol:${s.instrument}` && t.seq < r.seq + 50).map((t) => t.to);
      expect(path).toEqual(expect.arrayContaining(['WATCHING_' + s.side.toUpperCase(), 'ARMED_' + s.side.toUpperCase(), 'ORDER_PLACED', 'IN_POSITION']));
    }
    const api = (await (await fetch(`${d.url}/api/signals`)).json()) as { open: unknown[]; closed: unknown[] };
    expect(api.open.length + api.closed.length).toBeGreaterThanOrEqual(2);
    const hot = (await (await fetch(`${d.url}/api/hotlist`)).json()) as { instrument: string; state: string | null }[];
    expect(hot.every((h) => typeof h.state === 'string')).toBe(true);
    // Signals only: nothing reached an order actor.
    expect(d.runtime.list().filter((a) => a.id.startsWith('order:'))).toEqual([]);
  }, 90_000);
});
