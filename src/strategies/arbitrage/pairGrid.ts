/**
 * The size grid two instruments share. One lot of an instrument is lotSize × contractSize base
 * (OKX swaps count contracts of ctVal base; most venues count base directly). A route trades the
 * same base size on both legs, so a size must be a whole number of lots on each: a multiple of the
 * LCM of the two lots ("coarse"). Sizes are counted in "units" of the GCD ("fine"), which every
 * lot is a whole multiple of, so the whole pair grid is integer arithmetic. Exact: BigInt decimals.
 */
import type { Instrument } from '../../model/instrument.ts';
import { cmp, decText, div, mul, parseDec, type Dec } from '../../model/decimal.ts';

/** The shared size grid of a route's two instruments (base sizes as exact decimal text). */
export interface PairGrid {
  /** The GCD of the two lots in base: one unit. */
  readonly fine: string;
  /** The LCM of the two lots in base: the smallest size both instruments trade exactly. */
  readonly coarse: string;
  readonly unitsPerLotA: number;
  readonly unitsPerLotB: number;
  /** coarse / fine. */
  readonly coarseUnits: number;
}

function dec(text: string, what: string): Dec {
  const d = parseDec(text);
  if (!d || d.v <= 0n) throw new RangeError(`${what} is not a positive decimal: ${JSON.stringify(text)}`);
  return d;
}

function gcd(x: bigint, y: bigint): bigint {
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function safe(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} (${n}) is too large for an exact number`);
  return Number(n);
}

/** Returns one lot of the instrument in base: lotSize × contractSize, exactly. */
export function lotBase(inst: Instrument): Dec {
  return mul(dec(inst.lotSize, `${inst.id} lotSize`), dec(inst.contractSize, `${inst.id} contractSize`));
}

/** Returns the shared size grid of two instruments (throws on a non-positive lot or contract size). */
export function pairGrid(a: Instrument, b: Instrument): PairGrid {
  const la = lotBase(a);
  const lb = lotBase(b);
  // On a common scale both lots are integers; their gcd and lcm there are the decimal ones.
  const s = Math.max(la.s, lb.s);
  const ia = la.v * 10n ** BigInt(s - la.s);
  const ib = lb.v * 10n ** BigInt(s - lb.s);
  const g = gcd(ia, ib);
  const ua = ia / g;
  const ub = ib / g;
  // ua and ub are coprime, so lcm / gcd = ua × ub.
  const cu = ua * ub;
  return {
    fine: decText({ v: g, s }),
    coarse: decText({ v: g * cu, s }),
    unitsPerLotA: safe(ua, `${a.id} units per lot`),
    unitsPerLotB: safe(ub, `${b.id} units per lot`),
    coarseUnits: safe(cu, 'coarse units'),
  };
}

/** Returns a count of fine units as exact base text. */
export function unitsToBase(grid: PairGrid, units: number): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`units must be a whole number, got ${units}`);
  return decText(mul(dec(grid.fine, 'fine'), { v: BigInt(units), s: 0 }));
}

/** Returns a base size as a count of fine units (throws when it is off the fine grid or not a decimal). */
export function baseToUnits(grid: PairGrid, baseText: string): number {
  const base = parseDec(baseText);
  if (!base || base.v < 0n) throw new RangeError(`not a non-negative decimal size: ${JSON.stringify(baseText)}`);
  const fine = dec(grid.fine, 'fine');
  const units = div(base, fine, 0, 'floor');
  if (cmp(mul(units, fine), base) !== 0) {
    throw new RangeError(`size ${baseText} is not a multiple of the pair grid's ${grid.fine}`);
  }
  return safe(units.v, `units of ${baseText}`);
}

/** Returns how many whole lots of instrument `a` or `b` a count of fine units holds (floored). */
export function lotsOf(grid: PairGrid, leg: 'a' | 'b', units: number): number {
  return Math.floor(units / (leg === 'a' ? grid.unitsPerLotA : grid.unitsPerLotB));
}
