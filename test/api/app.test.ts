import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { ActorRuntime } from '../../src/runtime/actorRuntime.ts';
import { buildApp } from '../../src/api/app.ts';
import { createMetrics } from '../../src/api/metrics.ts';
import { portfolioMachine } from '../../machines/portfolio.machine.ts';
import { openPersistence, tempDir, type Persistence } from '../helpers.ts';

const TOKEN = 'test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('HTTP API', () => {
  let dir: { dir: string; cleanup: () => void };
  let p: Persistence;
  let rt: ActorRuntime;
  let app: FastifyInstance;
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));

  let lastPass: unknown;
  const build = async (debugFaults: boolean) => {
    app = await buildApp({
      runtime: rt,
      eventLog: p.log,
      clock,
      logger: silentLogger(),
      metrics: createMetrics(rt, p.log, () => clock.now()),
      token: TOKEN,
      debugFaults,
      streamBacklog: 50,
      startedAt: clock.now() - 5_000,
      mode: () => 'sim',
      connectors: () => [],
      retention: { last: () => lastPass },
    });
  };

  beforeEach(async () => {
    dir = tempDir();
    p = await openPersistence(dir.dir, clock);
    rt = new ActorRuntime({
      clock,
      store: p.store,
      queue: p.queue,
      eventLog: p.log,
      logger: silentLogger(),
      policy: { maxRestarts: 5, withinMs: 60_000, backoffInitialMs: 0, backoffMaxMs: 0 },
      recentTransitions: 10,
    });
    await rt.start();
    await rt.spawnAll([{ id: 'portfolio', spec: { kind: 'portfolio', logic: portfolioMachine, durable: true, input: { mode: 'sim' } } }]);
    await build(false);
  });
  afterEach(async () => {
    await app.close();
    await rt.stop();
    await p.close();
    dir.cleanup();
  });

  it('shows the retention job\'s last pass, null before the first', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/retention' })).json()).toEqual({ last: null });
    lastPass = { removed: { 'symbol.armed': 3 }, durationMs: 12 };
    expect((await app.inject({ method: 'GET', url: '/api/retention' })).json()).toEqual({ last: { removed: { 'symbol.armed': 3 }, durationMs: 12 } });
  });

  it('answers health with mode, uptime and status', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', mode: 'sim', uptimeMs: 5_000, connectors: [] });
  });

  it('needs the token for every POST: 401 without, 403 wrong, before looking at the body', async () => {
    for (const url of ['/api/kill-switch', '/api/pause', '/api/resume', '/api/kill-switch/reset']) {
      expect((await app.inject({ method: 'POST', url })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer nope' } })).statusCode).toBe(403);
      expect((await app.inject({ method: 'POST', url, payload: { junk: 1 } })).statusCode).toBe(401);
    }
    expect(rt.describe('portfolio')!.state).toBe('normal');
  });

  it('kill switch: 200 with the token, portfolio killed, durable, and the transition carries the cause', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/kill-switch', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ portfolio: 'killed', previous: 'normal' });
    const stored = JSON.parse((await p.store.actors.get('portfolio'))!);
    expect(stored.snapshot.value).toBe('killed');
    const recent = (await app.inject({ method: 'GET', url: '/api/events/recent?type=transition' })).json();
    expect(recent[0]).toMatchObject({ actor: 'portfolio', from: 'normal', event: 'risk.kill', to: 'killed', causationId: res.json().causationId });
    // killed refuses resume with a clear 409, and a reset needs its confirmation
    const resume = await app.inject({ method: 'POST', url: '/api/resume', headers: auth });
    expect(resume.statusCode).toBe(409);
    expect(resume.json().message).toMatch(/killed/);
    const noConfirm = await app.inject({ method: 'POST', url: '/api/kill-switch/reset', headers: auth, payload: {} });
    expect(noConfirm.statusCode).toBe(400);
    expect(noConfirm.json().message).toMatch(/confirm/);
    const reset = await app.inject({ method: 'POST', url: '/api/kill-switch/reset', headers: auth, payload: { confirm: 'RESET' } });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().portfolio).toBe('normal');
  });

  it('pause and resume, with 409 when the state does not allow it and 400 for bad bodies', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/resume', headers: auth })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/pause', headers: auth, payload: { reason: 'lunch' } })).json().portfolio).toBe('paused');
    expect((await app.inject({ method: 'POST', url: '/api/pause', headers: auth })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/resume', headers: auth })).json().portfolio).toBe('normal');
    const bad = await app.inject({ method: 'POST', url: '/api/pause', headers: auth, payload: { reason: 42, extra: true } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad_request' });
    const notJson = await app.inject({ method: 'POST', url: '/api/pause', headers: { ...auth, 'content-type': 'application/json' }, payload: '{oops' });
    expect(notJson.statusCode).toBe(400);
  });

  it('lists actors and describes one with its chart, context and recent transitions', async () => {
    await app.inject({ method: 'POST', url: '/api/pause', headers: auth });
    const list = (await app.inject({ method: 'GET', url: '/api/actors' })).json();
    expect(list.map((a: { id: string }) => a.id).sort()).toEqual(['portfolio', 'supervisor']);
    expect(list.find((a: { id: string }) => a.id === 'portfolio')).toMatchObject({ kind: 'portfolio', state: 'paused', restarts: 0 });
    expect((await app.inject({ method: 'GET', url: '/api/actors?kind=supervisor' })).json()).toHaveLength(1);
    const one = (await app.inject({ method: 'GET', url: '/api/actors/portfolio' })).json();
    expect(one).toMatchObject({ id: 'portfolio', kind: 'portfolio', state: 'paused', restarts: 0, context: { mode: 'sim' } });
    expect(Object.keys(one.chart.states).sort()).toEqual(['killed', 'normal', 'paused', 'risk_off']);
    expect(one.chart.initial).toBe('normal');
    expect(one.chart.states.normal.transitions).toContainEqual({ event: 'portfolio.pause', targets: ['portfolio.paused'] });
    expect(one.recentTransitions).toEqual([expect.objectContaining({ from: 'normal', to: 'paused', event: 'portfolio.pause' })]);
    expect((await app.inject({ method: 'GET', url: `/api/actors/${encodeURIComponent('symbol:okx:BTC-USDT')}` })).statusCode).toBe(404);
  });

  it('serves recent events newest first with filters, and validates the query', async () => {
    for (let i = 0; i < 5; i++) p.log.append({ type: i % 2 ? 'odd' : 'even', actor: `a:${i}` });
    const all = (await app.inject({ method: 'GET', url: '/api/events/recent?limit=3' })).json();
    expect(all.map((r: { seq: number }) => r.seq)).toEqual([5, 4, 3]);
    expect((await app.inject({ method: 'GET', url: '/api/events/recent?type=odd' })).json()).toHaveLength(2);
    expect((await app.inject({ method: 'GET', url: '/api/events/recent?actor=a:3' })).json()[0].type).toBe('odd');
    expect((await app.inject({ method: 'GET', url: '/api/events/recent?limit=0' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/events/recent?bogus=1' })).statusCode).toBe(400);
    const nd = await app.inject({ method: 'GET', url: '/api/events?afterSeq=2' });
    expect(nd.headers['content-type']).toMatch(/ndjson/);
    expect(nd.body.trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual([3, 4, 5]);
  });

  it('exposes Prometheus metrics', async () => {
    await app.inject({ method: 'POST', url: '/api/kill-switch', headers: auth });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/fleet_portfolio_state\{state="killed"\} 1/);
    expect(res.body).toMatch(/fleet_actors\{kind="portfolio",status="running"\} 1/);
    expect(res.body).toMatch(/fleet_events_total\{type="transition"\} 1/);
  });

  it('has no debug routes without --debug-faults, and crashes a real actor with it', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/debug/crash', headers: auth, payload: { actor: 'portfolio' } })).statusCode).toBe(404);
    await app.close();
    await build(true);
    expect((await app.inject({ method: 'POST', url: '/api/debug/crash', payload: { actor: 'portfolio' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/debug/crash', headers: auth, payload: { actor: 'ghost' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/debug/crash', headers: auth, payload: {} })).statusCode).toBe(400);
    const res = await app.inject({ method: 'POST', url: '/api/debug/crash', headers: auth, payload: { actor: 'portfolio' } });
    expect(res.statusCode).toBe(202);
    expect(rt.list().find((a) => a.id === 'portfolio')!.status).toBe('restarting');
    expect((await app.inject({ method: 'GET', url: '/api/health' })).json().status).toBe('degraded');
  });
});
