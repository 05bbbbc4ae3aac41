/**
 * The small machine the bench supervises: idle → active → cooldown → (after a delay) idle, with a
 * context that changes on every activation, and the crash drill at the root like the real machines.
 */
import { assign, setup } from 'xstate';
import { crash, type DebugCrashEvent } from '../../machines/drill.ts';
import type { ActorSpec } from '../runtime/actorRuntime.ts';

/** Long enough that no cooldown expires during a run: the timer must survive persistence instead. */
export const COOLDOWN_MS = 60_000;

export interface BenchContext {
  readonly activations: number;
  readonly ticks: number;
}

export type BenchEvent = { readonly type: 'activate' } | { readonly type: 'deactivate' } | { readonly type: 'tick' } | DebugCrashEvent;

export const benchMachine = setup({
  types: {
    context: {} as BenchContext,
    events: {} as BenchEvent,
  },
  actions: {
    crash,
    countActivation: assign({ activations: ({ context }) => context.activations + 1 }),
    countTick: assign({ ticks: ({ context }) => context.ticks + 1 }),
  },
  delays: { cooldown: COOLDOWN_MS },
}).createMachine({
  id: 'bench',
  initial: 'idle',
  context: { activations: 0, ticks: 0 },
  on: {
    'debug.crash': { actions: 'crash' },
    tick: { actions: 'countTick' },
  },
  states: {
    idle: { on: { activate: { target: 'active', actions: 'countActivation' } } },
    active: { on: { deactivate: 'cooldown' } },
    cooldown: { after: { cooldown: 'idle' } },
  },
});

/** Returns `n` actor specs `symbol:bench:S<i>` of the bench machine (write-behind, not durable). */
export function benchActors(n: number): { id: string; spec: ActorSpec }[] {
  const spec: ActorSpec = { kind: 'bench', logic: benchMachine, durable: false };
  return Array.from({ length: n }, (_, i) => ({ id: `symbol:bench:S${i}`, spec }));
}

/** The state actor `i` is driven to by `driveMixed`: a third each idle, active, cooldown. */
export function mixedState(i: number): 'idle' | 'active' | 'cooldown' {
  return (['idle', 'active', 'cooldown'] as const)[i % 3]!;
}
