import { describe, expect, it } from 'vitest';
import { applySecretEnv, defaultConfig, diffConfig, restartRequired, RESTART_REQUIRED } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';

describe('applySecretEnv', () => {
  it('overrides the secrets of the named venue only', () => {
    const base = configSchema.parse({ venues: { okx: { key: 'file-key' }, 'bybit-linear': {}, bitget: {} } });
    const out = applySecretEnv(base, {
      FLEET_BYBIT_LINEAR_KEY: 'bk',
      FLEET_BYBIT_LINEAR_SECRET: 'bs',
      FLEET_OKX_SECRET: 'os',
      FLEET_OKX_PASSPHRASE: 'op',
      FLEET_BITGET_KEY: '',
      FLEET_API_TOKEN: 'not-a-venue-secret',
    });
    expect(out.venues['bybit-linear']).toMatchObject({ key: 'bk', secret: 'bs' });
    expect(out.venues['bybit-linear']?.passphrase).toBeUndefined();
    expect(out.venues.okx).toMatchObject({ key: 'file-key', secret: 'os', passphrase: 'op' });
    expect(out.venues.bitget?.key).toBeUndefined();
    expect(diffConfig(base, out)).toEqual([
      'venues.bybit-linear.key',
      'venues.bybit-linear.secret',
      'venues.okx.passphrase',
      'venues.okx.secret',
    ]);
  });

  it('does not mutate its input', () => {
    const base = defaultConfig();
    const snapshot = structuredClone(base);
    const out = applySecretEnv(base, { FLEET_BINANCE_USDM_KEY: 'k', FLEET_HYPERLIQUID_SECRET: 's' });
    expect(base).toEqual(snapshot);
    expect(out).not.toBe(base);
    expect(out.venues['binance-usdm']?.key).toBe('k');
    expect(out.venues.hyperliquid?.secret).toBe('s');
  });

  it('does not add a venue that the config leaves out', () => {
    const base = configSchema.parse({ venues: { okx: {} } });
    const out = applySecretEnv(base, { FLEET_BITGET_KEY: 'k' });
    expect(out.venues.bitget).toBeUndefined();
  });
});

describe('diffConfig', () => {
  it('returns nothing for equal configs', () => {
    expect(diffConfig(defaultConfig(), defaultConfig())).toEqual([]);
  });

  it('returns the sorted dotted paths of changed leaves', () => {
    const next = configSchema.parse({
      risk: { dailyLossLimit: 100 },
      api: { port: 9090 },
      scalper: { categories: { wild: { maxSizeUsd: 50 } } },
      venues: { okx: { fees: { maker: 0, taker: 0.0005 } } },
    });
    expect(diffConfig(defaultConfig(), next)).toEqual([
      'api.port',
      'risk.dailyLossLimit',
      'scalper.categories.wild.maxSizeUsd',
      'venues.binance-spot.enabled',
      'venues.binance-spot.symbols',
      'venues.binance-usdm.enabled',
      'venues.binance-usdm.symbols',
      'venues.bitget.enabled',
      'venues.bitget.symbols',
      'venues.bybit-linear.enabled',
      'venues.bybit-linear.symbols',
      'venues.hyperliquid.enabled',
      'venues.hyperliquid.symbols',
      'venues.okx.fees.maker',
      'venues.okx.fees.taker',
    ]);
  });

  it('compares arrays as whole values at their path', () => {
    const a = configSchema.parse({ arbitrage: { routes: [{ asset: 'BTC', venueA: 'okx', venueB: 'bitget' }] } });
    const b = configSchema.parse({ arbitrage: { routes: [{ asset: 'ETH', venueA: 'okx', venueB: 'bitget' }] } });
    const c = configSchema.parse({ arbitrage: { routes: [{ asset: 'BTC', venueA: 'okx', venueB: 'bitget' }] } });
    expect(diffConfig(a, b)).toEqual(['arbitrage.routes']);
    expect(diffConfig(a, c)).toEqual([]);
    const s1 = configSchema.parse({ venues: { okx: { symbols: ['BTC-USDT-SWAP'] } } });
    const s2 = configSchema.parse({ venues: { okx: { symbols: '*' } } });
    expect(diffConfig(s1, s2)).toEqual(['venues.okx.symbols']);
  });
});

describe('restartRequired', () => {
  it('keeps only keys at or under the restart prefixes', () => {
    expect(RESTART_REQUIRED).toEqual(['api.host', 'api.port', 'mode', 'arbitrage.enabled', 'arbitrage.routes', 'arbitrage.cooldownMs', 'scalper.universe', 'scalper.categories.prime.depth', 'scalper.categories.normal.depth', 'scalper.categories.wild.depth', 'notify', 'reports', 'retention']);
    expect(restartRequired(['api.port', 'mode', 'risk.dailyLossLimit', 'api.hostname', 'modes', 'log.level', 'arbitrage.routes.0.asset', 'arbitrage.minNetEdgeBps'])).toEqual([
      'api.port',
      'mode',
      'arbitrage.routes.0.asset',
    ]);
    expect(restartRequired(['api.host'])).toEqual(['api.host']);
    expect(restartRequired([])).toEqual([]);
  });

  it('finds them in a real diff', () => {
    const next = configSchema.parse({ api: { host: '0.0.0.0' }, risk: { riskPerTrade: 0.01 } });
    expect(restartRequired(diffConfig(defaultConfig(), next))).toEqual(['api.host']);
  });
});
