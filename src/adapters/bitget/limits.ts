/**
 * Bitget v2 REST rate limits as data: per-endpoint limits per second, by UID for private
 * endpoints and by IP for market data, plus an overall IP limit of 6000 requests per minute.
 * Futures (USDT-, USDC- and COIN-FUTURES) share one pool per endpoint.
 *
 * Sources:
 * - https://www.bitget.com/api-doc/common/intro (Rate limit: 6000/min per IP overall; 429 on excess)
 * - https://www.bitget.com/api-doc/contract/trade/Place-Order (10 times/1s per UID; batch 5/1s;
 *   cancel 10/1s; batch cancel 10/1s; modify 10/1s; order detail 10/1s; pending orders 10/1s)
 * - https://www.bitget.com/api-doc/contract/position/get-all-position (5/1s per UID)
 * - https://www.bitget.com/api-doc/contract/account/Get-Account-List (10/1s per UID)
 * - https://www.bitget.com/api-doc/contract/market/Get-Merge-Depth (20/1s per IP)
 * - https://www.bitget.com/api-doc/contract/trade/Get-Order-Fills (10/1s per UID)
 * - https://www.bitget.com/api-doc/spot/trade/Place-Order (10/1s per UID; cancel 10/1s; orderInfo
 *   20/1s; unfilled-orders 20/1s; fills 10/1s), spot/account/Get-Account-Assets (10/1s)
 * - https://www.bitget.com/api-doc/common/public/Get-Trade-Rate (10/1s per UID)
 */
import type { VenueRateLimits } from '../../execution/rateLimiter.ts';

const S = 1_000;

export const BITGET_RATE_LIMITS: VenueRateLimits = {
  venue: 'bitget',
  sources: ['https://www.bitget.com/api-doc/common/intro', 'https://www.bitget.com/api-doc/contract/trade/Place-Order'],
  buckets: [
    { id: 'ip', limit: 6000, windowMs: 60_000, kind: 'sliding', cancelReserve: 20 },
    { id: 'mix.place-order', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'mix.batch-place-order', limit: 5, windowMs: S, kind: 'sliding' },
    { id: 'mix.modify-order', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'mix.cancel-order', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'mix.batch-cancel-orders', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'mix.detail', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'mix.orders-pending', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'mix.all-position', limit: 5, windowMs: S, kind: 'sliding' },
    { id: 'mix.accounts', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'mix.fills', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'spot.place-order', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'spot.cancel-order', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'spot.orderInfo', limit: 20, windowMs: S, kind: 'sliding' },
    { id: 'spot.unfilled-orders', limit: 20, windowMs: S, kind: 'sliding' },
    { id: 'spot.fills', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'spot.assets', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'common.trade-rate', limit: 10, windowMs: S, kind: 'sliding' },
    { id: 'market.merge-depth', limit: 20, windowMs: S, kind: 'sliding' },
    { id: 'market.contracts', limit: 20, windowMs: S, kind: 'sliding' },
  ],
  endpoints: {
    mergeDepth: { costs: { ip: 1, 'market.merge-depth': 1 } },
    contracts: { costs: { ip: 1, 'market.contracts': 1 } },
    order: { costs: { ip: 1, 'mix.place-order': 1 } },
    batchOrders: { costs: { ip: 1, 'mix.batch-place-order': 1 } },
    amendOrder: { costs: { ip: 1, 'mix.modify-order': 1 } },
    cancelOrder: { costs: { ip: 1, 'mix.cancel-order': 1 }, priority: 'cancel' },
    cancelBatch: { costs: { ip: 1, 'mix.batch-cancel-orders': 1 }, priority: 'cancel' },
    queryOrder: { costs: { ip: 1, 'mix.detail': 1 } },
    openOrders: { costs: { ip: 1, 'mix.orders-pending': 1 } },
    positions: { costs: { ip: 1, 'mix.all-position': 1 } },
    accounts: { costs: { ip: 1, 'mix.accounts': 1 } },
    fills: { costs: { ip: 1, 'mix.fills': 1 } },
    spotOrder: { costs: { ip: 1, 'spot.place-order': 1 } },
    spotCancelOrder: { costs: { ip: 1, 'spot.cancel-order': 1 }, priority: 'cancel' },
    spotQueryOrder: { costs: { ip: 1, 'spot.orderInfo': 1 } },
    spotOpenOrders: { costs: { ip: 1, 'spot.unfilled-orders': 1 } },
    spotFills: { costs: { ip: 1, 'spot.fills': 1 } },
    spotAssets: { costs: { ip: 1, 'spot.assets': 1 } },
    feeRate: { costs: { ip: 1, 'common.trade-rate': 1 } },
  },
};
