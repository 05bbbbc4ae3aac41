import { describe, expect, it } from 'vitest';
import { BINANCE_ERRORS, classify } from '../../../src/adapters/binance/errors.ts';

type Row = readonly [code: number | string | undefined, http: number, cls: 'retryable' | 'non-retryable' | 'fatal', reason: RegExp];

const ROWS: readonly Row[] = [
  [-1021, 400, 'retryable', /resync/],
  [-2019, 400, 'non-retryable', /margin insufficient/],
  [-2015, 401, 'fatal', /API key/],
  [-1003, 429, 'retryable', /too many requests/],
  ['-1003', 429, 'retryable', /back off/],
  [-1015, 400, 'retryable', /order rate limit/],
  [-1022, 400, 'fatal', /signature/],
  [-1007, 408, 'retryable', /unknown/],
  [-2010, 400, 'non-retryable', /rejected/],
  [-5022, 400, 'non-retryable', /post-only/],
  [undefined, 429, 'retryable', /rate limited/],
  [undefined, 418, 'retryable', /banned/],
  [undefined, 503, 'retryable', /outcome unknown/],
  [-9999, 400, 'non-retryable', /rejected/],
];

describe('binance classify', () => {
  it.each(ROWS)('code %s HTTP %s → %s', (code, http, cls, reason) => {
    const r = classify(code, http);
    expect(r.class).toBe(cls);
    expect(r.reason).toMatch(reason);
  });

  it('every table entry has a class and a non-empty reason', () => {
    for (const [code, e] of Object.entries(BINANCE_ERRORS)) {
      expect(['retryable', 'non-retryable', 'fatal'], code).toContain(e.class);
      expect(e.reason.length, code).toBeGreaterThan(5);
    }
  });

  it('gives retry delays for rate limits and bans', () => {
    expect(classify(-1003, 429).retryAfterMs).toBeGreaterThan(0);
    expect(classify(-1003, 418).retryAfterMs).toBe(120_000);
    expect(classify(-2019, 400).retryAfterMs).toBeUndefined();
  });
});
