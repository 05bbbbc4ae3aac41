/**
 * Bybit v5 REST rate limits as data. Two layers apply together: an IP limit (600 requests in any
 * 5 s window, all endpoints) and a per-UID, per-endpoint limit counted over a rolling second.
 * Order endpoints are limited per category; these are the linear (USDT perpetual) defaults for a
 * non-PRO unified account. A 10006 `Too many visits!` answer is the UID limit; HTTP 403 "access too
 * frequent" is the IP limit (wait at least 10 minutes).
 *
 * Source: https://bybit-exchange.github.io/docs/v5/rate-limit (IP limit; "API Rate Limit Table":
 * order create / amend / cancel 10/s, cancel-all 1/s, batch create / amend / cancel 10/s,
 * order realtime / history 50/s, execution list 50/s, position list 50/s, wallet-balance 50/s,
 * fee-rate 10/s). Market endpoints count against the IP limit only.
 */
import type { VenueRateLimits } from '../../execution/rateLimiter.ts';

export const BYBIT_RATE_LIMITS: VenueRateLimits = {
  venue: 'bybit-linear',
  sources: ['https://bybit-exchange.github.io/docs/v5/rate-limit'],
  buckets: [
    // Rolling windows ("based on the rolling time window per second and UID").
    { id: 'ip', limit: 600, windowMs: 5_000, kind: 'sliding', cancelReserve: 20 },
    { id: 'order.create', limit: 10, windowMs: 1_000, kind: 'sliding' },
    { id: 'order.amend', limit: 10, windowMs: 1_000, kind: 'sliding' },
    { id: 'order.cancel', limit: 10, windowMs: 1_000, kind: 'sliding' },
    { id: 'order.cancel-all', limit: 1, windowMs: 1_000, kind: 'sliding' },
    { id: 'order.create-batch', limit: 10, windowMs: 1_000, kind: 'sliding' },
    { id: 'order.cancel-batch', limit: 10, windowMs: 1_000, kind: 'sliding' },
    { id: 'order.realtime', limit: 50, windowMs: 1_000, kind: 'sliding' },
    { id: 'order.history', limit: 50, windowMs: 1_000, kind: 'sliding' },
    { id: 'execution.list', limit: 50, windowMs: 1_000, kind: 'sliding' },
    { id: 'position.list', limit: 50, windowMs: 1_000, kind: 'sliding' },
    { id: 'account.wallet-balance', limit: 50, windowMs: 1_000, kind: 'sliding' },
    { id: 'account.fee-rate', limit: 10, windowMs: 1_000, kind: 'sliding' },
  ],
  endpoints: {
    orderbook: { costs: { ip: 1 } },
    instruments: { costs: { ip: 1 } },
    tickers: { costs: { ip: 1 } },
    serverTime: { costs: { ip: 1 } },
    order: { costs: { ip: 1, 'order.create': 1 } },
    amendOrder: { costs: { ip: 1, 'order.amend': 1 } },
    batchOrders: { costs: { ip: 1, 'order.create-batch': 1 } },
    cancelOrder: { costs: { ip: 1, 'order.cancel': 1 }, priority: 'cancel' },
    cancelAll: { costs: { ip: 1, 'order.cancel-all': 1 }, priority: 'cancel' },
    cancelBatch: { costs: { ip: 1, 'order.cancel-batch': 1 }, priority: 'cancel' },
    openOrders: { costs: { ip: 1, 'order.realtime': 1 } },
    queryOrder: { costs: { ip: 1, 'order.realtime': 1 } },
    orderHistory: { costs: { ip: 1, 'order.history': 1 } },
    executions: { costs: { ip: 1, 'execution.list': 1 } },
    positions: { costs: { ip: 1, 'position.list': 1 } },
    walletBalance: { costs: { ip: 1, 'account.wallet-balance': 1 } },
    feeRate: { costs: { ip: 1, 'account.fee-rate': 1 } },
  },
};
