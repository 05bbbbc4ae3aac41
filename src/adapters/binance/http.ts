/**
 * Binance REST endpoints, one function each, all through the shared RestClient: exchangeInfo (the
 * whole universe in one answer; Binance does not page it), the depth snapshot a resync starts
 * from, and the futures premium index (funding without a stream).
 */
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookSnapshot, Funding } from '../../model/market.ts';
import type { RestClient } from '../rest.ts';
import type { BinanceMarket } from './constants.ts';
import { parsePremiumIndex, parseRestDepth } from './parse.ts';
import { instrumentsFromSpecs, specsFromExchangeInfo } from './symbols.ts';

function invalid(what: string, detail: string): FleetError {
  return new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `${what}: ${detail}`, 'retryable');
}

/** Returns every instrument the market lists (perpetuals only on futures). */
export async function fetchExchangeInfo(rest: RestClient, market: BinanceMarket): Promise<Instrument[]> {
  const body = await rest.get<unknown>(market.paths.exchangeInfo, market.exchangeInfoQuery);
  if (!Array.isArray((body as { symbols?: unknown } | null)?.symbols)) throw invalid(`${market.venue} exchangeInfo`, 'no symbols list');
  return instrumentsFromSpecs(specsFromExchangeInfo(market, body));
}

/** Returns the smallest `limit` the depth endpoint accepts that covers `depth` levels (capped). */
export function snapshotLimit(market: BinanceMarket, depth: number): number {
  const limits = market.depthLimits;
  return limits.find((l) => l >= depth) ?? limits[limits.length - 1]!;
}

/** Returns the REST depth snapshot whose lastUpdateId the diff stream is synced against. */
export async function fetchDepthSnapshot(rest: RestClient, market: BinanceMarket, inst: Instrument, depth: number, tsRecv: () => number): Promise<BookSnapshot> {
  const body = await rest.get<unknown>(market.paths.depth, { symbol: inst.symbol, limit: snapshotLimit(market, depth) });
  const parsed = parseRestDepth(body, inst, tsRecv());
  if (!parsed.ok) throw invalid(`${market.venue} depth ${inst.symbol}`, `${parsed.problem}: ${parsed.detail}`);
  return parsed.value;
}

/** Returns funding for one symbol, or for every known symbol when none is given (futures only). */
export async function fetchPremiumIndex(rest: RestClient, market: BinanceMarket, lookup: InstrumentLookup, tsRecv: () => number, symbol?: string): Promise<Funding[]> {
  const path = market.paths.premiumIndex;
  if (!path) throw new FleetError(ErrorCodes.VENUE_REJECTED, `${market.venue} has no premium index`, 'non-retryable');
  const body = await rest.get<unknown>(path, { symbol });
  const parsed = parsePremiumIndex(body, tsRecv(), lookup);
  if (!parsed.ok) throw invalid(`${market.venue} premiumIndex`, `${parsed.problem}: ${parsed.detail}`);
  return parsed.value;
}
