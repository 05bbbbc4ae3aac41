import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { ManualClock, SystemClock, ScaledClock } from '../../src/core/clock.ts';
import { secureToken, seededRng } from '../../src/core/rng.ts';

describe('ManualClock', () => {
  it('moves only when told and fires due timers in due order, then creation order', () => {
    const c = new ManualClock(1_000);
    const fired: string[] = [];
    c.setTimeout(() => fired.push('b@300'), 300);
    c.setTimeout(() => fired.push('a@100'), 100);
    c.setTimeout(() => fired.push('c@100'), 100);
    const gone = c.setTimeout(() => fired.push('never'), 50);
    c.clearTimeout(gone);
    expect(c.now()).toBe(1_000);
    c.advance(99);
    expect(fired).toEqual([]);
    c.advance(1);
    expect(fired).toEqual(['a@100', 'c@100']);
    expect(c.now()).toBe(1_100);
    c.advance(1_000);
    expect(fired).toEqual(['a@100', 'c@100', 'b@300']);
    expect(c.now()).toBe(2_100);
    expect(c.pending()).toBe(0);
  });

  it('runs a timer armed by a firing timer within the same advance, at its own time', () => {
    const c = new ManualClock(0);
    const at: number[] = [];
    c.setTimeout(() => {
      at.push(c.now());
      c.setTimeout(() => at.push(c.now()), 10);
    }, 10);
    c.advance(25);
    expect(at).toEqual([10, 20]);
  });

  it('repeats intervals until cleared and refuses to go back', () => {
    const c = new ManualClock(0);
    let n = 0;
    const h = c.setInterval(() => n++, 10);
    c.advance(35);
    expect(n).toBe(3);
    c.clearInterval(h);
    c.advance(100);
    expect(n).toBe(3);
    expect(() => c.set(5)).toThrow(/cannot go back/);
  });

  it('drives XState `after` delays through the clock option', () => {
    const m = setup({}).createMachine({ initial: 'a', states: { a: { after: { 5_000: 'b' } }, b: {} } });
    const c = new ManualClock(0);
    const actor = createActor(m, { clock: c }).start();
    c.advance(4_999);
    expect(actor.getSnapshot().value).toBe('a');
    c.advance(1);
    expect(actor.getSnapshot().value).toBe('b');
  });

  it('SystemClock reads wall time', () => {
    const before = Date.now();
    const t = new SystemClock().now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t - before).toBeLessThan(1_000);
  });
});

describe('rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const c = seededRng('other');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws integers within bounds, covering them', () => {
    const r = seededRng(7);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(r.int(1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('makes unpredictable hex tokens for secrets', () => {
    expect(secureToken()).toMatch(/^[0-9a-f]{64}$/);
    expect(secureToken()).not.toBe(secureToken());
  });
});

describe('ScaledClock', () => {
  it('runs time and timers `speed` times faster than the wall, from the start it is given', async () => {
    const clock = new ScaledClock(50, 1_000_000);
    expect(clock.now()).toBeGreaterThanOrEqual(1_000_000);
    const wall = Date.now();
    // 1 s of clock time is 20 ms of wall time at 50×.
    const firedAt = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.now()), 1000));
    expect(firedAt - 1_000_000).toBeGreaterThanOrEqual(1000 - 50);
    expect(Date.now() - wall).toBeLessThan(1000);
    let ticks = 0;
    const h = clock.setInterval(() => ticks++, 500);
    await new Promise((r) => setTimeout(r, 60));
    clock.clearInterval(h);
    expect(ticks).toBeGreaterThanOrEqual(2);
    expect(() => new ScaledClock(0)).toThrow(RangeError);
  });
});
