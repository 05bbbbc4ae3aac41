/**
 * Binance error codes (USD-M futures and spot share the numbering) classed once: retryable,
 * non-retryable or fatal, with a reason an operator can act on. A timeout or -1007 leaves the
 * order's outcome unknown: retryable, but the order machine resolves it by client id first.
 *
 * Sources: https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code,
 * https://developers.binance.com/docs/binance-spot-api-docs/errors,
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits (429, 418, Retry-After).
 */
import { classifyVenueError, type VenueErrorClass } from '../venueErrors.ts';

export type { VenueErrorClass };

export const BINANCE_ERRORS: Readonly<Record<number, VenueErrorClass>> = {
  [-1000]: { class: 'retryable', reason: 'unknown venue error' },
  [-1001]: { class: 'retryable', reason: 'venue internal disconnect', retryAfterMs: 1_000 },
  [-1002]: { class: 'fatal', reason: 'not authorized for this request' },
  [-1003]: { class: 'retryable', reason: 'too many requests (IP weight): back off', retryAfterMs: 60_000 },
  [-1006]: { class: 'retryable', reason: 'unexpected venue response: outcome unknown, query before retrying' },
  [-1007]: { class: 'retryable', reason: 'venue timeout: outcome unknown, query the order by client id' },
  [-1008]: { class: 'retryable', reason: 'venue overloaded', retryAfterMs: 1_000 },
  [-1015]: { class: 'retryable', reason: 'too many new orders (order rate limit): back off', retryAfterMs: 10_000 },
  [-1016]: { class: 'fatal', reason: 'service no longer available' },
  [-1021]: { class: 'retryable', reason: 'timestamp outside recvWindow: resync the clock offset, then retry' },
  [-1022]: { class: 'fatal', reason: 'invalid signature: check the API secret' },
  [-1100]: { class: 'non-retryable', reason: 'illegal characters in a parameter' },
  [-1102]: { class: 'non-retryable', reason: 'mandatory parameter missing or malformed' },
  [-1013]: { class: 'non-retryable', reason: 'filter failure (price, lot size or notional)' },
  [-1014]: { class: 'non-retryable', reason: 'unsupported order combination' },
  [-1111]: { class: 'non-retryable', reason: 'precision over the maximum for this asset' },
  [-1116]: { class: 'non-retryable', reason: 'invalid order type' },
  [-1121]: { class: 'non-retryable', reason: 'invalid symbol' },
  [-1125]: { class: 'non-retryable', reason: 'listen key does not exist: create a new one' },
  [-2010]: { class: 'non-retryable', reason: 'new order rejected' },
  [-2011]: { class: 'non-retryable', reason: 'cancel rejected (order unknown or already closed)' },
  [-2013]: { class: 'non-retryable', reason: 'order does not exist' },
  [-2014]: { class: 'fatal', reason: 'API key format invalid' },
  [-2015]: { class: 'fatal', reason: 'invalid API key, IP or permissions for this action' },
  [-2018]: { class: 'non-retryable', reason: 'balance insufficient' },
  [-2019]: { class: 'non-retryable', reason: 'margin insufficient' },
  [-2021]: { class: 'non-retryable', reason: 'order would immediately trigger' },
  [-2022]: { class: 'non-retryable', reason: 'reduce-only order rejected' },
  [-2027]: { class: 'non-retryable', reason: 'over the maximum position at this leverage' },
  [-2038]: { class: 'non-retryable', reason: 'amend keeping priority may only reduce the quantity' },
  [-4003]: { class: 'non-retryable', reason: 'quantity below zero or minimum' },
  [-4014]: { class: 'non-retryable', reason: 'price not on the tick size' },
  [-4023]: { class: 'non-retryable', reason: 'quantity not on the step size' },
  [-4061]: { class: 'non-retryable', reason: 'position side does not match the position mode' },
  [-4116]: { class: 'non-retryable', reason: 'client order id already used: query that order' },
  [-4131]: { class: 'non-retryable', reason: 'counterparty best price outside PERCENT_PRICE filter' },
  [-4164]: { class: 'non-retryable', reason: 'order notional below the minimum' },
  [-5021]: { class: 'non-retryable', reason: 'FOK order could not be filled completely' },
  [-5022]: { class: 'non-retryable', reason: 'post-only order would take liquidity' },
};

const TABLES = { codes: BINANCE_ERRORS, statuses: { 418: { class: 'retryable', reason: 'IP banned for ignoring 429s: wait for Retry-After', retryAfterMs: 120_000 }, 429: { class: 'retryable', reason: 'rate limited: back off', retryAfterMs: 1_000 } }, statusFirst: [418], codeName: 'code' } satisfies Parameters<typeof classifyVenueError>[0];

/** Returns the class and reason of a Binance error code (or of the HTTP status when the code is unknown). */
export function classify(code: number | string | undefined, httpStatus: number): VenueErrorClass {
  return classifyVenueError(TABLES, code, httpStatus);
}
