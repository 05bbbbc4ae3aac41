/**
 * Bitget v2 request authentication, as the venue checks it: headers ACCESS-KEY / -SIGN /
 * -TIMESTAMP (Unix milliseconds) / -PASSPHRASE, the signature
 * base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + ("?" + queryString) + body)), and
 * a timestamp within 30 seconds of the server's time. The WebSocket login signs
 * timestamp + "GET" + "/user/verify" (seconds per the docs; milliseconds are accepted too, as the
 * live venue does).
 */
import type { SimHttpRequest } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import { hmacBase64, header, sameSignature } from '../okx/hmac.ts';
import { BITGET_AUTH, BITGET_WS, type BitgetError, type BitgetWsError } from './errors.ts';

export const BITGET_TIMESTAMP_WINDOW_MS = 30_000;
export const BITGET_WS_VERIFY_PATH = '/user/verify';

/** Returns why a REST request is refused, or undefined when it is signed by `creds`. */
export function bitgetRestAuthError(req: SimHttpRequest, query: string, creds: SimCredentials, now: number): BitgetError | undefined {
  const key = header(req.headers, 'ACCESS-KEY');
  const sign = header(req.headers, 'ACCESS-SIGN');
  const ts = header(req.headers, 'ACCESS-TIMESTAMP');
  const passphrase = header(req.headers, 'ACCESS-PASSPHRASE');
  if (key === undefined) return BITGET_AUTH.keyEmpty;
  if (sign === undefined) return BITGET_AUTH.signEmpty;
  if (passphrase === undefined) return BITGET_AUTH.passphraseEmpty;
  if (ts === undefined || !/^\d{13}$/.test(ts)) return BITGET_AUTH.timestampInvalid;
  if (Math.abs(now - Number(ts)) > BITGET_TIMESTAMP_WINDOW_MS) return BITGET_AUTH.expired;
  if (key !== creds.apiKey) return BITGET_AUTH.keyUnknown;
  if (passphrase !== (creds.passphrase ?? '')) return BITGET_AUTH.badPassphrase;
  const method = req.method.toUpperCase();
  const prehash = `${ts}${method}${req.path}${query === '' ? '' : `?${query}`}${method === 'GET' ? '' : req.body}`;
  if (!sameSignature(hmacBase64(creds.apiSecret, prehash), sign)) return BITGET_AUTH.badSign;
  return undefined;
}

export interface BitgetLoginArg {
  readonly apiKey?: unknown;
  readonly passphrase?: unknown;
  readonly timestamp?: unknown;
  readonly sign?: unknown;
}

/** Returns why a WebSocket login is refused, or undefined when it is signed by `creds`. */
export function bitgetLoginError(arg: BitgetLoginArg | undefined, creds: SimCredentials, now: number): BitgetWsError | undefined {
  if (!arg || typeof arg.apiKey !== 'string' || typeof arg.passphrase !== 'string' || typeof arg.sign !== 'string') return BITGET_WS.loginFailed;
  const ts = typeof arg.timestamp === 'number' ? String(arg.timestamp) : arg.timestamp;
  if (typeof ts !== 'string' || !/^\d+$/.test(ts)) return BITGET_WS.invalidTimestamp;
  const ms = ts.length >= 13 ? Number(ts) : Number(ts) * 1000;
  if (Math.abs(now - ms) > BITGET_TIMESTAMP_WINDOW_MS) return BITGET_WS.expired;
  if (arg.apiKey !== creds.apiKey) return BITGET_WS.invalidKey;
  if (arg.passphrase !== (creds.passphrase ?? '')) return BITGET_WS.invalidPassphrase;
  if (!sameSignature(hmacBase64(creds.apiSecret, `${ts}GET${BITGET_WS_VERIFY_PATH}`), arg.sign)) return BITGET_WS.invalidSign;
  return undefined;
}
