/**
 * Binance names: stream names from symbols and back (streams are the lower-cased symbol plus a
 * suffix), and instrument specs from exchangeInfo (PRICE_FILTER tick, LOT_SIZE step and minimum,
 * MIN_NOTIONAL / NOTIONAL, status).
 */
import { makeInstrument, type Instrument, type InstrumentSpec } from '../../model/instrument.ts';
import { parseDecimal } from '../../model/scale.ts';
import { DEPTH_STREAM_SUFFIX, type BinanceMarket } from './constants.ts';
import type { BinanceRestFilter, BinanceRestSymbol } from './messages.ts';

/** Returns the stream-name form of a symbol (Binance stream names are lower case). */
export function streamSymbol(symbol: string): string {
  return symbol.toLowerCase();
}

/** Returns the diff depth stream of a symbol (`btcusdt@depth@100ms`). */
export function depthTopic(symbol: string): string {
  return streamSymbol(symbol) + DEPTH_STREAM_SUFFIX;
}

/** Returns every stream one instrument is subscribed to on this market, the book first. */
export function topicsFor(market: BinanceMarket, symbol: string): string[] {
  const s = streamSymbol(symbol);
  return [depthTopic(symbol), ...market.extraStreams.map((suffix) => s + suffix)];
}

/** Returns the venue symbol a stream name belongs to (`btcusdt@aggTrade` → `BTCUSDT`). */
export function symbolOfTopic(topic: string): string {
  const at = topic.indexOf('@');
  return (at < 0 ? topic : topic.slice(0, at)).toUpperCase();
}

const isPositiveDecimal = (s: unknown): s is string => typeof s === 'string' && (parseDecimal(s)?.units ?? 0) > 0;

function filterOf(sym: BinanceRestSymbol, type: string): BinanceRestFilter | undefined {
  return sym.filters.find((f) => f.filterType === type);
}

/**
 * Returns the instrument spec of one exchangeInfo symbol, or undefined for one we do not trade:
 * futures that are not perpetual (InstrumentKind has no dated future), or a malformed entry.
 */
export function specOfSymbol(market: BinanceMarket, sym: BinanceRestSymbol): InstrumentSpec | undefined {
  if (typeof sym !== 'object' || sym === null || !Array.isArray(sym.filters)) return undefined;
  if (typeof sym.symbol !== 'string' || typeof sym.baseAsset !== 'string' || typeof sym.quoteAsset !== 'string') return undefined;
  if (market.kind === 'perp' && !(typeof sym.contractType === 'string' && sym.contractType.endsWith('PERPETUAL'))) return undefined;
  const tickSize = filterOf(sym, 'PRICE_FILTER')?.tickSize;
  const lot = filterOf(sym, 'LOT_SIZE');
  if (!isPositiveDecimal(tickSize) || !isPositiveDecimal(lot?.stepSize)) return undefined;
  // Futures name it MIN_NOTIONAL.notional; spot NOTIONAL.minNotional (MIN_NOTIONAL.minNotional before 2023).
  const minNotional = filterOf(sym, 'MIN_NOTIONAL')?.notional ?? filterOf(sym, 'NOTIONAL')?.minNotional ?? filterOf(sym, 'MIN_NOTIONAL')?.minNotional;
  return {
    venue: market.venue,
    symbol: sym.symbol,
    kind: market.kind,
    base: sym.baseAsset,
    quote: sym.quoteAsset,
    tickSize,
    lotSize: lot!.stepSize!,
    ...(isPositiveDecimal(lot?.minQty) ? { minQty: lot!.minQty } : {}),
    ...(isPositiveDecimal(minNotional) ? { minNotional } : {}),
    contractSize: '1',
    status: market.status[sym.status] ?? 'halted',
    ...(typeof sym.onboardDate === 'number' && sym.onboardDate > 0 ? { listedAt: sym.onboardDate } : {}),
  };
}

/** Returns the specs of every tradable kind of symbol in an exchangeInfo body (empty when it has none). */
export function specsFromExchangeInfo(market: BinanceMarket, body: unknown): InstrumentSpec[] {
  const symbols = (body as { symbols?: unknown } | null)?.symbols;
  if (!Array.isArray(symbols)) return [];
  const out: InstrumentSpec[] = [];
  for (const sym of symbols as BinanceRestSymbol[]) {
    const spec = specOfSymbol(market, sym);
    if (spec) out.push(spec);
  }
  return out;
}

/** Returns instruments built from exchangeInfo specs, skipping any whose grid a Scale cannot hold. */
export function instrumentsFromSpecs(specs: readonly InstrumentSpec[]): Instrument[] {
  const out: Instrument[] = [];
  for (const spec of specs) {
    try {
      out.push(makeInstrument(spec));
    } catch {
      // A step with more decimals than a Scale holds: not tradable here, and not worth failing the universe.
    }
  }
  return out;
}
