/**
 * Binance USD-M futures and spot as data: endpoints, stream names, limits and status maps. The two
 * markets share one wire protocol and differ only in what is listed here, so every other file in
 * this folder takes a `BinanceMarket` and never branches on a venue name.
 */
import type { VenueId } from '../../config/schema.ts';
import type { SyncRuleId } from '../../market/bookSync.ts';
import type { InstrumentKind, InstrumentStatus } from '../../model/instrument.ts';
import type { VenueLimits } from '../types.ts';

export interface BinanceMarket {
  readonly venue: VenueId;
  readonly kind: InstrumentKind;
  readonly urls: { readonly ws: string; readonly rest: string };
  readonly limits: VenueLimits;
  readonly syncRule: SyncRuleId;
  readonly paths: { readonly exchangeInfo: string; readonly depth: string; readonly premiumIndex?: string };
  /** Extra query the exchangeInfo call sends (spot: leave out the bulky permission sets). */
  readonly exchangeInfoQuery: Readonly<Record<string, string>>;
  /** The `limit` values the depth endpoint accepts, ascending (the last is the most we ask for). */
  readonly depthLimits: readonly number[];
  /** Per-instrument stream suffixes besides the depth stream. */
  readonly extraStreams: readonly string[];
  /** The venue's symbol status → ours; a status not listed is treated as `halted` (not tradable). */
  readonly status: Readonly<Record<string, InstrumentStatus>>;
}

/** The diff depth stream; 100 ms is the fastest full-depth diff Binance offers on both markets. */
export const DEPTH_STREAM_SUFFIX = '@depth@100ms';
export const DEPTH_LEVELS_DEFAULT = 1000;

const HOUR = 3_600_000;

const FUTURES_STATUS: Record<string, InstrumentStatus> = {
  TRADING: 'trading',
  PENDING_TRADING: 'pre-launch',
  PRE_DELIVERING: 'halted',
  DELIVERING: 'halted',
  PRE_SETTLE: 'halted',
  SETTLING: 'halted',
  DELIVERED: 'delisted',
  CLOSE: 'delisted',
};

/** Spot keeps delisted pairs in exchangeInfo with status BREAK; HALT is a temporary stop. */
const SPOT_STATUS: Record<string, InstrumentStatus> = {
  TRADING: 'trading',
  PRE_TRADING: 'pre-launch',
  POST_TRADING: 'halted',
  END_OF_DAY: 'halted',
  HALT: 'halted',
  AUCTION_MATCH: 'halted',
  BREAK: 'delisted',
};

export const BINANCE_USDM: BinanceMarket = {
  venue: 'binance-usdm',
  kind: 'perp',
  urls: { ws: 'wss://fstream.binance.com', rest: 'https://fapi.binance.com' },
  limits: {
    // Diffs only come when the book changes; a minute of silence on a subscribed perp book is
    // not normal, even for small ones.
    staleAfterMs: 60_000,
    // Binance pings at the WebSocket protocol level (every 3 minutes); `ws` answers by itself.
    pingIntervalMs: 0,
    // Every subscribed perp carries markPrice@1s, so a live connection is never quiet for long.
    silenceTimeoutMs: 60_000,
    maxTopicsPerConnection: 200,
    // No documented cap per request; one frame can carry a whole connection's streams.
    maxTopicsPerRequest: 200,
    maxFramesPerSecond: 10,
    connectionLifetimeMs: 24 * HOUR,
  },
  syncRule: 'binance-usdm',
  paths: { exchangeInfo: '/fapi/v1/exchangeInfo', depth: '/fapi/v1/depth', premiumIndex: '/fapi/v1/premiumIndex' },
  exchangeInfoQuery: {},
  depthLimits: [5, 10, 20, 50, 100, 500, 1000],
  extraStreams: ['@aggTrade', '@bookTicker', '@markPrice@1s'],
  status: FUTURES_STATUS,
};

export const BINANCE_SPOT: BinanceMarket = {
  venue: 'binance-spot',
  kind: 'spot',
  urls: { ws: 'wss://stream.binance.com:9443', rest: 'https://api.binance.com' },
  limits: {
    // Quiet spot pairs can go a while without a book change; allow more than on futures.
    staleAfterMs: 120_000,
    // Protocol pings every 20 s (pong within a minute), answered by `ws`.
    pingIntervalMs: 0,
    // Three missed protocol pings: the server itself drops a connection after a minute.
    silenceTimeoutMs: 60_000,
    maxTopicsPerConnection: 1024,
    maxTopicsPerRequest: 200,
    maxFramesPerSecond: 5,
    connectionLifetimeMs: 24 * HOUR,
  },
  syncRule: 'binance-spot',
  paths: { exchangeInfo: '/api/v3/exchangeInfo', depth: '/api/v3/depth' },
  exchangeInfoQuery: { showPermissionSets: 'false' },
  // Spot accepts any limit up to 5000; these are the weight steps, the largest of which we use.
  depthLimits: [100, 500, 1000],
  // aggTrade only: subscribing `trade` as well would count every fill twice (parse handles both).
  extraStreams: ['@aggTrade', '@bookTicker'],
  status: SPOT_STATUS,
};

/** Event types we know and do not turn into market events (counted as ignored, not errors). */
export const IGNORED_EVENTS: ReadonlySet<string> = new Set([
  'kline',
  'continuous_kline',
  '24hrMiniTicker',
  'forceOrder',
  'indexPriceUpdate',
  'compositeIndex',
  'contractInfo',
  'assetIndexUpdate',
  'avgPrice',
  '1hTicker',
  '4hTicker',
  '1dTicker',
]);
