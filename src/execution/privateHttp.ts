/**
 * The one path every signed venue request takes: the venue's rate limiter first (cancels ahead
 * of everything), then the venue's signing, then the wire, then the venue's envelope read and its
 * error table applied once. A rate-limit answer penalizes the limiter for the whole account.
 * Retries with backoff happen here and only for retryable classes, and only for calls that are
 * safe to repeat (`retry: true`: reads). Places, amends and cancels are not repeated after a
 * timeout or 5xx: venues refuse a repeated client order id only while that order is open, so a
 * place that filled at once would be placed again. Such an error is thrown as it is: the order's
 * outcome is unknown and the order manager queries it. A rate-limit answer (the venue did not
 * act) is retried for every call.
 */
import type { Clock } from '../core/clock.ts';
import { ErrorCodes, FleetError, type ErrorCode } from '../core/errors.ts';
import type { VenueId } from '../config/schema.ts';
import { RestClient, type HttpMethod, type RawResponse } from '../adapters/rest.ts';
import type { VenueErrorClass } from '../adapters/venueErrors.ts';
import { RateLimiter, type VenueRateLimits } from './rateLimiter.ts';
import type { PrivateAdapterOptions, VenueCallDetails } from './types.ts';

export type Params = Readonly<Record<string, string | number | boolean | undefined>>;

export interface PrivateCall {
  /** The rate-limit endpoint key (adapters/<venue>/limits.ts). */
  readonly endpoint: string;
  readonly method: HttpMethod;
  /** The venue path, e.g. `/v5/order/create`. */
  readonly path: string;
  /** Query parameters (GET, DELETE) or body fields (POST, PUT), as the venue's signing wants them. */
  readonly params?: Params;
  /** Scope for per-instrument buckets. */
  readonly scope?: string;
  /** Safe to repeat on a retryable error (reads; places keyed by client order id). */
  readonly retry: boolean;
  /** Overrides the REST client's timeout. */
  readonly timeoutMs?: number;
}

export interface SignedRequest {
  /** Path and query, appended to the base URL. */
  readonly pathAndQuery: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The venue's envelope: data on success, its code and message on failure. */
export type Unwrapped = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly code?: string; readonly message: string };

/** What a venue supplies: signing, its envelope, its error table. */
export interface VenueWire {
  readonly venue: VenueId;
  sign(call: PrivateCall, now: number): SignedRequest;
  unwrap(res: RawResponse): Unwrapped;
  classify(code: string | undefined, httpStatus: number): VenueErrorClass;
  /** Codes meaning "this client order id already exists" and "no such order". */
  readonly duplicateCodes?: readonly string[];
  readonly notFoundCodes?: readonly string[];
}

export interface PrivateHttpOptions {
  readonly clock: Clock;
  readonly rest: RestClient;
  readonly limiter: RateLimiter;
  readonly wire: VenueWire;
  /** Attempts for retryable calls (1 = no retry). */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onRetry?: (call: PrivateCall, err: FleetError, attempt: number, delayMs: number) => void;
}

export class PrivateHttp {
  constructor(private readonly o: PrivateHttpOptions) {}

  /** Returns the `data` of the venue's envelope; throws a classed FleetError with VenueCallDetails. */
  async call<T = unknown>(call: PrivateCall): Promise<T> {
    const attempts = this.o.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.once(call)) as T;
      } catch (e) {
        if (!(e instanceof FleetError) || e.errorClass !== 'retryable' || attempt >= attempts) throw e;
        // A rate-limit answer means the venue did not act, so any call may repeat it; after a
        // timeout or a 5xx only a repeatable call is sent again.
        if (!call.retry && e.code !== ErrorCodes.VENUE_RATE_LIMITED) throw e;
        const hinted = (e.details as VenueCallDetails | undefined)?.retryAfterMs ?? 0;
        const delay = Math.min(this.o.maxDelayMs ?? 10_000, Math.max(hinted, (this.o.baseDelayMs ?? 250) * 2 ** (attempt - 1)));
        this.o.onRetry?.(call, e, attempt, delay);
        await new Promise<void>((resolve) => this.o.clock.setTimeout(resolve, delay));
      }
    }
  }

  private async once(call: PrivateCall): Promise<unknown> {
    const { wire, limiter, rest, clock } = this.o;
    await limiter.acquire(call.endpoint, call.scope !== undefined ? { scope: call.scope } : {});
    const signed = wire.sign(call, clock.now());
    let res: RawResponse;
    try {
      res = await rest.send({
        method: call.method,
        url: rest.baseUrl.replace(/\/$/, '') + signed.pathAndQuery,
        headers: signed.headers,
        ...(signed.body !== undefined ? { body: signed.body } : {}),
        ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
      });
    } catch (e) {
      if (e instanceof FleetError) {
        const details: VenueCallDetails = { venue: wire.venue, endpoint: call.endpoint, reason: e.message };
        throw new FleetError(e.code, `${wire.venue} ${call.endpoint}: ${e.message}`, e.errorClass, details);
      }
      throw e;
    }
    let env: Unwrapped;
    try {
      env = wire.unwrap(res);
    } catch (e) {
      env = { ok: false, message: `unreadable answer (HTTP ${res.status}): ${res.text.slice(0, 160)}` };
      if (res.status < 400) {
        throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `${wire.venue} ${call.endpoint}: ${env.message}`, 'retryable', {
          venue: wire.venue, endpoint: call.endpoint, httpStatus: res.status, reason: env.message,
        } satisfies VenueCallDetails);
      }
    }
    if (env.ok) return env.data;
    const cls = wire.classify(env.code, res.status);
    const headerWait = Number(res.headers.get('retry-after'));
    const retryAfterMs = Number.isFinite(headerWait) && headerWait > 0 ? headerWait * 1000 : cls.retryAfterMs;
    const rateLimited = res.status === 429 || res.status === 418 || (cls.retryAfterMs !== undefined && cls.class === 'retryable');
    if (rateLimited) limiter.penalize(retryAfterMs ?? 1000);
    const details: VenueCallDetails = {
      venue: wire.venue,
      endpoint: call.endpoint,
      httpStatus: res.status,
      ...(env.code !== undefined ? { venueCode: env.code } : {}),
      venueMessage: env.message,
      reason: cls.reason,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(env.code !== undefined && wire.duplicateCodes?.includes(env.code) ? { duplicate: true } : {}),
      ...(env.code !== undefined && wire.notFoundCodes?.includes(env.code) ? { notFound: true } : {}),
    };
    const code: ErrorCode = rateLimited
      ? ErrorCodes.VENUE_RATE_LIMITED
      : res.status >= 500 || cls.class === 'retryable'
        ? ErrorCodes.VENUE_UNAVAILABLE
        : ErrorCodes.VENUE_REJECTED;
    const codeText = env.code !== undefined ? ` (code ${env.code})` : '';
    throw new FleetError(code, `${wire.venue} ${call.endpoint}: ${cls.reason}${codeText}: ${env.message}`, cls.class, details);
  }
}

/** The REST client, the account's rate limiter and the signed-call path a private adapter runs on. */
export interface PrivateTransport {
  readonly rest: RestClient;
  readonly limiter: RateLimiter;
  readonly http: PrivateHttp;
}

/** Builds an adapter's transport from its options: one place for timeouts, limits, retries and their log line. */
export function privateTransport(o: PrivateAdapterOptions, limits: VenueRateLimits, wire: VenueWire): PrivateTransport {
  const rest = new RestClient(o.restUrl, { clock: o.clock, ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) });
  const limiter = new RateLimiter(limits, o.clock);
  const http = new PrivateHttp({
    clock: o.clock,
    rest,
    limiter,
    wire,
    ...(o.attempts !== undefined ? { attempts: o.attempts } : {}),
    onRetry: (call, err, attempt, delayMs) => o.logger.warn({ venue: o.venue, endpoint: call.endpoint, code: err.code, attempt, delayMs, err: err.message }, 'private call retried'),
  });
  return { rest, limiter, http };
}
