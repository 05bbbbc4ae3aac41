/**
 * Bitget v2 USDT-FUTURES private REST (one-way position mode, `USDT` margin): place-order,
 * cancel-order, modify-order, detail, orders-pending, fills, account/accounts and
 * position/all-position.
 *
 * modify-order (https://www.bitget.com/api-doc/contract/trade/Modify-Order): `newClientOid` is
 * required; only a `live` limit order may be modified (a partly filled one answers 40401). Bitget
 * cancels the order and creates a new one: with a new `newClientOid` that is what happens here
 * (the new order has a new orderId); with the order's own clientOid the engine amends the order
 * in place (same orderId; a size cut at the same price keeps its queue place, which the venue's
 * cancel-and-create would not).
 */
import type { InstrumentSpec } from '../../../model/instrument.ts';
import { writtenDecimals } from '../../../model/scale.ts';
import { add, parseDec, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimOrder, SimTimeInForce } from '../../matching/types.ts';
import type { HttpAnswer } from '../../protocolServer.ts';
import { BITGET_REQUEST, bitgetReject } from './errors.ts';
import { cancel, DECIMAL, fail, findOrder, FORCES, missing, ok, PRODUCT_TYPE, rowContext, specOf, str, submit, type BitgetRestContext, type Params } from './common.ts';
import { mixAccountRow, mixFillRow, mixOrderRow, mixPositionRow } from './rows.ts';

const TIF: Readonly<Record<string, SimTimeInForce>> = { gtc: 'GTC', ioc: 'IOC', fok: 'FOK', post_only: 'POST_ONLY' };

/** Checks `productType`; a futures product Fleet does not trade answers like an empty account. */
function productType(ctx: BitgetRestContext, p: Params): HttpAnswer | 'usdt' | 'other' {
  const m = missing(p, ['productType']);
  if (m) return fail(ctx, m);
  const t = str(p.productType)!.toUpperCase();
  if (t === PRODUCT_TYPE) return 'usdt';
  if (t === 'COIN-FUTURES' || t === 'USDC-FUTURES' || t.startsWith('S')) return 'other';
  return fail(ctx, BITGET_REQUEST.notExist(str(p.productType)!));
}

function perpSpec(ctx: BitgetRestContext, symbol: string) {
  const spec = specOf(ctx, symbol);
  return spec?.kind === 'perp' ? spec : undefined;
}

export function mixPlace(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol', 'productType', 'marginMode', 'marginCoin', 'size', 'side', 'orderType']);
  if (m) return fail(ctx, m);
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  const symbol = str(p.symbol)!;
  const spec = pt === 'usdt' ? perpSpec(ctx, symbol) : undefined;
  if (!spec) return fail(ctx, BITGET_REQUEST.notExist(symbol));
  const marginMode = str(p.marginMode)!;
  if (marginMode !== 'crossed' && marginMode !== 'isolated') return fail(ctx, BITGET_REQUEST.notExist(marginMode));
  if (str(p.marginCoin)!.toUpperCase() !== spec.quote) return fail(ctx, BITGET_REQUEST.notExist(str(p.marginCoin)!));
  const side = str(p.side)!;
  if (side !== 'buy' && side !== 'sell') return fail(ctx, BITGET_REQUEST.notExist(side));
  const type = str(p.orderType)!;
  if (type !== 'limit' && type !== 'market') return fail(ctx, BITGET_REQUEST.notExist(type));
  const force = str(p.force) ?? 'gtc';
  if (!FORCES.has(force)) return fail(ctx, BITGET_REQUEST.notExist(force));
  const size = str(p.size)!;
  if (!DECIMAL.test(size)) return fail(ctx, BITGET_REQUEST.notExist(size));
  const price = str(p.price);
  if (type === 'limit' && price === undefined) return fail(ctx, BITGET_REQUEST.empty('price'));
  if (price !== undefined && type === 'limit' && !DECIMAL.test(price)) return fail(ctx, BITGET_REQUEST.notExist(price));
  const clientOid = str(p.clientOid);
  if (clientOid !== undefined && clientOid.length > 50) return fail(ctx, { code: '40305', msg: 'Client_oid length is not greater than 50, and cannot be Martian characters', status: 400 });
  const reduceOnly = (str(p.reduceOnly) ?? 'NO').toUpperCase() === 'YES';
  return submit(
    ctx,
    spec,
    {
      account: ctx.creds.account,
      symbol,
      ...(clientOid !== undefined ? { clientOrderId: clientOid } : {}),
      side,
      type,
      tif: type === 'market' ? 'IOC' : TIF[force]!,
      ...(type === 'limit' ? { price: price! } : {}),
      qty: size,
      reduceOnly,
    },
    { force, marginMode },
  );
}

export function mixCancel(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol', 'productType']);
  if (m) return fail(ctx, m);
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  const spec = pt === 'usdt' ? perpSpec(ctx, str(p.symbol)!) : undefined;
  if (!spec) return fail(ctx, BITGET_REQUEST.notExist(str(p.symbol)!));
  return cancel(ctx, spec, p);
}

export function mixDetail(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol', 'productType']);
  if (m) return fail(ctx, m);
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  if (str(p.orderId) === undefined && str(p.clientOid) === undefined) return fail(ctx, BITGET_REQUEST.empty('orderId'));
  const spec = pt === 'usdt' ? perpSpec(ctx, str(p.symbol)!) : undefined;
  if (!spec) return fail(ctx, BITGET_REQUEST.notExist(str(p.symbol)!));
  const o = findOrder(ctx, spec.symbol, p);
  if (!o) return fail(ctx, BITGET_REQUEST.mixOrderNotFound);
  return ok(ctx, mixOrderRow(o, rowContext(ctx, o)));
}

export function mixPending(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  const symbol = str(p.symbol);
  const rows = pt === 'other' ? [] : ctx.engine
    .openOrders(ctx.creds.account, symbol)
    .filter((o) => specOf(ctx, o.symbol)?.kind === 'perp')
    .filter((o) => (str(p.orderId) ?? o.orderId) === o.orderId && (str(p.clientOid) ?? o.clientOrderId) === o.clientOrderId)
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((o) => mixOrderRow(o, rowContext(ctx, o), true));
  // Bitget answers an empty page with nulls, not an empty list.
  return ok(ctx, rows.length === 0 ? { entrustedList: null, endId: null } : { entrustedList: rows, endId: rows.at(-1)!.orderId });
}

/** The unrealized PnL and margin of the account's perp positions in their margin coin. */
function exposure(ctx: BitgetRestContext, coin: string): { upl: Dec; margin: Dec } {
  let upl = ZERO;
  let margin = ZERO;
  for (const pos of ctx.engine.positions(ctx.creds.account)) {
    if (specOf(ctx, pos.symbol)?.quote !== coin) continue;
    upl = add(upl, parseDec(pos.unrealizedPnl) ?? ZERO);
    margin = add(margin, parseDec(pos.margin) ?? ZERO);
  }
  return { upl, margin };
}

export function mixAccounts(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  if (pt === 'other') return ok(ctx, []);
  const coins = new Set(ctx.server.instruments.filter((s) => s.kind === 'perp').map((s) => s.quote));
  const rows = ctx.engine
    .balances(ctx.creds.account)
    .filter((b) => coins.has(b.asset))
    .map((b) => {
      const { upl, margin } = exposure(ctx, b.asset);
      return mixAccountRow(b, upl, margin);
    });
  return ok(ctx, rows);
}

export function mixPositions(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  if (pt === 'other') return ok(ctx, []);
  const coin = str(p.marginCoin)?.toUpperCase();
  const rows = ctx.engine
    .positions(ctx.creds.account)
    .filter((pos) => Number(pos.qty) !== 0)
    .map((pos) => ({ pos, spec: specOf(ctx, pos.symbol) }))
    .filter(({ spec }) => spec?.kind === 'perp' && (coin === undefined || spec.quote === coin))
    .map(({ pos, spec }) => mixPositionRow(pos, spec, ctx.now));
  return ok(ctx, rows);
}


export function mixModify(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol', 'productType', 'newClientOid']);
  if (m) return fail(ctx, m);
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  const spec = pt === 'usdt' ? perpSpec(ctx, str(p.symbol)!) : undefined;
  if (!spec) return fail(ctx, BITGET_REQUEST.notExist(str(p.symbol)!));
  if (str(p.orderId) === undefined && str(p.clientOid) === undefined) return fail(ctx, BITGET_REQUEST.empty('orderId'));
  const newSize = str(p.newSize);
  const newPrice = str(p.newPrice);
  for (const v of [newSize, newPrice]) if (v !== undefined && !DECIMAL.test(v)) return fail(ctx, BITGET_REQUEST.notExist(v));
  const rejectCtx = { perp: true, qty: newSize ?? '', qtyDecimals: writtenDecimals(spec.lotSize), minNotional: spec.minNotional ?? '5', quote: spec.quote };
  const o = findOrder(ctx, spec.symbol, p);
  if (!o || (o.status !== 'new' && o.status !== 'partially_filled')) return fail(ctx, bitgetReject('ORDER_NOT_FOUND', rejectCtx));
  if (o.status !== 'new' || o.type !== 'limit') return fail(ctx, BITGET_REQUEST.notModifiable);
  const newClientOid = str(p.newClientOid)!;
  if (newClientOid !== o.clientOrderId) return replace(ctx, spec, o, newClientOid, { qty: newSize ?? o.qty, price: newPrice ?? o.price! });
  const res = ctx.engine.amend(ctx.creds.account, spec.symbol, { orderId: o.orderId }, { ...(newSize ? { qty: newSize } : {}), ...(newPrice ? { price: newPrice } : {}) });
  if ('reject' in res) return fail(ctx, bitgetReject(res.reject.code, rejectCtx));
  return ok(ctx, { orderId: res.order.orderId, clientOid: res.order.clientOrderId });
}

/** The venue's own modify: cancel the order, then place its replacement under the new client id. */
function replace(ctx: BitgetRestContext, spec: InstrumentSpec, o: SimOrder, clientOrderId: string, change: { qty: string; price: string }): HttpAnswer {
  if (ctx.ledger.idOf(clientOrderId) !== undefined) return fail(ctx, bitgetReject('DUPLICATE_CLIENT_ID', { perp: true, qty: '', qtyDecimals: 0, minNotional: '', quote: spec.quote }));
  const canceled = cancel(ctx, spec, { orderId: o.orderId });
  if (canceled.status !== 200) return canceled;
  const meta = ctx.ledger.entry(o.orderId)?.meta ?? { force: 'gtc' };
  const { account, symbol, side, type, tif, reduceOnly } = o;
  return submit(ctx, spec, { account, symbol, clientOrderId, side, type, tif, reduceOnly, ...change }, meta);
}

export function mixFills(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const pt = productType(ctx, p);
  if (typeof pt === 'object') return pt;
  // The simulated venue lists fills per order only.
  if (str(p.orderId) === undefined) return fail(ctx, BITGET_REQUEST.empty('orderId'));
  const o = pt === 'usdt' ? findOrder(ctx, str(p.symbol), { orderId: p.orderId }) : undefined;
  const spec = o ? perpSpec(ctx, o.symbol) : undefined;
  const rows = o && spec ? ctx.engine.fills(ctx.creds.account, o.symbol, { orderId: o.orderId }).reverse().map((f) => mixFillRow(f, spec)) : [];
  return ok(ctx, { fillList: rows, endId: rows.length === 0 ? null : rows.at(-1)!.tradeId });
}
