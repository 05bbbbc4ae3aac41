/**
 * One arbitrage route (`route:<asset>:<venue A>:<venue B>`): the same asset on two venues.
 *
 *   blocked ⇄ idle ─(net edge ≥ threshold)→ armed ─(route.fired)→ executing ─(saga finished)→ cooldown → idle
 *                                           armed ─(route.declined | edge gone)→ idle
 *
 * The route sees conflated ticks that carry the opportunity engine's verdict (src computes the
 * edge on the books; the chart decides). A tick saying a book is not synced or a breaker is open
 * blocks the route from anywhere but `executing`: a saga under way finishes under its own chart.
 * The cooldown keeps one route from firing again and again on the same dislocation.
 */
import { assign, setup } from 'xstate';
import { crash, type DebugCrashEvent } from './drill.ts';

/** The opportunity engine's verdict for the route on one tick. */
export interface RouteEdge {
  readonly netBps: number;
  readonly thresholdBps: number;
  /** The leg that buys: `a` (venue A) or `b`. */
  readonly buy: 'a' | 'b';
  readonly qtyBase: number;
}

export interface RouteStats {
  readonly fired: number;
  readonly hedged: number;
  readonly closed: number;
  readonly unwound: number;
  readonly missed: number;
  readonly failed: number;
  readonly declined: number;
}

export interface RouteContext {
  readonly id: string;
  readonly cooldownMs: number;
  readonly blockedReason: string | null;
  readonly edge: RouteEdge | null;
  readonly sagaId: string | null;
  readonly lastOutcome: string | null;
  readonly lastDecline: string | null;
  readonly stats: RouteStats;
}

export interface RouteInput {
  readonly id: string;
  readonly cooldownMs: number;
}

export type RouteEvent =
  | { readonly type: 'route.tick'; readonly at: number; readonly blocked: string | null; readonly edge: RouteEdge | null }
  | { readonly type: 'route.fired'; readonly at: number; readonly sagaId: string }
  | { readonly type: 'route.declined'; readonly at: number; readonly reason: string }
  | { readonly type: 'route.saga_finished'; readonly at: number; readonly sagaId: string; readonly outcome: string }
  | DebugCrashEvent;

type Tick = Extract<RouteEvent, { type: 'route.tick' }>;

const EMPTY_STATS: RouteStats = { fired: 0, hedged: 0, closed: 0, unwound: 0, missed: 0, failed: 0, declined: 0 };

/** Returns the share of fired trades that ended hedged or closed (0.5 before any: a neutral prior). */
export function successRate(s: RouteStats): number {
  const ended = s.hedged + s.closed + s.unwound + s.failed;
  return ended === 0 ? 0.5 : (s.hedged + s.closed) / ended;
}

export const routeMachine = setup({
  types: {
    context: {} as RouteContext,
    events: {} as RouteEvent,
    input: {} as RouteInput,
  },
  delays: {
    cooldown: ({ context }) => context.cooldownMs,
  },
  guards: {
    blocked: ({ event }) => event.type === 'route.tick' && event.blocked !== null,
    unblocked: ({ event }) => event.type === 'route.tick' && event.blocked === null,
    pays: ({ event }) => event.type === 'route.tick' && event.edge !== null && event.edge.netBps >= event.edge.thresholdBps,
    ownSaga: ({ context, event }) => event.type === 'route.saga_finished' && event.sagaId === context.sagaId,
    stillBlocked: ({ context }) => context.blockedReason !== null,
  },
  actions: {
    crash,
    /** Asks the strategy to size and fire this route (answered by route.fired or route.declined). */
    requestFire: () => undefined,
    noteTick: assign(({ event }) => {
      const e = event as Tick;
      return { blockedReason: e.blocked, edge: e.edge };
    }),
    noteFired: assign(({ context, event }) => ({
      sagaId: (event as Extract<RouteEvent, { type: 'route.fired' }>).sagaId,
      stats: { ...context.stats, fired: context.stats.fired + 1 },
    })),
    noteDeclined: assign(({ context, event }) => ({
      lastDecline: (event as Extract<RouteEvent, { type: 'route.declined' }>).reason,
      stats: { ...context.stats, declined: context.stats.declined + 1 },
    })),
    noteFinished: assign(({ context, event }) => {
      const outcome = (event as Extract<RouteEvent, { type: 'route.saga_finished' }>).outcome;
      const key = outcome as keyof RouteStats;
      const stats = key in context.stats && key !== 'fired' && key !== 'declined' ? { ...context.stats, [key]: context.stats[key] + 1 } : context.stats;
      return { lastOutcome: outcome, sagaId: null, stats };
    }),
  },
}).createMachine({
  id: 'route',
  initial: 'blocked',
  context: ({ input }) => ({
    id: input.id,
    cooldownMs: input.cooldownMs,
    blockedReason: 'waiting for both books',
    edge: null,
    sagaId: null,
    lastOutcome: null,
    lastDecline: null,
    stats: EMPTY_STATS,
  }),
  on: { 'debug.crash': { actions: 'crash' } },
  states: {
    blocked: {
      on: { 'route.tick': [{ guard: 'unblocked', target: 'idle', actions: 'noteTick' }, { actions: 'noteTick' }] },
    },
    idle: {
      on: {
        'route.tick': [
          { guard: 'blocked', target: 'blocked', actions: 'noteTick' },
          { guard: 'pays', target: 'armed', actions: 'noteTick' },
          { actions: 'noteTick' },
        ],
      },
    },
    armed: {
      entry: 'requestFire',
      on: {
        'route.fired': { target: 'executing', actions: 'noteFired' },
        'route.declined': { target: 'idle', actions: 'noteDeclined' },
        'route.tick': [
          { guard: 'blocked', target: 'blocked', actions: 'noteTick' },
          { guard: 'pays', actions: 'noteTick' },
          { target: 'idle', actions: 'noteTick' },
        ],
      },
    },
    executing: {
      on: { 'route.saga_finished': { guard: 'ownSaga', target: 'cooldown', actions: 'noteFinished' } },
    },
    cooldown: {
      // Back to what the last tick said: a route blocked during its cooldown stays blocked.
      after: { cooldown: [{ guard: 'stillBlocked', target: 'blocked' }, { target: 'idle' }] },
      on: { 'route.tick': { actions: 'noteTick' } },
    },
  },
});
