/**
 * OKX v5 private rows and frames → the execution contract's types (src/execution/types.ts).
 * Prices and sizes stay the venue's decimal strings. OKX writes fees and fee rates negative when
 * charged and positive when rebated; the contract wants the opposite, so they are negated here.
 * A fill arrives inside an `orders` push (`tradeId`, `fillPx`, `fillSz`, `fillFee`) and becomes a
 * VenueFill next to the order's state. Nothing here throws: a row that cannot be read is a
 * `{problem}`, and a private frame that cannot be read becomes a `malformed` event naming the
 * client order id and instrument it mentions (found with a regex when the JSON itself is broken).
 *
 * Sources: https://www.okx.com/docs-v5/en/#order-book-trading-trade-ws-order-channel,
 * https://www.okx.com/docs-v5/en/#trading-account-websocket-positions-channel,
 * https://www.okx.com/docs-v5/en/#trading-account-websocket-account-channel,
 * https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-fee-rates
 */
import type { FeeRate, OrderKind, OrderSide, PrivateEvent, TimeInForce, VenueBalance, VenueFill, VenueOrder, VenueOrderStatus, VenuePosition } from '../../execution/types.ts';
import { isObject, NOT_JSON, parseJson, SIGNED_DECIMAL, timestamp, type Json } from '../parseKit.ts';
import { OKX_PONG } from './ws.ts';
import { negateText } from '../../model/decimal.ts';

/** Why a row could not be read. */
export interface OkxRowProblem {
  readonly problem: string;
}

export type Parsed<T> = T | OkxRowProblem;

/** Returns whether a parse result is a problem. */
export function isProblem<T extends object>(v: Parsed<T>): v is OkxRowProblem {
  return 'problem' in v;
}

/** OKX order `state` → the contract's status. */
export const OKX_ORDER_STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  live: 'new',
  partially_filled: 'partially_filled',
  filled: 'filled',
  canceled: 'canceled',
  mmp_canceled: 'canceled',
};

/** OKX `ordType` → order kind and time in force (a market order has none). */
export const OKX_ORD_TYPES: Readonly<Record<string, { readonly type: OrderKind; readonly tif?: TimeInForce }>> = {
  market: { type: 'market' },
  optimal_limit_ioc: { type: 'market' },
  limit: { type: 'limit', tif: 'GTC' },
  post_only: { type: 'limit', tif: 'POST_ONLY' },
  fok: { type: 'limit', tif: 'FOK' },
  ioc: { type: 'limit', tif: 'IOC' },
};

const DECIMAL = /^\d+(\.\d+)?$/;

/** Returns the OKX instrument type of an instId Fleet trades: linear swaps end in `-SWAP`. */
export function okxInstType(instId: string): 'SWAP' | 'SPOT' {
  return instId.endsWith('-SWAP') ? 'SWAP' : 'SPOT';
}

function text(row: Json, key: string): string | undefined {
  const v = row[key];
  return typeof v === 'string' ? v : undefined;
}

/** Returns the named string fields, or the first one missing. */
function fields<K extends string>(row: Json, keys: readonly K[]): Record<K, string> | OkxRowProblem {
  const out = {} as Record<K, string>;
  for (const k of keys) {
    const v = text(row, k);
    if (v === undefined) return { problem: `${k} missing` };
    out[k] = v;
  }
  return out;
}

function side(v: string): OrderSide | undefined {
  return v === 'buy' || v === 'sell' ? v : undefined;
}

/** Returns a non-empty, non-zero decimal, else undefined (OKX writes "" or "0" for "none"). */
function present(v: string | undefined): string | undefined {
  return v !== undefined && DECIMAL.test(v) && !/^0(\.0*)?$/.test(v) ? v : undefined;
}

const ORDER_KEYS = ['instId', 'ordId', 'clOrdId', 'ordType', 'side', 'px', 'sz', 'accFillSz', 'avgPx', 'state', 'uTime'] as const;

/** Returns the order an order row (REST or `orders` push) describes. */
export function parseOkxOrder(row: unknown): Parsed<VenueOrder> {
  if (!isObject(row)) return { problem: 'order row is not an object' };
  const f = fields(row, ORDER_KEYS);
  if (isProblem(f)) return f;
  const s = side(f.side);
  if (!s) return { problem: `side ${f.side}` };
  const status = OKX_ORDER_STATUS[f.state];
  if (!status) return { problem: `state ${f.state}` };
  if (!DECIMAL.test(f.sz)) return { problem: `sz ${f.sz}` };
  const filled = f.accFillSz === '' ? '0' : f.accFillSz;
  if (!DECIMAL.test(filled)) return { problem: `accFillSz ${f.accFillSz}` };
  const kind = OKX_ORD_TYPES[f.ordType];
  const price = present(f.px);
  const avgPrice = present(f.avgPx);
  const reason = text(row, 'cancelSourceReason');
  const updatedAt = timestamp(f.uTime);
  return {
    symbol: f.instId,
    clientOrderId: f.clOrdId,
    venueOrderId: f.ordId,
    side: s,
    ...(kind ? { type: kind.type, ...(kind.tif ? { tif: kind.tif } : {}) } : {}),
    ...(price ? { price } : {}),
    qty: f.sz,
    filledQty: filled,
    ...(avgPrice ? { avgPrice } : {}),
    status,
    reduceOnly: text(row, 'reduceOnly') === 'true',
    ...(reason ? { reason } : {}),
    updatedAt: Number.isFinite(updatedAt) ? updatedAt : timestamp(row.cTime),
  };
}

function liquidity(execType: string | undefined): 'maker' | 'taker' {
  return execType === 'M' ? 'maker' : 'taker';
}

/** Returns the fill an `orders` push carries, undefined when it carries none (a state change only). */
export function parseOkxPushFill(row: Json, order: VenueOrder): Parsed<VenueFill> | undefined {
  const tradeId = text(row, 'tradeId') ?? '';
  const qty = present(text(row, 'fillSz'));
  if (tradeId === '' || !qty) return undefined;
  const price = present(text(row, 'fillPx'));
  const fee = text(row, 'fillFee') || '0';
  if (!price) return { problem: `fillPx ${String(row.fillPx)}` };
  if (!SIGNED_DECIMAL.test(fee)) return { problem: `fillFee ${fee}` };
  const ts = timestamp(row.fillTime);
  return {
    symbol: order.symbol,
    clientOrderId: order.clientOrderId,
    venueOrderId: order.venueOrderId,
    tradeId,
    side: order.side,
    price,
    qty,
    fee: negateText(fee),
    feeAsset: text(row, 'fillFeeCcy') ?? '',
    liquidity: liquidity(text(row, 'execType')),
    ts: Number.isFinite(ts) ? ts : order.updatedAt,
  };
}

const FILL_KEYS = ['instId', 'tradeId', 'ordId', 'clOrdId', 'fillPx', 'fillSz', 'side', 'fee', 'feeCcy', 'ts'] as const;

/** Returns the fill a `/api/v5/trade/fills` row describes. */
export function parseOkxFillRow(row: unknown): Parsed<VenueFill> {
  if (!isObject(row)) return { problem: 'fill row is not an object' };
  const f = fields(row, FILL_KEYS);
  if (isProblem(f)) return f;
  const s = side(f.side);
  if (!s) return { problem: `side ${f.side}` };
  if (!DECIMAL.test(f.fillPx) || !DECIMAL.test(f.fillSz)) return { problem: `fillPx ${f.fillPx} / fillSz ${f.fillSz}` };
  if (!SIGNED_DECIMAL.test(f.fee)) return { problem: `fee ${f.fee}` };
  const fillTime = timestamp(row.fillTime);
  return {
    symbol: f.instId,
    clientOrderId: f.clOrdId,
    venueOrderId: f.ordId,
    tradeId: f.tradeId,
    side: s,
    price: f.fillPx,
    qty: f.fillSz,
    fee: negateText(f.fee),
    feeAsset: f.feeCcy,
    liquidity: liquidity(text(row, 'execType')),
    ts: Number.isFinite(fillTime) ? fillTime : timestamp(f.ts),
  };
}

/** Returns a position row as a signed quantity (net mode signs `pos`; long/short mode names the side). */
export function parseOkxPosition(row: unknown): Parsed<VenuePosition> {
  if (!isObject(row)) return { problem: 'position row is not an object' };
  const f = fields(row, ['instId', 'pos', 'avgPx'] as const);
  if (isProblem(f)) return f;
  const pos = f.pos === '' ? '0' : f.pos;
  if (!SIGNED_DECIMAL.test(pos)) return { problem: `pos ${f.pos}` };
  const qty = text(row, 'posSide') === 'short' && !pos.startsWith('-') ? negateText(pos) : pos;
  const upl = text(row, 'upl');
  const mark = text(row, 'markPx');
  return {
    symbol: f.instId,
    qty,
    entryPrice: f.avgPx,
    ...(upl ? { unrealizedPnl: upl } : {}),
    ...(mark ? { markPrice: mark } : {}),
  };
}

/** Returns one currency's balance: `cashBal` in total, `availBal` free. */
export function parseOkxBalance(detail: unknown): Parsed<VenueBalance> {
  if (!isObject(detail)) return { problem: 'balance detail is not an object' };
  const f = fields(detail, ['ccy', 'cashBal', 'availBal'] as const);
  if (isProblem(f)) return f;
  if (!SIGNED_DECIMAL.test(f.cashBal) || !SIGNED_DECIMAL.test(f.availBal)) return { problem: `${f.ccy}: cashBal ${f.cashBal} / availBal ${f.availBal}` };
  return { asset: f.ccy, total: f.cashBal, free: f.availBal };
}

/** Returns the balances of an account row (`/api/v5/account/balance` data[0], the `account` push's data[0]). */
export function parseOkxAccount(row: unknown): Parsed<{ balances: VenueBalance[] }> {
  if (!isObject(row) || !Array.isArray(row.details)) return { problem: 'account row without details' };
  const balances: VenueBalance[] = [];
  for (const d of row.details) {
    const b = parseOkxBalance(d);
    if (isProblem(b)) return b;
    balances.push(b);
  }
  return { balances };
}

/** Returns an instrument's rates from a trade-fee row: USDT-margined rates for a SWAP, the pair's for SPOT. */
export function parseOkxFeeRate(symbol: string, row: unknown): Parsed<FeeRate> {
  if (!isObject(row)) return { problem: 'fee row is not an object' };
  const swap = okxInstType(symbol) === 'SWAP';
  const maker = (swap ? text(row, 'makerU') : undefined) || text(row, 'maker');
  const taker = (swap ? text(row, 'takerU') : undefined) || text(row, 'taker');
  if (!maker || !taker || !SIGNED_DECIMAL.test(maker) || !SIGNED_DECIMAL.test(taker)) return { problem: `fee rates ${String(maker)} / ${String(taker)}` };
  return { symbol, maker: negateText(maker), taker: negateText(taker) };
}

/** What one private frame says: a pong, a control event (login, subscribe, error), or stream events. */
export type OkxPrivateFrame =
  | { readonly kind: 'pong' }
  | { readonly kind: 'event'; readonly event: string; readonly code?: string; readonly msg?: string }
  | { readonly kind: 'events'; readonly events: readonly PrivateEvent[] };

const CL_ORD_ID = /"clOrdId"\s*:\s*"([A-Za-z0-9]+)"/;
const INST_ID = /"instId"\s*:\s*"([^"]+)"/;

/** Returns the `malformed` event for a frame (or one row of it) that could not be read. */
export function malformed(detail: string, frame: string, row?: unknown): PrivateEvent {
  const rowText = row === undefined ? frame : JSON.stringify(row);
  const clientOrderId = CL_ORD_ID.exec(rowText)?.[1];
  const symbol = INST_ID.exec(rowText)?.[1];
  return { kind: 'malformed', detail, frame, ...(clientOrderId ? { clientOrderId } : {}), ...(symbol ? { symbol } : {}) };
}

/** Turns one private frame into a pong, a control event, or normalized events; never throws. */
export function parseOkxPrivateFrame(frame: string): OkxPrivateFrame {
  if (frame === OKX_PONG) return { kind: 'pong' };
  const msg = parseJson(frame);
  if (msg === NOT_JSON) return { kind: 'events', events: [malformed('not JSON', frame)] };
  if (!isObject(msg)) return { kind: 'events', events: [malformed('not an object', frame)] };
  if (typeof msg.event === 'string') {
    return { kind: 'event', event: msg.event, ...(msg.code !== undefined ? { code: String(msg.code) } : {}), ...(typeof msg.msg === 'string' ? { msg: msg.msg } : {}) };
  }
  const channel = isObject(msg.arg) ? msg.arg.channel : undefined;
  if (typeof channel !== 'string' || !Array.isArray(msg.data)) return { kind: 'events', events: [malformed('neither an event nor a push with arg.channel and data', frame)] };
  const events: PrivateEvent[] = [];
  for (const row of msg.data) {
    if (channel === 'orders') pushOrderEvents(row, frame, events);
    else if (channel === 'positions') {
      const position = parseOkxPosition(row);
      events.push(isProblem(position) ? malformed(`positions: ${position.problem}`, frame, row) : { kind: 'position', position });
    } else if (channel === 'account') {
      const a = parseOkxAccount(row);
      if (isProblem(a)) events.push(malformed(`account: ${a.problem}`, frame, row));
      else for (const balance of a.balances) events.push({ kind: 'balance', balance });
    } else events.push(malformed(`unexpected channel ${channel}`, frame, row));
  }
  return { kind: 'events', events };
}

/** A fill first (so it is booked before the state it explains), then the order's state. */
function pushOrderEvents(row: unknown, frame: string, out: PrivateEvent[]): void {
  const order = parseOkxOrder(row);
  if (isProblem(order)) {
    out.push(malformed(`orders: ${order.problem}`, frame, row));
    return;
  }
  const fill = parseOkxPushFill(row as Json, order);
  if (fill && isProblem(fill)) out.push(malformed(`orders: ${fill.problem}`, frame, row));
  else if (fill) out.push({ kind: 'fill', fill });
  out.push({ kind: 'order', order });
}
