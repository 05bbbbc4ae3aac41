/**
 * Binance private wire → model, USD-M futures and spot (privateMessages.ts): REST orders, trades,
 * balances, positions and fee rates, and the user data stream's events. Statuses map to
 * VenueOrderStatus, sides to buy/sell, GTX and LIMIT_MAKER to POST_ONLY; Binance writes a fee paid
 * as a positive commission (a rebate negative), which is our sign already. Decimal strings pass
 * through as written. A REST answer that does not read throws VENUE_RESPONSE_INVALID; a stream
 * frame that does not read becomes a `malformed` event naming the order when it can.
 */
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import type { FeeRate, OrderKind, OrderSide, PrivateEvent, TimeInForce, VenueBalance, VenueFill, VenueOrder, VenueOrderStatus, VenuePosition } from '../../execution/types.ts';
import { isObject, NOT_JSON, parseJson, SIGNED_DECIMAL, type Json } from '../parseKit.ts';
import { addText } from '../../model/decimal.ts';

const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  NEW: 'new',
  PENDING_NEW: 'new',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'canceled',
  REJECTED: 'rejected',
  EXPIRED: 'expired',
  EXPIRED_IN_MATCH: 'expired',
};

const TIF: Readonly<Record<string, TimeInForce>> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', GTX: 'POST_ONLY' };

/** Stream events carrying nothing the order manager needs (TRADE_LITE repeats what ORDER_TRADE_UPDATE says). */
const IGNORED = new Set(['TRADE_LITE', 'ACCOUNT_CONFIG_UPDATE', 'MARGIN_CALL', 'STRATEGY_UPDATE', 'GRID_UPDATE', 'CONDITIONAL_ORDER_TRIGGER_REJECT', 'balanceUpdate', 'listStatus', 'externalLockUpdate']);

/** A field that is missing or of the wrong kind. */
class Unreadable extends Error {}

const ZERO = /^0(\.0*)?$/;

function text(o: Json, k: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw new Unreadable(`${k} is not a string`);
  return v;
}

function decimal(o: Json, k: string): string {
  const v = text(o, k);
  if (!SIGNED_DECIMAL.test(v)) throw new Unreadable(`${k} ${v} is not a decimal`);
  return v;
}

function int(o: Json, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Unreadable(`${k} is not an integer`);
  return v;
}

function obj(v: unknown, what: string): Json {
  if (!isObject(v)) throw new Unreadable(`${what} is not an object`);
  return v;
}

function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Unreadable(`${what} is not a list`);
  return v;
}

function side(v: unknown): OrderSide {
  if (v === 'BUY') return 'buy';
  if (v === 'SELL') return 'sell';
  throw new Unreadable(`side ${String(v)}`);
}

function status(v: unknown): VenueOrderStatus {
  const s = typeof v === 'string' ? STATUS[v] : undefined;
  if (!s) throw new Unreadable(`status ${String(v)}`);
  return s;
}

/** Returns kind and time in force of a Binance order type (LIMIT_MAKER is a post-only limit). */
function kindOf(type: string, tif: unknown): { type?: OrderKind; tif?: TimeInForce } {
  if (type === 'LIMIT_MAKER') return { type: 'limit', tif: 'POST_ONLY' };
  const t = typeof tif === 'string' ? TIF[tif] : undefined;
  const kind: OrderKind | undefined = type === 'LIMIT' ? 'limit' : type === 'MARKET' ? 'market' : undefined;
  return { ...(kind ? { type: kind } : {}), ...(t && kind === 'limit' ? { tif: t } : {}) };
}

function invalid(venue: string, what: string, e: unknown): FleetError {
  const detail = e instanceof Error ? e.message : String(e);
  return new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `${venue} ${what}: ${detail}`, 'retryable', { venue, endpoint: what, reason: detail });
}

/** Runs a REST reader, turning an unreadable answer into VENUE_RESPONSE_INVALID. */
export function readRest<T>(venue: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw invalid(venue, what, e);
  }
}

interface OrderText {
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly orderId: number;
  readonly side: unknown;
  readonly type: string;
  readonly tif: unknown;
  readonly price: string;
  readonly qty: string;
  readonly filled: string;
  readonly avgPrice?: string;
  readonly status: unknown;
  readonly reduceOnly?: unknown;
  readonly reason?: string;
  readonly ts: number;
}

function orderOf(f: OrderText): VenueOrder {
  const k = kindOf(f.type, f.tif);
  return {
    symbol: f.symbol,
    clientOrderId: f.clientOrderId,
    venueOrderId: String(f.orderId),
    side: side(f.side),
    ...k,
    ...(k.type !== 'market' && !ZERO.test(f.price) ? { price: f.price } : {}),
    qty: f.qty,
    filledQty: f.filled,
    ...(f.avgPrice !== undefined && !ZERO.test(f.avgPrice) ? { avgPrice: f.avgPrice } : {}),
    status: status(f.status),
    ...(typeof f.reduceOnly === 'boolean' ? { reduceOnly: f.reduceOnly } : {}),
    ...(f.reason !== undefined ? { reason: f.reason } : {}),
    updatedAt: f.ts,
  };
}

/**
 * Returns the order of a REST order answer (place RESULT, query, open orders, cancel, USD-M modify,
 * spot amend's `amendedOrder`). A spot cancel names the canceled order in `origClientOrderId`.
 */
export function parseBinanceOrder(raw: unknown, opts: { readonly cancel?: boolean } = {}): VenueOrder {
  const o = obj(raw, 'order');
  const cid = opts.cancel && typeof o.origClientOrderId === 'string' ? o.origClientOrderId : text(o, 'clientOrderId');
  const ts = [o.updateTime, o.transactTime, o.time].find((t) => typeof t === 'number') as number | undefined;
  return orderOf({
    symbol: text(o, 'symbol'),
    clientOrderId: cid,
    orderId: int(o, 'orderId'),
    side: o.side,
    type: text(o, 'type'),
    tif: o.timeInForce,
    price: decimal(o, 'price'),
    qty: decimal(o, 'origQty' in o ? 'origQty' : 'qty'),
    filled: decimal(o, 'executedQty'),
    ...(typeof o.avgPrice === 'string' ? { avgPrice: decimal(o, 'avgPrice') } : {}),
    status: o.status,
    reduceOnly: o.reduceOnly,
    ts: ts ?? 0,
  });
}

/** Returns the orders of an open-orders answer. */
export function parseBinanceOrders(raw: unknown): VenueOrder[] {
  return list(raw, 'open orders').map((o) => parseBinanceOrder(o));
}

/** Returns the order of a spot keepPriority amend answer (its `transactTime` is the update time). */
export function parseBinanceSpotAmend(raw: unknown): VenueOrder {
  const a = obj(raw, 'amend answer');
  return parseBinanceOrder({ ...obj(a.amendedOrder, 'amendedOrder'), transactTime: a.transactTime });
}

/** Returns the fills of a GET /fapi/v1/userTrades or /api/v3/myTrades answer, under the order's client id. */
export function parseBinanceTrades(raw: unknown, clientOrderId: string): VenueFill[] {
  return list(raw, 'trades').map((row) => {
    const t = obj(row, 'trade');
    const buyer = typeof t.side === 'string' ? side(t.side) === 'buy' : t.isBuyer === true;
    const maker = (t.maker ?? t.isMaker) === true;
    return {
      symbol: text(t, 'symbol'),
      clientOrderId,
      venueOrderId: String(int(t, 'orderId')),
      tradeId: String(int(t, 'id')),
      side: buyer ? 'buy' : 'sell',
      price: decimal(t, 'price'),
      qty: decimal(t, 'qty'),
      fee: decimal(t, 'commission'),
      feeAsset: text(t, 'commissionAsset'),
      liquidity: maker ? 'maker' : 'taker',
      ts: int(t, 'time'),
    };
  });
}

/** Returns the non-flat positions of a GET /fapi/v3/positionRisk answer. */
export function parseBinancePositions(raw: unknown): VenuePosition[] {
  return list(raw, 'positions')
    .map((row) => obj(row, 'position'))
    .filter((p) => !ZERO.test(decimal(p, 'positionAmt').replace(/^-/, '')))
    .map((p) => ({ symbol: text(p, 'symbol'), qty: decimal(p, 'positionAmt'), entryPrice: decimal(p, 'entryPrice'), unrealizedPnl: decimal(p, 'unRealizedProfit'), markPrice: decimal(p, 'markPrice') }));
}

/** Returns the balances of a GET /fapi/v3/balance answer (wallet balance and what is available). */
export function parseBinanceUsdmBalances(raw: unknown): VenueBalance[] {
  return list(raw, 'balances').map((row) => {
    const b = obj(row, 'balance');
    return { asset: text(b, 'asset'), total: decimal(b, 'balance'), free: decimal(b, 'availableBalance') };
  });
}

/** Returns the balances of a GET /api/v3/account answer: total = free + locked. */
export function parseBinanceSpotBalances(raw: unknown): VenueBalance[] {
  return list(obj(raw, 'account').balances, 'balances').map((row) => {
    const b = obj(row, 'balance');
    const free = decimal(b, 'free');
    return { asset: text(b, 'asset'), total: sumText(free, decimal(b, 'locked')), free };
  });
}

/** Returns the fee rate of a GET /fapi/v1/commissionRate or /api/v3/account/commission answer. */
export function parseBinanceFeeRate(raw: unknown): FeeRate {
  const c = obj(raw, 'commission');
  const symbol = text(c, 'symbol');
  if (typeof c.makerCommissionRate === 'string') return { symbol, maker: decimal(c, 'makerCommissionRate'), taker: decimal(c, 'takerCommissionRate') };
  const parts = [obj(c.standardCommission, 'standardCommission'), ...[c.specialCommission, c.taxCommission].filter(isObject)];
  const sum = (k: string): string => parts.map((p) => decimal(p, k)).reduce(sumText);
  return { symbol, maker: sum('maker'), taker: sum('taker') };
}

/** What one user data frame said: normalized events, and whether the listen key lapsed. */
export interface BinanceUserFrame {
  readonly events: PrivateEvent[];
  readonly expired: boolean;
}

/** Returns the events of one user data stream frame (a frame that does not read: one `malformed` event). */
export function parseBinanceUserFrame(frame: string): BinanceUserFrame {
  const parsed = parseJson(frame);
  if (!isObject(parsed)) return { events: [malformed(parsed === NOT_JSON ? 'not JSON' : 'not an object', frame)], expired: false };
  const ev = isObject(parsed.data) && typeof parsed.stream === 'string' ? parsed.data : parsed;
  try {
    return readEvent(ev, frame);
  } catch (e) {
    return { events: [malformed(e instanceof Error ? e.message : String(e), frame)], expired: false };
  }
}

function readEvent(ev: Json, frame: string): BinanceUserFrame {
  const none = { events: [], expired: false };
  switch (ev.e) {
    case 'ORDER_TRADE_UPDATE':
      return { events: orderTradeUpdate(obj(ev.o, 'o'), ev), expired: false };
    case 'executionReport':
      return { events: executionReport(ev), expired: false };
    case 'ACCOUNT_UPDATE':
      return { events: accountUpdate(obj(ev.a, 'a')), expired: false };
    case 'outboundAccountPosition':
      return { events: list(ev.B, 'B').map((b) => spotBalance(obj(b, 'balance'))), expired: false };
    case 'listenKeyExpired':
      return { events: [], expired: true };
    default:
      if (typeof ev.e === 'string' && IGNORED.has(ev.e)) return none;
      return { events: [malformed(`unknown event type ${String(ev.e)}`, frame)], expired: false };
  }
}

/** USD-M: the fill of a TRADE execution first, then the order's state. */
function orderTradeUpdate(o: Json, ev: Json): PrivateEvent[] {
  const order = orderOf({
    symbol: text(o, 's'),
    clientOrderId: text(o, 'c'),
    orderId: int(o, 'i'),
    side: o.S,
    type: text(o, 'o'),
    tif: o.f,
    price: decimal(o, 'p'),
    qty: decimal(o, 'q'),
    filled: decimal(o, 'z'),
    avgPrice: decimal(o, 'ap'),
    status: o.X,
    reduceOnly: o.R,
    ts: int(ev, 'E'),
  });
  if (o.x !== 'TRADE') return [{ kind: 'order', order }];
  const fill = fillOf(order, o, { tradeId: int(o, 't'), ts: int(o, 'T'), fee: typeof o.n === 'string' ? decimal(o, 'n') : '0', feeAsset: typeof o.N === 'string' ? o.N : '' });
  return [{ kind: 'fill', fill }, { kind: 'order', order }];
}

/** Spot: a cancel reports the order's client id in `C`; the fill of a TRADE execution comes first. */
function executionReport(r: Json): PrivateEvent[] {
  const canceledBy = typeof r.C === 'string' && r.C !== '' ? r.C : undefined;
  const reason = typeof r.r === 'string' && r.r !== 'NONE' ? r.r : undefined;
  const order = orderOf({
    symbol: text(r, 's'),
    clientOrderId: canceledBy ?? text(r, 'c'),
    orderId: int(r, 'i'),
    side: r.S,
    type: text(r, 'o'),
    tif: r.f,
    price: decimal(r, 'p'),
    qty: decimal(r, 'q'),
    filled: decimal(r, 'z'),
    status: r.X,
    ...(reason ? { reason } : {}),
    ts: int(r, 'E'),
  });
  if (r.x !== 'TRADE') return [{ kind: 'order', order }];
  const fill = fillOf(order, r, { tradeId: int(r, 't'), ts: int(r, 'T'), fee: decimal(r, 'n'), feeAsset: typeof r.N === 'string' ? r.N : '' });
  return [{ kind: 'fill', fill }, { kind: 'order', order }];
}

function fillOf(order: VenueOrder, o: Json, f: { tradeId: number; ts: number; fee: string; feeAsset: string }): VenueFill {
  return {
    symbol: order.symbol,
    clientOrderId: order.clientOrderId,
    venueOrderId: order.venueOrderId,
    tradeId: String(f.tradeId),
    side: order.side,
    price: decimal(o, 'L'),
    qty: decimal(o, 'l'),
    fee: f.fee,
    feeAsset: f.feeAsset,
    liquidity: o.m === true ? 'maker' : 'taker',
    ts: f.ts,
  };
}

/**
 * USD-M ACCOUNT_UPDATE: positions, and wallet balances. The stream gives no available balance:
 * `free` is the cross wallet balance (`cw`); balances() asks REST for the available one.
 */
function accountUpdate(a: Json): PrivateEvent[] {
  const balances: PrivateEvent[] = list(a.B, 'B').map((row) => {
    const b = obj(row, 'balance');
    return { kind: 'balance', balance: { asset: text(b, 'a'), total: decimal(b, 'wb'), free: decimal(b, 'cw') } };
  });
  const positions: PrivateEvent[] = list(a.P, 'P').map((row) => {
    const p = obj(row, 'position');
    return { kind: 'position', position: { symbol: text(p, 's'), qty: decimal(p, 'pa'), entryPrice: decimal(p, 'ep'), unrealizedPnl: decimal(p, 'up') } };
  });
  return [...balances, ...positions];
}

function spotBalance(b: Json): PrivateEvent {
  const free = decimal(b, 'f');
  return { kind: 'balance', balance: { asset: text(b, 'a'), total: sumText(free, decimal(b, 'l')), free } };
}

/** A `malformed` event, with the order's client id and symbol when the text shows them. */
function malformed(detail: string, frame: string): PrivateEvent {
  const cid = /"[cC]"\s*:\s*"([^"]+)"/.exec(frame)?.[1];
  const symbol = /"s"\s*:\s*"([^"]+)"/.exec(frame)?.[1];
  return { kind: 'malformed', detail, frame, ...(cid ? { clientOrderId: cid } : {}), ...(symbol ? { symbol } : {}) };
}

/** Returns a + b of two decimal strings the parser already checked. */
function sumText(a: string, b: string): string {
  return addText(a, b) ?? a;
}
