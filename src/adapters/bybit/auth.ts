/**
 * Bybit v5 request signing, as docs/v5/guide ("Authentication") describes it: X-BAPI-SIGN = hex
 * HMAC-SHA256(secret, timestamp + apiKey + recvWindow + payload), where payload is the query string
 * as sent for GET and the JSON body as sent for POST; and the private WebSocket `auth` frame, signed
 * over "GET/realtime" + expires (docs/v5/ws/connect). Pure: times are arguments, never read here.
 */
import { createHmac } from 'node:crypto';

/** A Bybit API key pair. */
export interface BybitKey {
  readonly apiKey: string;
  readonly apiSecret: string;
}

export const BYBIT_DEFAULT_RECV_WINDOW = 5000;

/** The authentication headers of one v5 REST request. */
export type BybitAuthHeaders = {
  readonly 'X-BAPI-API-KEY': string;
  readonly 'X-BAPI-TIMESTAMP': string;
  readonly 'X-BAPI-RECV-WINDOW': string;
  readonly 'X-BAPI-SIGN': string;
};

export interface BybitSignInput {
  readonly method: 'GET' | 'POST';
  /** GET: the query string exactly as sent, without `?`. */
  readonly query?: string;
  /** POST: the JSON body exactly as sent. */
  readonly body?: string;
  /** Milliseconds since the epoch, from the caller's clock. */
  readonly timestamp: number;
  readonly recvWindow?: number;
}

/** Returns hex HMAC-SHA256(secret, timestamp + apiKey + recvWindow + payload). */
export function bybitSignature(secret: string, timestamp: string, apiKey: string, recvWindow: string, payload: string): string {
  return createHmac('sha256', secret).update(timestamp + apiKey + recvWindow + payload).digest('hex');
}

/** Returns the X-BAPI-* headers for one request (add `Content-Type: application/json` to a POST). */
export function signBybitRequest(key: BybitKey, input: BybitSignInput): BybitAuthHeaders {
  const ts = String(input.timestamp);
  const recv = String(input.recvWindow ?? BYBIT_DEFAULT_RECV_WINDOW);
  const payload = input.method === 'GET' ? (input.query ?? '') : (input.body ?? '');
  return {
    'X-BAPI-API-KEY': key.apiKey,
    'X-BAPI-TIMESTAMP': ts,
    'X-BAPI-RECV-WINDOW': recv,
    'X-BAPI-SIGN': bybitSignature(key.apiSecret, ts, key.apiKey, recv, payload),
  };
}

/** The private stream's authentication frame. */
export interface BybitWsAuthFrame {
  readonly op: 'auth';
  readonly args: readonly [apiKey: string, expires: number, signature: string];
}

/** Returns the `auth` frame valid until `expires` (ms since the epoch; the caller adds its margin to now). */
export function bybitWsAuth(key: BybitKey, expires: number): BybitWsAuthFrame {
  const signature = createHmac('sha256', key.apiSecret).update(`GET/realtime${expires}`).digest('hex');
  return { op: 'auth', args: [key.apiKey, expires, signature] };
}
