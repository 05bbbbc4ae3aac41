/**
 * Venue naming and grids for simulated markets: `BTCUSDT` (Binance, Bybit, Bitget perps),
 * `BTCUSDT_SPBL` (Bitget spot), `BTC-USDT-SWAP` / `BTC-USDT` (OKX), `BTC` / `xyz:NVDA`
 * (Hyperliquid). Grids a market does not state come from each venue's usual rule of thumb.
 */
import type { VenueId } from '../../config/schema.ts';
import type { InstrumentKind, InstrumentSpec } from '../../model/instrument.ts';
import { stepOfDecimals } from '../../model/scale.ts';
import type { SimAsset, SimMarket } from './universe.ts';

/** Which kinds each venue trades in the simulator. */
export const VENUE_KINDS: Readonly<Record<VenueId, readonly InstrumentKind[]>> = {
  'binance-usdm': ['perp'],
  'binance-spot': ['spot'],
  'bybit-linear': ['perp'],
  okx: ['perp', 'spot'],
  bitget: ['perp', 'spot'],
  hyperliquid: ['perp'],
};

/** Returns the venue-native symbol of `<base>` against the venue's stable coin. */
export function nativeSymbol(venue: VenueId, kind: InstrumentKind, base: string): string {
  switch (venue) {
    case 'okx':
      return kind === 'perp' ? `${base}-USDT-SWAP` : `${base}-USDT`;
    case 'bitget':
      return kind === 'perp' ? `${base}USDT` : `${base}USDT_SPBL`;
    case 'hyperliquid':
      return base;
    default:
      return `${base}USDT`;
  }
}

/** Returns 10^exp as decimal text ("100", "1", "0.001"). */
function power(exp: number): string {
  return exp >= 0 ? `1${'0'.repeat(exp)}` : stepOfDecimals(-exp);
}

const MIN_NOTIONAL: Readonly<Record<VenueId, string | undefined>> = {
  'binance-usdm': '5',
  'binance-spot': '5',
  'bybit-linear': '5',
  okx: undefined,
  bitget: '5',
  hyperliquid: '10',
};

/** Returns the grid a venue would give an asset at this price (about five significant figures, lots worth a few dollars). */
function ruleGrid(venue: VenueId, kind: InstrumentKind, price: number): Required<Pick<SimMarket, 'tickSize' | 'lotSize' | 'contractSize'>> & { minNotional?: string } {
  const mag = Math.floor(Math.log10(price));
  if (venue === 'hyperliquid') {
    const sz = Math.min(5, Math.max(0, mag + 1));
    return { tickSize: power(sz - 6), lotSize: power(-sz), contractSize: '1', minNotional: '10' };
  }
  const tickSize = power(mag - 4);
  const minNotional = venue === 'bitget' && kind === 'spot' ? '1' : MIN_NOTIONAL[venue];
  const base = { tickSize, ...(minNotional ? { minNotional } : {}) };
  if (venue === 'okx' && kind === 'perp') return { ...base, lotSize: '0.01', contractSize: power(Math.floor(Math.log10(1000 / price))) };
  return { ...base, lotSize: power(kind === 'spot' ? -2 - mag : 1 - mag), contractSize: '1' };
}

/** Returns the instrument spec of one market of an asset. */
export function marketSpec(asset: SimAsset, market: SimMarket, listedAt?: number): InstrumentSpec {
  if (!VENUE_KINDS[market.venue].includes(market.kind)) throw new RangeError(`${market.venue} has no ${market.kind} markets`);
  const rule = ruleGrid(market.venue, market.kind, asset.price);
  const lotSize = market.lotSize ?? rule.lotSize;
  const minNotional = market.minNotional ?? rule.minNotional;
  return {
    venue: market.venue,
    symbol: market.symbol ?? nativeSymbol(market.venue, market.kind, asset.name),
    kind: market.kind,
    base: asset.name,
    quote: market.venue === 'hyperliquid' ? 'USDC' : 'USDT',
    tickSize: market.tickSize ?? rule.tickSize,
    lotSize,
    minQty: market.minQty ?? lotSize,
    ...(minNotional ? { minNotional } : {}),
    contractSize: market.contractSize ?? rule.contractSize,
    status: 'trading',
    ...(listedAt !== undefined ? { listedAt } : {}),
  };
}
