/** A notification channel and the outcome of one delivery attempt, shared by Telegram and the webhook. */
import { errorMessage } from '../core/errors.ts';
import type { Notice } from './messages.ts';

/** One attempt's outcome: sent, or failed and whether (and after how long) it is worth retrying. */
export type Attempt =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly retry: boolean; readonly afterMs?: number; readonly status?: number; readonly error: string };

export interface Channel {
  readonly name: string;
  /** Makes one attempt; never throws (a network error is a retryable Attempt). */
  send(notice: Notice, signal: AbortSignal): Promise<Attempt>;
}

/** Returns the Attempt an HTTP status calls for: retry on 429 and 5xx, give up on other 4xx. */
export function statusAttempt(status: number, error: string, afterMs?: number): Attempt {
  if (status >= 200 && status < 300) return { ok: true, status };
  const retry = status === 429 || status >= 500;
  return { ok: false, retry, status, error, ...(retry && afterMs !== undefined ? { afterMs } : {}) };
}

/** Returns a network failure (refused, reset, timed out) as a retryable Attempt. */
export function networkAttempt(e: unknown): Attempt {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const name = e instanceof Error ? e.name : '';
  const error = name === 'TimeoutError' ? 'timed out' : name === 'AbortError' ? 'aborted' : code ? `${errorMessage(e)} (${code})` : errorMessage(e);
  return { ok: false, retry: name !== 'AbortError', error };
}

/** Returns the milliseconds a `Retry-After` header asks for (seconds or an HTTP date), if any. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
