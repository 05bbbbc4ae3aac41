/**
 * The supervisor's decisions, one-for-one: a crashed child is restarted after an exponential
 * backoff unless it crashed `maxRestarts` times within `withinMs`, in which case the supervisor
 * escalates (the runtime sends the portfolio to risk_off) and gives that child up until reset.
 * Restarting itself is an effect the runtime provides (`restartChild`, `escalate`).
 */
import { assign, setup } from 'xstate';
import { crash, type DebugCrashEvent } from './drill.ts';

export interface SupervisorPolicy {
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export interface SupervisorContext {
  readonly policy: SupervisorPolicy;
  /** Crash times per child within the intensity window. */
  readonly crashes: Readonly<Record<string, readonly number[]>>;
  /** Children given up on (past the intensity limit). */
  readonly givenUp: readonly string[];
}

export type SupervisorEvent =
  | { readonly type: 'child.crashed'; readonly id: string; readonly at: number; readonly error: string }
  | { readonly type: 'supervisor.configure'; readonly policy: SupervisorPolicy }
  | { readonly type: 'supervisor.reset'; readonly at: number; readonly by: string }
  | DebugCrashEvent;

/** Returns the crash times that still count for intensity after adding one at `at`. */
export function crashesInWindow(previous: readonly number[] | undefined, at: number, withinMs: number): number[] {
  return [...(previous ?? []).filter((t) => t > at - withinMs), at];
}

/** Returns the backoff before restart attempt `attempt` (1-based): initial·2^(n−1), capped. */
export function backoffMs(policy: SupervisorPolicy, attempt: number): number {
  return Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** Math.max(0, attempt - 1));
}

type Crashed = Extract<SupervisorEvent, { type: 'child.crashed' }>;

/** Returns the crash history with this crash added and every child's crashes outside the window dropped. */
export function pruneCrashes(crashes: SupervisorContext['crashes'], e: Crashed, withinMs: number): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [id, times] of Object.entries(crashes)) {
    const kept = times.filter((t) => t > e.at - withinMs);
    if (kept.length > 0) out[id] = kept;
  }
  out[e.id] = crashesInWindow(crashes[e.id], e.at, withinMs);
  return out;
}

const overLimit = (context: SupervisorContext, e: Crashed): boolean =>
  crashesInWindow(context.crashes[e.id], e.at, context.policy.withinMs).length > context.policy.maxRestarts;

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as { policy: SupervisorPolicy },
  },
  actions: {
    crash,
    recordCrash: assign({
      crashes: ({ context, event }) => pruneCrashes(context.crashes, event as Crashed, context.policy.withinMs),
    }),
    giveUp: assign({ givenUp: ({ context, event }) => [...context.givenUp, (event as Crashed).id] }),
    configure: assign({
      policy: ({ event }) => (event as Extract<SupervisorEvent, { type: 'supervisor.configure' }>).policy,
    }),
    clear: assign({ crashes: () => ({}), givenUp: () => [] }),
    // Effects provided by the runtime; the defaults do nothing so the chart can be tested alone.
    restartChild: (_: unknown, _params: { id: string; delayMs: number }) => {},
    escalate: (_: unknown, _params: { id: string; reason: string }) => {},
  },
  guards: {
    overLimit: ({ context, event }) => overLimit(context, event as Crashed),
  },
}).createMachine({
  id: 'supervisor',
  initial: 'supervising',
  context: ({ input }) => ({ policy: input.policy, crashes: {}, givenUp: [] }),
  on: {
    'debug.crash': { actions: 'crash' },
    'supervisor.configure': { actions: 'configure' },
    // Handled at the root so that, once escalated, other children are still restarted one-for-one.
    'child.crashed': [
      {
        guard: 'overLimit',
        target: '.escalated',
        actions: [
          'recordCrash',
          'giveUp',
          {
            type: 'escalate',
            params: ({ context, event }) => ({
              id: event.id,
              reason: `${event.id} crashed more than ${context.policy.maxRestarts} times in ${context.policy.withinMs} ms: ${event.error}`,
            }),
          },
        ],
      },
      {
        actions: [
          'recordCrash',
          {
            type: 'restartChild',
            // Runs after recordCrash, so the count includes this crash: attempt 1 waits the initial backoff.
            params: ({ context, event }) => ({
              id: event.id,
              delayMs: backoffMs(context.policy, context.crashes[event.id]?.length ?? 1),
            }),
          },
        ],
      },
    ],
  },
  states: {
    supervising: {},
    escalated: {
      on: { 'supervisor.reset': { target: 'supervising', actions: 'clear' } },
    },
  },
});
