/**
 * The scalper's universe in a running daemon (SIM, Bybit linear's whole universe, short universe
 * timers): the hot list carries each symbol's category once the warmup scan ran; a symbol listed
 * in the simulator while running is subscribed at the next quick check and joins as wild and a
 * new listing; a delisted one leaves the universe as delisted; a restart restores the membership.
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { eventually, logRecords } from './daemon.process.ts';

const tmp = tempDir('fleet-universe-');
const open: Daemon[] = [];
afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  tmp.cleanup();
});

interface Row { instrument: string; category: string | null; state: string | null }

async function boot(dir: string) {
  const base = defaultConfig();
  const d = await startDaemon({
    config: {
      ...base,
      venues: { 'bybit-linear': { enabled: true, symbols: [] } },
      arbitrage: { ...base.arbitrage, enabled: false },
      scalper: { ...base.scalper, universe: { ...base.scalper.universe, warmupMs: 3000, quickCheckMs: 1000, rescanMs: 60_000, inactiveMs: 60_000 } },
    },
    overrides: { port: 0 },
    dataDir: dir,
    logger: silentLogger(),
    env: {},
    sim: { seed: 3, scenario: 'calm' },
  });
  open.push(d);
  const hotlist = async () => (await (await fetch(d.url + '/api/hotlist')).json()) as Row[];
  return { d, hotlist };
}

describe('the universe in the daemon', () => {
  it('categorizes the hot list, admits a listing as wild, drops a delisting, and restores across a restart', async () => {
    const dir = resolve(tmp.dir, 'd');
    const { d, hotlist } = await boot(dir);
    const btc = await eventually(async () => (await hotlist()).find((r) => r.instrument === 'bybit-linear:BTCUSDT' && r.category !== null), 'BTCUSDT categorized', 20_000);
    expect(btc.category).toMatch(/^(prime|normal|wild)$/);
    const scans = await logRecords(d, { type: 'universe.scanned' });
    expect(scans[0]!.data).toMatchObject({ kind: 'full', counts: { prime: expect.any(Number), normal: expect.any(Number), wild: expect.any(Number) } });
    // The sim's majors clear the default volume and open-interest minimums.
    const members = (scans[0]!.data as { members: number }).members;
    expect(members).toBeGreaterThanOrEqual(2);

    expect(d.sim!.listAsset()).toBe(true);
    const nova = await eventually(async () => (await hotlist()).find((r) => r.instrument === 'bybit-linear:NOVAUSDT' && r.category === 'wild'), 'NOVAUSDT on the hot list as wild', 20_000);
    expect(nova.category).toBe('wild');
    const added = await eventually(async () => (await logRecords(d, { type: 'universe.added' })).find((r) => (r.data as { instrument?: string } | undefined)?.instrument === 'bybit-linear:NOVAUSDT'), 'NOVAUSDT added');
    expect(added.data).toMatchObject({ category: 'wild', newListing: true, reason: 'new listing' });
    expect((await logRecords(d, { type: 'connector.instruments' }))[0]!.data).toMatchObject({ added: ['bybit-linear:NOVAUSDT'] });

    const victim = (await hotlist()).find((r) => r.category !== null && r.instrument !== 'bybit-linear:NOVAUSDT' && r.instrument !== 'bybit-linear:BTCUSDT')!;
    expect(d.sim!.delist('bybit-linear', victim.instrument.split(':')[1]!)).toBe(true);
    const dropped = await eventually(async () => (await logRecords(d, { type: 'universe.dropped' })).find((r) => (r.data as { instrument?: string } | undefined)?.instrument === victim.instrument), `${victim.instrument} dropped`);
    expect(dropped.data).toMatchObject({ reason: 'delisted' });
    expect((await hotlist()).some((r) => r.instrument === victim.instrument)).toBe(false);

    const before = (await hotlist()).filter((r) => r.category !== null).map((r) => [r.instrument, r.category]);
    await d.close();
    open.splice(open.indexOf(d), 1);

    // Restored at start, before the warmup: the saved members are members again.
    const again = await boot(dir);
    const restored = await logRecords(again.d, { type: 'universe.restored' });
    expect(restored).toHaveLength(1);
    expect(restored[0]!.data).toMatchObject({ members: before.length });
  });
});
