/**
 * kill -9 while a saga is orphaned: the recovery still finishes. The simulated venues run in this
 * test process (so they, and the leg that filled there, outlive the daemon); the daemon is the
 * real CLI in LIVE mode, armed with the PIN. Bybit rejects the first leg sent to it, the Binance
 * leg fills, and the saga waits in `orphaned` (a long grace for late fills) when the daemon is
 * killed with SIGKILL. Restarted on the same data dir, and NOT armed again, it restores the saga,
 * re-tries the missing leg (recovery reduces risk, which needs no arming), hedges, closes the
 * perp–perp trade, and ends flat at both venues.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.ts';
import { SimCluster } from '../../src/sim/cluster.ts';
import type { VenueId } from '../../src/config/schema.ts';
import { eventually, processScope, simVenueConfig } from './daemon.process.ts';

const scope = processScope('fleet-kill9-saga-');
const { tmp } = scope;

interface SagaJson {
  id: string;
  route: string;
  state: string;
  legs: { instrument: string; side: string; qty: string; filled: string; state: string; purpose: string }[];
}

describe('kill -9 with an orphaned leg', () => {
  it('restores the saga in orphaned and finishes the recovery after the restart', async () => {
    const venues: VenueId[] = ['binance-usdm', 'bybit-linear'];
    const cluster = scope.track(new SimCluster({ seed: 5, scenario: 'calm', clock: new SystemClock(), venues, stepMs: 100 }));
    await cluster.listen();
    cluster.run();
    const ep = Object.fromEntries(cluster.endpoints().map((e) => [e.venue, e]));
    const venue = (v: VenueId) => simVenueConfig(ep[v]!, ['BTCUSDT']);
    const config = join(tmp.dir, 'fleet.json');
    writeFileSync(config, JSON.stringify({
      mode: 'live',
      venues: { 'binance-usdm': venue('binance-usdm'), 'bybit-linear': venue('bybit-linear') },
      execution: { reconcileIntervalMs: 500, reconcileGraceMs: 3000 },
      arbitrage: {
        routes: [{ asset: 'BTC', venueA: 'binance-usdm', venueB: 'bybit-linear' }],
        minNetEdgeBps: -20000, exitEdgeBps: 5000, cooldownMs: 600000, maxTradeUsd: 500,
        // Long enough to kill the daemon while the saga waits here.
        orphanGraceMs: 6000,
        exposureGraceMs: 60000,
      },
    }));
    const env = { FLEET_LIVE_PIN: '1357' };
    const dataDir = join(tmp.dir, 'data');
    const start = async () => {
      const d = await scope.start(dataDir, ['--config', config], env);
      return { d, post: d.post, get: d.get };
    };

    const first = await start();
    await eventually(async () => ((await first.get('/api/integrity')) as { state: string }[]).every((i) => i.state === 'ok') || undefined, 'both venues reconciled', 20_000);
    // The next order Bybit receives is rejected: whichever leg goes there.
    cluster.inject('bybit-linear', 'reject-next-order', 1);
    const armed = (await (await first.post('/api/mode', { mode: 'live', pin: '1357' })).json()) as { confirm: string };
    expect((await first.post('/api/mode', { mode: 'live', pin: '1357', confirm: armed.confirm })).status).toBe(200);

    const orphan = await eventually(async () => {
      const { sagas } = (await first.get('/api/trades/active')) as { sagas: SagaJson[] };
      return sagas.find((s) => s.state === 'orphaned');
    }, 'the saga orphaned', 20_000);
    const binanceLeg = orphan.legs.find((l) => l.instrument.startsWith('binance-usdm:'))!;
    expect(binanceLeg.state).toBe('FILLED');
    expect(orphan.legs.find((l) => l.instrument.startsWith('bybit-linear:'))!.state).toBe('REJECTED');
    first.d.proc.kill('SIGKILL');
    expect((await first.d.exited).signal).toBe('SIGKILL');
    // The filled leg is a real position at Binance while no daemon runs.
    const account = (v: VenueId) => cluster!.credentials.get(v)!.account;
    const held = (v: VenueId) => cluster!.exchange(v)!.positions(account(v)).filter((p) => !/^-?0(\.0*)?$/.test(p.qty));
    expect(held('binance-usdm')).toHaveLength(1);

    const second = await start();
    let last: unknown;
    const done = await eventually(async () => {
      const s = (await second.get(`/api/actors/${encodeURIComponent(`twoleg:${orphan.id}`)}`)) as { state: string; context: { outcome: string; orders: { key: string; purpose: string; status: string }[] } };
      last = s;
      return s.state === 'done' ? s : undefined;
    }, 'the restored saga finished', 60_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; the saga: ${JSON.stringify(last)}; daemon output:\n${second.d.output().slice(-4000)}`);
    });
    expect(done.context.outcome).toBe('closed');
    expect(done.context.orders.some((o) => o.purpose === 'retry' && o.status === 'FILLED')).toBe(true);
    // Never armed again, yet nothing is left open anywhere.
    expect(((await second.get('/api/summary')) as { armed: boolean }).armed).toBe(false);
    await eventually(async () => (held('binance-usdm').length === 0 && held('bybit-linear').length === 0 ? true : undefined), 'flat at both venues', 15_000);
    const transitions = ((await second.get(`/api/events/recent?actor=${encodeURIComponent(`twoleg:${orphan.id}`)}&type=transition&limit=50`)) as { to: string }[]).map((r) => r.to).reverse();
    expect(transitions).toEqual(expect.arrayContaining(['orphaned', 'recovering', 'hedged', 'exiting', 'done']));
    second.d.proc.kill('SIGTERM');
    await second.d.exited;
  }, 120_000);
});
