/**
 * Binance request signing (USD-M futures and spot share it), as the "SIGNED endpoint security"
 * sections describe: `signature` = hex HMAC-SHA256(secret, totalParams), where totalParams is the
 * query string as sent concatenated with the request body as sent (no `&` between them), and the
 * key travels in the X-MBX-APIKEY header. Pure: the timestamp is an argument, never read here.
 */
import { createHmac } from 'node:crypto';

/** A Binance API key pair. */
export interface BinanceKey {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** Parameters in the order they are sent; a record keeps its insertion order. */
export type BinanceParams = Readonly<Record<string, string | number | boolean>> | ReadonlyArray<readonly [string, string]>;

/** What a SIGNED request needs: the strings to send (signature included) and the key header. */
export interface BinanceSignedRequest {
  /** The query string without a leading `?` (empty when there is none). */
  readonly query: string;
  /** The form body (`application/x-www-form-urlencoded`), empty when there is none. */
  readonly body: string;
  readonly signature: string;
  readonly headers: { readonly 'X-MBX-APIKEY': string };
}

export interface BinanceSignInput {
  readonly query?: BinanceParams;
  readonly body?: BinanceParams;
  /** Milliseconds since the epoch, from the caller's clock. */
  readonly timestamp: number;
  /** Omitted means the venue's default (5000 ms). */
  readonly recvWindow?: number;
}

/** Returns hex HMAC-SHA256 of `totalParams` under `secret` (Binance's `signature`). */
export function binanceSignature(secret: string, totalParams: string): string {
  return createHmac('sha256', secret).update(totalParams).digest('hex');
}

/** Returns `k=v&…` with each part percent-encoded, in the given order. */
export function encodeBinanceParams(params: BinanceParams | undefined): string {
  if (params === undefined) return '';
  const entries: ReadonlyArray<readonly [string, unknown]> = Array.isArray(params) ? params : Object.entries(params);
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

const join = (a: string, b: string): string => (a === '' ? b : b === '' ? a : `${a}&${b}`);

/**
 * Returns a SIGNED request: `recvWindow` and `timestamp` go last into the body when there is one
 * (else into the query), the signature covers query + body exactly as they are sent, and it is
 * appended last to the part that carries the timestamp.
 */
export function signBinanceRequest(key: BinanceKey, input: BinanceSignInput): BinanceSignedRequest {
  const stamp = encodeBinanceParams([
    ...(input.recvWindow === undefined ? [] : [['recvWindow', String(input.recvWindow)] as const]),
    ['timestamp', String(input.timestamp)],
  ]);
  let query = encodeBinanceParams(input.query);
  let body = encodeBinanceParams(input.body);
  if (body !== '') body = join(body, stamp);
  else query = join(query, stamp);
  const signature = binanceSignature(key.apiSecret, query + body);
  if (body !== '') body = `${body}&signature=${signature}`;
  else query = `${query}&signature=${signature}`;
  return { query, body, signature, headers: { 'X-MBX-APIKEY': key.apiKey } };
}

/** Returns the headers of a USER_STREAM request (listen-key upkeep): the key only, no signature. */
export function binanceApiKeyHeaders(key: BinanceKey): { readonly 'X-MBX-APIKEY': string } {
  return { 'X-MBX-APIKEY': key.apiKey };
}

/**
 * Returns WebSocket API `params` with `apiKey`, `timestamp` and `signature` added: the signature
 * covers every other param as `key=value` joined by `&`, keys sorted alphabetically (the WebSocket
 * API's "SIGNED request security").
 */
export function signBinanceWsParams(
  key: BinanceKey,
  params: Readonly<Record<string, string | number | boolean>>,
  timestamp: number,
): Record<string, string | number | boolean> {
  const all: Record<string, string | number | boolean> = { ...params, apiKey: key.apiKey, timestamp };
  const payload = Object.keys(all)
    .sort()
    .map((k) => `${k}=${String(all[k])}`)
    .join('&');
  return { ...all, signature: binanceSignature(key.apiSecret, payload) };
}
