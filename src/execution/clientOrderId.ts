/**
 * Deterministic, idempotent client order ids. The id is a pure function of (strategy, intent id,
 * leg, attempt), so a retried submit of the same intent (after a timeout, a crash, a restart from a
 * persisted snapshot) carries the same id and the venue refuses it as a duplicate instead of opening
 * a second order. `attempt` is raised only for a deliberate new order for the same leg (after a
 * known rejection or a cancel); it is never raised by a retry.
 *
 * Layout: a readable prefix ("fl" + up to 6 letters/digits of the strategy) and 128 bits of
 * SHA-256 over the canonical input, written in base62 (22 characters). Valid everywhere:
 *   binance-usdm / binance-spot  `fl-<tag>-<h22>`  ≤ 32 chars of [.A-Z:/a-z0-9_-] (limit 36)
 *   bybit-linear                 `fl-<tag>-<h22>`  ≤ 32 chars (orderLinkId limit 36)
 *   bitget                       `fl-<tag>-<h22>`  ≤ 32 chars (clientOid limit 50)
 *   okx                          `fl<tag><h22>`    ≤ 30 alphanumerics (clOrdId 1–32, letters and digits only)
 *   hyperliquid                  `0x` + 32 hex     (cloid is exactly 128 bits in hex)
 * Collision odds: ids are 128-bit hashes, so over n distinct intents the chance of any collision is
 * about n² / 2^129: ≈ 1.5e-21 for a billion orders; the prefix only adds readability.
 */
import { createHash } from 'node:crypto';

export type ClientIdVenue = 'binance-usdm' | 'binance-spot' | 'bybit-linear' | 'okx' | 'bitget' | 'hyperliquid';

/** What identifies one order the daemon means to place. */
export interface ClientOrderIdInput {
  /** The strategy that owns the intent, e.g. `arbitrage`, `scalper`. */
  readonly strategy: string;
  /** The durable intent id (a saga id, a signal id), persisted before the request leaves. */
  readonly intentId: string;
  /** The leg within the intent (`0`/`1`, `entry`, `tp`, `sl`, `unwind`). */
  readonly leg: string | number;
  /** A deliberate re-placement of the same leg; absent means 0. */
  readonly attempt?: number;
}

/** Each venue's rule for a client order id, as data. */
export const CLIENT_ID_RULES: Readonly<Record<ClientIdVenue, RegExp>> = {
  'binance-usdm': /^[.A-Z:/a-z0-9_-]{1,36}$/,
  'binance-spot': /^[.A-Z:/a-z0-9_-]{1,36}$/,
  'bybit-linear': /^[A-Za-z0-9_-]{1,36}$/,
  okx: /^[A-Za-z0-9]{1,32}$/,
  bitget: /^[A-Za-z0-9_#.:-]{1,50}$/,
  hyperliquid: /^0x[0-9a-f]{32}$/,
};

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HASH_CHARS = 22; // 62^22 > 2^128

/** Returns the 128-bit digest of the canonical input (JSON of a tuple, so fields cannot run into each other). */
function digest(input: ClientOrderIdInput): Buffer {
  const attempt = input.attempt ?? 0;
  if (!Number.isSafeInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  const canonical = JSON.stringify([input.strategy, input.intentId, String(input.leg), attempt]);
  return createHash('sha256').update(canonical).digest().subarray(0, 16);
}

function base62(bytes: Buffer): string {
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  for (let i = 0; i < HASH_CHARS; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

/** Returns up to 6 lower-case letters and digits of the strategy name (readability only). */
function tag(strategy: string): string {
  return strategy.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 6);
}

/** Returns the client order id of `input` on `venue`; the same input always gives the same id. */
export function clientOrderId(venue: ClientIdVenue, input: ClientOrderIdInput): string {
  const d = digest(input);
  if (venue === 'hyperliquid') return `0x${d.toString('hex')}`;
  const t = tag(input.strategy);
  if (venue === 'okx') return `fl${t}${base62(d)}`;
  return `fl-${t}${t === '' ? '' : '-'}${base62(d)}`;
}

/** Returns whether `id` has the shape this module produces for `venue` (our order, not one placed by hand). */
export function isFleetClientOrderId(venue: ClientIdVenue, id: string): boolean {
  if (venue === 'hyperliquid') return CLIENT_ID_RULES.hyperliquid.test(id);
  if (venue === 'okx') return /^fl[a-z0-9]{0,6}[0-9A-Za-z]{22}$/.test(id);
  return /^fl-(?:[a-z0-9]{1,6}-)?[0-9A-Za-z]{22}$/.test(id);
}
