/**
 * `fleet record` against simulated Binance USD-M (diff depth + REST snapshots) and Bybit venues on
 * 127.0.0.1, then `fleet replay` of the file: the replayed books end equal to the venues' books,
 * twice with the same hash, at recorded speed and at max; bad lines are counted, not fatal.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';
import { runCli } from './daemon.process.ts';
import { BookWalk, VENUE_CASES } from '../market/venueHarness.ts';
import type { SimVenueServer } from '../../src/sim/protocolServer.ts';

const tmp = tempDir('fleet-record-');
const servers: SimVenueServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  tmp.cleanup();
});

describe('record and replay', () => {
  it('records raw frames and snapshots, and replays them into the same books', async () => {
    const venues = ['binance-usdm', 'bybit-linear'] as const;
    const walks: { server: SimVenueServer; walk: BookWalk }[] = [];
    const venueConfig: Record<string, unknown> = {};
    for (const v of venues) {
      const { specs, server: make } = VENUE_CASES[v];
      const server = await make(specs).listen();
      servers.push(server);
      for (const [i, spec] of specs.entries()) {
        const walk = new BookWalk(spec, 50 + i);
        server.publish(spec.symbol, walk.initial());
        walks.push({ server, walk });
      }
      venueConfig[v] = { wsUrl: server.wsUrl, restUrl: server.restUrl, symbols: specs.map((s) => s.symbol) };
    }
    const configPath = join(tmp.dir, 'fleet.json');
    writeFileSync(configPath, JSON.stringify({ venues: venueConfig }));
    const out = join(tmp.dir, 'rec.jsonl');

    const recording = runCli(['record', '--out', out, '--config', configPath, '--duration', '2500ms']);
    // publish while the recorder is connected (after its snapshots), then stop publishing before it ends
    await new Promise((r) => setTimeout(r, 900));
    for (let i = 0; i < 30; i++) {
      for (const { server, walk } of walks) {
        const { change, trades } = walk.next(server.now());
        server.publish(walk.spec.symbol, change, trades);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const rec = await recording;
    expect(rec.code, rec.stderr).toBe(0);
    expect(rec.stderr).toMatch(/recorded .*binance-usdm=\d+/);

    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; venue?: string });
    expect(lines[0]!.type).toBe('recording');
    expect(lines.filter((l) => l.type === 'instruments').map((l) => l.venue).sort()).toEqual([...venues].sort());
    expect(lines.some((l) => l.type === 'rest' && l.venue === 'binance-usdm' && /depth/.test((l as { url?: string }).url ?? ''))).toBe(true);
    const firstWs = lines.findIndex((l) => l.type === 'ws');
    expect(lines.findIndex((l) => l.type === 'instruments')).toBeLessThan(firstWs);

    const a = await runCli(['replay', out, '--market-only', '--json', '--hash']);
    expect(a.code, a.stderr).toBe(0);
    const rows = a.stdout.trim().split('\n').filter((l) => l.startsWith('{"instrument"')).map((l) => JSON.parse(l) as Record<string, string | number>);
    expect(rows).toHaveLength(walks.length);
    for (const { server, walk } of walks) {
      const row = rows.find((r) => r.instrument === `${walk.spec.venue}:${walk.spec.symbol}`)!;
      expect(row.book).toBe('synced');
      expect(row.gaps).toBe(0);
      expect(Number(row.bid)).toBe(Number(server.book(walk.spec.symbol).bids.top(1)[0]![0]));
      expect(Number(row.ask)).toBe(Number(server.book(walk.spec.symbol).asks.top(1)[0]![0]));
    }
    const hashA = a.stdout.trim().split('\n').at(-1)!;
    expect(hashA).toMatch(/^sha256=[0-9a-f]{64}$/);
    const b = await runCli(['replay', out, '--market-only', '--json', '--hash', '--speed', '50']);
    expect(b.stdout.trim().split('\n').at(-1)).toBe(hashA);

    // a damaged copy: bad lines are counted and skipped, the rest still replays
    const damaged = join(tmp.dir, 'damaged.jsonl');
    writeFileSync(damaged, readFileSync(out, 'utf8'));
    appendFileSync(damaged, '{"type":"ws","venue":"nowhere"}\nnot json at all\n{"type":"ws","ts":1,"venue":"bybit-linear","conn":9,"frame":"{broken"}\n');
    const c = await runCli(['replay', damaged, '--market-only']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/2 bad lines \(first: line \d+: unknown venue "nowhere"\)/);
    expect(c.stdout).toMatch(/"malformed-json":1/);

    expect((await runCli(['replay'])).code).toBe(2);
    expect((await runCli(['replay', join(tmp.dir, 'missing.jsonl')])).code).toBe(2);
    expect((await runCli(['record', '--out', out, '--config', configPath])).code).toBe(2);
    expect((await runCli(['record', '--out', join(tmp.dir, 'x.jsonl')])).stderr).toMatch(/nothing to record/);
  }, 60_000);
});
