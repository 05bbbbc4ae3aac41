import { describe, expect, it } from 'vitest';
import { opportunitiesByVenue, suggestRebalance, type RebalanceLeg, type RebalanceRoute } from '../../../src/strategies/arbitrage/rebalance.ts';

const spot = (venue: string, base = 'BTC'): RebalanceLeg => ({ venue, kind: 'spot', base, quote: 'USDT' });
const perp = (venue: string, leverage: number, quote = 'USDT'): RebalanceLeg => ({ venue, kind: 'perp', base: 'BTC', quote, leverage });

// Buy 0.1 BTC on binance-spot, sell it on okx, at 50 000: notional 0.1 × 50 000 = 5 000 USDT.
const BTC_SPOT: RebalanceRoute = { id: 'route:BTC:binance-spot:okx', buy: spot('binance-spot'), sell: spot('okx'), qty: '0.1', price: '50000' };

describe('rebalancing suggestions', () => {
  it('says nothing when every side holds what the next trade needs', () => {
    const advice = suggestRebalance({ routes: [BTC_SPOT], free: { 'binance-spot': { USDT: '5000' }, okx: { BTC: '0.1' } } });
    expect(advice.suggestions).toEqual([]);
  });

  it('names the short buy venue and the venue with the most surplus quote', () => {
    const advice = suggestRebalance({
      routes: [BTC_SPOT],
      free: {
        'binance-spot': { USDT: '1200.5' },
        okx: { BTC: '1', USDT: '30000' },
        bitget: { USDT: '40000' },
      },
    });
    expect(advice.suggestions).toHaveLength(1);
    const s = advice.suggestions[0]!;
    // needed 5000, free 1200.5 → short 5000 − 1200.5 = 3799.5; bitget's 40000 beats okx's 30000
    expect(s).toMatchObject({ venue: 'binance-spot', asset: 'USDT', free: '1200.5', needed: '5000', shortBy: '3799.5', routes: ['route:BTC:binance-spot:okx'], from: { venue: 'bitget', free: '40000' } });
    expect(s.message).toBe('binance-spot is short 3799.5 USDT for the next trade of route:BTC:binance-spot:okx (free 1200.5, needed 5000); bitget has 40000 USDT to spare');
  });

  it('needs base on the selling spot venue, and counts a donor venue’s own need against its surplus', () => {
    const reverse: RebalanceRoute = { ...BTC_SPOT, id: 'route:BTC:okx:bybit-spot', buy: spot('bybit-spot'), sell: spot('binance-spot') };
    const advice = suggestRebalance({
      routes: [BTC_SPOT, reverse],
      free: {
        // okx must sell 0.1 BTC and holds 0.04: short 0.06.
        okx: { BTC: '0.04' },
        // binance-spot holds 0.5 BTC but sells 0.1 itself: surplus 0.4; bitget holds 0.3, needs none: surplus 0.3.
        'binance-spot': { BTC: '0.5', USDT: '9000' },
        bitget: { BTC: '0.3' },
        'bybit-spot': { USDT: '5000' },
      },
    });
    expect(advice.suggestions.map((s) => [s.venue, s.asset, s.shortBy, s.from?.venue])).toEqual([['okx', 'BTC', '0.06', 'binance-spot']]);
    expect(advice.suggestions[0]!.message).toContain('binance-spot has 0.4 BTC to spare');
  });

  it('needs margin (notional / leverage) on a perp venue, either side', () => {
    const perps: RebalanceRoute = { id: 'route:BTC:bitget:hyperliquid', buy: perp('bitget', 5), sell: perp('hyperliquid', 3, 'USDC'), qty: '0.1', price: '50000' };
    const advice = suggestRebalance({ routes: [perps], free: { bitget: { USDT: '999.99' }, hyperliquid: { USDC: '1000' } } });
    // bitget: 5000 / 5 = 1000 > 999.99 → short 0.01; hyperliquid: 5000 / 3 = 1666.66666667 (rounded up) → short 666.66666667
    expect(advice.suggestions.map((s) => [s.venue, s.asset, s.needed, s.shortBy])).toEqual([
      ['hyperliquid', 'USDC', '1666.66666667', '666.66666667'],
      ['bitget', 'USDT', '1000', '0.01'],
    ]);
    expect(advice.suggestions[1]!.from).toBeUndefined();
    expect(advice.suggestions[1]!.message).toContain('no other venue has USDT to spare');
  });

  it('takes the largest need when several routes draw on one venue, and lists them all', () => {
    const eth: RebalanceRoute = { id: 'route:ETH:binance-spot:okx', buy: spot('binance-spot', 'ETH'), sell: spot('okx', 'ETH'), qty: '2', price: '3000' };
    const advice = suggestRebalance({ routes: [eth, BTC_SPOT], free: { 'binance-spot': { USDT: '100' }, okx: { BTC: '1', ETH: '5' } } });
    // needs on binance-spot USDT: 2 × 3000 = 6000 and 5000 → 6000; short 6000 − 100 = 5900
    expect(advice.suggestions).toHaveLength(1);
    expect(advice.suggestions[0]).toMatchObject({ needed: '6000', shortBy: '5900', routes: ['route:BTC:binance-spot:okx', 'route:ETH:binance-spot:okx'] });
  });

  it('orders suggestions by shortfall, then venue, then asset', () => {
    const routes: RebalanceRoute[] = [
      { id: 'a', buy: spot('zeta'), sell: spot('alpha'), qty: '1', price: '10' },
      { id: 'b', buy: spot('beta'), sell: spot('gamma'), qty: '1', price: '10' },
    ];
    // zeta and beta need 10 USDT each and hold 0: short 10 each (tie → beta before zeta); alpha and gamma need 1 BTC, hold 0.5: short 0.5.
    const advice = suggestRebalance({ routes, free: { alpha: { BTC: '0.5' }, gamma: { BTC: '0.5' } } });
    expect(advice.suggestions.map((s) => `${s.venue}:${s.asset}:${s.shortBy}`)).toEqual(['beta:USDT:10', 'zeta:USDT:10', 'alpha:BTC:0.5', 'gamma:BTC:0.5']);
    // alpha's donor: gamma holds 0.5 but needs 1 itself → no surplus anywhere
    expect(advice.suggestions[2]!.from).toBeUndefined();
  });

  it('ranks venues by opportunities, ties by name', () => {
    const byVenue = opportunitiesByVenue({ 'route:BTC:okx:binance-spot': 5, 'route:ETH:okx:bitget': 2, 'route:SOL:bitget:binance-spot': 2 }, (id) => id.split(':').slice(2));
    // okx 5 + 2 = 7, binance-spot 5 + 2 = 7, bitget 2 + 2 = 4
    expect(byVenue).toEqual({ okx: 7, 'binance-spot': 7, bitget: 4 });
    const advice = suggestRebalance({ routes: [], free: {}, opportunities: byVenue });
    expect(advice.busiest).toEqual([
      { venue: 'binance-spot', opportunities: 7 },
      { venue: 'okx', opportunities: 7 },
      { venue: 'bitget', opportunities: 4 },
    ]);
  });

  it('refuses a non-decimal size', () => {
    expect(() => suggestRebalance({ routes: [{ ...BTC_SPOT, qty: '1e-3' }], free: {} })).toThrow(/qty of route:BTC:binance-spot:okx/);
  });
});
