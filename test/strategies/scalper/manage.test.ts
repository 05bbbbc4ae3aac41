import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { manage, openExit, type ExitState, type ManageInput } from '../../../src/strategies/scalper/manage.ts';
import { DEFAULT_EXIT_OPTIONS, type ExitPlan } from '../../../src/strategies/scalper/tpsl.ts';

// A long at 100 with its stop at 99.5: TP1 100.5, TP2 101, break-even at 100.15 moves the stop to 100.1.
const LONG_PLAN: ExitPlan = { tp1: 100.5, tp2: 101, stop: 99.5, breakEvenAt: 100.15, breakEvenStop: 100.1, trailBps: 15 };
// The mirror image: a short at 100.
const SHORT_PLAN: ExitPlan = { tp1: 99.5, tp2: 99, stop: 100.5, breakEvenAt: 99.85, breakEvenStop: 99.9, trailBps: 15 };

const at = (bid: number, ask: number, over: Partial<ManageInput> = {}): ManageInput => ({ now: 1_000, bid, ask, pumpPhase: 'NONE', globalPanic: false, maxHoldMs: 60_000, ...over });
const long = (): ExitState => openExit('long', 0, LONG_PLAN, 100);
const short = (): ExitState => openExit('short', 0, SHORT_PLAN, 100);

describe('manage: closes', () => {
  it.each([
    // [case, state, input, expected close reason and share]
    ['long stop hit at the bid', long(), at(99.5, 99.6), { reason: 'stop', share: 'all' }],
    ['long stop not hit by the ask alone', long(), at(99.6, 99.4), null],
    ['long TP2 at the bid', long(), at(101, 101.1), { reason: 'tp2', share: 'all' }],
    ['long TP1 takes the share', long(), at(100.5, 100.6), { reason: 'tp1', share: 'tp1' }],
    ['long held too long', long(), at(100.2, 100.3, { now: 60_000 }), { reason: 'max-hold', share: 'all' }],
    ['short stop hit at the ask', short(), at(100.4, 100.5), { reason: 'stop', share: 'all' }],
    ['short TP1 at the ask', short(), at(99.4, 99.5), { reason: 'tp1', share: 'tp1' }],
    ['short TP2 at the ask', short(), at(98.9, 99), { reason: 'tp2', share: 'all' }],
    ['nothing between stop and TP1', long(), at(100.05, 100.1), null],
  ] as const)('%s', (_name, s, input, want) => {
    const close = manage(s, input).actions.find((a) => a.kind === 'close');
    if (want === null) expect(close).toBeUndefined();
    else expect(close).toMatchObject({ kind: 'close', ...want });
  });

  it('stop hit wins over the TP on a gap through both (the stop is checked first)', () => {
    // A stop moved above the TP1 price cannot exist, but a gap down past the stop must close all, never take TP1.
    const s = { ...long(), stop: 100.2, stopKind: 'trailing-stop' as const, breakEven: true };
    expect(manage(s, at(100.1, 100.2)).actions).toEqual([{ kind: 'close', share: 'all', reason: 'trailing-stop', price: 100.1 }]);
  });
});

describe('manage: the stop moves toward profit only', () => {
  it('break-even: unrealized PnL at the fees × (1 + buffer) moves the stop to entry + fees', () => {
    const step = manage(long(), at(100.15, 100.2));
    expect(step.state.breakEven).toBe(true);
    // Trailing from the peak 100.15 at 15 bps is 99.99975, below the break-even stop: the stop stays 100.1.
    expect(step.state.stop).toBe(100.1);
    expect(step.state.stopKind).toBe('breakeven-stop');
    expect(step.actions).toEqual([{ kind: 'stop-moved', from: 99.5, to: 100.1, why: 'breakeven-stop' }]);
  });

  it('TP1 also moves the stop to break-even, then trails from the peak', () => {
    const s1 = manage(long(), at(100.5, 100.6)).state;
    expect(s1.tp1Done).toBe(true);
    // Peak 100.5, 15 bps trail: 100.5 × (1 − 0.0015) = 100.34925 > 100.1.
    expect(s1.stop).toBeCloseTo(100.34925, 9);
    expect(s1.stopKind).toBe('trailing-stop');
    // The price rises to 100.8: the stop follows to 100.8 × 0.9985 = 100.6488.
    const s2 = manage(s1, at(100.8, 100.9)).state;
    expect(s2.stop).toBeCloseTo(100.6488, 9);
    // It falls back to 100.7: the stop does not move down.
    const s3 = manage(s2, at(100.7, 100.8));
    expect(s3.state.stop).toBeCloseTo(100.6488, 9);
    expect(s3.actions).toEqual([]);
    // And TP1 is taken once.
    expect(manage(s2, at(100.7, 100.8)).actions.some((a) => a.kind === 'close')).toBe(false);
  });

  it('trails tighter in BLOWOFF', () => {
    const s = manage(long(), at(100.5, 100.6)).state;
    const calm = manage(s, at(100.8, 100.9), ).state.stop;
    const blowoff = manage(s, at(100.8, 100.9, { pumpPhase: 'BLOWOFF' })).state.stop;
    // BLOWOFF: 15 × 0.4 = 6 bps ⇒ 100.8 × 0.9994 = 100.73952.
    expect(blowoff).toBeCloseTo(100.73952, 9);
    expect(blowoff).toBeGreaterThan(calm);
  });

  it('GLOBAL_PANIC protects an open long at the tightest trail from the touch', () => {
    const step = manage(long(), at(100.05, 100.1, { globalPanic: true }));
    // 100.05 × (1 − 3 bps) = 100.019985.
    expect(step.state.stop).toBeCloseTo(100.019985, 9);
    expect(step.state.stopKind).toBe('panic-stop');
  });

  it('a short trails above its lowest ask', () => {
    const s1 = manage(short(), at(99.4, 99.5)).state;
    // Peak (lowest ask) 99.5: 99.5 × 1.0015 = 99.64925.
    expect(s1.stop).toBeCloseTo(99.64925, 9);
    const s2 = manage(s1, at(99.1, 99.2)).state;
    expect(s2.stop).toBeCloseTo(99.2 * 1.0015, 9);
    expect(manage(s2, at(99.3, 99.4)).state.stop).toBeCloseTo(99.2 * 1.0015, 9);
  });

  it('property: over any path of prices the long stop never decreases and a close is always at or beyond the stop it names', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 99, max: 101.5, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.boolean(), (path, panic) => {
        let s = long();
        for (const [i, bid] of path.entries()) {
          const before = s.stop;
          const step = manage(s, at(bid, bid + 0.01, { now: i, globalPanic: panic, opts: DEFAULT_EXIT_OPTIONS }));
          expect(step.state.stop).toBeGreaterThanOrEqual(before);
          const close = step.actions.find((a) => a.kind === 'close');
          if (close && close.share === 'all' && close.reason !== 'tp2') expect(bid).toBeLessThanOrEqual(s.stop);
          if (close?.share === 'all') break;
          s = step.state;
        }
      }),
    );
  });
});
