/**
 * REST book snapshots for venues that resync that way (Binance): one request at a time per venue
 * and no more than `perSecond`, because a snapshot of 1,000 levels weighs 20 of Binance's 2,400
 * per minute and a resync storm must not get the IP banned. Requests for the same book collapse
 * into one; a snapshot that is already too old for the buffered deltas is fetched again, up to a
 * limit, after which the connection is reconnected.
 */
import type { Clock } from '../core/clock.ts';
import { withRetry, type RestClient } from '../adapters/rest.ts';
import type { PublicAdapter } from '../adapters/types.ts';
import type { BookSnapshot } from '../model/market.ts';
import type { BookSync } from './bookSync.ts';
import type { Connection } from './connection.ts';

const MAX_ATTEMPTS = 5;

interface Job {
  readonly conn: Connection;
  readonly sync: BookSync;
  attempts: number;
}

export class SnapshotQueue {
  private readonly queue: Job[] = [];
  private readonly queued = new Map<BookSync, Job>();
  private busy = false;
  private lastAt = -Infinity;

  constructor(
    private readonly rest: RestClient,
    private readonly adapter: PublicAdapter,
    private readonly clock: Clock,
    private readonly depth: number,
    /** Applies a snapshot; returns false when the book needs yet another one. */
    private readonly deliver: (conn: Connection, sync: BookSync, snap: BookSnapshot) => boolean,
    private readonly failed: (conn: Connection, sync: BookSync, err: unknown) => void,
    private readonly perSecond = 5,
  ) {}

  /** Asks for a snapshot of this book (collapsed with one already waiting). */
  request(conn: Connection, sync: BookSync, attempts = 0): void {
    if (!this.adapter.fetchSnapshot || this.queued.has(sync)) return;
    const job = { conn, sync, attempts };
    this.queued.set(sync, job);
    this.queue.push(job);
    this.pump();
  }

  /** Drops the waiting requests of a connection that closed. */
  forget(conn: Connection): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.conn === conn) {
        this.queued.delete(this.queue[i]!.sync);
        this.queue.splice(i, 1);
      }
    }
  }

  get pending(): number {
    return this.queue.length + (this.busy ? 1 : 0);
  }

  private pump(): void {
    if (this.busy || this.queue.length === 0) return;
    const wait = this.lastAt + 1000 / this.perSecond - this.clock.now();
    this.busy = true;
    if (wait > 0) {
      this.clock.setTimeout(() => {
        this.busy = false;
        this.pump();
      }, wait);
      return;
    }
    const job = this.queue.shift()!;
    this.queued.delete(job.sync);
    this.lastAt = this.clock.now();
    const inst = job.conn.instruments.find((i) => i.id === job.sync.instrument)!;
    withRetry(() => this.adapter.fetchSnapshot!(this.rest, inst, this.depth, () => this.clock.now()), { clock: this.clock, attempts: 3 })
      .then(
        (snap) => {
          if (!job.conn.isOpen || job.conn.books.get(job.sync.instrument) !== job.sync) return;
          if (this.deliver(job.conn, job.sync, snap)) return;
          if (job.attempts + 1 >= MAX_ATTEMPTS) this.failed(job.conn, job.sync, new Error(`book still out of sync after ${MAX_ATTEMPTS} snapshots`));
          else this.request(job.conn, job.sync, job.attempts + 1);
        },
        (err: unknown) => {
          if (job.conn.isOpen) this.failed(job.conn, job.sync, err);
        },
      )
      .finally(() => {
        this.busy = false;
        this.pump();
      });
  }
}
