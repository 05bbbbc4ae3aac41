/**
 * OKX v5 error codes classed once: retryable, non-retryable or fatal, with a reason. For batch
 * and order endpoints the top-level code is 1 (or 2) and the per-order `sCode` carries the
 * reason: the adapter passes `sCode` here.
 *
 * Source: https://www.okx.com/docs-v5/en/#error-code (REST API error codes 50000–51999).
 */
import { classifyVenueError, type VenueErrorClass } from '../venueErrors.ts';

export type { VenueErrorClass };

export const OKX_ERRORS: Readonly<Record<number, VenueErrorClass>> = {
  50001: { class: 'retryable', reason: 'service temporarily unavailable', retryAfterMs: 1_000 },
  50004: { class: 'retryable', reason: 'endpoint request timeout: outcome unknown, query the order by clOrdId' },
  50011: { class: 'retryable', reason: 'rate limit reached: back off', retryAfterMs: 2_000 },
  50013: { class: 'retryable', reason: 'system busy', retryAfterMs: 1_000 },
  50014: { class: 'non-retryable', reason: 'mandatory parameter missing' },
  50026: { class: 'retryable', reason: 'system error' },
  50061: { class: 'retryable', reason: 'sub-account order rate limit reached: back off', retryAfterMs: 2_000 },
  50100: { class: 'fatal', reason: 'API key frozen' },
  50101: { class: 'fatal', reason: 'API key does not match the environment (demo vs live)' },
  50102: { class: 'retryable', reason: 'timestamp request expired: resync the clock offset, then retry' },
  50103: { class: 'fatal', reason: 'OK-ACCESS-KEY header missing' },
  50105: { class: 'fatal', reason: 'passphrase incorrect' },
  50110: { class: 'fatal', reason: 'request IP not in the API key whitelist' },
  50111: { class: 'fatal', reason: 'invalid OK-ACCESS-KEY' },
  50112: { class: 'retryable', reason: 'invalid OK-ACCESS-TIMESTAMP: resync the clock offset' },
  50113: { class: 'fatal', reason: 'invalid signature: check the API secret' },
  50114: { class: 'fatal', reason: 'invalid authorization' },
  50120: { class: 'fatal', reason: 'API key lacks the trade permission' },
  51000: { class: 'non-retryable', reason: 'parameter error' },
  51001: { class: 'non-retryable', reason: 'instrument does not exist' },
  51006: { class: 'non-retryable', reason: 'order price outside the price limit' },
  51008: { class: 'non-retryable', reason: 'insufficient balance or margin' },
  51016: { class: 'non-retryable', reason: 'duplicate clOrdId: the order exists, query it by client id' },
  51020: { class: 'non-retryable', reason: 'order size below the minimum' },
  51109: { class: 'non-retryable', reason: 'no liquidity on the other side of the book' },
  51112: { class: 'non-retryable', reason: 'reduce-only size exceeds the position' },
  51121: { class: 'non-retryable', reason: 'size is not a multiple of the lot size' },
  51131: { class: 'non-retryable', reason: 'insufficient balance' },
  51139: { class: 'non-retryable', reason: 'reduce-only is unavailable for spot' },
  51169: { class: 'non-retryable', reason: 'reduce-only with no position to reduce' },
  51170: { class: 'non-retryable', reason: 'reduce-only in the same direction as the position' },
  51204: { class: 'non-retryable', reason: 'limit order without a price' },
  51400: { class: 'non-retryable', reason: 'cancel failed: order already filled, cancelled or unknown' },
  51401: { class: 'non-retryable', reason: 'cancel failed: order already cancelled' },
  51402: { class: 'non-retryable', reason: 'cancel failed: order already completed' },
  51500: { class: 'non-retryable', reason: 'amend failed: neither a new price nor a new size' },
  51502: { class: 'non-retryable', reason: 'amend failed: insufficient margin' },
  51503: { class: 'non-retryable', reason: 'amend failed: order does not exist' },
  51506: { class: 'non-retryable', reason: 'amend unavailable for this order type' },
  51509: { class: 'non-retryable', reason: 'amend failed: order already cancelled' },
  51510: { class: 'non-retryable', reason: 'amend failed: order already completed' },
  51511: { class: 'non-retryable', reason: 'amend failed: the new price would make the post-only order take' },
  51603: { class: 'non-retryable', reason: 'order does not exist' },
};

const TABLES = { codes: OKX_ERRORS, statuses: { 429: { class: 'retryable', reason: 'rate limited: back off', retryAfterMs: 2_000 } }, codeName: 'code' } satisfies Parameters<typeof classifyVenueError>[0];

/** sCodes meaning the clOrdId is already taken: a repeated place found its own order. */
export const OKX_DUPLICATE_CODES: readonly string[] = ['51016'];
/** Codes meaning the order is gone or never existed (cancel, amend, order details). */
export const OKX_NOT_FOUND_CODES: readonly string[] = ['51400', '51401', '51402', '51503', '51509', '51510', '51603'];

/** Returns the class and reason of an OKX code or sCode (or of the HTTP status when the code is unknown). */
export function classify(code: number | string | undefined, httpStatus: number): VenueErrorClass {
  return classifyVenueError(TABLES, code, httpStatus);
}
