import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scale, numberText, parseDecimal, stepOfDecimals } from '../../src/model/scale.ts';

describe('Scale construction', () => {
  it.each([
    ['0.0001', 1, 4],
    ['0.005', 5, 3],
    ['0.5', 5, 1],
    ['1', 1, 0],
    ['10', 10, 0],
    ['0.00000001', 1, 8],
    ['0.0010', 1, 3], // trailing zeros in a step do not add decimals
    ['2.50', 25, 1],
  ])('step %s has units %i at %i decimals', (step, units, decimals) => {
    const s = new Scale(step);
    expect(s.units).toBe(units);
    expect(s.decimals).toBe(decimals);
  });

  it.each(['0', '0.000', '-1', 'abc', '', '1e-8', '.5', '1.', '0.0000000000000001'])('rejects step %j', (step) => {
    expect(() => new Scale(step)).toThrow(RangeError);
  });
});

describe('Scale.toInt', () => {
  it.each<[string, string | number, number]>([
    ['0.0001', '7.6110', 76110],
    ['0.0001', '20.20', 202000],
    ['0.0001', '20.2', 202000],
    ['0.0001', '20', 200000],
    ['0.0001', '0', 0],
    ['0.0001', '0.0001', 1],
    ['0.0001', '0.00010000', 1], // zeros past the grid are fine
    ['0.0001', '0.00015', NaN], // finer than the grid
    ['0.005', '0.010', 2],
    ['0.005', '0.015', 3],
    ['0.005', '1', 200],
    ['0.005', '0.012', NaN], // on the decimals but off the step
    ['0.5', '1.5', 3],
    ['0.5', '20.50', 41],
    ['0.5', '1.25', NaN],
    ['0.5', '1.2', NaN],
    ['1', '42', 42],
    ['1', '42.000', 42],
    ['1', '42.5', NaN],
    ['10', '20', 2],
    ['10', '25', NaN],
    ['10', '0', 0],
    ['0.00000001', '0.00100000', 100000],
    ['0.00000001', '1', 100000000],
    ['0.00000001', '0.000000001', NaN],
    ['0.0001', 'abc', NaN],
    ['0.0001', '', NaN],
    ['0.0001', '-1', NaN],
    ['0.0001', '1.2.3', NaN],
    ['0.0001', ' 1', NaN],
    ['0.0001', '+1', NaN],
    ['0.0001', '1e-4', NaN],
    ['1', '9007199254740991', 9007199254740991],
    ['1', '9007199254740993', NaN], // past 2^53: not exact
    ['0.0001', '900719925474.0992', NaN],
    // numbers, as JSON-parsed venues send them
    ['0.0001', 7.611, 76110],
    ['0.0001', 0.1, 1000],
    ['0.00000001', 1e-7, 10],
    ['0.00000001', 1e-8, 1],
    ['0.0001', 1e-7, NaN],
    ['10', 120, 12],
    ['0.0001', -1, NaN],
    ['0.0001', Number.NaN, NaN],
    ['0.0001', Number.POSITIVE_INFINITY, NaN],
    ['1', 1e21, NaN],
  ])('step %s: toInt(%j) = %d', (step, value, expected) => {
    expect(new Scale(step).toInt(value)).toBe(expected);
  });

  it('rejects a lone decimal point (it is not a number)', () => {
    // Found while writing these tests: "." parses as 0 steps.
    expect(new Scale('0.0001').toInt('.')).toBeNaN();
  });
});

describe('Scale.toText', () => {
  it.each<[string, number, string]>([
    ['0.0001', 76110, '7.6110'],
    ['0.0001', 202000, '20.2000'],
    ['0.0001', 1, '0.0001'],
    ['0.0001', 0, '0.0000'],
    ['0.0001', -3, '-0.0003'],
    ['0.005', 3, '0.015'],
    ['0.005', 200, '1.000'],
    ['0.5', 3, '1.5'],
    ['0.5', 41, '20.5'],
    ['1', 42, '42'],
    ['10', 2, '20'],
    ['10', 0, '0'],
    ['0.00000001', 10, '0.00000010'],
    ['0.00000001', 123456789, '1.23456789'],
  ])('step %s: toText(%d) = %s', (step, steps, expected) => {
    expect(new Scale(step).toText(steps)).toBe(expected);
  });

  it('gives floats for display and floors floats onto the grid', () => {
    const s = new Scale('0.005');
    expect(s.toNumber(3)).toBeCloseTo(0.015, 12);
    expect(s.floorOf(0.0149)).toBe(2);
    expect(s.floorOf(0.015)).toBe(3); // 0.015 is 0.01499… as a float: the epsilon keeps it on 3
  });
});

const STEPS = ['0.0001', '0.005', '0.5', '1', '10', '0.00000001', '0.25', '0.000000000000001'];

/** Writes k steps as decimal text with BigInt, independently of Scale.toText. */
function textOf(step: string, k: bigint): string {
  const p = parseDecimal(step)!;
  const units = BigInt(p.units) * k;
  if (p.decimals === 0) return units.toString();
  const digits = units.toString().padStart(p.decimals + 1, '0');
  return `${digits.slice(0, -p.decimals)}.${digits.slice(-p.decimals)}`;
}

describe('Scale round trip (property)', () => {
  const arb = fc.constantFrom(...STEPS).chain((step) => {
    const max = Math.floor(Number.MAX_SAFE_INTEGER / parseDecimal(step)!.units);
    return fc.tuple(fc.constant(step), fc.integer({ min: 0, max }), fc.nat({ max: 4 }));
  });

  it('toText(toInt(x)) === x for on-grid text at the step decimals, whatever trailing zeros x had', () => {
    fc.assert(
      fc.property(arb, ([step, k, extraZeros]) => {
        const s = new Scale(step);
        const x = textOf(step, BigInt(k));
        const padded = s.decimals === 0 ? x : x + '0'.repeat(extraZeros);
        expect(s.toInt(padded)).toBe(k);
        expect(s.toText(s.toInt(x))).toBe(x);
      }),
      { numRuns: 1000 },
    );
  });

  it('toInt(toText(k)) === k', () => {
    fc.assert(
      fc.property(arb, ([step, k]) => {
        const s = new Scale(step);
        expect(s.toInt(s.toText(k))).toBe(k);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decimal helpers', () => {
  it.each<[number, string]>([
    [1e-7, '0.0000001'],
    [1.5e-10, '0.00000000015'],
    [123.45, '123.45'],
    [-1, ''],
    [Number.NaN, ''],
  ])('numberText(%d) = %j', (v, text) => {
    expect(numberText(v)).toBe(text);
  });

  it.each<[number, string]>([
    [0, '1'],
    [1, '0.1'],
    [3, '0.001'],
    [8, '0.00000001'],
  ])('stepOfDecimals(%i) = %s', (d, step) => {
    expect(stepOfDecimals(d)).toBe(step);
  });

  it('parseDecimal strips trailing zeros and refuses anything but plain digits', () => {
    expect(parseDecimal('20.20')).toEqual({ units: 202, decimals: 1 });
    expect(parseDecimal('100')).toEqual({ units: 100, decimals: 0 });
    expect(parseDecimal('1e5')).toBeUndefined();
    expect(parseDecimal('-1')).toBeUndefined();
  });
});

describe('computed prices (mark, index, mid)', () => {
  it('keeps on-grid values exact and off-grid values as fractional ticks, and prints both', () => {
    const s = new Scale('0.10');
    expect(s.toTicks('100.20')).toBe(1002);
    expect(s.toTicks('100.25')).toBeCloseTo(1002.5, 9);
    expect(s.toTicks('11784.62659091')).toBeCloseTo(117846.2659091, 6);
    expect(s.toTicks('-1')).toBeNaN();
    expect(s.toText(1002)).toBe('100.2');
    expect(s.toText(1002.5)).toBe('100.25');
  });
});
