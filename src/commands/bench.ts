/**
 * `fleet bench`: measures the runtime on this machine with the real components (LevelDB, write
 * queue, event log, actor runtime on the wall clock) and prints one table on stdout. Progress goes
 * to stderr. No thresholds: the numbers are for reading, on whatever machine this runs.
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ErrorCodes, FleetError } from '../core/errors.ts';
import { parseFlags } from './args.ts';
import { BENCH_USAGE, type BenchName } from './benchUsage.ts';
import { fmt, progress, type Row } from '../bench/util.ts';
import { benchStartActors } from '../bench/startActors.ts';
import { benchRestoreCrashed } from '../bench/restoreCrashed.ts';
import { benchEventLogAppend } from '../bench/eventLogAppend.ts';
import { benchAuditQuery } from '../bench/auditQuery.ts';
import { benchMarketParse } from '../bench/marketParse.ts';
import { benchSimulator } from '../bench/simulator.ts';
import { benchMatching } from '../bench/matching.ts';
import { benchBookMemory } from '../bench/bookMemory.ts';
import { benchExecution } from '../bench/execution.ts';
import { benchArbitrage } from '../bench/arbitrage.ts';
import { benchArbitrageLatency } from '../bench/arbitrageLatency.ts';
import { benchFeatures } from '../bench/features.ts';
import { benchScalperTicks } from '../bench/scalperTicks.ts';
import { benchReplay } from '../bench/replay.ts';
import { benchReports } from '../reports/bench.ts';
import { benchRetention } from '../bench/retention.ts';

export { BENCH_USAGE } from './benchUsage.ts';

/** Options of single measurements, from the command line. */
interface BenchOptions {
  readonly replayMinutes?: number;
}

const MEASUREMENTS: readonly { name: BenchName; run: (o: BenchOptions) => Promise<Row[]> }[] = [
  { name: 'start', run: benchStartActors },
  { name: 'crash', run: benchRestoreCrashed },
  { name: 'append', run: benchEventLogAppend },
  { name: 'audit', run: benchAuditQuery },
  { name: 'market', run: benchMarketParse },
  { name: 'memory', run: benchBookMemory },
  { name: 'sim', run: benchSimulator },
  { name: 'matching', run: benchMatching },
  { name: 'execution', run: () => benchExecution() },
  { name: 'arbitrage', run: async () => [...(await benchArbitrage()), ...(await benchArbitrageLatency())] },
  { name: 'features', run: () => benchFeatures() },
  { name: 'scalper', run: () => benchScalperTicks() },
  { name: 'reports', run: benchReports },
  { name: 'retention', run: benchRetention },
  { name: 'replay', run: (o) => benchReplay(o.replayMinutes !== undefined ? { minutes: o.replayMinutes } : {}) },
];

/** Runs `fleet bench`; returns the exit code. */
export async function runBench(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('bench', args, { only: { type: 'string' }, 'replay-minutes': { type: 'string' } });
  if (positionals.length > 0) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `fleet bench takes no arguments, got '${positionals.join(' ')}'\n${BENCH_USAGE}`);
  const names: readonly string[] = MEASUREMENTS.map((m) => m.name);
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? names;
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length > 0) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--only takes ${names.join(', ')}; unknown: ${unknown.join(', ')}`);

  const minutes = values['replay-minutes'];
  if (minutes !== undefined && !(Number(minutes) >= 1 && Number(minutes) <= 24 * 60)) {
    throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `--replay-minutes takes a number of simulated minutes from 1 to 1440, got '${minutes}'`);
  }
  const opts: BenchOptions = minutes !== undefined ? { replayMinutes: Number(minutes) } : {};

  const t0 = performance.now();
  const rows: Row[] = [];
  for (const m of MEASUREMENTS) {
    if (!only.includes(m.name)) continue;
    progress(`${m.name}: starting`);
    rows.push(...(await m.run(opts)));
  }
  progress(`done in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  process.stdout.write(renderTable(rows, header()));
  return 0;
}

function header(): string[] {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return [
    `fleet bench: Node ${process.version} (${process.platform}/${process.arch})`,
    `machine: ${list.length} × ${model}, ${fmt(totalmem() / 2 ** 30, 1)} GiB RAM; medians of repeated runs; no thresholds`,
  ];
}

/** Returns the rows as a padded plain-text table, preceded by `lines`. */
export function renderTable(rows: readonly Row[], lines: readonly string[] = []): string {
  const cols = ['measurement', 'value', 'unit', 'notes'] as const;
  const width = (c: (typeof cols)[number]): number => Math.max(c.length, ...rows.map((r) => r[c].length));
  const w = { measurement: width('measurement'), value: width('value'), unit: width('unit') };
  const line = (m: string, v: string, u: string, n: string): string => `${m.padEnd(w.measurement)} | ${v.padStart(w.value)} | ${u.padEnd(w.unit)} | ${n}`.trimEnd();
  const out = [...lines, '', line('measurement', 'value'.padEnd(w.value), 'unit', 'notes')];
  out.push(`${'-'.repeat(w.measurement)}-+-${'-'.repeat(w.value)}-+-${'-'.repeat(w.unit)}-+-${'-'.repeat(5)}`);
  for (const r of rows) out.push(line(r.measurement, r.value, r.unit, r.notes));
  return out.join('\n') + '\n';
}
