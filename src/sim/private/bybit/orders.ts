/**
 * Bybit v5 linear order endpoints over the engine: POST /v5/order/create, /v5/order/amend and
 * /v5/order/cancel, GET /v5/order/realtime, /v5/order/history and /v5/execution/list, with the
 * engine's reject codes mapped to Bybit's retCodes (docs/v5/error).
 * Like the venue, a PostOnly order that would take, a FOK that cannot fill in full and a market
 * order with nothing to meet are accepted (retCode 0) and then Cancelled with their rejectReason.
 */
import { cmp } from '../../../model/decimal.ts';
import type { SimExchange, SimFill, SimOrder, SimOrderRequest, SimRejectCode } from '../../matching/types.ts';
import type { SimVenueServer } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import type { BybitPrivateStream } from './stream.ts';
import { bybitOrderRow, dec } from './wire.ts';

export interface BybitError {
  readonly retCode: number;
  readonly retMsg: string;
}

export type BybitResult = { readonly result: unknown } | { readonly error: BybitError };

const err = (retCode: number, retMsg: string): BybitResult => ({ error: { retCode, retMsg } });
const ok = (result: unknown): BybitResult => ({ result });

/** Engine rejects answered synchronously, as Bybit answers them (messages as the live API words them). */
const REJECTS: Partial<Record<SimRejectCode, (minNotional: string) => BybitError>> = {
  UNKNOWN_SYMBOL: () => ({ retCode: 10001, retMsg: 'params error: symbol invalid' }),
  BAD_PRICE: () => ({ retCode: 10001, retMsg: 'params error: price invalid' }),
  BAD_QTY: () => ({ retCode: 10001, retMsg: 'params error: Qty invalid' }),
  MIN_QTY: () => ({ retCode: 10001, retMsg: 'The number of contracts below min limit allowed' }),
  MIN_NOTIONAL: (min) => ({ retCode: 110094, retMsg: `Order does not meet minimum order value ${min}USDT` }),
  INSUFFICIENT_BALANCE: () => ({ retCode: 110007, retMsg: 'ab not enough for new order' }),
  REDUCE_ONLY_REJECTED: () => ({ retCode: 110017, retMsg: 'Reduce-only rule not satisfied' }),
  DUPLICATE_CLIENT_ID: () => ({ retCode: 110072, retMsg: 'OrderLinkedID is duplicate' }),
  REJECTED_BY_FAULT: () => ({ retCode: 110007, retMsg: 'ab not enough for new order' }),
};

/** Rejects Bybit reports as an accepted order that is then Cancelled (rejectReason on the order). */
const REFUSED_LATER = new Set<SimRejectCode>(['POST_ONLY_WOULD_TAKE', 'FOK_UNFILLABLE', 'NO_LIQUIDITY']);

const SIDES: Record<string, SimOrderRequest['side']> = { Buy: 'buy', Sell: 'sell' };
const TIFS: Record<string, SimOrderRequest['tif']> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', PostOnly: 'POST_ONLY' };
const DECIMAL = /^\d+(\.\d+)?$/;
const LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;
const CLOSED_KEPT = 500;

/** The account's order book keeping on Bybit's side: refusals the engine never held, recent closed orders. */
export class BybitOrders {
  private readonly refused = new Map<string, SimOrder>();
  private readonly closed = new Map<string, SimOrder>();
  private refusedNo = 0;

  constructor(
    private readonly engine: SimExchange,
    private readonly creds: SimCredentials,
    private readonly stream: BybitPrivateStream,
  ) {
    engine.subscribe((ev) => {
      if (ev.kind !== 'order' || ev.order.account !== creds.account) return;
      const o = ev.order;
      if (o.status === 'new' || o.status === 'partially_filled') return;
      this.remember(this.closed, o);
    });
  }

  create(server: SimVenueServer, b: Record<string, unknown>): BybitResult {
    const inst = server.instruments.find((i) => i.symbol === b.symbol);
    if (b.category !== 'linear') return err(10001, 'params error: Illegal category');
    if (!inst) return err(10001, 'params error: symbol invalid');
    const side = SIDES[String(b.side)];
    if (!side) return err(10001, 'params error: side invalid');
    if (b.orderType !== 'Market' && b.orderType !== 'Limit') return err(10001, 'params error: orderType invalid');
    if (typeof b.qty !== 'string' || !DECIMAL.test(b.qty) || Number(b.qty) <= 0) return err(10001, 'params error: Qty invalid');
    const market = b.orderType === 'Market';
    if (!market && (typeof b.price !== 'string' || !DECIMAL.test(b.price) || Number(b.price) <= 0)) return err(10001, 'params error: price invalid');
    const tif = market ? 'IOC' : TIFS[String(b.timeInForce ?? 'GTC')];
    if (!tif) return err(10001, 'params error: timeInForce invalid');
    if (b.orderLinkId !== undefined && b.orderLinkId !== '' && (typeof b.orderLinkId !== 'string' || !LINK_ID.test(b.orderLinkId))) return err(10001, 'params error: orderLinkId invalid');
    if (b.positionIdx !== undefined && Number(b.positionIdx) !== 0) return err(10001, 'position idx not match position mode');
    if (b.reduceOnly !== undefined && typeof b.reduceOnly !== 'boolean') return err(10001, 'params error: reduceOnly invalid');
    // Conditional and TP/SL orders need a trigger engine the simulator does not have: refuse them plainly.
    for (const k of ['triggerPrice', 'takeProfit', 'stopLoss']) if (b[k] !== undefined && b[k] !== '') return err(10001, `params error: ${k} is not supported by the simulated venue`);
    if (server.take('reject-next-order')) return err(110007, 'ab not enough for new order');
    const req: SimOrderRequest = {
      account: this.creds.account,
      symbol: inst.symbol,
      ...(typeof b.orderLinkId === 'string' && b.orderLinkId !== '' ? { clientOrderId: b.orderLinkId } : {}),
      side,
      type: market ? 'market' : 'limit',
      tif,
      ...(market ? {} : { price: b.price as string }),
      qty: b.qty,
      reduceOnly: b.reduceOnly === true,
    };
    const out = this.engine.place(req);
    if ('reject' in out) {
      const code = out.reject.code;
      if (REFUSED_LATER.has(code)) return ok(this.refuse(server, req, code));
      if (code === 'REDUCE_ONLY_REJECTED' && !this.engine.positions(this.creds.account).some((p) => p.symbol === inst.symbol && Number(p.qty) !== 0)) {
        return err(110017, 'current position is zero, cannot fix reduce-only order qty');
      }
      const e = REJECTS[code]?.(inst.minNotional ?? '5') ?? { retCode: 10001, retMsg: out.reject.message };
      return { error: e };
    }
    this.stream.orderPlaced(out.order);
    return ok({ orderId: out.order.orderId, orderLinkId: out.order.clientOrderId });
  }

  /** Makes the order Bybit accepts and then cancels; it is queryable and pushed, never in the engine. */
  private refuse(server: SimVenueServer, req: SimOrderRequest, code: SimRejectCode): { orderId: string; orderLinkId: string } {
    const n = ++this.refusedNo;
    const orderId = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    const now = server.now();
    const order: SimOrder = {
      orderId,
      clientOrderId: req.clientOrderId ?? '',
      account: req.account,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      tif: req.tif,
      price: req.price,
      qty: req.qty,
      reduceOnly: req.reduceOnly ?? false,
      status: 'expired',
      filledQty: '0',
      avgPrice: undefined,
      fee: '0',
      createdAt: now,
      updatedAt: now,
      reason: code,
    };
    this.remember(this.refused, order);
    this.remember(this.closed, order);
    this.stream.orderPlaced(order);
    return { orderId, orderLinkId: order.clientOrderId };
  }

  cancel(server: SimVenueServer, b: Record<string, unknown>): BybitResult {
    if (b.category !== 'linear') return err(10001, 'params error: Illegal category');
    const symbol = typeof b.symbol === 'string' ? b.symbol : '';
    if (!server.instruments.some((i) => i.symbol === symbol)) return err(10001, 'params error: symbol invalid');
    const id = idOf(b.orderId, b.orderLinkId);
    if (!id) return err(10001, 'params error: orderId or orderLinkId is required');
    const out = this.engine.cancel(this.creds.account, symbol, id);
    if ('reject' in out) return err(110001, 'order not exists or too late to cancel');
    this.stream.canceled(out.order.orderId);
    return ok({ orderId: out.order.orderId, orderLinkId: out.order.clientOrderId });
  }

  /** GET /v5/order/realtime: by id (open or recently closed), else open orders, or with openOnly=1 the recent closed ones. */
  realtime(server: SimVenueServer, q: URLSearchParams): BybitResult {
    return this.listOrders(server, q, q.get('openOnly') === '1' ? 'closed' : 'open');
  }

  /** GET /v5/order/history: by id, else the closed orders the venue still keeps. */
  history(server: SimVenueServer, q: URLSearchParams): BybitResult {
    return this.listOrders(server, q, 'closed');
  }

  private listOrders(server: SimVenueServer, q: URLSearchParams, which: 'open' | 'closed'): BybitResult {
    if (q.get('category') !== 'linear') return err(10001, 'params error: Illegal category');
    const symbol = q.get('symbol') ?? undefined;
    const settle = q.get('settleCoin') ?? undefined;
    const base = q.get('baseCoin') ?? undefined;
    const id = idOf(q.get('orderId') ?? undefined, q.get('orderLinkId') ?? undefined);
    if (which === 'open' && !symbol && !settle && !base && !id) return err(10001, 'Missing some parameters that must be filled in, symbol or settleCoin or baseCoin');
    const limit = Math.min(Math.max(Number(q.get('limit') ?? 20) || 20, 1), 50);
    const symbols = server.instruments.filter((i) => (!symbol || i.symbol === symbol) && (!settle || i.quote === settle) && (!base || i.base === base)).map((i) => i.symbol);
    let list: SimOrder[];
    if (id) {
      const found = this.find(symbols, id);
      list = found ? [found] : [];
    } else if (which === 'closed') {
      list = [...this.closed.values()].filter((o) => symbols.includes(o.symbol));
    } else {
      list = symbols.flatMap((s) => this.engine.openOrders(this.creds.account, s));
    }
    list.sort((a, b) => b.createdAt - a.createdAt || Number(b.orderId) - Number(a.orderId));
    return ok(paged(list.map(bybitOrderRow), q, limit, 'o'));
  }

  /**
   * POST /v5/order/amend: a new total qty and/or price of an open order, by orderId or
   * orderLinkId. Bybit answers 110001 for an order unknown or closed and 34040 when nothing changes.
   */
  amend(server: SimVenueServer, b: Record<string, unknown>): BybitResult {
    if (b.category !== 'linear') return err(10001, 'params error: Illegal category');
    const inst = server.instruments.find((i) => i.symbol === b.symbol);
    if (!inst) return err(10001, 'params error: symbol invalid');
    const id = idOf(b.orderId, b.orderLinkId);
    if (!id) return err(10001, 'params error: orderId or orderLinkId is required');
    const qty = sentText(b.qty);
    const price = sentText(b.price);
    if (qty === null || (qty !== undefined && !DECIMAL.test(qty))) return err(10001, 'params error: Qty invalid');
    if (price === null || (price !== undefined && !DECIMAL.test(price))) return err(10001, 'params error: price invalid');
    const order = this.engine.order(this.creds.account, inst.symbol, id);
    if (!order || (order.status !== 'new' && order.status !== 'partially_filled')) return err(110001, 'order not exists or too late to replace');
    const same = (a: string | undefined, was: string | undefined): boolean => a === undefined || (was !== undefined && cmp(dec(a), dec(was)) === 0);
    if (same(qty, order.qty) && same(price, order.price)) return err(34040, 'Not modified');
    const out = this.engine.amend(this.creds.account, inst.symbol, id, { ...(qty !== undefined ? { qty } : {}), ...(price !== undefined ? { price } : {}) });
    if ('reject' in out) {
      const code = out.reject.code;
      if (code === 'ORDER_NOT_FOUND' || code === 'ORDER_CLOSED') return err(110001, 'order not exists or too late to replace');
      return { error: REJECTS[code]?.(inst.minNotional ?? '5') ?? { retCode: 10001, retMsg: out.reject.message } };
    }
    return ok({ orderId: out.order.orderId, orderLinkId: out.order.clientOrderId });
  }

  /**
   * GET /v5/execution/list of one order (by orderId or orderLinkId), newest first as Bybit sorts
   * them. Listing a whole symbol's executions needs a trade history the simulator does not keep.
   */
  executions(server: SimVenueServer, q: URLSearchParams): BybitResult {
    if (q.get('category') !== 'linear') return err(10001, 'params error: Illegal category');
    const symbol = q.get('symbol') ?? undefined;
    const id = idOf(q.get('orderId') ?? undefined, q.get('orderLinkId') ?? undefined);
    if (!id) return err(10001, 'params error: the simulated venue lists executions by orderId or orderLinkId');
    const limit = Math.min(Math.max(Number(q.get('limit') ?? 50) || 50, 1), 100);
    const execType = q.get('execType');
    let fills: SimFill[] = [];
    for (const i of server.instruments) {
      if (symbol && i.symbol !== symbol) continue;
      fills = this.engine.fills(this.creds.account, i.symbol, id);
      if (fills.length > 0) break;
    }
    const rows = execType && execType !== 'Trade' ? [] : fills.reverse().map((f) => this.stream.executionRow(f));
    return ok(paged(rows, q, limit, 'e'));
  }

  private find(symbols: readonly string[], id: { orderId?: string; clientOrderId?: string }): SimOrder | undefined {
    for (const s of symbols) {
      const o = this.engine.order(this.creds.account, s, id);
      if (o) return o;
    }
    for (const o of this.refused.values()) {
      if (!symbols.includes(o.symbol)) continue;
      if (id.orderId !== undefined ? o.orderId === id.orderId : o.clientOrderId === id.clientOrderId) return o;
    }
    return undefined;
  }

  private remember(map: Map<string, SimOrder>, o: SimOrder): void {
    map.delete(o.orderId);
    map.set(o.orderId, o);
    if (map.size > CLOSED_KEPT) map.delete(map.keys().next().value!);
  }
}

/** Returns one page of rows and the cursor of the next (`<tag>:<offset>`, "" at the end). */
function paged(rows: readonly Record<string, unknown>[], q: URLSearchParams, limit: number, tag: string): { list: Record<string, unknown>[]; nextPageCursor: string; category: string } {
  const start = Number(new RegExp(`^${tag}:(\\d+)$`).exec(q.get('cursor') ?? '')?.[1] ?? 0);
  const next = start + limit < rows.length ? `${tag}:${start + limit}` : '';
  return { list: rows.slice(start, start + limit), nextPageCursor: next, category: 'linear' };
}

/** Returns a sent string field, undefined when absent or "", null when not a string. */
function sentText(v: unknown): string | undefined | null {
  if (v === undefined || v === '') return undefined;
  return typeof v === 'string' ? v : null;
}

/** Returns the id to look an order up by: the venue id wins when both are given (as Bybit does). */
function idOf(orderId: unknown, linkId: unknown): { orderId?: string; clientOrderId?: string } | undefined {
  if (typeof orderId === 'string' && orderId !== '') return { orderId };
  if (typeof linkId === 'string' && linkId !== '') return { clientOrderId: linkId };
  return undefined;
}
