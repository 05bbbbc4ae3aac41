/**
 * The one HTTP client every venue adapter's `http.ts` goes through: a configurable base URL, a
 * timeout on the injected clock, venue errors classed once (429/418 and 5xx retryable, other 4xx
 * not), a tap that lets `fleet record` keep every response body in order, and retry with
 * exponential backoff for the retryable ones only.
 */
import type { Clock } from '../core/clock.ts';
import { ErrorCodes, FleetError, errorMessage } from '../core/errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RestTapRecord {
  readonly ts: number;
  readonly method: HttpMethod;
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

export interface RestClientOptions {
  readonly clock: Clock;
  readonly timeoutMs?: number;
  readonly tap?: (rec: RestTapRecord) => void;
}

export type Query = Record<string, string | number | boolean | undefined>;

export class RestClient {
  readonly timeoutMs: number;
  private closed = false;
  private readonly inflight = new Set<AbortController>();

  constructor(
    readonly baseUrl: string,
    private readonly opts: RestClientOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Returns the parsed JSON body of a GET; throws a classed FleetError otherwise. */
  get<T = unknown>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', this.url(path, query));
  }

  /** Returns the parsed JSON body of a POST with a JSON body. */
  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', this.url(path), JSON.stringify(body));
  }

  /**
   * Aborts every request in flight and refuses new ones (non-retryable, so no retry loop keeps a
   * stopping daemon alive waiting on a venue that is gone).
   */
  close(): void {
    this.closed = true;
    for (const c of this.inflight) c.abort();
    this.inflight.clear();
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.baseUrl.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * Sends one request and returns the status, headers and body whatever the status (signed venue
   * calls read the venue's own error envelope from a 4xx). Throws only when no answer came:
   * VENUE_TIMEOUT (the outcome is unknown), VENUE_UNAVAILABLE (network), or a closed client.
   */
  async send(req: RawRequest): Promise<RawResponse> {
    const { clock } = this.opts;
    const { method, url, body } = req;
    const stopped = (): FleetError => new FleetError(ErrorCodes.VENUE_UNAVAILABLE, `${method} ${url}: the client is closed`, 'non-retryable');
    if (this.closed) throw stopped();
    const ctl = new AbortController();
    this.inflight.add(ctl);
    const timer = clock.setTimeout(() => ctl.abort(), req.timeoutMs ?? this.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        signal: ctl.signal,
        ...(body !== undefined ? { body } : {}),
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
      });
      text = await res.text();
    } catch (e) {
      if (this.closed) throw stopped();
      if (ctl.signal.aborted) throw new FleetError(ErrorCodes.VENUE_TIMEOUT, `${method} ${url} timed out after ${req.timeoutMs ?? this.timeoutMs} ms`, 'retryable');
      throw new FleetError(ErrorCodes.VENUE_UNAVAILABLE, `${method} ${url} failed: ${errorMessage(e)}`, 'retryable');
    } finally {
      clock.clearTimeout(timer);
      this.inflight.delete(ctl);
    }
    this.opts.tap?.({ ts: clock.now(), method, url, status: res.status, body: text });
    return { status: res.status, headers: res.headers, text };
  }

  private async request<T>(method: 'GET' | 'POST', url: string, body?: string): Promise<T> {
    const res = await this.send({ method, url, ...(body !== undefined ? { body } : {}) });
    const { status, text } = res;
    if (status === 429 || status === 418) {
      const retryAfterMs = Number(res.headers.get('retry-after') ?? '1') * 1000;
      throw new FleetError(ErrorCodes.VENUE_RATE_LIMITED, `${method} ${url}: HTTP ${status} ${text.slice(0, 200)}`, 'retryable', { status, retryAfterMs });
    }
    if (status >= 500) {
      throw new FleetError(ErrorCodes.VENUE_UNAVAILABLE, `${method} ${url}: HTTP ${status} ${text.slice(0, 200)}`, 'retryable', { status });
    }
    if (status >= 400) {
      throw new FleetError(ErrorCodes.VENUE_REJECTED, `${method} ${url}: HTTP ${status} ${text.slice(0, 200)}`, 'non-retryable', { status, body: text });
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `${method} ${url}: body is not JSON: ${text.slice(0, 120)}`, 'retryable');
    }
  }
}

export interface RawRequest {
  readonly method: HttpMethod;
  /** The full URL (see `url()`), query included. */
  readonly url: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the client's timeout for this request. */
  readonly timeoutMs?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface RetryOptions {
  readonly clock: Clock;
  readonly attempts?: number;
  readonly baseMs?: number;
  readonly maxMs?: number;
  readonly onRetry?: (err: FleetError, attempt: number, delayMs: number) => void;
}

/** Runs `fn`, retrying retryable FleetErrors with exponential backoff (honouring Retry-After). */
export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const attempts = o.attempts ?? 4;
  const base = o.baseMs ?? 250;
  const max = o.maxMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof FleetError) || e.errorClass !== 'retryable' || attempt >= attempts) throw e;
      const hinted = (e.details as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;
      const delay = Math.min(max, Math.max(hinted, base * 2 ** (attempt - 1)));
      o.onRetry?.(e, attempt, delay);
      await new Promise<void>((resolve) => o.clock.setTimeout(resolve, delay));
    }
  }
}
