/**
 * The signing primitive OKX and Bitget share: base64(HMAC-SHA256(secret, prehash)), compared in
 * constant time so a simulated venue does not leak how much of a signature was right.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Returns base64(HMAC-SHA256(secret, text)). */
export function hmacBase64(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

/** Returns whether two signatures are equal, in time independent of where they differ. */
export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // timingSafeEqual throws on unequal lengths; a length mismatch is simply a wrong signature.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Returns a request header's single value (node lower-cases names), undefined when absent or empty. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}
