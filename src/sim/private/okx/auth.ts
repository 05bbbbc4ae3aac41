/**
 * OKX v5 request authentication, as the venue checks it: headers OK-ACCESS-KEY / -SIGN /
 * -TIMESTAMP (ISO 8601 UTC with milliseconds) / -PASSPHRASE, the signature
 * base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath[?query] + body)), and a timestamp
 * within 30 seconds of the server's time (either side). The WebSocket login signs
 * timestamp (Unix seconds) + "GET" + "/users/self/verify" with the same 30-second window.
 */
import type { SimHttpRequest } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import { OKX_AUTH, OKX_WS, type OkxError } from './errors.ts';
import { hmacBase64, header, sameSignature } from './hmac.ts';

export const OKX_TIMESTAMP_WINDOW_MS = 30_000;
export const OKX_WS_VERIFY_PATH = '/users/self/verify';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Returns why a REST request is refused, or undefined when it is signed by `creds`. */
export function okxRestAuthError(req: SimHttpRequest, query: string, creds: SimCredentials, now: number): OkxError | undefined {
  const key = header(req.headers, 'OK-ACCESS-KEY');
  const sign = header(req.headers, 'OK-ACCESS-SIGN');
  const ts = header(req.headers, 'OK-ACCESS-TIMESTAMP');
  const passphrase = header(req.headers, 'OK-ACCESS-PASSPHRASE');
  if (key === undefined) return OKX_AUTH.keyEmpty;
  if (sign === undefined) return OKX_AUTH.signEmpty;
  if (ts === undefined) return OKX_AUTH.timestampEmpty;
  if (passphrase === undefined) return OKX_AUTH.passphraseEmpty;
  if (!ISO_MS.test(ts)) return OKX_AUTH.timestampInvalid;
  // Date.parse reads the client's timestamp text; the server's own time is `now`.
  const at = Date.parse(ts);
  if (Number.isNaN(at)) return OKX_AUTH.timestampInvalid;
  if (Math.abs(now - at) > OKX_TIMESTAMP_WINDOW_MS) return OKX_AUTH.expired;
  if (key !== creds.apiKey) return OKX_AUTH.badKey;
  if (passphrase !== (creds.passphrase ?? '')) return OKX_AUTH.badPassphrase;
  const path = query === '' ? req.path : `${req.path}?${query}`;
  const prehash = `${ts}${req.method.toUpperCase()}${path}${req.method.toUpperCase() === 'GET' ? '' : req.body}`;
  if (!sameSignature(hmacBase64(creds.apiSecret, prehash), sign)) return OKX_AUTH.badSign;
  return undefined;
}

export interface OkxLoginArg {
  readonly apiKey?: unknown;
  readonly passphrase?: unknown;
  readonly timestamp?: unknown;
  readonly sign?: unknown;
}

/** Returns why a WebSocket login is refused, or undefined when it is signed by `creds`. */
export function okxLoginError(arg: OkxLoginArg | undefined, creds: SimCredentials, now: number): OkxError | undefined {
  if (!arg || typeof arg.apiKey !== 'string' || typeof arg.passphrase !== 'string' || typeof arg.sign !== 'string') return OKX_WS.loginFailed;
  const ts = typeof arg.timestamp === 'number' ? String(arg.timestamp) : arg.timestamp;
  // The docs' own example signs `'' + Date.now() / 1000`, so fractional seconds are accepted.
  if (typeof ts !== 'string' || !/^\d+(\.\d+)?$/.test(ts)) return OKX_WS.invalidTimestamp;
  if (Math.abs(now - Number(ts) * 1000) > OKX_TIMESTAMP_WINDOW_MS) return OKX_WS.expired;
  if (arg.apiKey !== creds.apiKey) return OKX_WS.invalidKey;
  if (arg.passphrase !== (creds.passphrase ?? '')) return OKX_WS.wrongPassphrase;
  if (!sameSignature(hmacBase64(creds.apiSecret, `${ts}GET${OKX_WS_VERIFY_PATH}`), arg.sign)) return OKX_WS.invalidSign;
  return undefined;
}
