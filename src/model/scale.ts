/**
 * Exact conversion between a venue's decimal strings and integer multiples of a step (a tick for
 * prices, a lot for sizes). Venues send "7.6110" and "0.00100"; the hot path keeps 76110 ticks of
 * 0.0001, which a JS number holds exactly, so no float ever rounds a price.
 */

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** A step such as "0.005": `units` (5) at `decimals` (3) fractional digits. */
export class Scale {
  readonly step: string;
  readonly decimals: number;
  readonly units: number;
  private readonly pow: number;

  constructor(step: string) {
    const parsed = parseDecimal(step);
    if (!parsed || parsed.units <= 0) throw new RangeError(`not a positive decimal step: ${JSON.stringify(step)}`);
    if (parsed.decimals >= POW10.length) throw new RangeError(`step ${step} has more than ${POW10.length - 1} decimals`);
    this.step = step;
    this.decimals = parsed.decimals;
    this.units = parsed.units;
    this.pow = POW10[parsed.decimals]!;
  }

  /**
   * Returns the value as a whole number of steps, or NaN when it is not a non-negative decimal,
   * not on the step's grid, or too large to be exact.
   */
  toInt(value: string | number): number {
    const s = typeof value === 'number' ? numberText(value) : value;
    const d = this.decimals;
    let int = 0;
    let frac = -1; // fractional digits consumed so far, -1 before the point
    let digits = 0;
    const n = s.length;
    if (n === 0) return NaN;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 46 /* . */) {
        if (frac >= 0) return NaN;
        frac = 0;
        continue;
      }
      const digit = c - 48;
      if (digit < 0 || digit > 9) return NaN;
      digits++;
      if (frac >= 0) {
        if (frac >= d) {
          if (digit !== 0) return NaN; // finer than the grid
          continue;
        }
        frac++;
      }
      int = int * 10 + digit;
    }
    if (digits === 0) return NaN;
    if (frac < 0) frac = 0;
    if (frac < d) int *= POW10[d - frac]!;
    if (int > Number.MAX_SAFE_INTEGER) return NaN;
    if (this.units === 1) return int;
    const q = int / this.units;
    return Number.isInteger(q) ? q : NaN;
  }

  /**
   * Returns a computed price (mark, index, mid) in steps. These are not quotes: venues state them
   * finer than the tick (a mark of "28552.81" on a 0.10 tick), so an off-grid value is kept as
   * fractional steps (a float, like OrderBook.mid()) instead of being rejected or rounded. NaN
   * when the text is not a non-negative decimal. Quotes and sizes go through `toInt`.
   */
  toTicks(text: string): number {
    const exact = this.toInt(text);
    if (!Number.isNaN(exact)) return exact;
    const d = parseDecimal(text);
    if (!d) return NaN;
    return d.decimals <= this.decimals
      ? (d.units * 10 ** (this.decimals - d.decimals)) / this.units
      : d.units / (this.units * 10 ** (d.decimals - this.decimals));
  }

  /** Returns the decimal string of a number of steps ("7.6110" style at the step's decimals); fractional steps (computed prices) print as plain decimals. */
  toText(steps: number): string {
    if (!Number.isInteger(steps)) {
      const v = this.toNumber(steps);
      return `${v < 0 ? '-' : ''}${numberText(Math.abs(v))}`;
    }
    const units = steps * this.units;
    if (this.decimals === 0) return String(units);
    const neg = units < 0;
    const abs = neg ? -units : units;
    const whole = Math.floor(abs / this.pow);
    const frac = String(abs - whole * this.pow).padStart(this.decimals, '0');
    return `${neg ? '-' : ''}${whole}.${frac}`;
  }

  /** Returns the value of a whole number of steps as a float (for scores and display only). */
  toNumber(steps: number): number {
    return (steps * this.units) / this.pow;
  }

  /** Returns the nearest whole number of steps at or below a float value (sizing, not parsing). */
  floorOf(value: number): number {
    return Math.floor((value * this.pow) / this.units + 1e-9);
  }
}

/** Returns `{units, decimals}` for a plain non-negative decimal string, or undefined. */
export function parseDecimal(s: string): { units: number; decimals: number } | undefined {
  if (!/^\d+(\.\d+)?$/.test(s)) return undefined;
  const dot = s.indexOf('.');
  let frac = dot < 0 ? '' : s.slice(dot + 1);
  frac = frac.replace(/0+$/, '');
  const units = Number((dot < 0 ? s : s.slice(0, dot)) + frac);
  return Number.isSafeInteger(units) ? { units, decimals: frac.length } : undefined;
}

/** Returns a JSON number as plain decimal text (no exponent), e.g. 1e-7 → "0.0000001". */
export function numberText(v: number): string {
  if (!Number.isFinite(v) || v < 0) return '';
  const s = String(v);
  if (!s.includes('e')) return s;
  return v.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** Returns the fractional digits of a decimal text as written, trailing zeros included ("0.10" → 2). */
export function writtenDecimals(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Returns the step 10^-decimals as text ("0.001" for 3). */
export function stepOfDecimals(decimals: number): string {
  return decimals <= 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}
