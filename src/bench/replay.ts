/**
 * Measurement `replay`: how many times faster than real time `fleet replay --speed max` runs a
 * recording of 50 assets as perps on three venues (bybit-linear, binance-usdm, okx: 150
 * instruments), and the memory it takes. The recording is built in-process from the simulator's
 * venue protocols (./replayRecording.ts); the replay is `runReplaySession`, the whole daemon
 * (adapters' parsers, book sync, features, symbol and route charts, risk, paper fills, the
 * in-memory store and event log) on the recording's clock, with the default config limited to the
 * three venues. One run: the recording is long (a replay is seconds of wall time), so the notes
 * give its length rather than a spread.
 *
 * Memory: heapUsed after forced GCs before the replay and at its end with the daemon still up
 * (in the session's last progress call), the largest heapUsed and RSS sampled during it, and the
 * process's peak RSS. The one-hour figures are extrapolations, linear in simulated time.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { VenueId } from '../config/schema.ts';
import { parseConfigText } from '../config/load.ts';
import { silentLogger } from '../core/logger.ts';
import type { ScenarioName } from '../sim/market/generator.ts';
import { runReplaySession } from '../replay/session.ts';
import { buildReplayRecording, REPLAY_VENUES, type ReplayRecordingSummary } from './replayRecording.ts';
import { findGc, heapAfterGc } from './scalperPath.ts';
import { fmt, progress, withTempDir, type Row } from './util.ts';

export interface ReplayBenchOptions {
  /** Assets, each a perp on every venue. */
  readonly assets: number;
  /** Simulated time recorded (past the scalper's 60 s warm-up, so the charts decide in it). */
  readonly durationMs: number;
  readonly venues?: readonly VenueId[];
  readonly seed?: number;
  readonly scenario?: ScenarioName;
  /** Wall ms between memory samples during the replay. */
  readonly sampleEveryMs?: number;
}

export const REPLAY_BENCH_DEFAULTS: ReplayBenchOptions = { assets: 50, durationMs: 120_000 };

export interface ReplayBenchResult {
  readonly recording: ReplayRecordingSummary;
  readonly buildMs: number;
  /** Simulated ms from the first to the last recorded line. */
  readonly simulatedMs: number;
  /** The replay's own wall time (runReplaySession: after the daemon started, to the event log read back). */
  readonly wallMs: number;
  /** Including the daemon's start and close. */
  readonly totalWallMs: number;
  readonly frames: number;
  readonly records: number;
  readonly recordTypes: readonly (readonly [string, number])[];
  readonly badLines: number;
  readonly resyncs: number;
  readonly heapBefore: number;
  readonly heapAtEnd: number;
  readonly heapPeak: number;
  readonly rssPeak: number;
  /** process.resourceUsage().maxRSS in bytes: the whole process's peak, the bench's other work included. */
  readonly processMaxRss: number;
  readonly gcHow: string;
  readonly sampleEveryMs: number;
}

/** Returns the config a replay of these venues runs with: the defaults, only these venues enabled. */
export function replayBenchConfig(venues: readonly VenueId[]): ReturnType<typeof parseConfigText> {
  return parseConfigText(JSON.stringify({ venues: Object.fromEntries(venues.map((v) => [v, {}])) }), 'json', 'replay bench');
}

/** Builds a recording, replays it at max speed through the whole daemon and returns what it measured. */
export async function measureReplay(o: ReplayBenchOptions): Promise<ReplayBenchResult> {
  const venues = o.venues ?? REPLAY_VENUES;
  return withTempDir('replay', async (dir) => {
    const file = join(dir, 'recording.jsonl');
    progress(`replay: building ${fmt(o.durationMs / 1000)} s of ${o.assets} assets on ${venues.join(', ')}`);
    const b0 = performance.now();
    const recording = await buildReplayRecording({ file, assets: o.assets, durationMs: o.durationMs, venues, ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.scenario ? { scenario: o.scenario } : {}) });
    const buildMs = performance.now() - b0;
    progress(`replay: ${fmt(recording.frames)} frames, ${fmt(recording.bytes / 2 ** 20, 1)} MiB in ${fmt(buildMs / 1000, 1)} s; replaying at max speed`);

    const sampleEveryMs = o.sampleEveryMs ?? 100;
    const { gc, how } = findGc();
    const heapBefore = heapAfterGc(gc);
    let heapPeak = heapBefore;
    let rssPeak = process.memoryUsage().rss;
    let heapAtEnd = heapBefore;
    let lastNote = performance.now();
    const t0 = performance.now();
    const result = await runReplaySession({
      file,
      config: replayBenchConfig(venues),
      outDir: join(dir, 'out'),
      speed: Infinity,
      logger: silentLogger(),
      progressEveryMs: sampleEveryMs,
      progress: (p) => {
        if (p.done) {
          // The daemon is still up here: what it holds at the end of the recording.
          heapAtEnd = heapAfterGc(gc);
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
          return;
        }
        const m = process.memoryUsage();
        heapPeak = Math.max(heapPeak, m.heapUsed);
        rssPeak = Math.max(rssPeak, m.rss);
        if (performance.now() - lastNote >= 5000) {
          lastNote = performance.now();
          progress(`replay: ${fmt(p.frames)} frames, ${fmt(p.simulatedMs / 1000, 1)} s simulated, ${fmt(p.simulatedMs / Math.max(1, p.wallMs), 1)}× real time`);
        }
      },
    });
    const totalWallMs = performance.now() - t0;
    heapPeak = Math.max(heapPeak, heapAtEnd);
    const counts = new Map<string, number>();
    for (const r of result.records) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return {
      recording,
      buildMs,
      simulatedMs: (result.lastTs ?? recording.lastTs) - (result.firstTs ?? recording.firstTs),
      wallMs: result.wallMs,
      totalWallMs,
      frames: result.stats.frames,
      records: result.records.length,
      recordTypes: [...counts].sort((a, b) => b[1] - a[1]),
      badLines: result.stats.badLines,
      resyncs: result.stats.resyncs,
      heapBefore,
      heapAtEnd,
      heapPeak,
      rssPeak,
      processMaxRss: process.resourceUsage().maxRSS * 1024,
      gcHow: how,
      sampleEveryMs,
    };
  });
}

const MIB = 2 ** 20;
const HOUR_MS = 3_600_000;

/** Returns the table rows of one measurement. */
export function replayRows(r: ReplayBenchResult, assets: number): Row[] {
  const factor = r.simulatedMs / r.wallMs;
  const simS = r.simulatedMs / 1000;
  const hourScale = HOUR_MS / r.simulatedMs;
  const growth = r.heapAtEnd - r.heapBefore;
  const top = r.recordTypes.slice(0, 3).map(([t, n]) => `${t} ${fmt(n)}`).join(', ');
  const where = `${assets} assets × ${r.recording.venues.length} venues (${r.recording.instruments} instruments)`;
  return [
    {
      measurement: `replay: ${where}, ${fmt(simS)} s simulated, --speed max`,
      value: fmt(factor, 1),
      unit: '× real time',
      notes:
        `${fmt(r.wallMs / 1000, 1)} s wall (${fmt(r.totalWallMs / 1000, 1)} s with daemon start and close); one hour extrapolated (linear in simulated time): ` +
        `~${fmt((HOUR_MS / factor) / 60_000, 1)} min wall; aim 100×; n=1`,
    },
    {
      measurement: '  frames through the whole daemon',
      value: fmt(r.frames / (r.wallMs / 1000)),
      unit: 'frames/s',
      notes: `${fmt(r.frames)} frames (${fmt(r.frames / simS)} per simulated s), ${r.recording.rest} REST snapshots; ${r.badLines} bad lines, ${r.resyncs} resyncs`,
    },
    {
      measurement: '  event log records produced',
      value: fmt(r.records),
      unit: 'records',
      notes: `${top}; one hour extrapolated: ~${fmt(r.records * hourScale)} records`,
    },
    {
      measurement: '  heap growth (end of replay, daemon up, vs before; after GC)',
      value: fmt(growth / MIB, 1),
      unit: 'MiB',
      notes: `${fmt(r.heapBefore / MIB, 1)} → ${fmt(r.heapAtEnd / MIB, 1)} MiB; ${fmt(growth / MIB / (simS / 60), 2)} MiB per simulated minute, one hour extrapolated: ~${fmt((growth * hourScale) / MIB)} MiB (upper bound: books and tapes are bounded, the in-memory event log is not); ${r.gcHow}`,
    },
    {
      measurement: '  peak heap during replay (sampled, with garbage)',
      value: fmt(r.heapPeak / MIB, 1),
      unit: 'MiB',
      notes: `sampled every ${r.sampleEveryMs} ms of wall time`,
    },
    {
      measurement: '  peak RSS during replay (sampled)',
      value: fmt(r.rssPeak / MIB, 1),
      unit: 'MiB',
      notes: `process maxRSS so far ${fmt(r.processMaxRss / MIB, 1)} MiB (includes the bench's other measurements)`,
    },
    {
      measurement: '  recording built in-process (simulator protocols, no sockets)',
      value: fmt(r.simulatedMs / r.buildMs, 1),
      unit: '× real time',
      notes: `${fmt(r.recording.lines)} lines, ${fmt(r.recording.bytes / MIB, 1)} MiB in ${fmt(r.buildMs / 1000, 1)} s (~${fmt((r.recording.bytes * hourScale) / 2 ** 30, 1)} GiB per hour)`,
    },
  ];
}

/** Returns the table rows of the `replay` measurement. */
export async function benchReplay(o: ReplayBenchOptions = REPLAY_BENCH_DEFAULTS): Promise<Row[]> {
  const r = await measureReplay(o);
  return replayRows(r, o.assets);
}
