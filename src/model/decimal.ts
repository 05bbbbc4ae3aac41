/**
 * Exact signed decimals for the simulated exchange's money: a BigInt count of 10^-s units. Sums
 * and products are exact (a fee of 0.0002 × 28552.1 × 0.003 keeps every digit); only division
 * rounds, and only where a rule says so (margin, entry price, average price). Floats never touch
 * a balance.
 */
import { numberText } from './scale.ts';

/** `v` × 10^-`s`; `s` ≥ 0. Immutable. */
export interface Dec {
  readonly v: bigint;
  readonly s: number;
}

const POW: bigint[] = [];
for (let i = 0, p = 1n; i <= 96; i++, p *= 10n) POW.push(p);

function pow10(n: number): bigint {
  return POW[n] ?? 10n ** BigInt(n);
}

/** Zero at scale 0. */
export const ZERO: Dec = { v: 0n, s: 0 };

/** Returns the decimal of a signed plain decimal string ("-0.25", "100"), or undefined. */
export function parseDec(text: string): Dec | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const neg = text.charCodeAt(0) === 45;
  const body = neg ? text.slice(1) : text;
  const dot = body.indexOf('.');
  const s = dot < 0 ? 0 : body.length - dot - 1;
  const v = BigInt(dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1));
  return { v: neg ? -v : v, s };
}

/** Returns the decimal of a finite number as its shortest text shows it (fee rates, leverage). */
export function decOfNumber(n: number): Dec {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const d = parseDec(numberText(Math.abs(n)));
  if (!d) throw new RangeError(`not a decimal: ${n}`);
  return n < 0 ? neg(d) : d;
}

/** Returns `units` × 10^-`s` (a count of ticks or lots times the step's units). */
export function decOf(units: number | bigint, s: number): Dec {
  return { v: typeof units === 'bigint' ? units : BigInt(units), s };
}

function align(a: Dec, s: number): bigint {
  return a.s === s ? a.v : a.v * pow10(s - a.s);
}

/** Returns a + b, exactly. */
export function add(a: Dec, b: Dec): Dec {
  if (a.s === b.s) return { v: a.v + b.v, s: a.s };
  const s = Math.max(a.s, b.s);
  return { v: align(a, s) + align(b, s), s };
}

/** Returns a − b, exactly. */
export function sub(a: Dec, b: Dec): Dec {
  if (a.s === b.s) return { v: a.v - b.v, s: a.s };
  const s = Math.max(a.s, b.s);
  return { v: align(a, s) - align(b, s), s };
}

/** Returns a × b, exactly (the scales add). */
export function mul(a: Dec, b: Dec): Dec {
  return { v: a.v * b.v, s: a.s + b.s };
}

/** Returns −a. */
export function neg(a: Dec): Dec {
  return { v: -a.v, s: a.s };
}

/** Returns |a|. */
export function abs(a: Dec): Dec {
  return a.v < 0n ? neg(a) : a;
}

/** Returns -1, 0 or 1 as a is below, equal to or above b. */
export function cmp(a: Dec, b: Dec): number {
  const s = Math.max(a.s, b.s);
  const x = align(a, s);
  const y = align(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Returns -1, 0 or 1 with the sign of a. */
export function sign(a: Dec): number {
  return a.v < 0n ? -1 : a.v > 0n ? 1 : 0;
}

/** Whether a is zero at any scale. */
export function isZero(a: Dec): boolean {
  return a.v === 0n;
}

/** Returns the larger of a and b. */
export function max(a: Dec, b: Dec): Dec {
  return cmp(a, b) >= 0 ? a : b;
}

/** Returns the smaller of a and b. */
export function min(a: Dec, b: Dec): Dec {
  return cmp(a, b) <= 0 ? a : b;
}

/** Rounding of a division: up (toward +∞), down (toward -∞), or half away from zero. */
export type Rounding = 'ceil' | 'floor' | 'half';

/** Returns a / b at `scale` fractional digits, rounded as asked; b must not be zero. */
export function div(a: Dec, b: Dec, scale: number, rounding: Rounding): Dec {
  if (b.v === 0n) throw new RangeError('division by zero');
  // a/b = (a.v / b.v) × 10^(b.s - a.s); at `scale` that is a.v × 10^(scale + b.s - a.s) / b.v.
  const shift = scale + b.s - a.s;
  let num = a.v;
  let den = b.v;
  if (shift >= 0) num *= pow10(shift);
  else den *= pow10(-shift);
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  let q = num / den; // truncates toward zero
  const r = num - q * den;
  if (r !== 0n) {
    if (rounding === 'ceil' && r > 0n) q += 1n;
    else if (rounding === 'floor' && r < 0n) q -= 1n;
    else if (rounding === 'half') {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice >= den) q += r < 0n ? -1n : 1n;
    }
  }
  return { v: q, s: scale };
}

/** Returns the plain decimal text with trailing fractional zeros trimmed ("12.5", "-0.0003", "0"). */
export function decText(a: Dec): string {
  if (a.v === 0n) return '0';
  const neg = a.v < 0n;
  let digits = (neg ? -a.v : a.v).toString();
  if (a.s === 0) return neg ? `-${digits}` : digits;
  if (digits.length <= a.s) digits = '0'.repeat(a.s - digits.length + 1) + digits;
  const cut = digits.length - a.s;
  const frac = digits.slice(cut).replace(/0+$/, '');
  const text = frac ? `${digits.slice(0, cut)}.${frac}` : digits.slice(0, cut);
  return neg ? `-${text}` : text;
}

/** Returns the same value with trailing fractional zeros dropped (keeps products' scales small). */
export function trim(a: Dec): Dec {
  if (a.s === 0 || a.v % 10n !== 0n) return a;
  let v = a.v;
  let s = a.s;
  while (s > 0 && v % 10n === 0n) {
    v /= 10n;
    s--;
  }
  return { v, s };
}

/** Returns a decimal string with its sign flipped, digits as written ("-0.0360" → "0.0360", zero unsigned). */
export function negateText(text: string): string {
  if (text.startsWith('-')) return text.slice(1);
  return /^0*(\.0*)?$/.test(text) ? text : `-${text}`;
}

/** Returns a + b of two decimal strings exactly, trailing zeros trimmed (undefined if either is not a decimal). */
export function addText(a: string, b: string): string | undefined {
  const x = parseDec(a);
  const y = parseDec(b);
  return x && y ? decText(add(x, y)) : undefined;
}
