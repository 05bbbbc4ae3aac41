/**
 * OKX v5 REST rate limits as data. Each endpoint has its own limit per 2 s, keyed by IP (public
 * market data), by user id (account), or by user id + instrument id (placing, amending and
 * cancelling orders: acquire with `scope: instId`). New and amended orders also count against the
 * sub-account limit of 1000 order requests per 2 s, across instruments, each order of a batch
 * counting once. OKX does not say the 2 s windows are aligned, so they are treated as rolling.
 *
 * Sources:
 * - https://www.okx.com/docs-v5/en/#overview-rate-limits (per-endpoint limits and rules,
 *   sub-account rate limit 1000 / 2 s for new and amended orders)
 * - https://www.okx.com/docs-v5/en/#order-book-trading-trade (place order 60/2s UID+instId;
 *   batch orders 300/2s UID+instId; cancel order 60/2s; cancel batch 300/2s; amend 60/2s;
 *   order details 60/2s; pending orders 60/2s UID; transaction details (last 3 days) 60/2s UID)
 * - https://www.okx.com/docs-v5/en/#trading-account-rest-api (balance 10/2s; positions 10/2s;
 *   trade fee 5/2s)
 * - https://www.okx.com/docs-v5/en/#order-book-trading-market-data (books 40/2s IP;
 *   public instruments 20/2s IP+instType)
 * - https://www.okx.com/help/fill-ratio-sub-account-rate-limit
 */
import type { VenueRateLimits } from '../../execution/rateLimiter.ts';

const W = 2_000;

export const OKX_RATE_LIMITS: VenueRateLimits = {
  venue: 'okx',
  sources: ['https://www.okx.com/docs-v5/en/#overview-rate-limits', 'https://www.okx.com/help/fill-ratio-sub-account-rate-limit'],
  buckets: [
    { id: 'subaccount.orders', limit: 1000, windowMs: W, kind: 'sliding' },
    { id: 'trade.order', limit: 60, windowMs: W, kind: 'sliding', perScope: true },
    { id: 'trade.batch-orders', limit: 300, windowMs: W, kind: 'sliding', perScope: true },
    { id: 'trade.amend-order', limit: 60, windowMs: W, kind: 'sliding', perScope: true },
    { id: 'trade.cancel-order', limit: 60, windowMs: W, kind: 'sliding', perScope: true },
    { id: 'trade.cancel-batch-orders', limit: 300, windowMs: W, kind: 'sliding', perScope: true },
    { id: 'trade.order-get', limit: 60, windowMs: W, kind: 'sliding', perScope: true },
    { id: 'trade.orders-pending', limit: 60, windowMs: W, kind: 'sliding' },
    { id: 'trade.fills', limit: 60, windowMs: W, kind: 'sliding' },
    { id: 'account.balance', limit: 10, windowMs: W, kind: 'sliding' },
    { id: 'account.positions', limit: 10, windowMs: W, kind: 'sliding' },
    { id: 'account.trade-fee', limit: 5, windowMs: W, kind: 'sliding' },
    { id: 'market.books', limit: 40, windowMs: W, kind: 'sliding' },
    { id: 'public.instruments', limit: 20, windowMs: W, kind: 'sliding' },
  ],
  endpoints: {
    books: { costs: { 'market.books': 1 } },
    instruments: { costs: { 'public.instruments': 1 } },
    order: { costs: { 'trade.order': 1, 'subaccount.orders': 1 } },
    // Batch: the per-instrument limit counts orders; pass `times` = number of orders.
    batchOrders: { costs: { 'trade.batch-orders': 1, 'subaccount.orders': 1 } },
    amendOrder: { costs: { 'trade.amend-order': 1, 'subaccount.orders': 1 } },
    cancelOrder: { costs: { 'trade.cancel-order': 1 }, priority: 'cancel' },
    cancelBatchOrders: { costs: { 'trade.cancel-batch-orders': 1 }, priority: 'cancel' },
    queryOrder: { costs: { 'trade.order-get': 1 } },
    openOrders: { costs: { 'trade.orders-pending': 1 } },
    fills: { costs: { 'trade.fills': 1 } },
    balance: { costs: { 'account.balance': 1 } },
    positions: { costs: { 'account.positions': 1 } },
    tradeFee: { costs: { 'account.trade-fee': 1 } },
  },
};
