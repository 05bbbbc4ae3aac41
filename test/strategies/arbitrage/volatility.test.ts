import { describe, expect, it } from 'vitest';
import { MidVolatility } from '../../../src/strategies/arbitrage/volatility.ts';

function run(halfLifeMs: number, series: readonly (readonly [number, number])[]): MidVolatility {
  const v = new MidVolatility(halfLifeMs);
  for (const [ts, mid] of series) v.update(ts, mid);
  return v;
}

// ln(1.01) = 0.00995033085; |ln(100/101)| is the same.
const LN = Math.log(1.01);

describe('MidVolatility', () => {
  it('is NaN before the first return and 0 for a constant mid', () => {
    const v = new MidVolatility(1000);
    expect(v.bpsPerSqrtSec()).toBeNaN();
    v.update(0, 100);
    expect(v.bpsPerSqrtSec()).toBeNaN();
    expect(v.samples).toBe(0);
    for (let t = 1; t <= 10; t++) v.update(t * 250, 100);
    expect(v.samples).toBe(10);
    expect(v.bpsPerSqrtSec()).toBe(0);
  });

  it('gives |ln 1.01| × 1e4 = 99.5033 bps/√s for 100, 101, 100, 101 a second apart', () => {
    // Every return has r² = ln(1.01)² over dt = 1 s, so the EWMA of a constant stays r²: √ × 1e4 = 99.5033.
    const v = run(1000, [[0, 100], [1000, 101], [2000, 100], [3000, 101]]);
    expect(v.samples).toBe(3);
    expect(v.bpsPerSqrtSec()).toBeCloseTo(99.5033, 4);
  });

  it('normalises per second and weighs by elapsed time at irregular intervals', () => {
    // t=0 100 → t=1 s 101: seeds var = r²/1 = r².
    // t=1 s 101 → t=5 s 100: r²/4, α = 1 − 2^(−4000/1000) = 0.9375.
    // var = r² + 0.9375 × (r²/4 − r²) = r² × (1 − 0.703125) = 0.296875 r²
    // vol = √0.296875 × 99.5033 = 0.544862 × 99.5033 = 54.2156 bps/√s
    const v = run(1000, [[0, 100], [1000, 101], [5000, 100]]);
    expect(v.bpsPerSqrtSec()).toBeCloseTo(Math.sqrt(0.296875) * LN * 1e4, 9);
    expect(v.bpsPerSqrtSec()).toBeCloseTo(54.2156, 3);
  });

  it('halves the weight of old returns per half-life', () => {
    // Seed r² (dt 1 s), then a flat second: α = 1 − 2^(−1) = 0.5 ⇒ var = r²/2 ⇒ vol 99.5033 / √2 = 70.3598.
    const v = run(1000, [[0, 100], [1000, 101], [2000, 101]]);
    expect(v.bpsPerSqrtSec()).toBeCloseTo(70.3598, 3);
  });

  it('ignores non-positive and non-finite mids and timestamps going back', () => {
    const clean = run(1000, [[0, 100], [1000, 101], [2000, 100]]);
    const noisy = run(1000, [[0, 100], [500, 0], [600, -1], [700, NaN], [800, Infinity], [1000, 101], [900, 150], [2000, 100], [NaN, 90]]);
    expect(noisy.samples).toBe(clean.samples);
    expect(noisy.bpsPerSqrtSec()).toBe(clean.bpsPerSqrtSec());
  });

  it('keeps only the latest mid of a timestamp', () => {
    const latestOnly = run(1000, [[0, 100], [1000, 101], [2000, 100]]);
    const twice = run(1000, [[0, 100], [1000, 105], [1000, 101], [2000, 100]]);
    expect(twice.samples).toBe(latestOnly.samples);
    expect(twice.bpsPerSqrtSec()).toBeCloseTo(latestOnly.bpsPerSqrtSec(), 12);
    // A repeat of the very first timestamp replaces the anchor before any return exists.
    const first = run(1000, [[0, 90], [0, 100], [1000, 101]]);
    expect(first.bpsPerSqrtSec()).toBeCloseTo(LN * 1e4, 9);
  });

  it('rejects a non-positive half-life', () => {
    expect(() => new MidVolatility(0)).toThrow(RangeError);
  });
});
