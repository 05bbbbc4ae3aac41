/**
 * One account's private event feed, shared by the OKX and Bitget private sides: engine events
 * filtered to the account, ordered the way a venue reports them, turned into order updates that
 * carry the fill that caused them (both venues report a fill as an order update with `fillSz` /
 * `baseVolume`, cumulative size and average price), with the private-side faults applied:
 *
 * - `delay-fill`: that fill's order update is sent a second later (DELAY_FILL_MS on the clock);
 *   later updates of the same order are not held back, so the client sees them out of order.
 * - `duplicate-fill`: that fill's order update is sent twice (same trade id).
 * - `fill-after-cancel` (armed by the REST cancel, see `lateFill`): after the canceled update,
 *   one more fill update for the order arrives: its last real fill sent again (same trade id and
 *   the cumulative state of that moment), or, when it never filled, one lot at its price with a
 *   new trade id that the venue's REST view never reflects (a phantom to reconcile away).
 *
 * Engine events of one call are buffered and flushed in a microtask so a taker's fills always
 * precede its terminal update (IOC remainder canceled) whatever order the engine emits them in.
 * An amend (see `amended`) is reported as its own update, ahead of any fill it caused, whatever
 * the order's state: the venue confirms every successful amend on the orders channel.
 */
import type { Clock } from '../../../core/clock.ts';
import { add, decText, div, mul, parseDec, cmp, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimAccountEvent, SimBalance, SimExchange, SimFill, SimOrder, SimPosition } from '../../matching/types.ts';
import type { SimFault } from '../../protocolServer.ts';

export const DELAY_FILL_MS = 1000;

/** An order as one push shows it: its state as of this update and the fill that made it, if any. */
export interface OrderPush {
  readonly order: SimOrder;
  readonly fill?: SimFill;
  /** A fill-after-cancel replay or phantom. */
  readonly late?: boolean;
  /** The update that confirms a successful amend. */
  readonly amended?: boolean;
}

/** Where a venue's private stream takes the feed's events. */
export interface FeedSink {
  /** Whether any logged-in connection listens for order updates (faults are spent only then). */
  listening(): boolean;
  order(push: OrderPush): void;
  position(position: SimPosition): void;
  balance(balance: SimBalance): void;
}

export interface FaultSource {
  take(kind: SimFault): boolean;
}

interface Cursor {
  filled: Dec;
  notional: Dec;
  fee: Dec;
  order?: SimOrder;
  last?: OrderPush;
}

type Queued =
  | { rank: number; kind: 'order'; order: SimOrder; amended?: boolean }
  | { rank: number; kind: 'fill'; fill: SimFill }
  | { rank: number; kind: 'position'; position: SimPosition }
  | { rank: number; kind: 'balance'; balance: SimBalance }
  | { rank: number; kind: 'late'; orderId: string; lot: string };

const OPEN = new Set(['new']);
const FILLING = new Set(['partially_filled', 'filled']);

export class AccountFeed {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly cursors = new Map<string, Cursor>();
  private nextPhantom = 1;
  private readonly amends = new Set<string>();

  constructor(
    private readonly engine: SimExchange,
    private readonly account: string,
    private readonly clock: Clock,
    private readonly faults: () => FaultSource | undefined,
    private readonly sink: FeedSink,
  ) {}

  /** Subscribes to the engine; returns the unsubscribe function. */
  start(): () => void {
    return this.engine.subscribe((ev) => this.onEngine(ev));
  }

  /** Queues an order update the engine did not emit (an order the venue accepted then canceled itself). */
  pushOrder(order: SimOrder): void {
    this.enqueue({ rank: 2, kind: 'order', order });
  }

  /** Marks the engine's next update of this order (emitted by the amend just made) as the amend's confirmation. */
  amended(orderId: string): void {
    this.amends.add(orderId);
  }

  /** Queues the fill-after-cancel update for an order just canceled (see the file comment). */
  lateFill(orderId: string, lot: string): void {
    this.enqueue({ rank: 5, kind: 'late', orderId, lot });
  }

  private onEngine(ev: SimAccountEvent): void {
    if (ev.kind === 'funding') return;
    const account = ev.kind === 'order' ? ev.order.account : ev.kind === 'fill' ? ev.fill.account : ev.kind === 'position' ? ev.position.account : ev.balance.account;
    if (account !== this.account) return;
    if (ev.kind === 'order') this.enqueue({ rank: OPEN.has(ev.order.status) ? 0 : 2, kind: 'order', order: ev.order });
    else if (ev.kind === 'fill') this.enqueue({ rank: 1, kind: 'fill', fill: ev.fill });
    else if (ev.kind === 'position') this.enqueue({ rank: 3, kind: 'position', position: ev.position });
    else this.enqueue({ rank: 4, kind: 'balance', balance: ev.balance });
  }

  private enqueue(q: Queued): void {
    this.queue.push(q);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const q of batch) {
      if (q.kind === 'order' && this.amends.delete(q.order.orderId)) Object.assign(q, { rank: 0, amended: true });
    }
    // Array.prototype.sort is stable: within a rank the engine's order is kept.
    batch.sort((a, b) => a.rank - b.rank);
    for (const q of batch) {
      if (q.kind === 'order') this.onOrder(q.order, q.amended ?? false);
      else if (q.kind === 'fill') this.onFill(q.fill);
      else if (q.kind === 'position') this.sink.position(q.position);
      else if (q.kind === 'balance') this.sink.balance(q.balance);
      else this.onLate(q.orderId, q.lot);
    }
  }

  private cursor(orderId: string): Cursor {
    let c = this.cursors.get(orderId);
    if (!c) this.cursors.set(orderId, (c = { filled: ZERO, notional: ZERO, fee: ZERO }));
    return c;
  }

  private onOrder(order: SimOrder, amended: boolean): void {
    const c = this.cursor(order.orderId);
    c.order = order;
    if (amended) return this.sink.order({ order, amended });
    // Fill-driven states are reported by the fills themselves (with the fill's fields).
    if (FILLING.has(order.status)) return;
    if (order.status === 'new' && c.filled.v > 0n) return;
    this.sink.order({ order });
  }

  private onFill(fill: SimFill): void {
    const c = this.cursor(fill.orderId);
    const qty = parseDec(fill.qty) ?? ZERO;
    const px = parseDec(fill.price) ?? ZERO;
    c.filled = add(c.filled, qty);
    c.notional = add(c.notional, mul(qty, px));
    c.fee = add(c.fee, parseDec(fill.fee) ?? ZERO);
    const base = c.order ?? this.engine.order(this.account, fill.symbol, { orderId: fill.orderId });
    if (!base) return;
    const total = parseDec(base.qty) ?? ZERO;
    const order: SimOrder = {
      ...base,
      status: cmp(c.filled, total) >= 0 ? 'filled' : 'partially_filled',
      filledQty: decText(c.filled),
      avgPrice: decText(div(c.notional, c.filled, px.s + 8, 'half')),
      fee: decText(c.fee),
      updatedAt: fill.ts,
    };
    const push: OrderPush = { order, fill };
    c.last = push;
    this.emitFill(push);
  }

  private emitFill(push: OrderPush): void {
    const faults = this.sink.listening() ? this.faults() : undefined;
    const send = (): void => this.sink.order(push);
    const delayed = faults?.take('delay-fill') ?? false;
    const twice = faults?.take('duplicate-fill') ?? false;
    for (let i = twice ? 2 : 1; i > 0; i--) {
      if (delayed) this.clock.setTimeout(send, DELAY_FILL_MS);
      else send();
    }
  }

  private onLate(orderId: string, lot: string): void {
    const c = this.cursors.get(orderId);
    if (c?.last) return this.sink.order({ ...c.last, late: true });
    const base = c?.order;
    if (!base) return;
    const price = base.price ?? base.avgPrice ?? '0';
    const ts = this.clock.now();
    const fill: SimFill = {
      tradeId: `${orderId}${String(this.nextPhantom++).padStart(3, '0')}`,
      orderId,
      clientOrderId: base.clientOrderId,
      account: base.account,
      symbol: base.symbol,
      side: base.side,
      price,
      qty: lot,
      fee: '0',
      feeAsset: '',
      liquidity: 'maker',
      ts,
    };
    this.sink.order({ order: { ...base, status: 'partially_filled', filledQty: lot, avgPrice: price, updatedAt: ts }, fill, late: true });
  }
}
