/**
 * What the simulated market trades: assets with their behaviour (price, volatility, depth, trade
 * flow) and the markets each venue lists for them. The default universe mirrors the real venues'
 * grids for the majors; extra assets can be generated for load.
 */
import type { VenueId } from '../../config/schema.ts';
import type { InstrumentKind } from '../../model/instrument.ts';
import { seededRng } from '../../core/rng.ts';
import { uniform } from './random.ts';

/** One listing of an asset on a venue; grid fields left out are derived from the venue's rules. */
export interface SimMarket {
  readonly venue: VenueId;
  readonly kind: InstrumentKind;
  /** The venue-native symbol; defaults to the venue's naming for `<asset>` against USDT (USDC on Hyperliquid). */
  readonly symbol?: string;
  readonly tickSize?: string;
  readonly lotSize?: string;
  readonly minQty?: string;
  readonly minNotional?: string;
  /** Base units per contract (OKX ctVal). */
  readonly contractSize?: string;
}

/** An asset and how its market behaves. */
export interface SimAsset {
  readonly name: string;
  /** Starting fair value in USD. */
  readonly price: number;
  /** Annualised volatility in the normal regime (0.5 = 50 %). */
  readonly vol: number;
  /** How strongly a market-wide news shock moves it (1 = as BTC). */
  readonly beta: number;
  /** Typical notional (USD) resting on one level near the top on the deepest venue. */
  readonly levelUsd: number;
  /** Typical (smallest common) taker notional in USD; sizes are Pareto above it. */
  readonly tradeUsd: number;
  /** Taker orders per second on the busiest venue in the normal regime. */
  readonly tradesPerSec: number;
  /** Target spread in bps (the book keeps at least one tick, at most a few). */
  readonly spreadBps: number;
  /** Typical distance between book levels away from the top, in bps. */
  readonly gapBps: number;
  /** The pump-and-dump scenario's target. */
  readonly meme?: boolean;
  readonly markets: readonly SimMarket[];
}

/** The assets a generator simulates. */
export interface SimUniverse {
  readonly assets: readonly SimAsset[];
  /** The asset the `listing` scenario lists mid-run (not listed at start). */
  readonly listing?: SimAsset;
}

type Grid4 = readonly [tick: string, lot: string, minQty: string, minNotional?: string];

/** Returns the eight markets a crypto asset has on the six venues, with the grids given per market. */
function everywhere(g: {
  usdm: Grid4; spot: Grid4; bybit: Grid4; okxSwap: readonly [tick: string, lot: string, ctVal: string]; okxSpot: Grid4; bitget: Grid4; bitgetSpot: Grid4; hl: Grid4;
}): SimMarket[] {
  const m = (venue: VenueId, kind: InstrumentKind, [tickSize, lotSize, minQty, minNotional]: Grid4): SimMarket => ({
    venue, kind, tickSize, lotSize, minQty, ...(minNotional ? { minNotional } : {}),
  });
  return [
    m('binance-usdm', 'perp', g.usdm),
    m('binance-spot', 'spot', g.spot),
    m('bybit-linear', 'perp', g.bybit),
    { venue: 'okx', kind: 'perp', tickSize: g.okxSwap[0], lotSize: g.okxSwap[1], minQty: g.okxSwap[1], contractSize: g.okxSwap[2] },
    m('okx', 'spot', g.okxSpot),
    m('bitget', 'perp', g.bitget),
    m('bitget', 'spot', g.bitgetSpot),
    m('hyperliquid', 'perp', g.hl),
  ];
}

/** The markets a generated or listed crypto asset gets: every venue, grids from the venues' rules. */
export const ALL_VENUE_MARKETS: readonly SimMarket[] = [
  { venue: 'binance-usdm', kind: 'perp' },
  { venue: 'binance-spot', kind: 'spot' },
  { venue: 'bybit-linear', kind: 'perp' },
  { venue: 'okx', kind: 'perp' },
  { venue: 'okx', kind: 'spot' },
  { venue: 'bitget', kind: 'perp' },
  { venue: 'bitget', kind: 'spot' },
  { venue: 'hyperliquid', kind: 'perp' },
];

// Grids as the venues state them (rounded to what they were in 2025); min notionals in USDT/USDC.
const BTC: SimAsset = {
  name: 'BTC', price: 97_000, vol: 0.5, beta: 1, levelUsd: 60_000, tradeUsd: 300, tradesPerSec: 25, spreadBps: 0.02, gapBps: 0.4,
  markets: everywhere({
    usdm: ['0.10', '0.001', '0.001', '100'], spot: ['0.01', '0.00001', '0.00001', '5'], bybit: ['0.10', '0.001', '0.001', '5'],
    okxSwap: ['0.1', '0.01', '0.01'], okxSpot: ['0.1', '0.00000001', '0.00001'], bitget: ['0.1', '0.0001', '0.0001', '5'],
    bitgetSpot: ['0.01', '0.000001', '0.000001', '1'], hl: ['0.1', '0.00001', '0.00001', '10'],
  }),
};
const ETH: SimAsset = {
  name: 'ETH', price: 3_400, vol: 0.65, beta: 1.2, levelUsd: 40_000, tradeUsd: 200, tradesPerSec: 20, spreadBps: 0.05, gapBps: 0.5,
  markets: everywhere({
    usdm: ['0.01', '0.001', '0.001', '20'], spot: ['0.01', '0.0001', '0.0001', '5'], bybit: ['0.01', '0.01', '0.01', '5'],
    okxSwap: ['0.01', '0.01', '0.1'], okxSpot: ['0.01', '0.000001', '0.0001'], bitget: ['0.01', '0.01', '0.01', '5'],
    bitgetSpot: ['0.01', '0.0001', '0.0001', '1'], hl: ['0.01', '0.0001', '0.0001', '10'],
  }),
};
const SOL: SimAsset = {
  name: 'SOL', price: 180, vol: 0.85, beta: 1.5, levelUsd: 20_000, tradeUsd: 100, tradesPerSec: 15, spreadBps: 0.5, gapBps: 0.8,
  markets: everywhere({
    usdm: ['0.0100', '1', '1', '5'], spot: ['0.01', '0.001', '0.001', '5'], bybit: ['0.010', '0.1', '0.1', '5'],
    okxSwap: ['0.01', '0.01', '1'], okxSpot: ['0.01', '0.000001', '0.001'], bitget: ['0.001', '0.1', '0.1', '5'],
    bitgetSpot: ['0.01', '0.0001', '0.001', '1'], hl: ['0.0001', '0.01', '0.01', '10'],
  }),
};
const WIF: SimAsset = {
  name: 'WIF', price: 1.85, vol: 1.6, beta: 2.5, levelUsd: 2_500, tradeUsd: 40, tradesPerSec: 8, spreadBps: 3, gapBps: 4, meme: true,
  markets: everywhere({
    usdm: ['0.0001', '0.1', '0.1', '5'], spot: ['0.001', '0.01', '0.01', '5'], bybit: ['0.0001', '1', '1', '5'],
    okxSwap: ['0.0001', '1', '1'], okxSpot: ['0.0001', '0.0001', '1'], bitget: ['0.0001', '1', '1', '5'],
    bitgetSpot: ['0.0001', '0.01', '0.01', '1'], hl: ['0.000001', '1', '1', '10'],
  }),
};
const NVDA: SimAsset = {
  name: 'NVDA', price: 180, vol: 0.45, beta: 0.2, levelUsd: 8_000, tradeUsd: 150, tradesPerSec: 3, spreadBps: 1, gapBps: 1.5,
  markets: [
    { venue: 'bitget', kind: 'perp', symbol: 'NVDAUSDT', tickSize: '0.01', lotSize: '0.01', minQty: '0.01', minNotional: '5' },
    { venue: 'hyperliquid', kind: 'perp', symbol: 'xyz:NVDA', tickSize: '0.001', lotSize: '0.001', minQty: '0.001', minNotional: '10' },
  ],
};
const NOVA: SimAsset = {
  name: 'NOVA', price: 0.42, vol: 2.2, beta: 2, levelUsd: 1_500, tradeUsd: 30, tradesPerSec: 10, spreadBps: 5, gapBps: 6,
  markets: [
    { venue: 'binance-usdm', kind: 'perp' },
    { venue: 'bybit-linear', kind: 'perp' },
    { venue: 'okx', kind: 'perp' },
    { venue: 'hyperliquid', kind: 'perp' },
  ],
};

/** Returns `count` generated crypto assets (ALT01, ALT02, …) on every venue; the same for every seed. */
export function generatedAssets(count: number): SimAsset[] {
  const out: SimAsset[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `ALT${String(i).padStart(2, '0')}`;
    const rng = seededRng(`fleet-sim-universe:${name}`);
    const price = 10 ** uniform(rng, -2, 2.7);
    const activity = uniform(rng, 0.1, 1);
    out.push({
      name, price, vol: uniform(rng, 0.6, 1.6), beta: uniform(rng, 1, 2.2), levelUsd: 15_000 * activity, tradeUsd: 60 * activity,
      tradesPerSec: 8 * activity, spreadBps: uniform(rng, 0.5, 4), gapBps: uniform(rng, 0.8, 4), markets: ALL_VENUE_MARKETS,
    });
  }
  return out;
}

/** Returns the default universe: BTC, ETH, SOL, WIF (the memecoin) on all six venues, NVDA on Bitget and Hyperliquid; plus `extraAssets` generated ones. */
export function defaultUniverse(extraAssets = 0): SimUniverse {
  return { assets: [BTC, ETH, SOL, WIF, NVDA, ...generatedAssets(extraAssets)], listing: NOVA };
}
