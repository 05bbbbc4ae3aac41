/**
 * Bitget v2 private rows and frames → execution's venue types (src/execution/types.ts). Prices
 * and sizes stay the venue's strings; Bitget writes a charged fee negative, so fees are negated
 * here (as text, exactly) to execution's "positive = paid". Order states: futures `live` /
 * `partially_filled` / `filled` / `canceled`, spot the same with `cancelled` (and `init` / `new`
 * before the book has it). A row that cannot be read is reported with what it names, never thrown.
 *
 * Sources: https://www.bitget.com/api-doc/contract/trade/Get-Order-Details (state values),
 * https://www.bitget.com/api-doc/spot/trade/Get-Order-Info (status values),
 * https://www.bitget.com/api-doc/contract/websocket/private/Order-Channel and Fill-Channel,
 * https://www.bitget.com/api-doc/common/websocket-intro (login and error events).
 */
import { isObject, NOT_JSON, parseJson, SIGNED_DECIMAL } from '../parseKit.ts';
import { add, decText, parseDec, sub, ZERO } from '../../model/decimal.ts';
import type { OrderSide, PrivateEvent, TimeInForce, VenueBalance, VenueFill, VenueOrder, VenueOrderStatus, VenuePosition } from '../../execution/types.ts';
import { bitgetSymbol } from './symbols.ts';
import type { BitgetAccountRow, BitgetFeeDetail, BitgetFillRow, BitgetOrderRow, BitgetPositionRow, BitgetPrivateEvent, BitgetPrivatePush } from './privateMessages.ts';
import { negateText } from '../../model/decimal.ts';

/** Order state (futures `state`/`status`, spot `status`) → execution's status. */
export const BITGET_ORDER_STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  init: 'new',
  new: 'new',
  live: 'new',
  partially_filled: 'partially_filled',
  filled: 'filled',
  canceled: 'canceled',
  cancelled: 'canceled',
};

/** `force` → time in force, and back. */
export const BITGET_FORCE: Readonly<Record<string, TimeInForce>> = { gtc: 'GTC', ioc: 'IOC', fok: 'FOK', post_only: 'POST_ONLY' };

const UNSIGNED = /^\d+(\.\d+)?$/;
const ZERO_TEXT = /^0*(\.0*)?$/;

function side(v: string | undefined): OrderSide | undefined {
  return v === 'buy' || v === 'sell' ? v : undefined;
}

function ms(...vs: (string | undefined)[]): number {
  for (const v of vs) {
    const n = Number(v);
    if (v !== undefined && v !== '' && Number.isFinite(n)) return n;
  }
  return NaN;
}

function positive(v: string | undefined): string | undefined {
  return v !== undefined && UNSIGNED.test(v) && !ZERO_TEXT.test(v) ? v : undefined;
}

/** How a row shows an order: REST, the `orders` push, or spot unfilled-orders (price in `priceAvg`). */
export type BitgetOrderShape = 'rest' | 'push' | 'spot-unfilled';

/** Returns the order a row shows (`symbol` is the Fleet symbol), or what is wrong with the row. */
export function parseBitgetOrder(row: BitgetOrderRow, symbol: string, shape: BitgetOrderShape, spot: boolean): VenueOrder | string {
  const clientOrderId = row.clientOid ?? row.clientOId;
  const s = side(row.side);
  const status = BITGET_ORDER_STATUS[(row.state ?? row.status) ?? ''];
  const qty = spot && shape === 'push' ? (row.newSize ?? row.size) : row.size;
  const filledQty = shape === 'push' ? row.accBaseVolume : row.baseVolume;
  if (typeof row.orderId !== 'string' || typeof clientOrderId !== 'string') return 'order row without orderId or clientOid';
  if (!s || !status) return `order ${clientOrderId}: unknown side ${row.side} or state ${row.state ?? row.status}`;
  if (qty === undefined || !UNSIGNED.test(qty) || filledQty === undefined || !UNSIGNED.test(filledQty)) return `order ${clientOrderId}: bad size ${qty} / filled ${filledQty}`;
  const price = positive(shape === 'spot-unfilled' ? row.priceAvg : row.price);
  const avgPrice = ZERO_TEXT.test(filledQty) ? undefined : positive(shape === 'spot-unfilled' ? row.basePrice : row.priceAvg);
  const tif = BITGET_FORCE[row.force ?? ''];
  const type = row.orderType === 'limit' || row.orderType === 'market' ? row.orderType : undefined;
  return {
    symbol,
    clientOrderId,
    venueOrderId: row.orderId,
    side: s,
    ...(type ? { type } : {}),
    ...(tif ? { tif } : {}),
    ...(price ? { price } : {}),
    qty,
    filledQty,
    ...(avgPrice ? { avgPrice } : {}),
    status,
    ...(row.reduceOnly !== undefined && !spot ? { reduceOnly: row.reduceOnly.toLowerCase() === 'yes' } : {}),
    ...(row.cancelReason ? { reason: row.cancelReason } : {}),
    updatedAt: ms(row.uTime, row.cTime),
  };
}

function feeOf(detail: BitgetFillRow['feeDetail']): BitgetFeeDetail | undefined {
  return Array.isArray(detail) ? (detail as readonly BitgetFeeDetail[])[0] : (detail as BitgetFeeDetail | undefined);
}

/** Returns the fill a row shows (futures price/baseVolume, spot priceAvg/size), or what is wrong with it. */
export function parseBitgetFill(row: BitgetFillRow, symbol: string, clientOrderId: string | undefined): VenueFill | string {
  const price = row.price ?? row.priceAvg;
  const qty = row.baseVolume ?? row.size;
  const fee = feeOf(row.feeDetail);
  const s = side(row.side);
  const cid = row.clientOid ?? clientOrderId;
  if (typeof row.tradeId !== 'string' || row.tradeId === '' || typeof row.orderId !== 'string') return 'fill row without tradeId or orderId';
  if (cid === undefined) return `fill ${row.tradeId}: no clientOid`;
  if (!s || price === undefined || !UNSIGNED.test(price) || qty === undefined || !UNSIGNED.test(qty)) return `fill ${row.tradeId}: bad side, price or size`;
  const feeText = fee?.totalFee ?? '0';
  if (!SIGNED_DECIMAL.test(feeText)) return `fill ${row.tradeId}: bad fee ${feeText}`;
  return {
    symbol,
    clientOrderId: cid,
    venueOrderId: row.orderId,
    tradeId: row.tradeId,
    side: s,
    price,
    qty,
    fee: negateText(feeText),
    feeAsset: fee?.feeCoin ?? '',
    liquidity: row.tradeScope?.toLowerCase().startsWith('m') ? 'maker' : 'taker',
    ts: ms(row.uTime, row.cTime),
  };
}

/** Returns a futures position (one-way mode: a short is a negative quantity), or what is wrong with the row. */
export function parseBitgetPosition(row: BitgetPositionRow): VenuePosition | string {
  const wire = row.symbol ?? row.instId;
  if (wire === undefined || row.total === undefined || !UNSIGNED.test(row.total)) return `position row without symbol or total`;
  const short = row.holdSide === 'short' && !ZERO_TEXT.test(row.total);
  return {
    symbol: bitgetSymbol('USDT-FUTURES', wire)!,
    qty: short ? `-${row.total}` : row.total,
    entryPrice: row.openPriceAvg ?? '0',
    ...(row.unrealizedPL ? { unrealizedPnl: row.unrealizedPL } : {}),
    ...(row.markPrice ? { markPrice: row.markPrice } : {}),
  };
}

/** Returns the exact sum of decimal strings, counting absent or empty ones as zero; undefined when one is not a decimal. */
function sum(values: readonly (string | undefined)[], negateFrom = values.length): string | undefined {
  let total = ZERO;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const d = v === undefined || v === '' ? ZERO : parseDec(v);
    if (!d) return undefined;
    total = i >= negateFrom ? sub(total, d) : add(total, d);
  }
  return decText(total);
}

/**
 * Returns a balance: a spot asset (total = available + frozen + locked) or a futures margin coin
 * (total = equity − unrealized PnL, the wallet balance), or what is wrong with the row.
 */
export function parseBitgetBalance(row: BitgetAccountRow): VenueBalance | string {
  const asset = row.coin ?? row.marginCoin;
  if (asset === undefined || row.available === undefined || !UNSIGNED.test(row.available)) return 'balance row without coin or available';
  const total = row.coin !== undefined ? sum([row.available, row.frozen, row.locked]) : sum([row.accountEquity ?? row.equity, row.unrealizedPL], 1);
  return total === undefined ? `balance ${asset}: bad amounts` : { asset, total, free: row.available };
}

/** What one private frame says. */
export type BitgetPrivateFrame =
  | { readonly kind: 'pong' }
  | { readonly kind: 'login' }
  | { readonly kind: 'subscribed'; readonly channel: string }
  | { readonly kind: 'error'; readonly detail: string }
  | { readonly kind: 'push'; readonly channel: string; readonly instType: string; readonly events: PrivateEvent[] }
  | { readonly kind: 'ignored' };

const CLIENT_ID = /"clientO[iI]d"\s*:\s*"([^"]*)"/;
const INST_ID = /"(?:instId|symbol)"\s*:\s*"([^"]+)"/g;
const INST_TYPE = /"instType"\s*:\s*"([^"]+)"/;

/** Returns the malformed event for a frame or a row, with the client id and symbol it names if any. */
export function malformed(detail: string, frame: string, instType?: string): PrivateEvent {
  const cid = CLIENT_ID.exec(frame)?.[1];
  const wire = [...frame.matchAll(INST_ID)].map((m) => m[1]).find((w) => w !== 'default');
  const type = instType ?? INST_TYPE.exec(frame)?.[1];
  const symbol = wire !== undefined && type !== undefined ? bitgetSymbol(type, wire) : undefined;
  return { kind: 'malformed', detail, frame, ...(cid ? { clientOrderId: cid } : {}), ...(symbol ? { symbol } : {}) };
}

function rowEvent(channel: string, instType: string, row: unknown): PrivateEvent | undefined {
  if (!isObject(row)) return malformed(`${channel} row is not an object`, JSON.stringify(row), instType);
  const wire = (row.instId ?? row.symbol) as string | undefined;
  const symbol = wire === undefined ? undefined : bitgetSymbol(instType, wire);
  const read = <T>(out: T | string, make: (v: T) => PrivateEvent): PrivateEvent =>
    typeof out === 'string' ? malformed(out, JSON.stringify(row), instType) : make(out);
  switch (channel) {
    case 'orders':
      return read(symbol === undefined ? 'order row without instId' : parseBitgetOrder(row as BitgetOrderRow, symbol, 'push', instType === 'SPOT'), (order) => ({ kind: 'order', order }));
    case 'fill':
      return read(symbol === undefined ? 'fill row without symbol' : parseBitgetFill(row as BitgetFillRow, symbol, undefined), (fill) => ({ kind: 'fill', fill }));
    case 'positions':
      return read(parseBitgetPosition(row as BitgetPositionRow), (position) => ({ kind: 'position', position }));
    case 'account':
      return read(parseBitgetBalance(row as BitgetAccountRow), (balance) => ({ kind: 'balance', balance }));
    default:
      return undefined;
  }
}

function pushOf(msg: BitgetPrivatePush, text: string): BitgetPrivateFrame {
  const channel = msg.arg?.channel ?? '';
  const instType = msg.arg?.instType ?? '';
  if (!Array.isArray(msg.data)) return { kind: 'push', channel, instType, events: [malformed(`${channel} push without a data list`, text)] };
  const events: PrivateEvent[] = [];
  for (const row of msg.data as unknown[]) {
    const ev = rowEvent(channel, instType, row);
    if (ev) events.push(ev);
  }
  return { kind: 'push', channel, instType, events };
}

/** Returns what a private frame says: a pong, a login or subscribe ack, an error, or the events of a push. */
export function parseBitgetPrivateFrame(text: string): BitgetPrivateFrame {
  if (text === 'pong') return { kind: 'pong' };
  const parsed = parseJson(text);
  if (parsed === NOT_JSON || !isObject(parsed)) {
    return { kind: 'push', channel: '', instType: '', events: [malformed(parsed === NOT_JSON ? 'not JSON' : 'not a JSON object', text)] };
  }
  const ev = parsed as BitgetPrivateEvent;
  if (ev.event === 'login') return String(ev.code) === '0' ? { kind: 'login' } : { kind: 'error', detail: `login refused: ${ev.code} ${ev.msg ?? ''}` };
  if (ev.event === 'subscribe') return { kind: 'subscribed', channel: ev.arg?.channel ?? '' };
  if (ev.event === 'error') return { kind: 'error', detail: `${ev.code} ${ev.msg ?? ''}` };
  if (ev.event !== undefined) return { kind: 'ignored' };
  return pushOf(parsed as BitgetPrivatePush, text);
}
