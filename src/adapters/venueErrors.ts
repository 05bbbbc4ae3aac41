/**
 * One rule for turning a venue's error into a class (src/core/errors.ts): the venue's own code
 * when its table knows it, else what the HTTP status says (rate limits, 5xx with an unknown
 * outcome, 401). Each venue's errors.ts holds only its tables.
 */
import type { ErrorClass } from '../core/errors.ts';

export interface VenueErrorClass {
  readonly class: ErrorClass;
  readonly reason: string;
  readonly retryAfterMs?: number;
}

export interface VenueErrorTables {
  /** By the venue's error code. */
  readonly codes: Readonly<Record<number, VenueErrorClass>>;
  /** By HTTP status, consulted when the code is unknown (429, a venue's IP-limit status, …). */
  readonly statuses: Readonly<Record<number, VenueErrorClass>>;
  /** Statuses that win over any code (Binance's 418 IP ban). */
  readonly statusFirst?: readonly number[];
  /** What the venue calls its code, for the reason text (`retCode`, `code`). */
  readonly codeName?: string;
}

/** Returns the class and reason of a venue error from its code and HTTP status. */
export function classifyVenueError(t: VenueErrorTables, code: number | string | undefined, httpStatus: number): VenueErrorClass {
  if (t.statusFirst?.includes(httpStatus) && t.statuses[httpStatus]) return t.statuses[httpStatus];
  const known = code === undefined ? undefined : t.codes[Number(code)];
  if (known) return known;
  const byStatus = t.statuses[httpStatus];
  if (byStatus) return byStatus;
  if (httpStatus >= 500) return { class: 'retryable', reason: `venue error HTTP ${httpStatus}: outcome unknown` };
  if (httpStatus === 401) return { class: 'fatal', reason: 'not authorized' };
  return { class: 'non-retryable', reason: `rejected (${t.codeName ?? 'code'} ${code ?? 'none'}, HTTP ${httpStatus})` };
}
