import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, cmp, decOfNumber, decText, div, mul, parseDec, sub, trim, type Dec } from '../../../src/model/decimal.ts';

const d = (s: string): Dec => parseDec(s)!;

describe('decimal', () => {
  it('parses and prints signed plain decimals, trimming trailing zeros', () => {
    const table: [string, string][] = [
      ['0', '0'],
      ['0.000', '0'],
      ['-0.0', '0'],
      ['12.50', '12.5'],
      ['-0.0003', '-0.0003'],
      ['100', '100'],
      ['00.10', '0.1'],
    ];
    for (const [input, out] of table) expect(decText(d(input))).toBe(out);
    for (const bad of ['', '.5', '1.', '1e3', '+1', '--1', 'NaN', '1,5']) expect(parseDec(bad)).toBeUndefined();
  });

  it('adds, subtracts and multiplies exactly', () => {
    expect(decText(add(d('0.1'), d('0.2')))).toBe('0.3');
    expect(decText(sub(d('1'), d('0.0000000001')))).toBe('0.9999999999');
    expect(decText(mul(d('0.0002'), mul(d('28552.1'), d('0.003'))))).toBe('0.01713126');
  });

  it('turns numbers into the decimal their shortest text shows', () => {
    expect(decText(decOfNumber(0.0002))).toBe('0.0002');
    expect(decText(decOfNumber(-0.0001))).toBe('-0.0001');
    expect(decText(decOfNumber(1e-7))).toBe('0.0000001');
    expect(() => decOfNumber(Number.NaN)).toThrow(RangeError);
  });

  it('divides with the rounding asked for', () => {
    expect(decText(div(d('1'), d('3'), 4, 'ceil'))).toBe('0.3334');
    expect(decText(div(d('1'), d('3'), 4, 'floor'))).toBe('0.3333');
    expect(decText(div(d('2'), d('3'), 4, 'half'))).toBe('0.6667');
    expect(decText(div(d('-1'), d('3'), 4, 'ceil'))).toBe('-0.3333');
    expect(decText(div(d('-1'), d('3'), 4, 'floor'))).toBe('-0.3334');
    expect(decText(div(d('-2'), d('3'), 4, 'half'))).toBe('-0.6667');
    expect(decText(div(d('1.5'), d('-0.5'), 0, 'half'))).toBe('-3');
    expect(() => div(d('1'), d('0'), 2, 'half')).toThrow(RangeError);
  });

  it('keeps a + b − b = a and compares like the values (property)', () => {
    const dec = fc.tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 })).map(([v, s]) => ({ v, s }));
    fc.assert(
      fc.property(dec, dec, (a, b) => {
        expect(cmp(sub(add(a, b), b), a)).toBe(0);
        expect(cmp(trim(a), a)).toBe(0);
        expect(cmp(parseDec(decText(a))!, a)).toBe(0);
        const ceil = div(a, { v: 7n, s: 0 }, 3, 'ceil');
        const floor = div(a, { v: 7n, s: 0 }, 3, 'floor');
        expect(cmp(mul(ceil, { v: 7n, s: 0 }), a)).toBeGreaterThanOrEqual(0);
        expect(cmp(mul(floor, { v: 7n, s: 0 }), a)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
