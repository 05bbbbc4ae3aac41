/**
 * Errors are classed once: retryable (try again with backoff), non-retryable (this request is
 * wrong; do not repeat it) and fatal (stop and ask a human). Codes are stable strings that logs,
 * the API and tests match on.
 */

export type ErrorClass = 'retryable' | 'non-retryable' | 'fatal';

export const ErrorCodes = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_UNREADABLE: 'CONFIG_UNREADABLE',
  BAD_ARGUMENTS: 'BAD_ARGUMENTS',
  DATA_DIR_LOCKED: 'DATA_DIR_LOCKED',
  RECORD_CORRUPT: 'RECORD_CORRUPT',
  ACTOR_NOT_FOUND: 'ACTOR_NOT_FOUND',
  DAEMON_UNREACHABLE: 'DAEMON_UNREACHABLE',
  VENUE_RATE_LIMITED: 'VENUE_RATE_LIMITED',
  VENUE_UNAVAILABLE: 'VENUE_UNAVAILABLE',
  VENUE_REJECTED: 'VENUE_REJECTED',
  VENUE_RESPONSE_INVALID: 'VENUE_RESPONSE_INVALID',
  VENUE_TIMEOUT: 'VENUE_TIMEOUT',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class FleetError extends Error {
  readonly code: ErrorCode;
  readonly errorClass: ErrorClass;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, errorClass: ErrorClass = 'non-retryable', details?: unknown) {
    super(message);
    this.name = 'FleetError';
    this.code = code;
    this.errorClass = errorClass;
    this.details = details;
  }
}

/** Returns a message for any thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
