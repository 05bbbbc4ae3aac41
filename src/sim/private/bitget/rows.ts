/**
 * Bitget v2 wire rows: futures (`/api/v2/mix/...`) and spot (`/api/v2/spot/...`) orders as the
 * REST queries and the private `orders` channel show them, positions, futures accounts and spot
 * assets. Futures rows write decimals without trailing zeros; spot REST order rows carry Bitget's
 * 16-decimal strings ("10.0000000000000000"). Bitget fees are negative when charged.
 */
import type { InstrumentSpec } from '../../../model/instrument.ts';
import { abs, decText, div, mul, neg, parseDec, sub, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimBalance, SimFill, SimOrder, SimPosition } from '../../matching/types.ts';
import { bitgetWire } from '../../../adapters/bitget/symbols.ts';

/** What Bitget remembers of a request that the engine does not keep. */
export interface BitgetOrderMeta {
  readonly force: string;
  readonly marginMode?: string;
  /** The request's size when it is not the engine's base quantity (a quote-sized spot market buy). */
  readonly size?: string;
}

export interface BitgetOrderContext {
  readonly spec: InstrumentSpec | undefined;
  readonly meta: BitgetOrderMeta | undefined;
  readonly userCanceled: boolean;
  readonly lever: string;
  readonly userId: string;
}

function dec(text: string | undefined): Dec {
  return text === undefined ? ZERO : (parseDec(text) ?? ZERO);
}

/** Returns a decimal without trailing zeros; "" stays "". */
export function bitgetNum(text: string | undefined): string {
  const d = text === undefined || text === '' ? undefined : parseDec(text);
  return d ? decText(d) : (text ?? '');
}

/** Returns a decimal at Bitget spot's 16 fractional digits. */
export function spot16(text: string | undefined): string {
  const d = dec(text);
  return decText(d) === '0' ? '0' : formatScale(d, 16);
}

function formatScale(d: Dec, scale: number): string {
  const v = d.s <= scale ? d.v * 10n ** BigInt(scale - d.s) : d.v / 10n ** BigInt(d.s - scale);
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Returns the engine's fee with Bitget's sign (charged → negative). */
export function bitgetFee(engineFee: string | undefined): string {
  return decText(neg(dec(engineFee)));
}

function quoteVolume(o: SimOrder, spec: InstrumentSpec | undefined): string {
  return decText(mul(mul(dec(o.filledQty), dec(o.avgPrice)), dec(spec?.contractSize ?? '1')));
}

export function bitgetForce(o: SimOrder, meta: BitgetOrderMeta | undefined): string {
  if (meta) return meta.force;
  return o.tif === 'IOC' ? 'ioc' : o.tif === 'FOK' ? 'fok' : o.tif === 'POST_ONLY' ? 'post_only' : 'gtc';
}

/** Futures order state; spot spells the last one `cancelled`. */
function state(o: SimOrder, spot: boolean): string {
  if (o.status === 'new') return 'live';
  if (o.status === 'partially_filled' || o.status === 'filled') return o.status;
  return spot ? 'cancelled' : 'canceled';
}

/** The cancel reason: the client's own cancel, or the venue's (the IOC reason as observed live; FOK and post-only by analogy). */
function cancelReason(o: SimOrder, userCanceled: boolean): string {
  if (o.status !== 'canceled' && o.status !== 'expired') return '';
  if (userCanceled) return 'normal_cancel';
  if (o.reason === 'POST_ONLY_WOULD_TAKE') return 'post_only_cancel';
  if (o.tif === 'FOK' || o.reason === 'FOK_UNFILLABLE') return 'fok_not_full_cancel';
  return 'ioc_not_full_cancel';
}

function tradeSide(o: SimOrder): string {
  // One-way position mode spells the trade side with the order side.
  return o.side === 'buy' ? 'buy_single' : 'sell_single';
}

/** Returns a futures order as `/api/v2/mix/order/detail` (state) or `orders-pending` (status) shows it. */
export function mixOrderRow(o: SimOrder, ctx: BitgetOrderContext, pending = false): Record<string, unknown> {
  return {
    symbol: o.symbol,
    size: bitgetNum(o.qty),
    orderId: o.orderId,
    clientOid: o.clientOrderId,
    baseVolume: bitgetNum(o.filledQty),
    fee: bitgetFee(o.fee),
    price: bitgetNum(o.price ?? '0'),
    priceAvg: bitgetNum(o.avgPrice ?? ''),
    [pending ? 'status' : 'state']: state(o, false),
    side: o.side,
    force: bitgetForce(o, ctx.meta),
    totalProfits: '0',
    posSide: 'net',
    marginCoin: ctx.spec?.quote ?? 'USDT',
    presetStopSurplusPrice: '',
    presetStopLossPrice: '',
    quoteVolume: quoteVolume(o, ctx.spec),
    orderType: o.type,
    leverage: ctx.lever,
    marginMode: ctx.meta?.marginMode ?? 'crossed',
    reduceOnly: o.reduceOnly ? 'YES' : 'NO',
    enterPointSource: 'API',
    tradeSide: tradeSide(o),
    posMode: 'one_way_mode',
    orderSource: o.type === 'market' ? 'market' : 'normal',
    cancelReason: cancelReason(o, ctx.userCanceled),
    cTime: String(o.createdAt),
    uTime: String(o.updatedAt),
  };
}

function feeDetailJson(o: SimOrder, spec: InstrumentSpec | undefined): string {
  const fee = -Number(o.fee); // a JSON number inside a JSON string, as Bitget sends it
  const coin = spec?.quote ?? 'USDT';
  if (fee === 0) return '';
  return JSON.stringify({ newFees: { c: 0, d: 0, deduction: false, r: fee, t: fee, totalDeductionFee: 0 }, [coin]: { deduction: false, feeCoinCode: coin, totalDeductionFee: 0, totalFee: fee } });
}

/** Returns a spot order as `/api/v2/spot/trade/orderInfo` or `unfilled-orders` shows it. */
export function spotOrderRow(o: SimOrder, ctx: BitgetOrderContext, unfilled = false): Record<string, unknown> {
  const common = {
    userId: ctx.userId,
    symbol: bitgetWire(o.symbol).instId,
    orderId: o.orderId,
    clientOid: o.clientOrderId,
    size: spot16(ctx.meta?.size ?? o.qty),
    orderType: o.type,
    side: o.side,
    status: state(o, true),
    baseVolume: spot16(o.filledQty),
    quoteVolume: spot16(quoteVolume(o, ctx.spec)),
    enterPointSource: 'API',
    orderSource: o.type === 'market' ? 'market' : 'normal',
    cTime: String(o.createdAt),
    uTime: String(o.updatedAt),
    tpslType: 'normal',
    triggerPrice: null,
  };
  if (unfilled) {
    return { ...common, priceAvg: spot16(o.price ?? '0'), basePrice: spot16(o.avgPrice ?? '0'), presetTakeProfitPrice: '', executeTakeProfitPrice: '', presetStopLossPrice: '', executeStopLossPrice: '' };
  }
  return { ...common, price: spot16(o.price ?? '0'), priceAvg: spot16(o.avgPrice ?? '0'), feeDetail: feeDetailJson(o, ctx.spec), cancelReason: cancelReason(o, ctx.userCanceled) };
}

function fillFields(o: SimOrder, fill: SimFill | undefined, spec: InstrumentSpec | undefined): Record<string, unknown> {
  const coin = fill?.feeAsset || spec?.quote || 'USDT';
  return {
    fillPrice: bitgetNum(fill?.price ?? '0'),
    tradeId: fill?.tradeId ?? '',
    baseVolume: bitgetNum(fill?.qty ?? '0'),
    fillTime: fill ? String(fill.ts) : '',
    fillFee: fill ? bitgetFee(fill.fee) : '0',
    fillFeeCoin: fill ? coin : '',
    tradeScope: fill ? (fill.liquidity === 'maker' ? 'M' : 'T') : '',
    accBaseVolume: bitgetNum(o.filledQty),
    priceAvg: bitgetNum(o.avgPrice ?? '0'),
    feeDetail: [{ feeCoin: spec?.quote ?? 'USDT', fee: bitgetFee(o.fee) }],
  };
}

/** Returns a futures `orders` channel row; `fill` is the fill this update reports. */
export function mixWsOrderRow(o: SimOrder, ctx: BitgetOrderContext, fill?: SimFill): Record<string, unknown> {
  const notional = fill ? decText(mul(dec(fill.qty), dec(fill.price))) : '0';
  return {
    ...fillFields(o, fill, ctx.spec),
    cTime: String(o.createdAt),
    clientOid: o.clientOrderId,
    fillNotionalUsd: notional,
    force: bitgetForce(o, ctx.meta),
    instId: o.symbol,
    leverage: ctx.lever,
    marginCoin: ctx.spec?.quote ?? 'USDT',
    marginMode: ctx.meta?.marginMode ?? 'crossed',
    notionalUsd: decText(mul(dec(o.qty), dec(o.price ?? o.avgPrice ?? '0'))),
    orderId: o.orderId,
    orderType: o.type,
    pnl: '0',
    posMode: 'one_way_mode',
    posSide: 'net',
    price: bitgetNum(o.price ?? '0'),
    reduceOnly: o.reduceOnly ? 'yes' : 'no',
    stpMode: 'none',
    side: o.side,
    size: bitgetNum(o.qty),
    enterPointSource: 'API',
    status: state(o, false),
    tradeSide: tradeSide(o),
    presetStopSurplusPrice: '',
    totalProfits: '0',
    presetStopLossPrice: '',
    cancelReason: cancelReason(o, ctx.userCanceled),
    uTime: String(o.updatedAt),
  };
}

/** Returns a spot `orders` channel row. */
export function spotWsOrderRow(o: SimOrder, ctx: BitgetOrderContext, fill?: SimFill): Record<string, unknown> {
  return {
    instId: bitgetWire(o.symbol).instId,
    orderId: o.orderId,
    clientOid: o.clientOrderId,
    price: bitgetNum(o.price ?? '0'),
    size: bitgetNum(ctx.meta?.size ?? o.qty),
    newSize: bitgetNum(o.qty),
    notional: ctx.meta?.size !== undefined ? bitgetNum(ctx.meta.size) : decText(mul(dec(o.qty), dec(o.price ?? '0'))),
    orderType: o.type,
    force: bitgetForce(o, ctx.meta),
    side: o.side,
    ...fillFields(o, fill, ctx.spec),
    status: state(o, true),
    cancelReason: cancelReason(o, ctx.userCanceled),
    cTime: String(o.createdAt),
    uTime: String(o.updatedAt),
    stpMode: 'none',
    enterPointSource: 'API',
  };
}

function holdSide(p: SimPosition): string {
  return (parseDec(p.qty)?.v ?? 0n) < 0n ? 'short' : 'long';
}

/** Returns a futures position as `/api/v2/mix/position/all-position` shows it (one-way mode, crossed). */
export function mixPositionRow(p: SimPosition, spec: InstrumentSpec | undefined, now: number): Record<string, unknown> {
  const total = decText(abs(dec(p.qty)));
  return {
    marginCoin: spec?.quote ?? 'USDT',
    symbol: p.symbol,
    holdSide: holdSide(p),
    openDelegateSize: '0',
    marginSize: bitgetNum(p.margin),
    available: total,
    locked: '0',
    total,
    leverage: String(p.leverage),
    achievedProfits: bitgetNum(p.realizedPnl),
    openPriceAvg: bitgetNum(p.entryPrice),
    marginMode: 'crossed',
    posMode: 'one_way_mode',
    unrealizedPL: bitgetNum(p.unrealizedPnl),
    liquidationPrice: '0',
    keepMarginRate: '0.004',
    markPrice: bitgetNum(p.markPrice),
    marginRatio: '0',
    breakEvenPrice: bitgetNum(p.entryPrice),
    totalFee: '0',
    deductedFee: '0',
    takeProfit: '',
    stopLoss: '',
    takeProfitId: '',
    stopLossId: '',
    autoMargin: 'off',
    assetMode: 'single',
    cTime: String(now),
    uTime: String(now),
  };
}

/** Returns a futures `positions` channel row. */
export function mixWsPositionRow(p: SimPosition, spec: InstrumentSpec | undefined, now: number): Record<string, unknown> {
  const rest = mixPositionRow(p, spec, now);
  const upl = dec(p.unrealizedPnl);
  const margin = dec(p.margin);
  return {
    posId: `${p.symbol}-${rest.holdSide}`,
    instId: p.symbol,
    marginCoin: rest.marginCoin,
    marginSize: rest.marginSize,
    marginMode: 'crossed',
    holdSide: rest.holdSide,
    posMode: 'one_way_mode',
    total: rest.total,
    available: rest.available,
    frozen: '0',
    openPriceAvg: rest.openPriceAvg,
    leverage: rest.leverage,
    achievedProfits: rest.achievedProfits,
    unrealizedPL: rest.unrealizedPL,
    unrealizedPLR: margin.v === 0n ? '0' : decText(div(upl, margin, 8, 'half')),
    liquidationPrice: '0',
    keepMarginRate: rest.keepMarginRate,
    marginRate: '0',
    cTime: rest.cTime,
    breakEvenPrice: rest.breakEvenPrice,
    totalFee: '0',
    deductedFee: '0',
    markPrice: rest.markPrice,
    uTime: rest.uTime,
    assetMode: 'single',
    autoMargin: 'off',
  };
}

/** Returns the futures account of a margin coin (`/api/v2/mix/account/accounts`). */
export function mixAccountRow(b: SimBalance, upl: Dec, margin: Dec): Record<string, unknown> {
  const total = dec(b.total);
  const equity = decText(sub(total, neg(upl)));
  const locked = decText(sub(total, dec(b.free)));
  return {
    marginCoin: b.asset,
    locked,
    available: bitgetNum(b.free),
    crossedMaxAvailable: bitgetNum(b.free),
    isolatedMaxAvailable: bitgetNum(b.free),
    maxTransferOut: bitgetNum(b.free),
    accountEquity: equity,
    usdtEquity: equity,
    btcEquity: '',
    crossedRiskRate: '0',
    unrealizedPL: decText(upl),
    coupon: '0',
    unionTotalMargin: equity,
    unionAvailable: bitgetNum(b.free),
    unionMm: '0',
    assetList: [],
    isolatedMargin: '0',
    crossedMargin: decText(margin),
    crossedUnrealizedPL: decText(upl),
    isolatedUnrealizedPL: '0',
    assetMode: 'single',
  };
}

/** Returns a futures `account` channel row. */
export function mixWsAccountRow(b: SimBalance, upl: Dec): Record<string, unknown> {
  const total = dec(b.total);
  const equity = decText(sub(total, neg(upl)));
  return {
    marginCoin: b.asset,
    frozen: decText(sub(total, dec(b.free))),
    available: bitgetNum(b.free),
    maxOpenPosAvailable: bitgetNum(b.free),
    maxTransferOut: bitgetNum(b.free),
    equity,
    usdtEquity: equity,
    crossedRiskRate: '0',
    unrealizedPL: decText(upl),
  };
}

/** Returns a spot asset (`/api/v2/spot/account/assets`, the spot `account` channel). */
export function spotAssetRow(b: SimBalance, now: number): Record<string, unknown> {
  return {
    coin: b.asset,
    available: bitgetNum(b.free),
    frozen: decText(sub(dec(b.total), dec(b.free))),
    locked: '0',
    limitAvailable: '0',
    uTime: String(now),
  };
}

function scope(f: SimFill): string {
  return f.liquidity === 'maker' ? 'maker' : 'taker';
}

function fillFee(f: SimFill, spec: InstrumentSpec | undefined): Record<string, unknown> {
  return { deduction: 'no', feeCoin: f.feeAsset || spec?.quote || 'USDT', totalDeductionFee: '0', totalFee: bitgetFee(f.fee) };
}

/** The fields a futures fill shows in both `/api/v2/mix/order/fills` and the `fill` channel. */
function mixFillCore(f: SimFill, spec: InstrumentSpec | undefined): Record<string, unknown> {
  return {
    tradeId: f.tradeId,
    symbol: f.symbol,
    orderId: f.orderId,
    price: bitgetNum(f.price),
    baseVolume: bitgetNum(f.qty),
    feeDetail: [fillFee(f, spec)],
    side: f.side,
    quoteVolume: decText(mul(mul(dec(f.qty), dec(f.price)), dec(spec?.contractSize ?? '1'))),
    profit: '0',
    tradeSide: f.side === 'buy' ? 'buy_single' : 'sell_single',
    posMode: 'one_way_mode',
    tradeScope: scope(f),
    cTime: String(f.ts),
  };
}

/** Returns a futures fill as `/api/v2/mix/order/fills` lists it (`fillList` rows). */
export function mixFillRow(f: SimFill, spec: InstrumentSpec | undefined): Record<string, unknown> {
  return { ...mixFillCore(f, spec), enterPointSource: 'API' };
}

/** Returns a futures `fill` channel row (with the order's type and client id). */
export function mixWsFillRow(o: SimOrder, f: SimFill, spec: InstrumentSpec | undefined): Record<string, unknown> {
  return { ...mixFillCore(f, spec), clientOid: o.clientOrderId, orderType: o.type, uTime: String(f.ts) };
}

/** The fields a spot fill shows in both `/api/v2/spot/trade/fills` and the `fill` channel. */
function spotFillCore(o: SimOrder, f: SimFill): Record<string, unknown> {
  return {
    symbol: bitgetWire(f.symbol).instId,
    orderId: f.orderId,
    tradeId: f.tradeId,
    orderType: o.type,
    side: f.side,
    priceAvg: bitgetNum(f.price),
    size: bitgetNum(f.qty),
    amount: decText(mul(dec(f.qty), dec(f.price))),
    tradeScope: scope(f),
    cTime: String(f.ts),
    uTime: String(f.ts),
  };
}

/** Returns a spot fill as `/api/v2/spot/trade/fills` lists it (the fee detail an object). */
export function spotFillRow(o: SimOrder, f: SimFill, spec: InstrumentSpec | undefined, userId: string): Record<string, unknown> {
  return { userId, ...spotFillCore(o, f), feeDetail: { ...fillFee(f, spec), totalDeductionFee: '' } };
}

/** Returns a spot `fill` channel row (the fee detail a list, as on the futures channel). */
export function spotWsFillRow(o: SimOrder, f: SimFill, spec: InstrumentSpec | undefined): Record<string, unknown> {
  return { ...spotFillCore(o, f), clientOid: o.clientOrderId, feeDetail: [fillFee(f, spec)] };
}
