import { describe, expect, it } from 'vitest';
import { OKX_ERRORS, classify } from '../../../src/adapters/okx/errors.ts';

type Row = readonly [code: number | string | undefined, http: number, cls: 'retryable' | 'non-retryable' | 'fatal', reason: RegExp];

const ROWS: readonly Row[] = [
  [50011, 429, 'retryable', /rate limit/],
  [50111, 401, 'fatal', /OK-ACCESS-KEY/],
  [50113, 401, 'fatal', /signature/],
  [51008, 200, 'non-retryable', /insufficient/],
  ['51008', 200, 'non-retryable', /insufficient/],
  [50102, 401, 'retryable', /resync/],
  [50061, 429, 'retryable', /sub-account/],
  [50110, 401, 'fatal', /whitelist/],
  [51016, 200, 'non-retryable', /query it by client id/],
  [51400, 200, 'non-retryable', /cancel failed/],
  [50004, 200, 'retryable', /unknown/],
  [undefined, 429, 'retryable', /rate limited/],
  [undefined, 500, 'retryable', /outcome unknown/],
  [59999, 200, 'non-retryable', /rejected/],
];

describe('okx classify', () => {
  it.each(ROWS)('code %s HTTP %s → %s', (code, http, cls, reason) => {
    const r = classify(code, http);
    expect(r.class).toBe(cls);
    expect(r.reason).toMatch(reason);
  });

  it('every table entry has a class and a non-empty reason', () => {
    for (const [code, e] of Object.entries(OKX_ERRORS)) {
      expect(['retryable', 'non-retryable', 'fatal'], code).toContain(e.class);
      expect(e.reason.length, code).toBeGreaterThan(5);
    }
  });

  it('gives retry delays for rate limits', () => {
    expect(classify(50011, 429).retryAfterMs).toBe(2_000);
  });
});
