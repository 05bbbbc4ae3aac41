/**
 * OKX v5 request signing, as the docs' "REST Authentication" describes it: OK-ACCESS-SIGN =
 * base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)), where the timestamp is ISO
 * 8601 UTC with milliseconds (e.g. 2020-12-08T09:08:57.715Z), requestPath includes `?query` for a
 * GET, and body is the JSON text sent (empty for a GET). The WebSocket login signs
 * timestamp + "GET" + "/users/self/verify" with the timestamp in Unix seconds. Pure: times are
 * arguments, never read here.
 */
import { createHmac } from 'node:crypto';

/** An OKX API key: pair plus the passphrase chosen when it was created. */
export interface OkxKey {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

export const OKX_WS_VERIFY_PATH = '/users/self/verify';

/** The authentication headers of one REST request. */
export type OkxAuthHeaders = {
  readonly 'OK-ACCESS-KEY': string;
  readonly 'OK-ACCESS-SIGN': string;
  readonly 'OK-ACCESS-TIMESTAMP': string;
  readonly 'OK-ACCESS-PASSPHRASE': string;
};

export interface OkxSignInput {
  readonly method: 'GET' | 'POST';
  /** The path, e.g. `/api/v5/account/balance`. */
  readonly requestPath: string;
  /** The query string as sent, without `?` (GET). */
  readonly query?: string;
  /** The JSON body as sent (POST). */
  readonly body?: string;
  /** Milliseconds since the epoch, from the caller's clock, or an ISO timestamp already formatted. */
  readonly timestamp: number | string;
}

/** Returns the ISO 8601 UTC timestamp with milliseconds OKX expects for epoch milliseconds `ms`. */
export function okxTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** Returns base64(HMAC-SHA256(secret, prehash)). */
export function okxSignature(secret: string, prehash: string): string {
  return createHmac('sha256', secret).update(prehash).digest('base64');
}

/** Returns the prehash string timestamp + METHOD + requestPath[?query] + body. */
export function okxPrehash(timestamp: string, method: string, requestPath: string, query: string, body: string): string {
  return `${timestamp}${method.toUpperCase()}${requestPath}${query === '' ? '' : `?${query}`}${body}`;
}

/** Returns the OK-ACCESS-* headers for one request (add `Content-Type: application/json` to a POST). */
export function signOkxRequest(key: OkxKey, input: OkxSignInput): OkxAuthHeaders {
  const ts = typeof input.timestamp === 'number' ? okxTimestamp(input.timestamp) : input.timestamp;
  const body = input.method === 'GET' ? '' : (input.body ?? '');
  const prehash = okxPrehash(ts, input.method, input.requestPath, input.query ?? '', body);
  return {
    'OK-ACCESS-KEY': key.apiKey,
    'OK-ACCESS-SIGN': okxSignature(key.apiSecret, prehash),
    'OK-ACCESS-TIMESTAMP': ts,
    'OK-ACCESS-PASSPHRASE': key.passphrase,
  };
}

/** The private WebSocket login frame. */
export interface OkxWsLoginFrame {
  readonly op: 'login';
  readonly args: readonly [{ readonly apiKey: string; readonly passphrase: string; readonly timestamp: string; readonly sign: string }];
}

/** Returns the login frame for Unix time `seconds` (whole seconds, from the caller's clock). */
export function okxWsLogin(key: OkxKey, seconds: number | string): OkxWsLoginFrame {
  const timestamp = String(seconds);
  const sign = okxSignature(key.apiSecret, `${timestamp}GET${OKX_WS_VERIFY_PATH}`);
  return { op: 'login', args: [{ apiKey: key.apiKey, passphrase: key.passphrase, timestamp, sign }] };
}
