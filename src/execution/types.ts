/**
 * What a venue's private side provides to execution: the same shape for every venue (and for the
 * paper engine), so one order manager, one reconciler and one contract test suite serve all.
 * Prices and quantities cross this boundary as decimal strings exactly as the venue writes them;
 * the order manager converts them to ticks and lots with the instrument's scales.
 *
 * Errors: every method rejects with a FleetError whose `errorClass` says what to do
 * (`retryable`, `non-retryable`, `fatal`) and whose `details` is a `VenueCallDetails`. A timeout,
 * a dropped connection or a 5xx on a place/amend/cancel is `ErrorCodes.VENUE_TIMEOUT` /
 * `VENUE_UNAVAILABLE`: the outcome is unknown and the caller must query, never assume.
 */
import type { RateLimiter } from './rateLimiter.ts';
import type { Observable } from 'rxjs';
import type { VenueId } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';

export type OrderSide = 'buy' | 'sell';
export type OrderKind = 'market' | 'limit';
/** GTC rests; IOC fills what it can now; FOK all now or nothing; POST_ONLY never takes. */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'POST_ONLY';

export interface PlaceRequest {
  /** The venue's native symbol (`BTCUSDT`, `BTC-USDT-SWAP`, `BTCUSDT_SPBL`). */
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: OrderSide;
  readonly type: OrderKind;
  readonly tif: TimeInForce;
  /** Decimal string on the lot grid, in the venue's size unit (contracts on OKX swaps). */
  readonly qty: string;
  /** Decimal string on the tick grid; required for limit orders. */
  readonly price?: string;
  /** Perps: may only reduce the position. */
  readonly reduceOnly?: boolean;
}

export type VenueOrderStatus = 'new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

/** An order as the venue reports it (an ack, a query answer, a stream update). */
export interface VenueOrder {
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  readonly side: OrderSide;
  readonly type?: OrderKind;
  readonly tif?: TimeInForce;
  readonly price?: string;
  readonly qty: string;
  readonly filledQty: string;
  readonly avgPrice?: string;
  readonly status: VenueOrderStatus;
  readonly reduceOnly?: boolean;
  /** The venue's reason for a reject, cancel or expiry, when it gives one. */
  readonly reason?: string;
  /** Venue time of this state (ms). */
  readonly updatedAt: number;
}

export interface VenueFill {
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  /** The venue's trade (execution) id: fills are deduplicated by it. */
  readonly tradeId: string;
  readonly side: OrderSide;
  readonly price: string;
  readonly qty: string;
  /** Fee charged (negative = a rebate), in `feeAsset`. Venues that report fees negative are normalized. */
  readonly fee: string;
  readonly feeAsset: string;
  readonly liquidity: 'maker' | 'taker';
  readonly ts: number;
}

export interface VenuePosition {
  readonly symbol: string;
  /** Signed decimal: positive long, negative short. */
  readonly qty: string;
  readonly entryPrice: string;
  readonly unrealizedPnl?: string;
  readonly markPrice?: string;
}

export interface VenueBalance {
  readonly asset: string;
  /** Wallet balance including what orders and positions hold. */
  readonly total: string;
  /** What new orders may use. */
  readonly free: string;
}

export interface FeeRate {
  readonly symbol: string;
  /** Fractions of notional as decimal strings ("0.0002"); a negative maker rate is a rebate. */
  readonly maker: string;
  readonly taker: string;
}

/** What the private stream tells, normalized. */
export type PrivateEvent =
  | { readonly kind: 'order'; readonly order: VenueOrder }
  | { readonly kind: 'fill'; readonly fill: VenueFill }
  | { readonly kind: 'position'; readonly position: VenuePosition }
  | { readonly kind: 'balance'; readonly balance: VenueBalance }
  /** A private frame that could not be read; the order it names (if any) must be queried. */
  | { readonly kind: 'malformed'; readonly detail: string; readonly frame: string; readonly clientOrderId?: string; readonly symbol?: string }
  /** The stream is live (logged in, subscribed) or lost; after `up` following `down`, reconcile. */
  | { readonly kind: 'stream'; readonly state: 'up' | 'down'; readonly reason?: string };

/** `details` of every FleetError a private adapter throws. */
export interface VenueCallDetails {
  readonly venue: VenueId;
  /** The rate-limit endpoint key of the call. */
  readonly endpoint: string;
  readonly httpStatus?: number;
  /** The venue's own error code (retCode, code, sCode), as it wrote it. */
  readonly venueCode?: string;
  /** The venue's message. */
  readonly venueMessage?: string;
  /** Our reason text from the venue's error table. */
  readonly reason: string;
  readonly retryAfterMs?: number;
  /** The venue says this client order id already exists (a retried submit): query it. */
  readonly duplicate?: boolean;
  /** The venue says the order does not exist (cancel/query/amend of an unknown id). */
  readonly notFound?: boolean;
}

export interface AmendRequest {
  readonly symbol: string;
  readonly clientOrderId: string;
  /** The new total order quantity (above what has filled). */
  readonly qty?: string;
  readonly price?: string;
}

export interface PrivateAdapter {
  readonly venue: VenueId;
  /** Venue-true or paper: paper adapters fill against a book in-process. */
  readonly paper: boolean;
  /** Normalized private stream events; hot, shared; completes on stop(). */
  readonly events$: Observable<PrivateEvent>;
  /** Opens the private stream(s): login or listen key, subscriptions, upkeep. Resolves when live. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Places an order; resolves with the venue's ack (status `new` when the venue only acks ids). */
  place(req: PlaceRequest): Promise<VenueOrder>;
  /** Cancels by client order id; resolves with the order's state as the venue answered (may be only ids). */
  cancel(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined>;
  /** Amends price and/or quantity keeping the client order id; rejects `VENUE_REJECTED` where unsupported. */
  amend(req: AmendRequest): Promise<VenueOrder | undefined>;
  /** Returns the venue's order by client order id, or undefined when the venue does not know it. */
  query(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined>;
  /** Returns the fills of one order (to recover fills the stream missed). */
  fills(symbol: string, clientOrderId: string, venueOrderId?: string): Promise<VenueFill[]>;
  /** Returns the open orders, of one symbol or of every symbol the adapter trades. */
  openOrders(symbol?: string): Promise<VenueOrder[]>;
  /** Returns non-flat positions (perps). */
  positions(): Promise<VenuePosition[]>;
  balances(): Promise<VenueBalance[]>;
  /** Returns the account's fee rates for these symbols (asked at start). */
  feeRates(symbols: readonly string[]): Promise<FeeRate[]>;
  /** The venue's rate limiter (sizing reads its headroom to keep room for a hedge and a recovery); paper adapters have none. */
  readonly limiter?: Pick<RateLimiter, 'headroom'>;
}

/** What a venue's private adapter factory is given. */
export interface PrivateAdapterOptions {
  readonly venue: VenueId;
  /** REST base (the venue's real one, or a local server in tests and SIM). */
  readonly restUrl: string;
  /** Private WebSocket base; the adapter appends the venue's path (e.g. `/v5/private`). */
  readonly privateWsUrl: string;
  readonly key: string;
  readonly secret: string;
  readonly passphrase?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Native symbols traded (subscriptions, open-order scans). */
  readonly symbols: readonly string[];
  /** Timeout of one REST call; a place that times out is UNKNOWN until queried. */
  readonly timeoutMs?: number;
  /** Reconnect backoff of the private stream. */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Retry attempts for retryable calls (1 = none). */
  readonly attempts?: number;
}

export type PrivateAdapterFactory = (o: PrivateAdapterOptions) => PrivateAdapter;
