/**
 * Bybit v5 `retCode`s classed once: retryable, non-retryable or fatal, with a reason. Bybit
 * answers most errors with HTTP 200 and a non-zero retCode; HTTP 403 is the IP limit ("access too
 * frequent", wait at least 10 minutes).
 *
 * Sources: https://bybit-exchange.github.io/docs/v5/error, https://bybit-exchange.github.io/docs/v5/rate-limit
 */
import { classifyVenueError, type VenueErrorClass } from '../venueErrors.ts';

export type { VenueErrorClass };

export const BYBIT_ERRORS: Readonly<Record<number, VenueErrorClass>> = {
  10000: { class: 'retryable', reason: 'server timeout: outcome unknown, query the order by orderLinkId' },
  10001: { class: 'non-retryable', reason: 'request parameter error' },
  10002: { class: 'retryable', reason: 'timestamp outside recv_window: resync the clock offset, then retry' },
  10003: { class: 'fatal', reason: 'API key invalid' },
  10004: { class: 'fatal', reason: 'signature error: check the API secret' },
  10005: { class: 'fatal', reason: 'permission denied for this API key' },
  10006: { class: 'retryable', reason: 'too many visits (UID rate limit): back off', retryAfterMs: 1_000 },
  10007: { class: 'fatal', reason: 'user authentication failed' },
  10010: { class: 'fatal', reason: 'request IP not bound to this API key' },
  10016: { class: 'retryable', reason: 'venue internal error' },
  10017: { class: 'non-retryable', reason: 'route not found' },
  10018: { class: 'retryable', reason: 'IP rate limit exceeded', retryAfterMs: 600_000 },
  33004: { class: 'fatal', reason: 'API key expired' },
  34040: { class: 'non-retryable', reason: 'not modified: the amend asks for what the order already is' },
  110001: { class: 'non-retryable', reason: 'order does not exist' },
  110003: { class: 'non-retryable', reason: 'price out of the allowed range' },
  110004: { class: 'non-retryable', reason: 'wallet balance insufficient' },
  110007: { class: 'non-retryable', reason: 'available balance insufficient' },
  110012: { class: 'non-retryable', reason: 'available balance insufficient to close' },
  110017: { class: 'non-retryable', reason: 'reduce-only would increase the position' },
  110072: { class: 'non-retryable', reason: 'duplicate orderLinkId: the order exists, query it by client id' },
  110079: { class: 'retryable', reason: 'the order is still processing an earlier request: try again shortly' },
  110094: { class: 'non-retryable', reason: 'order notional below the minimum' },
  170131: { class: 'non-retryable', reason: 'spot balance insufficient' },
};

/** retCodes meaning "this orderLinkId already exists" (a repeated create). */
export const BYBIT_DUPLICATE_CODES: readonly string[] = ['110072'];
/** retCodes meaning "no such open order" (cancel or amend of an order unknown or already closed). */
export const BYBIT_NOT_FOUND_CODES: readonly string[] = ['110001'];

const TABLES = { codes: BYBIT_ERRORS, statuses: { 403: { class: 'retryable', reason: 'IP rate limit (access too frequent): wait 10 minutes', retryAfterMs: 600_000 }, 429: { class: 'retryable', reason: 'rate limited: back off', retryAfterMs: 1_000 } }, codeName: 'retCode' } satisfies Parameters<typeof classifyVenueError>[0];

/** Returns the class and reason of a Bybit retCode (or of the HTTP status when the code is unknown). */
export function classify(code: number | string | undefined, httpStatus: number): VenueErrorClass {
  return classifyVenueError(TABLES, code, httpStatus);
}
