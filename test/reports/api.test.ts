import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { ActorRuntime } from '../../src/runtime/actorRuntime.ts';
import { buildApp } from '../../src/api/app.ts';
import { createMetrics } from '../../src/api/metrics.ts';
import { buildReport } from '../../src/reports/report.ts';
import { writeReport } from '../../src/reports/writer.ts';
import { openPersistence, tempDir, type Persistence } from '../helpers.ts';
import { DAY, HOUR, WED, row } from './fixtures.ts';

describe('GET /api/reports', () => {
  let dir: { dir: string; cleanup: () => void };
  let p: Persistence;
  let rt: ActorRuntime;
  let app: FastifyInstance;
  const clock = new ManualClock(WED + 2 * DAY);

  const build = (dataDir?: string) =>
    buildApp({
      runtime: rt, eventLog: p.log, clock, logger: silentLogger(), metrics: createMetrics(rt, p.log, () => clock.now()),
      token: 'test-token-0123456789', debugFaults: false, streamBacklog: 10, startedAt: clock.now(), mode: () => 'sim', connectors: () => [],
      ...(dataDir ? { dataDir } : {}),
    });

  beforeEach(async () => {
    dir = tempDir();
    p = await openPersistence(join(dir.dir, 'state'), clock);
    rt = new ActorRuntime({ clock, store: p.store, queue: p.queue, eventLog: p.log, logger: silentLogger(), policy: { maxRestarts: 5, withinMs: 60_000, backoffInitialMs: 0, backoffMaxMs: 0 }, recentTransitions: 10 });
    await rt.start();
    writeReport(dir.dir, 'daily-2026-01-07', buildReport({ rows: [row('2.5', WED + HOUR), row('-1', WED + 2 * HOUR)], from: WED, to: WED + DAY, title: 'Daily report 2026-01-07' }));
    writeReport(dir.dir, 'weekly-2026-W01', buildReport({ rows: [], from: WED - 9 * DAY, to: WED - 2 * DAY }));
    writeFileSync(join(dir.dir, 'api-token'), 'secret-token-content\n');
    app = await build(dir.dir);
  });
  afterEach(async () => {
    await app.close();
    await rt.stop();
    await p.close();
    dir.cleanup();
  });

  it('lists the written reports with their links', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/reports' });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { name: string; kind: string; period: string; json: string; page: string }[];
    expect(list.map((e) => e.name)).toEqual(['daily-2026-01-07', 'weekly-2026-W01']);
    expect(list[0]).toMatchObject({ kind: 'daily', period: '2026-01-07', json: '/api/reports/daily-2026-01-07', page: '/api/reports/daily-2026-01-07.html' });
  });

  it('serves a report as JSON and as its page', async () => {
    const json = await app.inject({ method: 'GET', url: '/api/reports/daily-2026-01-07' });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()).toMatchObject({ title: 'Daily report 2026-01-07', overall: { trades: 2, pnl: '1.5' } });
    expect((await app.inject({ method: 'GET', url: '/api/reports/daily-2026-01-07.json' })).json()).toEqual(json.json());
    const page = await app.inject({ method: 'GET', url: '/api/reports/daily-2026-01-07.html' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<svg id="equity-chart"');
  });

  it('answers 404 with a clear message for a report that was not written', async () => {
    for (const url of ['/api/reports/daily-2026-01-09', '/api/reports/daily-2026-01-09.html']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('no report daily-2026-01-09') });
    }
  });

  it('refuses names that would leave the reports folder, never serving another file', async () => {
    for (const url of ['/api/reports/..%2Fapi-token', '/api/reports/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd', '/api/reports/..%2Fapi-token.html', '/api/reports/daily-..%2F..%2Fapi-token', '/api/reports/daily-2026-01-07%00.html', '/api/reports/..', '/api/reports/../api-token']) {
      const res = await app.inject({ method: 'GET', url });
      expect([400, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('secret-token-content');
      if (url.includes('%')) expect(res.json(), url).toMatchObject({ error: 'bad_request', message: expect.stringContaining('invalid report name') });
    }
  });

  it('without a data dir: an empty list and 404s', async () => {
    await app.close();
    app = await build();
    expect((await app.inject({ method: 'GET', url: '/api/reports' })).json()).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/api/reports/daily-2026-01-07' })).statusCode).toBe(404);
  });
});
