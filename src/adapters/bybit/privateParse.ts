/**
 * Bybit v5 private rows and frames → execution types (src/execution/types.ts). Decimals stay the
 * venue's strings; statuses, sides and time-in-force are normalized; `execFee` is already "positive
 * = paid, negative = a rebate" on Bybit, so it passes as written. Nothing here throws: a row that
 * cannot be read is a `BybitProblem`, and in a frame it becomes a `malformed` event naming the
 * order it was about when that can be told.
 *
 * Sources: https://bybit-exchange.github.io/docs/v5/enum (orderStatus, timeInForce, execType,
 * rejectReason, cancelType), the endpoint and topic pages listed in privateMessages.ts.
 */
import type { FeeRate, OrderSide, PrivateEvent, TimeInForce, VenueBalance, VenueFill, VenueOrder, VenueOrderStatus, VenuePosition } from '../../execution/types.ts';
import { decText, parseDec, sub } from '../../model/decimal.ts';
import { isObject, NOT_JSON, parseJson, SIGNED_DECIMAL, type Json } from '../parseKit.ts';
import type { BybitExecutionRow, BybitOrderStatus, BybitFeeRateRow, BybitOrderRow, BybitPositionRow, BybitPrivateOpAnswer, BybitWalletCoin } from './privateMessages.ts';

/** Why a row could not be read. */
export class BybitProblem {
  constructor(readonly detail: string) {}
}

const STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  New: 'new',
  // Conditional orders: waiting for (or just past) their trigger, still working.
  Untriggered: 'new',
  Triggered: 'new',
  PartiallyFilled: 'partially_filled',
  Filled: 'filled',
  Cancelled: 'canceled',
  PartiallyFilledCanceled: 'canceled',
  Deactivated: 'canceled',
  Rejected: 'rejected',
} satisfies Record<BybitOrderStatus, VenueOrderStatus>;

// RPI (retail price improvement) orders are post-only orders with a restricted audience.
const TIF: Readonly<Record<string, TimeInForce>> = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', PostOnly: 'POST_ONLY', RPI: 'POST_ONLY' };
const SIDE: Readonly<Record<string, OrderSide>> = { Buy: 'buy', Sell: 'sell' };
/** Executions that change the position; `Funding` and `Settle` are cash flows, not fills. */
const FILL_TYPES: ReadonlySet<string> = new Set(['Trade', 'AdlTrade', 'BustTrade', 'BlockTrade', 'MovePosition']);
const UNSIGNED = /^\d+(\.\d+)?$/;
const ZERO_TEXT = /^-?0(\.0+)?$/;
/** Linear contracts settle (and charge fees) in USDT. */
const SETTLE_COIN = 'USDT';

const text = (v: unknown): v is string => typeof v === 'string';
const sent = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Returns the named string fields or a problem naming the first missing one. */
function strings<K extends string>(row: Json, what: string, keys: readonly K[]): Record<K, string> | BybitProblem {
  for (const k of keys) if (!text(row[k])) return new BybitProblem(`${what}: ${k} is not a string`);
  return row as Record<K, string>;
}

/** Returns a millisecond time written as a string (or number), or a problem. */
function millis(v: unknown, what: string): number | BybitProblem {
  const t = typeof v === 'number' ? v : text(v) && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(t) ? t : new BybitProblem(`${what}: time ${String(v)}`);
}

/** Returns one order row as a VenueOrder. */
export function parseBybitOrder(row: unknown): VenueOrder | BybitProblem {
  if (!isObject(row)) return new BybitProblem('order: row is not an object');
  const r = strings(row, 'order', ['symbol', 'orderId', 'orderLinkId', 'side', 'orderType', 'qty', 'orderStatus', 'cumExecQty'] satisfies (keyof BybitOrderRow)[]);
  if (r instanceof BybitProblem) return r;
  const side = SIDE[r.side];
  const status = STATUS[r.orderStatus];
  if (!side) return new BybitProblem(`order ${r.orderLinkId}: side ${r.side}`);
  if (!status) return new BybitProblem(`order ${r.orderLinkId}: orderStatus ${r.orderStatus}`);
  if (!UNSIGNED.test(r.qty) || !UNSIGNED.test(r.cumExecQty)) return new BybitProblem(`order ${r.orderLinkId}: qty ${r.qty} / cumExecQty ${r.cumExecQty}`);
  const type = r.orderType === 'Market' ? 'market' : r.orderType === 'Limit' ? 'limit' : undefined;
  if (!type) return new BybitProblem(`order ${r.orderLinkId}: orderType ${r.orderType}`);
  const updatedAt = millis(row.updatedTime, `order ${r.orderLinkId}`);
  if (updatedAt instanceof BybitProblem) return updatedAt;
  const tif = text(row.timeInForce) ? TIF[row.timeInForce] : undefined;
  // A market order's `price` is the venue's slippage guard, not a limit: left out.
  const price = type === 'limit' && sent(row.price) && UNSIGNED.test(row.price) ? row.price : undefined;
  const avg = sent(row.avgPrice) && UNSIGNED.test(row.avgPrice) && !ZERO_TEXT.test(row.avgPrice) ? row.avgPrice : undefined;
  const reason = reasonOf(row, status);
  return {
    symbol: r.symbol,
    clientOrderId: r.orderLinkId,
    venueOrderId: r.orderId,
    side,
    type,
    ...(tif ? { tif } : {}),
    ...(price ? { price } : {}),
    qty: r.qty,
    filledQty: r.cumExecQty,
    ...(avg ? { avgPrice: avg } : {}),
    status,
    ...(typeof row.reduceOnly === 'boolean' ? { reduceOnly: row.reduceOnly } : {}),
    ...(reason ? { reason } : {}),
    updatedAt,
  };
}

/** The venue's own reason (rejectReason) wins; a cancel otherwise says who cancelled (cancelType). */
function reasonOf(row: Json, status: VenueOrderStatus): string | undefined {
  if (sent(row.rejectReason) && row.rejectReason !== 'EC_NoError') return row.rejectReason;
  if (status === 'canceled' && sent(row.cancelType) && row.cancelType !== 'UNKNOWN') return row.cancelType;
  return undefined;
}

/** Returns one execution row as a VenueFill, undefined for a cash flow (funding, settlement). */
export function parseBybitExecution(row: unknown): VenueFill | undefined | BybitProblem {
  if (!isObject(row)) return new BybitProblem('execution: row is not an object');
  if (text(row.execType) && !FILL_TYPES.has(row.execType)) return undefined;
  const r = strings(row, 'execution', ['symbol', 'orderId', 'orderLinkId', 'side', 'execId', 'execPrice', 'execQty', 'execFee'] satisfies (keyof BybitExecutionRow)[]);
  if (r instanceof BybitProblem) return r;
  const side = SIDE[r.side];
  if (!side) return new BybitProblem(`execution ${r.execId}: side ${r.side}`);
  if (!UNSIGNED.test(r.execPrice) || !UNSIGNED.test(r.execQty) || !SIGNED_DECIMAL.test(r.execFee)) {
    return new BybitProblem(`execution ${r.execId}: execPrice ${r.execPrice} / execQty ${r.execQty} / execFee ${r.execFee}`);
  }
  if (typeof row.isMaker !== 'boolean') return new BybitProblem(`execution ${r.execId}: isMaker`);
  const ts = millis(row.execTime, `execution ${r.execId}`);
  if (ts instanceof BybitProblem) return ts;
  return {
    symbol: r.symbol,
    clientOrderId: r.orderLinkId,
    venueOrderId: r.orderId,
    tradeId: r.execId,
    side,
    price: r.execPrice,
    qty: r.execQty,
    fee: r.execFee,
    feeAsset: sent(row.feeCurrency) ? row.feeCurrency : SETTLE_COIN,
    liquidity: row.isMaker ? 'maker' : 'taker',
    ts,
  };
}

/** Returns one position row (REST `avgPrice` or push `entryPrice`) with a signed qty. */
export function parseBybitPosition(row: unknown): VenuePosition | BybitProblem {
  if (!isObject(row)) return new BybitProblem('position: row is not an object');
  const r = strings(row, 'position', ['symbol', 'side', 'size'] satisfies (keyof BybitPositionRow)[]);
  if (r instanceof BybitProblem) return r;
  if (!UNSIGNED.test(r.size)) return new BybitProblem(`position ${r.symbol}: size ${r.size}`);
  if (r.side !== 'Buy' && r.side !== 'Sell' && r.side !== '') return new BybitProblem(`position ${r.symbol}: side ${r.side}`);
  const entry = sent(row.entryPrice) ? row.entryPrice : sent(row.avgPrice) ? row.avgPrice : '0';
  if (!UNSIGNED.test(entry)) return new BybitProblem(`position ${r.symbol}: entry price ${entry}`);
  const flat = ZERO_TEXT.test(r.size);
  return {
    symbol: r.symbol,
    qty: r.side === 'Sell' && !flat ? `-${r.size}` : r.size,
    entryPrice: entry,
    ...(sent(row.unrealisedPnl) && SIGNED_DECIMAL.test(row.unrealisedPnl) ? { unrealizedPnl: row.unrealisedPnl } : {}),
    ...(sent(row.markPrice) && UNSIGNED.test(row.markPrice) ? { markPrice: row.markPrice } : {}),
  };
}

/** Returns whether a signed qty is zero (a flat position row). */
export function isFlat(p: VenuePosition): boolean {
  return ZERO_TEXT.test(p.qty);
}

/**
 * Returns each coin of a unified-wallet account. `free` is `availableToWithdraw` while Bybit still
 * fills it; UTA 2.0 leaves it empty, so then it is the wallet balance less what positions,
 * orders and spot orders hold.
 */
export function parseBybitWallet(account: unknown): VenueBalance[] | BybitProblem {
  if (!isObject(account) || !Array.isArray(account.coin)) return new BybitProblem('wallet: no coin list');
  const out: VenueBalance[] = [];
  for (const c of account.coin as unknown[]) {
    if (!isObject(c) || !text(c.coin) || !text(c.walletBalance) || !SIGNED_DECIMAL.test(c.walletBalance)) return new BybitProblem('wallet: coin or walletBalance');
    const free = freeOf(c);
    if (free === undefined) return new BybitProblem(`wallet ${c.coin}: cannot tell the free balance`);
    out.push({ asset: c.coin, total: c.walletBalance, free });
  }
  return out;
}

function freeOf(c: Json): string | undefined {
  if (sent(c.availableToWithdraw) && SIGNED_DECIMAL.test(c.availableToWithdraw)) return c.availableToWithdraw;
  let left = parseDec(c.walletBalance as string);
  for (const k of ['totalPositionIM', 'totalOrderIM', 'locked'] satisfies (keyof BybitWalletCoin)[]) {
    const v = c[k];
    if (!sent(v)) continue;
    const held = parseDec(v);
    if (!held || !left) return undefined;
    left = sub(left, held);
  }
  return left && decText(left);
}

/** Returns one fee-rate row. */
export function parseBybitFeeRate(row: unknown): FeeRate | BybitProblem {
  if (!isObject(row)) return new BybitProblem('fee-rate: row is not an object');
  const r = strings(row, 'fee-rate', ['symbol', 'makerFeeRate', 'takerFeeRate'] satisfies (keyof BybitFeeRateRow)[]);
  if (r instanceof BybitProblem) return r;
  if (!SIGNED_DECIMAL.test(r.makerFeeRate) || !SIGNED_DECIMAL.test(r.takerFeeRate)) return new BybitProblem(`fee-rate ${r.symbol}: ${r.makerFeeRate} / ${r.takerFeeRate}`);
  return { symbol: r.symbol, maker: r.makerFeeRate, taker: r.takerFeeRate };
}

/** What one private frame says: events, or the answer to one of our requests. */
export interface BybitPrivateFrame {
  readonly events: readonly PrivateEvent[];
  readonly op?: BybitPrivateOpAnswer;
}

/** Turns one `/v5/private` text frame into events (unreadable parts as `malformed` events). */
export function parseBybitPrivateFrame(frame: string): BybitPrivateFrame {
  const msg = parseJson(frame);
  if (msg === NOT_JSON) return { events: [malformed('not JSON', frame, idsInText(frame))] };
  if (!isObject(msg)) return { events: [malformed('not a JSON object', frame, {})] };
  if (text(msg.op)) return { events: [], op: msg as unknown as BybitPrivateOpAnswer };
  if (!text(msg.topic) || !Array.isArray(msg.data)) return { events: [malformed('no op, or no topic with a data list', frame, idsInText(frame))] };
  const kind = msg.topic.split('.')[0]!;
  const events: PrivateEvent[] = [];
  for (const row of msg.data as unknown[]) {
    const ev = rowEvents(kind, row);
    if (ev instanceof BybitProblem) events.push(malformed(ev.detail, frame, isObject(row) ? idsOfRow(row) : {}));
    else events.push(...ev);
  }
  return { events };
}

function rowEvents(kind: string, row: unknown): PrivateEvent[] | BybitProblem {
  switch (kind) {
    case 'order': {
      const order = parseBybitOrder(row);
      return order instanceof BybitProblem ? order : [{ kind: 'order', order }];
    }
    case 'execution': {
      const fill = parseBybitExecution(row);
      return fill instanceof BybitProblem ? fill : fill ? [{ kind: 'fill', fill }] : [];
    }
    case 'position': {
      const position = parseBybitPosition(row);
      return position instanceof BybitProblem ? position : [{ kind: 'position', position }];
    }
    case 'wallet': {
      const balances = parseBybitWallet(row);
      return balances instanceof BybitProblem ? balances : balances.map((balance) => ({ kind: 'balance', balance }) as const);
    }
    default:
      return new BybitProblem(`unexpected topic ${kind}`);
  }
}

interface Ids {
  readonly clientOrderId?: string;
  readonly symbol?: string;
}

function idsOfRow(row: Json): Ids {
  return { ...(sent(row.orderLinkId) ? { clientOrderId: row.orderLinkId } : {}), ...(sent(row.symbol) ? { symbol: row.symbol } : {}) };
}

/** Reads the first orderLinkId and symbol out of text that is not JSON. */
function idsInText(frame: string): Ids {
  const link = /"orderLinkId"\s*:\s*"([^"]+)"/.exec(frame)?.[1];
  const symbol = /"symbol"\s*:\s*"([^"]+)"/.exec(frame)?.[1];
  return { ...(link ? { clientOrderId: link } : {}), ...(symbol ? { symbol } : {}) };
}

function malformed(detail: string, frame: string, ids: Ids): PrivateEvent {
  return { kind: 'malformed', detail, frame, ...ids };
}
