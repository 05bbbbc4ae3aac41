/**
 * What the API shows of arbitrage: the total estimated value across venues (dollar balances at
 * par, holdings at a dollar mid, perps' unrealized PnL) and a saga's legs in base units.
 */
import { describe, expect, it } from 'vitest';
import { accountValue, sagaJson } from '../../../src/strategies/arbitrage/views.ts';
import { newOrder, type TwoLegContext } from '../../../machines/twoLeg.machine.ts';

describe('accountValue', () => {
  it('adds dollars at par, coins at their mid and the unrealized PnL, exactly', () => {
    const unpriced: string[] = [];
    const value = accountValue(
      { 'binance-spot': { USDT: '1000.5', BTC: '0.25', DOGE: '100' }, hyperliquid: { USDC: '200' } },
      '-3.25',
      (_venue, asset) => (asset === 'BTC' ? 97000.1 : undefined),
      (venue, asset) => unpriced.push(`${venue}:${asset}`),
    );
    // 1000.5 + 0.25 × 97000.1 + 200 − 3.25 = 1000.5 + 24250.025 + 200 − 3.25 = 25447.275
    expect(value).toBe('25447.275');
    expect(unpriced).toEqual(['binance-spot:DOGE']);
  });
});

describe('sagaJson', () => {
  it('lists every order of the saga with sizes in base and its purpose', () => {
    const ctx = {
      id: 's1', route: 'route:BTC:a:b', kind: 'spot', fine: '0.0001', units: 50,
      legs: { a: { instrument: 'okx:BTC-USDT', side: 'buy', unitsPerLot: 1, seenPrice: 1 }, b: { instrument: 'binance-spot:BTCUSDT', side: 'sell', unitsPerLot: 10, seenPrice: 1 } },
      orders: [
        { ...newOrder({ key: 'a:open', leg: 'a', purpose: 'open', side: 'buy', units: 50, limitPrice: '1', reduceOnly: false }), filled: 50, status: 'FILLED', done: true },
        newOrder({ key: 'b:open', leg: 'b', purpose: 'open', side: 'sell', units: 50, limitPrice: '1', reduceOnly: false }),
      ],
    } as unknown as TwoLegContext;
    expect(sagaJson({ id: 's1', state: 'sending', context: ctx })).toEqual({
      id: 's1', route: 'route:BTC:a:b', state: 'sending',
      legs: [
        { instrument: 'okx:BTC-USDT', side: 'buy', qty: '0.005', filled: '0.005', state: 'FILLED', purpose: 'open' },
        { instrument: 'binance-spot:BTCUSDT', side: 'sell', qty: '0.005', filled: '0', state: 'NEW', purpose: 'open' },
      ],
    });
  });
});
