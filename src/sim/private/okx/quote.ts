/**
 * Quote-sized market buys (OKX spot `tgtCcy=quote_ccy`, the default for buys; Bitget spot market
 * buys, always): the venue spends a quote amount, the engine takes a base quantity. The amount is
 * walked down the venue's current asks and floored to the lot, which is what the venue's own
 * matching would buy.
 */
import { add, cmp, decText, div, mul, parseDec, sub, ZERO, type Dec } from '../../../model/decimal.ts';
import type { PriceLevel } from '../../protocolServer.ts';

/** Returns the base quantity (on the lot grid) `quote` buys from `asks` (best first); "0" when none. */
export function baseForQuote(quote: string, asks: readonly PriceLevel[], lotSize: string): string {
  const lot = parseDec(lotSize);
  let left = parseDec(quote);
  if (!lot || lot.v <= 0n || !left) return '0';
  let base: Dec = ZERO;
  for (const [pxText, qtyText] of asks) {
    const px = parseDec(pxText);
    const qty = parseDec(qtyText);
    if (!px || !qty || px.v <= 0n) continue;
    const cost = mul(px, qty);
    if (cmp(left, cost) >= 0) {
      base = add(base, qty);
      left = sub(left, cost);
      continue;
    }
    base = add(base, div(left, px, qty.s + lot.s + 8, 'floor'));
    break;
  }
  // Floor to whole lots: lots = floor(base / lot).
  const lots = div(base, lot, 0, 'floor');
  return decText(mul(lots, lot));
}
