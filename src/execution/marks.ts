/**
 * The price positions are marked at: the mid of the instrument's synced book (exact, as a decimal
 * string, half a tick finer when the spread is odd), else the venue's mark price, else the last
 * trade. Undefined when nothing is known: the ledger then values the position at its entry.
 */
import { add, decText, mul, parseDec } from '../model/decimal.ts';
import type { MarketData } from '../market/marketData.ts';

const HALF = { v: 5n, s: 1 };

/** Returns the mark of an instrument as a decimal string, or undefined. */
export function markOf(market: MarketData | undefined, id: string): string | undefined {
  const feed = market?.feeds.get(id);
  if (!market || !feed) return undefined;
  const inst = feed.instrument;
  const sync = market.tradableBook(id);
  if (sync) {
    const bid = sync.book.bids.best();
    const ask = sync.book.asks.best();
    if (Number.isFinite(bid) && Number.isFinite(ask)) return decText(mul(add(parseDec(inst.price.toText(bid))!, parseDec(inst.price.toText(ask))!), HALF));
  }
  const m = feed.funding?.markPrice ?? feed.ticker?.last;
  return m !== undefined && Number.isFinite(m) ? inst.price.toText(Math.round(m)) : undefined;
}
