/**
 * Hyperliquid (perps, main dex and HIP-3 dexes): endpoints and limits as data.
 * Sources: hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api (websocket, info endpoint,
 * rate-limits, tick-and-lot-size).
 */
import type { VenueLimits } from '../types.ts';

export const HYPERLIQUID_DEFAULT_URLS = { ws: 'wss://api.hyperliquid.xyz', rest: 'https://api.hyperliquid.xyz' } as const;

export const HYPERLIQUID_WS_PATH = '/ws';
export const HYPERLIQUID_INFO_PATH = '/info';

/** l2Book carries up to 20 levels a side. */
export const HYPERLIQUID_BOOK_DEPTH = 20;

/** Perp prices may have at most this many decimals minus szDecimals (spot: 8). */
export const HYPERLIQUID_PERP_MAX_DECIMALS = 6;

/** The venue's minimum order value in the quote (10 USDC). */
export const HYPERLIQUID_MIN_NOTIONAL = '10';

export const HYPERLIQUID_LIMITS: VenueLimits = {
  // Every l2Book message is the full book, sent on blocks where it changed; quiet HIP-3 books can sit still.
  staleAfterMs: 60_000,
  // The server closes a connection that sent nothing for 60 s.
  pingIntervalMs: 50_000,
  silenceTimeoutMs: 65_000,
  // Per IP, across all connections: 1000 subscriptions and 2000 messages a minute.
  maxTopicsPerConnection: 1000,
  // One subscription per message.
  maxTopicsPerRequest: 1,
  maxFramesPerSecond: 30,
  // No documented cut; a daily reconnect keeps long-lived sockets fresh.
  connectionLifetimeMs: 24 * 60 * 60 * 1000,
};

/** Channels Hyperliquid pushes that the public adapter does not use (counted, not errors). */
export const HYPERLIQUID_IGNORED_CHANNELS: ReadonlySet<string> = new Set([
  'activeSpotAssetCtx',
  'allDexsAssetCtxs',
  'candle',
  'notification',
  'webData2',
  'webData3',
  'user',
  'userFills',
  'userFundings',
  'userEvents',
  'orderUpdates',
  'userNonFundingLedgerUpdates',
  'activeAssetData',
  'userTwapSliceFills',
  'userTwapHistory',
  'post',
]);
