/**
 * The private (trading) adapter of each venue that has one. Hyperliquid is absent: it trades on
 * paper only (DRY and SIM use the paper engine for it); its signed order path cannot be tested
 * against a local server here.
 */
import type { VenueId } from '../config/schema.ts';
import type { PrivateAdapterFactory } from '../execution/types.ts';
import { createBinanceSpotPrivate, createBinanceUsdmPrivate } from './binance/private.ts';
import { createBitgetPrivate } from './bitget/private.ts';
import { createBybitPrivate } from './bybit/private.ts';
import { createOkxPrivate } from './okx/private.ts';

export const PRIVATE_ADAPTERS: Readonly<Partial<Record<VenueId, PrivateAdapterFactory>>> = {
  'binance-usdm': createBinanceUsdmPrivate,
  'binance-spot': createBinanceSpotPrivate,
  'bybit-linear': createBybitPrivate,
  okx: createOkxPrivate,
  bitget: createBitgetPrivate,
};
