/**
 * The append-only event log. `seq` is assigned synchronously, strictly increasing and continued
 * from disk after a restart; records are committed through the write queue and published on
 * `committed$` only once they are on disk, so no reader ever sees a seq that a crash could reuse.
 */
import { Subject } from 'rxjs';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import { seqKey, type Store } from './store.ts';
import type { WriteOp, WriteQueue } from './writeQueue.ts';
import { indexRange, mergeSorted, namesWithPrefix } from './seqMerge.ts';
import { removalOps } from './eventPrune.ts';

export interface EventRecord {
  readonly seq: number;
  readonly ts: number;
  readonly type: string;
  readonly actor?: string;
  readonly from?: string;
  readonly event?: string;
  readonly to?: string;
  readonly causationId?: string;
  readonly data?: unknown;
}

export type NewEvent = Omit<EventRecord, 'seq' | 'ts'> & { ts?: number };

export interface EventQuery {
  /** An exact actor id, or a prefix ending in `*` (`symbol:*`). */
  actor?: string;
  type?: string;
  /** Inclusive bounds in epoch ms. */
  since?: number;
  until?: number;
  /** Only records with seq greater than this (a cursor for paging). */
  afterSeq?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

export interface CorruptRecord {
  readonly seq: number;
  readonly reason: string;
}

const SEP = '\u0000';
const FETCH_CHUNK = 512;

export class EventLog {
  readonly committed$ = new Subject<EventRecord>();
  private seq: number;
  private maxSecond: number;
  private pending: { generation: number; record: EventRecord }[] = [];
  corruptSeen = 0;

  private constructor(
    private readonly store: Store,
    private readonly queue: WriteQueue,
    private readonly clock: Clock,
    private readonly logger: Logger,
    lastSeq: number,
    maxSecond: number,
  ) {
    this.seq = lastSeq;
    this.maxSecond = maxSecond;
    queue.onCommit((generation) => this.publish(generation));
    // The high-water mark goes into each batch once, not once per record.
    let markedSeq = lastSeq;
    queue.addContributor(() => {
      if (this.seq === markedSeq) return [];
      markedSeq = this.seq;
      return [{ sublevel: store.meta, key: 'lastSeq', value: String(this.seq) }];
    });
  }

  /** Opens the log, continuing `seq` from the highest of the last stored key and the meta mark. */
  static async open(store: Store, queue: WriteQueue, clock: Clock, logger: Logger): Promise<EventLog> {
    let lastSeq = 0;
    for await (const key of store.events.keys({ reverse: true, limit: 1 })) lastSeq = Number(key);
    const mark = await store.meta.get('lastSeq');
    if (mark !== undefined && Number(mark) > lastSeq) lastSeq = Number(mark);
    let maxSecond = -1;
    for await (const key of store.eventsBySecond.keys({ reverse: true, limit: 1 })) maxSecond = Number(key);
    return new EventLog(store, queue, clock, logger, lastSeq, maxSecond);
  }

  /** Returns the last seq assigned. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Appends a record through the write-behind queue and returns it (with its seq). */
  append(e: NewEvent): EventRecord {
    const record = this.assign(e);
    this.queue.enqueue(...this.ops(record));
    return record;
  }

  /** Appends a record and resolves once it (and everything before it) is fsynced. */
  async appendDurable(e: NewEvent): Promise<EventRecord> {
    const record = this.assign(e);
    await this.queue.durable(...this.ops(record));
    return record;
  }

  /**
   * Deletes `records` (as read from this log) with their type, actor and time index entries, plus
   * `extra` ops, in one batch through the write queue; resolves once on disk. `lastSeq` is not
   * touched, so a deleted seq is never handed out again. Used by retention only.
   */
  async remove(records: readonly EventRecord[], extra: readonly WriteOp[] = []): Promise<void> {
    const ops = await removalOps(this.store, records);
    this.queue.enqueue(...extra, ...ops);
    await this.queue.flush();
  }

  private assign(e: NewEvent): EventRecord {
    const record: EventRecord = { seq: ++this.seq, ts: e.ts ?? this.clock.now(), ...withoutTs(e) };
    this.pending.push({ generation: this.queue.currentGeneration, record });
    return record;
  }

  private ops(r: EventRecord): WriteOp[] {
    const key = seqKey(r.seq);
    const ops: WriteOp[] = [
      { sublevel: this.store.events, key, value: JSON.stringify(r) },
      { sublevel: this.store.eventsByType, key: r.type + SEP + key, value: '' },
    ];
    if (r.actor !== undefined) ops.push({ sublevel: this.store.eventsByActor, key: r.actor + SEP + key, value: '' });
    const second = Math.floor(r.ts / 1000);
    if (second > this.maxSecond) {
      this.maxSecond = second;
      ops.push({ sublevel: this.store.eventsBySecond, key: secondKey(second), value: String(r.seq) });
    }
    return ops;
  }

  private publish(generation: number): void {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.generation <= generation) n++;
    if (n === 0) return;
    const done = this.pending.splice(0, n);
    for (const p of done) this.committed$.next(p.record);
  }

  /**
   * Yields the records matching `q` in seq order (or reverse). Records that cannot be read are
   * reported to `onCorrupt` and the logger, then skipped: never silently.
   */
  async *query(q: EventQuery = {}, onCorrupt?: (c: CorruptRecord) => void): AsyncGenerator<EventRecord> {
    const limit = q.limit ?? Infinity;
    if (limit <= 0) return;
    const desc = q.order === 'desc';
    let lo = (q.afterSeq ?? 0) + 1;
    let hi = Infinity;
    if (q.since !== undefined) {
      const start = await this.firstSeqAtSecond(Math.floor(q.since / 1000), 'gte');
      if (start === undefined) return;
      lo = Math.max(lo, start);
    }
    if (q.until !== undefined) {
      const end = await this.firstSeqAtSecond(Math.floor(q.until / 1000), 'gt');
      if (end !== undefined) hi = end - 1;
    }
    if (lo > hi) return;

    const report = (c: CorruptRecord): void => {
      this.corruptSeen++;
      this.logger.warn({ seq: c.seq, reason: c.reason }, 'event log record unreadable; skipped');
      onCorrupt?.(c);
    };
    const matches = (r: EventRecord): boolean =>
      (q.type === undefined || r.type === q.type) &&
      (q.actor === undefined || actorMatches(q.actor, r.actor)) &&
      (q.since === undefined || r.ts >= q.since) &&
      (q.until === undefined || r.ts <= q.until);

    const rows =
      q.actor === undefined && q.type === undefined ? this.scanRows(lo, hi, desc) : this.fetchRows(await this.indexSeqs(q, lo, hi, desc));
    let yielded = 0;
    for await (const [seq, value] of rows) {
      if (value === undefined) {
        report({ seq, reason: 'indexed record is missing' });
        continue;
      }
      const r = parse(seq, value, report);
      if (r && matches(r)) {
        yield r;
        if (++yielded >= limit) return; // returning closes the row source and its iterator
      }
    }
  }

  /** Yields `[seq, value]` straight from the log within [lo, hi]. */
  private async *scanRows(lo: number, hi: number, desc: boolean): AsyncGenerator<[number, string]> {
    const it = this.store.events.iterator({ gte: seqKey(lo), ...(hi < Infinity ? { lte: seqKey(hi) } : {}), reverse: desc });
    try {
      for (;;) {
        const entries = await it.nextv(FETCH_CHUNK);
        if (entries.length === 0) return;
        for (const [key, value] of entries) yield [Number(key), value];
      }
    } finally {
      await it.close();
    }
  }

  /** Yields `[seq, value]` for each seq of an index stream, fetched in chunks (value undefined if missing). */
  private async *fetchRows(seqs: AsyncIterable<number>): AsyncGenerator<[number, string | undefined]> {
    let chunk: number[] = [];
    const fetch = async (): Promise<[number, string | undefined][]> => {
      const values = await this.store.events.getMany(chunk.map(seqKey));
      const out = chunk.map((seq, j): [number, string | undefined] => [seq, values[j]]);
      chunk = [];
      return out;
    };
    for await (const seq of seqs) {
      chunk.push(seq);
      if (chunk.length >= FETCH_CHUNK) yield* await fetch();
    }
    if (chunk.length > 0) yield* await fetch();
  }

  /** Returns the lazy, ordered seq stream of the actor index (preferred) or the type index. */
  private async indexSeqs(q: EventQuery, lo: number, hi: number, desc: boolean): Promise<AsyncGenerator<number>> {
    const [sub, name] = q.actor !== undefined ? [this.store.eventsByActor, q.actor] : [this.store.eventsByType, q.type!];
    const loKey = seqKey(lo);
    const hiKey = hi < Infinity ? seqKey(hi) : undefined;
    if (!name.endsWith('*')) return indexRange(sub, name, loKey, hiKey, desc);
    const names = await namesWithPrefix(sub, name.slice(0, -1));
    return mergeSorted(names.map((n) => indexRange(sub, n, loKey, hiKey, desc)), desc);
  }

  private async firstSeqAtSecond(second: number, op: 'gte' | 'gt'): Promise<number | undefined> {
    for await (const v of this.store.eventsBySecond.values({ [op]: secondKey(second), limit: 1 })) return Number(v);
    return undefined;
  }
}

/** Returns the time index key of an epoch second. */
export function secondKey(second: number): string {
  return String(second).padStart(13, '0');
}

function withoutTs(e: NewEvent): Omit<NewEvent, 'ts'> {
  if (!('ts' in e)) return e;
  const { ts: _ts, ...rest } = e;
  return rest;
}

function actorMatches(pattern: string, actor: string | undefined): boolean {
  if (actor === undefined) return false;
  return pattern.endsWith('*') ? actor.startsWith(pattern.slice(0, -1)) : actor === pattern;
}

function parse(seq: number, value: string, report: (c: CorruptRecord) => void): EventRecord | undefined {
  try {
    const r = JSON.parse(value) as EventRecord;
    if (typeof r !== 'object' || r === null || r.seq !== seq || typeof r.ts !== 'number' || typeof r.type !== 'string') {
      report({ seq, reason: 'record does not have the event shape (seq, ts, type)' });
      return undefined;
    }
    return r;
  } catch (e) {
    report({ seq, reason: `not valid JSON: ${errorMessage(e)}` });
    return undefined;
  }
}
