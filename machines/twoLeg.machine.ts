/**
 * The two-leg arbitrage saga (`twoleg:<id>`): both legs sent together, each order tracked to its
 * end at the venue, and never a leg left open.
 *
 *   sending ─(deadline)→ settling        (working orders are canceled; late fills still count)
 *   sending|settling ─(all orders done)→ hedged | orphaned | done (nothing filled: missed)
 *   hedged ─(spot)→ done   hedged ─(perp: saga.exit)→ exiting → done | orphaned | hedged
 *   orphaned ─(grace for late fills)→ planRecovery ─(recovery.retry | recovery.unwind)→ recovering
 *   recovering → hedged | done | orphaned (again, until maxRecoveries) → failed
 *
 * Quantities are integer units of the pair's fine step (the GCD of both instruments' lots in
 * base), so "held on A equals held on B" is an exact comparison. The saga decides nothing about
 * prices: what to send (retry within the price guard or unwind within the loss cap) comes in
 * events from src/strategies/arbitrage, which looks at the books. Effects (`place`, `cancel`,
 * `planRecovery`) are provided by src; the actor is durable, so its snapshot is on disk before
 * any order it names is sent.
 */
import { assign, setup } from 'xstate';
import { crash, type DebugCrashEvent } from './drill.ts';

export type LegName = 'a' | 'b';
export type SagaSide = 'buy' | 'sell';
export type OrderPurpose = 'open' | 'retry' | 'unwind' | 'exit';
export type SagaOutcome = 'hedged' | 'closed' | 'unwound' | 'missed' | 'failed';

/** One leg of the route: leg `a` buys at the open, leg `b` sells. */
export interface SagaLeg {
  readonly instrument: string;
  /** The side this leg takes at the open. */
  readonly side: SagaSide;
  /** Fine units per lot of this instrument. */
  readonly unitsPerLot: number;
  /** The VWAP the decision saw for this leg (quote per base). */
  readonly seenPrice: number;
}

/** One order the saga sent (or is about to send). */
export interface SagaOrder {
  /** Unique within the saga; the order intent's leg id (`a:open`, `b:retry:1`, `a:unwind:2`). */
  readonly key: string;
  readonly leg: LegName;
  readonly purpose: OrderPurpose;
  readonly side: SagaSide;
  readonly units: number;
  /** Worst acceptable price (decimal text); null = market. */
  readonly limitPrice: string | null;
  readonly reduceOnly: boolean;
  readonly clientOrderId: string | null;
  readonly status: string;
  readonly filled: number;
  readonly avgPrice: string | null;
  /** Fees in the quote asset (decimal text). */
  readonly fee: string;
  /** The part of the fees paid in the base asset, in base units (decimal text): the holding is that much smaller. */
  readonly feeBase?: string;
  /** Terminal at the venue (late fills after a cancel still update `filled`). */
  readonly done: boolean;
}

export interface TwoLegContext {
  readonly id: string;
  readonly route: string;
  readonly kind: 'spot' | 'perp';
  readonly legs: { readonly a: SagaLeg; readonly b: SagaLeg };
  /** Target size in fine units and the fine step in base (decimal text). */
  readonly units: number;
  readonly fine: string;
  readonly orders: readonly SagaOrder[];
  readonly phase: 'open' | 'exit';
  readonly recoveries: number;
  readonly maxRecoveries: number;
  readonly legTimeoutMs: number;
  readonly orphanGraceMs: number;
  /** Perp–perp: the position is closed at this time at the latest. */
  readonly holdUntil: number | null;
  readonly decidedAt: number;
  readonly seenNetBps: number;
  readonly hedgedAt: number | null;
  readonly closedAt: number | null;
  readonly outcome: SagaOutcome | null;
  readonly reason: string | null;
  /** Units left unhedged because no venue would take them (below a lot or a minimum). */
  readonly dust: number;
}

export type TwoLegInput = Omit<TwoLegContext, 'phase' | 'recoveries' | 'hedgedAt' | 'closedAt' | 'outcome' | 'reason' | 'dust'>;

/** What an order's venue reports, folded into the saga. */
export type LegUpdate = Pick<SagaOrder, 'key' | 'status' | 'filled' | 'avgPrice' | 'fee' | 'feeBase' | 'done'> & { readonly clientOrderId: string };

export type TwoLegEvent =
  | ({ readonly type: 'leg.updated'; readonly at: number } & LegUpdate)
  | { readonly type: 'recovery.retry'; readonly at: number; readonly order: SagaOrder; readonly why: string }
  | { readonly type: 'recovery.unwind'; readonly at: number; readonly order: SagaOrder; readonly why: string }
  | { readonly type: 'recovery.dust'; readonly at: number; readonly units: number; readonly why: string }
  | { readonly type: 'recovery.give_up'; readonly at: number; readonly why: string }
  | { readonly type: 'saga.exit'; readonly at: number; readonly orders: readonly SagaOrder[]; readonly why: string }
  | DebugCrashEvent;

/** Returns the signed units a leg holds now: its open side's fills minus the opposite side's. */
export function held(ctx: Pick<TwoLegContext, 'legs' | 'orders'>, leg: LegName): number {
  const open = ctx.legs[leg].side;
  let n = 0;
  for (const o of ctx.orders) if (o.leg === leg) n += o.side === open ? o.filled : -o.filled;
  return n;
}

/** Returns true when no order of the saga is still working at a venue. */
export function allDone(ctx: Pick<TwoLegContext, 'orders'>): boolean {
  return ctx.orders.every((o) => o.done);
}

/** Returns a fresh order record for the saga to send. */
export function newOrder(o: Pick<SagaOrder, 'key' | 'leg' | 'purpose' | 'side' | 'units' | 'limitPrice' | 'reduceOnly'>): SagaOrder {
  return { ...o, clientOrderId: null, status: 'NEW', filled: 0, avgPrice: null, fee: '0', done: false };
}

const balanced = (c: TwoLegContext): boolean => held(c, 'a') === held(c, 'b');
const flat = (c: TwoLegContext): boolean => held(c, 'a') === 0 && held(c, 'b') === 0;
const everFilled = (c: TwoLegContext): boolean => c.orders.some((o) => o.filled > 0);

/** Where a saga goes once no order of it is working: flat ⇒ done (missed, unwound or closed), balanced ⇒ hedged, else orphaned. */
const SETTLED = [
  { guard: 'settledFlat', target: 'done' },
  { guard: 'settledBalanced', target: 'hedged' },
  { guard: 'settledImbalanced', target: 'orphaned' },
] as const;

export const twoLegMachine = setup({
  types: {
    context: {} as TwoLegContext,
    events: {} as TwoLegEvent,
    input: {} as TwoLegInput,
  },
  delays: {
    legTimeout: ({ context }) => context.legTimeoutMs,
    orphanGrace: ({ context }) => context.orphanGraceMs,
  },
  guards: {
    settledFlat: ({ context }) => allDone(context) && flat(context),
    settledBalanced: ({ context }) => allDone(context) && balanced(context) && !flat(context),
    settledImbalanced: ({ context }) => allDone(context) && !balanced(context),
    isSpot: ({ context }) => context.kind === 'spot',
    recoveriesLeft: ({ context }) => context.recoveries < context.maxRecoveries,
  },
  actions: {
    crash,
    /** Sends every order not yet done (idempotent: a client order id names each one). */
    place: () => undefined,
    /** Cancels the orders still working (their deadline passed). */
    cancelWorking: () => undefined,
    /** Looks at the books and answers with recovery.retry | recovery.unwind | recovery.dust | recovery.give_up. */
    planRecovery: () => undefined,
    /** Reports the end of the saga (audit row, metrics, route cooldown). */
    finished: () => undefined,
    applyUpdate: assign({
      orders: ({ context, event }) => {
        const e = event as Extract<TwoLegEvent, { type: 'leg.updated' }>;
        return context.orders.map((o) =>
          o.key !== e.key
            ? o
            : {
                ...o,
                clientOrderId: e.clientOrderId,
                status: e.status,
                // Fills only grow: a late or reordered report never takes one back.
                filled: Math.max(o.filled, e.filled),
                avgPrice: e.filled >= o.filled ? e.avgPrice : o.avgPrice,
                fee: e.filled >= o.filled ? e.fee : o.fee,
                feeBase: e.filled >= o.filled ? (e.feeBase ?? o.feeBase) : o.feeBase,
                done: o.done || e.done,
              },
        );
      },
    }),
    addRecoveryOrder: assign({
      orders: ({ context, event }) => [...context.orders, (event as Extract<TwoLegEvent, { type: 'recovery.retry' | 'recovery.unwind' }>).order],
      recoveries: ({ context }) => context.recoveries + 1,
      reason: ({ event }) => (event as Extract<TwoLegEvent, { type: 'recovery.retry' | 'recovery.unwind' }>).why,
    }),
    addExitOrders: assign({
      orders: ({ context, event }) => [...context.orders, ...(event as Extract<TwoLegEvent, { type: 'saga.exit' }>).orders],
      phase: 'exit' as const,
      reason: ({ event }) => (event as Extract<TwoLegEvent, { type: 'saga.exit' }>).why,
    }),
    markHedged: assign({ hedgedAt: ({ context, event }) => context.hedgedAt ?? ('at' in event ? event.at : null) }),
    markDust: assign({
      dust: ({ event }) => (event as Extract<TwoLegEvent, { type: 'recovery.dust' }>).units,
      reason: ({ event }) => (event as Extract<TwoLegEvent, { type: 'recovery.dust' }>).why,
    }),
    end: assign({
      closedAt: ({ event }) => ('at' in event ? event.at : null),
      outcome: ({ context }): SagaOutcome => {
        if (!everFilled(context)) return 'missed';
        if (context.phase === 'exit') return 'closed';
        // Dust left on one side of a hedge is still a hedge; dust alone is an unwound trade.
        return Math.min(Math.abs(held(context, 'a')), Math.abs(held(context, 'b'))) > 0 ? 'hedged' : 'unwound';
      },
    }),
    endFailed: assign({
      closedAt: ({ event }) => ('at' in event ? event.at : null),
      outcome: 'failed' as const,
      reason: ({ context, event }) => (event.type === 'recovery.give_up' ? event.why : `no balance after ${context.recoveries} recoveries`),
    }),
  },
}).createMachine({
  id: 'twoLeg',
  initial: 'sending',
  context: ({ input }) => ({ ...input, phase: 'open', recoveries: 0, hedgedAt: null, closedAt: null, outcome: null, reason: null, dust: 0 }),
  on: {
    'debug.crash': { actions: 'crash' },
    'leg.updated': { actions: 'applyUpdate' },
  },
  states: {
    sending: {
      entry: 'place',
      always: SETTLED,
      after: { legTimeout: 'settling' },
    },
    settling: {
      entry: 'cancelWorking',
      always: SETTLED,
    },
    hedged: {
      entry: 'markHedged',
      always: { guard: 'isSpot', target: 'done' },
      on: { 'saga.exit': { target: 'exiting', actions: 'addExitOrders' } },
    },
    exiting: {
      entry: 'place',
      always: SETTLED,
      after: { legTimeout: { actions: 'cancelWorking' } },
    },
    orphaned: {
      // A short grace first: a leg canceled at its deadline may still report a fill.
      always: [
        { guard: 'settledFlat', target: 'done' },
        { guard: 'settledBalanced', target: 'hedged' },
      ],
      after: {
        orphanGrace: [{ guard: 'recoveriesLeft', actions: 'planRecovery' }, { target: 'failed' }],
      },
      on: {
        'recovery.retry': { target: 'recovering', actions: 'addRecoveryOrder' },
        'recovery.unwind': { target: 'recovering', actions: 'addRecoveryOrder' },
        'recovery.dust': { target: 'done', actions: 'markDust' },
        'recovery.give_up': 'failed',
      },
    },
    recovering: {
      entry: 'place',
      always: SETTLED,
      after: { legTimeout: { actions: 'cancelWorking' } },
    },
    done: { type: 'final', entry: ['end', 'finished'] },
    failed: { type: 'final', entry: ['endFailed', 'finished'] },
  },
});

/** The saga states in which exposure is expected (an order in flight or a recovery under way). */
export const IN_FLIGHT_STATES: readonly string[] = ['sending', 'settling', 'exiting', 'orphaned', 'recovering'];
