/**
 * The rolling on-disk copy of each symbol's feature readings, so an operator can see what the
 * features were just before a decision even after a crash. Write-behind: a fresh reading only
 * marks its symbol dirty; once a `flushMs` (1 s) the dirty symbols' latest readings go to LevelDB
 * in one batch, never per tick. Each symbol owns `historySize` slots keyed by the reading's
 * second modulo the size, so a flush overwrites the oldest slot in place: the store holds at most
 * `historySize` records per symbol with no deletes, and the newest slot is the latest reading.
 * At start the saved readings are loaded and shown (stale) until a fresh reading replaces them;
 * they are never handed to trading (FeatureService.reading() stays fresh-only).
 */
import type { Observable, Subscription } from 'rxjs';
import { z } from 'zod';
import type { Clock, TimerHandle } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Sub } from '../runtime/store.ts';
import type { ArchivedReading, ReadingArchive, SymbolReading } from './service.ts';
import type { FeatureView } from './types.ts';

/** What the store reads fresh readings from (the FeatureService). */
export interface ReadingSource {
  readonly read$: Observable<string>;
  reading(instrument: string): SymbolReading | undefined;
}

export interface FeatureStoreDeps {
  /** The `features` sublevel (src/runtime/store.ts). */
  readonly db: Sub;
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  readonly source: ReadingSource;
  /** How often dirty symbols are written (and the spacing of the history), ms. */
  readonly flushMs?: number;
  /** Readings kept per symbol, the latest included. */
  readonly historySize?: number;
  /** Saved readings older than this at start are deleted instead of shown (symbols no longer followed). */
  readonly retentionMs?: number;
}

/** Write volume since start (the bench and the operator's report). */
export interface FeatureStoreStats {
  readonly batches: number;
  readonly puts: number;
  readonly deletes: number;
  readonly bytes: number;
}

const SEP = '\0';
const VERSION = 1;
const DEFAULTS = { flushMs: 1000, historySize: 10, retentionMs: 24 * 3_600_000 } as const;

// The view is checked at the level the API and the dashboard read it; its inner fields are the
// writer's own output, so a shape match is enough to trust the rest.
const part = z.looseObject({});
const savedSchema = z.object({
  v: z.literal(VERSION),
  instrument: z.string().min(1),
  ts: z.number().finite(),
  regime: z.enum(['NORMAL', 'PUMP', 'MANIPULATED', 'NEWS_DRIVEN', 'COOLDOWN']),
  reasons: z.array(z.string()),
  scores: z.object({ long: z.number(), short: z.number(), parts: z.record(z.string(), z.number()), penalties: z.record(z.string(), z.number()) }),
  view: z.looseObject({
    instrument: z.string(),
    ts: z.number().finite(),
    mid: z.number(),
    spreadBps: z.number(),
    imbalance: part,
    walls: part,
    flow: part,
    volatility: part,
    pump: part,
    fees: part,
    news: part,
  }),
});

// Scores and ratios carry 17 significant digits of float noise; 10 keep every mid and score exact
// enough to read and make a reading about a third smaller on disk.
const SIGNIFICANT = 10;
const trim = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isInteger(v) && Number.isFinite(v) ? Number(v.toPrecision(SIGNIFICANT)) : v);

/** Returns the stored text of one reading (non-integers to 10 significant digits). */
export function encodeReading(instrument: string, r: SymbolReading): string {
  return JSON.stringify({ v: VERSION, instrument, ts: r.view.ts, regime: r.regime, reasons: r.reasons, scores: r.scores, view: r.view }, trim);
}

/** Returns the reading stored as `text`, or the reason it cannot be read. */
export function decodeReading(text: string): { ok: true; reading: ArchivedReading } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${errorMessage(e)}` };
  }
  const p = savedSchema.safeParse(raw);
  if (!p.success) return { ok: false, reason: p.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  const { instrument, ts, regime, reasons, scores } = p.data;
  return { ok: true, reading: { instrument, ts, regime, reasons, scores, view: p.data.view as unknown as FeatureView } };
}

export class FeatureStore implements ReadingArchive {
  private readonly flushMs: number;
  private readonly size: number;
  private readonly retentionMs: number;
  /** Symbols read since the last flush. */
  private readonly dirty = new Set<string>();
  /** Readings saved before the restart, until a fresh one replaces them. */
  private readonly restored = new Map<string, ArchivedReading>();
  /** Keys found unreadable or expired at load, deleted with the next batch. */
  private doomed: string[] = [];
  private sub: Subscription | undefined;
  private timer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private counts = { batches: 0, puts: 0, deletes: 0, bytes: 0 };

  constructor(private readonly d: FeatureStoreDeps) {
    this.flushMs = d.flushMs ?? DEFAULTS.flushMs;
    this.size = d.historySize ?? DEFAULTS.historySize;
    this.retentionMs = d.retentionMs ?? DEFAULTS.retentionMs;
    if (!(this.flushMs > 0)) throw new RangeError(`flushMs must be positive, got ${this.flushMs}`);
    if (!Number.isInteger(this.size) || this.size < 1 || this.size > 1000) throw new RangeError(`historySize must be an integer in 1..1000, got ${this.size}`);
  }

  /** Loads the latest saved reading of every symbol; unreadable records are reported, skipped and deleted, never fatal. Returns how many symbols were restored. */
  async load(): Promise<number> {
    const now = this.d.clock.now();
    try {
      for await (const [key, text] of this.d.db.iterator()) {
        const instrument = key.slice(0, key.lastIndexOf(SEP));
        const got = decodeReading(text);
        if (!got.ok || got.reading.instrument !== instrument) {
          const reason = got.ok ? `saved under ${JSON.stringify(instrument)} but names ${JSON.stringify(got.reading.instrument)}` : got.reason;
          this.d.logger.warn({ key: key.replace(SEP, '#'), reason }, 'saved feature reading unreadable; skipped');
          this.doomed.push(key);
          continue;
        }
        if (now - got.reading.ts > this.retentionMs) {
          this.doomed.push(key);
          continue;
        }
        const best = this.restored.get(instrument);
        if (!best || got.reading.ts > best.ts) this.restored.set(instrument, got.reading);
      }
    } catch (e) {
      // A damaged store costs the saved readings, not the start.
      this.d.logger.error({ err: errorMessage(e) }, 'reading the saved features failed; continuing with what was read');
    }
    return this.restored.size;
  }

  /** Follows fresh readings and writes the dirty symbols every `flushMs`. */
  start(): void {
    this.sub = this.d.source.read$.subscribe((id) => {
      this.dirty.add(id);
      if (this.restored.size > 0) this.restored.delete(id);
    });
    this.timer = this.d.clock.setInterval(() => {
      // A slow disk skips a beat rather than queueing batches behind each other.
      if (!this.inFlight) void this.flush();
    }, this.flushMs);
  }

  /** Stops following readings and writes what is still dirty. */
  async stop(): Promise<void> {
    this.sub?.unsubscribe();
    if (this.timer !== undefined) this.d.clock.clearInterval(this.timer);
    await this.flush();
  }

  /** Writes every dirty symbol's latest reading (and pending deletes) in one batch. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.dirty.size === 0 && this.doomed.length === 0) return;
    this.inFlight = this.write().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Returns the reading saved before the restart while no fresh one has replaced it. */
  saved(instrument: string): ArchivedReading | undefined {
    return this.restored.get(instrument);
  }

  /** Returns the instrument's saved readings within the history window before its newest, oldest first. */
  async history(instrument: string): Promise<readonly ArchivedReading[]> {
    const out: ArchivedReading[] = [];
    for await (const text of this.d.db.values({ gt: instrument + SEP, lt: instrument + '\x01' })) {
      const got = decodeReading(text);
      if (got.ok && got.reading.instrument === instrument) out.push(got.reading);
    }
    out.sort((a, b) => a.ts - b.ts);
    // A slot not overwritten for a while (a quiet symbol) holds a reading from an older lap.
    const newest = out.at(-1)?.ts ?? 0;
    return out.filter((r) => r.ts > newest - this.size * this.flushMs);
  }

  /** Returns the write volume since start. */
  stats(): FeatureStoreStats {
    return { ...this.counts };
  }

  /** Returns the history spacing and length (for the API). */
  shape(): { readonly spacingMs: number; readonly size: number } {
    return { spacingMs: this.flushMs, size: this.size };
  }

  private async write(): Promise<void> {
    const ops: ({ type: 'put'; key: string; value: string } | { type: 'del'; key: string })[] = this.doomed.map((key) => ({ type: 'del' as const, key }));
    const ids = [...this.dirty];
    const doomed = this.doomed;
    this.dirty.clear();
    this.doomed = [];
    let bytes = 0;
    for (const id of ids) {
      const r = this.d.source.reading(id);
      if (!r) continue;
      const value = encodeReading(id, r);
      bytes += value.length;
      ops.push({ type: 'put', key: this.key(id, r.view.ts), value });
    }
    if (ops.length === 0) return;
    try {
      await this.d.db.batch(ops);
      this.counts = { batches: this.counts.batches + 1, puts: this.counts.puts + ops.length - doomed.length, deletes: this.counts.deletes + doomed.length, bytes: this.counts.bytes + bytes };
    } catch (e) {
      this.d.logger.error({ err: errorMessage(e), symbols: ids.length }, 'writing feature readings failed; retrying with the next flush');
      for (const id of ids) this.dirty.add(id);
      this.doomed.push(...doomed);
    }
  }

  /** The slot of a reading taken at `ts`: its flush period modulo the history size. */
  private key(instrument: string, ts: number): string {
    return `${instrument}${SEP}${Math.floor(ts / this.flushMs) % this.size}`;
  }
}
