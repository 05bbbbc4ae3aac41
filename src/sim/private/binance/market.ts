/**
 * The two Binance markets' private sides as data: paths, request weights, rate limits and their
 * headers, and how each answers the engine's reject codes. Everything else in this folder takes a
 * `BinancePrivateMarket` and never branches on a venue name.
 */
import type { VenueId } from '../../../config/schema.ts';
import type { SimRejectCode } from '../../matching/types.ts';

export type BinanceRoute =
  | 'order'
  | 'openOrders'
  | 'balance'
  | 'positionRisk'
  | 'commission'
  | 'account'
  | 'listenKey'
  | 'userTrades'
  | 'amend'
  | 'time';

export interface BinanceLimits {
  /** Request weight per rolling minute. */
  readonly weightPerMinute: number;
  /** New orders per rolling 10 s, and per the market's long window. */
  readonly ordersPer10s: number;
  readonly ordersLong: number;
  readonly longWindowMs: number;
}

export interface BinancePrivateMarket {
  readonly venue: VenueId;
  readonly futures: boolean;
  /** Path → route; the weight of a GET/POST/DELETE on it (openOrders without a symbol weighs `weightAll`). */
  readonly paths: Readonly<Record<string, { route: BinanceRoute; weight: number; weightAll?: number; version?: number }>>;
  readonly limits: BinanceLimits;
  readonly headers: { readonly weight: readonly string[]; readonly orders10s: string; readonly ordersLong: string };
  readonly tooManyOrders: (limits: BinanceLimits) => string;
  readonly tooMuchWeight: (limits: BinanceLimits) => string;
  /** Engine rejects → [code, message]; `undefined` for outcomes that are not errors on this market. */
  readonly rejects: Partial<Record<SimRejectCode, (minNotional: string) => [number, string]>>;
  /** The rejection `reject-next-order` answers with. */
  readonly faultReject: [number, string];
}

const INSUFFICIENT_SPOT: [number, string] = [-2010, 'Account has insufficient balance for requested action.'];

export const BINANCE_USDM_PRIVATE: BinancePrivateMarket = {
  venue: 'binance-usdm',
  futures: true,
  paths: {
    '/fapi/v1/order': { route: 'order', weight: 1 },
    '/fapi/v1/userTrades': { route: 'userTrades', weight: 5 },
    '/fapi/v1/openOrders': { route: 'openOrders', weight: 1, weightAll: 40 },
    '/fapi/v2/balance': { route: 'balance', weight: 5, version: 2 },
    '/fapi/v3/balance': { route: 'balance', weight: 5, version: 3 },
    '/fapi/v2/positionRisk': { route: 'positionRisk', weight: 5, version: 2 },
    '/fapi/v3/positionRisk': { route: 'positionRisk', weight: 5, version: 3 },
    '/fapi/v1/commissionRate': { route: 'commission', weight: 20 },
    '/fapi/v1/listenKey': { route: 'listenKey', weight: 1 },
    '/fapi/v1/time': { route: 'time', weight: 1 },
  },
  limits: { weightPerMinute: 2400, ordersPer10s: 300, ordersLong: 1200, longWindowMs: 60_000 },
  headers: { weight: ['X-MBX-USED-WEIGHT-1M'], orders10s: 'X-MBX-ORDER-COUNT-10S', ordersLong: 'X-MBX-ORDER-COUNT-1M' },
  tooManyOrders: (l) => `Too many new orders; current limit is ${l.ordersPer10s} orders per TEN_SECONDS.`,
  tooMuchWeight: (l) => `Too many requests; current limit is ${l.weightPerMinute} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
  rejects: {
    UNKNOWN_SYMBOL: () => [-1121, 'Invalid symbol.'],
    BAD_PRICE: () => [-4014, 'Price not increased by tick size.'],
    BAD_QTY: () => [-4023, 'Qty not increased by step size.'],
    MIN_QTY: () => [-4004, 'Quantity less than min quantity.'],
    MIN_NOTIONAL: (min) => [-4164, `Order's notional must be no smaller than ${min} (unless you choose reduce only).`],
    INSUFFICIENT_BALANCE: () => [-2019, 'Margin is insufficient.'],
    POST_ONLY_WOULD_TAKE: () => [-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected. The order will not be recorded in the order history'],
    FOK_UNFILLABLE: () => [-5021, 'Due to the order could not be filled immediately, the FOK order has been rejected. The order will not be recorded in the order history'],
    REDUCE_ONLY_REJECTED: () => [-2022, 'ReduceOnly Order is rejected.'],
    DUPLICATE_CLIENT_ID: () => [-4116, 'clientOrderId is duplicated.'],
    NO_LIQUIDITY: () => [-2020, 'Unable to fill.'],
    REJECTED_BY_FAULT: () => [-2019, 'Margin is insufficient.'],
  },
  faultReject: [-2019, 'Margin is insufficient.'],
};

export const BINANCE_SPOT_PRIVATE: BinancePrivateMarket = {
  venue: 'binance-spot',
  futures: false,
  paths: {
    '/api/v3/order': { route: 'order', weight: 1 },
    '/api/v3/order/amend/keepPriority': { route: 'amend', weight: 4 },
    '/api/v3/myTrades': { route: 'userTrades', weight: 20 },
    '/api/v3/openOrders': { route: 'openOrders', weight: 6, weightAll: 80 },
    '/api/v3/account': { route: 'account', weight: 20 },
    '/api/v3/account/commission': { route: 'commission', weight: 20 },
    '/api/v3/userDataStream': { route: 'listenKey', weight: 2 },
    '/api/v3/time': { route: 'time', weight: 1 },
  },
  limits: { weightPerMinute: 6000, ordersPer10s: 100, ordersLong: 200_000, longWindowMs: 86_400_000 },
  headers: { weight: ['X-MBX-USED-WEIGHT', 'X-MBX-USED-WEIGHT-1M'], orders10s: 'X-MBX-ORDER-COUNT-10S', ordersLong: 'X-MBX-ORDER-COUNT-1D' },
  tooManyOrders: (l) => `Too many new orders; current limit is ${l.ordersPer10s} orders per 10 SECOND.`,
  tooMuchWeight: (l) => `Too much request weight used; current limit is ${l.weightPerMinute} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
  rejects: {
    UNKNOWN_SYMBOL: () => [-1121, 'Invalid symbol.'],
    BAD_PRICE: () => [-1013, 'Filter failure: PRICE_FILTER'],
    BAD_QTY: () => [-1013, 'Filter failure: LOT_SIZE'],
    MIN_QTY: () => [-1013, 'Filter failure: LOT_SIZE'],
    MIN_NOTIONAL: () => [-1013, 'Filter failure: NOTIONAL'],
    INSUFFICIENT_BALANCE: () => INSUFFICIENT_SPOT,
    POST_ONLY_WOULD_TAKE: () => [-2010, 'Order would immediately match and take.'],
    DUPLICATE_CLIENT_ID: () => [-2010, 'Duplicate order sent.'],
    NO_LIQUIDITY: () => [-1112, 'No orders on book for symbol.'],
    REDUCE_ONLY_REJECTED: () => [-1106, "Parameter 'reduceOnly' sent when not required."],
    REJECTED_BY_FAULT: () => INSUFFICIENT_SPOT,
  },
  faultReject: INSUFFICIENT_SPOT,
};
