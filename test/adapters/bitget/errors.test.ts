import { describe, expect, it } from 'vitest';
import { BITGET_ERRORS, classify } from '../../../src/adapters/bitget/errors.ts';

type Row = readonly [code: number | string | undefined, http: number, cls: 'retryable' | 'non-retryable' | 'fatal', reason: RegExp];

const ROWS: readonly Row[] = [
  ['429', 429, 'retryable', /too many requests/],
  [undefined, 429, 'retryable', /too many requests/],
  ['40009', 400, 'fatal', /signature/],
  ['40037', 400, 'fatal', /does not exist/],
  ['43012', 400, 'non-retryable', /insufficient balance/],
  ['40762', 400, 'non-retryable', /exceeds the available balance/],
  [40008, 400, 'retryable', /resync/],
  ['40018', 400, 'fatal', /whitelist/],
  ['40010', 400, 'retryable', /unknown/],
  ['45110', 400, 'non-retryable', /minimum/],
  [undefined, 503, 'retryable', /outcome unknown/],
  ['49999', 400, 'non-retryable', /rejected/],
];

describe('bitget classify', () => {
  it.each(ROWS)('code %s HTTP %s → %s', (code, http, cls, reason) => {
    const r = classify(code, http);
    expect(r.class).toBe(cls);
    expect(r.reason).toMatch(reason);
  });

  it('every table entry has a class and a non-empty reason', () => {
    for (const [code, e] of Object.entries(BITGET_ERRORS)) {
      expect(['retryable', 'non-retryable', 'fatal'], code).toContain(e.class);
      expect(e.reason.length, code).toBeGreaterThan(5);
    }
  });

  it('gives retry delays for rate limits', () => {
    expect(classify('429', 429).retryAfterMs).toBe(1_000);
  });
});
