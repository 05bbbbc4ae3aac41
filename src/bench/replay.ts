/**
 * Measurement `replay`: how many times faster than real time `fleet replay --speed max` runs a
 * recording of the issue's load, 50 instruments on three venues (17 assets as perps on
 * bybit-linear, binance-usdm and okx: 51 instruments, about 1,240 frames per simulated second,
 * the venues' real stream rates), and the memory it takes; then the same for 150 instruments.
 * The recording is built in-process from the simulator's venue protocols (./replayRecording.ts);
 * the replay is `runReplaySession`, the whole daemon (adapters' parsers, book sync, features,
 * symbol and route charts, risk, paper fills, the in-memory store and event log) on the
 * recording's clock, with the default config limited to the three venues and the scalper's
 * thresholds lowered so that it trades on paper (as a backtest would: the defaults are above what
 * the simulator's calm market scores). The recording is built once and replayed `runs` times:
 * the speed is the median.
 *
 * Memory: heapUsed after forced GCs before the first replay and at its end with the daemon still
 * up (in the session's last progress call), the largest heapUsed and RSS sampled during it, and
 * the process's peak RSS. One-hour figures are extrapolations, linear in simulated time, unless
 * the recording is an hour long (`fleet bench --only replay --replay-minutes 60`).
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FleetConfig, VenueId } from '../config/schema.ts';
import { parseConfigText } from '../config/load.ts';
import { silentLogger } from '../core/logger.ts';
import type { ScenarioName } from '../sim/market/generator.ts';
import { runReplaySession, type ReplayResult } from '../replay/session.ts';
import { buildReplayRecording, REPLAY_VENUES, type ReplayRecordingSummary } from './replayRecording.ts';
import { findGc, heapAfterGc } from './scalperPath.ts';
import { fmt, median, progress, spread, withTempDir, type Row } from './util.ts';

export interface ReplayBenchOptions {
  /** Assets, each a perp on every venue. */
  readonly assets: number;
  /** Simulated time recorded (past the scalper's 60 s warm-up, so the charts decide in it). */
  readonly durationMs: number;
  readonly venues?: readonly VenueId[];
  readonly seed?: number;
  readonly scenario?: ScenarioName;
  /** Replays of the one recording (default 1); the speed is their median. */
  readonly runs?: number;
  /** Wall ms between memory samples during the replay. */
  readonly sampleEveryMs?: number;
}

/** The issue's load: 50 instruments (17 assets × 3 venues), five simulated minutes, three replays. */
export const REPLAY_BENCH_DEFAULTS: ReplayBenchOptions = { assets: 17, durationMs: 300_000, runs: 3 };
/** The heavier load: 150 instruments (50 assets × 3 venues), one simulated minute past the warm-up, one replay. */
export const REPLAY_BENCH_WIDE: ReplayBenchOptions = { assets: 50, durationMs: 90_000, runs: 1 };

export interface ReplayBenchResult {
  readonly recording: ReplayRecordingSummary;
  readonly buildMs: number;
  /** Simulated ms from the first to the last recorded line. */
  readonly simulatedMs: number;
  /** Each replay's own wall time (runReplaySession: after the daemon started, to the event log read back). */
  readonly wallMs: readonly number[];
  /** The first replay's, including the daemon's start and close. */
  readonly totalWallMs: number;
  readonly frames: number;
  readonly records: number;
  readonly recordTypes: readonly (readonly [string, number])[];
  readonly badLines: number;
  readonly resyncs: number;
  /** Whether every replay gave the first one's hash. */
  readonly sameHash: boolean;
  readonly heapBefore: number;
  readonly heapAtEnd: number;
  readonly heapPeak: number;
  readonly rssPeak: number;
  /** process.resourceUsage().maxRSS in bytes: the whole process's peak, the bench's other work included. */
  readonly processMaxRss: number;
  readonly gcHow: string;
  readonly sampleEveryMs: number;
}

/**
 * Returns the config file (as written to disk) a replay of these venues runs with: the defaults,
 * only these venues enabled (each with its own settings), and the scalper's thresholds and
 * universe minimums lowered so that it trades on the simulator.
 */
export function replayConfigFile(venues: Readonly<Partial<Record<VenueId, object>>>): Record<string, unknown> {
  return {
    venues,
    scalper: { watchThreshold: 0.25, armThreshold: 0.3, universe: { warmupMs: 1000, minVolume24hQuote: 0, minOpenInterestQuote: 0, maxSpreadBps: 1000 } },
  };
}

/** Returns the config a replay of these venues runs with (replayConfigFile, validated). */
export function replayBenchConfig(venues: readonly VenueId[]): FleetConfig {
  return parseConfigText(JSON.stringify(replayConfigFile(Object.fromEntries(venues.map((v) => [v, {}])))), 'json', 'replay bench');
}

/** Builds a recording, replays it at max speed through the whole daemon `runs` times and returns what it measured. */
export async function measureReplay(o: ReplayBenchOptions): Promise<ReplayBenchResult> {
  const venues = o.venues ?? REPLAY_VENUES;
  const runs = Math.max(1, o.runs ?? 1);
  return withTempDir('replay', async (dir) => {
    const file = join(dir, 'recording.jsonl');
    progress(`replay: building ${fmt(o.durationMs / 1000)} s of ${o.assets} assets on ${venues.join(', ')}`);
    const b0 = performance.now();
    const recording = await buildReplayRecording({ file, assets: o.assets, durationMs: o.durationMs, venues, ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.scenario ? { scenario: o.scenario } : {}) });
    const buildMs = performance.now() - b0;
    progress(`replay: ${fmt(recording.frames)} frames, ${fmt(recording.bytes / 2 ** 20, 1)} MiB in ${fmt(buildMs / 1000, 1)} s; replaying at max speed ${runs}×`);

    const sampleEveryMs = o.sampleEveryMs ?? 100;
    const { gc, how } = findGc();
    const heapBefore = heapAfterGc(gc);
    let heapPeak = heapBefore;
    let rssPeak = process.memoryUsage().rss;
    let heapAtEnd = heapBefore;
    let lastNote = performance.now();
    const wallMs: number[] = [];
    let first: ReplayResult | undefined;
    let totalWallMs = 0;
    let sameHash = true;
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      const result = await runReplaySession({
        file,
        config: replayBenchConfig(venues),
        outDir: join(dir, `out-${run}`),
        speed: Infinity,
        logger: silentLogger(),
        keepRecords: false,
        progressEveryMs: sampleEveryMs,
        progress: (p) => {
          if (p.done) {
            // The daemon is still up here: what it holds at the end of the recording.
            if (run === 0) heapAtEnd = heapAfterGc(gc);
            rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
            return;
          }
          const m = process.memoryUsage();
          heapPeak = Math.max(heapPeak, m.heapUsed);
          rssPeak = Math.max(rssPeak, m.rss);
          if (performance.now() - lastNote >= 5000) {
            lastNote = performance.now();
            progress(`replay ${run + 1}/${runs}: ${fmt(p.frames)} frames, ${fmt(p.simulatedMs / 1000, 1)} s simulated, ${fmt(p.simulatedMs / Math.max(1, p.wallMs), 1)}× real time`);
          }
        },
      });
      wallMs.push(result.wallMs);
      if (run === 0) {
        first = result;
        totalWallMs = performance.now() - t0;
      } else if (result.hash !== first!.hash) sameHash = false;
    }
    const result = first!;
    heapPeak = Math.max(heapPeak, heapAtEnd);
    return {
      recording,
      buildMs,
      simulatedMs: (result.lastTs ?? recording.lastTs) - (result.firstTs ?? recording.firstTs),
      wallMs,
      totalWallMs,
      frames: result.stats.frames,
      records: result.recordCount,
      recordTypes: [...result.recordTypes].sort((a, b) => b[1] - a[1]),
      badLines: result.stats.badLines,
      resyncs: result.stats.resyncs,
      sameHash,
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
  const wall = median(r.wallMs);
  const factor = r.simulatedMs / wall;
  const simS = r.simulatedMs / 1000;
  const hourScale = HOUR_MS / r.simulatedMs;
  const growth = r.heapAtEnd - r.heapBefore;
  const count = (type: string) => r.recordTypes.find(([t]) => t === type)?.[1] ?? 0;
  const top = r.recordTypes.slice(0, 3).map(([t, n]) => `${t} ${fmt(n)}`).join(', ');
  const where = `${assets} assets × ${r.recording.venues.length} venues (${r.recording.instruments} instruments)`;
  const hour = r.simulatedMs >= HOUR_MS ? 'one hour replayed' : `one hour extrapolated (linear in simulated time): ~${fmt((HOUR_MS / factor) / 60_000, 1)} min wall`;
  return [
    {
      measurement: `replay: ${where}, ${fmt(simS)} s simulated, --speed max`,
      value: fmt(factor, 1),
      unit: '× real time',
      notes:
        `median ${fmt(wall / 1000, 1)} s wall (first run ${fmt(r.totalWallMs / 1000, 1)} s with daemon start and close); ${hour}; aim 100×; ` +
        `${spread(r.wallMs.map((w) => r.simulatedMs / w), 1)}${r.wallMs.length > 1 ? (r.sameHash ? '; every run gave the same hash' : '; RUNS GAVE DIFFERENT HASHES') : ''}`,
    },
    {
      measurement: '  frames through the whole daemon',
      value: fmt(r.frames / (wall / 1000)),
      unit: 'frames/s',
      notes: `${fmt(r.frames)} frames (${fmt(r.frames / simS)} per simulated s), ${r.recording.rest} REST snapshots; ${r.badLines} bad lines, ${r.resyncs} resyncs`,
    },
    {
      measurement: '  paper trading in the replay',
      value: fmt(count('order.fill')),
      unit: 'fills',
      notes: `${fmt(count('scalp.closed'))} scalps closed, ${fmt(count('arb.trade_closed'))} arbitrage trades closed, ${fmt(count('order.intent'))} orders`,
    },
    {
      measurement: '  event log records produced',
      value: fmt(r.records),
      unit: 'records',
      notes: r.simulatedMs >= HOUR_MS ? top : `${top}; one hour extrapolated: ~${fmt(r.records * hourScale)} records`,
    },
    {
      measurement: '  heap growth (end of replay, daemon up, vs before; after GC)',
      value: fmt(growth / MIB, 1),
      unit: 'MiB',
      notes: `${fmt(r.heapBefore / MIB, 1)} → ${fmt(r.heapAtEnd / MIB, 1)} MiB; ${fmt(growth / MIB / (simS / 60), 2)} MiB per simulated minute${r.simulatedMs >= HOUR_MS ? '' : `, one hour extrapolated linearly: ≤ ~${fmt((growth * hourScale) / MIB)} MiB (an upper bound: books, tapes and feature histories fill in the first minutes)`}; the event log is drained out of the in-memory store as the replay runs; ${r.gcHow}`,
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

/** Returns the table rows of the `replay` measurement: the issue's load (`minutes` simulated), then the wider one. */
export async function benchReplay(o: { readonly minutes?: number; readonly loads?: readonly ReplayBenchOptions[] } = {}): Promise<Row[]> {
  const main = o.minutes !== undefined ? { ...REPLAY_BENCH_DEFAULTS, durationMs: o.minutes * 60_000 } : REPLAY_BENCH_DEFAULTS;
  const rows: Row[] = [];
  for (const load of o.loads ?? [main, REPLAY_BENCH_WIDE]) rows.push(...replayRows(await measureReplay(load), load.assets));
  return rows;
}
