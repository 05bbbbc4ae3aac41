import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, type InstrumentSpec } from '../../../src/model/instrument.ts';
import { baseToUnits, lotsOf, pairGrid, unitsToBase } from '../../../src/strategies/arbitrage/pairGrid.ts';
import { parseDec } from '../../../src/model/decimal.ts';

const inst = (symbol: string, lotSize: string, contractSize = '1', over: Partial<InstrumentSpec> = {}) =>
  makeInstrument({ venue: 'okx', symbol, kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize, contractSize, ...over });

const LINEAR = inst('LIN', '0.001');
/** OKX-like swap: one contract is 0.01 BTC, sizes in whole contracts ⇒ a lot is 0.01 BTC. */
const SWAP = inst('SWAP', '1', '0.01');

describe('pairGrid', () => {
  it('pairs a 0.001 lot with an OKX swap whose lot is 1 contract × 0.01', () => {
    // gcd(0.001, 0.01) = 0.001; lcm = 0.01; 0.001/0.001 = 1, 0.01/0.001 = 10.
    expect(pairGrid(LINEAR, SWAP)).toEqual({ fine: '0.001', coarse: '0.01', unitsPerLotA: 1, unitsPerLotB: 10, coarseUnits: 10 });
    expect(pairGrid(SWAP, LINEAR)).toEqual({ fine: '0.001', coarse: '0.01', unitsPerLotA: 10, unitsPerLotB: 1, coarseUnits: 10 });
  });

  it.each([
    // [lot A, contract A, lot B, contract B, fine, coarse, units A, units B]
    ['0.002', '1', '0.003', '1', '0.001', '0.006', 2, 3], // gcd 1, lcm 6 in thousandths
    ['0.04', '1', '0.06', '1', '0.02', '0.12', 2, 3], // gcd(4,6)=2, lcm 12 in hundredths
    ['0.1', '0.01', '0.00001', '1', '0.00001', '0.001', 100, 1], // 0.1 × 0.01 = 0.001 = 100 × 0.00001
    ['0.5', '10', '3', '1', '1', '15', 5, 3], // 0.5 × 10 = 5 base against 3: gcd 1, lcm 15
    ['0.001', '1', '0.001', '1', '0.001', '0.001', 1, 1], // the same lot: one grid
    ['0.25', '1', '0.1', '1', '0.05', '0.5', 5, 2], // gcd(25,10)=5, lcm 50 in hundredths
  ] as const)('lots %s×%s and %s×%s ⇒ fine %s, coarse %s', (la, ca, lb, cb, fine, coarse, ua, ub) => {
    const g = pairGrid(inst('A', la, ca), inst('B', lb, cb));
    expect(g).toEqual({ fine, coarse, unitsPerLotA: ua, unitsPerLotB: ub, coarseUnits: ua * ub });
  });

  it('converts units to base and back exactly, and throws off the fine grid', () => {
    const g = pairGrid(LINEAR, SWAP);
    expect(unitsToBase(g, 37)).toBe('0.037');
    expect(unitsToBase(g, 0)).toBe('0');
    expect(unitsToBase(g, 1000)).toBe('1');
    expect(baseToUnits(g, '0.037')).toBe(37);
    expect(baseToUnits(g, '0.0370')).toBe(37);
    expect(baseToUnits(g, '2')).toBe(2000);
    expect(() => baseToUnits(g, '0.0375')).toThrow(/not a multiple of the pair grid's 0.001/);
    expect(() => baseToUnits(g, 'abc')).toThrow(RangeError);
    expect(() => baseToUnits(g, '-0.001')).toThrow(RangeError);
    expect(() => unitsToBase(g, 1.5)).toThrow(RangeError);
  });

  it('floors units to whole lots of each leg', () => {
    const g = pairGrid(LINEAR, SWAP);
    // 37 units = 0.037 BTC: 37 lots of 0.001, but only 3 contracts of 0.01 (0.03).
    expect(lotsOf(g, 'a', 37)).toBe(37);
    expect(lotsOf(g, 'b', 37)).toBe(3);
    expect(lotsOf(g, 'b', 40)).toBe(4);
    expect(lotsOf(g, 'b', 9)).toBe(0);
  });

  it('rejects a zero lot or contract size', () => {
    expect(() => pairGrid(inst('A', '0.001', '0'), LINEAR)).toThrow(/contractSize/);
  });

  it('fine divides both lots, coarse is a multiple of both, and fine × coarse = lot A × lot B (property)', () => {
    const lot = fc.record({ units: fc.integer({ min: 1, max: 5000 }), decimals: fc.integer({ min: 0, max: 8 }) });
    const text = (l: { units: number; decimals: number }): string =>
      l.decimals === 0 ? String(l.units) : (l.units / 10 ** l.decimals).toFixed(l.decimals);
    fc.assert(
      fc.property(lot, lot, (a, b) => {
        const ia = inst('A', text(a));
        const ib = inst('B', text(b));
        const g = pairGrid(ia, ib);
        // Everything on the scale 10^-16 as BigInt: exact.
        const at = (s: string): bigint => {
          const d = parseDec(s)!;
          return d.v * 10n ** BigInt(16 - d.s);
        };
        const [la, lb, fine, coarse] = [at(ia.lotSize), at(ib.lotSize), at(g.fine), at(g.coarse)];
        expect(la % fine).toBe(0n);
        expect(lb % fine).toBe(0n);
        expect(coarse % la).toBe(0n);
        expect(coarse % lb).toBe(0n);
        expect(fine * coarse).toBe(la * lb);
        expect(BigInt(g.unitsPerLotA) * fine).toBe(la);
        expect(baseToUnits(g, g.coarse)).toBe(g.coarseUnits);
        // coarseUnits stays below 5000 × 5000 × 1e8 = 2.5e15 here, so + 3 is still exact.
        expect(baseToUnits(g, unitsToBase(g, g.coarseUnits + 3))).toBe(g.coarseUnits + 3);
      }),
    );
  });
});
