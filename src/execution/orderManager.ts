/**
 * Every order the daemon places lives here as an order actor (`order:<clientOrderId>`, durable),
 * driven by the transition table in machines/order.machine.ts. The rules this file keeps:
 *
 * - The intent is durable before the request leaves: the actor is created and its SUBMITTED
 *   snapshot fsynced, and only then does the table's `submitToVenue` effect send the place.
 *   A kill -9 in between leaves a SUBMITTED order that the restart queries by client id.
 * - Client order ids are a pure function of (strategy, intent, leg, attempt): submitting the same
 *   intent twice returns the first order; the venue refuses a repeated place as a duplicate.
 * - A place, amend or cancel whose answer does not come (timeout, 5xx, network) is never marked
 *   failed: the order goes UNKNOWN and is queried by client id until the venue says what it is
 *   (unless the stream already said it: then the lost answer changes nothing).
 *   A venue that still does not know it after `unknownNotFoundMs` never received it (REJECTED).
 * - Fills are applied to the ledger on arrival (deduplicated by venue trade id) and to the order
 *   actor; fills the stream missed are fetched from the venue before a status is trusted.
 * - Every request, answer, fill, denial and refusal is an `order.*` record in the event log.
 */
import type { AnyEventObject } from 'xstate';
import { Subject } from 'rxjs';
import { Timers, type Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { ErrorCodes, FleetError, errorMessage } from '../core/errors.ts';
import type { VenueId } from '../config/schema.ts';
import type { Instrument } from '../model/instrument.ts';
import { decText, mul, parseDec } from '../model/decimal.ts';
import type { ActorRuntime } from '../runtime/actorRuntime.ts';
import type { EventLog } from '../runtime/eventLog.ts';
import {
  ORDER_TRANSITIONS,
  isTerminal,
  orderMachine,
  transitionKey,
  type OrderContext,
  type OrderEvent,
  type OrderSpec,
  type OrderStatus,
  type RefusedParams,
  type ResolvedStatus,
} from '../../machines/order.machine.ts';
import { clientOrderId, isFleetClientOrderId, type ClientIdVenue } from './clientOrderId.ts';
import type { OrderSide, PrivateAdapter, TimeInForce, VenueCallDetails, VenueFill, VenueOrder } from './types.ts';

/** What a strategy (or the kill switch) asks for. */
export interface OrderIntent {
  readonly strategy: string;
  /** The durable intent (saga, signal) this order serves. */
  readonly intentId: string;
  readonly leg: string | number;
  /** A deliberate new order for the same leg; never raised by a retry. */
  readonly attempt?: number;
  /**
   * The order only takes risk off (a saga's recovery or unwind, a hedge completed, a position
   * closed): it passes the mode, portfolio and venue blocks that stop new risk, never the
   * instrument and balance checks.
   */
  readonly riskReducing?: boolean;
  /** Instrument id, e.g. `bybit-linear:BTCUSDT`. */
  readonly instrument: string;
  readonly side: OrderSide;
  readonly type: 'market' | 'limit';
  readonly tif?: TimeInForce;
  /** Decimal string on the instrument's lot grid (round with src/risk/orderRules.ts first). */
  readonly qty: string;
  /** Decimal string on the tick grid; required for limit orders. */
  readonly price?: string;
  readonly reduceOnly?: boolean;
  /** The quote-asset loss if the position's stop is hit (portfolio heat). */
  readonly riskQuote?: string;
  /** When the strategy decided (decision-to-request latency); defaults to now. */
  readonly decidedAt?: number;
}

export interface OrderOutcome {
  readonly clientOrderId: string;
  readonly status: OrderStatus;
  readonly reason?: string;
}

/** Pre-trade verdict, from src/risk/preTrade.ts via the execution service. */
export type PreTradeVerdict = { readonly ok: true } | { readonly ok: false; readonly check: string; readonly reason: string };

export interface PreTradeInput {
  readonly intent: OrderIntent;
  readonly instrument: Instrument;
  readonly qtyLots: number;
  readonly priceTicks: number | null;
}

/** A fill as the ledger sees it. */
export interface AppliedFill {
  readonly venue: VenueId;
  readonly instrument: Instrument;
  readonly fill: VenueFill;
  /** The order is ours (known actor) or not (placed behind our back, or retired). */
  readonly known: boolean;
}

export interface OrderManagerDeps {
  readonly runtime: ActorRuntime;
  readonly eventLog: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
  instrument(id: string): Instrument | undefined;
  instrumentOf(venue: VenueId, symbol: string): Instrument | undefined;
  adapter(venue: VenueId): PrivateAdapter | undefined;
  preTrade(input: PreTradeInput): PreTradeVerdict;
  /** A fill of an order the daemon did not place (by hand on the same account). */
  foreignFill?(venue: VenueId, fill: VenueFill): void;
  /** Applies a fill to the ledger; false when its trade id was already applied. */
  applyFill(f: AppliedFill): boolean;
  /** A venue call's outcome, for consecutive-failure limits and breakers. */
  outcome(venue: VenueId, instrument: string, ok: boolean, reason?: string): void;
  /** An order reached a terminal status (heat bookkeeping). */
  closed?(ctx: OrderContext, status: OrderStatus): void;
  readonly unknownNotFoundMs: number;
  readonly retireAfterMs: number;
}

const ORDER_PREFIX = 'order:';
const MAX_QUERY_DELAY_MS = 5_000;
/** After a cancel is acknowledged without a status, the order is checked this long later. */
const CANCEL_CHECK_MS = 2_000;
/** A stream order update showing more filled than the fills seen: fetch fills after this. */
const FILL_GAP_MS = 1_000;

/** Maps a venue status onto the table's resolution of an UNKNOWN order. */
const RESOLUTION: Readonly<Record<VenueOrder['status'], ResolvedStatus>> = {
  new: 'ACCEPTED',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  expired: 'EXPIRED',
  rejected: 'REJECTED',
};

export const orderActorId = (cid: string): string => ORDER_PREFIX + cid;

/** Returns a fill's fee valued in the instrument's quote (a fee in base is valued at the fill price), or undefined for a third asset. */
export function quoteFee(inst: Instrument, fill: Pick<VenueFill, 'fee' | 'feeAsset' | 'price'>): string | undefined {
  if (fill.feeAsset === inst.quote) return fill.fee;
  if (fill.feeAsset !== inst.base) return undefined;
  const fee = parseDec(fill.fee);
  const price = parseDec(fill.price);
  return fee && price ? decText(mul(fee, price)) : undefined;
}

export class OrderManager {
  /** The client order id of every order whose actor took an event (status or fills may have changed). */
  readonly updated$ = new Subject<string>();
  private readonly waiters = new Map<string, ((o: OrderOutcome) => void)[]>();
  /** Callers waiting for an order's first status (see `decided`). */
  private readonly deciders = new Map<string, ((s: OrderStatus) => void)[]>();
  /** Orders not yet terminal (kept here so a pre-trade check does not walk every actor). */
  private readonly live = new Set<string>();
  /** Orders whose actor is being created (a second submit of the same intent waits on the first). */
  private readonly creating = new Set<string>();
  private readonly queryAttempts = new Map<string, number>();
  private readonly timers: Timers;
  private readonly logic;
  private stopped = false;

  constructor(private readonly d: OrderManagerDeps) {
    this.timers = new Timers(d.clock);
    this.logic = orderMachine.provide({
      actions: {
        submitToVenue: ({ context }) => this.after(context.clientOrderId, () => this.place(context.clientOrderId)),
        amendAtVenue: ({ context, event }) => {
          const e = event as Extract<OrderEvent, { type: 'order.update_requested' }>;
          this.after(context.clientOrderId, () => this.amendAtVenue(context.clientOrderId, e.qty, e.price));
        },
        cancelAtVenue: ({ context }) => this.after(context.clientOrderId, () => this.cancelAtVenue(context.clientOrderId)),
        queryVenue: ({ context }) => this.scheduleQuery(context.clientOrderId),
        'order.refused': ({ context }, p: RefusedParams) => {
          this.log('order.refused', context.clientOrderId, { from: p.from, event: p.event.type, why: p.why });
          this.d.logger.warn({ order: context.clientOrderId, from: p.from, event: p.event.type, why: p.why }, 'order transition refused');
        },
      },
    });
  }

  /** Restores persisted order actors and returns the client ids of those still open. */
  async restore(): Promise<string[]> {
    const ids = await this.d.runtime.persistedIds(ORDER_PREFIX);
    const fresh = ids.filter((id) => !this.d.runtime.has(id));
    await this.d.runtime.spawnAll(fresh.map((id) => ({ id, spec: this.spec(undefined) })));
    const open: string[] = [];
    for (const id of fresh) {
      const cid = id.slice(ORDER_PREFIX.length);
      const state = this.status(cid);
      if (state && isTerminal(state)) this.scheduleRetire(cid);
      else {
        open.push(cid);
        this.live.add(cid);
      }
    }
    return open;
  }

  /** Places an order for `intent`; resolves once the venue answered (or the order is UNKNOWN). */
  submit(intent: OrderIntent): Promise<OrderOutcome> {
    const venue = intent.instrument.slice(0, intent.instrument.indexOf(':')) as VenueId;
    const cid = clientOrderId(venue as ClientIdVenue, { strategy: intent.strategy, intentId: intent.intentId, leg: intent.leg, attempt: intent.attempt ?? 0 });
    const id = orderActorId(cid);
    if (this.creating.has(cid)) return this.wait(cid);
    if (this.d.runtime.has(id)) {
      // The same intent again (a retry, a restart): the first order stands.
      const status = this.status(cid)!;
      if (isTerminal(status) || status === 'UNKNOWN' || status === 'ACCEPTED' || status === 'PARTIALLY_FILLED') return Promise.resolve(this.outcome(cid));
      return this.wait(cid);
    }
    const now = this.d.clock.now();
    const inst = this.d.instrument(intent.instrument);
    const qtyLots = inst ? inst.qty.toInt(intent.qty) : NaN;
    const priceTicks = inst && intent.price !== undefined ? inst.price.toInt(intent.price) : null;
    const spec: OrderSpec = {
      symbol: inst?.symbol ?? intent.instrument.slice(venue.length + 1),
      type: intent.type,
      tif: intent.tif ?? (intent.type === 'market' ? 'IOC' : 'GTC'),
      reduceOnly: intent.reduceOnly ?? false,
      strategy: intent.strategy,
      intentId: intent.intentId,
      leg: String(intent.leg),
    };
    const input = {
      clientOrderId: cid,
      spec,
      venue,
      instrument: intent.instrument,
      side: intent.side,
      qty: Number.isSafeInteger(qtyLots) && qtyLots > 0 ? qtyLots : 0,
      price: priceTicks !== null && Number.isSafeInteger(priceTicks) && priceTicks > 0 ? priceTicks : null,
      at: now,
    };
    const denial = this.screen(intent, inst, qtyLots, priceTicks);
    this.creating.add(cid);
    void this.d.runtime.spawnAll([{ id, spec: this.spec(input) }]).then(() => {
      this.creating.delete(cid);
      this.live.add(cid);
      this.log('order.intent', cid, {
        instrument: intent.instrument, side: intent.side, type: spec.type, tif: spec.tif, qty: intent.qty,
        price: intent.price ?? null, reduceOnly: spec.reduceOnly, strategy: intent.strategy, intentId: intent.intentId,
        leg: spec.leg, attempt: intent.attempt ?? 0, decidedAt: intent.decidedAt ?? now,
      });
      if (denial) {
        this.log('order.denied', cid, { check: denial.check, reason: denial.reason });
        this.send(cid, { type: 'order.denied', at: this.d.clock.now(), reason: `${denial.check}: ${denial.reason}` });
      } else {
        this.send(cid, { type: 'order.submit', at: this.d.clock.now() });
      }
    }).catch((e: unknown) => {
      this.creating.delete(cid);
      this.settleWaiters(cid, { clientOrderId: cid, status: 'DENIED', reason: `could not create the order actor: ${errorMessage(e)}` });
    });
    return this.wait(cid);
  }

  /** Asks the venue to cancel; resolves once the request is on its way (the outcome comes by events). */
  cancel(cid: string, reason = 'requested'): boolean {
    if (!this.d.runtime.has(orderActorId(cid))) return false;
    return this.send(cid, { type: 'order.cancel_requested', at: this.d.clock.now(), reason } as OrderEvent);
  }

  /** Asks the venue to amend price and/or quantity (decimal strings on the grid). */
  amend(cid: string, change: { qty?: string; price?: string }): boolean {
    const ctx = this.context(cid);
    const inst = ctx && this.d.instrument(ctx.instrument);
    if (!ctx || !inst) return false;
    const qty = change.qty !== undefined ? inst.qty.toInt(change.qty) : undefined;
    const price = change.price !== undefined ? inst.price.toInt(change.price) : undefined;
    if (Number.isNaN(qty) || Number.isNaN(price)) return false;
    return this.send(cid, { type: 'order.update_requested', at: this.d.clock.now(), ...(qty !== undefined ? { qty } : {}), ...(price !== undefined ? { price } : {}) });
  }

  /** Returns the contexts of orders not yet terminal, optionally of one venue or instrument. */
  open(scope: { venue?: string; instrument?: string } = {}): OrderContext[] {
    const out: OrderContext[] = [];
    for (const cid of this.live) {
      const status = this.status(cid);
      const ctx = this.context(cid);
      if (!ctx || !status || isTerminal(status)) continue;
      if (scope.venue && ctx.venue !== scope.venue) continue;
      if (scope.instrument && ctx.instrument !== scope.instrument) continue;
      out.push(ctx);
    }
    return out;
  }

  status(cid: string): OrderStatus | undefined {
    const s = this.d.runtime.snapshot(orderActorId(cid));
    return s ? (String(s.value) as OrderStatus) : undefined;
  }

  context(cid: string): OrderContext | undefined {
    return this.d.runtime.snapshot(orderActorId(cid))?.context as OrderContext | undefined;
  }

  /** A private stream event for this venue (orders and fills; the service handles the rest). */
  onOrderUpdate(venue: VenueId, o: VenueOrder): void {
    const ctx = this.context(o.clientOrderId);
    if (!ctx || ctx.venue !== venue) {
      this.log('order.unmatched_update', undefined, { venue, symbol: o.symbol, clientOrderId: o.clientOrderId, status: o.status });
      return;
    }
    const inst = this.d.instrument(ctx.instrument);
    const venueFilled = inst ? inst.qty.toInt(o.filledQty) : NaN;
    if (Number.isFinite(venueFilled) && venueFilled > ctx.filled) {
      // The fills themselves come as their own messages; if they have not by then, fetch them.
      this.timers.later(FILL_GAP_MS, () => {
        const now = this.context(o.clientOrderId);
        if (now && now.filled < venueFilled) void this.recoverFills(o.clientOrderId, o.venueOrderId).then(() => this.applyStatus(o));
      });
      if (o.status === 'filled' || o.status === 'partially_filled') {
        this.noteTraded(o);
        return;
      }
    }
    this.applyStatus(o);
  }

  /** A fill from the stream, a fill query or a paper engine. */
  onFill(venue: VenueId, fill: VenueFill): void {
    const inst = this.d.instrumentOf(venue, fill.symbol);
    const ctx = this.context(fill.clientOrderId);
    const known = !!ctx && ctx.venue === venue;
    if (!inst) {
      this.log('order.fill_unknown_instrument', known ? fill.clientOrderId : undefined, { venue, ...fill });
      return;
    }
    // A fill of an order someone else placed on this account is not the daemon's to book:
    // reconciliation raises the difference. Fills of our own retired orders are booked.
    const foreign = !known && !isFleetClientOrderId(venue as ClientIdVenue, fill.clientOrderId);
    const fresh = foreign || this.d.applyFill({ venue, instrument: inst, fill, known });
    if (fresh) {
      this.log(known ? 'order.fill' : 'order.fill_unmatched', known ? fill.clientOrderId : undefined, {
        venue, symbol: fill.symbol, clientOrderId: fill.clientOrderId, tradeId: fill.tradeId, side: fill.side, price: fill.price,
        qty: fill.qty, fee: fill.fee, feeAsset: fill.feeAsset, liquidity: fill.liquidity, venueTs: fill.ts,
      });
    }
    if (foreign) this.d.foreignFill?.(venue, fill);
    if (!known) return;
    const qty = inst.qty.toInt(fill.qty);
    let price = inst.price.toInt(fill.price);
    // A venue may report an average off the tick grid; the chart keeps whole ticks, the ledger the exact price.
    if (Number.isNaN(price)) price = Math.round(inst.price.toTicks(fill.price));
    const feeQuote = quoteFee(inst, fill);
    const feeBase = fill.feeAsset === inst.base ? fill.fee : undefined;
    this.send(fill.clientOrderId, {
      type: 'order.fill', at: this.d.clock.now(), tradeId: fill.tradeId, qty, price,
      ...(feeQuote !== undefined ? { feeQuote } : {}),
      ...(feeBase !== undefined ? { feeBase } : {}),
    });
  }

  /** Queries one order at the venue and brings the actor in line (restart, malformed message, reconciliation). */
  async sync(cid: string): Promise<VenueOrder | undefined> {
    const ctx = this.context(cid);
    const adapter = ctx && this.d.adapter(ctx.venue as VenueId);
    if (!ctx || !adapter || !ctx.spec) return undefined;
    let vo: VenueOrder | undefined;
    try {
      vo = await adapter.query(ctx.spec.symbol, cid);
    } catch (e) {
      this.log('order.query_failed', cid, { error: errorMessage(e) });
      if (this.status(cid) !== 'UNKNOWN' && !isTerminal(this.status(cid)!)) this.send(cid, { type: 'order.timeout', at: this.d.clock.now(), reason: `query failed: ${errorMessage(e)}` });
      return undefined;
    }
    if (!vo) {
      this.notFound(cid);
      return undefined;
    }
    this.log('order.queried', cid, { status: vo.status, filledQty: vo.filledQty, venueOrderId: vo.venueOrderId });
    this.noteTraded(vo);
    await this.recoverFills(cid, vo.venueOrderId, vo);
    this.applyStatus(vo);
    return vo;
  }

  stop(): void {
    this.stopped = true;
    this.timers.stop();
    for (const cid of [...this.waiters.keys()]) this.settleWaiters(cid, this.outcome(cid));
  }

  // ---- effects ----

  private async place(cid: string): Promise<void> {
    const ctx = this.context(cid);
    if (!ctx?.spec) return;
    const adapter = this.d.adapter(ctx.venue as VenueId);
    const inst = this.d.instrument(ctx.instrument);
    if (!adapter || !inst) {
      this.send(cid, { type: 'order.rejected', at: this.d.clock.now(), reason: adapter ? 'unknown instrument' : `no trading connection for ${ctx.venue}` });
      return;
    }
    const req = {
      symbol: ctx.spec.symbol,
      clientOrderId: cid,
      side: ctx.side,
      type: ctx.spec.type,
      tif: ctx.spec.tif,
      qty: inst.qty.toText(ctx.qty),
      ...(ctx.price !== null ? { price: inst.price.toText(ctx.price) } : {}),
      ...(ctx.spec.reduceOnly ? { reduceOnly: true } : {}),
    };
    this.log('order.request', cid, { ...req, paper: adapter.paper });
    try {
      const ack = await adapter.place(req);
      this.log('order.ack', cid, { venueOrderId: ack.venueOrderId, status: ack.status, filledQty: ack.filledQty });
      this.d.outcome(ctx.venue as VenueId, ctx.instrument, true);
      if (ack.status !== 'new' || ack.venueOrderId) this.applyStatus(ack);
    } catch (e) {
      this.venueFailure(cid, ctx, e, 'place');
    }
  }

  private async amendAtVenue(cid: string, qty: number | undefined, price: number | undefined): Promise<void> {
    const ctx = this.context(cid);
    const adapter = ctx && this.d.adapter(ctx.venue as VenueId);
    const inst = ctx && this.d.instrument(ctx.instrument);
    if (!ctx?.spec || !adapter || !inst) return;
    const req = {
      symbol: ctx.spec.symbol,
      clientOrderId: cid,
      ...(qty !== undefined ? { qty: inst.qty.toText(qty) } : {}),
      ...(price !== undefined ? { price: inst.price.toText(price) } : {}),
    };
    this.log('order.amend_request', cid, req);
    try {
      await adapter.amend(req);
      this.send(cid, { type: 'order.updated', at: this.d.clock.now(), ...(qty !== undefined ? { qty } : {}), ...(price !== undefined ? { price } : {}) });
    } catch (e) {
      this.venueFailure(cid, ctx, e, 'amend');
    }
  }

  private async cancelAtVenue(cid: string): Promise<void> {
    const ctx = this.context(cid);
    const adapter = ctx && this.d.adapter(ctx.venue as VenueId);
    if (!ctx?.spec || !adapter) return;
    this.log('order.cancel_request', cid, { symbol: ctx.spec.symbol });
    try {
      const ans = await adapter.cancel(ctx.spec.symbol, cid);
      this.log('order.cancel_ack', cid, { status: ans?.status ?? null });
      if (ans && ans.status !== 'new' && ans.status !== 'partially_filled') await this.sync(cid);
      else this.timers.later(CANCEL_CHECK_MS, () => {
        if (this.status(cid) === 'PENDING_CANCEL') void this.sync(cid);
      });
    } catch (e) {
      this.venueFailure(cid, ctx, e, 'cancel');
    }
  }

  /** Sorts a failed venue call: unknown outcome → UNKNOWN and query; not found → query; else rejected. */
  private venueFailure(cid: string, ctx: OrderContext, e: unknown, what: 'place' | 'amend' | 'cancel'): void {
    // Stopping aborts requests in flight: that says nothing about the order, which stays as it
    // is persisted and is queried at the next start.
    if (this.stopped) return;
    const now = this.d.clock.now();
    const err = e instanceof FleetError ? e : new FleetError(ErrorCodes.VENUE_UNAVAILABLE, errorMessage(e), 'retryable');
    const details = err.details as Partial<VenueCallDetails> | undefined;
    this.log(`order.${what}_failed`, cid, { code: err.code, class: err.errorClass, error: err.message, venueCode: details?.venueCode ?? null });
    const unknownOutcome =
      err.code === ErrorCodes.VENUE_TIMEOUT || err.code === ErrorCodes.VENUE_RESPONSE_INVALID ||
      (err.code === ErrorCodes.VENUE_UNAVAILABLE && err.errorClass === 'retryable');
    if (unknownOutcome || details?.duplicate) {
      // The stream may have settled the order while the answer was lost (an ack or a fill
      // overtaking a late timeout): only a status still waiting on this answer goes UNKNOWN.
      this.sendIfRow(cid, { type: 'order.timeout', at: now, reason: `${what}: ${err.message}` });
      return;
    }
    if (details?.notFound && what !== 'place') {
      void this.sync(cid);
      return;
    }
    this.d.outcome(ctx.venue as VenueId, ctx.instrument, false, err.message);
    const reason = details?.reason ? `${details.reason}${details.venueCode ? ` (venue code ${details.venueCode})` : ''}` : err.message;
    if (what === 'place') this.send(cid, { type: 'order.rejected', at: now, reason });
    else if (what === 'amend') this.send(cid, { type: 'order.update_rejected', at: now, reason });
    else this.send(cid, { type: 'order.cancel_rejected', at: now, reason });
  }

  private scheduleQuery(cid: string): void {
    const n = (this.queryAttempts.get(cid) ?? 0) + 1;
    this.queryAttempts.set(cid, n);
    const delay = Math.min(MAX_QUERY_DELAY_MS, 250 * 2 ** (n - 1));
    this.timers.later(delay, () => {
      if (this.status(cid) === 'UNKNOWN') void this.sync(cid);
    });
  }

  private notFound(cid: string): void {
    const ctx = this.context(cid);
    if (!ctx) return;
    const since = this.d.clock.now() - (ctx.submittedAt ?? ctx.initializedAt);
    const status = this.status(cid);
    this.log('order.not_found', cid, { status, sinceSubmitMs: since });
    if (status === 'UNKNOWN' || status === 'SUBMITTED') {
      if (since >= this.d.unknownNotFoundMs) {
        const reason = `the venue has no order with this client order id ${since} ms after it was sent: it never arrived`;
        if (status === 'SUBMITTED') this.send(cid, { type: 'order.rejected', at: this.d.clock.now(), reason });
        else this.send(cid, { type: 'order.resolved', status: 'REJECTED', at: this.d.clock.now(), reason });
      } else if (status === 'UNKNOWN') {
        this.scheduleQuery(cid);
      } else {
        this.timers.later(this.d.unknownNotFoundMs - since, () => {
          if (this.status(cid) === 'SUBMITTED') void this.sync(cid);
        });
      }
    }
  }

  /** Fetches the order's fills from the venue and applies those not seen (ledger and actor dedupe). */
  private async recoverFills(cid: string, venueOrderId: string | undefined, vo?: VenueOrder): Promise<void> {
    const ctx = this.context(cid);
    const adapter = ctx && this.d.adapter(ctx.venue as VenueId);
    const inst = ctx && this.d.instrument(ctx.instrument);
    if (!ctx?.spec || !adapter || !inst) return;
    if (vo && !(inst.qty.toInt(vo.filledQty) > ctx.filled)) return;
    try {
      const fills = await adapter.fills(ctx.spec.symbol, cid, venueOrderId || undefined);
      for (const f of fills) this.onFill(ctx.venue as VenueId, f);
    } catch (e) {
      this.log('order.fills_query_failed', cid, { error: errorMessage(e) });
    }
  }

  /**
   * Records the venue order id of an order the venue says has traded, as the ack it implies,
   * before its fills are applied: fills carry no order id, and once they close the order (an
   * UNKNOWN order that crossed, FILLED) the table takes no ack any more.
   */
  private noteTraded(o: VenueOrder): void {
    const ctx = this.context(o.clientOrderId);
    const inst = ctx && this.d.instrument(ctx.instrument);
    if (!ctx || !inst || !o.venueOrderId || ctx.venueOrderId !== null || !(inst.qty.toInt(o.filledQty) > 0)) return;
    this.sendIfRow(o.clientOrderId, { type: 'order.accepted', at: this.d.clock.now(), venueOrderId: o.venueOrderId });
  }

  /** Sends the status a venue reported, in the form the table takes from the order's state. */
  private applyStatus(o: VenueOrder): void {
    const cid = o.clientOrderId;
    const state = this.status(cid);
    if (!state) return;
    const at = this.d.clock.now();
    if (state === 'UNKNOWN') {
      // An ack carries the venue's order id; the other outcomes resolve by status.
      if (o.status === 'new') this.send(cid, { type: 'order.accepted', at, venueOrderId: o.venueOrderId });
      else this.send(cid, { type: 'order.resolved', status: RESOLUTION[o.status], at, ...(o.reason ? { reason: o.reason } : {}) });
      return;
    }
    switch (o.status) {
      case 'new':
      case 'partially_filled':
        this.sendIfRow(cid, { type: 'order.accepted', at, venueOrderId: o.venueOrderId });
        return;
      case 'filled':
        // Fills drive FILLED; a venue saying filled with fills missing is handled by recovery.
        this.sendIfRow(cid, { type: 'order.accepted', at, venueOrderId: o.venueOrderId });
        return;
      case 'canceled':
        this.sendIfRow(cid, { type: 'order.canceled', at, ...(o.reason ? { reason: o.reason } : {}) }, true);
        return;
      case 'expired':
        this.sendIfRow(cid, { type: 'order.expired', at, ...(o.reason ? { reason: o.reason } : {}) }, true);
        return;
      case 'rejected':
        this.send(cid, { type: 'order.rejected', at, reason: o.reason ?? 'rejected by the venue' });
    }
  }

  /** Sends an event only where the table has a row for it (a status echo or a late timeout is not a refusal). */
  private sendIfRow(cid: string, ev: OrderEvent, orRefuse = false): void {
    const state = this.status(cid);
    const ctx = this.context(cid);
    if (!state || !ctx) return;
    if (state === 'CANCELED' && ev.type === 'order.canceled') return;
    if (state === 'EXPIRED' && ev.type === 'order.expired') return;
    if (ORDER_TRANSITIONS[state][transitionKey(ctx, ev)] !== undefined || orRefuse) this.send(cid, ev);
  }

  // ---- plumbing ----

  private screen(intent: OrderIntent, inst: Instrument | undefined, qtyLots: number, priceTicks: number | null): { check: string; reason: string } | undefined {
    if (!inst) return { check: 'instrument', reason: `unknown instrument ${intent.instrument}` };
    if (!(Number.isSafeInteger(qtyLots) && qtyLots > 0)) return { check: 'instrument', reason: `qty ${intent.qty} is not a positive multiple of the lot ${inst.lotSize}` };
    if (intent.type === 'limit' && intent.price === undefined) return { check: 'instrument', reason: 'a limit order needs a price' };
    if (priceTicks !== null && !(Number.isSafeInteger(priceTicks) && priceTicks > 0)) return { check: 'instrument', reason: `price ${intent.price} is not a positive multiple of the tick ${inst.tickSize}` };
    const v = this.d.preTrade({ intent, instrument: inst, qtyLots, priceTicks });
    return v.ok ? undefined : { check: v.check, reason: v.reason };
  }

  private spec(input: unknown) {
    return { kind: 'order', logic: this.logic, durable: true, input };
  }

  private send(cid: string, ev: OrderEvent | AnyEventObject): boolean {
    const before = this.status(cid);
    const ok = this.d.runtime.send(orderActorId(cid), ev);
    const after = this.status(cid);
    if (after && after !== before) this.changed(cid, after);
    if (ok) this.updated$.next(cid);
    return ok;
  }

  /** Resolves with the order's first status past INITIALIZED (SUBMITTED: the intent is on its way to disk; or DENIED). */
  decided(cid: string): Promise<OrderStatus> {
    const now = this.status(cid);
    if (now !== undefined && now !== 'INITIALIZED') return Promise.resolve(now);
    return new Promise((resolve) => {
      const list = this.deciders.get(cid) ?? [];
      list.push(resolve);
      this.deciders.set(cid, list);
    });
  }

  private changed(cid: string, status: OrderStatus): void {
    const deciders = this.deciders.get(cid);
    if (deciders) {
      this.deciders.delete(cid);
      for (const r of deciders) r(status);
    }
    if (status !== 'SUBMITTED' && status !== 'INITIALIZED' && status !== 'PENDING_CANCEL' && status !== 'PENDING_UPDATE') this.settleWaiters(cid, this.outcome(cid));
    if (status !== 'UNKNOWN') this.queryAttempts.delete(cid);
    if (isTerminal(status)) {
      this.live.delete(cid);
      const ctx = this.context(cid);
      if (ctx) this.d.closed?.(ctx, status);
      this.scheduleRetire(cid);
    }
  }

  private outcome(cid: string): OrderOutcome {
    const ctx = this.context(cid);
    const status = this.status(cid) ?? 'DENIED';
    return { clientOrderId: cid, status, ...(ctx?.reason ? { reason: ctx.reason } : {}) };
  }

  private wait(cid: string): Promise<OrderOutcome> {
    return new Promise((resolve) => {
      const list = this.waiters.get(cid) ?? [];
      list.push(resolve);
      this.waiters.set(cid, list);
    });
  }

  private settleWaiters(cid: string, o: OrderOutcome): void {
    const list = this.waiters.get(cid);
    if (!list) return;
    this.waiters.delete(cid);
    for (const r of list) r(o);
  }

  private scheduleRetire(cid: string): void {
    this.timers.later(this.d.retireAfterMs, () => {
      const s = this.status(cid);
      if (s && isTerminal(s)) void this.d.runtime.retire(orderActorId(cid));
    });
  }

  /** Runs `fn` once the transition that asked for it is durable (after the current send returns). */
  private after(cid: string, fn: () => Promise<void>): void {
    void Promise.resolve()
      .then(() => this.d.runtime.settle())
      .then(() => (this.stopped ? undefined : fn()))
      .catch((e: unknown) => this.d.logger.error({ order: cid, err: errorMessage(e) }, 'order effect failed'));
  }

  private log(type: string, cid: string | undefined, data: Record<string, unknown>): void {
    this.d.eventLog.append({ type, ...(cid ? { actor: orderActorId(cid) } : {}), data });
  }
}
