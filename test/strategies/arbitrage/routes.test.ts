import { describe, expect, it } from 'vitest';
import { configSchema, type RouteConfig, type VenueId } from '../../../src/config/schema.ts';
import { ErrorCodes, FleetError } from '../../../src/core/errors.ts';
import { makeInstrument, type Instrument, type InstrumentSpec } from '../../../src/model/instrument.ts';
import { DEFAULT_SIM_ROUTES, findInstrument, resolveRoute, routeId, routeKind, routeSpecs, type RouteSpec } from '../../../src/strategies/arbitrage/routes.ts';

const inst = (over: Partial<InstrumentSpec> & Pick<InstrumentSpec, 'venue' | 'symbol' | 'base' | 'quote'>): Instrument =>
  makeInstrument({ kind: 'perp', tickSize: '0.1', lotSize: '0.001', ...over });

/** Returns the FleetError a call throws (fails the test when it does not throw one). */
function thrown(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return e as FleetError;
  }
  throw new Error('expected a FleetError');
}

describe('routeKind', () => {
  it('tells the kind from what both venues list', () => {
    expect(routeKind({ asset: 'BTC', venueA: 'binance-spot', venueB: 'okx' })).toBe('spot');
    expect(routeKind({ asset: 'BTC', venueA: 'binance-usdm', venueB: 'bybit-linear' })).toBe('perp');
    expect(routeKind({ asset: 'BTC', venueA: 'okx', venueB: 'bitget', kind: 'perp' })).toBe('perp');
  });

  it('asks for kind where both venues list spot and perps', () => {
    expect(routeKind({ asset: 'BTC', venueA: 'okx', venueB: 'bitget' })).toBe('both venues list spot and perps: say kind: spot or kind: perp');
  });

  it('refuses spot against perps and a kind one venue does not list', () => {
    expect(routeKind({ asset: 'BTC', venueA: 'binance-spot', venueB: 'bybit-linear' })).toBe(
      'binance-spot lists spot and bybit-linear lists perp: a route is spot–spot or perp–perp',
    );
    expect(routeKind({ asset: 'BTC', venueA: 'binance-spot', venueB: 'okx', kind: 'perp' })).toBe('perp is not listed on both binance-spot (spot) and okx (spot/perp)');
  });
});

describe('routeSpecs', () => {
  it('runs the sim defaults when sim mode names no routes, with ids and the default budget', () => {
    const specs = routeSpecs(configSchema.parse({}));
    expect(specs.map((s) => s.id)).toEqual(DEFAULT_SIM_ROUTES.map(routeId));
    expect(specs).toHaveLength(7);
    expect(specs[0]).toEqual({ asset: 'BTC', venueA: 'binance-spot', venueB: 'okx', kind: 'spot', id: 'route:BTC:binance-spot:okx', maxTradeUsd: 1000 });
    // The kind is filled in where the config left it out (binance-usdm vs bybit-linear: perp).
    expect(specs.find((s) => s.id === 'route:SOL:binance-usdm:bybit-linear')?.kind).toBe('perp');
  });

  it('keeps only the default routes whose two venues run', () => {
    const specs = routeSpecs(configSchema.parse({ venues: { 'binance-usdm': {}, 'bybit-linear': {}, okx: { enabled: false } } }));
    expect(specs.map((s) => s.id)).toEqual(['route:BTC:binance-usdm:bybit-linear', 'route:ETH:binance-usdm:bybit-linear', 'route:SOL:binance-usdm:bybit-linear']);
  });

  it('runs none in dry mode without routes, and none when arbitrage is off', () => {
    expect(routeSpecs(configSchema.parse({ mode: 'dry' }))).toEqual([]);
    expect(routeSpecs(configSchema.parse({ arbitrage: { enabled: false } }))).toEqual([]);
  });

  it('takes the configured routes (even an empty list in sim) with their own budget', () => {
    expect(routeSpecs(configSchema.parse({ arbitrage: { routes: [] } }))).toEqual([]);
    const specs = routeSpecs(
      configSchema.parse({ mode: 'dry', arbitrage: { maxTradeUsd: 500, routes: [{ asset: 'ETH', venueA: 'okx', venueB: 'bitget', kind: 'spot', maxTradeUsd: 250 }, { asset: 'BTC', venueA: 'bitget', venueB: 'hyperliquid' }] } }),
    );
    expect(specs.map((s) => [s.id, s.kind, s.maxTradeUsd])).toEqual([
      ['route:ETH:okx:bitget', 'spot', 250],
      ['route:BTC:bitget:hyperliquid', 'perp', 500],
    ]);
  });

  it('refuses a route listed twice, naming its index', () => {
    const r: RouteConfig = { asset: 'BTC', venueA: 'binance-spot', venueB: 'okx', kind: 'spot' };
    const e = thrown(() => routeSpecs(configSchema.parse({ arbitrage: { routes: [r, { asset: 'ETH', venueA: 'binance-spot', venueB: 'okx' }, r] } })));
    expect(e.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(e.message).toBe('arbitrage.routes[2]: route:BTC:binance-spot:okx is listed twice (one actor per asset and venue pair)');
  });

  it('refuses a route on a disabled or absent venue', () => {
    const disabled = thrown(() =>
      routeSpecs(configSchema.parse({ venues: { 'binance-spot': { enabled: false }, okx: {} }, arbitrage: { routes: [{ asset: 'BTC', venueA: 'binance-spot', venueB: 'okx' }] } })),
    );
    expect(disabled.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(disabled.message).toBe('arbitrage.routes[0]: venue binance-spot is not enabled');
    const absent = thrown(() => routeSpecs(configSchema.parse({ venues: { okx: {} }, arbitrage: { routes: [{ asset: 'BTC', venueA: 'okx', venueB: 'bitget', kind: 'spot' }] } })));
    expect(absent.message).toBe('arbitrage.routes[0]: venue bitget is not enabled');
  });

  it('refuses a route whose kind cannot be told, with routeKind’s message', () => {
    const e = thrown(() => routeSpecs(configSchema.parse({ arbitrage: { routes: [{ asset: 'BTC', venueA: 'okx', venueB: 'bitget' }] } })));
    expect(e.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(e.message).toBe('arbitrage.routes[0]: both venues list spot and perps: say kind: spot or kind: perp');
  });
});

describe('findInstrument', () => {
  const usdc = inst({ venue: 'bybit-linear', symbol: 'BTCPERP', base: 'BTC', quote: 'USDC' });
  const usdt = inst({ venue: 'bybit-linear', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' });
  const eth = inst({ venue: 'bybit-linear', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' });
  const spot = inst({ venue: 'bybit-linear', symbol: 'BTCUSDT-SPOT', base: 'BTC', quote: 'USDT', kind: 'spot' });

  it('prefers USDT over USDC, whatever the listing order', () => {
    expect(findInstrument([usdc, eth, usdt], 'BTC', 'perp')).toBe(usdt);
    expect(findInstrument([usdt, usdc], 'BTC', 'perp')).toBe(usdt);
    expect(findInstrument([usdc, eth], 'BTC', 'perp')).toBe(usdc);
    expect(findInstrument([usdt, spot], 'BTC', 'spot')).toBe(spot);
    expect(findInstrument([eth], 'BTC', 'perp')).toBeUndefined();
  });

  it('matches a Hyperliquid HIP-3 market (xyz:NVDA) to the asset NVDA, either way round', () => {
    const nvda = inst({ venue: 'hyperliquid', symbol: 'xyz:NVDA', base: 'xyz:NVDA', quote: 'USDC' });
    expect(findInstrument([nvda], 'NVDA', 'perp')).toBe(nvda);
    const bare = inst({ venue: 'hyperliquid', symbol: 'xyz:NVDA', base: 'NVDA', quote: 'USDC' });
    expect(findInstrument([bare], 'xyz:NVDA', 'perp')).toBe(bare);
    expect(findInstrument([bare], 'nvda', 'perp')).toBe(bare);
  });

  it('never chooses a halted market, falling back to the next quote', () => {
    const halted = inst({ venue: 'bybit-linear', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', status: 'halted' });
    expect(findInstrument([halted, usdc], 'BTC', 'perp')).toBe(usdc);
    expect(findInstrument([halted], 'BTC', 'perp')).toBeUndefined();
  });

  it('ignores quotes that are not dollar stable coins', () => {
    const btcEur = inst({ venue: 'bybit-linear', symbol: 'BTCEUR', base: 'BTC', quote: 'EUR' });
    expect(findInstrument([btcEur], 'BTC', 'perp')).toBeUndefined();
  });

  it('takes the named symbol of the right kind when the config names one', () => {
    expect(findInstrument([usdt, usdc], 'BTC', 'perp', 'BTCPERP')).toBe(usdc);
    expect(findInstrument([usdt, spot], 'BTC', 'perp', 'BTCUSDT-SPOT')).toBeUndefined();
  });
});

describe('resolveRoute', () => {
  const spec: RouteSpec = { asset: 'BTC', venueA: 'binance-usdm', venueB: 'bybit-linear', kind: 'perp', id: 'route:BTC:binance-usdm:bybit-linear', maxTradeUsd: 1000 };
  const a = inst({ venue: 'binance-usdm', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' });
  const b = inst({ venue: 'bybit-linear', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' });
  const lists = (m: Partial<Record<VenueId, readonly Instrument[]>>) => (v: VenueId) => m[v] ?? [];

  it('resolves both instruments', () => {
    expect(resolveRoute(spec, lists({ 'binance-usdm': [a], 'bybit-linear': [b] }))).toEqual({ spec, kind: 'perp', a, b });
  });

  it('says when a venue’s instruments are not loaded yet', () => {
    expect(resolveRoute(spec, lists({}))).toBe('binance-usdm lists no perp market for BTC (instruments not loaded yet)');
    expect(resolveRoute(spec, lists({ 'binance-usdm': [a] }))).toBe('bybit-linear lists no perp market for BTC (instruments not loaded yet)');
  });

  it('says which market is missing when the venue is loaded but lacks it', () => {
    const eth = inst({ venue: 'bybit-linear', symbol: 'ETHUSDT', base: 'ETH', quote: 'USDT' });
    expect(resolveRoute(spec, lists({ 'binance-usdm': [a], 'bybit-linear': [eth] }))).toBe('bybit-linear lists no perp market for BTC');
    expect(resolveRoute({ ...spec, symbolB: 'BTCUSDT-0327' }, lists({ 'binance-usdm': [a], 'bybit-linear': [b] }))).toBe('bybit-linear lists no perp market for BTCUSDT-0327');
  });
});
