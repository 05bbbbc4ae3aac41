/**
 * The engine's own orders as mutable records (the hot path updates them in place) and their
 * immutable `SimOrder` snapshots, which are what leaves the engine.
 */
import type { Instrument } from '../../model/instrument.ts';
import { decOf, decText, div, type Dec, ZERO } from '../../model/decimal.ts';
import type { SimOrder, SimOrderStatus, SimRejectCode } from './types.ts';

/** The fields an order keeps unchanged from placing to every snapshot of it. */
type OrderIdentity = Pick<SimOrder, 'orderId' | 'clientOrderId' | 'account' | 'symbol' | 'side' | 'type' | 'tif'>;

/** One order inside the engine; prices in ticks, sizes in lots. */
export interface OwnOrder extends OrderIdentity {
  /** Ticks; NaN for a market order. Changed only by an amend. */
  price: number;
  /** Lots; for reduce-only orders already capped at the position. */
  qty: number;
  filled: number;
  /** Σ fill ticks × fill lots, for the average price. */
  pxLots: bigint;
  fee: Dec;
  status: SimOrderStatus;
  readonly reduceOnly: boolean;
  readonly createdAt: number;
  updatedAt: number;
  reason: SimRejectCode | undefined;
  /** Market lots ahead of this order in its level's queue (resting orders only). */
  ahead: number;
  /** Funds this order locks now, in `holdAsset`. */
  hold: Dec;
  holdAsset: string;
  /** Perps: lots of this order that open (not close) a position, fixed when it rests. */
  openingLots: number;
}

/** Whether an order can still fill. */
export function isOpen(o: OwnOrder): boolean {
  return o.status === 'new' || o.status === 'partially_filled';
}

/** Returns the lots still to fill. */
export function remaining(o: OwnOrder): number {
  return o.qty - o.filled;
}

/** Returns a new order record in status `new`. */
export function newOrder(f: Omit<OwnOrder, 'filled' | 'pxLots' | 'fee' | 'status' | 'updatedAt' | 'reason' | 'ahead' | 'hold' | 'holdAsset' | 'openingLots'>): OwnOrder {
  // Spelled out field by field: one hidden class for every order keeps the hot path monomorphic.
  return {
    orderId: f.orderId,
    clientOrderId: f.clientOrderId,
    account: f.account,
    symbol: f.symbol,
    side: f.side,
    type: f.type,
    tif: f.tif,
    price: f.price,
    qty: f.qty,
    filled: 0,
    pxLots: 0n,
    fee: ZERO,
    status: 'new',
    reduceOnly: f.reduceOnly,
    createdAt: f.createdAt,
    updatedAt: f.createdAt,
    reason: undefined,
    ahead: 0,
    hold: ZERO,
    holdAsset: '',
    openingLots: 0,
  };
}

/** Returns the order's immutable snapshot with decimal strings. */
export function snapshot(o: OwnOrder, inst: Instrument): SimOrder {
  return {
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    account: o.account,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    tif: o.tif,
    price: Number.isNaN(o.price) ? undefined : inst.price.toText(o.price),
    qty: inst.qty.toText(o.qty),
    reduceOnly: o.reduceOnly,
    status: o.status,
    filledQty: inst.qty.toText(o.filled),
    avgPrice: o.filled === 0 ? undefined : averagePrice(o, inst),
    fee: decText(o.fee),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    ...(o.reason ? { reason: o.reason } : {}),
  };
}

/** Average fill price: on the tick grid when exact, else 8 digits finer than the tick (rounded half up). */
function averagePrice(o: OwnOrder, inst: Instrument): string {
  const n = BigInt(o.filled);
  if (o.pxLots % n === 0n) return inst.price.toText(Number(o.pxLots / n));
  const ps = inst.price;
  return decText(div(decOf(o.pxLots * BigInt(ps.units), ps.decimals), decOf(n, 0), ps.decimals + 8, 'half'));
}
