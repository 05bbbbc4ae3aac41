/**
 * Retention: a job on the clock that keeps the data dir bounded. Every `intervalMs` one pass
 * deletes, in batches of `batchSize` with a turn of the event loop between them (trading's appends
 * and flushes go between batches, through the same write queue):
 *  - every event-log record older than `auditHorizonMs` (transitions, orders, fills, risk, …);
 *  - records of the high-rate types (`highRateTypes`, market-derived chatter) older than `horizonMs`,
 *    never a record of an audit type whatever the list says (see AUDIT_TYPE_PREFIXES);
 *  - files under `<data-dir>/recordings/` last written before `horizonMs` ago.
 * Before the first record of a UTC day goes, that day's summary is written to `store.meta`
 * (`retention.day.<YYYY-MM-DD>`) in the same batch; summaries and the scalper's per-symbol
 * profiles (`scalper.signals` in meta) are never deleted. Each pass ends with one `retention.pass`
 * record saying what it removed (itself kept for the audit horizon). The `features` sublevel is not
 * touched: it holds a fixed number of slots per symbol, bounded by design.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import type { EventLog, EventRecord } from './eventLog.ts';
import { secondKey } from './eventLog.ts';
import { seqKey, type Store } from './store.ts';
import type { WriteOp } from './writeQueue.ts';
import { namesWithPrefix } from './seqMerge.ts';
import { DAY_MS, DaySummaryBuilder, SUMMARY_KEY_PREFIX, dayOf, dayStart, noTrades, tradesByDay, type DaySummary, type TradeDay } from './retentionSummary.ts';

export interface RetentionOptions {
  readonly intervalMs: number;
  readonly horizonMs: number;
  readonly auditHorizonMs: number;
  readonly batchSize: number;
  /** Exact types, or prefixes ending in `*` (`symbol.*`). */
  readonly highRateTypes: readonly string[];
}

/** Types kept for the audit horizon whatever their rate: a high-rate pattern never reaches them. */
export const AUDIT_TYPE_PREFIXES: readonly string[] = [
  'transition', 'order.', 'orders.', 'fill', 'risk.', 'portfolio', 'kill.', 'saga.', 'scalp.', 'alert',
  'retention.', 'integrity.', 'INTEGRITY', 'mode.', 'flatten.', 'arb.trade_closed', 'arb.decision',
  'signal.emitted', 'signal.closed', 'daemon.', 'actor.', 'supervisor.',
];

/** Returns true when records of `type` must stay for the audit horizon. */
export function isAuditType(type: string): boolean {
  return AUDIT_TYPE_PREFIXES.some((p) => type.startsWith(p));
}

export interface RetentionBatch {
  readonly phase: 'audit' | 'high-rate';
  readonly records: number;
  /** 1-based number of the batch within the pass. */
  readonly batch: number;
}

export interface RetentionPass {
  readonly at: number;
  readonly cutoffs: { readonly highRate: number; readonly audit: number };
  readonly removed: Readonly<Record<string, number>>;
  readonly removedTotal: number;
  readonly batches: number;
  /** Days whose summary this pass wrote for the first time. */
  readonly summarized: readonly string[];
  readonly files: { readonly removed: number; readonly bytes: number };
  /** Records that could not be parsed and were left where they are. */
  readonly unreadable: number;
  readonly durationMs: number;
  /** True when `stop()` ended the pass early. */
  readonly interrupted: boolean;
  /** The seq of the pass's own `retention.pass` record. */
  readonly seq: number;
}

export interface RetentionDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: Store;
  readonly eventLog: EventLog;
  readonly dataDir: string;
  /** Read at each pass and each scheduling, so a config reload applies to the next pass. */
  readonly options: () => RetentionOptions;
  /** Called after each committed batch (tests count them). */
  readonly onBatch?: (b: RetentionBatch) => void;
  /** Gives the event loop a turn between batches (default: setImmediate). */
  readonly yieldTurn?: () => Promise<void>;
}

/** The first pass after start comes at most this long after it, so a daemon restarted often still prunes. */
const FIRST_PASS_MAX_DELAY_MS = 60_000;

/** Runs retention passes on the clock; one at a time. */
export class RetentionJob {
  private timer: TimerHandle | undefined;
  private running: Promise<RetentionPass> | undefined;
  private stopped = false;
  private lastPass: RetentionPass | undefined;

  constructor(private readonly d: RetentionDeps) {}

  /** Arms the first pass (at most a minute away, then every `intervalMs`). */
  start(): void {
    this.stopped = false;
    this.schedule(Math.min(this.d.options().intervalMs, FIRST_PASS_MAX_DELAY_MS));
  }

  /** Disarms the timer and waits for a running pass, which ends after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Returns the last pass's result (for the API), if any ran. */
  last(): RetentionPass | undefined {
    return this.lastPass;
  }

  /** Runs one pass as if the time were `now`; a pass already running is joined instead. */
  runOnce(now: number = this.d.clock.now()): Promise<RetentionPass> {
    return (this.running ??= new Pass(this.d, now, () => this.stopped)
      .run()
      .then((p) => (this.lastPass = p))
      .finally(() => (this.running = undefined)));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.d.clock.setTimeout(() => {
      this.timer = undefined;
      this.runOnce()
        .catch((e: unknown) => this.d.logger.error({ err: errorMessage(e) }, 'retention pass failed; next one on schedule'))
        .finally(() => this.schedule(this.d.options().intervalMs));
    }, ms);
  }
}

/** One pass: its cutoffs, its counts and the day summaries it touched. */
class Pass {
  private readonly o: RetentionOptions;
  private readonly cutHigh: number;
  private readonly cutAudit: number;
  private readonly removed: Record<string, number> = {};
  private readonly days = new Map<string, DaySummary>();
  private readonly summarized: string[] = [];
  private trades: Map<string, TradeDay> | undefined;
  private batches = 0;
  private unreadable = 0;
  private interrupted = false;
  private readonly startedAt: number;

  constructor(
    private readonly d: RetentionDeps,
    private readonly now: number,
    private readonly shouldStop: () => boolean,
  ) {
    this.o = d.options();
    this.cutHigh = now - this.o.horizonMs;
    this.cutAudit = now - this.o.auditHorizonMs;
    this.startedAt = d.clock.now();
  }

  async run(): Promise<RetentionPass> {
    await this.auditPhase();
    await this.highRatePhase();
    const files = await this.pruneRecordings();
    const removedTotal = Object.values(this.removed).reduce((a, b) => a + b, 0);
    const durationMs = this.d.clock.now() - this.startedAt;
    const data = {
      cutoffs: { highRate: this.cutHigh, audit: this.cutAudit },
      removed: this.removed,
      removedTotal,
      batches: this.batches,
      summarized: this.summarized,
      files,
      unreadable: this.unreadable,
      durationMs,
      interrupted: this.interrupted,
    };
    const rec = this.d.eventLog.append({ type: 'retention.pass', data });
    await this.d.eventLog.remove([]); // commits the pass record now (an empty removal is a flush)
    if (removedTotal > 0 || files.removed > 0) this.d.logger.info({ removedTotal, files: files.removed, batches: this.batches, durationMs }, 'retention pass');
    return { at: this.now, ...data, seq: rec.seq };
  }

  /** Deletes every record older than the audit horizon, oldest first. */
  private async auditPhase(): Promise<void> {
    const bound = await this.lastSeqBefore(this.cutAudit);
    let after = 0;
    while (after < bound && !this.stopping()) {
      const rows = await this.d.store.events.iterator({ gt: seqKey(after), lte: seqKey(bound), limit: this.o.batchSize }).all();
      if (rows.length === 0) return;
      after = Number(rows[rows.length - 1]![0]);
      const doomed = this.parse(rows).filter((r) => r.ts < this.cutAudit);
      await this.removeBatch('audit', doomed);
    }
  }

  /** Deletes high-rate records older than the horizon, type by type through the type index. */
  private async highRatePhase(): Promise<void> {
    const bound = await this.lastSeqBefore(this.cutHigh);
    if (bound <= 0) return;
    const types = new Set<string>();
    for (const p of this.o.highRateTypes) {
      const names = p.endsWith('*') ? await namesWithPrefix(this.d.store.eventsByType, p.slice(0, -1)) : [p];
      for (const n of names) if (!isAuditType(n)) types.add(n);
    }
    for (const type of [...types].sort()) {
      let from = type + '\u0000';
      const hi = type + '\u0000' + seqKey(bound);
      while (!this.stopping()) {
        const keys = await this.d.store.eventsByType.keys({ gt: from, lte: hi, limit: this.o.batchSize }).all();
        if (keys.length === 0) break;
        from = keys[keys.length - 1]!;
        const seqKeys = keys.map((k) => k.slice(k.lastIndexOf('\u0000') + 1));
        const values = await this.d.store.events.getMany(seqKeys);
        const rows = seqKeys.flatMap((k, i): [string, string][] => (values[i] === undefined ? [] : [[k, values[i]!]]));
        const doomed = this.parse(rows).filter((r) => r.ts < this.cutHigh && r.type === type);
        await this.removeBatch('high-rate', doomed);
      }
    }
  }

  private async removeBatch(phase: RetentionBatch['phase'], records: EventRecord[]): Promise<void> {
    if (records.length === 0) return;
    const touched = new Set<string>();
    for (const r of records) {
      const day = dayOf(r.ts);
      const s = this.days.get(day) ?? (await this.summaryOf(day));
      s.removed[r.type] = (s.removed[r.type] ?? 0) + 1;
      this.removed[r.type] = (this.removed[r.type] ?? 0) + 1;
      touched.add(day);
    }
    // The summaries go first in the same atomic batch as the deletions they describe.
    const extra: WriteOp[] = [...touched].map((day) => ({ sublevel: this.d.store.meta, key: SUMMARY_KEY_PREFIX + day, value: JSON.stringify(this.days.get(day)) }));
    await this.d.eventLog.remove(records, extra);
    this.batches++;
    this.d.onBatch?.({ phase, records: records.length, batch: this.batches });
    await (this.d.yieldTurn ?? setImmediatePromise)();
  }

  /** Returns the day's saved summary, or builds it from the day's records (all still there). */
  private async summaryOf(day: string): Promise<DaySummary> {
    const saved = await this.d.store.meta.get(SUMMARY_KEY_PREFIX + day);
    let summary: DaySummary | undefined;
    if (saved !== undefined) {
      try {
        summary = JSON.parse(saved) as DaySummary;
        summary.removed ??= {};
      } catch (e) {
        this.d.logger.warn({ day, err: errorMessage(e) }, 'retention summary unreadable; rebuilt from what is left');
      }
    }
    if (!summary) {
      const b = new DaySummaryBuilder(day);
      const start = dayStart(day);
      let n = 0;
      for await (const r of this.d.eventLog.query({ since: start, until: start + DAY_MS - 1 })) {
        b.add(r);
        if (++n % this.o.batchSize === 0) await (this.d.yieldTurn ?? setImmediatePromise)();
      }
      this.trades ??= this.readTrades();
      summary = b.build(this.d.clock.now(), this.trades.get(day) ?? noTrades());
      this.summarized.push(day);
    }
    this.days.set(day, summary);
    return summary;
  }

  private readTrades(): Map<string, TradeDay> {
    try {
      return tradesByDay(this.d.dataDir);
    } catch (e) {
      this.d.logger.warn({ err: errorMessage(e) }, 'trade audit unreadable; day summaries without trades');
      return new Map();
    }
  }

  /** Deletes files under `<data-dir>/recordings/` (any depth) last modified before the horizon. */
  private async pruneRecordings(): Promise<{ removed: number; bytes: number }> {
    const out = { removed: 0, bytes: 0 };
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return; // no recordings dir: nothing to do
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) await walk(path);
        else if (e.isFile()) {
          try {
            const st = await stat(path);
            if (st.mtimeMs >= this.cutHigh) continue;
            await unlink(path);
            out.removed++;
            out.bytes += st.size;
          } catch (err) {
            this.d.logger.warn({ path, err: errorMessage(err) }, 'recording not removed');
          }
        }
      }
    };
    await walk(join(this.d.dataDir, 'recordings'));
    return out;
  }

  /**
   * Returns the highest seq whose every record before it is older than `cut` by the time index
   * (records are seq-ordered and the index keeps the running max ts), 0 when there is none.
   */
  private async lastSeqBefore(cut: number): Promise<number> {
    for await (const v of this.d.store.eventsBySecond.values({ gte: secondKey(Math.floor(cut / 1000)), limit: 1 })) return Number(v) - 1;
    return this.d.eventLog.lastSeq;
  }

  private parse(rows: readonly [string, string][]): EventRecord[] {
    const out: EventRecord[] = [];
    for (const [key, value] of rows) {
      try {
        const r = JSON.parse(value) as EventRecord;
        if (r && typeof r.ts === 'number' && typeof r.type === 'string' && r.seq === Number(key)) out.push(r);
        else this.unreadable++;
      } catch {
        this.unreadable++;
      }
    }
    return out;
  }

  private stopping(): boolean {
    if (this.shouldStop()) this.interrupted = true;
    return this.interrupted;
  }
}

function setImmediatePromise(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}
