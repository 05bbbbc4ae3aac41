import { describe, expect, it } from 'vitest';
import { BYBIT_ERRORS, classify } from '../../../src/adapters/bybit/errors.ts';

type Row = readonly [code: number | string | undefined, http: number, cls: 'retryable' | 'non-retryable' | 'fatal', reason: RegExp];

const ROWS: readonly Row[] = [
  [10006, 200, 'retryable', /too many visits/],
  [10003, 200, 'fatal', /API key invalid/],
  [10004, 200, 'fatal', /signature/],
  [110007, 200, 'non-retryable', /balance insufficient/],
  ['110007', 200, 'non-retryable', /balance/],
  [10002, 200, 'retryable', /resync/],
  [10005, 200, 'fatal', /permission/],
  [10010, 200, 'fatal', /IP/],
  [110072, 200, 'non-retryable', /query it by client id/],
  [110001, 200, 'non-retryable', /does not exist/],
  [undefined, 403, 'retryable', /10 minutes/],
  [undefined, 502, 'retryable', /outcome unknown/],
  [999999, 200, 'non-retryable', /rejected/],
];

describe('bybit classify', () => {
  it.each(ROWS)('code %s HTTP %s → %s', (code, http, cls, reason) => {
    const r = classify(code, http);
    expect(r.class).toBe(cls);
    expect(r.reason).toMatch(reason);
  });

  it('every table entry has a class and a non-empty reason', () => {
    for (const [code, e] of Object.entries(BYBIT_ERRORS)) {
      expect(['retryable', 'non-retryable', 'fatal'], code).toContain(e.class);
      expect(e.reason.length, code).toBeGreaterThan(5);
    }
  });

  it('gives retry delays for rate limits', () => {
    expect(classify(10006, 200).retryAfterMs).toBe(1_000);
    expect(classify(undefined, 403).retryAfterMs).toBe(600_000);
  });
});
