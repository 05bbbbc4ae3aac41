/**
 * Measurement 2: with 5,000 actors running, crash one (`debug.crash`) and time until the
 * supervisor has it running again from its persisted snapshot, with the same state and context.
 * Backoff is set to 0 so the time is the restore work (durable writes, read-back, relaunch).
 */
import { performance } from 'node:perf_hooks';
import { filter, firstValueFrom } from 'rxjs';
import type { SupervisorPolicy } from '../../machines/supervisor.machine.ts';
import type { ActorRuntime } from '../runtime/actorRuntime.ts';
import { SUPERVISOR_ID } from '../runtime/actorRuntime.ts';
import { benchActors } from './benchMachine.ts';
import { fmt, openFleet, progress, quantile, withTempDir, type Row } from './util.ts';

const ACTORS = 5_000;
const WARMUP = 10;
const CRASHES = 200;
const POLICY: SupervisorPolicy = { maxRestarts: 1_000_000, withinMs: 1, backoffInitialMs: 0, backoffMaxMs: 0 };

/** Returns the table rows of measurement 2. */
export async function benchRestoreCrashed(): Promise<Row[]> {
  return withTempDir('crash', async (dir) => {
    const fleet = await openFleet(dir, POLICY);
    try {
      const { runtime } = fleet;
      await runtime.start();
      const actors = benchActors(ACTORS);
      await runtime.spawnAll(actors);
      // Give every actor a non-initial state and context, so "the same state" means something.
      for (const { id } of actors) {
        runtime.send(id, { type: 'activate' });
        runtime.send(id, { type: 'tick' });
      }
      await runtime.settle();
      progress(`crash: ${fmt(ACTORS)} actors running; ${WARMUP} warm-up + ${CRASHES} measured crashes`);

      const times: number[] = [];
      let sameState = 0;
      for (let k = 0; k < WARMUP + CRASHES; k++) {
        // Spread over the actors (a prime stride), so both fresh and repeat crashes are in.
        const id = actors[(k * 997) % ACTORS]!.id;
        const { ms, same } = await crashAndWait(runtime, id);
        if (k >= WARMUP) {
          times.push(ms);
          if (same) sameState++;
        }
        if ((k + 1) % 50 === 0) progress(`crash: ${k + 1}/${WARMUP + CRASHES}`);
      }
      const supervisorBytes = (await fleet.store.actors.get(SUPERVISOR_ID))?.length ?? 0;
      const notes = `backoff 0; ${CRASHES} crashes over ${fmt(ACTORS)} running; same state+context ${sameState}/${CRASHES}`;
      return [
        { measurement: 'restore one crashed actor (p50)', value: fmt(quantile(times, 0.5), 2), unit: 'ms', notes },
        {
          measurement: 'restore one crashed actor (p99)',
          value: fmt(quantile(times, 0.99), 2),
          unit: 'ms',
          notes: `max ${fmt(Math.max(...times), 2)} ms; supervisor snapshot now ${fmt(supervisorBytes)} B (fsynced per crash)`,
        },
      ];
    } finally {
      await fleet.close();
    }
  });
}

async function crashAndWait(runtime: ActorRuntime, id: string): Promise<{ ms: number; same: boolean }> {
  const before = runtime.describe(id);
  if (!before || before.status !== 'running') throw new Error(`bench actor ${id} is not running before the crash`);
  const running = firstValueFrom(runtime.changed$.pipe(filter((c) => c.id === id && c.status === 'running')));
  const t0 = performance.now();
  if (!runtime.send(id, { type: 'debug.crash' })) throw new Error(`could not send debug.crash to ${id}`);
  await running;
  const ms = performance.now() - t0;
  const after = runtime.describe(id);
  const same = after !== undefined && after.state === before.state && JSON.stringify(after.context) === JSON.stringify(before.context) && after.restarts === before.restarts + 1;
  return { ms, same };
}
