/**
 * Base inventory on the simulated spot venues: without it a spot–spot arbitrage could only ever
 * buy. Each spot asset is funded with a quarter of the starting balance's worth at the asset's
 * starting fair value, on the instrument's lot grid; perp-only venues hold only their quote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { VenueId } from '../../src/config/schema.ts';
import { Scale } from '../../src/model/scale.ts';
import { SimCluster } from '../../src/sim/cluster.ts';

const clusters: SimCluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()));
});

function cluster(extra: { inventoryShare?: number } = {}): SimCluster {
  // Not listening: the engines are funded at construction, no sockets needed.
  const c = new SimCluster({ seed: 7, scenario: 'calm', clock: new ManualClock(0), startTime: 1_767_225_600_000, startingBalance: 100_000, ...extra });
  clusters.push(c);
  return c;
}

function holdings(c: SimCluster, venue: VenueId): Record<string, string> {
  const engine = c.exchange(venue)!;
  return Object.fromEntries(engine.balances('sim').map((b) => [b.asset, b.total]));
}

describe('simulated base inventory', () => {
  it.each(['binance-spot', 'okx'] as const)('funds %s with BTC and ETH worth about a quarter of the starting balance', (venue) => {
    const c = cluster();
    const held = holdings(c, venue);
    expect(held.USDT).toBe('100000');
    for (const asset of ['BTC', 'ETH']) {
      const value = Number(held[asset]) * c.generator.fairValue(asset);
      // 0.25 × 100 000 = 25 000, less at most one lot rounded away (a lot is worth well under 1 USDT here)
      expect(value).toBeGreaterThan(24_999);
      expect(value).toBeLessThanOrEqual(25_000);
    }
  });

  it('rounds the inventory down to the spot instrument’s lot', () => {
    const c = cluster();
    const btc = c.instruments('binance-spot').find((s) => s.base === 'BTC' && s.kind === 'spot')!;
    const held = holdings(c, 'binance-spot').BTC!;
    const lot = new Scale(btc.lotSize);
    // held = ⌊25 000 / fair / 0.00001⌋ lots, exactly on the grid
    expect(Number.isNaN(lot.toInt(held))).toBe(false);
    expect(lot.toInt(held)).toBe(lot.floorOf(25_000 / c.generator.fairValue('BTC')));
  });

  it('funds every spot asset once (SOL and WIF too) and leaves perp-only venues with their quote alone', () => {
    const c = cluster();
    expect(Object.keys(holdings(c, 'binance-spot')).sort()).toEqual(['BTC', 'ETH', 'SOL', 'USDT', 'WIF']);
    expect(holdings(c, 'binance-usdm')).toEqual({ USDT: '100000' });
    expect(holdings(c, 'bybit-linear')).toEqual({ USDT: '100000' });
    expect(holdings(c, 'hyperliquid')).toEqual({ USDC: '100000' });
  });

  it('holds no inventory with a share of 0', () => {
    const c = cluster({ inventoryShare: 0 });
    expect(holdings(c, 'okx')).toEqual({ USDT: '100000' });
  });

  it('lets the spot account sell what it holds', () => {
    const c = cluster();
    const engine = c.exchange('binance-spot')!;
    const before = Number(holdings(c, 'binance-spot').BTC);
    const r = engine.place({ account: 'sim', symbol: 'BTCUSDT', side: 'sell', type: 'market', tif: 'IOC', qty: '0.01' });
    if (!('order' in r)) throw new Error(`rejected: ${r.reject.code}`);
    expect(r.order.status).toBe('filled');
    // Binance spot charges the sell's fee in USDT, so BTC drops by exactly the 0.01 sold.
    expect(Number(holdings(c, 'binance-spot').BTC)).toBeCloseTo(before - 0.01, 10);
  });
});
