/** Shared test fixtures: temp data dirs and a fully wired store/queue/log on a chosen clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../src/core/clock.ts';
import { silentLogger } from '../src/core/logger.ts';
import type { Store } from '../src/runtime/store.ts';
import type { WriteQueue } from '../src/runtime/writeQueue.ts';
import type { EventLog } from '../src/runtime/eventLog.ts';
import { openPersistence as openRuntimePersistence } from '../src/runtime/persistence.ts';

/** Returns a new empty temp dir and a function removing it. */
export function tempDir(prefix = 'fleet-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Persistence {
  store: Store;
  queue: WriteQueue;
  log: EventLog;
  close(): Promise<void>;
}

/** Opens the real store, write queue and event log in `dir`, as the daemon does. */
export async function openPersistence(dir: string, clock: Clock, flushIntervalMs = 150): Promise<Persistence> {
  const p = await openRuntimePersistence(dir, clock, silentLogger(), flushIntervalMs);
  return { store: p.store, queue: p.queue, log: p.eventLog, close: p.close };
}

/** Collects an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
