/**
 * Bybit v5 request authentication as the venue does it: headers X-BAPI-API-KEY, X-BAPI-TIMESTAMP,
 * X-BAPI-RECV-WINDOW (default 5000) and X-BAPI-SIGN = hex HMAC-SHA256(secret, timestamp + apiKey +
 * recvWindow + (GET: the raw query string | POST: the raw JSON body)); the timestamp must satisfy
 * server_time - recv_window <= timestamp < server_time + 1000 (docs/v5/guide). Also the per-UID
 * rolling one-second budgets of the rate-limit table and the per-IP 403.
 */
import type { HttpAnswer, SimHttpRequest, SimVenueServer } from '../../protocolServer.ts';
import { hmacHex, sameHexSignature } from '../common/hexSignature.ts';
import type { SimCredentials } from '../credentials.ts';

/** Returns the Bybit v5 envelope at HTTP 200 (errors travel in retCode, not in the status). */
export function bybitEnvelope(now: number, result: unknown, retCode = 0, retMsg = 'OK', headers?: Record<string, string>): HttpAnswer {
  return { status: 200, body: { retCode, retMsg, result, retExtInfo: {}, time: now }, ...(headers ? { headers } : {}) };
}

/** Counts events per key in a rolling window (the venues' "per second per UID" budgets). */
export class RollingBudget {
  private readonly hits = new Map<string, number[]>();

  /** Records one hit at `now` unless the key is over `limit` in the window; returns the count used (including this one) or -1 when refused. */
  take(key: string, now: number, limit: number, windowMs: number): number {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - windowMs);
    if (list.length >= limit) {
      this.hits.set(key, list);
      return -1;
    }
    list.push(now);
    this.hits.set(key, list);
    return list.length;
  }

  /** Returns when the oldest hit in the window leaves it. */
  resetAt(key: string, now: number, windowMs: number): number {
    const list = this.hits.get(key) ?? [];
    return list.length ? list[0]! + windowMs : now;
  }
}

export type AuthOutcome = { readonly ok: true } | { readonly ok: false; readonly answer: HttpAnswer };

const header = (req: SimHttpRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Checks key, timestamp window and signature of one request, in that order, as Bybit answers them. */
export function checkBybitAuth(server: SimVenueServer, req: SimHttpRequest, creds: SimCredentials): AuthOutcome {
  const now = server.now();
  const key = header(req, 'x-bapi-api-key');
  const ts = header(req, 'x-bapi-timestamp');
  const sign = header(req, 'x-bapi-sign');
  const recv = header(req, 'x-bapi-recv-window');
  // Without the authentication headers the gateway refuses before the API answers (docs: HTTP 401).
  if (key === undefined || ts === undefined || sign === undefined) {
    return { ok: false, answer: { status: 401, body: { retCode: 10003, retMsg: 'API key is invalid.', result: {}, retExtInfo: {}, time: now } } };
  }
  if (key !== creds.apiKey) return { ok: false, answer: bybitEnvelope(now, {}, 10003, 'API key is invalid.') };
  const window = recv === undefined ? 5000 : Number(recv);
  const stamp = Number(ts);
  if (!/^\d+$/.test(ts) || !Number.isFinite(window) || window <= 0 || !(now - window <= stamp && stamp < now + 1000)) {
    const msg = `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${now}],recv_window[${recv ?? 5000}]`;
    return { ok: false, answer: bybitEnvelope(now, {}, 10002, msg) };
  }
  const payload = req.method === 'GET' ? req.rawQuery : req.body;
  const origin = ts + key + (recv ?? '') + payload;
  if (!sameHexSignature(sign, hmacHex(creds.apiSecret, origin))) {
    return { ok: false, answer: bybitEnvelope(now, {}, 10004, `error sign! origin_string[${origin}]`) };
  }
  return { ok: true };
}
