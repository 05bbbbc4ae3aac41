/**
 * LevelDB persistence: one database under `<data-dir>/leveldb` with a sublevel per concern.
 * Values are stored as UTF-8 JSON text and parsed by the reader, so a corrupt record surfaces as
 * a parse failure that the caller reports and skips instead of an exception deep in `level`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { MemoryLevel } from 'memory-level';
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';
import { FleetError, ErrorCodes } from '../core/errors.ts';

/** LevelDB on disk, or the same API in memory (a replay: its operations complete in order, on the same turn). */
export type Db = AbstractLevel<string | Buffer | Uint8Array, string, string>;
export type Sub = AbstractSublevel<Db, string | Buffer | Uint8Array, string, string>;

export interface Store {
  readonly db: Db;
  /** Actor snapshots, keyed by actor id. */
  readonly actors: Sub;
  /** The event log, keyed by zero-padded seq. */
  readonly events: Sub;
  /** Index: `<actor>\0<seq>` → ''. */
  readonly eventsByActor: Sub;
  /** Index: `<type>\0<seq>` → ''. */
  readonly eventsByType: Sub;
  /** Sparse time index: `<second>` → first seq whose running-max ts reached that second. */
  readonly eventsBySecond: Sub;
  readonly orders: Sub;
  readonly ledger: Sub;
  readonly meta: Sub;
  /** The latest feature readings per symbol and a short history: `<instrument>\0<slot>` → reading (src/features/featureStore.ts). */
  readonly features: Sub;
  close(): Promise<void>;
}

/** Returns `n` as a fixed-width key that sorts numerically. */
export function seqKey(n: number): string {
  return n.toString().padStart(16, '0');
}

/**
 * Opens (creating if needed) the store in `dataDir`; a held lock becomes DATA_DIR_LOCKED. With
 * `memory`, the store lives in memory (a replay's: nothing on disk, and every operation completes
 * in the order it was asked, which keeps the replay deterministic).
 */
export async function openStore(dataDir: string, opts: { memory?: boolean } = {}): Promise<Store> {
  const path = join(dataDir, 'leveldb');
  if (!opts.memory) mkdirSync(path, { recursive: true });
  const db: Db = opts.memory
    ? new MemoryLevel<string, string>({ keyEncoding: 'utf8', valueEncoding: 'utf8' })
    : new Level<string, string>(path, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  try {
    await db.open();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if ((e as { code?: string }).code === 'LEVEL_DATABASE_NOT_OPEN' && cause?.code === 'LEVEL_LOCKED') {
      throw new FleetError(ErrorCodes.DATA_DIR_LOCKED, `data dir ${dataDir} is held by another process (LevelDB lock)`);
    }
    throw e;
  }
  const sub = (name: string): Sub => db.sublevel<string, string>(name, { keyEncoding: 'utf8', valueEncoding: 'utf8' }) as Sub;
  return {
    db,
    actors: sub('actors'),
    events: sub('events'),
    eventsByActor: sub('ev-actor'),
    eventsByType: sub('ev-type'),
    eventsBySecond: sub('ev-sec'),
    orders: sub('orders'),
    ledger: sub('ledger'),
    meta: sub('meta'),
    features: sub('features'),
    close: () => db.close(),
  };
}
