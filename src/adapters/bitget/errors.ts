/**
 * Bitget v2 error codes classed once: retryable, non-retryable or fatal, with a reason. Bitget
 * sends the code as a string ("40009"); 429 is both its HTTP status and its code for rate limits.
 *
 * Source: https://www.bitget.com/api-doc/common/error-code/restapi (and the spot and futures
 * error-code pages for 43xxx / 22xxx / 45xxx).
 */
import { classifyVenueError, type VenueErrorClass } from '../venueErrors.ts';

export type { VenueErrorClass };

export const BITGET_ERRORS: Readonly<Record<number, VenueErrorClass>> = {
  429: { class: 'retryable', reason: 'too many requests: back off', retryAfterMs: 1_000 },
  22002: { class: 'non-retryable', reason: 'no position to close (reduce-only)' },
  40006: { class: 'fatal', reason: 'invalid ACCESS_KEY' },
  40008: { class: 'retryable', reason: 'request timestamp expired: resync the clock offset, then retry' },
  40009: { class: 'fatal', reason: 'signature error: check the API secret' },
  40010: { class: 'retryable', reason: 'request timed out: outcome unknown, query the order by clientOid' },
  40012: { class: 'fatal', reason: 'API key or passphrase incorrect' },
  40014: { class: 'fatal', reason: 'API key lacks the permission for this action' },
  40015: { class: 'retryable', reason: 'venue system error' },
  40017: { class: 'non-retryable', reason: 'parameter verification failed' },
  40018: { class: 'fatal', reason: 'request IP not in the API key whitelist' },
  40019: { class: 'non-retryable', reason: 'a required parameter is empty' },
  40034: { class: 'non-retryable', reason: 'parameter does not exist' },
  40037: { class: 'fatal', reason: 'API key does not exist' },
  40109: { class: 'non-retryable', reason: 'order not found' },
  40305: { class: 'non-retryable', reason: 'clientOid too long or not plain characters' },
  40708: { class: 'non-retryable', reason: 'duplicate clientOid: the order exists already' },
  40725: { class: 'retryable', reason: 'venue service returned an error' },
  40762: { class: 'non-retryable', reason: 'order amount exceeds the available balance' },
  40768: { class: 'non-retryable', reason: 'order does not exist' },
  40774: { class: 'non-retryable', reason: 'order type does not match the position mode' },
  40786: { class: 'non-retryable', reason: 'duplicate clientOid: the order exists already' },
  40808: { class: 'non-retryable', reason: 'parameter verification exception (size or price precision)' },
  41103: { class: 'non-retryable', reason: 'price precision does not match the tick size' },
  43001: { class: 'non-retryable', reason: 'order does not exist' },
  43012: { class: 'non-retryable', reason: 'insufficient balance' },
  45110: { class: 'non-retryable', reason: 'order notional below the minimum' },
};

const TABLES = { codes: BITGET_ERRORS, statuses: { 429: BITGET_ERRORS[429]! }, codeName: 'code' } satisfies Parameters<typeof classifyVenueError>[0];

/** Returns the class and reason of a Bitget code (or of the HTTP status when the code is unknown). */
export function classify(code: number | string | undefined, httpStatus: number): VenueErrorClass {
  return classifyVenueError(TABLES, code, httpStatus);
}
