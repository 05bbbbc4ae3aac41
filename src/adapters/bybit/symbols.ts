/**
 * Bybit linear topic names and instrument specs. Topics are `<kind>.<symbol>` or
 * `orderbook.<depth>.<symbol>`; the symbol is the venue's own (BTCUSDT).
 */
import type { InstrumentSpec } from '../../model/instrument.ts';
import { BYBIT_BOOK_DEPTHS, BYBIT_STATUS } from './constants.ts';
import type { BybitRestInstrument } from './messages.ts';

/** Returns the smallest offered depth at or above `depth` (the largest when none is). */
export function bybitDepth(depth: number): number {
  for (const d of BYBIT_BOOK_DEPTHS) if (d >= depth) return d;
  return BYBIT_BOOK_DEPTHS[BYBIT_BOOK_DEPTHS.length - 1]!;
}

/** Returns `orderbook.<depth>.<symbol>` with the depth rounded up to one Bybit offers. */
export function bybitBookTopic(symbol: string, depth: number): string {
  return `orderbook.${bybitDepth(depth)}.${symbol}`;
}

/** Returns `publicTrade.<symbol>`. */
export function bybitTradeTopic(symbol: string): string {
  return `publicTrade.${symbol}`;
}

/** Returns `tickers.<symbol>`. */
export function bybitTickerTopic(symbol: string): string {
  return `tickers.${symbol}`;
}

export interface BybitTopic {
  readonly kind: string;
  readonly symbol: string;
  readonly depth?: number;
}

/** Splits a topic into its kind, symbol and (for books) depth; undefined when it has no symbol. */
export function parseBybitTopic(topic: string): BybitTopic | undefined {
  const first = topic.indexOf('.');
  if (first <= 0) return undefined;
  const kind = topic.slice(0, first);
  if (kind === 'orderbook') {
    const second = topic.indexOf('.', first + 1);
    if (second < 0) return undefined;
    const depth = Number(topic.slice(first + 1, second));
    const symbol = topic.slice(second + 1);
    return Number.isInteger(depth) && depth > 0 && symbol ? { kind, symbol, depth } : undefined;
  }
  const symbol = topic.slice(first + 1);
  return symbol ? { kind, symbol } : undefined;
}

/** True for the contracts Fleet trades on Bybit linear: USDT-quoted perpetuals. */
export function isBybitUsdtPerp(row: BybitRestInstrument): boolean {
  return row.contractType === 'LinearPerpetual' && row.quoteCoin === 'USDT';
}

/** Returns our spec of one instruments-info row (callers filter with isBybitUsdtPerp first). */
export function bybitInstrumentSpec(row: BybitRestInstrument): InstrumentSpec {
  const launch = Number(row.launchTime);
  const lot = row.lotSizeFilter;
  return {
    venue: 'bybit-linear',
    symbol: row.symbol,
    kind: 'perp',
    base: row.baseCoin,
    quote: row.quoteCoin,
    tickSize: row.priceFilter.tickSize,
    lotSize: lot.qtyStep,
    ...(lot.minOrderQty ? { minQty: lot.minOrderQty } : {}),
    ...(lot.minNotionalValue ? { minNotional: lot.minNotionalValue } : {}),
    contractSize: '1',
    // An unknown status is not a reason to trade: treat it as halted until the map learns it.
    status: BYBIT_STATUS[row.status] ?? 'halted',
    ...(Number.isFinite(launch) && launch > 0 ? { listedAt: launch } : {}),
  };
}
