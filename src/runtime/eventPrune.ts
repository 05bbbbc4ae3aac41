/**
 * The ops that delete event-log records together with every index entry naming them. The type and
 * actor indexes hold one key per record; the sparse time index (`<second>` → first seq whose
 * running-max ts reached that second) is repointed instead: an entry naming a deleted record moves
 * to the first surviving record of its range, or goes when none survives, so `since`/`until`
 * queries keep starting where the surviving records are.
 */
import type { EventRecord } from './eventLog.ts';
import { secondKey } from './eventLog.ts';
import { seqKey, type Store, type Sub } from './store.ts';
import type { WriteOp } from './writeQueue.ts';

const SEP = '\u0000';

/** Returns the delete (and time-index repoint) ops for `records`; reads only, writes nothing. */
export async function removalOps(store: Store, records: readonly EventRecord[]): Promise<WriteOp[]> {
  const ops: WriteOp[] = [];
  const gone = new Set<number>();
  for (const r of records) {
    const key = seqKey(r.seq);
    gone.add(r.seq);
    ops.push({ sublevel: store.events, key, value: undefined });
    ops.push({ sublevel: store.eventsByType, key: r.type + SEP + key, value: undefined });
    if (r.actor !== undefined) ops.push({ sublevel: store.eventsByActor, key: r.actor + SEP + key, value: undefined });
  }
  if (records.length > 0) ops.push(...(await timeIndexOps(store, records, gone)));
  return ops;
}

interface Entry {
  readonly key: string;
  readonly seq: number;
}

/**
 * Repoints the time-index entries naming a deleted seq. Entry values grow with their keys, so the
 * entries whose value lies within the batch's seq range are one key range; it starts at or after
 * the second of the batch's first record (an entry's key is the running-max second of its seq).
 */
async function timeIndexOps(store: Store, records: readonly EventRecord[], gone: ReadonlySet<number>): Promise<WriteOp[]> {
  let first = records[0]!;
  let maxSeq = first.seq;
  for (const r of records) {
    if (r.seq < first.seq) first = r;
    if (r.seq > maxSeq) maxSeq = r.seq;
  }
  const affected: { at: Entry; next: Entry }[] = [];
  const it = store.eventsBySecond.iterator({ gte: secondKey(Math.floor(first.ts / 1000)) });
  try {
    let prev: Entry | undefined;
    for (;;) {
      const entries = await it.nextv(256);
      // The newest entry has an open range that may hold records still in the write buffer, so
      // it is left as it is (a query starting at a missing seq simply scans on to the next one).
      if (entries.length === 0) break;
      let end = false;
      for (const [key, value] of entries) {
        const entry = { key, seq: Number(value) };
        if (prev && gone.has(prev.seq)) affected.push({ at: prev, next: entry });
        prev = entry;
        if (entry.seq > maxSeq) {
          end = true;
          break;
        }
      }
      if (end) break;
    }
  } finally {
    await it.close();
  }
  const ops: WriteOp[] = [];
  for (const { at, next } of affected) {
    const survivor = await firstSurvivor(store.events, at.seq, next.seq, gone);
    ops.push({ sublevel: store.eventsBySecond, key: at.key, value: survivor === undefined ? undefined : String(survivor) });
  }
  return ops;
}

/** Returns the first seq in [from, to) present in the log and not being deleted. */
async function firstSurvivor(events: Sub, from: number, to: number, gone: ReadonlySet<number>): Promise<number | undefined> {
  const it = events.iterator({ gte: seqKey(from), lt: seqKey(to), values: false });
  try {
    for (;;) {
      const keys = await it.nextv(256);
      if (keys.length === 0) return undefined;
      for (const [key] of keys) {
        const seq = Number(key);
        if (!gone.has(seq)) return seq;
      }
    }
  } finally {
    await it.close();
  }
}
