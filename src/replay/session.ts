/**
 * A replay: a recording (`fleet record`, or the simulator's frames) through exactly the code that
 * trades live. The daemon is composed as `fleet start` composes it (src/main.ts, `replay` option):
 * the same adapters' parsers and book sync, features, symbol and route charts, risk, the order
 * manager and the paper engine (the simulator's matching code with its queue position and latency
 * model), on a simulated clock that the recording's timestamps drive. Nothing in the strategies or
 * actors knows it is a replay.
 *
 * Determinism: time moves only to the next line's timestamp, one due timer at a time. The lines
 * stamped with one millisecond are one turn (live, a socket's burst is handled in one turn and its
 * ticks conflated); after each turn and each timer, the conflated ticks flush and every
 * continuation runs to quiescence (the store is in memory, its operations complete in order
 * within the turn), before time moves on.
 * The same recording and config therefore give the same event log, byte for byte, at any speed:
 * `--speed` only adds wall-clock waits between lines.
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { ManualClock, SystemClock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { FleetConfig } from '../config/schema.ts';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import { RecordingReplayer, type ReplayStats } from '../market/replay.ts';
import { startDaemon, type Daemon } from '../main.ts';
import type { EventRecord } from '../runtime/eventLog.ts';

export interface ReplayOptions {
  /** One recording, or several fed in order as one (a data dir's hourly recordings). */
  readonly file: string | readonly string[];
  readonly config: FleetConfig;
  /** Where the replay's trade audit and reports go (the store itself is in memory). */
  readonly outDir: string;
  /** Lines per wall second multiple: Infinity = as fast as possible. */
  readonly speed: number;
  /** Only lines stamped within [from, to] (ms) are fed; instrument lines always are. */
  readonly from?: number;
  readonly to?: number;
  readonly logger: Logger;
  /** Called about every `progressEveryMs` of wall time, and once at the end. */
  progress?(p: ReplayProgress): void;
  readonly progressEveryMs?: number;
  /** Where the event log goes as the replay runs, one JSON line per record (what the hash covers). */
  readonly eventsFile?: string;
  /**
   * Whether `records` holds every record (default true). A long replay passes false: records are
   * drained out of the in-memory store as it runs, so memory does not grow with the recording.
   */
  readonly keepRecords?: boolean;
  /** Records committed before they are drained out of the store, between turns (default 4096). */
  readonly drainEvery?: number;
}

export interface ReplayProgress {
  readonly instruments: number;
  readonly frames: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly done: boolean;
}

export interface ReplayResult {
  /** sha256 of the event log the replay produced (one JSON line per record, in seq order). */
  readonly hash: string;
  /** Every record, in seq order (empty with `keepRecords: false`). */
  readonly records: readonly EventRecord[];
  /** How many records the replay produced, and how many of each type. */
  readonly recordCount: number;
  readonly recordTypes: ReadonlyMap<string, number>;
  readonly stats: ReplayStats;
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
  readonly wallMs: number;
  /** The arbitrage routes' spreads over the replay (for the report's charts). */
  readonly spreads: readonly { route: string; points: readonly { ts: number; netBps: number; grossBps: number }[] }[];
}

/** Returns a recording line's timestamp (every line but the header carries one, first after its type). */
function tsOf(line: string): number | undefined {
  const m = /"ts":\s*(\d+)/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** Returns the first timestamp the recording carries (the replay's clock starts there). */
async function firstTimestamp(file: string): Promise<number | undefined> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const ts = tsOf(line);
      if (ts !== undefined) return ts;
    }
  } finally {
    lines.close();
  }
  return undefined;
}

/** The most lines fed as one turn before settling. */
const MAX_TURN_LINES = 5000;
/** Records committed to the in-memory store before they are drained out of it (between turns). */
const DRAIN_EVERY = 4096;

/** Lets every continuation run: ticks queued for flushing, promise chains, the in-memory store. */
async function quiesce(pending: (() => void)[]): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    while (pending.length) pending.shift()!();
    await new Promise<void>((r) => setImmediate(r));
    if (pending.length === 0) return;
  }
}

/** Runs a replay to its end and returns the event log it produced, with its hash. */
export async function runReplaySession(o: ReplayOptions): Promise<ReplayResult> {
  const files = typeof o.file === 'string' ? [o.file] : [...o.file];
  let first: number | undefined;
  for (const f of files) if ((first = await firstTimestamp(f)) !== undefined) break;
  const clock = new ManualClock(first ?? 0);
  const pending: (() => void)[] = [];
  // DRY: real (recorded) data, paper fills: nothing can reach a venue.
  const config: FleetConfig = { ...o.config, mode: 'dry' };
  const daemon: Daemon = await startDaemon({ config, overrides: { mode: 'dry' }, dataDir: o.outDir, clock, logger: o.logger, env: {}, replay: { schedule: (fn) => pending.push(fn) } });
  const market = daemon.market?.market;
  if (!market) {
    await daemon.close();
    throw new Error('the config enables no venue: nothing to replay');
  }
  const replayer = new RecordingReplayer(market, PUBLIC_ADAPTERS, (venue, list) => daemon.execution?.instrumentsLoaded(venue, list));
  const wall = new SystemClock();
  const wallStart = wall.now();
  let lastProgress = wallStart;
  /**
   * The event log leaves the in-memory store as the replay runs: between turns (nothing else is
   * running then), the committed records are hashed, written out and removed. Nothing in the
   * daemon reads the log back during a replay (retention and the API do not run in one).
   */
  const hash = createHash('sha256');
  const keep = o.keepRecords ?? true;
  const records: EventRecord[] = [];
  const recordTypes = new Map<string, number>();
  let recordCount = 0;
  let drained = 0;
  const events = o.eventsFile !== undefined ? openSync(o.eventsFile, 'w') : undefined;
  const drain = async (): Promise<void> => {
    const batch: EventRecord[] = [];
    for await (const r of daemon.eventLog.query({ afterSeq: drained })) batch.push(r);
    if (batch.length === 0) return;
    let text = '';
    for (const r of batch) {
      const line = JSON.stringify(r) + '\n';
      hash.update(line);
      text += line;
      recordTypes.set(r.type, (recordTypes.get(r.type) ?? 0) + 1);
      if (keep) records.push(r);
    }
    if (events !== undefined) writeSync(events, text);
    recordCount += batch.length;
    drained = batch.at(-1)!.seq;
    await daemon.eventLog.remove(batch);
  };

  const report = (done: boolean) => o.progress?.({ instruments: market.feeds.size, frames: replayer.stats.frames, simulatedMs: clock.now() - (first ?? 0), wallMs: wall.now() - wallStart, done });

  /** Moves the simulated clock to `ts`, one due timer at a time, settling after each. */
  const moveTo = async (ts: number): Promise<void> => {
    for (;;) {
      const due = clock.nextDueAt(ts);
      if (due === undefined) break;
      clock.set(due);
      await quiesce(pending);
    }
    if (ts > clock.now()) clock.set(ts);
  };

  /**
   * The lines of one millisecond are one turn, as a socket's burst is live: fed together, then
   * the conflated ticks flush and everything settles. They are buffered first so that no file
   * read can interleave with the settling (the order never depends on I/O timing).
   */
  const turn: { line: string; lineNo: number }[] = [];
  const feedTurn = async (): Promise<void> => {
    for (const l of turn) replayer.line(l.line, l.lineNo);
    turn.length = 0;
    await quiesce(pending);
    if (daemon.eventLog.lastSeq - drained >= (o.drainEvery ?? DRAIN_EVERY)) await drain();
    if (o.progress && wall.now() - lastProgress >= (o.progressEveryMs ?? 500)) {
      lastProgress = wall.now();
      report(false);
    }
  };

  try {
    await quiesce(pending);
    for (const file of files) {
      let lineNo = 0;
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        lineNo++;
        const ts = tsOf(line);
        if (ts !== undefined && ((o.from !== undefined && ts < o.from) || (o.to !== undefined && ts > o.to))) continue;
        if (ts !== undefined && ts > clock.now()) {
          await feedTurn();
          if (Number.isFinite(o.speed)) {
            const wait = wallStart + (ts - (first ?? ts)) / o.speed - wall.now();
            if (wait > 1) await new Promise<void>((r) => setTimeout(r, wait));
          }
          await moveTo(ts);
        }
        turn.push({ line, lineNo });
        // A millisecond with an outsized burst is fed in slices (by count: still deterministic).
        if (turn.length >= MAX_TURN_LINES) await feedTurn();
      }
    }
    await feedTurn();
    // Let what the last frames started finish (entries' timeouts, cooldowns) for one more second.
    await moveTo(clock.now() + 1000);
    await quiesce(pending);
    await daemon.runtime.settle();
    await drain();
  } catch (e) {
    await daemon.close().catch(() => undefined);
    throw e;
  } finally {
    if (events !== undefined) closeSync(events);
  }
  report(true);
  const spreads = daemon.arbitrage?.routesView().map((r) => ({ route: r.id, points: r.spreads })) ?? [];
  await daemon.close();
  return { hash: hash.digest('hex'), records, recordCount, recordTypes, stats: replayer.stats, firstTs: replayer.stats.firstTs, lastTs: replayer.stats.lastTs, wallMs: wall.now() - wallStart, spreads };
}
