/**
 * Binance REST rate limits as data. Both markets count three linked limits at once: IP request
 * weight per minute, and the account's order count per 10 s and per minute (USD-M) or per 10 s and
 * per day (spot). Binance counts each interval from its start (`X-MBX-USED-WEIGHT-1M` resets on
 * the minute), so the windows are `fixed`. Cancels weigh on REQUEST_WEIGHT only, never on ORDERS.
 *
 * Sources:
 * - https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info (Limits:
 *   REQUEST_WEIGHT 2400/min, ORDERS 300/10s and 1200/min; also echoed by `rateLimits` in replies)
 * - https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Order-Book
 *   (depth weight by limit: 5–50 → 2, 100 → 5, 500 → 10, 1000 → 20)
 * - https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api (New Order:
 *   0 IP weight, 1 on the 10s and 1min order limits; Modify Order (PUT /fapi/v1/order) the same;
 *   Cancel Order 1; Current Open Orders 1 with a symbol, 40 without; Query Order 1; Account Trade
 *   List 5; Position Information v2/v3 5; Account v2 5; Batch Orders 5)
 * - https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits (spot REQUEST_WEIGHT
 *   6000/min, ORDERS 100/10s and 200000/day, RAW_REQUESTS 61000/5min; depth 1–100 → 5, 101–500 → 25,
 *   501–1000 → 50, 1001–5000 → 250)
 * - https://developers.binance.com/docs/binance-spot-api-docs/rest-api/trading-endpoints (Order Amend
 *   Keep Priority: weight 4, unfilled order count 0) and .../account-endpoints (Account Trade List:
 *   20, 5 with orderId); the listen key endpoints (user-data-stream) weigh 2 on spot, 1 on USD-M.
 */
import type { VenueRateLimits } from '../../execution/rateLimiter.ts';

const MIN = 60_000;

export const BINANCE_USDM_RATE_LIMITS: VenueRateLimits = {
  venue: 'binance-usdm',
  sources: [
    'https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info',
    'https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Order-Book',
  ],
  buckets: [
    // A few weights per minute kept back for cancels: the IP weight is shared with market data.
    { id: 'REQUEST_WEIGHT', limit: 2400, windowMs: MIN, kind: 'fixed', cancelReserve: 40 },
    { id: 'ORDERS_10S', limit: 300, windowMs: 10_000, kind: 'fixed' },
    { id: 'ORDERS_1M', limit: 1200, windowMs: MIN, kind: 'fixed' },
  ],
  endpoints: {
    'depth:5': { costs: { REQUEST_WEIGHT: 2 } },
    'depth:10': { costs: { REQUEST_WEIGHT: 2 } },
    'depth:20': { costs: { REQUEST_WEIGHT: 2 } },
    'depth:50': { costs: { REQUEST_WEIGHT: 2 } },
    'depth:100': { costs: { REQUEST_WEIGHT: 5 } },
    'depth:500': { costs: { REQUEST_WEIGHT: 10 } },
    'depth:1000': { costs: { REQUEST_WEIGHT: 20 } },
    exchangeInfo: { costs: { REQUEST_WEIGHT: 1 } },
    premiumIndex: { costs: { REQUEST_WEIGHT: 1 } },
    time: { costs: { REQUEST_WEIGHT: 1 } },
    order: { costs: { ORDERS_10S: 1, ORDERS_1M: 1 } },
    amendOrder: { costs: { ORDERS_10S: 1, ORDERS_1M: 1 } },
    // Batch of up to 5 orders: weight 5 and each order counts (use `times` for the order count).
    batchOrders: { costs: { REQUEST_WEIGHT: 5, ORDERS_10S: 1, ORDERS_1M: 1 } },
    cancelOrder: { costs: { REQUEST_WEIGHT: 1 }, priority: 'cancel' },
    cancelAllOpenOrders: { costs: { REQUEST_WEIGHT: 1 }, priority: 'cancel' },
    cancelBatchOrders: { costs: { REQUEST_WEIGHT: 1 }, priority: 'cancel' },
    queryOrder: { costs: { REQUEST_WEIGHT: 1 } },
    'openOrders:symbol': { costs: { REQUEST_WEIGHT: 1 } },
    'openOrders:all': { costs: { REQUEST_WEIGHT: 40 } },
    positionRisk: { costs: { REQUEST_WEIGHT: 5 } },
    account: { costs: { REQUEST_WEIGHT: 5 } },
    balance: { costs: { REQUEST_WEIGHT: 5 } },
    commissionRate: { costs: { REQUEST_WEIGHT: 20 } },
    userTrades: { costs: { REQUEST_WEIGHT: 5 } },
    listenKey: { costs: { REQUEST_WEIGHT: 1 } },
  },
};

export const BINANCE_SPOT_RATE_LIMITS: VenueRateLimits = {
  venue: 'binance-spot',
  sources: ['https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits'],
  buckets: [
    { id: 'REQUEST_WEIGHT', limit: 6000, windowMs: MIN, kind: 'fixed', cancelReserve: 40 },
    { id: 'RAW_REQUESTS', limit: 61_000, windowMs: 5 * MIN, kind: 'fixed' },
    { id: 'ORDERS_10S', limit: 100, windowMs: 10_000, kind: 'fixed' },
    { id: 'ORDERS_1D', limit: 200_000, windowMs: 24 * 60 * MIN, kind: 'fixed' },
  ],
  endpoints: {
    'depth:100': { costs: { REQUEST_WEIGHT: 5, RAW_REQUESTS: 1 } },
    'depth:500': { costs: { REQUEST_WEIGHT: 25, RAW_REQUESTS: 1 } },
    'depth:1000': { costs: { REQUEST_WEIGHT: 50, RAW_REQUESTS: 1 } },
    'depth:5000': { costs: { REQUEST_WEIGHT: 250, RAW_REQUESTS: 1 } },
    exchangeInfo: { costs: { REQUEST_WEIGHT: 20, RAW_REQUESTS: 1 } },
    time: { costs: { REQUEST_WEIGHT: 1, RAW_REQUESTS: 1 } },
    order: { costs: { REQUEST_WEIGHT: 1, RAW_REQUESTS: 1, ORDERS_10S: 1, ORDERS_1D: 1 } },
    cancelOrder: { costs: { REQUEST_WEIGHT: 1, RAW_REQUESTS: 1 }, priority: 'cancel' },
    cancelOpenOrders: { costs: { REQUEST_WEIGHT: 1, RAW_REQUESTS: 1 }, priority: 'cancel' },
    queryOrder: { costs: { REQUEST_WEIGHT: 4, RAW_REQUESTS: 1 } },
    'openOrders:symbol': { costs: { REQUEST_WEIGHT: 6, RAW_REQUESTS: 1 } },
    'openOrders:all': { costs: { REQUEST_WEIGHT: 80, RAW_REQUESTS: 1 } },
    account: { costs: { REQUEST_WEIGHT: 20, RAW_REQUESTS: 1 } },
    commission: { costs: { REQUEST_WEIGHT: 20, RAW_REQUESTS: 1 } },
    amendOrder: { costs: { REQUEST_WEIGHT: 4, RAW_REQUESTS: 1 } },
    'myTrades:order': { costs: { REQUEST_WEIGHT: 5, RAW_REQUESTS: 1 } },
    listenKey: { costs: { REQUEST_WEIGHT: 2, RAW_REQUESTS: 1 } },
  },
};

/** Returns the USD-M depth endpoint key for the smallest weight step holding `limit` levels. */
export function binanceUsdmDepthKey(limit: number): string {
  for (const step of [5, 10, 20, 50, 100, 500, 1000]) if (limit <= step) return `depth:${step}`;
  return 'depth:1000';
}

/** Returns the spot depth endpoint key whose weight band holds `limit` levels. */
export function binanceSpotDepthKey(limit: number): string {
  for (const step of [100, 500, 1000]) if (limit <= step) return `depth:${step}`;
  return 'depth:5000';
}
