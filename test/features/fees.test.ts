import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FEES_OPTIONS, feeRate, feesView, liquidationDistance, minMoveForProfitBps } from '../../src/features/fees.ts';

// Bybit linear perps, base tier: maker 0.02 %, taker 0.055 %.
const BYBIT = { maker: 0.0002, taker: 0.00055 };

describe('minMoveForProfitBps', () => {
  it.each<[string, number, number, number, number]>([
    // 2 + 5.5 bps of fees + 2 bps buffer
    ['maker in, taker out, 2 bps buffer', 0.0002, 0.00055, 2, 9.5],
    // 5.5 + 5.5 + 0
    ['taker both ways, no buffer', 0.00055, 0.00055, 0, 11],
    // 2 + 2 + 1
    ['maker both ways, 1 bp buffer', 0.0002, 0.0002, 1, 5],
    // a −0.5 bp maker rebate each way: −1 + 0.5 buffer clamps at 0
    ['rebates never make the minimum negative', -0.00005, -0.00005, 0.5, 0],
    // −0.5 bp rebate in, 5.5 out, 2 buffer = 7
    ['a rebate lowers it', -0.00005, 0.00055, 2, 7],
  ])('%s', (_name, entryFee, exitFee, bufferBps, bps) => {
    expect(minMoveForProfitBps({ entryFee, exitFee, bufferBps })).toBeCloseTo(bps, 10);
  });

  it('stays within 0.01 bps of the exact round trip at venue-sized fees', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.001, noNaN: true }), fc.double({ min: 0, max: 0.001, noNaN: true }), (fe, fx) => {
        // A long breaks even when exit / entry = (1 + fe) / (1 − fx).
        const exactBps = ((1 + fe) / (1 - fx) - 1) * 10_000;
        const approx = minMoveForProfitBps({ entryFee: fe, exitFee: fx, bufferBps: 0 });
        expect(approx).toBeLessThanOrEqual(exactBps + 1e-9);
        expect(exactBps - approx).toBeLessThan(0.021);
      }),
    );
  });

  it.each<[string, number, number, number]>([
    ['NaN fee', Number.NaN, 0, 0],
    ['infinite fee', 0, Number.POSITIVE_INFINITY, 0],
    ['negative buffer', 0, 0, -1],
  ])('rejects %s', (_name, entryFee, exitFee, bufferBps) => {
    expect(() => minMoveForProfitBps({ entryFee, exitFee, bufferBps })).toThrow(RangeError);
  });
});

describe('liquidationDistance', () => {
  it.each<[number, number, number]>([
    // 1/10 − 0.005 = 9.5 %
    [10, 0.005, 0.095],
    // 1/1 − 0.005
    [1, 0.005, 0.995],
    // 1/100 − 0.005 = 0.5 %
    [100, 0.005, 0.005],
    // 1/200 − 0.005 = 0: liquidated at once (never below 0)
    [200, 0.005, 0],
    // 1/50 − 0.01 = 1 %
    [50, 0.01, 0.01],
    // 1/25 with no maintenance margin
    [25, 0, 0.04],
  ])('at %d× with %d maintenance margin is %d', (leverage, mm, distance) => {
    expect(liquidationDistance(leverage, mm)).toBeCloseTo(distance, 12);
  });

  it.each<[string, number, number]>([
    ['leverage below 1', 0.5, 0.005],
    ['NaN leverage', Number.NaN, 0.005],
    ['negative maintenance margin', 10, -0.01],
    ['maintenance margin of 100 %', 10, 1],
  ])('rejects %s', (_name, leverage, mm) => {
    expect(() => liquidationDistance(leverage, mm)).toThrow(RangeError);
  });

  it('shrinks as leverage grows and stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 200, noNaN: true }), fc.double({ min: 1, max: 200, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (a, b, mm) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const dLo = liquidationDistance(lo, mm);
        const dHi = liquidationDistance(hi, mm);
        expect(dHi).toBeLessThanOrEqual(dLo);
        expect(dLo).toBeGreaterThanOrEqual(0);
        expect(dLo).toBeLessThanOrEqual(1); // 1× with no maintenance margin: the whole price
      }),
    );
  });
});

describe('feesView', () => {
  it('picks maker or taker per leg and uses the defaults', () => {
    expect(feeRate(BYBIT, 'maker')).toBe(0.0002);
    expect(feeRate(BYBIT, 'taker')).toBe(0.00055);
    // maker in + taker out + default 2 bps; 10× with the default 0.5 % maintenance margin
    const v = feesView({ schedule: BYBIT, entry: 'maker', exit: 'taker', leverage: 10 });
    expect(v.minMoveBps).toBeCloseTo(9.5, 10);
    expect(v.liquidationDistance).toBeCloseTo(0.095, 12);
    expect(DEFAULT_FEES_OPTIONS).toEqual({ bufferBps: 2, maintenanceMargin: 0.005 });
  });

  it('takes the buffer and maintenance margin from the input, then the options', () => {
    // taker both ways (11 bps) + 3 bps; 1/20 − 0.01 = 4 %
    const v = feesView({ schedule: BYBIT, entry: 'taker', exit: 'taker', leverage: 20, bufferBps: 3, maintenanceMargin: 0.01 });
    expect(v).toEqual({ minMoveBps: expect.closeTo(14, 10), liquidationDistance: expect.closeTo(0.04, 12) });
    // options: buffer 0 ⇒ 2 + 2 bps
    const w = feesView({ schedule: BYBIT, entry: 'maker', exit: 'maker', leverage: 5 }, { bufferBps: 0 });
    expect(w.minMoveBps).toBeCloseTo(4, 10);
  });
});
