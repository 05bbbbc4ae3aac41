/** Client order ids: valid on every venue, stable across retries, distinct across intents. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_ID_RULES, clientOrderId, isFleetClientOrderId, type ClientIdVenue, type ClientOrderIdInput } from '../../src/execution/clientOrderId.ts';

const VENUES = Object.keys(CLIENT_ID_RULES) as ClientIdVenue[];

const input: fc.Arbitrary<ClientOrderIdInput> = fc.record({
  strategy: fc.oneof(fc.constantFrom('arbitrage', 'scalper', ''), fc.string({ maxLength: 20 })),
  intentId: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })),
  leg: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('entry', 'tp', 'sl', 'unwind')),
  attempt: fc.option(fc.integer({ min: 0, max: 50 }), { nil: undefined }),
});

const key = (i: ClientOrderIdInput): string => JSON.stringify([i.strategy, i.intentId, String(i.leg), i.attempt ?? 0]);

describe('clientOrderId', () => {
  it('reads as documented', () => {
    const i = { strategy: 'arbitrage', intentId: 'saga-42', leg: 0 };
    expect(clientOrderId('binance-usdm', i)).toMatch(/^fl-arbitr-[0-9A-Za-z]{22}$/);
    expect(clientOrderId('okx', i)).toMatch(/^flarbitr[0-9A-Za-z]{22}$/);
    expect(clientOrderId('hyperliquid', i)).toMatch(/^0x[0-9a-f]{32}$/);
    // The hash part is the same on every venue but Hyperliquid: one intent, one identity.
    expect(clientOrderId('okx', i).slice(-22)).toBe(clientOrderId('bitget', i).slice(-22));
  });

  it('is valid on every venue and recognised as ours', () => {
    fc.assert(
      fc.property(input, (i) => {
        for (const v of VENUES) {
          const id = clientOrderId(v, i);
          expect(id).toMatch(CLIENT_ID_RULES[v]);
          expect(isFleetClientOrderId(v, id)).toBe(true);
        }
      }),
    );
  });

  it('gives a retry of the same intent the same id (attempt absent = 0)', () => {
    fc.assert(
      fc.property(input, (i) => {
        for (const v of VENUES) {
          expect(clientOrderId(v, { ...i })).toBe(clientOrderId(v, i));
          expect(clientOrderId(v, { ...i, attempt: 0 })).toBe(clientOrderId(v, { ...i, attempt: undefined }));
        }
      }),
    );
  });

  it('never collides across different intents, legs or attempts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(input, { minLength: 2, maxLength: 200, selector: key }), (inputs) => {
        for (const v of VENUES) expect(new Set(inputs.map((i) => clientOrderId(v, i))).size).toBe(inputs.length);
      }),
      { numRuns: 200 },
    );
  });

  it('separates fields that would run together when concatenated', () => {
    const a = clientOrderId('okx', { strategy: 's', intentId: 'ab', leg: 'c' });
    const b = clientOrderId('okx', { strategy: 's', intentId: 'a', leg: 'bc' });
    expect(a).not.toBe(b);
    expect(clientOrderId('okx', { strategy: 's', intentId: 'a', leg: 1 })).toBe(clientOrderId('okx', { strategy: 's', intentId: 'a', leg: '1' }));
  });

  it('refuses a negative or fractional attempt', () => {
    expect(() => clientOrderId('bybit-linear', { strategy: 's', intentId: 'i', leg: 0, attempt: -1 })).toThrow(RangeError);
    expect(() => clientOrderId('bybit-linear', { strategy: 's', intentId: 'i', leg: 0, attempt: 1.5 })).toThrow(RangeError);
  });

  it('does not mistake a hand-placed id for ours', () => {
    expect(isFleetClientOrderId('binance-usdm', 'web_abc123')).toBe(false);
    expect(isFleetClientOrderId('okx', 'manual1')).toBe(false);
  });
});
