/**
 * kill -9 with a scalp open: the position is still managed to its close. The simulated Bybit runs
 * in this test process (so it, and the position, outlive the daemon); the daemon is the real CLI
 * in LIVE mode, armed with the PIN, scalping on low thresholds. Once a scalp is open the daemon is
 * killed with SIGKILL. Restarted on the same data dir and NOT armed again (no new scalp may open),
 * it finds the scalp in the store (`scalp.resumed`), manages it (a short maxHoldMs closes it if
 * no target does), closes it reduce-only (risk-reducing orders need no arming), writes its one
 * trade_audit.csv row, and ends flat at the venue.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.ts';
import { SimCluster } from '../../src/sim/cluster.ts';
import { eventually, processScope, simVenueConfig } from './daemon.process.ts';

const scope = processScope('fleet-kill9-scalp-');
const { tmp } = scope;

interface Scalp {
  id: string;
  instrument: string;
  phase: string;
}

describe('kill -9 with a scalp open', () => {
  it('resumes the scalp after the restart, closes it once, and ends flat', async () => {
    const cluster = scope.track(new SimCluster({ seed: 9, scenario: 'calm', clock: new SystemClock(), venues: ['bybit-linear'], stepMs: 100 }));
    await cluster.listen();
    cluster.run();
    const e = cluster.endpoints()[0]!;
    const config = join(tmp.dir, 'fleet.json');
    writeFileSync(config, JSON.stringify({
      mode: 'live',
      venues: {
        'bybit-linear': simVenueConfig(e, ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT']),
      },
      execution: { reconcileIntervalMs: 500, reconcileGraceMs: 3000 },
      scalper: {
        watchThreshold: 0.25,
        armThreshold: 0.3,
        maxOpenPositions: 1,
        universe: { warmupMs: 1000, minVolume24hQuote: 0, minOpenInterestQuote: 0, maxSpreadBps: 1000 },
        exits: { maxHoldMs: 15000 },
        signals: { lossCooldownMs: 0 },
      },
    }));
    const env = { FLEET_LIVE_PIN: '2468' };
    const dataDir = join(tmp.dir, 'data');
    const start = async () => {
      const d = await scope.start(dataDir, ['--config', config], env);
      return { d, post: d.post, get: d.get };
    };

    const first = await start();
    await eventually(async () => ((await first.get('/api/integrity')) as { state: string }[]).every((i) => i.state === 'ok') || undefined, 'the venue reconciled', 20_000);
    const armed = (await (await first.post('/api/mode', { mode: 'live', pin: '2468' })).json()) as { confirm: string };
    expect((await first.post('/api/mode', { mode: 'live', pin: '2468', confirm: armed.confirm })).status).toBe(200);

    const open = await eventually(async () => ((await first.get('/api/scalper')) as { active: Scalp[] }).active.find((t) => t.phase === 'open'), 'a scalp open', 60_000)
      .catch((err: unknown) => {
        throw new Error(`${String(err)}; daemon output:\n${first.d.output().slice(-3000)}`);
      });
    first.d.proc.kill('SIGKILL');
    expect((await first.d.exited).signal).toBe('SIGKILL');
    const account = cluster.credentials.get('bybit-linear')!.account;
    const held = () => cluster!.exchange('bybit-linear')!.positions(account).filter((p) => !/^-?0(\.0*)?$/.test(p.qty));
    // The position is real at the venue while no daemon runs.
    expect(held().map((p) => `bybit-linear:${p.symbol}`)).toContain(open.instrument);

    const restartedAt = Date.now();
    const second = await start();
    const events = async (type: string) => (await second.get(`/api/events/recent?type=${type}&limit=200`)) as { ts: number; actor?: string; data: { id: string; reason?: string; pnl?: string } }[];
    expect((await eventually(async () => (await events('scalp.resumed')).find((r) => r.data.id === open.id), 'the scalp resumed', 20_000)).actor).toBe(`symbol:${open.instrument}`);
    const closed = await eventually(async () => (await events('scalp.closed')).find((r) => r.data.id === open.id), 'the resumed scalp closed', 60_000)
      .catch((err: unknown) => {
        throw new Error(`${String(err)}; daemon output:\n${second.d.output().slice(-3000)}`);
      });
    expect(closed.data.reason).not.toContain('outside the scalper');
    expect(((await second.get('/api/summary')) as { armed: boolean }).armed).toBe(false);
    await eventually(async () => (held().length === 0 ? true : undefined), 'flat at the venue', 15_000);
    // One audit row for the scalp, with the PnL the log recorded.
    const rows = readFileSync(join(dataDir, 'trade_audit.csv'), 'utf8').trim().split('\n').filter((l) => l.startsWith(`${open.id},`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(',')[12]).toBe(closed.data.pnl);
    // Unarmed: no scalp opened after the restart.
    expect((await events('scalp.entry')).filter((r) => r.ts >= restartedAt)).toEqual([]);
    second.d.proc.kill('SIGTERM');
    await second.d.exited;
  }, 180_000);
});
