/**
 * Measurement 1: start 5,000 supervised actors (ActorRuntime.spawnAll), flush their snapshots
 * (settle), then restore the same 5,000 from LevelDB in a new runtime over the same data dir.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchActors, mixedState, type BenchContext } from './benchMachine.ts';
import { fmt, median, openFleet, pause, progress, spread, withTempDir, type Fleet, type Row } from './util.ts';

const ACTORS = 5_000;
const RUNS = 5;

interface RunResult {
  spawnMs: number;
  settleMs: number;
  restoreMs: number;
  restoreSettleMs: number;
  statesOk: number;
  timersOk: number;
  notActive: number;
  recordBytes: number;
}

/** Returns the table rows of measurement 1. */
export async function benchStartActors(): Promise<Row[]> {
  const actors = benchActors(ACTORS);
  const runs: RunResult[] = [];
  await withTempDir('start', async (base) => {
    for (let k = 0; k < RUNS; k++) {
      runs.push(await oneRun(join(base, `run${k}`), actors));
      const r = runs[runs.length - 1]!;
      progress(`start: run ${k + 1}/${RUNS}: spawn ${fmt(r.spawnMs)} ms, settle ${fmt(r.settleMs)} ms, restore ${fmt(r.restoreMs)} ms, settle ${fmt(r.restoreSettleMs)} ms`);
      await pause(50);
    }
  });
  const col = (f: (r: RunResult) => number): number[] => runs.map(f);
  const last = runs[runs.length - 1]!;
  const cooldowns = actors.filter((_, i) => mixedState(i) === 'cooldown').length;
  return [
    {
      measurement: `start ${fmt(ACTORS)} supervised actors (spawnAll)`,
      value: fmt(median(col((r) => r.spawnMs)), 1),
      unit: 'ms',
      notes: `fresh store, durable: false; ${spread(col((r) => r.spawnMs), 1)}`,
    },
    {
      measurement: `  + settle (flush ${fmt(ACTORS)} snapshots)`,
      value: fmt(median(col((r) => r.settleMs)), 1),
      unit: 'ms',
      notes: `one write-behind batch; ${spread(col((r) => r.settleMs), 1)}; ~${fmt(last.recordBytes)} B/record`,
    },
    {
      measurement: `restore ${fmt(ACTORS)} actors from snapshots (spawnAll)`,
      value: fmt(median(col((r) => r.restoreMs)), 1),
      unit: 'ms',
      notes: `new runtime, same dir; ${spread(col((r) => r.restoreMs), 1)}; states ok ${last.statesOk}/${ACTORS}, timers re-armed ${last.timersOk}/${cooldowns}`,
    },
    {
      measurement: `  + settle (flush ${fmt(ACTORS)} snapshots)`,
      value: fmt(median(col((r) => r.restoreSettleMs)), 1),
      unit: 'ms',
      notes: `${spread(col((r) => r.restoreSettleMs), 1)}; restored snapshots with status != 'active': ${last.notActive}/${ACTORS}`,
    },
  ];
}

async function oneRun(dir: string, actors: ReturnType<typeof benchActors>): Promise<RunResult> {
  // Fresh start: no snapshot exists yet for any id.
  let fleet: Fleet = await openFleet(dir);
  let spawnMs: number;
  let settleMs: number;
  try {
    await fleet.runtime.start();
    await fleet.runtime.settle();
    const t0 = performance.now();
    await fleet.runtime.spawnAll(actors);
    const t1 = performance.now();
    await fleet.runtime.settle();
    const t2 = performance.now();
    spawnMs = t1 - t0;
    settleMs = t2 - t1;
    // Spread the actors over the three states (a cooldown arms a 60 s `after` timer), so the
    // restore below has contexts, states and pending timers to bring back.
    actors.forEach(({ id }, i) => {
      const want = mixedState(i);
      if (want !== 'idle') fleet.runtime.send(id, { type: 'activate' });
      if (want === 'cooldown') fleet.runtime.send(id, { type: 'deactivate' });
    });
  } finally {
    await fleet.close();
  }

  // Restore: a new runtime over the same data dir reads every snapshot back.
  fleet = await openFleet(dir);
  try {
    await fleet.runtime.start();
    await fleet.runtime.settle();
    const recordBytes = (await fleet.store.actors.get(actors[0]!.id))?.length ?? 0;
    const t0 = performance.now();
    await fleet.runtime.spawnAll(actors);
    const t1 = performance.now();
    await fleet.runtime.settle();
    const t2 = performance.now();
    let statesOk = 0;
    let timersOk = 0;
    let notActive = 0;
    actors.forEach(({ id }, i) => {
      const d = fleet.runtime.describe(id);
      const want = mixedState(i);
      const ctx = d?.context as BenchContext | undefined;
      if (d?.state === want && ctx?.activations === (want === 'idle' ? 0 : 1)) statesOk++;
      if (want === 'cooldown' && d?.timers.length === 1) timersOk++;
      if (fleet.runtime.snapshot(id)?.status !== 'active') notActive++;
    });
    return { spawnMs, settleMs, restoreMs: t1 - t0, restoreSettleMs: t2 - t1, statesOk, timersOk, notActive, recordBytes };
  } finally {
    await fleet.close();
  }
}
