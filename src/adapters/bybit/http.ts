/**
 * Bybit v5 REST endpoints used by the public adapter, one function each, all through RestClient.
 */
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import { makeInstrument, type Instrument } from '../../model/instrument.ts';
import type { BookSnapshot } from '../../model/market.ts';
import type { RestClient } from '../rest.ts';
import { BYBIT_INSTRUMENTS_PAGE, BYBIT_PATHS, BYBIT_REST_BOOK_MAX } from './constants.ts';
import type { BybitRestEnvelope, BybitRestInstrumentsResult, BybitRestOrderbookResult } from './messages.ts';
import { parseBybitRestOrderbook } from './parse.ts';
import { bybitInstrumentSpec, isBybitUsdtPerp } from './symbols.ts';

/** A runaway cursor (the venue repeating itself) must not loop forever. */
const MAX_PAGES = 100;

/** Returns the result of a Bybit envelope, throwing a classed error when retCode is not 0. */
function unwrap<T>(env: BybitRestEnvelope<T>, what: string): T {
  if (typeof env !== 'object' || env === null || typeof env.retCode !== 'number') {
    throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `${what}: not a Bybit envelope`, 'retryable');
  }
  if (env.retCode !== 0) {
    // 10006 / 10018 are Bybit's rate-limit codes; everything else means the request was wrong.
    const limited = env.retCode === 10006 || env.retCode === 10018;
    throw new FleetError(limited ? ErrorCodes.VENUE_RATE_LIMITED : ErrorCodes.VENUE_REJECTED, `${what}: retCode ${env.retCode} ${env.retMsg}`, limited ? 'retryable' : 'non-retryable', { retCode: env.retCode });
  }
  return env.result;
}

/**
 * Returns every USDT-quoted linear perpetual, following `nextPageCursor` through the whole
 * linear universe. A row whose tick or lot cannot be read is skipped rather than failing the
 * universe.
 */
export async function fetchBybitInstruments(rest: RestClient): Promise<Instrument[]> {
  const out: Instrument[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const env = await rest.get<BybitRestEnvelope<BybitRestInstrumentsResult>>(BYBIT_PATHS.instruments, {
      category: 'linear',
      limit: BYBIT_INSTRUMENTS_PAGE,
      cursor,
    });
    const result = unwrap(env, 'instruments-info');
    if (!Array.isArray(result?.list)) throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, 'instruments-info: no list', 'retryable');
    for (const row of result.list) {
      if (!isBybitUsdtPerp(row) || seen.has(row.symbol)) continue;
      try {
        out.push(makeInstrument(bybitInstrumentSpec(row)));
        seen.add(row.symbol);
      } catch {
        // A malformed tick or lot: leave the symbol out; the rest of the universe stays usable.
      }
    }
    const next = result.nextPageCursor;
    if (!next || next === cursor) return out;
    cursor = next;
  }
  throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `instruments-info: more than ${MAX_PAGES} pages`, 'retryable');
}

/** Returns a REST book snapshot of up to `depth` levels per side (seq = the book's u). */
export async function fetchBybitOrderbook(rest: RestClient, inst: Instrument, depth: number, tsRecv: () => number): Promise<BookSnapshot> {
  const env = await rest.get<BybitRestEnvelope<BybitRestOrderbookResult>>(BYBIT_PATHS.orderbook, {
    category: 'linear',
    symbol: inst.symbol,
    limit: Math.max(1, Math.min(depth, BYBIT_REST_BOOK_MAX)),
  });
  const parsed = parseBybitRestOrderbook(unwrap(env, 'orderbook'), inst, tsRecv());
  if (!parsed.ok) throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `orderbook: ${parsed.problem} ${parsed.detail}`, 'retryable');
  return parsed.snapshot;
}
