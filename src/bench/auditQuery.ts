/**
 * Measurement 4: `fleet audit` queries over a 1,000,000-record event log, through `auditEvents`
 * (opens the store, queries, closes it: what the command does), with a sink that only counts.
 */
import { performance } from 'node:perf_hooks';
import { auditEvents, type AuditSink } from '../commands/audit.ts';
import type { EventQuery } from '../runtime/eventLog.ts';
import { fmt, median, openLogStack, pause, progress, spread, withTempDir, type Row } from './util.ts';

const RECORDS = 1_000_000;
const ACTORS = 1_000;
const CHUNK = 10_000;
/** 2026-01-01T00:00:00Z; records are 1 ms apart from here. */
const BASE_TS = Date.UTC(2026, 0, 1);
const TYPES = [
  'transition',
  'actor.crashed',
  'actor.restarted',
  'supervisor.restart_scheduled',
  'order.submitted',
  'order.acked',
  'order.filled',
  'order.cancelled',
  'risk.limit',
  'connector.status',
] as const;

const actorOf = (i: number): string => `symbol:bybit-linear:A${i % ACTORS}`;
/** Runs of 1,000 consecutive records share a type, so every actor sees every type. */
const typeOf = (i: number): string => TYPES[Math.floor(i / 1_000) % TYPES.length]!;

interface Case {
  readonly label: string;
  readonly q: EventQuery;
  readonly expected: number;
  readonly runs: number;
}

const WINDOW_START = BASE_TS + 500_000;
const CASES: readonly Case[] = [
  { label: 'exact actor', q: { actor: actorOf(42) }, expected: RECORDS / ACTORS, runs: 5 },
  { label: `type ${typeOf(3_000)}`, q: { type: typeOf(3_000) }, expected: RECORDS / TYPES.length, runs: 3 },
  // A1, A10–A19, A100–A199: 111 of the 1,000 actors.
  { label: 'actor prefix A1*', q: { actor: 'symbol:bybit-linear:A1*' }, expected: (111 * RECORDS) / ACTORS, runs: 3 },
  { label: 'since/until 10 s window', q: { since: WINDOW_START, until: WINDOW_START + 9_999 }, expected: 10_000, runs: 5 },
  { label: 'full log', q: {}, expected: RECORDS, runs: 2 },
  // What /api/events/recent does: a newest-first page, here across every actor of a prefix.
  { label: 'newest 100 of prefix symbol:*', q: { actor: 'symbol:*', order: 'desc', limit: 100 }, expected: 100, runs: 5 },
  // What `fleet audit` does page by page while a daemon holds the data dir.
  { label: 'page of 10,000 after seq 900,000, prefix A1*', q: { actor: 'symbol:bybit-linear:A1*', afterSeq: 900_000, limit: 10_000 }, expected: 10_000, runs: 3 },
];

/** Returns the table rows of measurement 4. */
export async function benchAuditQuery(): Promise<Row[]> {
  return withTempDir('audit', async (dir) => {
    const rows: Row[] = [await writeLog(dir)];
    for (const c of CASES) {
      const times: number[] = [];
      let matched = 0;
      let corrupt = 0;
      for (let k = 0; k < c.runs; k++) {
        let count = 0;
        const sink: AuditSink = {
          record: () => {
            count++;
          },
          corrupt: () => {
            corrupt++;
          },
        };
        const t0 = performance.now();
        await auditEvents(dir, c.q, sink);
        times.push(performance.now() - t0);
        matched = count;
        await pause(20);
      }
      progress(`audit: ${c.label}: ${fmt(median(times))} ms, ${fmt(matched)} matched`);
      rows.push({
        measurement: `audit over ${fmt(RECORDS)}: ${c.label}`,
        value: fmt(median(times), 1),
        unit: 'ms',
        notes: `matched ${fmt(matched)}${matched === c.expected ? '' : ` (EXPECTED ${fmt(c.expected)})`}${corrupt ? `, ${corrupt} corrupt` : ''}; ${spread(times, 1)}`,
      });
    }
    return rows;
  });
}

/** Writes the log through the real EventLog (flushing every chunk, so memory stays bounded). */
async function writeLog(dir: string): Promise<Row> {
  progress(`audit: writing ${fmt(RECORDS)} records (1,000 actors, 10 types) to ${dir}`);
  const stack = await openLogStack(dir);
  const t0 = performance.now();
  try {
    for (let start = 0; start < RECORDS; start += CHUNK) {
      for (let i = start; i < start + CHUNK && i < RECORDS; i++) {
        stack.eventLog.append({ ts: BASE_TS + i, type: typeOf(i), actor: actorOf(i), from: 'a', event: 'market.tick', to: 'b' });
      }
      await stack.queue.flush();
      const done = start + CHUNK;
      if (done % 100_000 === 0) {
        const s = (performance.now() - t0) / 1000;
        progress(`audit: ${fmt(done)}/${fmt(RECORDS)} written (${fmt(done / s)} records/s, ${fmt(s, 1)} s)`);
      }
    }
  } finally {
    await stack.close();
  }
  const ms = performance.now() - t0;
  return {
    measurement: `audit setup: write ${fmt(RECORDS)} records`,
    value: fmt(RECORDS / (ms / 1000)),
    unit: 'records/s',
    notes: `EventLog.append, flush every ${fmt(CHUNK)}; ${fmt(ms / 1000, 1)} s total`,
  };
}
