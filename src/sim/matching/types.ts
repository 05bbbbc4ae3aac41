/**
 * The simulated exchange's contract: what a venue's private side (signed REST, private streams)
 * calls, and what the matching engine implements. Venue-neutral: each private side maps these
 * requests, orders and reject codes to and from its venue's own wire format and error codes.
 * Prices and quantities cross this boundary as decimal strings, exactly as venues take them.
 */
import type { VenueId } from '../../config/schema.ts';
import type { InstrumentSpec } from '../../model/instrument.ts';
import type { SimBookChange, SimTrade } from '../protocolServer.ts';

export type SimSide = 'buy' | 'sell';
export type SimOrderType = 'market' | 'limit';
/** GTC rests; IOC fills what it can now; FOK fills all now or nothing; POST_ONLY never takes. */
export type SimTimeInForce = 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';
export type SimOrderStatus = 'new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

export interface SimOrderRequest {
  readonly account: string;
  readonly symbol: string;
  /** The client's id; the engine makes one when absent. Unique per account among its orders. */
  readonly clientOrderId?: string;
  readonly side: SimSide;
  readonly type: SimOrderType;
  readonly tif: SimTimeInForce;
  /** Decimal string; required for limit orders, ignored for market. */
  readonly price?: string;
  /** Decimal string in the instrument's size unit (lots of lotSize). */
  readonly qty: string;
  /** Perps: may only reduce the position (never open or flip it). */
  readonly reduceOnly?: boolean;
  /** The most it takes from the book now (size unit); the rest rests or expires as its tif says (the `partial-fill` fault). */
  readonly takeCap?: string;
}

export interface SimOrder {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: SimSide;
  readonly type: SimOrderType;
  readonly tif: SimTimeInForce;
  readonly price: string | undefined;
  readonly qty: string;
  readonly reduceOnly: boolean;
  readonly status: SimOrderStatus;
  readonly filledQty: string;
  /** Volume-weighted fill price, undefined before the first fill. */
  readonly avgPrice: string | undefined;
  /** Fees charged so far, in the quote asset (negative = a maker rebate). */
  readonly fee: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Why it was rejected or expired. */
  readonly reason?: SimRejectCode;
}

export interface SimFill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: SimSide;
  readonly price: string;
  readonly qty: string;
  readonly fee: string;
  readonly feeAsset: string;
  readonly liquidity: 'maker' | 'taker';
  readonly ts: number;
}

export type SimRejectCode =
  | 'UNKNOWN_SYMBOL'
  | 'BAD_PRICE'
  | 'BAD_QTY'
  | 'MIN_QTY'
  | 'MIN_NOTIONAL'
  | 'INSUFFICIENT_BALANCE'
  | 'POST_ONLY_WOULD_TAKE'
  | 'FOK_UNFILLABLE'
  | 'REDUCE_ONLY_REJECTED'
  | 'DUPLICATE_CLIENT_ID'
  | 'NO_LIQUIDITY'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_CLOSED'
  | 'REJECTED_BY_FAULT';

export interface SimReject {
  readonly code: SimRejectCode;
  readonly message: string;
}

export interface SimPosition {
  readonly account: string;
  readonly symbol: string;
  /** Signed decimal: positive long, negative short, "0" flat. */
  readonly qty: string;
  readonly entryPrice: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly markPrice: string;
  /** Initial margin held for this position at its leverage. */
  readonly margin: string;
  readonly leverage: number;
}

export interface SimBalance {
  readonly account: string;
  readonly asset: string;
  /** Total, including what open orders and positions hold. */
  readonly total: string;
  /** What can still be used for new orders. */
  readonly free: string;
}

/** What the engine tells the private side, in order, for the private streams. */
export type SimAccountEvent =
  | { readonly kind: 'order'; readonly order: SimOrder }
  | { readonly kind: 'fill'; readonly fill: SimFill }
  | { readonly kind: 'position'; readonly position: SimPosition }
  | { readonly kind: 'balance'; readonly balance: SimBalance }
  | { readonly kind: 'funding'; readonly account: string; readonly symbol: string; readonly amount: string; readonly rate: string };

export interface MatchingEngineOptions {
  readonly venue: VenueId;
  readonly instruments: readonly InstrumentSpec[];
  /** Fee rates as fractions of notional (maker may be negative: a rebate). */
  readonly fees: { readonly maker: number; readonly taker: number };
  /** The engine's time (the generator's simulated clock, or the wall clock). */
  readonly now: () => number;
  /** Default leverage for perps. */
  readonly leverage?: number;
}

/** One venue's simulated exchange: books from the market generator plus every account's orders. */
export interface SimExchange {
  readonly venue: VenueId;
  /** Credits an account (spot: any asset; perps: the quote/margin asset). */
  deposit(account: string, asset: string, amount: string): void;
  /** Places an order: at once matched against the book (price-time priority), the rest resting or expired. */
  place(req: SimOrderRequest): { readonly order: SimOrder; readonly fills: readonly SimFill[] } | { readonly reject: SimReject };
  /**
   * Amends an open limit order: `qty` is the new total (more than has filled), `price` a new limit.
   * A qty decrease at the same price keeps the order's queue place; a price change or a qty
   * increase sends it to the back of the queue at its (new) price, where it may cross and take.
   * A reject leaves the order as it was.
   */
  amend(
    account: string,
    symbol: string,
    id: { orderId?: string; clientOrderId?: string },
    change: { qty?: string; price?: string },
  ): { readonly order: SimOrder; readonly fills: readonly SimFill[] } | { readonly reject: SimReject };
  /** Returns an order's fills (taker and maker), oldest first; [] when unknown or forgotten. */
  fills(account: string, symbol: string, id: { orderId?: string; clientOrderId?: string }): SimFill[];
  /** Cancels by venue order id or client order id. */
  cancel(account: string, symbol: string, id: { orderId?: string; clientOrderId?: string }): { readonly order: SimOrder } | { readonly reject: SimReject };
  order(account: string, symbol: string, id: { orderId?: string; clientOrderId?: string }): SimOrder | undefined;
  openOrders(account: string, symbol?: string): SimOrder[];
  balances(account: string): SimBalance[];
  positions(account: string): SimPosition[];
  /** Applies the market's own book change and trades; resting orders fill by queue position. */
  onMarket(symbol: string, change: SimBookChange, trades: readonly SimTrade[]): readonly SimFill[];
  /** Settles funding on every position of a perp at this rate and mark price. */
  settleFunding(symbol: string, rate: string, markPrice: string): void;
  /** Subscribes to account events; returns the unsubscribe function. */
  subscribe(listener: (ev: SimAccountEvent) => void): () => void;
}
