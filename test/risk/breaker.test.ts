import { describe, expect, it } from 'vitest';
import { Breaker, type BreakerOptions } from '../../src/risk/breaker.ts';

const OPTS: BreakerOptions = { cooldownMs: 1_000, maxCooldownMs: 3_000, resumeAfterMs: 500, maxFailures: 3, windowMs: 10_000 };

describe('Breaker states', () => {
  it('goes closed → open → probation → closed with its timings', () => {
    const b = new Breaker(OPTS);
    expect(b.state(0)).toBe('closed');
    b.trip('book stale for 5 s', 100);
    expect(b.state(100)).toBe('open');
    expect(b.reason(100)).toBe('book stale for 5 s');
    expect(b.openUntil(100)).toBe(1_100);
    expect(b.state(1_099)).toBe('open');
    expect(b.state(1_100)).toBe('probation');
    expect(b.openUntil(1_100)).toBeUndefined();
    expect(b.state(1_599)).toBe('probation');
    expect(b.state(1_600)).toBe('closed');
    expect(b.reason(1_600)).toBeUndefined();
    expect(b.tripCount).toBe(1);
  });

  it('allows everything closed, reduce-only in probation, nothing open', () => {
    const b = new Breaker(OPTS);
    expect(b.allows(0)).toBe(true);
    expect(b.allows(0, true)).toBe(true);
    b.trip('x', 0);
    expect(b.allows(500)).toBe(false);
    expect(b.allows(500, true)).toBe(false);
    expect(b.allows(1_000)).toBe(false);
    expect(b.allows(1_000, true)).toBe(true);
    expect(b.allows(1_500)).toBe(true);
  });

  it('ignores a trip while open (the cooldown is not extended)', () => {
    const b = new Breaker(OPTS);
    b.trip('first', 0);
    b.trip('second', 900);
    expect(b.state(1_000)).toBe('probation');
    expect(b.reason(1_000)).toBe('first');
    expect(b.tripCount).toBe(1);
  });

  it('reopens from probation with the cooldown doubled, capped, and resets it after a clean close', () => {
    const b = new Breaker(OPTS);
    b.trip('a', 0);
    b.trip('b', 1_200); // probation: cooldown 2000
    expect(b.state(3_199)).toBe('open');
    expect(b.state(3_200)).toBe('probation');
    b.trip('c', 3_300); // cooldown 4000 capped at 3000
    expect(b.openUntil(3_300)).toBe(6_300);
    expect(b.state(6_300)).toBe('probation');
    expect(b.state(6_800)).toBe('closed');
    b.trip('d', 7_000);
    expect(b.openUntil(7_000)).toBe(8_000);
  });
});

describe('Breaker failure counter', () => {
  it('trips after maxFailures within the window and not before', () => {
    const b = new Breaker(OPTS);
    expect(b.failure(0)).toBe(false);
    expect(b.failure(1)).toBe(false);
    expect(b.failure(2)).toBe(true);
    expect(b.state(2)).toBe('open');
    expect(b.reason(2)).toBe('3 failures within 10000 ms');
  });

  it('forgets failures older than the window', () => {
    const b = new Breaker(OPTS);
    b.failure(0);
    b.failure(1);
    expect(b.failure(10_001)).toBe(false);
    expect(b.state(10_001)).toBe('closed');
  });

  it('clears the run on success', () => {
    const b = new Breaker(OPTS);
    b.failure(0);
    b.failure(1);
    b.success();
    expect(b.failure(2)).toBe(false);
  });

  it('does not report a trip for failures while already open', () => {
    const b = new Breaker({ ...OPTS, maxFailures: 1 });
    expect(b.failure(0)).toBe(true);
    expect(b.failure(10)).toBe(false);
    expect(b.tripCount).toBe(1);
  });
});

describe('Breaker persistence', () => {
  it('round-trips through JSON mid-probation with a doubled cooldown', () => {
    const b = new Breaker(OPTS);
    b.trip('a', 0);
    b.trip('b', 1_100);
    b.failure(1_200);
    const r = Breaker.from(JSON.parse(JSON.stringify(b.toJSON())), OPTS);
    expect(r.toJSON()).toEqual(b.toJSON());
    expect(r.state(3_100)).toBe('probation');
    expect(r.reason(3_100)).toBe('b');
    expect(new Breaker(OPTS).toJSON()).toEqual({ cooldownMs: 1_000, trips: 0, failures: [] });
  });
});
