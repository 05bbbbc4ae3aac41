/** The public adapter of every venue, by venue id. */
import type { VenueId } from '../config/schema.ts';
import type { PublicAdapter } from './types.ts';
import { binanceSpotAdapter, binanceUsdmAdapter } from './binance/index.ts';
import { bybitLinearAdapter } from './bybit/index.ts';
import { okxAdapter } from './okx/index.ts';
import { bitgetAdapter } from './bitget/index.ts';
import { hyperliquidAdapter } from './hyperliquid/index.ts';

export const PUBLIC_ADAPTERS: Readonly<Record<VenueId, PublicAdapter>> = {
  'binance-usdm': binanceUsdmAdapter,
  'binance-spot': binanceSpotAdapter,
  'bybit-linear': bybitLinearAdapter,
  okx: okxAdapter,
  bitget: bitgetAdapter,
  hyperliquid: hyperliquidAdapter,
};
