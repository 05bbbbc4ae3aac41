import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, opportunityScore, shrunkSuccess, type ScoreInputs } from '../../../src/strategies/arbitrage/score.ts';

const base: ScoreInputs = { netBps: 15, thresholdBps: 5, notionalQuote: 10_000, volBps: 0, successRate: 1, attempts: 0 };

describe('opportunityScore', () => {
  it('is the quote earned beyond the threshold, times the shrunk success, over the vol discount', () => {
    // excess 10 bps × 10000 = 10 USDT; no attempts ⇒ the neutral prior 0.5 ⇒ 5.
    expect(opportunityScore(base)).toBeCloseTo(5, 12);
    // 20 attempts at 0.9: (18 + 0.5 × 5) / 25 = 0.82 ⇒ 8.2.
    expect(opportunityScore({ ...base, successRate: 0.9, attempts: 20 })).toBeCloseTo(8.2, 12);
    // vol 10 bps/√s halves it: 8.2 / (1 + 10/10) = 4.1.
    expect(opportunityScore({ ...base, successRate: 0.9, attempts: 20, volBps: 10 })).toBeCloseTo(4.1, 12);
  });

  it('is 0 when the edge does not clear its threshold or the threshold is infinite', () => {
    expect(opportunityScore({ ...base, netBps: 5 })).toBe(0);
    expect(opportunityScore({ ...base, netBps: 3 })).toBe(0);
    expect(opportunityScore({ ...base, thresholdBps: Infinity })).toBe(0);
    expect(opportunityScore({ ...base, notionalQuote: 0 })).toBe(0);
  });

  it('leans on the prior when attempts are few and on the record when they are many', () => {
    // 1 failure in 1 attempt: (0 + 2.5) / 6 = 0.4167; 0 of 100: 2.5 / 105 = 0.0238.
    expect(shrunkSuccess(0, 1)).toBeCloseTo(2.5 / 6, 12);
    expect(shrunkSuccess(0, 100)).toBeCloseTo(2.5 / 105, 12);
    expect(shrunkSuccess(0.5, 1000)).toBeCloseTo(0.5, 12);
  });

  it('rises with the edge and the size, falls with volatility (property)', () => {
    const pos = (max: number) => fc.double({ min: 0, max, noNaN: true });
    fc.assert(
      fc.property(pos(50), pos(50), pos(1e5), pos(1e5), pos(100), pos(100), (n1, n2, s1, s2, v1, v2) => {
        const at = (netBps: number, notionalQuote: number, volBps: number) => opportunityScore({ ...base, netBps: 5 + netBps, notionalQuote, volBps, successRate: 0.7, attempts: 10 });
        const [nLo, nHi] = n1 <= n2 ? [n1, n2] : [n2, n1];
        const [sLo, sHi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const [vLo, vHi] = v1 <= v2 ? [v1, v2] : [v2, v1];
        expect(at(nHi, 1000, 1)).toBeGreaterThanOrEqual(at(nLo, 1000, 1));
        expect(at(10, sHi, 1)).toBeGreaterThanOrEqual(at(10, sLo, 1));
        expect(at(10, 1000, vLo)).toBeGreaterThanOrEqual(at(10, 1000, vHi));
      }),
    );
  });
});

describe('allocate', () => {
  it('gives a shared balance to the better score and names the key the other ran out of', () => {
    // Both need bybit USDT; 1000 free: the 8-score route takes 600, leaving 400 < 800 for the other.
    const out = allocate(
      [
        { id: 'route:BTC:bybit:okx', score: 5, needs: [{ key: 'bybit-linear|USDT', amount: 800 }, { key: 'okx|USDT', amount: 800 }] },
        { id: 'route:ETH:bybit:bitget', score: 8, needs: [{ key: 'bybit-linear|USDT', amount: 600 }, { key: 'bitget|USDT', amount: 600 }] },
        { id: 'route:SOL:okx:bitget', score: 1, needs: [{ key: 'okx|USDT', amount: 900 }, { key: 'bitget|USDT', amount: 300 }] },
      ],
      new Map([
        ['bybit-linear|USDT', 1000],
        ['okx|USDT', 1000],
        ['bitget|USDT', 1000],
      ]),
    );
    // SOL still fits: okx untouched (1000 ≥ 900), bitget 1000 − 600 = 400 ≥ 300.
    expect(out).toEqual({ chosen: ['route:ETH:bybit:bitget', 'route:SOL:okx:bitget'], skipped: [{ id: 'route:BTC:bybit:okx', key: 'bybit-linear|USDT' }] });
  });

  it('counts a key listed twice as the sum, treats a missing key as empty, and breaks ties by id', () => {
    const free = new Map([['okx|BTC', 1]]);
    expect(allocate([{ id: 'x', score: 1, needs: [{ key: 'okx|BTC', amount: 0.6 }, { key: 'okx|BTC', amount: 0.6 }] }], free)).toEqual({ chosen: [], skipped: [{ id: 'x', key: 'okx|BTC' }] });
    expect(allocate([{ id: 'y', score: 1, needs: [{ key: 'bitget|USDT', amount: 1 }] }], free).skipped).toEqual([{ id: 'y', key: 'bitget|USDT' }]);
    const tie = allocate(
      [
        { id: 'b', score: 2, needs: [{ key: 'okx|BTC', amount: 1 }] },
        { id: 'a', score: 2, needs: [{ key: 'okx|BTC', amount: 1 }] },
      ],
      free,
    );
    expect(tie).toEqual({ chosen: ['a'], skipped: [{ id: 'b', key: 'okx|BTC' }] });
    expect(free.get('okx|BTC')).toBe(1); // the caller's map is not spent
  });

  it('never spends more than is free (property)', () => {
    const cand = fc.record({ score: fc.double({ min: 0, max: 10, noNaN: true }), k: fc.integer({ min: 0, max: 2 }), amount: fc.double({ min: 0, max: 10, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(cand, { maxLength: 12 }), (cs) => {
        const free = new Map([['k0', 10], ['k1', 5], ['k2', 1]]);
        const list = cs.map((c, i) => ({ id: `c${i}`, score: c.score, needs: [{ key: `k${c.k}`, amount: c.amount }] }));
        const out = allocate(list, free);
        expect(out.chosen.length + out.skipped.length).toBe(list.length);
        for (const key of free.keys()) {
          const spent = list.filter((c) => out.chosen.includes(c.id)).flatMap((c) => c.needs).filter((n) => n.key === key).reduce((t, n) => t + n.amount, 0);
          expect(spent).toBeLessThanOrEqual(free.get(key)! + 1e-6);
        }
      }),
    );
  });
});
