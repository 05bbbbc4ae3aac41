/**
 * Bitget v2 spot private REST: place-order (a market buy's size is the quote amount to spend),
 * cancel-order, orderInfo (by id alone, no symbol), unfilled-orders, fills (per order here; the
 * fee detail one object, not a list) and account/assets; and the
 * fee-rate query both markets share. Spot symbols are `BTCUSDT` on the wire and `BTCUSDT_SPBL` in
 * the engine (adapters/bitget/symbols.ts).
 */
import { bitgetSymbol } from '../../../adapters/bitget/symbols.ts';
import { decOfNumber, decText } from '../../../model/decimal.ts';
import type { SimTimeInForce } from '../../matching/types.ts';
import type { HttpAnswer } from '../../protocolServer.ts';
import { baseForQuote } from '../okx/quote.ts';
import { BITGET_REQUEST } from './errors.ts';
import { cancel, DECIMAL, fail, findOrder, FORCES, missing, ok, rowContext, specOf, str, submit, type BitgetRestContext, type Params } from './common.ts';
import { spotAssetRow, spotFillRow, spotOrderRow } from './rows.ts';

const TIF: Readonly<Record<string, SimTimeInForce>> = { gtc: 'GTC', ioc: 'IOC', fok: 'FOK', post_only: 'POST_ONLY' };

function spotSpec(ctx: BitgetRestContext, wire: string) {
  const spec = specOf(ctx, bitgetSymbol('SPOT', wire) ?? '');
  return spec?.kind === 'spot' ? spec : undefined;
}

export function spotPlace(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol', 'side', 'orderType', 'size']);
  if (m) return fail(ctx, m);
  const wire = str(p.symbol)!;
  const spec = spotSpec(ctx, wire);
  if (!spec) return fail(ctx, BITGET_REQUEST.notExist(wire));
  const side = str(p.side)!;
  if (side !== 'buy' && side !== 'sell') return fail(ctx, BITGET_REQUEST.notExist(side));
  const type = str(p.orderType)!;
  if (type !== 'limit' && type !== 'market') return fail(ctx, BITGET_REQUEST.notExist(type));
  // `force` is required, though "invalid when orderType is market".
  const force = str(p.force) ?? (type === 'market' ? 'gtc' : undefined);
  if (force === undefined) return fail(ctx, BITGET_REQUEST.empty('force'));
  if (!FORCES.has(force)) return fail(ctx, BITGET_REQUEST.notExist(force));
  const size = str(p.size)!;
  if (!DECIMAL.test(size)) return fail(ctx, BITGET_REQUEST.notExist(size));
  const price = str(p.price);
  if (type === 'limit' && price === undefined) return fail(ctx, BITGET_REQUEST.empty('price'));
  if (type === 'limit' && !DECIMAL.test(price!)) return fail(ctx, BITGET_REQUEST.notExist(price!));
  const clientOid = str(p.clientOid);
  let qty = size;
  if (type === 'market' && side === 'buy') {
    const asks = ctx.server.book(spec.symbol).asks.top();
    qty = asks.length === 0 ? '0' : baseForQuote(size, asks, spec.lotSize);
    if (asks.length > 0 && qty === '0') return fail(ctx, { code: '45110', msg: `less than the minimum amount ${spec.minNotional ?? '1'} ${spec.quote}`, status: 400 });
    // Nothing to buy from: let the engine see a minimal order so it answers as for an empty book.
    if (qty === '0') qty = spec.minQty ?? spec.lotSize;
  }
  return submit(
    ctx,
    spec,
    {
      account: ctx.creds.account,
      symbol: spec.symbol,
      ...(clientOid !== undefined ? { clientOrderId: clientOid } : {}),
      side,
      type,
      tif: type === 'market' ? 'IOC' : TIF[force]!,
      ...(type === 'limit' ? { price: price! } : {}),
      qty,
      reduceOnly: false,
    },
    { force, ...(qty !== size ? { size } : {}) },
  );
}

export function spotCancel(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol']);
  if (m) return fail(ctx, m);
  const spec = spotSpec(ctx, str(p.symbol)!);
  if (!spec) return fail(ctx, BITGET_REQUEST.notExist(str(p.symbol)!));
  return cancel(ctx, spec, p);
}

export function spotOrderInfo(ctx: BitgetRestContext, p: Params): HttpAnswer {
  if (str(p.orderId) === undefined && str(p.clientOid) === undefined) return fail(ctx, BITGET_REQUEST.empty('orderId'));
  const o = findOrder(ctx, undefined, p);
  // An unknown id is an empty list, not an error.
  if (!o || specOf(ctx, o.symbol)?.kind !== 'spot') return ok(ctx, []);
  return ok(ctx, [spotOrderRow(o, rowContext(ctx, o))]);
}

export function spotUnfilled(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const wire = str(p.symbol);
  const spec = wire === undefined ? undefined : spotSpec(ctx, wire);
  if (wire !== undefined && !spec) return fail(ctx, BITGET_REQUEST.notExist(wire));
  const rows = ctx.engine
    .openOrders(ctx.creds.account, spec?.symbol)
    .filter((o) => specOf(ctx, o.symbol)?.kind === 'spot' && (str(p.orderId) ?? o.orderId) === o.orderId)
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((o) => spotOrderRow(o, rowContext(ctx, o), true));
  return ok(ctx, rows);
}

export function spotFills(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol', 'orderId']);
  if (m) return fail(ctx, m);
  const spec = spotSpec(ctx, str(p.symbol)!);
  if (!spec) return fail(ctx, BITGET_REQUEST.notExist(str(p.symbol)!));
  const o = findOrder(ctx, spec.symbol, { orderId: p.orderId });
  const fills = o ? ctx.engine.fills(ctx.creds.account, spec.symbol, { orderId: o.orderId }).reverse() : [];
  return ok(ctx, fills.map((f) => spotFillRow(o!, f, spec, ctx.userId)));
}

export function spotAssets(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const coin = str(p.coin)?.toUpperCase();
  const all = str(p.assetType) === 'all';
  const rows = ctx.engine
    .balances(ctx.creds.account)
    .filter((b) => (coin !== undefined ? b.asset === coin : all || Number(b.total) !== 0))
    .map((b) => spotAssetRow(b, ctx.now));
  return ok(ctx, rows);
}

export function tradeRate(ctx: BitgetRestContext, p: Params): HttpAnswer {
  const m = missing(p, ['symbol', 'businessType']);
  if (m) return fail(ctx, m);
  const business = str(p.businessType)!.toLowerCase();
  const mix = business === 'mix' || business === 'contract';
  if (!mix && business !== 'spot' && business !== 'margin') return fail(ctx, BITGET_REQUEST.notExist(str(p.businessType)!));
  const rates = mix ? ctx.fees.mix : ctx.fees.spot;
  return ok(ctx, { makerFeeRate: decText(decOfNumber(rates.maker)), takerFeeRate: decText(decOfNumber(rates.taker)) });
}
