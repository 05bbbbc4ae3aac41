/**
 * Smoke test of the `replay` measurement of `fleet bench` with a tiny recording (2 assets on the
 * three venues, 3 simulated seconds): the recording is built in-process from the simulator's
 * protocols in the venues' wire formats and replays cleanly (every frame parsed, every book synced,
 * Binance's from its recorded REST snapshots), and the measurement returns rows with units and
 * positive finite numbers. No timing thresholds: the numbers depend on the machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import { runReplaySession } from '../../src/replay/session.ts';
import { buildReplayRecording, REPLAY_VENUES } from '../../src/bench/replayRecording.ts';
import { benchReplay, replayBenchConfig } from '../../src/bench/replay.ts';
import { tempDir } from '../helpers.ts';

const tmp = tempDir('fleet-bench-replay-');
afterAll(() => tmp.cleanup());

const number = (value: string): number => Number(value.replaceAll(',', ''));

describe('replay recording', () => {
  it('holds each venue’s instruments, subscription frames and (Binance) REST snapshots, and replays with every book synced', async () => {
    const file = join(tmp.dir, 'tiny.jsonl');
    const s = await buildReplayRecording({ file, assets: 2, durationMs: 3000 });
    expect(s.instruments).toBe(6);
    expect(s.rest).toBe(2);
    expect(s.lastTs - s.firstTs).toBe(3000);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; venue?: string; url?: string; specs?: { symbol: string }[]; frame?: string });
    expect(lines).toHaveLength(s.lines);
    expect(lines[0]!.type).toBe('recording');
    expect(lines.filter((l) => l.type === 'instruments').map((l) => [l.venue, l.specs!.map((x) => x.symbol)])).toEqual([
      ['bybit-linear', ['BTCUSDT', 'ETHUSDT']],
      ['binance-usdm', ['BTCUSDT', 'ETHUSDT']],
      ['okx', ['BTC-USDT-SWAP', 'ETH-USDT-SWAP']],
    ]);
    expect(lines.filter((l) => l.type === 'rest').every((l) => l.venue === 'binance-usdm' && /\/fapi\/v1\/depth\?symbol=/.test(l.url!))).toBe(true);
    for (const venue of REPLAY_VENUES) expect(lines.filter((l) => l.type === 'ws' && l.venue === venue).length, venue).toBeGreaterThan(20);
    // Venue wire formats: Bybit's orderbook topic, Binance's combined stream, OKX's books channel.
    expect(lines.some((l) => l.venue === 'bybit-linear' && l.frame?.startsWith('{"topic":"orderbook.'))).toBe(true);
    expect(lines.some((l) => l.venue === 'binance-usdm' && l.frame?.includes('"stream":"btcusdt@depth@100ms"'))).toBe(true);
    expect(lines.some((l) => l.venue === 'okx' && l.frame?.includes('"channel":"books"'))).toBe(true);

    const r = await runReplaySession({ file, config: replayBenchConfig(REPLAY_VENUES), outDir: join(tmp.dir, 'out'), speed: Infinity, logger: silentLogger() });
    expect(r.stats.frames).toBe(s.frames);
    expect(r.stats.badLines).toBe(0);
    expect(r.stats.problems).toEqual({});
    expect(r.stats.resyncs).toBe(0);
    // Binance's books sync only from the recorded REST snapshots.
    expect(r.records.filter((x) => x.type === 'book.synced')).toHaveLength(6);
  }, 60_000);

  it('is the same file byte for byte when built twice', async () => {
    const a = join(tmp.dir, 'a.jsonl');
    const b = join(tmp.dir, 'b.jsonl');
    await buildReplayRecording({ file: a, assets: 2, durationMs: 1000 });
    await buildReplayRecording({ file: b, assets: 2, durationMs: 1000 });
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  }, 60_000);
});

describe('benchReplay', () => {
  it('returns rows with units and positive finite values, progress on stderr only', async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
    const stdout = vi.spyOn(process.stdout, 'write');
    try {
      const rows = await benchReplay({ loads: [{ assets: 2, durationMs: 3000, runs: 2 }] });
      expect(rows.map((r) => r.unit)).toEqual(['× real time', 'frames/s', 'fills', 'records', 'MiB', 'MiB', 'MiB', '× real time']);
      for (const r of rows) {
        expect(Object.keys(r).sort()).toEqual(['measurement', 'notes', 'unit', 'value']);
        expect(r.measurement.trim()).not.toBe('');
        expect(Number.isFinite(number(r.value)), `${r.measurement}: ${r.value}`).toBe(true);
        // Heap growth may be near zero for a tiny replay, and 3 s is inside the scalper's warm-up (no fills); every other value is positive.
        if (!r.measurement.includes('heap growth') && r.unit !== 'fills') expect(number(r.value), r.measurement).toBeGreaterThan(0);
      }
      expect(rows[0]!.measurement).toContain('2 assets × 3 venues (6 instruments), 3 s simulated');
      expect(rows[0]!.notes).toMatch(/one hour extrapolated/);
      // Two replays of the one recording: the median, its spread, and the hashes compared.
      expect(rows[0]!.notes).toMatch(/n=2, min [\d.]+, max [\d.]+; every run gave the same hash/);
      expect(stdout).not.toHaveBeenCalled();
      expect(stderr.some((l) => l.startsWith('[bench] replay: building'))).toBe(true);
    } finally {
      vi.restoreAllMocks();
    }
  }, 60_000);
});

describe('a REST-synced venue on two connections', () => {
  it('replays a recording spread over two connections with every book synced from its snapshot', async () => {
    // 60 Binance perps: 4 topics each, 200 per connection ⇒ two connections, snapshots for both.
    const file = join(tmp.dir, 'two-conns.jsonl');
    const s = await buildReplayRecording({ file, assets: 60, durationMs: 2000, venues: ['binance-usdm'] });
    const conns = new Set(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; conn?: number }).filter((l) => l.type === 'ws').map((l) => l.conn));
    expect(conns.size).toBeGreaterThan(1);
    const r = await runReplaySession({ file, config: replayBenchConfig(['binance-usdm']), outDir: join(tmp.dir, 'two-out'), speed: Infinity, logger: silentLogger() });
    expect(r.records.filter((x) => x.type === 'book.synced')).toHaveLength(s.instruments);
  }, 60_000);
});
