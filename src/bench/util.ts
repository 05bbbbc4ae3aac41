/**
 * Shared pieces of `fleet bench`: temp data dirs, the real runtime stack (LevelDB, write queue,
 * event log, actor runtime on the wall clock), statistics and progress lines on stderr.
 * The bench reads time directly (performance.now): it measures, it does not trade.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { openPersistence, type Persistence } from '../runtime/persistence.ts';
import { ActorRuntime } from '../runtime/actorRuntime.ts';
import type { SupervisorPolicy } from '../../machines/supervisor.machine.ts';

/** One line of the result table. */
export interface Row {
  readonly measurement: string;
  readonly value: string;
  readonly unit: string;
  readonly notes: string;
}

/** The daemon's defaults (config/schema.ts): what a real `fleet start` runs with. */
export const DEFAULT_POLICY: SupervisorPolicy = { maxRestarts: 5, withinMs: 60_000, backoffInitialMs: 100, backoffMaxMs: 10_000 };
export const FLUSH_INTERVAL_MS = 150;
export const RECENT_TRANSITIONS = 100;

/** Writes a progress line to stderr, so a human sees the bench is alive (stdout is the table). */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs `fn` with a fresh temp data dir that is removed afterwards, whatever happens. */
export async function withTempDir<T>(label: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `fleet-bench-${label}-`));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type LogStack = Persistence;

/** Opens the store, write queue and event log over `dataDir`, as the daemon does. */
export function openLogStack(dataDir: string): Promise<LogStack> {
  return openPersistence(dataDir, new SystemClock(), silentLogger(), FLUSH_INTERVAL_MS);
}

export interface Fleet extends LogStack {
  readonly runtime: ActorRuntime;
}

/** Opens the full stack plus an ActorRuntime; `close` stops the actors first (persisting them). */
export async function openFleet(dataDir: string, policy: SupervisorPolicy = DEFAULT_POLICY): Promise<Fleet> {
  const stack = await openLogStack(dataDir);
  const runtime = new ActorRuntime({
    clock: new SystemClock(),
    store: stack.store,
    queue: stack.queue,
    eventLog: stack.eventLog,
    logger: silentLogger(),
    policy,
    recentTransitions: RECENT_TRANSITIONS,
  });
  return {
    ...stack,
    runtime,
    close: async () => {
      await runtime.stop();
      await stack.close();
    },
  };
}

/** Returns the q-quantile (0..1) of `xs` by nearest rank; NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Formats a number for the table: thousands separators, `digits` decimals. */
export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Formats the spread of repeated runs for the notes column. */
export function spread(xs: readonly number[], digits = 0): string {
  if (xs.length < 2) return `n=${xs.length}`;
  return `n=${xs.length}, min ${fmt(Math.min(...xs), digits)}, max ${fmt(Math.max(...xs), digits)}`;
}

/** Lets timers and I/O callbacks run (and the GC breathe) between runs. */
export function pause(ms = 0): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
