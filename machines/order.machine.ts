/**
 * One order's life, driven by an explicit transition table (ORDER_TRANSITIONS) from which the
 * chart is generated. The table is modelled on nautilus_trader's order status table, with
 * UNKNOWN added for an outcome not yet known (timeout, 5xx, dropped socket) and three choices
 * made stricter or more exact:
 * - a fill is keyed by what it does to the quantity: `order.fill:partial` leaves some open,
 *   `order.fill:full` completes it; a partial fill while a cancel or amend is in flight keeps
 *   the request pending, and a partial fill after CANCELED/EXPIRED is applied without
 *   reopening the order;
 * - WORKING as a target means "back to where the order stood before the pending request":
 *   PARTIALLY_FILLED when anything filled, else ACCEPTED once acknowledged, else SUBMITTED;
 * - UNKNOWN is left by venue evidence (ack, reject, fill, cancel, expiry) or by
 *   `order.resolved` carrying the status the venue reported for our client order id.
 * Anything else is refused: recorded in `refused` and reported through the `order.refused`
 * hook, never applied. A fill whose venue trade id was already seen is ignored.
 * Quantities are integer lots, prices integer ticks; no clock is read (times come on events).
 */
import { assign, setup } from 'xstate';
import { crash, type DebugCrashEvent } from './drill.ts';
import { addText } from '../src/model/decimal.ts';

export const ORDER_STATUSES = [
  'INITIALIZED', 'DENIED', 'SUBMITTED', 'ACCEPTED', 'REJECTED', 'PENDING_UPDATE', 'PENDING_CANCEL',
  'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'UNKNOWN',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses the venue may report when an UNKNOWN order is queried by client order id. */
export const RESOLVED_STATUSES = ['ACCEPTED', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'REJECTED'] as const;
export type ResolvedStatus = (typeof RESOLVED_STATUSES)[number];

/** No further order activity is expected (a late fill after CANCELED/EXPIRED is still applied). */
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['DENIED', 'REJECTED', 'FILLED', 'CANCELED', 'EXPIRED'];

export type Side = 'buy' | 'sell';

interface At { readonly at: number }
export type OrderEvent =
  | ({ readonly type: 'order.submit' } & At)
  | ({ readonly type: 'order.denied'; readonly reason: string } & At)
  | ({ readonly type: 'order.accepted'; readonly venueOrderId?: string } & At)
  | ({ readonly type: 'order.rejected'; readonly reason: string } & At)
  | ({ readonly type: 'order.fill'; readonly tradeId: string; readonly qty: number; readonly price: number; readonly feeQuote?: string; readonly feeBase?: string } & At)
  | ({ readonly type: 'order.update_requested'; readonly qty?: number; readonly price?: number } & At)
  | ({ readonly type: 'order.updated'; readonly qty?: number; readonly price?: number } & At)
  | ({ readonly type: 'order.update_rejected'; readonly reason: string } & At)
  | ({ readonly type: 'order.cancel_requested' } & At)
  | ({ readonly type: 'order.canceled'; readonly reason?: string } & At)
  | ({ readonly type: 'order.cancel_rejected'; readonly reason: string } & At)
  | ({ readonly type: 'order.expired'; readonly reason?: string } & At)
  | ({ readonly type: 'order.timeout'; readonly reason: string } & At)
  | ({ readonly type: 'order.resolved'; readonly status: ResolvedStatus; readonly reason?: string } & At);
export type OrderEventType = OrderEvent['type'];

export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'order.submit', 'order.denied', 'order.accepted', 'order.rejected', 'order.fill', 'order.update_requested',
  'order.updated', 'order.update_rejected', 'order.cancel_requested', 'order.canceled', 'order.cancel_rejected',
  'order.expired', 'order.timeout', 'order.resolved',
];

/** A row key: the event type, refined for fills (by quantity) and resolutions (by venue status). */
export type TransitionKey =
  | Exclude<OrderEventType, 'order.fill' | 'order.resolved'>
  | 'order.fill:partial'
  | 'order.fill:full'
  | `order.resolved:${ResolvedStatus}`;
export type Target = OrderStatus | 'WORKING';

const fills = (partial: Target) => ({ 'order.fill:partial': partial, 'order.fill:full': 'FILLED' }) as const;

/** The whole order life as data; the chart below is generated from it. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Readonly<Partial<Record<TransitionKey, Target>>>>> = {
  INITIALIZED: { 'order.submit': 'SUBMITTED', 'order.denied': 'DENIED' },
  DENIED: {},
  SUBMITTED: {
    'order.accepted': 'ACCEPTED',
    'order.rejected': 'REJECTED',
    'order.canceled': 'CANCELED', // IOC/FOK with nothing to match
    'order.expired': 'EXPIRED', // IOC/FOK on venues that report it as expiry
    ...fills('PARTIALLY_FILLED'), // a fill may overtake the ack
    'order.update_requested': 'PENDING_UPDATE',
    'order.cancel_requested': 'PENDING_CANCEL',
    'order.cancel_rejected': 'SUBMITTED', // a cancel can fail before the order reaches the book
    'order.timeout': 'UNKNOWN',
  },
  ACCEPTED: {
    'order.rejected': 'REJECTED', // e.g. a conditional order rejected when it triggers
    'order.update_requested': 'PENDING_UPDATE',
    'order.cancel_requested': 'PENDING_CANCEL',
    'order.updated': 'ACCEPTED',
    'order.update_rejected': 'ACCEPTED', // late answers to a request already settled
    'order.cancel_rejected': 'ACCEPTED',
    'order.canceled': 'CANCELED',
    'order.expired': 'EXPIRED',
    ...fills('PARTIALLY_FILLED'),
  },
  PENDING_UPDATE: {
    'order.accepted': 'PENDING_UPDATE', // the late ack is recorded; the amend is still in flight
    'order.rejected': 'REJECTED',
    'order.update_requested': 'PENDING_UPDATE',
    'order.updated': 'WORKING',
    'order.update_rejected': 'WORKING',
    'order.cancel_requested': 'PENDING_CANCEL',
    'order.cancel_rejected': 'PENDING_UPDATE',
    'order.canceled': 'CANCELED',
    'order.expired': 'EXPIRED',
    ...fills('PENDING_UPDATE'),
    'order.timeout': 'UNKNOWN',
  },
  PENDING_CANCEL: {
    'order.accepted': 'PENDING_CANCEL',
    'order.rejected': 'REJECTED',
    'order.cancel_requested': 'PENDING_CANCEL',
    'order.cancel_rejected': 'WORKING',
    'order.updated': 'PENDING_CANCEL', // an amend answered while the cancel is in flight
    'order.update_rejected': 'PENDING_CANCEL',
    'order.canceled': 'CANCELED',
    'order.expired': 'EXPIRED',
    ...fills('PENDING_CANCEL'),
    'order.timeout': 'UNKNOWN',
  },
  PARTIALLY_FILLED: {
    'order.accepted': 'PARTIALLY_FILLED', // a fill overtook the ack
    'order.update_requested': 'PENDING_UPDATE',
    'order.cancel_requested': 'PENDING_CANCEL',
    'order.updated': 'PARTIALLY_FILLED',
    'order.update_rejected': 'PARTIALLY_FILLED',
    'order.cancel_rejected': 'PARTIALLY_FILLED',
    'order.canceled': 'CANCELED',
    'order.expired': 'EXPIRED',
    ...fills('PARTIALLY_FILLED'),
  },
  FILLED: {},
  REJECTED: {},
  CANCELED: fills('CANCELED'), // the cancel lost a race with the matching engine
  EXPIRED: fills('EXPIRED'),
  UNKNOWN: {
    'order.accepted': 'WORKING',
    'order.rejected': 'REJECTED',
    'order.canceled': 'CANCELED',
    'order.expired': 'EXPIRED',
    ...fills('PARTIALLY_FILLED'),
    'order.timeout': 'UNKNOWN', // the query itself timed out: still unknown, query again
    'order.resolved:ACCEPTED': 'ACCEPTED',
    'order.resolved:PARTIALLY_FILLED': 'PARTIALLY_FILLED',
    'order.resolved:FILLED': 'FILLED',
    'order.resolved:CANCELED': 'CANCELED',
    'order.resolved:EXPIRED': 'EXPIRED',
    'order.resolved:REJECTED': 'REJECTED',
  },
};

/** Venue trade ids remembered for duplicate detection (past this, the overfill check still holds). */
export const SEEN_TRADE_IDS_MAX = 512;
/** Refusals kept in context (the hook sees every one). */
export const REFUSED_MAX = 64;

export interface Refusal {
  readonly from: OrderStatus;
  readonly event: OrderEventType;
  readonly why: string;
  readonly at: number;
}

/** What the venue request needs beyond lots and ticks; carried unchanged (the chart never reads it). */
export interface OrderSpec {
  readonly symbol: string;
  readonly type: 'market' | 'limit';
  readonly tif: 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';
  readonly reduceOnly: boolean;
  readonly strategy: string;
  readonly intentId: string;
  readonly leg: string;
}

export interface OrderContext {
  readonly clientOrderId: string;
  readonly spec: OrderSpec | null;
  readonly venue: string;
  readonly instrument: string;
  readonly side: Side;
  /** Order quantity in lots. */
  readonly qty: number;
  /** Limit price in ticks; null for a market order. */
  readonly price: number | null;
  readonly venueOrderId: string | null;
  /** Filled lots. */
  readonly filled: number;
  /** Sum of lots × ticks over applied fills: the exact average price is notional / filled. */
  readonly notional: number;
  /** notional / filled in ticks as a decimal string (display and logs), null before any fill. */
  readonly avgPrice: string | null;
  readonly seenTradeIds: readonly string[];
  /** Fees of the applied fills valued in the quote asset (decimal text; fees in a third asset such as BNB are not in it). */
  readonly feeQuote: string;
  /** The part of those fees paid in the base asset, in base units (it shrinks the holding the fills bought). */
  readonly feeBase: string;
  readonly reason: string | null;
  readonly initializedAt: number;
  readonly submittedAt: number | null;
  readonly acceptedAt: number | null;
  readonly lastFillAt: number | null;
  readonly closedAt: number | null;
  readonly updatedAt: number;
  readonly refused: readonly Refusal[];
  readonly refusedCount: number;
  readonly duplicateFills: number;
}

export interface OrderInput {
  readonly clientOrderId: string;
  readonly spec?: OrderSpec;
  readonly venue: string;
  readonly instrument: string;
  readonly side: Side;
  readonly qty: number;
  readonly price: number | null;
  readonly at: number;
}

export type Verdict =
  | { readonly kind: 'go'; readonly key: TransitionKey; readonly to: OrderStatus }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'refuse'; readonly why: string };

const isLots = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;

/** Returns the table key an event takes from the current context. */
export function transitionKey(context: OrderContext, event: OrderEvent): TransitionKey {
  if (event.type === 'order.fill') return context.filled + event.qty >= context.qty ? 'order.fill:full' : 'order.fill:partial';
  if (event.type === 'order.resolved') return `order.resolved:${event.status}`;
  return event.type;
}

/** Returns where the order stood before its pending request (or UNKNOWN) was entered. */
export function workingStatus(context: OrderContext, event: OrderEvent): OrderStatus {
  if (context.filled > 0) return 'PARTIALLY_FILLED';
  return context.acceptedAt !== null || event.type === 'order.accepted' ? 'ACCEPTED' : 'SUBMITTED';
}

/** Returns what the table says about an event in a status: go (and where), ignore, or refuse. */
export function judge(from: OrderStatus, context: OrderContext, event: OrderEvent): Verdict {
  if (event.type === 'order.fill') {
    if (context.seenTradeIds.includes(event.tradeId)) return { kind: 'ignore' };
    if (!event.tradeId || !isLots(event.qty) || !isLots(event.price)) return { kind: 'refuse', why: 'invalid fill' };
    if (!Number.isSafeInteger(context.notional + event.qty * event.price)) return { kind: 'refuse', why: 'notional out of integer range' };
  }
  const key = transitionKey(context, event);
  const target = ORDER_TRANSITIONS[from][key];
  if (target === undefined) return { kind: 'refuse', why: 'not in table' };
  if (event.type === 'order.fill' && context.filled + event.qty > context.qty) return { kind: 'refuse', why: 'overfill' };
  if (event.type === 'order.updated' && event.qty !== undefined && (!isLots(event.qty) || event.qty <= context.filled)) {
    return { kind: 'refuse', why: 'amended quantity not above filled' };
  }
  return { kind: 'go', key, to: target === 'WORKING' ? workingStatus(context, event) : target };
}

/** Returns num/den as a decimal string rounded half-up to `digits` places, trailing zeros dropped. */
export function ratioToDecimal(num: number, den: number, digits = 6): string {
  const scale = 10n ** BigInt(digits);
  const n = BigInt(num) * scale;
  const d = BigInt(den);
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  const whole = (q / scale).toString();
  const frac = (q % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** Returns the context after an allowed event took the order to `to`. */
function applied(context: OrderContext, event: OrderEvent, to: OrderStatus): Partial<OrderContext> {
  const base = {
    updatedAt: event.at,
    closedAt: context.closedAt ?? (TERMINAL_STATUSES.includes(to) ? event.at : null),
  };
  switch (event.type) {
    case 'order.submit':
      return { ...base, submittedAt: event.at };
    case 'order.accepted':
      return { ...base, acceptedAt: context.acceptedAt ?? event.at, venueOrderId: event.venueOrderId ?? context.venueOrderId };
    case 'order.fill': {
      const filled = context.filled + event.qty;
      const notional = context.notional + event.qty * event.price;
      return {
        ...base,
        filled,
        notional,
        avgPrice: ratioToDecimal(notional, filled),
        feeQuote: (event.feeQuote !== undefined ? addText(context.feeQuote ?? '0', event.feeQuote) : undefined) ?? context.feeQuote ?? '0',
        feeBase: (event.feeBase !== undefined ? addText(context.feeBase ?? '0', event.feeBase) : undefined) ?? context.feeBase ?? '0',
        lastFillAt: event.at,
        seenTradeIds: [...context.seenTradeIds, event.tradeId].slice(-SEEN_TRADE_IDS_MAX),
      };
    }
    case 'order.updated':
      return { ...base, qty: event.qty ?? context.qty, price: event.price ?? context.price };
    case 'order.denied':
    case 'order.rejected':
    case 'order.update_rejected':
    case 'order.cancel_rejected':
    case 'order.timeout':
      return { ...base, reason: event.reason };
    case 'order.canceled':
    case 'order.expired':
    case 'order.resolved':
      return { ...base, reason: event.reason ?? context.reason };
    default:
      return base;
  }
}

/** The effect each row leads to, provided by src/execution (the venue call or the ledger). */
function effectsOf(key: TransitionKey): string[] {
  if (key === 'order.submit') return ['submitToVenue'];
  if (key === 'order.update_requested') return ['amendAtVenue'];
  if (key === 'order.cancel_requested') return ['cancelAtVenue'];
  if (key === 'order.timeout') return ['queryVenue'];
  if (key === 'order.fill:partial' || key === 'order.fill:full') return ['fillApplied'];
  return [];
}

export interface RefusedParams {
  readonly from: OrderStatus;
  readonly event: OrderEvent;
  readonly why: string;
}

type Move = { readonly from: OrderStatus; readonly key: TransitionKey; readonly to: OrderStatus };

const orderSetup = setup({
  types: {
    context: {} as OrderContext,
    events: {} as OrderEvent | DebugCrashEvent,
    input: {} as OrderInput,
  },
  actions: {
    crash,
    // Effects, provided by src/execution (no I/O in this file).
    submitToVenue: () => {},
    amendAtVenue: () => {},
    cancelAtVenue: () => {},
    queryVenue: () => {},
    fillApplied: () => {},
    'order.refused': (_, _params: RefusedParams) => {},
    apply: assign(({ context, event }, params: { to: OrderStatus }) =>
      applied(context, event as OrderEvent, params.to),
    ),
    recordRefusal: assign(({ context, event }, params: { from: OrderStatus }) => {
      const e = event as OrderEvent;
      const verdict = judge(params.from, context, e);
      const why = verdict.kind === 'refuse' ? verdict.why : 'not in table';
      return {
        refused: [...context.refused, { from: params.from, event: e.type, why, at: e.at }].slice(-REFUSED_MAX),
        refusedCount: context.refusedCount + 1,
      };
    }),
    noteDuplicate: assign({ duplicateFills: ({ context }) => context.duplicateFills + 1 }),
  },
  guards: {
    moves: ({ context, event }, m: Move) => {
      const v = judge(m.from, context, event as OrderEvent);
      return v.kind === 'go' && v.key === m.key && v.to === m.to;
    },
    ignored: ({ context, event }, p: { from: OrderStatus }) => judge(p.from, context, event as OrderEvent).kind === 'ignore',
  },
});

const baseType = (key: TransitionKey): OrderEventType => key.split(':')[0] as OrderEventType;
const WORKING_STATUSES: readonly OrderStatus[] = ['SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED'];

/** Returns the chart node for one status: its table rows, then ignore-duplicates, then refuse. */
function node(from: OrderStatus) {
  const on: Record<string, unknown[]> = {};
  for (const [key, target] of Object.entries(ORDER_TRANSITIONS[from]) as [TransitionKey, Target][]) {
    for (const to of target === 'WORKING' ? WORKING_STATUSES : [target]) {
      (on[baseType(key)] ??= []).push({
        guard: { type: 'moves', params: { from, key, to } },
        ...(to === from ? {} : { target: to }),
        actions: [{ type: 'apply', params: { to } }, ...effectsOf(key)],
      });
    }
  }
  for (const type of ORDER_EVENT_TYPES) {
    const list = (on[type] ??= []);
    if (type === 'order.fill') list.push({ guard: { type: 'ignored', params: { from } }, actions: 'noteDuplicate' });
    list.push({
      actions: [
        { type: 'recordRefusal', params: { from } },
        {
          type: 'order.refused',
          params: ({ context, event }: { context: OrderContext; event: OrderEvent }) => {
            const v = judge(from, context, event);
            return { from, event, why: v.kind === 'refuse' ? v.why : 'not in table' };
          },
        },
      ],
    });
  }
  return { on };
}

function chartStates(): Record<OrderStatus, ReturnType<typeof node>> {
  const states = {} as Record<OrderStatus, ReturnType<typeof node>>;
  for (const s of ORDER_STATUSES) states[s] = node(s);
  return states;
}

export const orderMachine = orderSetup.createMachine({
  id: 'order',
  initial: 'INITIALIZED',
  context: ({ input }) => ({
    clientOrderId: input.clientOrderId,
    spec: input.spec ?? null,
    venue: input.venue,
    instrument: input.instrument,
    side: input.side,
    qty: input.qty,
    price: input.price,
    venueOrderId: null,
    filled: 0,
    notional: 0,
    avgPrice: null,
    seenTradeIds: [],
    feeQuote: '0',
    feeBase: '0',
    reason: null,
    initializedAt: input.at,
    submittedAt: null,
    acceptedAt: null,
    lastFillAt: null,
    closedAt: null,
    updatedAt: input.at,
    refused: [],
    refusedCount: 0,
    duplicateFills: 0,
  }),
  on: { 'debug.crash': { actions: 'crash' } },
  // Generated from the table; widened to {} because the config checker wants per-row literal types.
  states: chartStates() as Record<OrderStatus, {}>,
});

/** Returns true when no further order activity is expected in this status. */
export function isTerminal(status: string): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}
