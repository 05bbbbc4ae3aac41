import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromCallback, setup } from 'xstate';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { ActorRuntime, type ActorSpec } from '../../src/runtime/actorRuntime.ts';
import { portfolioMachine } from '../../machines/portfolio.machine.ts';
import { crash } from '../../machines/drill.ts';
import type { SupervisorPolicy } from '../../machines/supervisor.machine.ts';
import { collect, openPersistence, tempDir, type Persistence } from '../helpers.ts';

const policy: SupervisorPolicy = { maxRestarts: 3, withinMs: 60_000, backoffInitialMs: 100, backoffMaxMs: 1_000 };

const portfolio: ActorSpec = {
  kind: 'portfolio',
  logic: portfolioMachine,
  durable: true,
  input: { mode: 'sim' },
  onUnreadableSnapshot: (reason, at) => [{ type: 'risk.escalate', at, reason }],
};

// A cooldown chart like the symbol and route actors will have: a deadline via `after`.
const cooldownMachine = setup({ actions: { crash } }).createMachine({
  id: 'cooldown',
  initial: 'idle',
  on: { 'debug.crash': { actions: 'crash' } },
  states: {
    idle: { on: { fire: 'cooling' } },
    cooling: { after: { 5_000: 'idle' }, on: { poke: {} } },
  },
});
const cooldown: ActorSpec = { kind: 'cooldown', logic: cooldownMachine, durable: false };

// A feed-like actor: an invoked callback that is live until stopped (a socket, a timer).
let liveFeeds = 0;
const feedMachine = setup({
  actions: { crash },
  actors: {
    feed: fromCallback(() => {
      liveFeeds++;
      return () => {
        liveFeeds--;
      };
    }),
  },
}).createMachine({
  id: 'feed',
  initial: 'on',
  on: { 'debug.crash': { actions: 'crash' } },
  states: { on: { invoke: { src: 'feed', id: 'feed' }, on: { off: 'off' } }, off: {} },
});
const feed: ActorSpec = { kind: 'feed', logic: feedMachine, durable: false };

/** Lets promise chains and LevelDB callbacks run. */
const tick = () => new Promise((r) => setTimeout(r, 5));
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await tick();
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('ActorRuntime', () => {
  let dir: { dir: string; cleanup: () => void };
  let clock: ManualClock;
  let p: Persistence;
  let rt: ActorRuntime;

  const boot = async () => {
    p = await openPersistence(dir.dir, clock);
    rt = new ActorRuntime({ clock, store: p.store, queue: p.queue, eventLog: p.log, logger: silentLogger(), policy, recentTransitions: 5 });
    await rt.start();
  };
  const shutdown = async () => {
    await rt.stop();
    await p.close();
  };

  beforeEach(async () => {
    dir = tempDir();
    clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    await boot();
  });
  afterEach(async () => {
    await shutdown().catch(() => {});
    dir.cleanup();
  });

  it('records every state change as a transition with its cause, and in the bounded ring', async () => {
    await rt.spawnAll([{ id: 'portfolio', spec: portfolio }]);
    rt.send('portfolio', { type: 'portfolio.pause', at: clock.now(), causationId: 'api:1' });
    rt.send('portfolio', { type: 'portfolio.pause', at: clock.now() }); // not a transition: ignored
    rt.send('portfolio', { type: 'portfolio.resume', at: clock.now(), causationId: 'api:2' });
    await rt.settle();
    const log = await collect(p.log.query({ type: 'transition', actor: 'portfolio' }));
    expect(log.map(({ from, event, to, causationId }) => ({ from, event, to, causationId }))).toEqual([
      { from: 'normal', event: 'portfolio.pause', to: 'paused', causationId: 'api:1' },
      { from: 'paused', event: 'portfolio.resume', to: 'normal', causationId: 'api:2' },
    ]);
    for (let i = 0; i < 6; i++) rt.send('portfolio', { type: i % 2 ? 'portfolio.resume' : 'portfolio.pause', at: i });
    const d = rt.describe('portfolio')!;
    expect(d.recentTransitions).toHaveLength(5);
    expect(d.recentTransitions.at(-1)).toMatchObject({ from: 'paused', to: 'normal' });
  });

  it('announces each change with the kind and time, and a retired actor once as retired', async () => {
    const seen: { id: string; kind: string; state: string; status: string; updatedAt: number }[] = [];
    const sub = rt.changed$.subscribe((c) => seen.push(c));
    await rt.spawnAll([{ id: 'c1', spec: cooldown }]);
    clock.advance(10);
    rt.send('c1', { type: 'fire' });
    await rt.retire('c1');
    sub.unsubscribe();
    expect(seen.filter((c) => c.id === 'c1').map(({ kind, state, status }) => ({ kind, state, status }))).toEqual([
      { kind: 'cooldown', state: 'cooling', status: 'running' },
      { kind: 'cooldown', state: 'cooling', status: 'retired' },
    ]);
    expect(seen.at(-1)!.updatedAt).toBe(clock.now());
    expect(rt.has('c1')).toBe(false);
  });

  it('persists durable actors at once and ordinary ones only at the write-behind flush', async () => {
    await rt.spawnAll([
      { id: 'portfolio', spec: portfolio },
      { id: 'c1', spec: cooldown },
    ]);
    await rt.settle();
    const stored = async (id: string) => JSON.parse((await p.store.actors.get(id)) ?? 'null')?.snapshot?.value;
    rt.send('c1', { type: 'fire' });
    await tick();
    expect(await stored('c1')).toBe('idle');
    clock.advance(150);
    await until(async () => (await stored('c1')) === 'cooling', 'write-behind flush');
    // A durable write goes to disk without waiting for the flush interval...
    rt.send('portfolio', { type: 'portfolio.pause', at: 1 });
    await until(async () => (await stored('portfolio')) === 'paused', 'durable portfolio write');
    // ...and carries what was buffered before it, so disk order is send order.
    clock.advance(4_850); // c1's cooldown ends: idle, buffered, its flush not yet due
    rt.send('portfolio', { type: 'portfolio.resume', at: 2 });
    await until(async () => (await stored('portfolio')) === 'normal', 'second durable write');
    expect(await stored('c1')).toBe('idle');
  });

  it('restarts a crashed actor after its backoff, from the snapshot in LevelDB, with the same state', async () => {
    await rt.spawnAll([{ id: 'portfolio', spec: portfolio }]);
    rt.send('portfolio', { type: 'portfolio.pause', at: 1, by: 'ops' });
    rt.send('portfolio', { type: 'debug.crash' });
    expect(rt.list().find((a) => a.id === 'portfolio')!.status).toBe('restarting');
    expect(rt.send('portfolio', { type: 'portfolio.resume', at: 2 })).toBe(false);
    await tick();
    clock.advance(99);
    await tick();
    expect(rt.list().find((a) => a.id === 'portfolio')!.status).toBe('restarting');
    clock.advance(1);
    await until(() => rt.list().find((a) => a.id === 'portfolio')!.status === 'running', 'restart');
    const d = rt.describe('portfolio')!;
    expect(d.state).toBe('paused');
    expect((d.context as { reason: string }).reason).toBe('paused by ops');
    expect(d.restarts).toBe(1);
    await rt.settle();
    const types = (await collect(p.log.query({ actor: 'portfolio' }))).map((r) => r.type);
    expect(types).toEqual(['transition', 'actor.crashed', 'supervisor.restart_scheduled', 'actor.restarted']);
    const stored = JSON.parse((await p.store.actors.get('portfolio'))!);
    expect(stored.snapshot.status).toBe('active');
    expect(stored.restarts).toBe(1);
    // and it works again
    expect(rt.send('portfolio', { type: 'portfolio.resume', at: 3 })).toBe(true);
    expect(rt.describe('portfolio')!.state).toBe('normal');
  });

  it('escalates past the intensity limit: the child is given up and the portfolio goes risk_off', async () => {
    await rt.spawnAll([
      { id: 'portfolio', spec: portfolio },
      { id: 'c1', spec: cooldown },
    ]);
    for (let i = 0; i < 4; i++) {
      await until(() => rt.list().find((a) => a.id === 'c1')!.status === 'running', `c1 running (${i})`);
      rt.send('c1', { type: 'debug.crash' });
      await tick();
      clock.advance(1_000);
    }
    await until(() => rt.list().find((a) => a.id === 'c1')!.status === 'given-up', 'give up');
    expect(rt.describe('portfolio')!.state).toBe('risk_off');
    expect(rt.describe('supervisor')!.state).toBe('escalated');
    await rt.settle();
    const esc = await collect(p.log.query({ type: 'supervisor.escalated' }));
    expect(esc).toHaveLength(1);
    expect(esc[0]!.data).toMatchObject({ child: 'c1' });
    expect(String((esc[0]!.data as { reason: string }).reason)).toMatch(/crashed more than 3 times/);
    const delays = (await collect(p.log.query({ type: 'supervisor.restart_scheduled' }))).map((r) => (r.data as { delayMs: number }).delayMs);
    expect(delays).toEqual([100, 200, 400]);
  });

  it('re-arms `after` deadlines at their absolute time when restored after a daemon restart', async () => {
    await rt.spawnAll([{ id: 'c1', spec: cooldown }]);
    rt.send('c1', { type: 'fire' });
    clock.advance(3_000);
    await shutdown();
    clock.advance(1_000); // the daemon was down for a second
    await boot();
    await rt.spawnAll([{ id: 'c1', spec: cooldown }]);
    expect(rt.describe('c1')!.state).toBe('cooling');
    expect(rt.snapshot('c1')!.status).toBe('active'); // a graceful stop must not persist 'stopped'
    expect(rt.describe('c1')!.timers[0]!.dueAt).toBe(Date.parse('2026-01-01T00:00:05Z'));
    clock.advance(999);
    expect(rt.describe('c1')!.state).toBe('cooling');
    clock.advance(1);
    expect(rt.describe('c1')!.state).toBe('idle');
  });

  it('re-arms deadlines after a crash restart too, without extending them', async () => {
    await rt.spawnAll([{ id: 'c1', spec: cooldown }]);
    rt.send('c1', { type: 'fire' });
    clock.advance(1_000);
    rt.send('c1', { type: 'poke' }); // a self-transition must not reset the due time
    rt.send('c1', { type: 'debug.crash' });
    await tick();
    clock.advance(100);
    await until(() => rt.list().find((a) => a.id === 'c1')!.status === 'running', 'restart');
    clock.advance(3_899);
    expect(rt.describe('c1')!.state).toBe('cooling');
    clock.advance(1);
    expect(rt.describe('c1')!.state).toBe('idle');
  });

  it('reports an unreadable snapshot and starts the portfolio cautious (risk_off)', async () => {
    await shutdown();
    p = await openPersistence(dir.dir, clock);
    await p.store.actors.put('portfolio', '{"v":1,"snapshot":');
    await p.close();
    await boot();
    await rt.spawnAll([{ id: 'portfolio', spec: portfolio }]);
    expect(rt.describe('portfolio')!.state).toBe('risk_off');
    await rt.settle();
    const ev = await collect(p.log.query({ type: 'actor.snapshot_unreadable' }));
    expect(ev).toHaveLength(1);
    expect(ev[0]!.actor).toBe('portfolio');
  });

  it('stops the invoked children of a crashed actor, so the restart does not run them twice', async () => {
    liveFeeds = 0;
    await rt.spawnAll([{ id: 'f1', spec: feed }]);
    expect(liveFeeds).toBe(1);
    rt.send('f1', { type: 'debug.crash' });
    expect(liveFeeds).toBe(0);
    await tick();
    clock.advance(100);
    await until(() => rt.list().find((a) => a.id === 'f1')!.status === 'running', 'restart');
    expect(liveFeeds).toBe(1);
    rt.send('f1', { type: 'off' });
    expect(liveFeeds).toBe(0);
  });

  it('brings invoked children back running after a graceful restart', async () => {
    liveFeeds = 0;
    await rt.spawnAll([{ id: 'f1', spec: feed }]);
    await shutdown();
    expect(liveFeeds).toBe(0);
    await boot();
    await rt.spawnAll([{ id: 'f1', spec: feed }]);
    expect(liveFeeds).toBe(1);
    expect(rt.snapshot('f1')!.status).toBe('active');
    rt.send('f1', { type: 'off' });
    expect(rt.describe('f1')!.state).toBe('off');
    expect(liveFeeds).toBe(0);
  });

  it('refuses a duplicate id and reports false for sends to unknown actors', async () => {
    await rt.spawnAll([{ id: 'c1', spec: cooldown }]);
    await expect(rt.spawnAll([{ id: 'c1', spec: cooldown }])).rejects.toThrow(/already exists/);
    expect(rt.send('nope', { type: 'fire' })).toBe(false);
  });
});
