/**
 * Bybit v5 linear (USDT perpetuals): endpoints, limits and status maps as data.
 * Sources: bybit-exchange.github.io/docs/v5 (ws/connect, websocket/public/orderbook, market/instrument).
 */
import type { InstrumentStatus } from '../../model/instrument.ts';
import type { VenueLimits } from '../types.ts';

export const BYBIT_DEFAULT_URLS = { ws: 'wss://stream.bybit.com', rest: 'https://api.bybit.com' } as const;

/** The public linear stream's path after the ws base. */
export const BYBIT_LINEAR_WS_PATH = '/v5/public/linear';

export const BYBIT_PATHS = {
  instruments: '/v5/market/instruments-info',
  orderbook: '/v5/market/orderbook',
} as const;

/** Book depths the linear `orderbook.<depth>.<symbol>` topic offers (1000 exists too since 2025). */
export const BYBIT_BOOK_DEPTHS = [1, 50, 200, 500, 1000] as const;
export const BYBIT_DEFAULT_DEPTH = 50;
/** The REST order book answers at most this many levels per side for linear. */
export const BYBIT_REST_BOOK_MAX = 500;
/** instruments-info pages hold at most this many entries. */
export const BYBIT_INSTRUMENTS_PAGE = 1000;

export const BYBIT_LIMITS: VenueLimits = {
  // Quiet linear symbols can go a long while with no book change (Bybit pushes only changes).
  staleAfterMs: 60_000,
  // The docs ask for {"op":"ping"} every 20 s.
  pingIntervalMs: 20_000,
  // Two missed pongs.
  silenceTimeoutMs: 45_000,
  // Public args are limited to 21,000 characters per connection; 300 topics of ≤ 35 characters stay well under.
  maxTopicsPerConnection: 300,
  maxTopicsPerRequest: 10,
  // Not documented for public streams; kept modest so a full-universe subscribe takes seconds, not a ban.
  maxFramesPerSecond: 20,
  // Bybit does not cut public connections on a timer; a daily reconnect keeps long-lived sockets fresh.
  connectionLifetimeMs: 24 * 60 * 60 * 1000,
};

/** instruments-info `status` → ours. Delivering (a dated contract settling) and Settling stop trading. */
export const BYBIT_STATUS: Readonly<Record<string, InstrumentStatus>> = {
  Trading: 'trading',
  PreLaunch: 'pre-launch',
  Delivering: 'halted',
  Settling: 'halted',
  Closed: 'delisted',
};
