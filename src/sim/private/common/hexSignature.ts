/**
 * The signature Binance and Bybit both take: hex HMAC-SHA256 of the venue's payload under the API
 * secret, compared in constant time so a simulated venue does not leak how much of it was right.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Returns hex HMAC-SHA256 of `text` under `secret`. */
export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** Returns whether a given hex signature equals the expected one, case-insensitively and in constant time. */
export function sameHexSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual throws on unequal lengths; a length mismatch is simply a wrong signature.
  return a.length === b.length && timingSafeEqual(a, b);
}
