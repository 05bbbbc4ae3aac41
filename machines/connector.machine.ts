/**
 * One venue's market-data connector:
 *   idle → connecting → subscribing → live ⇄ backoff (exponential, jittered) → … → down.
 * The sockets, heartbeats and book resyncs live in src/market (provided actions); this chart says
 * what the connector is doing and when an outage has lasted long enough to take risk off.
 * `connector.start` from any state (daemon start, restore after a crash) reconnects: a restored
 * snapshot says nothing about sockets that no longer exist.
 */
import { assign, enqueueActions, setup } from 'xstate';
import { crash, type DebugCrashEvent } from './drill.ts';

export interface ConnectorContext {
  readonly venue: string;
  readonly initialMs: number;
  readonly maxMs: number;
  /** Failed attempts since the last time the connector was live. */
  readonly attempts: number;
  readonly backoffMs: number;
  /** xorshift32 state for the jitter, so delays are deterministic under a seed. */
  readonly rng: number;
  /** The outage has lasted past `downAfterMs` (the runtime's timer says so). */
  readonly outageExpired: boolean;
  /** risk_off was requested for this outage (once per outage). */
  readonly escalated: boolean;
  readonly lastError: string | null;
}

export interface ConnectorInput {
  readonly venue: string;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly seed?: number;
}

export type ConnectorEvent =
  | { readonly type: 'connector.start' }
  | { readonly type: 'connector.stop' }
  | { readonly type: 'ws.opened' }
  | { readonly type: 'ws.subscribed' }
  | { readonly type: 'ws.failed'; readonly error: string }
  | { readonly type: 'ws.stale'; readonly detail: string }
  | { readonly type: 'connector.outage-timeout' }
  | DebugCrashEvent;

/** Returns the next xorshift32 state. */
function xorshift(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/** Returns a delay drawn from [base/2, base] where base doubles per attempt up to the cap. */
export function jitteredBackoff(attempt: number, initialMs: number, maxMs: number, rng: number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base / 2 + ((rng % 10_000) / 10_000) * (base / 2));
}

/** Failures while (re)connecting or subscribing: back off, or once the outage has expired, down. */
const whileConnecting = {
  'ws.failed': [
    { guard: 'outageExpired', target: 'down', actions: 'planBackoff' },
    { target: 'backoff', actions: 'planBackoff' },
  ],
  'connector.outage-timeout': { actions: 'markExpired' },
} as const;

export const connectorMachine = setup({
  types: {
    context: {} as ConnectorContext,
    events: {} as ConnectorEvent,
    input: {} as ConnectorInput,
  },
  actions: {
    crash,
    // Provided by src/market/connector.ts (no I/O in this file).
    openConnections: () => {},
    closeConnections: () => {},
    subscribe: () => {},
    startOutage: () => {},
    endOutage: () => {},
    escalate: () => {},
    planBackoff: assign(({ context, event }) => {
      const rng = xorshift(context.rng);
      return {
        attempts: context.attempts + 1,
        rng,
        backoffMs: jitteredBackoff(context.attempts, context.initialMs, context.maxMs, rng),
        lastError: 'error' in event ? event.error : 'detail' in event ? event.detail : context.lastError,
      };
    }),
    markLive: assign({ attempts: 0, outageExpired: false, escalated: false, lastError: null }),
    markExpired: assign({ outageExpired: true }),
    markEscalated: assign({ escalated: true }),
  },
  guards: {
    outageExpired: ({ context }) => context.outageExpired,
  },
  delays: {
    backoff: ({ context }) => context.backoffMs,
  },
}).createMachine({
  id: 'connector',
  initial: 'idle',
  context: ({ input }) => ({
    venue: input.venue,
    initialMs: input.initialMs,
    maxMs: input.maxMs,
    attempts: 0,
    backoffMs: 0,
    rng: (input.seed ?? 0x2545f491) >>> 0 || 1,
    outageExpired: false,
    escalated: false,
    lastError: null,
  }),
  on: {
    'debug.crash': { actions: 'crash' },
    'connector.start': { target: '.connecting', reenter: true, actions: 'startOutage' },
    'connector.stop': { target: '.idle', actions: 'closeConnections' },
  },
  states: {
    idle: {},
    connecting: {
      entry: 'openConnections',
      on: { 'ws.opened': 'subscribing', ...whileConnecting },
    },
    subscribing: {
      entry: 'subscribe',
      on: { 'ws.subscribed': 'live', ...whileConnecting },
    },
    live: {
      entry: ['endOutage', 'markLive'],
      on: {
        'ws.failed': { target: 'backoff', actions: ['planBackoff', 'startOutage'] },
        'ws.stale': { target: 'backoff', actions: ['planBackoff', 'startOutage'] },
      },
    },
    backoff: {
      after: { backoff: 'connecting' },
      on: { 'connector.outage-timeout': { target: 'down', actions: 'markExpired' } },
    },
    down: {
      // risk_off once per outage, not once per failed attempt while down.
      entry: enqueueActions(({ context, enqueue }) => {
        if (!context.escalated) enqueue('escalate');
        enqueue('markEscalated');
      }),
      after: { backoff: 'connecting' },
    },
  },
});
