/**
 * OKX v5 private REST over the matching engine: place, cancel, amend and query orders, open orders
 * (paged by `after` ordId, `limit` up to 100), an order's fills, balance, positions and fee rates, with the docs' rate limits (per API key; place, cancel and
 * order queries per key and instrument) and the venue's answers for refused orders. A post-only
 * order that would take and a FOK that cannot fill are accepted and then canceled by OKX (state
 * `canceled`, cancelSource 31 / 13), not refused, so they answer `sCode` "0" with an order id.
 */
import type { InstrumentSpec } from '../../../model/instrument.ts';
import { abs, add, cmp, decText, parseDec, sign, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimExchange, SimOrder, SimOrderRequest, SimTimeInForce } from '../../matching/types.ts';
import type { HttpAnswer, SimHttpRequest, SimVenueServer } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import type { Budget, RateBudgets } from './budget.ts';
import { OKX_REQUEST, okxAmendFailure, okxOrderFailure, type OkxError, type OkxOrderFailure } from './errors.ts';
import type { AccountFeed } from './feed.ts';
import type { OrderLedger } from './ledger.ts';
import { baseForQuote } from './quote.ts';
import { okxAccountRow, okxBalanceDetail, okxFeeRow, okxFillRow, okxOrderRow, okxPositionRow, type OkxOrderMeta } from './rows.ts';

export interface OkxRestContext {
  readonly engine: SimExchange;
  readonly creds: SimCredentials;
  readonly server: SimVenueServer;
  readonly ledger: OrderLedger<OkxOrderMeta>;
  readonly feed: AccountFeed;
  readonly budgets: RateBudgets;
  readonly fees: { readonly spot: FeeRates; readonly swap: FeeRates };
  readonly leverage: number;
  readonly now: number;
}

export interface FeeRates {
  readonly maker: number;
  readonly taker: number;
}

type Handler = (ctx: OkxRestContext, req: SimHttpRequest) => HttpAnswer;

interface Route {
  readonly budget: Budget;
  /** Whether the budget is per instrument as well as per key ("User ID + Instrument ID"). */
  readonly perInstrument: boolean;
  readonly handle: Handler;
}

const TWO_S = 2000;

/** The private routes, keyed `METHOD path`, with the docs' rate limits. */
export const OKX_ROUTES: Readonly<Record<string, Route>> = {
  'POST /api/v5/trade/order': { budget: { limit: 60, windowMs: TWO_S }, perInstrument: true, handle: placeOrder },
  'POST /api/v5/trade/cancel-order': { budget: { limit: 60, windowMs: TWO_S }, perInstrument: true, handle: cancelOrder },
  'POST /api/v5/trade/amend-order': { budget: { limit: 60, windowMs: TWO_S }, perInstrument: true, handle: amendOrder },
  'GET /api/v5/trade/fills': { budget: { limit: 60, windowMs: TWO_S }, perInstrument: false, handle: orderFills },
  'GET /api/v5/trade/order': { budget: { limit: 60, windowMs: TWO_S }, perInstrument: true, handle: getOrder },
  'GET /api/v5/trade/orders-pending': { budget: { limit: 60, windowMs: TWO_S }, perInstrument: false, handle: pendingOrders },
  'GET /api/v5/account/balance': { budget: { limit: 10, windowMs: TWO_S }, perInstrument: false, handle: balance },
  'GET /api/v5/account/positions': { budget: { limit: 10, windowMs: TWO_S }, perInstrument: false, handle: positions },
  'GET /api/v5/account/trade-fee': { budget: { limit: 5, windowMs: TWO_S }, perInstrument: false, handle: tradeFee },
};

/** Returns the instrument id a request names (for per-instrument budgets), from its query or JSON body. */
export function requestInstId(req: SimHttpRequest): string {
  if (req.method === 'GET') return req.query.get('instId') ?? '';
  try {
    const b = JSON.parse(req.body) as { instId?: unknown };
    return typeof b?.instId === 'string' ? b.instId : '';
  } catch {
    return '';
  }
}

function answer(err: OkxError, data: unknown[] = []): HttpAnswer {
  return { status: err.status, body: { code: err.code, msg: err.msg, data } };
}

function ok(ctx: OkxRestContext, data: unknown[], timed = false): HttpAnswer {
  const body: Record<string, unknown> = { code: '0', msg: '', data };
  // Trade endpoints carry the gateway's receive/send times in microseconds.
  if (timed) Object.assign(body, { inTime: String(ctx.now * 1000), outTime: String(ctx.now * 1000 + 150) });
  return { status: 200, body };
}

function failed(ctx: OkxRestContext, f: OkxOrderFailure, ids: { ordId?: string; clOrdId?: string }): HttpAnswer {
  const row = { clOrdId: ids.clOrdId ?? '', ordId: ids.ordId ?? '', sCode: f.sCode, sMsg: f.sMsg, subCode: '', tag: '', ts: String(ctx.now) };
  return {
    status: 200,
    body: { code: OKX_REQUEST.operationFailed.code, msg: OKX_REQUEST.operationFailed.msg, data: [row], inTime: String(ctx.now * 1000), outTime: String(ctx.now * 1000 + 150) },
  };
}

function specOf(ctx: OkxRestContext, instId: string): InstrumentSpec | undefined {
  return ctx.server.instruments.find((s) => s.symbol === instId);
}

/** Reads a JSON object body; an OkxError when it is empty or not JSON. */
function jsonBody(req: SimHttpRequest): Record<string, unknown> | OkxError {
  if (req.body.trim() === '') return OKX_REQUEST.emptyBody;
  try {
    const v = JSON.parse(req.body) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : OKX_REQUEST.badJson;
  } catch {
    return OKX_REQUEST.badJson;
  }
}

function isError(v: unknown): v is OkxError {
  return typeof v === 'object' && v !== null && 'status' in v && 'code' in v && 'msg' in v;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const ORD_TYPES: Readonly<Record<string, { type: 'market' | 'limit'; tif: SimTimeInForce }>> = {
  market: { type: 'market', tif: 'IOC' },
  limit: { type: 'limit', tif: 'GTC' },
  post_only: { type: 'limit', tif: 'POST_ONLY' },
  fok: { type: 'limit', tif: 'FOK' },
  ioc: { type: 'limit', tif: 'IOC' },
};

const DECIMAL = /^\d+(\.\d+)?$/;

/** Returns the row context of an order this side knows. */
function rowOf(ctx: OkxRestContext, o: SimOrder, spec = specOf(ctx, o.symbol)): Record<string, unknown> {
  const entry = ctx.ledger.entry(o.orderId);
  const lever = ctx.engine.positions(ctx.creds.account).find((p) => p.symbol === o.symbol)?.leverage ?? ctx.leverage;
  return okxOrderRow(o, { spec, meta: entry?.meta, clientGiven: entry?.clientGiven ?? true, userCanceled: entry?.userCanceled ?? false, lever: String(lever) });
}

function placeOrder(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const b = jsonBody(req);
  if (isError(b)) return answer(b);
  for (const p of ['instId', 'tdMode', 'side', 'ordType', 'sz']) if (str(b[p]) === undefined) return answer(OKX_REQUEST.empty(p));
  const instId = str(b.instId)!;
  const spec = specOf(ctx, instId);
  if (!spec) return answer(OKX_REQUEST.unknownInstrument);
  const side = str(b.side)!;
  if (side !== 'buy' && side !== 'sell') return answer(OKX_REQUEST.param('side'));
  const ordType = str(b.ordType)!;
  const kind = ORD_TYPES[ordType];
  if (!kind) return answer(OKX_REQUEST.param('ordType'));
  const perp = spec.kind === 'perp';
  const tdMode = str(b.tdMode)!;
  if (perp ? tdMode !== 'cross' && tdMode !== 'isolated' : tdMode !== 'cash') return answer(OKX_REQUEST.param('tdMode'));
  const clOrdId = str(b.clOrdId);
  if (clOrdId !== undefined && !/^[A-Za-z0-9]{1,32}$/.test(clOrdId)) return answer(OKX_REQUEST.param('clOrdId'));
  const sz = str(b.sz)!;
  if (!DECIMAL.test(sz) || Number(sz) <= 0) return answer(OKX_REQUEST.param('sz'));
  const reduceOnly = b.reduceOnly === true || b.reduceOnly === 'true';
  const ids = { clOrdId: clOrdId ?? '' };
  const px = str(b.px);
  if (kind.type === 'limit') {
    if (px === undefined) return failed(ctx, { sCode: '51204', sMsg: 'The price for the limit order cannot be empty.' }, ids);
    if (!DECIMAL.test(px)) return answer(OKX_REQUEST.param('px'));
  }
  if (reduceOnly && !perp) return failed(ctx, { sCode: '51139', sMsg: 'Reduce-only feature is unavailable for the spot transactions by spot mode.' }, ids);
  if (reduceOnly) {
    const refusal = reduceOnlyRefusal(ctx, spec, side, sz);
    if (refusal) return failed(ctx, refusal, ids);
  }

  // SPOT market orders are sized by tgtCcy: quote for buys and base for sells unless told.
  let qty = sz;
  let tgtCcy: string | undefined;
  if (!perp && kind.type === 'market') {
    tgtCcy = str(b.tgtCcy) ?? (side === 'buy' ? 'quote_ccy' : 'base_ccy');
    if (tgtCcy !== 'base_ccy' && tgtCcy !== 'quote_ccy') return answer(OKX_REQUEST.param('tgtCcy'));
    if (tgtCcy === 'quote_ccy') {
      const book = ctx.server.book(instId);
      const levels = side === 'buy' ? book.asks.top() : book.bids.top();
      if (levels.length === 0) return failed(ctx, okxOrderFailure('NO_LIQUIDITY', rejectCtx(ctx, spec, side)), ids);
      qty = baseForQuote(sz, levels, spec.lotSize);
      if (qty === '0') return failed(ctx, okxOrderFailure('MIN_QTY', rejectCtx(ctx, spec, side)), ids);
    }
  }
  const meta: OkxOrderMeta = { ordType, tdMode, ...(qty !== sz ? { sz } : {}), ...(tgtCcy ? { tgtCcy } : {}) };
  if (ctx.server.take('reject-next-order')) return failed(ctx, okxOrderFailure('REJECTED_BY_FAULT', rejectCtx(ctx, spec, side)), ids);

  const order: SimOrderRequest = {
    account: ctx.creds.account,
    symbol: instId,
    ...(clOrdId !== undefined ? { clientOrderId: clOrdId } : {}),
    side,
    type: kind.type,
    tif: kind.tif,
    ...(kind.type === 'limit' ? { price: px! } : {}),
    qty,
    reduceOnly,
  };
  const res = ctx.engine.place(order);
  if ('reject' in res) {
    const code = res.reject.code;
    if (code === 'POST_ONLY_WOULD_TAKE' || code === 'FOK_UNFILLABLE') {
      const ghost = ctx.ledger.ghost(
        { clientOrderId: clOrdId ?? '', account: order.account, symbol: instId, side, type: kind.type, tif: kind.tif, price: px, qty, reduceOnly, createdAt: ctx.now, updatedAt: ctx.now },
        code,
        meta,
        clOrdId !== undefined,
      );
      ctx.feed.pushOrder(ghost);
      return placed(ctx, ghost.orderId, clOrdId);
    }
    return failed(ctx, okxOrderFailure(code, rejectCtx(ctx, spec, side)), ids);
  }
  ctx.ledger.remember(res.order, meta, clOrdId !== undefined);
  return placed(ctx, res.order.orderId, clOrdId);
}

function placed(ctx: OkxRestContext, ordId: string, clOrdId: string | undefined): HttpAnswer {
  return ok(ctx, [{ clOrdId: clOrdId ?? '', ordId, sCode: '0', sMsg: 'Order placed', subCode: '', tag: '', ts: String(ctx.now) }], true);
}

/**
 * OKX refuses a reduce-only order outright when it cannot reduce: no position (51169), the same
 * direction as the position (51170), or larger than the position (51112; OKX does not trim it,
 * unlike the engine, which caps the quantity).
 */
function reduceOnlyRefusal(ctx: OkxRestContext, spec: InstrumentSpec, side: string, sz: string): OkxOrderFailure | undefined {
  const pos = parseDec(ctx.engine.positions(ctx.creds.account).find((p) => p.symbol === spec.symbol)?.qty ?? '0') ?? ZERO;
  const dir = sign(pos);
  if (dir === 0) return okxOrderFailure('REDUCE_ONLY_REJECTED', { asset: spec.quote, perp: true, hasPosition: false });
  if ((side === 'buy' && dir > 0) || (side === 'sell' && dir < 0)) return okxOrderFailure('REDUCE_ONLY_REJECTED', { asset: spec.quote, perp: true, hasPosition: true });
  if (cmp(parseDec(sz) ?? ZERO, abs(pos)) > 0) return { sCode: '51112', sMsg: 'Close order size exceeds available size for this position.' };
  return undefined;
}

function rejectCtx(ctx: OkxRestContext, spec: InstrumentSpec, side: string): { asset: string; perp: boolean; hasPosition: boolean } {
  const perp = spec.kind === 'perp';
  const pos = ctx.engine.positions(ctx.creds.account).find((p) => p.symbol === spec.symbol);
  return { asset: perp || side === 'buy' ? spec.quote : spec.base, perp, hasPosition: pos !== undefined && Number(pos.qty) !== 0 };
}

/** An order request's body and the order it names (`instId` plus `ordId` or `clOrdId`). */
interface OrderTarget {
  readonly b: Record<string, unknown>;
  readonly instId: string;
  readonly spec: InstrumentSpec;
  readonly id: { orderId: string } | { clientOrderId: string };
  /** The ids as OKX echoes them in an item's answer. */
  readonly ids: { ordId: string; clOrdId: string };
}

/** Reads the JSON body of a cancel or amend and the order it names, or the error answer. */
function orderTarget(ctx: OkxRestContext, req: SimHttpRequest): OrderTarget | HttpAnswer {
  const b = jsonBody(req);
  if (isError(b)) return answer(b);
  const instId = str(b.instId);
  if (instId === undefined) return answer(OKX_REQUEST.empty('instId'));
  const spec = specOf(ctx, instId);
  if (!spec) return answer(OKX_REQUEST.unknownInstrument);
  const ordId = str(b.ordId);
  const clOrdId = str(b.clOrdId);
  if (ordId === undefined && clOrdId === undefined) return answer(OKX_REQUEST.either('ordId', 'clOrdId'));
  const id = ordId !== undefined ? { orderId: ordId } : { clientOrderId: clOrdId! };
  return { b, instId, spec, id, ids: { ordId: ordId ?? '', clOrdId: clOrdId ?? '' } };
}

function cancelOrder(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const t = orderTarget(ctx, req);
  if (!('instId' in t)) return t;
  const { instId, spec, id, ids } = t;
  const res = ctx.engine.cancel(ctx.creds.account, instId, id);
  if ('reject' in res) return failed(ctx, okxOrderFailure(res.reject.code, rejectCtx(ctx, spec, 'buy')), ids);
  const o = res.order;
  const entry = ctx.ledger.entry(o.orderId);
  if (entry) entry.userCanceled = true;
  else ctx.ledger.remember(o, { ordType: '', tdMode: spec.kind === 'perp' ? 'cross' : 'cash' }, true);
  if (ctx.server.take('fill-after-cancel')) ctx.feed.lateFill(o.orderId, spec.lotSize);
  const clientGiven = ctx.ledger.entry(o.orderId)?.clientGiven ?? true;
  return ok(ctx, [{ clOrdId: clientGiven ? o.clientOrderId : '', ordId: o.orderId, sCode: '0', sMsg: '', ts: String(ctx.now) }], true);
}

function getOrder(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const instId = req.query.get('instId') || undefined;
  if (instId === undefined) return answer(OKX_REQUEST.empty('instId'));
  const spec = specOf(ctx, instId);
  if (!spec) return answer(OKX_REQUEST.unknownInstrument);
  const ordId = req.query.get('ordId') || undefined;
  const clOrdId = req.query.get('clOrdId') || undefined;
  if (ordId === undefined && clOrdId === undefined) return answer(OKX_REQUEST.either('ordId', 'clOrdId'));
  const o = ctx.ledger.find(ordId !== undefined ? { orderId: ordId } : { clientOrderId: clOrdId! }, instId);
  if (!o) return answer(OKX_REQUEST.orderNotExist);
  return ok(ctx, [rowOf(ctx, o, spec)]);
}

/** Returns the `limit` query parameter (1–100, default 100), or the error for a bad one. */
function pageLimit(req: SimHttpRequest): number | OkxError {
  const text = req.query.get('limit') || '100';
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : OKX_REQUEST.param('limit');
}

function pendingOrders(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const instType = req.query.get('instType') || undefined;
  const instId = req.query.get('instId') || undefined;
  const limit = pageLimit(req);
  if (isError(limit)) return answer(limit);
  const orders = ctx.engine
    .openOrders(ctx.creds.account, instId)
    .map((o) => ({ o, spec: specOf(ctx, o.symbol) }))
    .filter(({ spec }) => instType === undefined || (spec?.kind === 'perp' ? 'SWAP' : 'SPOT') === instType)
    .sort((a, b) => b.o.createdAt - a.o.createdAt || Number(BigInt(b.o.orderId) - BigInt(a.o.orderId)));
  // `after`: records older than this ordId (the list is newest first).
  const after = req.query.get('after') || undefined;
  const from = after === undefined ? 0 : orders.findIndex(({ o }) => o.orderId === after) + 1;
  return ok(ctx, orders.slice(from, from + limit).map(({ o, spec }) => rowOf(ctx, o, spec)));
}

/**
 * Amends an open order's total size (`newSz`, above what has filled) and/or price (`newPx`).
 * The answer acks ids only; the amended state comes on the orders channel (amendResult "0").
 */
function amendOrder(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const t = orderTarget(ctx, req);
  if (!('instId' in t)) return t;
  const { b, instId, spec, id, ids } = t;
  const newSz = str(b.newSz);
  const newPx = str(b.newPx);
  if (newSz === undefined && newPx === undefined) return failed(ctx, { sCode: '51500', sMsg: 'Either order price or amount is required' }, ids);
  if (newSz !== undefined && !DECIMAL.test(newSz)) return answer(OKX_REQUEST.param('newSz'));
  if (newPx !== undefined && !DECIMAL.test(newPx)) return answer(OKX_REQUEST.param('newPx'));
  const res = ctx.engine.amend(ctx.creds.account, instId, id, { ...(newSz !== undefined ? { qty: newSz } : {}), ...(newPx !== undefined ? { price: newPx } : {}) });
  if ('reject' in res) {
    const known = ctx.ledger.find(id, instId);
    const closed = known?.status === 'filled' ? 'filled' : known ? 'canceled' : undefined;
    return failed(ctx, okxAmendFailure(res.reject.code, rejectCtx(ctx, spec, known?.side ?? 'buy'), closed), ids);
  }
  const o = res.order;
  ctx.feed.amended(o.orderId);
  const clientGiven = ctx.ledger.entry(o.orderId)?.clientGiven ?? true;
  const reqId = str(b.reqId) ?? '';
  return ok(ctx, [{ clOrdId: clientGiven ? o.clientOrderId : '', ordId: o.orderId, reqId, sCode: '0', sMsg: '', ts: String(ctx.now) }], true);
}

const INST_TYPES = new Set(['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION']);

/** The last 3 days' fills (all of the engine's), newest first: of one order (`ordId`) or of every order this side placed. */
function orderFills(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const instType = req.query.get('instType') || undefined;
  if (instType !== undefined && !INST_TYPES.has(instType)) return answer(OKX_REQUEST.param('instType'));
  const instId = req.query.get('instId') || undefined;
  const ordId = req.query.get('ordId') || undefined;
  const limit = pageLimit(req);
  if (isError(limit)) return answer(limit);
  const orders = ordId !== undefined ? [[ordId, ctx.ledger.entry(ordId)] as const] : [...ctx.ledger.known()];
  const rows = orders.flatMap(([orderId, entry]) => {
    const symbol = entry?.symbol ?? instId;
    if (symbol === undefined || (instId !== undefined && symbol !== instId)) return [];
    const spec = specOf(ctx, symbol);
    if (instType !== undefined && (spec?.kind === 'perp' ? 'SWAP' : 'SPOT') !== instType) return [];
    return ctx.engine.fills(ctx.creds.account, symbol, { orderId }).map((f) => okxFillRow(f, spec, entry?.clientGiven ?? true));
  });
  // Each order's fills come oldest first: reversed, then a stable sort by time, they are newest first.
  rows.reverse().sort((a, b) => Number(b.ts) - Number(a.ts));
  return ok(ctx, rows.slice(0, limit));
}

function balance(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const wanted = (req.query.get('ccy') ?? '').split(',').filter((c) => c !== '');
  const upl = uplByCcy(ctx);
  const details = ctx.engine
    .balances(ctx.creds.account)
    .filter((b) => (wanted.length === 0 ? Number(b.total) !== 0 : wanted.includes(b.asset)))
    .map((b) => okxBalanceDetail(b, upl.get(b.asset) ?? '0', ctx.now));
  return ok(ctx, [okxAccountRow(details, ctx.now)]);
}

/** Returns the summed unrealized PnL of open positions by margin currency. */
export function uplByCcy(ctx: Pick<OkxRestContext, 'engine' | 'creds' | 'server'>): Map<string, string> {
  const out = new Map<string, Dec>();
  for (const p of ctx.engine.positions(ctx.creds.account)) {
    const ccy = ctx.server.instruments.find((s) => s.symbol === p.symbol)?.quote ?? 'USDT';
    out.set(ccy, add(out.get(ccy) ?? ZERO, parseDec(p.unrealizedPnl) ?? ZERO));
  }
  return new Map([...out].map(([k, v]) => [k, decText(v)]));
}

function positions(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const instType = req.query.get('instType') || undefined;
  if (instType !== undefined && instType !== 'SWAP' && instType !== 'MARGIN' && instType !== 'FUTURES' && instType !== 'OPTION') return answer(OKX_REQUEST.param('instType'));
  if (instType !== undefined && instType !== 'SWAP') return ok(ctx, []);
  const ids = (req.query.get('instId') ?? '').split(',').filter((c) => c !== '');
  const rows = ctx.engine
    .positions(ctx.creds.account)
    .filter((p) => Number(p.qty) !== 0 && (ids.length === 0 || ids.includes(p.symbol)))
    .map((p) => okxPositionRow(p, specOf(ctx, p.symbol), ctx.now));
  return ok(ctx, rows);
}

function tradeFee(ctx: OkxRestContext, req: SimHttpRequest): HttpAnswer {
  const instType = req.query.get('instType') || undefined;
  if (instType === undefined) return answer(OKX_REQUEST.empty('instType'));
  if (instType !== 'SPOT' && instType !== 'SWAP') return answer(OKX_REQUEST.param('instType'));
  return ok(ctx, [okxFeeRow(instType, instType === 'SWAP' ? ctx.fees.swap : ctx.fees.spot, ctx.now)]);
}
