import { describe, expect, it } from 'vitest';
import { VENUE_IDS } from '../../../src/config/schema.ts';
import { makeInstrument } from '../../../src/model/instrument.ts';
import { MarketGenerator, defaultUniverse, generatedAssets } from '../../../src/sim/market/generator.ts';
import { marketSpec, nativeSymbol } from '../../../src/sim/market/instruments.ts';

const gen = new MarketGenerator({ seed: 1, scenario: 'calm', startTime: 0 });
const symbols = (v: (typeof VENUE_IDS)[number]) => gen.instruments(v).map((i) => i.symbol);

describe('default universe', () => {
  it('lists BTC, ETH, SOL and WIF on all six venues with each venue’s naming, NVDA only on Bitget and Hyperliquid', () => {
    expect(symbols('binance-usdm')).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT']);
    expect(symbols('binance-spot')).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT']);
    expect(symbols('bybit-linear')).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT']);
    expect(symbols('okx')).toEqual(['BTC-USDT-SWAP', 'BTC-USDT', 'ETH-USDT-SWAP', 'ETH-USDT', 'SOL-USDT-SWAP', 'SOL-USDT', 'WIF-USDT-SWAP', 'WIF-USDT']);
    expect(symbols('bitget')).toEqual(['BTCUSDT', 'BTCUSDT_SPBL', 'ETHUSDT', 'ETHUSDT_SPBL', 'SOLUSDT', 'SOLUSDT_SPBL', 'WIFUSDT', 'WIFUSDT_SPBL', 'NVDAUSDT']);
    expect(symbols('hyperliquid')).toEqual(['BTC', 'ETH', 'SOL', 'WIF', 'xyz:NVDA']);
  });

  it('gives kinds, bases and quotes as the venues do', () => {
    for (const v of VENUE_IDS) {
      for (const i of gen.instruments(v)) {
        expect(i.kind).toBe(v === 'binance-spot' || i.symbol.endsWith('_SPBL') || /^[A-Z]+-USDT$/.test(i.symbol) ? 'spot' : 'perp');
        expect(i.quote).toBe(v === 'hyperliquid' ? 'USDC' : 'USDT');
        expect(i.status).toBe('trading');
      }
    }
    expect(gen.instruments('hyperliquid').find((i) => i.symbol === 'xyz:NVDA')).toMatchObject({ base: 'NVDA' });
  });

  it('uses the real grids: Binance BTC perp 0.10 / 0.001 / min 100 USDT, OKX swap sizes in contracts of 0.01 BTC', () => {
    expect(gen.instruments('binance-usdm')[0]).toMatchObject({ tickSize: '0.10', lotSize: '0.001', minQty: '0.001', minNotional: '100' });
    expect(gen.instruments('okx')[0]).toMatchObject({ symbol: 'BTC-USDT-SWAP', tickSize: '0.1', lotSize: '0.01', contractSize: '0.01' });
    expect(gen.instruments('okx')[2]).toMatchObject({ symbol: 'ETH-USDT-SWAP', contractSize: '0.1' });
    expect(gen.instruments('okx')[1]).toMatchObject({ symbol: 'BTC-USDT', contractSize: '1' });
  });

  it('follows Hyperliquid’s rule: tick 10^-(6 - szDecimals), lot 10^-szDecimals, min 10 USDC', () => {
    for (const i of gen.instruments('hyperliquid')) {
      const sz = makeInstrument(i).qty.decimals;
      expect(makeInstrument(i).price.decimals, i.symbol).toBe(6 - sz);
      expect(i.minNotional).toBe('10');
    }
  });

  it('gives every instrument a valid grid (makeInstrument accepts it)', () => {
    for (const v of VENUE_IDS) for (const i of gen.instruments(v)) expect(() => makeInstrument(i)).not.toThrow();
  });
});

describe('grids for assets the table does not cover', () => {
  it('derive a grid from the price for generated assets, the same for every seed', () => {
    const a = generatedAssets(45);
    expect(a).toHaveLength(45);
    expect(a[0]!.name).toBe('ALT01');
    expect(generatedAssets(3)).toEqual(a.slice(0, 3));
    for (const asset of a) {
      for (const m of asset.markets) {
        const spec = marketSpec(asset, m);
        const inst = makeInstrument(spec);
        // A tick is a small fraction of the price, a lot a small notional.
        expect(inst.price.toNumber(1) / asset.price).toBeLessThan(5e-4);
        expect(inst.qty.toNumber(1) * Number(inst.contractSize) * asset.price).toBeLessThan(100);
      }
    }
  });

  it('names symbols per venue and refuses a kind a venue does not trade', () => {
    expect(nativeSymbol('okx', 'perp', 'PEPE')).toBe('PEPE-USDT-SWAP');
    expect(nativeSymbol('bitget', 'spot', 'PEPE')).toBe('PEPEUSDT_SPBL');
    expect(nativeSymbol('hyperliquid', 'perp', 'PEPE')).toBe('PEPE');
    expect(() => marketSpec(defaultUniverse().assets[0]!, { venue: 'binance-spot', kind: 'perp' })).toThrow(RangeError);
  });

  it('a 50-asset universe lists 394 instruments across the six venues', () => {
    const big = new MarketGenerator({ seed: 1, scenario: 'calm', startTime: 0, universe: defaultUniverse(45) });
    const count = VENUE_IDS.reduce((n, v) => n + big.instruments(v).length, 0);
    expect(count).toBe(4 * 8 + 2 + 45 * 8);
    expect(big.initialBooks()).toHaveLength(count);
  });
});
