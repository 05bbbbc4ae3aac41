import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { eventually, processScope, runCli, type RunningDaemon } from './daemon.process.ts';

interface Rec {
  seq: number;
  type: string;
  actor?: string;
  from?: string;
  to?: string;
  event?: string;
  data?: Record<string, unknown>;
}

const scope = processScope('fleet-daemon-');
const { tmp } = scope;
const start = (dataDir: string, extra: string[] = []): Promise<RunningDaemon> => scope.start(dataDir, extra);

const getJson = async (url: string) => (await fetch(url)).json();
const post = (url: string, token?: string, body?: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const parseLines = (s: string): Rec[] => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec);

describe('the daemon, as a real process', () => {
  const dataDir = join(tmp.dir, 'data');

  it('serves health, guards the kill switch, restarts a crashed actor, survives kill -9 and continues the log', async () => {
    const d = await start(dataDir, ['--debug-faults']);
    expect(d.output()).toContain(`API token: ${join(dataDir, 'api-token')}`);
    expect(statSync(join(dataDir, 'api-token')).mode & 0o777).toBe(0o600);

    // sim mode: the six simulated venues start in-process; health is ok once every connector is live
    const health = (await eventually(async () => {
      const h = (await getJson(`${d.url}/api/health`)) as { status: string; mode: string; connectors: { venue: string; state: string }[] };
      return h.status === 'ok' ? h : undefined;
    }, 'all six simulated venues live')) as { mode: string; connectors: { venue: string; state: string }[] };
    expect(health.mode).toBe('sim');
    expect(health.connectors.map((c) => c.venue).sort()).toEqual(['binance-spot', 'binance-usdm', 'bitget', 'bybit-linear', 'hyperliquid', 'okx']);

    expect((await post(`${d.url}/api/kill-switch`)).status).toBe(401);
    expect((await post(`${d.url}/api/kill-switch`, 'wrong')).status).toBe(403);
    const kill = await post(`${d.url}/api/kill-switch`, d.token(), { reason: 'integration test' });
    expect(kill.status).toBe(200);
    const actors = (await getJson(`${d.url}/api/actors`)) as { id: string; state: string; restarts: number }[];
    expect(actors.find((a) => a.id === 'portfolio')).toMatchObject({ state: 'killed', restarts: 0 });

    // a crash drill: the portfolio throws, the supervisor restarts it from LevelDB, still killed
    expect((await post(`${d.url}/api/debug/crash`, d.token(), { actor: 'portfolio' })).status).toBe(202);
    const restarted = await eventually(async () => {
      const p = (await getJson(`${d.url}/api/actors/portfolio`)) as { state: string; restarts: number; context: { reason: string } };
      return p.restarts === 1 && p;
    }, 'portfolio restart');
    expect(restarted.state).toBe('killed');
    expect(restarted.context.reason).toBe('integration test');

    // audit works while the daemon holds the LevelDB lock: it asks the daemon
    const live = await runCli(['audit', '--data-dir', dataDir, '--json']);
    expect(live.code).toBe(0);
    const seenBefore = parseLines(live.stdout);
    expect(seenBefore.find((r) => r.type === 'transition' && r.actor === 'portfolio')).toMatchObject({ from: 'normal', event: 'risk.kill', to: 'killed' });
    expect(seenBefore.map((r) => r.type)).toEqual(expect.arrayContaining(['daemon.started', 'actor.crashed', 'actor.restarted']));

    d.proc.kill('SIGKILL');
    expect((await d.exited).signal).toBe('SIGKILL');

    const d2 = await start(dataDir, ['--debug-faults']);
    const p2 = (await getJson(`${d2.url}/api/actors/portfolio`)) as { state: string };
    expect(p2.state).toBe('killed');
    expect((await getJson(`${d2.url}/api/health`)).status).toBe('degraded');
    const killAgain = await post(`${d2.url}/api/pause`, d2.token());
    expect(killAgain.status).toBe(409);

    d2.proc.kill('SIGTERM');
    expect((await d2.exited).code).toBe(0);

    // now straight from disk: one contiguous seq run, the records seen before kill -9 unchanged
    const after = await runCli(['audit', '--data-dir', dataDir, '--json']);
    expect(after.code).toBe(0);
    const all = parseLines(after.stdout);
    expect(all.map((r) => r.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    for (const r of seenBefore) expect(all[r.seq - 1]).toEqual(r);
    const starts = all.filter((r) => r.type === 'daemon.started');
    expect(starts).toHaveLength(2);
    expect(starts[1]!.data!.resumedAfterSeq).toBeGreaterThanOrEqual(seenBefore.at(-1)!.seq);
    expect(all.at(-1)!.type).toBe('daemon.stopped');

    const table = await runCli(['audit', '--data-dir', dataDir, '--actor', 'portfolio', '--type', 'transition']);
    expect(table.stdout).toMatch(/normal --risk\.kill--> killed/);
    expect(table.stdout.trim().split('\n')).toHaveLength(2);
  }, 90_000);

  it('pushes committed events to /api/stream and applies or refuses config file changes', async () => {
    const dir = join(tmp.dir, 'reload');
    const cfg = join(tmp.dir, 'fleet.yaml');
    writeFileSync(cfg, 'supervisor:\n  maxRestarts: 5\n');
    const d = await start(dir, ['--config', cfg]);
    const ws = new WebSocket(`${d.url.replace('http', 'ws')}/api/stream`);
    const messages: { type: string; record?: Rec }[] = [];
    ws.on('message', (m) => messages.push(JSON.parse(String(m))));
    await eventually(async () => messages.some((m) => m.type === 'hello'), 'stream hello');

    writeFileSync(cfg, 'supervisor:\n  maxRestarts: 9\n');
    const reloaded = await eventually(async () => messages.find((m) => m.record?.type === 'config.reloaded'), 'config.reloaded on the stream');
    expect(reloaded.record!.data).toEqual({ changed: ['supervisor.maxRestarts'], restartRequired: [] });
    const sup = (await getJson(`${d.url}/api/actors/supervisor`)) as { context: { policy: { maxRestarts: number } } };
    expect(sup.context.policy.maxRestarts).toBe(9);

    // mode and the listen address are restart-only: logged as such, not applied
    writeFileSync(cfg, 'mode: dry\nsupervisor:\n  maxRestarts: 9\n');
    const modeChange = await eventually(
      async () => messages.find((m) => m.record?.type === 'config.reloaded' && JSON.stringify(m.record.data).includes('mode')),
      'mode change logged',
    );
    expect(modeChange.record!.data).toEqual({ changed: ['mode'], restartRequired: ['mode'] });
    expect((await getJson(`${d.url}/api/health`)).mode).toBe('sim');

    writeFileSync(cfg, 'supervisor:\n  maxRestarts: "many"\n');
    const rejected = await eventually(async () => messages.find((m) => m.record?.type === 'config.rejected'), 'config.rejected');
    expect(JSON.stringify(rejected.record!.data)).toMatch(/supervisor\.maxRestarts/);
    const still = (await getJson(`${d.url}/api/actors/supervisor`)) as { context: { policy: { maxRestarts: number } } };
    expect(still.context.policy.maxRestarts).toBe(9);

    await post(`${d.url}/api/pause`, d.token());
    const t = await eventually(async () => messages.find((m) => m.record?.type === 'transition' && m.record.actor === 'portfolio'), 'transition on the stream');
    expect(t.record).toMatchObject({ actor: 'portfolio', from: 'normal', to: 'paused' });
    ws.close();

    // a client connecting later first gets the recent backlog, in order
    const late = new WebSocket(`${d.url.replace('http', 'ws')}/api/stream`);
    const lateMessages: { type: string; record?: Rec }[] = [];
    late.on('message', (m) => lateMessages.push(JSON.parse(String(m))));
    await eventually(async () => lateMessages.some((m) => m.record?.type === 'transition'), 'backlog on connect');
    expect(lateMessages[0]!.type).toBe('hello');
    const backlogSeqs = lateMessages.filter((m) => m.record).map((m) => m.record!.seq);
    expect(backlogSeqs).toEqual([...backlogSeqs].sort((a, b) => a - b));
    expect(lateMessages.map((m) => m.record?.type)).toEqual(expect.arrayContaining(['config.reloaded', 'config.rejected', 'transition']));
    late.close();
    d.proc.kill('SIGINT');
    expect((await d.exited).code).toBe(0);
  });

  it('exits 2 naming the key for a bad config, bad flags and a second daemon on a held data dir exits 1', async () => {
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ risk: { dailyLossLimit: 'lots' }, colour: 'red' }));
    const r = await runCli(['start', '--config', bad, '--data-dir', join(tmp.dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/risk\.dailyLossLimit/);
    expect(r.stderr).toMatch(/colour/);
    expect((await runCli(['start', '--mode', 'paper'])).code).toBe(2);
    expect((await runCli(['start', '--port', '99999'])).code).toBe(2);
    expect((await runCli(['audit', '--since', 'yesterday-ish', '--data-dir', dataDir])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);

    const d = await start(join(tmp.dir, 'held'));
    const second = await runCli(['start', '--data-dir', join(tmp.dir, 'held'), '--port', '0']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/held by another process/);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
  });

  it('bridges actor inspection to a Stately inspector server with --inspect ws://', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const received: { type?: string; sessionId?: string; event?: { type?: string } }[] = [];
    server.on('connection', (ws) => ws.on('message', (m) => received.push(JSON.parse(String(m)))));
    // no venues: this test is about the bridge, and six simulated venues only add load
    const cfg = join(tmp.dir, 'no-venues.json');
    writeFileSync(cfg, JSON.stringify({ venues: {} }));
    const d = await start(join(tmp.dir, 'inspect'), ['--inspect', `ws://127.0.0.1:${port}`, '--config', cfg]);
    await post(`${d.url}/api/pause`, d.token());
    const paused = await eventually(
      async () => received.find((m) => m.type === '@xstate.snapshot' && m.event?.type === 'portfolio.pause'),
      'the pause seen by the Stately inspector',
    );
    expect(paused).toBeDefined();
    expect(received.some((m) => m.type === '@xstate.actor')).toBe(true);
    d.proc.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    server.close();
  });
});
