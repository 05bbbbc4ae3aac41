import { describe, expect, it } from 'vitest';
import { Ring } from '../../src/runtime/ring.ts';

describe('Ring', () => {
  it('keeps the newest items up to capacity, oldest first', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 7; i++) r.push(i);
    expect(r.toArray()).toEqual([5, 6, 7]);
    expect(r.size).toBe(3);
  });
  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new Ring(0)).toThrow(RangeError);
  });
});
