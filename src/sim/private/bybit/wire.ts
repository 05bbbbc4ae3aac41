/**
 * Bybit v5 linear wire rows built from the engine's records: orders (REST /v5/order/realtime and the
 * `order` topic), executions (`execution`), positions (`/v5/position/list` and `position`) and the
 * unified wallet (`/v5/account/wallet-balance` and `wallet`). Field sets follow the docs' examples
 * (the shared fixtures private-*.docs.json); values the simulator has no notion of (TP/SL, IV,
 * risk ids) carry the venue's neutral defaults.
 */
import { add, cmp, decText, div, isZero, mul, parseDec, sub, ZERO, type Dec } from '../../../model/decimal.ts';
import { writtenDecimals } from '../../../model/scale.ts';
import type { SimBalance, SimFill, SimOrder, SimOrderStatus, SimPosition, SimRejectCode } from '../../matching/types.ts';

const STATUS: Record<SimOrderStatus, string> = {
  new: 'New',
  partially_filled: 'PartiallyFilled',
  filled: 'Filled',
  canceled: 'Cancelled',
  // Derivatives have no Expired status: an IOC/FOK remainder or a refused post-only is Cancelled.
  expired: 'Cancelled',
  rejected: 'Rejected',
};

const TIF: Record<SimOrder['tif'], string> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', POST_ONLY: 'PostOnly' };

/** Engine reasons for an order that ended without trading → Bybit's rejectReason enum. */
const REJECT_REASON: Partial<Record<SimRejectCode, string>> = {
  POST_ONLY_WOULD_TAKE: 'EC_PostOnlyWillTakeLiquidity',
  FOK_UNFILLABLE: 'EC_CancelForNoFullFill',
  NO_LIQUIDITY: 'EC_NoEnoughQtyToFill',
};

export const dec = (s: string | undefined): Dec => (s === undefined || s === '' ? ZERO : (parseDec(s) ?? ZERO));
const text = (d: Dec): string => decText(d);

/** Returns `d` with as many fractional digits as `like` has (Bybit prints sizes at the lot's precision). */
export function likeScale(d: Dec, like: string): string {
  const want = writtenDecimals(like);
  const t = decText(d);
  const have = writtenDecimals(t);
  if (have >= want) return t;
  return (have === 0 ? `${t}.` : t) + '0'.repeat(want - have);
}

/** Returns the order's still-open quantity ("0" once it is closed). */
export function leavesOf(o: SimOrder): Dec {
  const open = o.status === 'new' || o.status === 'partially_filled';
  return open ? sub(dec(o.qty), dec(o.filledQty)) : ZERO;
}

/** Returns one order as the `order` topic shows it (the docs' push example's fields). */
export function bybitOrderPush(o: SimOrder): Record<string, unknown> {
  const leaves = leavesOf(o);
  const filled = dec(o.filledQty);
  const avg = o.avgPrice;
  const fee = dec(o.fee);
  const canceledByUser = o.status === 'canceled';
  const rejectReason = o.status === 'expired' || o.status === 'rejected' ? (o.reason && REJECT_REASON[o.reason]) ?? (o.tif === 'IOC' || o.type === 'market' ? 'EC_NoImmediateQtyToFill' : 'EC_Others') : 'EC_NoError';
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    side: o.side === 'buy' ? 'Buy' : 'Sell',
    orderType: o.type === 'market' ? 'Market' : 'Limit',
    cancelType: canceledByUser ? 'CancelByUser' : 'UNKNOWN',
    price: o.price ?? avg ?? '0',
    qty: o.qty,
    orderIv: '',
    timeInForce: TIF[o.tif],
    orderStatus: STATUS[o.status],
    orderLinkId: o.clientOrderId,
    lastPriceOnCreated: '',
    reduceOnly: o.reduceOnly,
    leavesQty: likeScale(leaves, o.qty),
    leavesValue: o.price ? text(mul(leaves, dec(o.price))) : '0',
    cumExecQty: o.filledQty,
    cumExecValue: avg ? text(mul(filled, dec(avg))) : '0',
    avgPrice: avg ?? '',
    blockTradeId: '',
    positionIdx: 0,
    cumExecFee: o.fee,
    closedPnl: '0',
    createdTime: String(o.createdAt),
    updatedTime: String(o.updatedAt),
    rejectReason,
    stopOrderType: '',
    tpslMode: '',
    triggerPrice: '',
    takeProfit: '',
    stopLoss: '',
    tpTriggerBy: '',
    slTriggerBy: '',
    tpLimitPrice: '',
    slLimitPrice: '',
    triggerDirection: 0,
    triggerBy: '',
    closeOnTrigger: false,
    category: 'linear',
    placeType: '',
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    feeCurrency: '',
    cumFeeDetail: isZero(fee) ? {} : { USDT: o.fee },
    rpiTakerAccess: false,
    rpiMatchedQty: '0',
  };
}

/** Returns one order as GET /v5/order/realtime lists it (the push's fields plus REST-only ones). */
export function bybitOrderRow(o: SimOrder): Record<string, unknown> {
  return { ...bybitOrderPush(o), parentOrderLinkId: '', isLeverage: '', createType: 'CreateByUser', marketUnit: '', ocoTriggerBy: '', slippageToleranceType: 'UNKNOWN', slippageTolerance: '0' };
}

export interface ExecutionContext {
  /** The order after this fill, as far as the private side knows it. */
  readonly order: SimOrder | undefined;
  /** The quantity of this order still open after this fill. */
  readonly leaves: Dec;
  /** The part of this fill that closed an existing position, and its realised PnL. */
  readonly closedSize: Dec;
  readonly execPnl: Dec;
  readonly feeRate: string;
  readonly markPrice: string;
  readonly seq: number;
}

/** Returns one fill as the `execution` topic shows it. */
export function bybitExecution(f: SimFill, ctx: ExecutionContext, quote: string): Record<string, unknown> {
  const o = ctx.order;
  return {
    category: 'linear',
    symbol: f.symbol,
    closedSize: text(ctx.closedSize),
    execFee: f.fee,
    execId: f.tradeId,
    execPrice: f.price,
    execQty: f.qty,
    execType: 'Trade',
    execValue: text(mul(dec(f.price), dec(f.qty))),
    feeRate: ctx.feeRate,
    tradeIv: '',
    markIv: '',
    blockTradeId: '',
    markPrice: ctx.markPrice,
    indexPrice: '',
    underlyingPrice: '',
    leavesQty: likeScale(ctx.leaves, f.qty),
    orderId: f.orderId,
    orderLinkId: f.clientOrderId,
    orderPrice: o?.price ?? f.price,
    orderQty: o?.qty ?? f.qty,
    orderType: o?.type === 'market' ? 'Market' : 'Limit',
    stopOrderType: 'UNKNOWN',
    side: f.side === 'buy' ? 'Buy' : 'Sell',
    execTime: String(f.ts),
    isLeverage: '0',
    isMaker: f.liquidity === 'maker',
    seq: ctx.seq,
    marketUnit: '',
    execPnl: text(ctx.execPnl),
    createType: 'CreateByUser',
    extraFees: [],
    feeCurrency: f.feeAsset || quote,
  };
}

/** Maintenance margin rate of the lowest risk tier (0.5 % on Bybit's majors); the simulator has one tier. */
const MMR = dec('0.005');

/** Returns one position as the `position` topic shows it. */
export function bybitPositionPush(p: SimPosition, seq: number, times: { created: number; updated: number }): Record<string, unknown> {
  const qty = dec(p.qty);
  const size = qty.v < 0n ? { v: -qty.v, s: qty.s } : qty;
  const value = mul(size, dec(p.entryPrice));
  const flat = isZero(size);
  return {
    positionIdx: 0,
    tradeMode: 0,
    riskId: 1,
    riskLimitValue: '2000000',
    symbol: p.symbol,
    side: flat ? '' : qty.v > 0n ? 'Buy' : 'Sell',
    size: text(size),
    entryPrice: flat ? '0' : p.entryPrice,
    leverage: String(p.leverage),
    breakEvenPrice: flat ? '0' : p.entryPrice,
    positionValue: text(value),
    positionBalance: p.margin,
    markPrice: p.markPrice,
    positionIM: p.margin,
    positionIMByMp: p.margin,
    positionMM: text(mul(value, MMR)),
    positionMMByMp: text(mul(mul(size, dec(p.markPrice)), MMR)),
    takeProfit: '0',
    stopLoss: '0',
    trailingStop: '0',
    unrealisedPnl: p.unrealizedPnl,
    curRealisedPnl: p.realizedPnl,
    cumRealisedPnl: p.realizedPnl,
    sessionAvgPrice: '0',
    createdTime: String(times.created),
    updatedTime: String(times.updated),
    tpslMode: 'Full',
    liqPrice: '',
    bustPrice: '',
    category: 'linear',
    positionStatus: 'Normal',
    adlRankIndicator: flat ? 0 : 2,
    autoAddMargin: 0,
    leverageSysUpdatedTime: '',
    mmrSysUpdatedTime: '',
    seq,
    isReduceOnly: false,
  };
}

/** Returns one position as GET /v5/position/list lists it (avgPrice rather than entryPrice). */
export function bybitPositionRow(p: SimPosition, seq: number, times: { created: number; updated: number }): Record<string, unknown> {
  const { entryPrice, ...rest } = bybitPositionPush(p, seq, times);
  return { ...rest, avgPrice: entryPrice, delta: '', gamma: '', vega: '', theta: '' };
}

const USD = new Set(['USDT', 'USDC', 'USD']);

/** Returns the unified account as `wallet` pushes it and wallet-balance lists it (one entry). */
export function bybitWallet(balances: readonly SimBalance[], positions: readonly SimPosition[], onlyCoins?: ReadonlySet<string>): Record<string, unknown> {
  let upl = ZERO;
  let im = ZERO;
  let mm = ZERO;
  for (const p of positions) {
    upl = add(upl, dec(p.unrealizedPnl));
    im = add(im, dec(p.margin));
    const q = dec(p.qty);
    mm = add(mm, mul(mul(q.v < 0n ? { v: -q.v, s: q.s } : q, dec(p.markPrice)), MMR));
  }
  let wallet = ZERO;
  let available = ZERO;
  const coins: Record<string, unknown>[] = [];
  for (const b of balances) {
    const total = dec(b.total);
    const free = dec(b.free);
    const usd = USD.has(b.asset);
    // Positions are margined and settled in the quote coin: its equity carries the unrealised PnL.
    const coinUpl = b.asset === 'USDT' ? upl : ZERO;
    const equity = add(total, coinUpl);
    if (usd) {
      wallet = add(wallet, total);
      available = add(available, free);
    }
    if (onlyCoins && !onlyCoins.has(b.asset)) continue;
    const held = sub(total, free);
    const orderIm = b.asset === 'USDT' ? sub(held, im) : held;
    coins.push({
      coin: b.asset,
      equity: text(equity),
      usdValue: usd ? text(equity) : '0',
      walletBalance: b.total,
      availableToWithdraw: b.free,
      availableToBorrow: '',
      borrowAmount: '0',
      accruedInterest: '0',
      totalOrderIM: text(cmp(orderIm, ZERO) > 0 ? orderIm : ZERO),
      totalPositionIM: b.asset === 'USDT' ? text(im) : '0',
      totalPositionMM: b.asset === 'USDT' ? text(mm) : '0',
      unrealisedPnl: text(coinUpl),
      cumRealisedPnl: '0',
      bonus: '0',
      collateralSwitch: true,
      marginCollateral: true,
      locked: '0',
      spotHedgingQty: '0',
      spotBorrow: '0',
    });
  }
  const equity = add(wallet, upl);
  const rate = (x: Dec): string => (isZero(equity) ? '0' : text(div(x, equity, 4, 'half')));
  return {
    accountIMRate: rate(im),
    accountIMRateByMp: rate(im),
    accountMMRate: rate(mm),
    accountMMRateByMp: rate(mm),
    totalEquity: text(equity),
    totalWalletBalance: text(wallet),
    totalMarginBalance: text(equity),
    totalAvailableBalance: text(available),
    totalPerpUPL: text(upl),
    totalInitialMargin: text(im),
    totalInitialMarginByMp: text(im),
    totalMaintenanceMargin: text(mm),
    totalMaintenanceMarginByMp: text(mm),
    coin: coins,
    accountLTV: '0',
    accountType: 'UNIFIED',
  };
}
