/**
 * What the Bitget futures and spot handlers share: the request context, the response envelope,
 * body and parameter reading, and order submission (the fault, the engine call, the mapping of
 * its refusals, and the orders Bitget accepts and then cancels itself: a post-only that would
 * take, a market order with nothing to take).
 */
import type { InstrumentSpec } from '../../../model/instrument.ts';
import { writtenDecimals } from '../../../model/scale.ts';
import type { SimExchange, SimOrder, SimOrderRequest } from '../../matching/types.ts';
import type { HttpAnswer, SimHttpRequest, SimVenueServer } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import type { AccountFeed } from '../okx/feed.ts';
import type { OrderLedger } from '../okx/ledger.ts';
import { BITGET_REQUEST, bitgetReject, type BitgetError } from './errors.ts';
import type { BitgetOrderContext, BitgetOrderMeta } from './rows.ts';

export interface FeeRates {
  readonly maker: number;
  readonly taker: number;
}

export interface BitgetRestContext {
  readonly engine: SimExchange;
  readonly creds: SimCredentials;
  readonly server: SimVenueServer;
  readonly ledger: OrderLedger<BitgetOrderMeta>;
  readonly feed: AccountFeed;
  readonly fees: { readonly spot: FeeRates; readonly mix: FeeRates };
  readonly leverage: number;
  readonly userId: string;
  readonly now: number;
}

export type Params = Record<string, unknown>;

export const PRODUCT_TYPE = 'USDT-FUTURES';
export const DECIMAL = /^\d+(\.\d+)?$/;
export const FORCES = new Set(['gtc', 'ioc', 'fok', 'post_only']);

export function ok(ctx: BitgetRestContext, data: unknown): HttpAnswer {
  return { status: 200, body: { code: '00000', msg: 'success', requestTime: ctx.now, data } };
}

export function fail(ctx: Pick<BitgetRestContext, 'now'>, err: BitgetError): HttpAnswer {
  return { status: err.status, body: { code: err.code, msg: err.msg, requestTime: ctx.now, data: null } };
}

export function isError(v: unknown): v is BitgetError {
  return typeof v === 'object' && v !== null && 'status' in v && 'code' in v && 'msg' in v;
}

/** Reads the JSON body of a POST, or the query of a GET, as one parameter object. */
export function params(req: SimHttpRequest): Params | BitgetError {
  if (req.method === 'GET') return Object.fromEntries(req.query.entries());
  if (req.body.trim() === '') return {};
  try {
    const v = JSON.parse(req.body) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : BITGET_REQUEST.badJson;
  } catch {
    return BITGET_REQUEST.badJson;
  }
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Returns the first named parameter that is missing, as Bitget's 40019. */
export function missing(p: Params, names: readonly string[]): BitgetError | undefined {
  for (const n of names) if (str(p[n]) === undefined) return BITGET_REQUEST.empty(n);
  return undefined;
}

export function specOf(ctx: Pick<BitgetRestContext, 'server'>, symbol: string): InstrumentSpec | undefined {
  return ctx.server.instruments.find((s) => s.symbol === symbol);
}

export function leverOf(ctx: Pick<BitgetRestContext, 'engine' | 'creds' | 'leverage'>, symbol: string): string {
  return String(ctx.engine.positions(ctx.creds.account).find((p) => p.symbol === symbol)?.leverage ?? ctx.leverage);
}

/** Returns the row context of an order. */
export function rowContext(ctx: Pick<BitgetRestContext, 'engine' | 'creds' | 'leverage' | 'server' | 'ledger' | 'userId'>, o: SimOrder): BitgetOrderContext {
  const entry = ctx.ledger.entry(o.orderId);
  return { spec: specOf(ctx, o.symbol), meta: entry?.meta, userCanceled: entry?.userCanceled ?? false, lever: leverOf(ctx, o.symbol), userId: ctx.userId };
}


/** Places an order on the engine and answers as Bitget does (`{orderId, clientOid}` or the refusal). */
export function submit(ctx: BitgetRestContext, spec: InstrumentSpec, req: SimOrderRequest, meta: BitgetOrderMeta): HttpAnswer {
  const perp = spec.kind === 'perp';
  const rejectCtx = { perp, qty: req.qty, qtyDecimals: writtenDecimals(spec.lotSize), minNotional: spec.minNotional ?? '5', quote: spec.quote };
  if (ctx.server.take('reject-next-order')) return fail(ctx, bitgetReject('REJECTED_BY_FAULT', rejectCtx));
  const res = ctx.engine.place(req);
  if ('reject' in res) {
    const code = res.reject.code;
    if (code === 'POST_ONLY_WOULD_TAKE' || code === 'NO_LIQUIDITY') {
      const { account, symbol, side, type, tif, price, qty } = req;
      const ghost = ctx.ledger.ghost(
        { clientOrderId: req.clientOrderId ?? '', account, symbol, side, type, tif, price, qty, reduceOnly: req.reduceOnly === true, createdAt: ctx.now, updatedAt: ctx.now },
        code,
        meta,
        true,
      );
      ctx.feed.pushOrder(ghost);
      return ok(ctx, { orderId: ghost.orderId, clientOid: ghost.clientOrderId });
    }
    return fail(ctx, bitgetReject(code, rejectCtx));
  }
  ctx.ledger.remember(res.order, meta, true);
  return ok(ctx, { orderId: res.order.orderId, clientOid: res.order.clientOrderId });
}

/** Cancels by `orderId` or `clientOid` and answers `{orderId, clientOid}`; arms fill-after-cancel. */
export function cancel(ctx: BitgetRestContext, spec: InstrumentSpec, p: Params): HttpAnswer {
  const orderId = str(p.orderId);
  const clientOid = str(p.clientOid);
  if (orderId === undefined && clientOid === undefined) return fail(ctx, BITGET_REQUEST.empty('orderId'));
  const perp = spec.kind === 'perp';
  const res = ctx.engine.cancel(ctx.creds.account, spec.symbol, orderId !== undefined ? { orderId } : { clientOrderId: clientOid! });
  if ('reject' in res) return fail(ctx, bitgetReject(res.reject.code, { perp, qty: '', qtyDecimals: 0, minNotional: '', quote: spec.quote }));
  const o = res.order;
  const entry = ctx.ledger.entry(o.orderId);
  if (entry) entry.userCanceled = true;
  else {
    ctx.ledger.remember(o, { force: 'gtc' }, true);
    ctx.ledger.entry(o.orderId)!.userCanceled = true;
  }
  if (ctx.server.take('fill-after-cancel')) ctx.feed.lateFill(o.orderId, spec.lotSize);
  return ok(ctx, { orderId: o.orderId, clientOid: o.clientOrderId });
}

/** Returns a spot or futures order by either id (symbol known), from the engine or the ledger. */
export function findOrder(ctx: BitgetRestContext, symbol: string | undefined, p: Params): SimOrder | undefined {
  const orderId = str(p.orderId);
  const clientOid = str(p.clientOid);
  if (orderId === undefined && clientOid === undefined) return undefined;
  return ctx.ledger.find(orderId !== undefined ? { orderId } : { clientOrderId: clientOid! }, symbol);
}
