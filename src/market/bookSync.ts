/**
 * Book sync: each venue's documented rules for turning a snapshot and a stream of deltas into a
 * book that can be trusted, and the status that says whether it can (`synced`), is being rebuilt
 * (`resyncing`), or has gone quiet for longer than its venue allows (`stale`). Only a synced book
 * may feed a decision. A gap, a checksum mismatch or a crossed book clears the book and returns
 * `resync`; the caller logs it and asks the connector for a new snapshot or subscription.
 */
import type { BookDelta, BookEvent, BookSnapshot } from '../model/market.ts';
import { bookChecksum } from './checksum.ts';
import { OrderBook } from './orderBook.ts';

export type BookStatus = 'synced' | 'resyncing' | 'stale';

/**
 * The rule families (DESIGN.md "Venues", PROVENANCE.md):
 * - `binance-usdm`: snapshot L; drop u < L; first delta U ≤ L ≤ u; then pu == previous u.
 * - `binance-spot`: snapshot L; drop u ≤ L; first delta U ≤ L+1 ≤ u; then U == previous u + 1.
 * - `bybit`: a snapshot (or u == 1) resets; then u == previous u + 1, a jump is a gap.
 * - `okx`: prevSeqId == previous seqId (heartbeats repeat seqId; after maintenance seqId may be
 *   smaller, prevSeqId still chains); CRC32 checksum when non-zero.
 * - `bitget`: snapshot resets; CRC32 checksum over the exact strings; `pseq` chains where sent.
 * - `hyperliquid`: every message is a full book that replaces the last.
 */
export type SyncRuleId = 'binance-usdm' | 'binance-spot' | 'bybit' | 'okx' | 'bitget' | 'hyperliquid';

export type SyncOutcome = 'applied' | 'buffered' | 'ignored' | 'resync';

export type ResyncReason = 'gap' | 'checksum' | 'crossed' | 'snapshot-too-old' | 'buffer-overflow' | 'backlog' | 'reconnect' | 'requested';

export interface SyncCounters {
  applied: number;
  buffered: number;
  /** Deltas older than the book (duplicates, or from before the snapshot). */
  duplicates: number;
  /** Deltas that arrived with no snapshot to apply them to. */
  beforeSnapshot: number;
  gaps: number;
  checksumFailures: number;
  crossed: number;
  /** Deletes of levels the book did not hold (tolerated: some venues repeat deletes). */
  missingDeletes: number;
  resyncs: number;
}

export interface SyncOptions {
  /** Levels per side the checksum covers (OKX and Bitget: 25). */
  readonly checksumDepth?: number;
  /** Deltas kept while waiting for a REST snapshot (Binance). */
  readonly bufferLimit?: number;
}

const BUFFERING_RULES: ReadonlySet<SyncRuleId> = new Set(['binance-usdm', 'binance-spot']);

export class BookSync {
  readonly book: OrderBook;
  status: BookStatus = 'resyncing';
  /** The sequence id of the last message applied. */
  seq = 0;
  /** Our receive time of the last message for this book (any message, heartbeats included). */
  lastMessageAt = 0;
  /** Why the book is not synced, while it is not. */
  reason: ResyncReason | 'stale' | 'awaiting-snapshot' = 'awaiting-snapshot';
  detail = '';
  readonly counters: SyncCounters = { applied: 0, buffered: 0, duplicates: 0, beforeSnapshot: 0, gaps: 0, checksumFailures: 0, crossed: 0, missingDeletes: 0, resyncs: 0 };

  private hasSnapshot = false;
  /** Binance: the next delta must straddle the snapshot's id. */
  private expectFirst = false;
  private readonly buffer: BookDelta[] = [];
  private readonly buffering: boolean;
  private readonly checksumDepth: number;
  private readonly bufferLimit: number;

  constructor(
    readonly instrument: string,
    readonly rule: SyncRuleId,
    opts: SyncOptions = {},
  ) {
    this.book = new OrderBook(instrument);
    this.buffering = BUFFERING_RULES.has(rule);
    this.checksumDepth = opts.checksumDepth ?? 25;
    this.bufferLimit = opts.bufferLimit ?? 5000;
  }

  /** Applies one book message under this venue's rules. */
  apply(ev: BookEvent): SyncOutcome {
    this.lastMessageAt = ev.tsRecv;
    return ev.kind === 'book.snapshot' ? this.onSnapshot(ev) : this.onDelta(ev);
  }

  /** Marks the book stale when no message arrived for `limitMs`; returns true on the change. */
  checkStale(now: number, limitMs: number): boolean {
    if (this.status !== 'synced' || now - this.lastMessageAt <= limitMs) return false;
    this.status = 'stale';
    this.reason = 'stale';
    this.detail = `no message for ${now - this.lastMessageAt} ms (limit ${limitMs} ms)`;
    return true;
  }

  /** Distrusts the book: clears it and waits for a new snapshot (Binance keeps buffering deltas). */
  invalidate(reason: ResyncReason, detail: string): void {
    this.status = 'resyncing';
    this.reason = reason;
    this.detail = detail;
    this.hasSnapshot = false;
    this.expectFirst = false;
    this.buffer.length = 0;
    this.book.clear();
    this.counters.resyncs++;
  }

  /** True when a book message may be used for a decision right now. */
  get usable(): boolean {
    return this.status === 'synced';
  }

  private fail(reason: ResyncReason, detail: string): SyncOutcome {
    if (reason === 'gap') this.counters.gaps++;
    else if (reason === 'checksum') this.counters.checksumFailures++;
    else if (reason === 'crossed') this.counters.crossed++;
    this.invalidate(reason, detail);
    return 'resync';
  }

  private onSnapshot(ev: BookSnapshot): SyncOutcome {
    if (this.rule === 'hyperliquid' && this.hasSnapshot && ev.seq < this.seq) {
      this.counters.duplicates++;
      return 'ignored';
    }
    this.book.clear();
    this.counters.missingDeletes += this.book.loadSnapshot(ev.bids, ev.asks, ev.raw);
    this.counters.applied++;
    this.seq = ev.seq;
    this.hasSnapshot = true;
    if (this.buffering) {
      this.expectFirst = true;
      const pending = this.buffer.splice(0);
      for (const d of pending) {
        const out = this.onDelta(d);
        if (out === 'resync') return out;
      }
      return this.settle();
    }
    return this.verify(ev) ?? this.settle();
  }

  private onDelta(ev: BookDelta): SyncOutcome {
    if (!this.hasSnapshot) {
      if (this.buffering) {
        if (this.buffer.length >= this.bufferLimit) {
          this.buffer.shift();
          this.counters.beforeSnapshot++;
        }
        this.buffer.push(ev);
        this.counters.buffered++;
        return 'buffered';
      }
      if (this.rule === 'bybit' && ev.seq === 1) return this.onSnapshot({ ...ev, kind: 'book.snapshot' });
      this.counters.beforeSnapshot++;
      return 'ignored';
    }
    const check = this.chain(ev);
    if (check !== 'ok') return check;
    this.fill(ev);
    this.seq = ev.seq;
    return this.verify(ev) ?? this.settle();
  }

  /** Checks a delta against the previous one; returns 'ok', 'ignored' or 'resync'. */
  private chain(ev: BookDelta): 'ok' | SyncOutcome {
    const prev = this.seq;
    switch (this.rule) {
      case 'binance-usdm':
      case 'binance-spot': {
        const spot = this.rule === 'binance-spot';
        const first = ev.firstSeq ?? ev.seq;
        if (spot ? ev.seq <= prev : ev.seq < prev) return this.duplicate();
        if (this.expectFirst) {
          const target = spot ? prev + 1 : prev;
          if (!(first <= target && target <= ev.seq)) {
            return this.fail('snapshot-too-old', `first delta U=${first} u=${ev.seq} does not cover snapshot id ${prev}`);
          }
          this.expectFirst = false;
          return 'ok';
        }
        if (!spot && ev.seq === prev) return this.duplicate();
        if (spot ? first !== prev + 1 : ev.prevSeq !== prev) {
          return this.fail('gap', spot ? `U=${first} after u=${prev}` : `pu=${ev.prevSeq} after u=${prev}`);
        }
        return 'ok';
      }
      case 'bybit':
        if (ev.seq === 1) {
          // The service restarted: u == 1 is a snapshot and overwrites the book.
          this.book.clear();
          return 'ok';
        }
        if (ev.seq <= prev) return this.duplicate();
        if (ev.seq !== prev + 1) return this.fail('gap', `u=${ev.seq} after u=${prev}`);
        return 'ok';
      case 'okx':
      case 'bitget':
        if (ev.prevSeq === undefined) return 'ok';
        if (ev.prevSeq === prev) return 'ok';
        if (ev.seq === prev || (ev.seq < prev && ev.prevSeq < prev && ev.seq > ev.prevSeq)) return this.duplicate();
        return this.fail('gap', `prevSeq=${ev.prevSeq} after seq=${prev}`);
      case 'hyperliquid':
        return 'ok';
    }
  }

  private duplicate(): SyncOutcome {
    this.counters.duplicates++;
    return 'ignored';
  }

  private fill(ev: BookEvent): void {
    const b = this.book;
    this.counters.missingDeletes += b.applyLevels(b.bids, ev.bids, ev.raw?.bids) + b.applyLevels(b.asks, ev.asks, ev.raw?.asks);
    this.counters.applied++;
  }

  /** Verifies the venue's checksum where it sent one; returns 'resync' on a mismatch. */
  private verify(ev: BookEvent): SyncOutcome | undefined {
    if (!ev.checksum || (this.rule !== 'okx' && this.rule !== 'bitget')) return undefined;
    const mine = bookChecksum(this.book, this.checksumDepth);
    if (mine === undefined || mine === ev.checksum) return undefined;
    return this.fail('checksum', `venue ${ev.checksum}, book ${mine} at seq ${ev.seq}`);
  }

  /** Final checks after a message: a crossed book is never trusted. */
  private settle(): SyncOutcome {
    if (this.book.crossed()) {
      return this.fail('crossed', `bid ${this.book.bids.best()} ≥ ask ${this.book.asks.best()} at seq ${this.seq}`);
    }
    if (this.status !== 'synced') {
      this.status = 'synced';
      this.detail = '';
    }
    return 'applied';
  }
}
