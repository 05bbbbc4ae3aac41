import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PUMP_OPTIONS, PUMP_ORDER, PumpEngine, type PumpInput } from '../../src/features/pump.ts';
import type { PumpPhase } from '../../src/features/types.ts';

/** One reading per second: [second, price, volumeRatio, tradesPerSecRatio, bookThinning]. */
type Step = readonly [number, number, number, number, number];

function input([s, price, volumeRatio, tradesPerSecRatio, bookThinning]: Step): PumpInput {
  return { ts: s * 1000, price, volumeRatio, tradesPerSecRatio, bookThinning };
}

/** Feeds the steps and returns each phase change as [ts, phase]. */
function transitions(steps: readonly Step[], engine = new PumpEngine()): [number, PumpPhase][] {
  const out: [number, PumpPhase][] = [];
  let last: PumpPhase = 'NONE';
  for (const st of steps) {
    const v = engine.update(input(st));
    if (v.phase !== last) {
      expect(v.since).toBe(st[0] * 1000);
      out.push([v.since, v.phase]);
      last = v.phase;
    }
  }
  return out;
}

function range(from: number, to: number, f: (s: number) => Step): Step[] {
  const out: Step[] = [];
  for (let s = from; s <= to; s++) out.push(f(s));
  return out;
}

const calm = (s: number, price = 100): Step => [s, price, 1, 1, 0];

/**
 * The whole cycle with the default thresholds, one reading a second:
 *  0–9 s   100 flat, normal volume                                  NONE
 *  10 s    100.6: +0.6 % ≥ 0.5 % with volume 2.5×, trades 2.5×, book 30 % thinner  → PREPUMP
 *  11–19 s +0.1/s to 101.5, same flow                              PREPUMP holds
 *  20 s    103.5: +3.5 % over the 60 s window ≥ 3 % with volume 4× ≥ 3×  → PUMPING (base 103.5)
 *  21–40 s +0.05/s to 104.5; at 40 s the last 10 s rose 0.48 % (< 1 %): no blowoff yet
 *  41 s    106: the last 10 s rose (106 − 104.05) / 104.05 = 1.87 % ≥ 1 %, at 1.87e-6/ms against
 *          (104.05 − 103.5) / 103.5 over the 11 s before = 4.83e-7/ms: 3.9× ≥ 2×  → BLOWOFF
 *  42 s    107 (the peak)
 *  43–45 s 106, 105, 104.5: 104.5 ≤ 107 × 0.98 = 104.86  → DUMP at 45 s
 *  46–47 s 103, 102 (the low at 47 s); 48–57 s 102.5: no new low for 10 s  → COOLDOWN at 57 s
 *  … a fresh pump during the cooldown changes nothing …
 *  177 s   120 s after the cooldown began  → NONE
 */
const CYCLE: readonly Step[] = [
  ...range(0, 9, (s) => calm(s)),
  [10, 100.6, 2.5, 2.5, 0.3],
  ...range(11, 19, (s): Step => [s, 100.6 + 0.1 * (s - 10), 2.5, 2.5, 0.3]),
  [20, 103.5, 4, 3, 0.4],
  ...range(21, 40, (s): Step => [s, 103.5 + 0.05 * (s - 20), 4, 3, 0.4]),
  [41, 106, 5, 4, 0.5],
  [42, 107, 7, 5, 0.5],
  [43, 106, 7, 5, 0.5],
  [44, 105, 6, 5, 0.5],
  [45, 104.5, 6, 5, 0.5],
  [46, 103, 5, 4, 0.4],
  [47, 102, 4, 3, 0.3],
  ...range(48, 57, (s) => calm(s, 102.5)),
  [60, 110, 9, 9, 0.9],
  [100, 102, 1, 1, 0],
  [176, 102, 1, 1, 0],
  [177, 102, 1, 1, 0],
];

describe('PumpEngine phases', () => {
  it('walks NONE → PREPUMP → PUMPING → BLOWOFF → DUMP → COOLDOWN → NONE at the expected times', () => {
    expect(transitions(CYCLE)).toEqual([
      [10_000, 'PREPUMP'],
      [20_000, 'PUMPING'],
      [41_000, 'BLOWOFF'],
      [45_000, 'DUMP'],
      [57_000, 'COOLDOWN'],
      [177_000, 'NONE'],
    ]);
    expect(PUMP_ORDER).toEqual(['NONE', 'PREPUMP', 'PUMPING', 'BLOWOFF', 'DUMP', 'COOLDOWN']);
  });

  it('reports the change over the window', () => {
    const e = new PumpEngine();
    let v = e.update(input(calm(0)));
    expect(v.change).toBe(0);
    v = e.update(input([10, 100.6, 1, 1, 0]));
    expect(v.change).toBeCloseTo(0.006, 12);
    // At 70 s the reference is the last sample at or before 10 s (100.6): 101.6 / 100.6 − 1
    v = e.update(input([70, 101.6, 1, 1, 0]));
    expect(v.change).toBeCloseTo(1 / 100.6, 12);
  });

  it.each<[string, readonly Step[], [number, PumpPhase][]]>([
    [
      // PREPUMP at 10 s, then the flow goes back to normal at a held price: 20 s after 10 s ⇒ NONE
      'a prepump whose flow dies fizzles after fizzleMs',
      [...range(0, 9, (s) => calm(s)), [10, 100.6, 2.5, 2.5, 0.3], ...range(11, 35, (s) => calm(s, 100.6))],
      [[10_000, 'PREPUMP'], [30_000, 'NONE']],
    ],
    [
      // PREPUMP at 10 s; at 12 s the price is back under the window's start (−0.1 %) ⇒ NONE at once
      'a prepump that gives back its rise fizzles at once',
      [...range(0, 9, (s) => calm(s)), [10, 100.6, 2.5, 2.5, 0.3], [11, 100.3, 2.5, 2.5, 0.3], [12, 99.9, 2.5, 2.5, 0.3]],
      [[10_000, 'PREPUMP'], [12_000, 'NONE']],
    ],
    [
      // 100 → 90 with heavy volume: a dump with no pump before it is not a pump phase
      'a plain fall stays NONE',
      range(0, 60, (s): Step => [s, 100 - s / 6, 8, 8, 0.8]),
      [],
    ],
    [
      // +0.6 % with volume but trades at normal rate and a full book: not all PREPUMP conditions
      'a rise without the flow is not a prepump',
      [...range(0, 9, (s) => calm(s)), ...range(10, 20, (s): Step => [s, 100.6, 2.5, 1, 0])],
      [],
    ],
    [
      // +4 % in one second with volume 5×: PUMPING without a PREPUMP (skipping keeps the order)
      'a sharp pump skips PREPUMP',
      [...range(0, 9, (s) => calm(s)), [10, 104, 5, 1, 0]],
      [[10_000, 'PUMPING']],
    ],
    [
      // +3.5 % but volume only 2×: the pump needs its volume spike
      'a rise without a volume spike is not a pump',
      [...range(0, 9, (s) => calm(s)), [10, 103.5, 2, 1, 0]],
      [],
    ],
    [
      // PUMPING at 10 s (peak 104), then the price drifts at 103.5 (−0.5 %, no dump): no new peak
      // for 120 s ⇒ COOLDOWN at 130 s, skipping BLOWOFF and DUMP
      'a pump that fades out cools down',
      [...range(0, 9, (s) => calm(s)), [10, 104, 5, 1, 0], ...range(11, 130, (s) => calm(s, 103.5))],
      [[10_000, 'PUMPING'], [130_000, 'COOLDOWN']],
    ],
    [
      // PUMPING at 10 s (base 104), steady +0.01/s, then at 31 s volume 7× with the price at the
      // high and the last 10 s up only (104.21 − 104.11) / 104.11 = 0.1 % < 0.3 % ⇒ BLOWOFF (climax)
      'volume climaxing while price stalls at the high is a blowoff',
      [
        ...range(0, 9, (s) => calm(s)),
        [10, 104, 5, 1, 0],
        ...range(11, 30, (s): Step => [s, 104 + 0.01 * (s - 10), 4, 1, 0]),
        [31, 104.21, 7, 1, 0],
      ],
      [[10_000, 'PUMPING'], [31_000, 'BLOWOFF']],
    ],
    [
      // PUMPING at 10 s (peak 104); 101.9 ≤ 104 × 0.98 = 101.92 ⇒ DUMP straight from PUMPING
      'a pump may dump without a blowoff',
      [...range(0, 9, (s) => calm(s)), [10, 104, 5, 1, 0], [11, 103, 3, 1, 0], [12, 101.9, 3, 1, 0]],
      [[10_000, 'PUMPING'], [12_000, 'DUMP']],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(transitions(steps)).toEqual(expected);
  });

  it('does not call a blowoff before PUMPING has lasted 2 × accelMs', () => {
    // PUMPING at 10 s; at 25 s a jump of +3 % in 10 s would be an acceleration, but only 15 s in.
    const steps: Step[] = [...range(0, 9, (s) => calm(s)), [10, 104, 5, 1, 0], ...range(11, 24, (s) => calm(s, 104)), [25, 107.1, 8, 1, 0]];
    expect(transitions(steps)).toEqual([[10_000, 'PUMPING']]);
  });

  it('ignores readings out of time order and bad prices', () => {
    const e = new PumpEngine();
    e.update(input(calm(5)));
    const before = e.view;
    expect(e.update(input([4, 200, 9, 9, 1]))).toBe(before);
    expect(e.update(input([6, Number.NaN, 9, 9, 1]))).toBe(before);
    expect(e.update(input([6, 0, 9, 9, 1]))).toBe(before);
    expect(e.update(input([6, -1, 9, 9, 1]))).toBe(before);
  });

  it('rejects inconsistent options', () => {
    expect(() => new PumpEngine({ sampleMs: 0 })).toThrow(RangeError);
    expect(() => new PumpEngine({ accelMs: 120_000 })).toThrow(RangeError);
  });

  it('keeps the defaults documented in the header', () => {
    expect(DEFAULT_PUMP_OPTIONS).toMatchObject({ windowMs: 60_000, pumpPct: 0.03, dumpPct: 0.02, cooldownMs: 120_000 });
  });
});

describe('PumpEngine properties', () => {
  const stepArb = fc.record({
    dt: fc.integer({ min: 0, max: 5000 }),
    move: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
    volumeRatio: fc.double({ min: 0, max: 10, noNaN: true }),
    tradesPerSecRatio: fc.double({ min: 0, max: 10, noNaN: true }),
    bookThinning: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('phases only move forward in PUMP_ORDER, back to NONE only from PREPUMP or COOLDOWN', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 400 }), (steps) => {
        const e = new PumpEngine({ sampleMs: 100 });
        let ts = 0;
        let price = 100;
        let last: PumpPhase = 'NONE';
        for (const s of steps) {
          ts += s.dt;
          price *= 1 + s.move;
          const v = e.update({ ts, price, volumeRatio: s.volumeRatio, tradesPerSecRatio: s.tradesPerSecRatio, bookThinning: s.bookThinning });
          if (v.phase !== last) {
            const forward = PUMP_ORDER.indexOf(v.phase) > PUMP_ORDER.indexOf(last);
            const reset = v.phase === 'NONE' && (last === 'PREPUMP' || last === 'COOLDOWN');
            const fromNone = last === 'NONE' && (v.phase === 'PREPUMP' || v.phase === 'PUMPING');
            expect(forward || reset).toBe(true);
            if (last === 'NONE') expect(fromNone).toBe(true);
            last = v.phase;
          }
          expect(Number.isFinite(v.change)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
