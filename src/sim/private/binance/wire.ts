/**
 * Binance wire objects built from the engine's records: REST orders (USD-M and spot shapes), the
 * futures user-data events ORDER_TRADE_UPDATE, TRADE_LITE and ACCOUNT_UPDATE, the spot events
 * executionReport and outboundAccountPosition, futures balances and position risk. Field sets
 * follow the docs examples (the shared fixtures binance-usdm/user-*.json, binance-spot/user-*.json).
 */
import { add, decText, isZero, mul, parseDec, sub, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimBalance, SimFill, SimOrder, SimOrderStatus, SimPosition } from '../../matching/types.ts';

const STATUS: Record<SimOrderStatus, string> = {
  new: 'NEW',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELED',
  expired: 'EXPIRED',
  rejected: 'REJECTED',
};

export const dec = (s: string | undefined): Dec => (s === undefined || s === '' ? ZERO : (parseDec(s) ?? ZERO));

/** Returns a decimal string with at least `n` fractional digits (spot prints 8). */
export function pad(s: string, n: number): string {
  const dot = s.indexOf('.');
  const have = dot < 0 ? 0 : s.length - dot - 1;
  if (have >= n) return s;
  return (dot < 0 ? `${s}.` : s) + '0'.repeat(n - have);
}

const p8 = (s: string): string => pad(s, 8);
const num = (id: string): number => (/^\d+$/.test(id) ? Number(id) : 0);

export const futuresType = (o: SimOrder): string => (o.type === 'market' ? 'MARKET' : 'LIMIT');
export const futuresTif = (o: SimOrder): string => (o.tif === 'POST_ONLY' ? 'GTX' : o.tif);
export const spotType = (o: SimOrder): string => (o.type === 'market' ? 'MARKET' : o.tif === 'POST_ONLY' ? 'LIMIT_MAKER' : 'LIMIT');
const spotTif = (o: SimOrder): string => (o.tif === 'POST_ONLY' || o.type === 'market' ? 'GTC' : o.tif);
const isOpen = (o: SimOrder): boolean => o.status === 'new' || o.status === 'partially_filled';

/** Returns a USD-M order as POST/GET/DELETE /fapi/v1/order answer it; `ack` shows it as accepted (newOrderRespType=ACK). */
export function futuresOrderJson(o: SimOrder, cumQuote: Dec, opts: { ack?: boolean; withTime?: boolean } = {}): Record<string, unknown> {
  const ack = opts.ack === true;
  return {
    orderId: num(o.orderId),
    symbol: o.symbol,
    status: ack ? 'NEW' : STATUS[o.status],
    clientOrderId: o.clientOrderId,
    price: o.price ?? '0',
    avgPrice: ack || !o.avgPrice ? '0.00' : o.avgPrice,
    origQty: o.qty,
    executedQty: ack ? '0' : o.filledQty,
    cumQty: ack ? '0' : o.filledQty,
    cumQuote: ack ? '0' : decText(cumQuote),
    timeInForce: futuresTif(o),
    type: futuresType(o),
    reduceOnly: o.reduceOnly,
    closePosition: false,
    side: o.side.toUpperCase(),
    positionSide: 'BOTH',
    stopPrice: '0',
    workingType: 'CONTRACT_PRICE',
    priceProtect: false,
    origType: futuresType(o),
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    ...(opts.withTime ? { time: o.createdAt } : {}),
    updateTime: ack ? o.createdAt : o.updatedAt,
  };
}

/** Returns a spot order as GET /api/v3/order and openOrders list it. */
export function spotOrderJson(o: SimOrder, cumQuote: Dec): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: num(o.orderId),
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: p8(o.price ?? '0'),
    origQty: p8(o.qty),
    executedQty: p8(o.filledQty),
    cummulativeQuoteQty: p8(decText(cumQuote)),
    status: STATUS[o.status],
    timeInForce: spotTif(o),
    type: spotType(o),
    side: o.side.toUpperCase(),
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.createdAt,
    updateTime: o.updatedAt,
    isWorking: isOpen(o) && o.type === 'limit',
    workingTime: o.type === 'limit' ? o.createdAt : -1,
    origQuoteOrderQty: '0.00000000',
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** Returns the POST /api/v3/order answer for a response type (ACK, RESULT, FULL). */
export function spotPlaced(o: SimOrder, cumQuote: Dec, fills: readonly SimFill[], respType: string, now: number): Record<string, unknown> {
  const ack = { symbol: o.symbol, orderId: num(o.orderId), orderListId: -1, clientOrderId: o.clientOrderId, transactTime: now };
  if (respType === 'ACK') return ack;
  const { time: _t, updateTime: _u, isWorking: _w, stopPrice: _s, icebergQty: _i, ...rest } = spotOrderJson(o, cumQuote);
  const result = { ...ack, ...rest, workingTime: o.type === 'limit' && isOpen(o) ? now : -1 };
  if (respType === 'RESULT') return result;
  return { ...result, fills: fills.map((f) => ({ price: p8(f.price), qty: p8(f.qty), commission: p8(f.fee), commissionAsset: f.feeAsset, tradeId: num(f.tradeId) })) };
}

/** What one user-data order event reports: the execution type and, for TRADE, the fill and its realised PnL. */
export interface Execution {
  /** AMENDMENT: a USD-M modify (PUT /fapi/v1/order); REPLACED: a spot amend keeping priority. */
  readonly x: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'AMENDMENT' | 'REPLACED';
  readonly fill?: SimFill;
  readonly realized?: Dec;
}

/** Returns the USD-M ORDER_TRADE_UPDATE event of an order. */
export function orderTradeUpdate(o: SimOrder, ex: Execution, now: number): Record<string, unknown> {
  const f = ex.fill;
  return {
    e: 'ORDER_TRADE_UPDATE',
    T: f?.ts ?? now,
    E: now,
    o: {
      s: o.symbol,
      c: o.clientOrderId,
      S: o.side.toUpperCase(),
      o: futuresType(o),
      f: futuresTif(o),
      q: o.qty,
      p: o.price ?? '0',
      ap: o.avgPrice ?? '0',
      sp: '0',
      x: ex.x,
      X: ex.x === 'NEW' ? 'NEW' : STATUS[o.status],
      i: num(o.orderId),
      l: f?.qty ?? '0',
      z: o.filledQty,
      L: f?.price ?? '0',
      N: f?.feeAsset ?? 'USDT',
      n: f?.fee ?? '0',
      T: f?.ts ?? o.updatedAt,
      t: f ? num(f.tradeId) : 0,
      b: '0',
      a: '0',
      m: f?.liquidity === 'maker',
      R: o.reduceOnly,
      wt: 'CONTRACT_PRICE',
      ot: futuresType(o),
      ps: 'BOTH',
      cp: false,
      AP: '0',
      cr: '0',
      pP: false,
      si: 0,
      ss: 0,
      rp: decText(ex.realized ?? ZERO),
      V: 'EXPIRE_MAKER',
      pm: 'NONE',
      gtd: 0,
    },
  };
}

/** Returns the USD-M TRADE_LITE event of a fill (sent ahead of its ORDER_TRADE_UPDATE). */
export function tradeLite(f: SimFill, now: number): Record<string, unknown> {
  return { e: 'TRADE_LITE', E: now, T: f.ts, s: f.symbol, q: f.qty, p: f.price, m: f.liquidity === 'maker', c: f.clientOrderId, S: f.side.toUpperCase(), L: f.price, l: f.qty, t: num(f.tradeId), i: num(f.orderId) };
}

/** Returns the spot executionReport of an order; a cancel reports its own client id in `c` and the order's in `C`. */
export function executionReport(o: SimOrder, ex: Execution, cumQuote: Dec, now: number, eventNo: number, cancelId?: string): Record<string, unknown> {
  const f = ex.fill;
  const working = ex.x === 'NEW' ? o.type === 'limit' : isOpen(o) && o.type === 'limit';
  return {
    e: 'executionReport',
    E: now,
    s: o.symbol,
    c: ex.x === 'CANCELED' && cancelId ? cancelId : o.clientOrderId,
    S: o.side.toUpperCase(),
    o: spotType(o),
    f: spotTif(o),
    q: p8(o.qty),
    p: p8(o.price ?? '0'),
    P: '0.00000000',
    F: '0.00000000',
    g: -1,
    C: ex.x === 'CANCELED' && cancelId ? o.clientOrderId : '',
    x: ex.x,
    X: ex.x === 'NEW' ? 'NEW' : STATUS[o.status],
    r: 'NONE',
    i: num(o.orderId),
    l: p8(f?.qty ?? '0'),
    z: p8(o.filledQty),
    L: p8(f?.price ?? '0'),
    n: f ? p8(f.fee) : '0',
    N: f ? f.feeAsset : null,
    T: f?.ts ?? (ex.x === 'NEW' ? o.createdAt : o.updatedAt),
    t: f ? num(f.tradeId) : -1,
    I: eventNo,
    w: working,
    m: f?.liquidity === 'maker',
    M: false,
    O: o.createdAt,
    Z: p8(decText(cumQuote)),
    Y: p8(f ? decText(mul(dec(f.price), dec(f.qty))) : '0'),
    Q: '0.00000000',
    ...(working ? { W: o.createdAt } : {}),
    V: 'EXPIRE_MAKER',
  };
}

/** Returns a GET /fapi/v1/userTrades row of a fill (`realized`: the PnL it realised). */
export function futuresUserTrade(f: SimFill, realized: Dec): Record<string, unknown> {
  return {
    buyer: f.side === 'buy',
    commission: f.fee,
    commissionAsset: f.feeAsset,
    id: num(f.tradeId),
    maker: f.liquidity === 'maker',
    orderId: num(f.orderId),
    price: f.price,
    qty: f.qty,
    quoteQty: decText(mul(dec(f.price), dec(f.qty))),
    realizedPnl: decText(realized),
    side: f.side.toUpperCase(),
    positionSide: 'BOTH',
    symbol: f.symbol,
    time: f.ts,
  };
}

/** Returns a GET /api/v3/myTrades row of a fill. */
export function spotMyTrade(f: SimFill): Record<string, unknown> {
  return {
    symbol: f.symbol,
    id: num(f.tradeId),
    orderId: num(f.orderId),
    orderListId: -1,
    price: p8(f.price),
    qty: p8(f.qty),
    quoteQty: p8(decText(mul(dec(f.price), dec(f.qty)))),
    commission: p8(f.fee),
    commissionAsset: f.feeAsset,
    time: f.ts,
    isBuyer: f.side === 'buy',
    isMaker: f.liquidity === 'maker',
    isBestMatch: true,
  };
}

/** Returns the PUT /api/v3/order/amend/keepPriority answer for an amended order. */
export function spotAmended(o: SimOrder, origClientOrderId: string, cumQuote: Dec, now: number, executionId: number): Record<string, unknown> {
  return {
    transactTime: now,
    executionId,
    amendedOrder: {
      symbol: o.symbol,
      orderId: num(o.orderId),
      orderListId: -1,
      origClientOrderId,
      clientOrderId: o.clientOrderId,
      price: p8(o.price ?? '0'),
      qty: p8(o.qty),
      executedQty: p8(o.filledQty),
      preventedQty: '0.00000000',
      quoteOrderQty: '0.00000000',
      cumulativeQuoteQty: p8(decText(cumQuote)),
      status: STATUS[o.status],
      timeInForce: spotTif(o),
      type: spotType(o),
      side: o.side.toUpperCase(),
      workingTime: o.createdAt,
      selfTradePreventionMode: 'NONE',
    },
  };
}

/** Returns the USD-M ACCOUNT_UPDATE event for changed balances and positions. */
export function accountUpdate(reason: string, balances: readonly SimBalance[], positions: readonly SimPosition[], now: number): Record<string, unknown> {
  return {
    e: 'ACCOUNT_UPDATE',
    T: now,
    E: now,
    a: {
      m: reason,
      B: balances.map((b) => ({ a: b.asset, wb: b.total, cw: b.total, bc: '0' })),
      P: positions.map((p) => ({ s: p.symbol, pa: p.qty, ep: p.entryPrice, bep: p.entryPrice, cr: p.realizedPnl, up: p.unrealizedPnl, mt: 'cross', iw: '0', ps: 'BOTH' })),
    },
  };
}

/** Returns the spot outboundAccountPosition event for changed balances. */
export function outboundAccountPosition(balances: readonly SimBalance[], now: number): Record<string, unknown> {
  return { e: 'outboundAccountPosition', E: now, u: now, B: balances.map((b) => ({ a: b.asset, f: p8(b.free), l: p8(decText(sub(dec(b.total), dec(b.free)))) })) };
}

/** Returns GET /fapi/v2|v3/balance rows. */
export function futuresBalances(balances: readonly SimBalance[], positions: readonly SimPosition[], now: number): Record<string, unknown>[] {
  let upl = ZERO;
  for (const p of positions) upl = add(upl, dec(p.unrealizedPnl));
  return balances.map((b) => {
    const u = b.asset === 'USDT' ? upl : ZERO;
    return {
      accountAlias: 'SgsR',
      asset: b.asset,
      balance: b.total,
      crossWalletBalance: b.total,
      crossUnPnl: decText(u),
      availableBalance: b.free,
      maxWithdrawAmount: b.free,
      marginAvailable: true,
      updateTime: now,
    };
  });
}

/** Returns one GET /fapi/v2/positionRisk row (v3 when `v3`). */
export function positionRisk(p: SimPosition, v3: boolean, now: number): Record<string, unknown> {
  const qty = dec(p.qty);
  const notional = mul(qty, dec(p.markPrice));
  const flat = isZero(qty);
  const common = {
    symbol: p.symbol,
    positionSide: 'BOTH',
    positionAmt: p.qty,
    entryPrice: flat ? '0.0' : p.entryPrice,
    breakEvenPrice: flat ? '0.0' : p.entryPrice,
    markPrice: p.markPrice,
    unRealizedProfit: p.unrealizedPnl,
    liquidationPrice: '0',
    isolatedMargin: '0',
    notional: decText(notional),
    isolatedWallet: '0',
    updateTime: now,
  };
  if (v3) {
    return { ...common, marginAsset: 'USDT', initialMargin: p.margin, maintMargin: decText(mul(notional.v < 0n ? { v: -notional.v, s: notional.s } : notional, dec('0.004'))), positionInitialMargin: p.margin, openOrderInitialMargin: '0', adl: flat ? 0 : 2, bidNotional: '0', askNotional: '0' };
  }
  return { ...common, marginType: 'cross', isAutoAddMargin: 'false', leverage: String(p.leverage), maxNotionalValue: '1000000' };
}
