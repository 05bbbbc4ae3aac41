/**
 * Bitget v2 public market data (USDT-FUTURES and SPOT): endpoints, limits and status maps as data.
 * Sources: Bitget API docs "Websocket API" (common/websocket-intro), "Get All Symbols - Contracts",
 * "Get Symbol Info" (spot), "Depth Channel".
 */
import type { InstrumentStatus } from '../../model/instrument.ts';
import type { VenueLimits } from '../types.ts';

/** Bases only: the venue's paths follow them (CONTRACT.md, `fleet sim`). */
export const BITGET_URLS = { ws: 'wss://ws.bitget.com', rest: 'https://api.bitget.com' } as const;

export const BITGET_WS_PUBLIC_PATH = '/v2/ws/public';
export const BITGET_CONTRACTS_PATH = '/api/v2/mix/market/contracts';
export const BITGET_SPOT_SYMBOLS_PATH = '/api/v2/spot/public/symbols';
export const BITGET_PRODUCT_TYPE = 'USDT-FUTURES';

/** `books` carries every level (the 2022 capture's snapshot held ~100 per side). */
export const BITGET_DEFAULT_DEPTH = 100;
/** Levels per side the CRC32 checksum covers. */
export const BITGET_CHECKSUM_DEPTH = 25;

export const BITGET_LIMITS: VenueLimits = {
  // Bitget sends nothing on a quiet book (no heartbeat updates): a minute of silence on one
  // book is worth flagging, shorter would flap on illiquid symbols.
  staleAfterMs: 60_000,
  // "Set a 30 seconds timer to send the string ping"; the server cuts after 2 min without one.
  pingIntervalMs: 30_000,
  // A pong not received within 30 s of the ping means reconnect.
  silenceTimeoutMs: 60_000,
  // Up to 1000 channels per connection are allowed, but Bitget recommends fewer than 50 for
  // stability.
  maxTopicsPerConnection: 50,
  // No per-request cap is documented; subscribe requests are capped at 240 per hour, so batch.
  maxTopicsPerRequest: 50,
  // 10 messages per second per connection, pings included.
  maxFramesPerSecond: 10,
  // "Websocket will be forcibly disconnected every 24 hours."
  connectionLifetimeMs: 24 * 3_600_000,
};

/** Futures `symbolStatus` → model status. */
export const BITGET_FUTURES_STATUS: Readonly<Record<string, InstrumentStatus>> = {
  normal: 'trading',
  listed: 'pre-launch',
  maintain: 'halted',
  limit_open: 'halted',
  restrictedAPI: 'halted',
  off: 'delisted',
};

/** Spot `status` → model status. */
export const BITGET_SPOT_STATUS: Readonly<Record<string, InstrumentStatus>> = {
  online: 'trading',
  gray: 'pre-launch',
  halt: 'halted',
  offline: 'delisted',
};

/** Book channels: `books` is incremental (snapshot then updates); the others push whole books. */
export const BITGET_BOOK_CHANNELS: ReadonlySet<string> = new Set(['books', 'books1', 'books5', 'books15']);

/** Channels (v1/v2 `channel`, v3 `topic`) that exist but carry nothing the public adapter uses. */
export const BITGET_IGNORED_CHANNELS: ReadonlySet<string> = new Set([
  'liquidation',
  'index-price',
  'auction',
  'orders',
  'account',
  'positions',
  'fill',
]);
