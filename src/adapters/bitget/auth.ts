/**
 * Bitget v2 request signing, as the docs' "Signature" section describes it (HMAC variant):
 * ACCESS-SIGN = base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + ("?" + queryString
 * when there is one) + body)), the timestamp in Unix milliseconds, body the JSON text sent (empty
 * for a GET). The WebSocket login signs timestamp + "GET" + "/user/verify" (timestamp in seconds
 * per the docs). Pure: times are arguments, never read here.
 */
import { createHmac } from 'node:crypto';

/** A Bitget API key: pair plus the passphrase chosen when it was created. */
export interface BitgetKey {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly passphrase: string;
}

export const BITGET_WS_VERIFY_PATH = '/user/verify';

/** The authentication headers of one REST request. */
export type BitgetAuthHeaders = {
  readonly 'ACCESS-KEY': string;
  readonly 'ACCESS-SIGN': string;
  readonly 'ACCESS-TIMESTAMP': string;
  readonly 'ACCESS-PASSPHRASE': string;
};

export interface BitgetSignInput {
  readonly method: 'GET' | 'POST';
  /** The path, e.g. `/api/v2/mix/order/place-order`. */
  readonly requestPath: string;
  /** The query string as sent, without `?`. */
  readonly query?: string;
  /** The JSON body as sent (POST). */
  readonly body?: string;
  /** Milliseconds since the epoch, from the caller's clock. */
  readonly timestamp: number;
}

/** Returns base64(HMAC-SHA256(secret, prehash)). */
export function bitgetSignature(secret: string, prehash: string): string {
  return createHmac('sha256', secret).update(prehash).digest('base64');
}

/** Returns the prehash string timestamp + METHOD + requestPath + ("?" + query) + body. */
export function bitgetPrehash(timestamp: string, method: string, requestPath: string, query: string, body: string): string {
  return `${timestamp}${method.toUpperCase()}${requestPath}${query === '' ? '' : `?${query}`}${body}`;
}

/** Returns the ACCESS-* headers for one request (add `Content-Type: application/json` and `locale`). */
export function signBitgetRequest(key: BitgetKey, input: BitgetSignInput): BitgetAuthHeaders {
  const ts = String(input.timestamp);
  const body = input.method === 'GET' ? '' : (input.body ?? '');
  return {
    'ACCESS-KEY': key.apiKey,
    'ACCESS-SIGN': bitgetSignature(key.apiSecret, bitgetPrehash(ts, input.method, input.requestPath, input.query ?? '', body)),
    'ACCESS-TIMESTAMP': ts,
    'ACCESS-PASSPHRASE': key.passphrase,
  };
}

/** The private WebSocket login frame. */
export interface BitgetWsLoginFrame {
  readonly op: 'login';
  readonly args: readonly [{ readonly apiKey: string; readonly passphrase: string; readonly timestamp: string; readonly sign: string }];
}

/** Returns the login frame for Unix time `seconds` (from the caller's clock). */
export function bitgetWsLogin(key: BitgetKey, seconds: number | string): BitgetWsLoginFrame {
  const timestamp = String(seconds);
  const sign = bitgetSignature(key.apiSecret, `${timestamp}GET${BITGET_WS_VERIFY_PATH}`);
  return { op: 'login', args: [{ apiKey: key.apiKey, passphrase: key.passphrase, timestamp, sign }] };
}
