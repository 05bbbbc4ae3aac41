/**
 * kill -9 in the middle of a submit loses no order. The venue (a simulated Bybit, in this test
 * process, so it outlives the daemon) acts on the order at once but answers 1.5 s later; the
 * daemon (`fleet start --mode live`, a child process, armed with the PIN) is killed with SIGKILL
 * inside that window, before any answer. Restarted on the same data dir, it restores the order
 * from its durable intent, asks the venue by client order id, and ends with the venue's order:
 * one order at the venue, nothing sent twice.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/core/clock.ts';
import { SimCluster } from '../../src/sim/cluster.ts';
import { eventually, processScope, simVenueConfig, type RunningDaemon } from './daemon.process.ts';

const scope = processScope('fleet-kill9-order-');
const { tmp } = scope;

describe('kill -9 mid-submit', () => {
  it('restores the order from its durable intent and resolves it at the venue by client id', async () => {
    const cluster = scope.track(new SimCluster({ seed: 3, scenario: 'calm', clock: new SystemClock(), venues: ['bybit-linear'], stepMs: 100 }));
    await cluster.listen();
    cluster.run();
    const ep = cluster.endpoints()[0]!;
    const config = join(tmp.dir, 'fleet.json');
    writeFileSync(config, JSON.stringify({
      mode: 'live',
      venues: {
        'bybit-linear': simVenueConfig(ep, ['BTCUSDT']),
      },
      execution: { reconcileIntervalMs: 500, reconcileGraceMs: 2000 },
    }));
    const env = { FLEET_LIVE_PIN: '2468' };
    const dataDir = join(tmp.dir, 'data');
    const start = async (): Promise<{ d: RunningDaemon; post: (p: string, b: unknown) => Promise<Response>; get: (p: string) => Promise<any> }> => {
      const d = await scope.start(dataDir, ['--config', config, '--debug-faults'], env);
      return { d, post: d.post, get: d.get };
    };

    const first = await start();
    const armed = (await (await first.post('/api/mode', { mode: 'live', pin: '2468' })).json()) as { confirm: string };
    expect((await first.post('/api/mode', { mode: 'live', pin: '2468', confirm: armed.confirm })).status).toBe(200);
    await eventually(async () => ((await first.get('/api/integrity')) as { state: string }[])[0]?.state === 'ok', 'bybit reconciled', 15_000);
    const sym = await eventually(async () => {
      const s = await first.get(`/api/symbol/${encodeURIComponent('bybit-linear:BTCUSDT')}`);
      return s.book?.status === 'synced' && s.book.bids.length ? s : undefined;
    }, 'book synced', 15_000);
    const price = String(Math.floor(Number(sym.book.bids[0][0]) * 0.9));

    const engine = cluster.exchange('bybit-linear')!;
    const account = ep.credentials.account;
    // The venue acts at once; its REST answer is 1.5 s away and its stream says nothing.
    const server = cluster.servers.get('bybit-linear')!;
    server.latencyMs = 1_500;
    server.silent = true;
    const res = await first.post('/api/debug/order', { intentId: 'kill9', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'limit', qty: '0.010', price });
    expect(res.status).toBe(202);
    const { clientOrderId, status } = (await res.json()) as { clientOrderId: string; status: string };
    expect(status).toBe('SUBMITTED');
    // The venue has the order; its answer is still on the way. Kill the daemon now.
    await eventually(async () => engine.openOrders(account).some((o) => o.clientOrderId === clientOrderId), 'the order at the venue', 5_000);
    first.d.proc.kill('SIGKILL');
    expect((await first.d.exited).signal).toBe('SIGKILL');
    server.latencyMs = 0;
    server.silent = false;

    const second = await start();
    const actor = await eventually(async () => {
      const a = await second.get(`/api/actors/${encodeURIComponent(`order:${clientOrderId}`)}`);
      return a.state === 'ACCEPTED' ? a : undefined;
    }, 'the restored order resolved at the venue', 15_000);
    expect(actor.context.venueOrderId).toBe(engine.openOrders(account).find((o) => o.clientOrderId === clientOrderId)!.orderId);
    expect(engine.openOrders(account).filter((o) => o.clientOrderId === clientOrderId)).toHaveLength(1);
    // The intent was on disk before the request left; the request record itself is written
    // behind and may die with the process, but no second request is ever made.
    const types = ((await second.get(`/api/events/recent?actor=${encodeURIComponent(`order:${clientOrderId}`)}&limit=100`)) as { type: string }[]).map((r) => r.type);
    expect(types).toContain('order.intent');
    expect(types).toContain('order.queried');
    expect(types.filter((t) => t === 'order.request').length).toBeLessThanOrEqual(1);
    // Restarted in LIVE, the daemon is not armed: nothing new is sent until the PIN is given again.
    const summary = await second.get('/api/summary');
    expect(summary).toMatchObject({ mode: 'live', armed: false });
    second.d.proc.kill('SIGTERM');
    await second.d.exited;
  }, 90_000);
});
