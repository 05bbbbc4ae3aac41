/**
 * Hyperliquid REST rate limits as data: one aggregated weight budget of 1200 per minute per IP
 * shared by `/info` and `/exchange`. An exchange action weighs 1 + floor(batch length / 40);
 * `l2Book`, `allMids`, `clearinghouseState`, `orderStatus`, `spotClearinghouseState` and
 * `exchangeStatus` weigh 2; most other info requests (meta, metaAndAssetCtxs, openOrders, …) 20.
 * The per-address action budget (10,000 + 1 per USDC traded) is account state, not a window,
 * and is left to the venue's answers.
 *
 * Source: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits
 */
import type { VenueRateLimits } from '../../execution/rateLimiter.ts';

export const HYPERLIQUID_RATE_LIMITS: VenueRateLimits = {
  venue: 'hyperliquid',
  sources: ['https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits'],
  buckets: [{ id: 'weight', limit: 1200, windowMs: 60_000, kind: 'sliding', cancelReserve: 20 }],
  endpoints: {
    l2Book: { costs: { weight: 2 } },
    allMids: { costs: { weight: 2 } },
    clearinghouseState: { costs: { weight: 2 } },
    orderStatus: { costs: { weight: 2 } },
    meta: { costs: { weight: 20 } },
    metaAndAssetCtxs: { costs: { weight: 20 } },
    openOrders: { costs: { weight: 20 } },
    userFees: { costs: { weight: 20 } },
    order: { costs: { weight: 1 } },
    modify: { costs: { weight: 1 } },
    cancel: { costs: { weight: 1 }, priority: 'cancel' },
  },
};

/** Returns the weight of an exchange action carrying `batchLength` orders or cancels. */
export function hyperliquidActionWeight(batchLength: number): number {
  return 1 + Math.floor(Math.max(0, batchLength) / 40);
}
