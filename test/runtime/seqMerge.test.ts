import { describe, expect, it } from 'vitest';
import { mergeSorted } from '../../src/runtime/seqMerge.ts';
import { collect } from '../helpers.ts';

async function* from(xs: number[]): AsyncGenerator<number> {
  yield* xs;
}

describe('mergeSorted', () => {
  it('merges sorted streams into one, ascending or descending', async () => {
    expect(await collect(mergeSorted([from([1, 4, 9]), from([2, 3, 10]), from([]), from([5])], false))).toEqual([1, 2, 3, 4, 5, 9, 10]);
    expect(await collect(mergeSorted([from([9, 4, 1]), from([10, 3, 2])], true))).toEqual([10, 9, 4, 3, 2, 1]);
  });

  it('pulls only what the consumer takes and closes every source when it stops', async () => {
    let pulled = 0;
    let closed = 0;
    const counting = async function* (xs: number[]): AsyncGenerator<number> {
      try {
        for (const x of xs) {
          pulled++;
          yield x;
        }
      } finally {
        closed++;
      }
    };
    const big = Array.from({ length: 10_000 }, (_, i) => i * 2);
    const out: number[] = [];
    for await (const v of mergeSorted([counting(big), counting(big.map((x) => x + 1))], false)) {
      out.push(v);
      if (out.length === 5) break;
    }
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(pulled).toBeLessThan(10);
    expect(closed).toBe(2);
  });
});
