/**
 * OKX v5 public market data: endpoints, limits and status maps kept as data.
 * Sources: the OKX v5 API docs ("WebSocket" overview, "Order book channel", "Get instruments").
 */
import type { InstrumentStatus } from '../../model/instrument.ts';
import type { VenueLimits } from '../types.ts';

/** Bases only: the venue's paths follow them (CONTRACT.md, `fleet sim`). */
export const OKX_URLS = { ws: 'wss://ws.okx.com:8443', rest: 'https://www.okx.com' } as const;

export const OKX_WS_PUBLIC_PATH = '/ws/v5/public';
export const OKX_INSTRUMENTS_PATH = '/api/v5/public/instruments';

/** The instrument types Fleet trades on OKX: linear perpetual swaps and spot. */
export const OKX_INST_TYPES = ['SWAP', 'SPOT'] as const;
export type OkxInstType = (typeof OKX_INST_TYPES)[number];

/** `books` pushes a 400-level snapshot, then 100 ms incremental updates. */
export const OKX_DEFAULT_DEPTH = 400;
/** Levels per side the CRC32 checksum covers. */
export const OKX_CHECKSUM_DEPTH = 25;

export const OKX_LIMITS: VenueLimits = {
  // OKX sends an empty "heartbeat" update on a quiet book (cadence undocumented), so a minute
  // with no book message at all means the feed is gone rather than the market being quiet.
  staleAfterMs: 60_000,
  // The venue drops a connection with no traffic for 30 s; the docs ask for a text `ping`
  // whenever nothing arrived for N < 30 s.
  pingIntervalMs: 20_000,
  // A ping at 20 s of silence must be answered well before the venue's own 30 s + margin.
  silenceTimeoutMs: 40_000,
  // No hard per-connection cap is documented for public channels; this keeps one socket's
  // load (400-level books) bounded.
  maxTopicsPerConnection: 200,
  // One request's args may total 64 KB; 100 args of ~50 bytes stay far below it.
  maxTopicsPerRequest: 100,
  // 3 requests per second (subscribe/unsubscribe/login also capped at 480 per hour).
  maxFramesPerSecond: 3,
  // OKX documents no fixed lifetime (it sends notice 64008 before an upgrade); reconnecting
  // daily keeps long-lived sockets from drifting.
  connectionLifetimeMs: 24 * 3_600_000,
};

/** Instrument `state` → model status; `test` instruments are not tradable and are skipped. */
export const OKX_STATE: Readonly<Record<string, InstrumentStatus>> = {
  live: 'trading',
  suspend: 'halted',
  preopen: 'pre-launch',
  rebase: 'halted',
};

/** Order book channels: `books` is incremental (snapshot then updates); the others push whole books. */
export const OKX_BOOK_CHANNELS: ReadonlySet<string> = new Set(['books', 'books5', 'bbo-tbt', 'books50-l2-tbt', 'books-l2-tbt']);

/** Channels that exist but carry nothing the public adapter uses (counted, not errors). */
export const OKX_IGNORED_CHANNELS: ReadonlySet<string> = new Set([
  'mark-price',
  'index-tickers',
  'open-interest',
  'price-limit',
  'estimated-price',
  'opt-summary',
  'liquidation-orders',
  'instruments',
  'status',
  'orders',
  'positions',
  'account',
  'balance_and_position',
]);
