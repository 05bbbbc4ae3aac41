/**
 * Binance SIGNED / USER_STREAM request checks as the venue does them: the X-MBX-APIKEY header
 * (-2014 missing, -2015 unknown, HTTP 401), request weight and order-count budgets (HTTP 429,
 * -1003 / -1015, with the X-MBX-USED-WEIGHT / ORDER-COUNT headers), `timestamp` and `signature`
 * present (-1102), signature = hex HMAC-SHA256(secret, totalParams) where totalParams is the raw
 * query string concatenated with the raw body, the signature parameter left out (-1022), and
 * timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow (default 5000, at most
 * 60000) (-1021).
 */
import type { HttpAnswer, SimHttpRequest, SimVenueServer } from '../../protocolServer.ts';
import { hmacHex, sameHexSignature } from '../common/hexSignature.ts';
import type { SimCredentials } from '../credentials.ts';

/** A Binance error answer: `{code, msg}` at the given HTTP status. */
export function binanceError(status: number, code: number, msg: string, headers?: Record<string, string>): HttpAnswer {
  return { status, body: { code, msg }, ...(headers ? { headers } : {}) };
}

/** Returns a raw parameter string without its `signature=` part, and that signature. */
function withoutSignature(raw: string): { rest: string; signature: string | undefined } {
  if (raw === '') return { rest: '', signature: undefined };
  let signature: string | undefined;
  const kept: string[] = [];
  for (const part of raw.split('&')) {
    if (part.startsWith('signature=')) signature = decodeURIComponent(part.slice(10));
    else kept.push(part);
  }
  return { rest: kept.join('&'), signature };
}

/** Returns the request's parameters: the query's, then the form body's. */
export function paramsOf(req: SimHttpRequest): URLSearchParams {
  const out = new URLSearchParams(req.query);
  if (req.body !== '') for (const [k, v] of new URLSearchParams(req.body)) out.append(k, v);
  return out;
}

/** Rolling weighted budgets: `used` is the weight within the window, including this request's. */
export class WeightBudget {
  private readonly hits = new Map<string, [number, number][]>();

  used(key: string, now: number, windowMs: number): number {
    const list = (this.hits.get(key) ?? []).filter(([t]) => t > now - windowMs);
    this.hits.set(key, list);
    return list.reduce((n, [, w]) => n + w, 0);
  }

  add(key: string, now: number, weight: number): void {
    const list = this.hits.get(key) ?? [];
    list.push([now, weight]);
    this.hits.set(key, list);
  }
}

export type CheckOutcome = { readonly ok: true } | { readonly ok: false; readonly answer: HttpAnswer };

const header = (req: SimHttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Checks the API key header only (USER_STREAM endpoints). */
export function checkApiKey(req: SimHttpRequest, creds: SimCredentials): CheckOutcome {
  const key = header(req, 'x-mbx-apikey');
  if (key === undefined || key === '') return { ok: false, answer: binanceError(401, -2014, 'API-key format invalid.') };
  if (key !== creds.apiKey) return { ok: false, answer: binanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.') };
  return { ok: true };
}

/** Checks a SIGNED request's parameters, signature and timestamp window (the key was checked before). */
export function checkSigned(server: SimVenueServer, req: SimHttpRequest, creds: SimCredentials, params: URLSearchParams): CheckOutcome {
  const now = server.now();
  const q = withoutSignature(req.rawQuery);
  const b = withoutSignature(req.body);
  const signature = q.signature ?? b.signature;
  const ts = params.get('timestamp');
  if (ts === null || !/^\d+$/.test(ts)) return { ok: false, answer: binanceError(400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.") };
  if (signature === undefined || signature === '') return { ok: false, answer: binanceError(400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.") };
  const recv = params.get('recvWindow');
  const window = recv === null ? 5000 : Number(recv);
  if (!Number.isFinite(window) || window <= 0 || window > 60000) return { ok: false, answer: binanceError(400, -1130, "Data sent for parameter 'recvWindow' is not valid.") };
  if (!sameHexSignature(signature, hmacHex(creds.apiSecret, q.rest + b.rest))) return { ok: false, answer: binanceError(400, -1022, 'Signature for this request is not valid.') };
  const stamp = Number(ts);
  if (stamp >= now + 1000) return { ok: false, answer: binanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.") };
  if (now - stamp > window) return { ok: false, answer: binanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.') };
  return { ok: true };
}

/** Checks a WebSocket API request's params: sorted `key=value` pairs without the signature, HMAC'd. */
export function checkWsApiSignature(now: number, creds: SimCredentials, params: Record<string, unknown>): { status: number; code: number; msg: string } | undefined {
  const key = params.apiKey;
  if (typeof key !== 'string' || key === '') return { status: 400, code: -1102, msg: "Mandatory parameter 'apiKey' was not sent, was empty/null, or malformed." };
  if (key !== creds.apiKey) return { status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
  const ts = params.timestamp;
  if (typeof ts !== 'number' && !(typeof ts === 'string' && /^\d+$/.test(ts))) return { status: 400, code: -1102, msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed." };
  const signature = params.signature;
  if (typeof signature !== 'string') return { status: 400, code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
  const payload = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
  if (!sameHexSignature(signature, hmacHex(creds.apiSecret, payload))) return { status: 400, code: -1022, msg: 'Signature for this request is not valid.' };
  const window = params.recvWindow === undefined ? 5000 : Number(params.recvWindow);
  const stamp = Number(ts);
  if (stamp >= now + 1000) return { status: 400, code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." };
  if (now - stamp > window) return { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
  return undefined;
}
