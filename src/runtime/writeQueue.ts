/**
 * The one ordered write path into LevelDB. Ordinary writes are buffered and committed together
 * every flush interval (write-behind); durable writes commit the buffer plus their own ops at once
 * with `sync: true`. Batches are chained, so commits reach disk in the order they were asked for,
 * and a LevelDB batch is atomic, so an actor's snapshot and the log records of the transitions
 * that led to it land together or not at all.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { AbstractBatchOptions } from 'abstract-level';
import type { Store, Sub } from './store.ts';
import { errorMessage } from '../core/errors.ts';

export interface WriteOp {
  readonly sublevel: Sub;
  readonly key: string;
  /** Undefined deletes the key. */
  readonly value: string | undefined;
}

export interface WriteQueueOptions {
  clock: Clock;
  flushIntervalMs: number;
  logger: Logger;
  /** Commits early when this many ops are buffered (bounds memory under bursts). */
  maxBuffered?: number;
}

type Contributor = () => WriteOp[];

export class WriteQueue {
  private buffer: WriteOp[] = [];
  private timer: TimerHandle | undefined;
  private tail: Promise<void> = Promise.resolve();
  private generation = 1;
  private contributors: Contributor[] = [];
  private commitListeners: ((generation: number) => void)[] = [];
  private closed = false;
  private groupCommit: Promise<void> | undefined;
  /** Set when the buffer holds ops someone asked to be durable: whichever commit takes them fsyncs. */
  private durableRequested = false;
  flushIntervalMs: number;

  constructor(
    private readonly store: Store,
    private readonly opts: WriteQueueOptions,
  ) {
    this.flushIntervalMs = opts.flushIntervalMs;
  }

  /** Returns the generation (batch number) that ops enqueued now will be committed in. */
  get currentGeneration(): number {
    return this.generation;
  }

  /** Registers a source of ops pulled at every commit (dirty actor snapshots). */
  addContributor(fn: Contributor): void {
    this.contributors.push(fn);
  }

  /** Calls `fn(generation)` after each batch is on disk. */
  onCommit(fn: (generation: number) => void): void {
    this.commitListeners.push(fn);
  }

  /** Buffers ops for the next write-behind commit. */
  enqueue(...ops: WriteOp[]): void {
    if (this.closed) throw new Error('write queue is closed');
    for (const op of ops) this.buffer.push(op);
    if (this.buffer.length >= (this.opts.maxBuffered ?? 20_000)) void this.flush();
    else this.arm();
  }

  /** Marks that a contributor has something to write, so a commit is scheduled. */
  touch(): void {
    if (!this.closed) this.arm();
  }

  /**
   * Commits everything buffered plus `ops` with fsync; resolves once on disk. Group commit: every
   * durable write asked for while a commit is in flight joins the one commit that starts when
   * it ends, so N concurrent orders cost about one fsync per round instead of N.
   */
  durable(...ops: WriteOp[]): Promise<void> {
    for (const op of ops) this.buffer.push(op);
    this.durableRequested = true;
    return (this.groupCommit ??= this.tail.then(() => {
      this.groupCommit = undefined;
      return this.commit(true);
    }));
  }

  /** Commits everything buffered now; resolves once on disk. */
  flush(): Promise<void> {
    return this.commit(false);
  }

  /** Flushes and refuses further writes. */
  async close(): Promise<void> {
    await this.commit(true);
    this.closed = true;
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
  }

  private commit(sync: boolean): Promise<void> {
    if (this.timer !== undefined) {
      this.opts.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const ops = this.buffer;
    for (const c of this.contributors) for (const op of c()) ops.push(op);
    this.buffer = [];
    sync ||= this.durableRequested;
    this.durableRequested = false;
    const generation = this.generation++;
    const run = async (): Promise<void> => {
      if (ops.length > 0) {
        const batch = ops.map((op) =>
          op.value === undefined
            ? { type: 'del' as const, sublevel: op.sublevel, key: op.key }
            : { type: 'put' as const, sublevel: op.sublevel, key: op.key, value: op.value },
        );
        // No options object unless fsync is wanted: abstract-level spreads the options into
        // every op, and a non-empty object there costs ~4× in throughput (measured in bench).
        // `sync` is classic-level's (fsync); the in-memory store ignores it.
        await (sync ? this.store.db.batch(batch, { sync: true } as unknown as AbstractBatchOptions<string, string>) : this.store.db.batch(batch));
      }
      for (const l of this.commitListeners) l(generation);
    };
    const result = this.tail.then(run);
    // The chain must survive a failed batch, or every later write would be lost with it.
    // Failed ops go back to the front of the buffer for the next commit: puts and deletes are
    // idempotent, so a retry cannot double anything.
    this.tail = result.catch((e) => {
      this.opts.logger.error({ err: errorMessage(e), ops: ops.length }, 'persistence batch failed; will retry');
      if (this.closed) return;
      this.buffer = ops.concat(this.buffer);
      this.arm();
    });
    return result;
  }
}
