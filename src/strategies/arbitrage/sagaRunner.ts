/**
 * Runs the two-leg sagas: one durable `twoleg:<id>` actor each (machines/twoLeg.machine.ts),
 * with the effects its chart names carried out here:
 *  - `place`: every order of the saga not yet done goes through the execution service (risk
 *    checks, order actor, venue); no request leaves before the saga's own snapshot is on disk
 *    (the order manager waits for every durable write queued before it). Client order ids are
 *    a function of (saga, order key), so placing again after a crash finds the same order.
 *  - order actors' changes (status, fills, fees) are folded back into the saga as `leg.updated`;
 *  - `cancelWorking` at a leg's deadline, `planRecovery` on the books of the moment (recovery.ts),
 *    `finished` to the strategy (audit row, metrics, route cooldown).
 * After a restart (or an actor crash) each unfinished saga is resumed: its orders re-attached,
 * those never sent sent, and an orphan with its grace passed planned again.
 */
import type { Subscription } from 'rxjs';
import { Timers, type Clock } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { errorMessage } from '../../core/errors.ts';
import type { VenueId } from '../../config/schema.ts';
import type { Instrument } from '../../model/instrument.ts';
import { decText, mul, parseDec } from '../../model/decimal.ts';
import type { OrderBook } from '../../market/orderBook.ts';
import type { ActorRuntime } from '../../runtime/actorRuntime.ts';
import type { EventLog } from '../../runtime/eventLog.ts';
import { isTerminal, type OrderContext } from '../../../machines/order.machine.ts';
import { twoLegMachine, type SagaOrder, type TwoLegContext, type TwoLegEvent, type TwoLegInput } from '../../../machines/twoLeg.machine.ts';
import { clientOrderId, type ClientIdVenue } from '../../execution/clientOrderId.ts';
import type { OrderIntent, OrderManager } from '../../execution/orderManager.ts';
import { planRecovery, type RecoveryParams } from './recovery.ts';

export const SAGA_PREFIX = 'twoleg:';
export const ARBITRAGE = 'arbitrage';
/** An orphan whose recovery could not be planned (no book yet) is planned again this much later. */
const REPLAN_MS = 1000;

export interface SagaRunnerDeps {
  readonly runtime: ActorRuntime;
  readonly eventLog: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly orders: Pick<OrderManager, 'submit' | 'cancel' | 'context' | 'status' | 'updated$'>;
  instrument(id: string): Instrument | undefined;
  /** A synced book, or undefined. */
  book(id: string): OrderBook | undefined;
  /** New risk may be taken (portfolio normal). */
  mayAddRisk(): boolean;
  /** The saga reached `done` or `failed`. */
  finished(ctx: TwoLegContext, state: 'done' | 'failed'): void;
  /** The recovery limits in force now (read at each recovery: a config reload applies to the next). */
  params(): RecoveryParams;
  /** A finished saga's actor is retired this long after it ended (its life stays in the event log). */
  readonly retireAfterMs: number;
}

/** A saga as the API shows it. */
export interface SagaView {
  readonly id: string;
  readonly state: string;
  readonly context: TwoLegContext;
}

export class SagaRunner {
  /** Client order id → saga id and order key. */
  private readonly byCid = new Map<string, { saga: string; key: string }>();
  private readonly restarts = new Map<string, number>();
  private readonly subs: Subscription[] = [];
  private readonly timers: Timers;
  private readonly logic;
  private seq = 0;
  private stopped = false;

  constructor(private readonly d: SagaRunnerDeps) {
    this.timers = new Timers(d.clock);
    this.logic = twoLegMachine.provide({
      actions: {
        // The order manager sends nothing before every durable write queued so far is on disk, and
        // the saga's snapshot is queued before its orders exist: so saga and order intents share
        // one group commit and both are on disk before the first request leaves.
        place: ({ context }) => this.soon(context.id, () => this.place(context.id)),
        cancelWorking: ({ context }) => this.cancelWorking(context),
        planRecovery: ({ context }) => this.afterDurable(context.id, () => this.plan(context.id)),
        finished: ({ context }) => this.afterDurable(context.id, () => this.finish(context.id)),
      },
    });
    this.subs.push(d.orders.updated$.subscribe((cid) => this.orderChanged(cid)));
    this.subs.push(d.runtime.changed$.subscribe((c) => {
      if (!c.id.startsWith(SAGA_PREFIX) || c.status !== 'running') return;
      // A saga actor rebuilt after a crash: its effects in flight were lost with it.
      if (c.restarts > (this.restarts.get(c.id) ?? 0)) {
        this.restarts.set(c.id, c.restarts);
        this.resume(c.id);
      }
    }));
  }

  /** Restores the persisted sagas and resumes those not finished. */
  async restore(): Promise<string[]> {
    const ids = (await this.d.runtime.persistedIds(SAGA_PREFIX)).filter((id) => !this.d.runtime.has(id));
    await this.d.runtime.spawnAll(ids.map((id) => ({ id, spec: this.spec(undefined) })));
    for (const id of ids) {
      this.restarts.set(id, this.d.runtime.describe(id)?.restarts ?? 0);
      this.resume(id);
    }
    return ids;
  }

  /** Returns a new saga id: unique per daemon and time, readable in logs. */
  nextId(asset: string): string {
    return `${asset}-${this.d.clock.now()}-${++this.seq}`;
  }

  /** Starts a saga; its first snapshot is durable before its first order leaves. */
  async open(input: TwoLegInput): Promise<void> {
    const id = SAGA_PREFIX + input.id;
    for (const o of input.orders) this.track(input, o);
    await this.d.runtime.spawnAll([{ id, spec: this.spec(input) }]);
  }

  /** Sends an event to a saga (exit, from the strategy). */
  send(id: string, ev: TwoLegEvent): boolean {
    return this.d.runtime.send(SAGA_PREFIX + id, ev);
  }

  /** Returns the sagas held in actors (open and recently finished). */
  all(): SagaView[] {
    const out: SagaView[] = [];
    for (const a of this.d.runtime.list()) {
      if (!a.id.startsWith(SAGA_PREFIX)) continue;
      const snap = this.d.runtime.snapshot(a.id);
      if (snap) out.push({ id: a.id.slice(SAGA_PREFIX.length), state: a.state, context: snap.context as TwoLegContext });
    }
    return out;
  }

  /** Returns one saga. */
  get(id: string): SagaView | undefined {
    const snap = this.d.runtime.snapshot(SAGA_PREFIX + id);
    return snap ? { id, state: String(snap.value), context: snap.context as TwoLegContext } : undefined;
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subs) s.unsubscribe();
    this.timers.stop();
  }

  // ---- effects ----

  private spec(input: TwoLegInput | undefined) {
    return { kind: 'twoleg', logic: this.logic, durable: true, ...(input ? { input } : {}) };
  }

  private view(id: string): SagaView | undefined {
    return this.get(id.startsWith(SAGA_PREFIX) ? id.slice(SAGA_PREFIX.length) : id);
  }

  private track(ctx: Pick<TwoLegContext, 'id' | 'legs'>, o: SagaOrder): string {
    const venue = ctx.legs[o.leg].instrument.split(':')[0] as VenueId;
    const cid = clientOrderId(venue as ClientIdVenue, { strategy: ARBITRAGE, intentId: ctx.id, leg: o.key });
    this.byCid.set(cid, { saga: ctx.id, key: o.key });
    return cid;
  }

  /** Sends every order of the saga that is not done (again, harmlessly, after a restart). */
  private place(id: string): void {
    const v = this.view(id);
    if (!v) return;
    const ctx = v.context;
    for (const o of ctx.orders) {
      if (o.done) continue;
      const cid = this.track(ctx, o);
      if (this.d.orders.context(cid)) {
        this.orderChanged(cid);
        continue;
      }
      const inst = this.d.instrument(ctx.legs[o.leg].instrument);
      if (!inst) {
        this.update(ctx.id, o.key, cid, { status: 'DENIED', filled: 0, avgPrice: null, fee: '0', done: true });
        continue;
      }
      const intent: OrderIntent = {
        strategy: ARBITRAGE,
        intentId: ctx.id,
        leg: o.key,
        instrument: inst.id,
        side: o.side,
        type: o.limitPrice === null ? 'market' : 'limit',
        tif: 'IOC',
        qty: inst.qty.toText(o.units / ctx.legs[o.leg].unitsPerLot),
        ...(o.limitPrice !== null ? { price: o.limitPrice } : {}),
        reduceOnly: o.reduceOnly,
        riskReducing: o.purpose !== 'open',
        decidedAt: ctx.decidedAt,
      };
      this.d.eventLog.append({ type: 'saga.order', actor: SAGA_PREFIX + ctx.id, data: { key: o.key, purpose: o.purpose, clientOrderId: cid, instrument: inst.id, side: o.side, qty: intent.qty, price: o.limitPrice } });
      void this.d.orders.submit(intent).then((out) => {
        // An order refused before it had an actor reports only here.
        if (!this.d.orders.context(out.clientOrderId)) this.update(ctx.id, o.key, out.clientOrderId, { status: out.status, filled: 0, avgPrice: null, fee: '0', done: isTerminal(out.status) });
      }).catch((e: unknown) => this.d.logger.error({ saga: ctx.id, key: o.key, err: errorMessage(e) }, 'saga order failed to submit'));
    }
  }

  private cancelWorking(ctx: TwoLegContext): void {
    for (const o of ctx.orders) {
      if (o.done) continue;
      const cid = this.track(ctx, o);
      if (this.d.orders.cancel(cid, 'leg deadline passed')) this.d.eventLog.append({ type: 'saga.cancel', actor: SAGA_PREFIX + ctx.id, data: { key: o.key, clientOrderId: cid } });
    }
  }

  private plan(id: string): void {
    const v = this.view(id);
    if (!v || v.state !== 'orphaned') return;
    const ev = planRecovery(v.context, { instrument: (i) => this.d.instrument(i), book: (i) => this.d.book(i), mayAddRisk: this.d.mayAddRisk() }, this.d.params(), this.d.clock.now());
    if (!ev) return;
    this.d.eventLog.append({ type: 'saga.recovery', actor: SAGA_PREFIX + id, data: { decision: ev.type, why: ev.why, ...('order' in ev ? { order: ev.order } : {}) } });
    if (ev.type === 'recovery.retry' || ev.type === 'recovery.unwind') this.track(v.context, ev.order);
    this.send(id, ev);
    // Still orphaned (the event did not apply): try again shortly.
    if (this.view(id)?.state === 'orphaned') this.timers.later(REPLAN_MS, () => this.plan(id));
  }

  private finish(id: string): void {
    const v = this.view(id);
    if (!v || (v.state !== 'done' && v.state !== 'failed')) return;
    for (const [cid, s] of this.byCid) if (s.saga === v.id) this.byCid.delete(cid);
    try {
      this.d.finished(v.context, v.state);
    } catch (e) {
      this.d.logger.error({ saga: id, err: errorMessage(e) }, 'saga completion handling failed');
    }
    this.timers.later(this.d.retireAfterMs, () => void this.d.runtime.retire(SAGA_PREFIX + v.id));
  }

  /** Re-attaches a saga after a restart: what its state was doing is done again (idempotently). */
  private resume(actorId: string): void {
    const v = this.view(actorId);
    if (!v) return;
    for (const o of v.context.orders) this.track(v.context, o);
    switch (v.state) {
      case 'sending':
      case 'exiting':
      case 'recovering':
        this.afterDurable(v.id, () => this.place(v.id));
        break;
      case 'settling':
        this.afterDurable(v.id, () => this.place(v.id));
        this.cancelWorking(v.context);
        break;
      case 'orphaned':
        // The grace timer is re-armed by the runtime when it had not fired; planning twice is harmless.
        this.timers.later(v.context.orphanGraceMs, () => this.plan(v.id));
        break;
      case 'done':
      case 'failed':
        this.finish(v.id);
        break;
    }
  }

  // ---- order updates ----

  private orderChanged(cid: string): void {
    const ref = this.byCid.get(cid);
    if (!ref) return;
    const o = this.d.orders.context(cid);
    if (!o) return;
    this.update(ref.saga, ref.key, cid, legUpdate(o, this.d.orders.status(cid) ?? 'UNKNOWN', this.d.instrument(o.instrument), this.view(ref.saga)?.context));
  }

  private update(saga: string, key: string, cid: string, u: { status: string; filled: number; avgPrice: string | null; fee: string; feeBase?: string; done: boolean }): void {
    this.send(saga, { type: 'leg.updated', at: this.d.clock.now(), key, clientOrderId: cid, ...u });
  }

  private soon(id: string, fn: () => void): void {
    void Promise.resolve().then(() => {
      if (!this.stopped) fn();
    }).catch((e: unknown) => this.d.logger.error({ saga: id, err: errorMessage(e) }, 'saga effect failed'));
  }

  private afterDurable(id: string, fn: () => void): void {
    void this.d.runtime.settle().then(() => {
      if (!this.stopped) fn();
    }).catch((e: unknown) => this.d.logger.error({ saga: id, err: errorMessage(e) }, 'saga effect failed'));
  }
}

/** Returns an order actor's progress in the saga's terms: fine units, a price in quote, the fee in quote. */
export function legUpdate(o: OrderContext, status: string, inst: Instrument | undefined, saga: TwoLegContext | undefined): { status: string; filled: number; avgPrice: string | null; fee: string; feeBase: string; done: boolean } {
  const leg = saga && (saga.legs.a.instrument === o.instrument ? saga.legs.a : saga.legs.b);
  const perLot = leg?.unitsPerLot ?? 1;
  const tick = inst ? parseDec(inst.tickSize) : undefined;
  const avgTicks = o.avgPrice !== null ? parseDec(o.avgPrice) : undefined;
  return {
    status,
    filled: o.filled * perLot,
    avgPrice: tick && avgTicks ? decText(mul(avgTicks, tick)) : null,
    fee: o.feeQuote ?? '0',
    feeBase: o.feeBase ?? '0',
    done: isTerminal(status),
  };
}
