/**
 * Order-book imbalance: how much more size rests on the bid than on the ask, in [-1, 1].
 *
 *   top   = (bestBidLots − bestAskLots) / (bestBidLots + bestAskLots)
 *   zonal = (Σ bid lots within zone − Σ ask lots within zone) / (their sum)
 *
 * The zone is `zoneBps` of the mid on each side: a bid counts when mid − price ≤ mid·zoneBps/1e4,
 * an ask when price − mid ≤ the same (both edges included). Prices are ticks, so the zone in
 * ticks is the same fraction of the mid whatever the tick size; sizes are lots of the one
 * instrument, so they compare across sides as they are.
 *
 * Choices:
 * - A book with a side empty gives 0 for both: there is no mid, and a one-sided book is a
 *   resync or a halted market, not a lean to trade on.
 * - A zone narrower than the half-spread holds nothing and gives 0.
 * - The walk follows the level list directly (no callback, no copy) and stops at the first level
 *   outside the zone, so it costs O(levels inside the zone).
 */
import type { BookLevel, BookSide, OrderBook } from '../market/orderBook.ts';
import type { Instrument } from '../model/instrument.ts';
import type { ImbalanceView } from './types.ts';

/** The zone the scalper reads by default: 10 bps either side of the mid. */
export const DEFAULT_IMBALANCE_ZONE_BPS = 10;

const ZERO: ImbalanceView = Object.freeze({ top: 0, zonal: 0 });

/** Returns (a − b) / (a + b), 0 when both are 0. */
function ratio(a: number, b: number): number {
  const sum = a + b;
  return sum > 0 ? (a - b) / sum : 0;
}

/** Returns the lots of a side's levels within `zoneTicks` of the mid, walking best first. */
function lotsWithin(side: BookSide, mid: number, zoneTicks: number): number {
  let sum = 0;
  for (let node: BookLevel | null = side.first(); node !== null; node = node.next[0] ?? null) {
    const away = side.isBid ? mid - node.price : node.price - mid;
    if (away > zoneTicks) break;
    sum += node.qty;
  }
  return sum;
}

/**
 * Returns the top-of-book and zonal imbalance of a book. `inst` is taken for the features'
 * common signature; the zone is a fraction of the mid, which needs no tick size.
 */
export function bookImbalance(book: OrderBook, _inst: Instrument, zoneBps: number): ImbalanceView {
  const bidQty = book.bids.bestQty();
  const askQty = book.asks.bestQty();
  if (bidQty === 0 || askQty === 0) return ZERO;
  const mid = book.mid();
  // A hair of slack so a level exactly on the edge is not lost to the float product.
  const zoneTicks = ((mid * zoneBps) / 10_000) * (1 + 1e-12);
  return {
    top: ratio(bidQty, askQty),
    zonal: ratio(lotsWithin(book.bids, mid, zoneTicks), lotsWithin(book.asks, mid, zoneTicks)),
  };
}
