/**
 * The config file's schema: the single place where its shape, its limits and its defaults live.
 * Every object is strict so that a misspelt key fails loudly instead of silently falling back to
 * a default, and parsing `{}` yields a complete config.
 */
import { z } from 'zod';

export const VENUE_IDS = ['binance-usdm', 'binance-spot', 'bybit-linear', 'okx', 'bitget', 'hyperliquid'] as const;
export type VenueId = (typeof VENUE_IDS)[number];

export const MODES = ['sim', 'dry', 'live', 'signal'] as const;
export type Mode = (typeof MODES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const venueId = z.enum(VENUE_IDS);

// Venue URLs default to nothing here: each adapter owns its venue's real endpoints.
const wsUrl = z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' });
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const feeRate = z.number().min(-0.01).max(0.01);

const venueSchema = z
  .object({
    enabled: z.boolean().default(true),
    wsUrl: wsUrl.optional(),
    restUrl: httpUrl.optional(),
    privateWsUrl: wsUrl.optional(),
    // "*" and [] both mean the venue's whole universe; "*" is accepted because people write it.
    symbols: z
      .union([z.literal('*'), z.array(z.string().min(1))], { error: 'expected an array of symbols or "*"' })
      .default([]),
    fees: z.object({ maker: feeRate, taker: feeRate }).strict().optional(),
    /** Book levels subscribed per side (the venue's own depth choices apply; default per venue). */
    depth: z.int().min(1).max(1000).optional(),
    /** Symbols whose market data is never conflated or dropped under a backlog. */
    prime: z.array(z.string().min(1)).optional(),
    /** A book with no message for longer than this is stale (default: the venue's own limit). */
    staleAfterMs: z.int().min(100).optional(),
    key: z.string().optional(),
    secret: z.string().optional(),
    passphrase: z.string().optional(),
  })
  .strict();

export type VenueConfig = z.output<typeof venueSchema>;

// Keys are optional so that a file listing two venues runs exactly those two; only a file that
// omits `venues` altogether gets all six.
const venuesSchema = z
  .object(Object.fromEntries(VENUE_IDS.map((id) => [id, venueSchema.optional()])) as Record<
    VenueId,
    z.ZodOptional<typeof venueSchema>
  >)
  .strict()
  .prefault(Object.fromEntries(VENUE_IDS.map((id) => [id, {}])));

const riskSchema = z
  .object({
    dailyLossLimit: z.number().positive().default(500),
    maxPortfolioHeat: z.number().min(0).max(1).default(0.2),
    maxConsecutiveFailures: z.int().min(1).default(5),
    riskPerTrade: z.number().min(0).max(1).default(0.005),
    /** Drawdown from the peak mark-to-market equity that pulls the global kill switch (fraction). */
    maxDrawdown: z.number().positive().max(1).default(0.1),
    /** Largest notional of one order, in the quote asset. */
    maxOrderNotional: z.number().positive().default(10_000),
    /** Open orders across all venues. */
    maxOpenOrders: z.int().min(1).default(50),
    /** A venue down (market data or private stream) this long: its orders canceled, positions flattened. */
    venueDownKillMs: z.int().min(1000).default(120_000),
    /** Circuit breakers per instrument and per venue. */
    breaker: z
      .object({
        /** Failures within `windowMs` that trip a breaker. */
        maxFailures: z.int().min(1).default(3),
        windowMs: z.int().min(100).default(60_000),
        cooldownMs: z.int().min(100).default(30_000),
        maxCooldownMs: z.int().min(100).default(600_000),
        /** Quiet time in probation before a breaker closes again (hysteresis). */
        resumeAfterMs: z.int().min(0).default(30_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

const executionSchema = z
  .object({
    /** Timeout of one signed REST call; a place that times out is UNKNOWN until queried. */
    requestTimeoutMs: z.int().min(50).max(60_000).default(5_000),
    /** How often orders, positions and balances are checked against each venue. */
    reconcileIntervalMs: z.int().min(200).default(5_000),
    /** A mismatch must persist this long (in-flight fills settle) before it is INTEGRITY_BROKEN. */
    reconcileGraceMs: z.int().min(0).default(3_000),
    /** An UNKNOWN order the venue still does not know after this long never reached it. */
    unknownNotFoundMs: z.int().min(100).default(5_000),
    /** A terminal order's actor is retired after this long (late fills after cancel still apply). */
    retireAfterMs: z.int().min(0).default(60_000),
    /** DRY mode's paper engine: request latency and starting balance per venue (quote asset). */
    paperLatencyMs: z.int().min(0).max(10_000).default(50),
    paperStartingBalance: z.number().positive().default(100_000),
    /** Default leverage assumed by the pre-trade balance check for perps. */
    leverage: z.number().min(1).max(125).default(1),
  })
  .strict()
  .prefault({});

const routeSchema = z
  .object({
    /** The base asset as the venues list it (BTC, ETH, NVDA). */
    asset: z.string().min(1),
    venueA: venueId,
    venueB: venueId,
    /** spot–spot or perp–perp; needed only where a venue lists both (okx, bitget). */
    kind: z.enum(['spot', 'perp']).optional(),
    /** Venue-native symbols when the asset's usual USDT/USDC market is not the one meant. */
    symbolA: z.string().min(1).optional(),
    symbolB: z.string().min(1).optional(),
    /** This route's budget per trade (quote); default arbitrage.maxTradeUsd. */
    maxTradeUsd: z.number().positive().optional(),
  })
  .strict()
  .refine((r) => r.venueA !== r.venueB, { path: ['venueB'], message: 'must differ from venueA' });

export type RouteConfig = z.output<typeof routeSchema>;

const arbitrageSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Absent: none, except in sim mode where a default set trades out of the box. */
    routes: z.array(routeSchema).optional(),
    /** Entry threshold on the net edge (after fees, slippage and latency buffers) in calm markets. */
    minNetEdgeBps: z.number().default(5),
    /** Perp–perp: close the position once the spread has converged to this or less. */
    exitEdgeBps: z.number().default(1),
    maxTradeUsd: z.number().positive().default(1000),
    cooldownMs: z.int().min(0).default(5000),
    /** Buffer for what fills worse than the book showed. */
    slippageBufferBps: z.number().min(0).default(1),
    /** Size is what both books fill within this distance from their best price. */
    slippageCapBps: z.number().positive().default(10),
    /** Expected signal → both fills, and the buffer it costs: fixed + volMultiplier × vol × √latency. */
    latencyMs: z.int().min(0).default(150),
    latencyBufferBps: z.number().min(0).default(0.5),
    volMultiplier: z.number().min(0).default(1),
    /** Volatility (bps/√s of the mid) up to which the threshold is minNetEdgeBps; above maxVolBps nothing fires. */
    calmVolBps: z.number().positive().default(3),
    maxVolBps: z.number().positive().default(30),
    /** Each leg's deadline; orders still working then are canceled. */
    legTimeoutMs: z.int().min(100).default(3000),
    /** Wait for late fills this long before recovering an orphaned leg. */
    orphanGraceMs: z.int().min(0).default(500),
    /** Recovery attempts (retries and unwinds) before the saga fails and the portfolio goes risk_off. */
    maxRecoveries: z.int().min(1).default(4),
    /** Retry the missing leg only at a price within this of what the decision saw. */
    retryGuardBps: z.number().min(0).default(15),
    /** Unwind the filled leg at no worse than this from its fill price. */
    maxUnwindLossBps: z.number().positive().default(100),
    /** Perp–perp: close at this age even if the spread has not converged. */
    maxHoldMs: z.int().min(1000).default(3_600_000),
    /** Unexplained net exposure per asset for longer than this ⇒ risk_off and an alert. */
    exposureGraceMs: z.int().min(0).default(5000),
    /** Below this share (percent) of a venue's rate limit left, a route does not fire. */
    minRateHeadroomPct: z.number().min(0).max(100).default(10),
  })
  .strict()
  .refine((a) => a.maxVolBps >= a.calmVolBps, { path: ['maxVolBps'], message: 'must be ≥ arbitrage.calmVolBps' })
  .prefault({});

function categorySchema(maxLeverage: number, maxSizeUsd: number, depth: number) {
  return z
    .object({
      maxLeverage: z.number().positive().default(maxLeverage),
      maxSizeUsd: z.number().positive().default(maxSizeUsd),
      /** Book levels kept (subscribed where the venue lets the depth be chosen, and read by the features). */
      depth: z.int().min(5).max(1000).default(depth),
    })
    .strict()
    .prefault({});
}

const tierCounts = (high: number, medium: number, low: number) =>
  z.object({ HIGH: z.int().min(0).default(high), MEDIUM: z.int().min(0).default(medium), LOW: z.int().min(0).default(low) }).strict().prefault({});

const scalperSchema = z
  .object({
    enabled: z.boolean().default(true),
    watchThreshold: z.number().min(0).max(1).default(0.6),
    armThreshold: z.number().min(0).max(1).default(0.75),
    categories: z
      .object({ prime: categorySchema(10, 2000, 100), normal: categorySchema(5, 1000, 50), wild: categorySchema(2, 250, 20) })
      .strict()
      .prefault({}),
    /** After a position closes, the symbol waits this long before watching again. */
    cooldownMs: z.int().min(0).default(30_000),
    /** Positions the scalper holds at once (trading modes). */
    maxOpenPositions: z.int().min(1).default(3),
    universe: z
      .object({
        minVolume24hQuote: z.number().min(0).default(5_000_000),
        minOpenInterestQuote: z.number().min(0).default(1_000_000),
        maxSpreadBps: z.number().positive().default(15),
        primeCount: z.int().min(0).default(10),
        /** Micro-volatility (ATR / price) above which a symbol is wild. */
        wildVolatility: z.number().positive().default(0.004),
        newListingMs: z.int().min(0).default(7 * 86_400_000),
        /** No trade for this long ⇒ dropped from the universe. */
        inactiveMs: z.int().min(1000).default(10 * 60_000),
        /** Full rescan (scores, categories). */
        rescanMs: z.int().min(1000).default(4 * 3_600_000),
        /** Quick check (new listings, delisted, inactive). */
        quickCheckMs: z.int().min(1000).default(3_600_000),
        /** Wait this long after start before the first scan, so tickers and tapes have arrived. */
        warmupMs: z.int().min(0).default(60_000),
      })
      .strict()
      .prefault({}),
    entry: z
      .object({
        /** The maker (post-only) entry waits this long for a fill before the taker fallback. */
        makerTimeoutMs: z.int().min(50).default(2_000),
        takerFallback: z.boolean().default(true),
        /** The taker fallback crosses at most this far past the touch (bps). */
        maxTakerSlipBps: z.number().min(0).default(5),
        /** Added to the fees in the sizing loss per unit (bps of the entry). */
        latencyBufferBps: z.number().min(0).default(1),
      })
      .strict()
      .prefault({}),
    exits: z
      .object({
        tp1R: z.number().positive().default(1),
        tp2R: z.number().positive().default(2),
        tp2OverTp1: z.number().min(1).default(1.5),
        /** Break-even once unrealized PnL reaches the fees × (1 + this). */
        breakEvenBuffer: z.number().min(0).default(0.5),
        trailBps: z.number().positive().default(15),
        minTrailBps: z.number().positive().default(3),
        /** Share of the position closed at TP1 (the rest trails to TP2). */
        tp1Share: z.number().min(0).max(1).default(0.5),
        /** A position still open at this age is closed. */
        maxHoldMs: z.int().min(1000).default(15 * 60_000),
      })
      .strict()
      .refine((e) => e.tp2R >= e.tp1R, { path: ['tp2R'], message: 'must be ≥ scalper.exits.tp1R' })
      .prefault({}),
    signals: z
      .object({
        stopAtrK: z.number().positive().default(3),
        minStopBps: z.number().positive().default(5),
        tiers: z
          .object({ high: z.number().min(0).max(1).default(0.7), medium: z.number().min(0).max(1).default(0.5), low: z.number().min(0).max(1).default(0.3) })
          .strict()
          .refine((t) => t.high >= t.medium && t.medium >= t.low, { message: 'tiers must satisfy high ≥ medium ≥ low' })
          .prefault({}),
        maxConcurrent: z.int().min(1).default(5),
        maxPerDay: tierCounts(20, 10, 5),
        /** Assets that move together: no two open signals on the same side within a group. */
        correlatedGroups: z.array(z.array(z.string().min(1)).min(2)).default([['BTC', 'ETH']]),
        lossCooldownMs: z.int().min(0).default(15 * 60_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((s) => s.armThreshold >= s.watchThreshold, {
    path: ['armThreshold'],
    message: 'must be ≥ scalper.watchThreshold',
  })
  .prefault({});

const apiSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.int().min(0).max(65535).default(8080),
  })
  .strict()
  .prefault({});

const supervisorSchema = z
  .object({
    maxRestarts: z.int().min(1).default(5),
    withinMs: z.int().min(1).default(60_000),
    backoffInitialMs: z.int().min(0).default(100),
    backoffMaxMs: z.int().min(0).default(10_000),
  })
  .strict()
  .refine((s) => s.backoffMaxMs >= s.backoffInitialMs, {
    path: ['backoffMaxMs'],
    message: 'must be ≥ supervisor.backoffInitialMs',
  })
  .prefault({});

const persistenceSchema = z
  .object({ flushIntervalMs: z.int().min(100).max(250).default(150) })
  .strict()
  .prefault({});

/**
 * Market-derived records written at a high rate (per symbol, per tick-level decision), deleted after
 * `retention.horizonMs`. Transitions, orders, fills, risk, kill, saga, scalp, alert and signal
 * emitted/closed records are kept for `auditHorizonMs` even if listed (src/runtime/retention.ts).
 */
export const DEFAULT_HIGH_RATE_TYPES = ['symbol.armed', 'symbol.pump', 'symbol.regime', 'signal.refused', 'arb.declined', 'universe.scanned', 'market.backlog-shed', 'market.bad-input'] as const;

const HOUR_MS = 3_600_000;

const retentionSchema = z
  .object({
    /** Time between two passes. */
    intervalMs: z.int().min(1000).default(2 * HOUR_MS),
    /** Raw recordings and high-rate records older than this are deleted. */
    horizonMs: z.int().min(60_000).default(24 * HOUR_MS),
    /** Every other record older than this is deleted. */
    auditHorizonMs: z.int().min(HOUR_MS).default(90 * 24 * HOUR_MS),
    /** Records deleted per batch; the event loop gets a turn between batches. */
    batchSize: z.int().min(1).max(100_000).default(1000),
    /** Exact types, or prefixes ending in `*`. */
    highRateTypes: z.array(z.string().min(1)).default([...DEFAULT_HIGH_RATE_TYPES]),
  })
  .strict()
  .refine((r) => r.auditHorizonMs >= r.horizonMs, { path: ['auditHorizonMs'], message: 'must be ≥ retention.horizonMs' })
  .prefault({});

export type RetentionConfig = z.output<typeof retentionSchema>;

const inspectSchema = z
  .object({
    recentTransitions: z.int().min(1).max(10_000).default(100),
    streamBuffer: z.int().min(16).max(100_000).default(2000),
  })
  .strict()
  .prefault({});

const marketSchema = z
  .object({
    /** Trades kept per instrument in the tape. */
    tapeSize: z.int().min(10).max(1_000_000).default(2000),
    /** Frames queued in front of the book before low-priority connections are shed. */
    backlogWatermark: z.int().min(10).default(5000),
    reconnect: z
      .object({ initialMs: z.int().min(10).default(500), maxMs: z.int().min(10).default(30_000) })
      .strict()
      .refine((r) => r.maxMs >= r.initialMs, { path: ['maxMs'], message: 'must be ≥ market.reconnect.initialMs' })
      .prefault({}),
    /** A connector out of `live` for longer than this is `down` and sends the portfolio to risk_off. */
    downAfterMs: z.int().min(1000).default(60_000),
    /** Planned reconnect age (make-before-break); default: just before the venue's own cut. */
    connectionLifetimeMs: z.int().min(1000).optional(),
    /**
     * Keep the raw frames the daemon receives in `<data-dir>/recordings/` (one file per hour, each
     * replayable on its own), so `fleet replay --from-log` can reproduce the session; the
     * retention job deletes them past its horizon.
     */
    recordFrames: z.boolean().default(false),
  })
  .strict()
  .prefault({});

export const SIM_SCENARIOS = ['calm', 'trending', 'pump-dump', 'spoof-walls', 'news-shock', 'outage', 'listing'] as const;
export type SimScenario = (typeof SIM_SCENARIOS)[number];
export const SIM_FAULT_KINDS = ['drop', 'gap', 'disconnect', 'http429', 'http5xx', 'checksum', 'duplicate', 'delay-fill', 'duplicate-fill', 'fill-after-cancel', 'reject-next-order', 'partial-fill'] as const;

const simSchema = z
  .object({
    /** The market generator's seed: the same seed and scenario give the same frames. */
    seed: z.int().min(0).max(2 ** 32 - 1).default(1),
    scenario: z.enum(SIM_SCENARIOS).default('calm'),
    /** Simulated market step (one book update round per venue). */
    stepMs: z.int().min(10).max(5000).default(100),
    /** How long a simulated venue's REST answers take to come back (the order acts on arrival). */
    latencyMs: z.int().min(0).max(10_000).default(0),
    /** The simulated account's starting balance, in each venue's quote asset. */
    startingBalance: z.number().positive().default(100_000),
    /** Faults injected on purpose, `afterMs` after the venues start. */
    faults: z
      .array(
        z
          .object({ venue: venueId, kind: z.enum(SIM_FAULT_KINDS), count: z.int().min(1).default(1), afterMs: z.int().min(0).default(0) })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .prefault({});

const logSchema = z
  .object({ level: z.enum(LOG_LEVELS).default('info') })
  .strict()
  .prefault({});

// Notifications: secrets (the bot token) may come from env (FLEET_TELEGRAM_TOKEN), so the token's
// presence is checked once env is applied (applySecretEnv); what the file alone must hold is checked here.
const notifySchema = z
  .object({
    telegram: z
      .object({
        enabled: z.boolean().default(false),
        baseUrl: httpUrl.default('https://api.telegram.org'),
        token: z.string().min(1).optional(),
        chatId: z.union([z.string().min(1), z.int()]).optional(),
      })
      .strict()
      .refine((t) => !t.enabled || t.chatId !== undefined, { path: ['chatId'], message: 'required when notify.telegram.enabled is true' })
      .prefault({}),
    webhook: z
      .object({
        enabled: z.boolean().default(false),
        url: httpUrl.optional(),
        headers: z.record(z.string().min(1), z.string()).optional(),
      })
      .strict()
      .refine((w) => !w.enabled || w.url !== undefined, { path: ['url'], message: 'required when notify.webhook.enabled is true' })
      .prefault({}),
    retry: z
      .object({
        /** Tries per message and channel, the first included. */
        attempts: z.int().min(1).max(20).default(5),
        initialMs: z.int().min(10).default(1000),
        maxMs: z.int().min(10).default(60_000),
      })
      .strict()
      .refine((r) => r.maxMs >= r.initialMs, { path: ['maxMs'], message: 'must be ≥ notify.retry.initialMs' })
      .prefault({}),
    /** One HTTP call's timeout. */
    timeoutMs: z.int().min(100).max(120_000).default(10_000),
    /** Messages waiting per channel; past it the oldest is dropped (and counted). */
    queueSize: z.int().min(1).max(10_000).default(100),
    /** The same text again within this window is sent once. */
    coalesceMs: z.int().min(0).default(60_000),
    /** UTC hour (0–23) of the daily summary; null: no daily summary. */
    dailySummaryUtcHour: z.int().min(0).max(23).nullable().default(0),
  })
  .strict()
  .prefault({});

export type NotifyConfig = z.output<typeof notifySchema>;

// Daily and weekly reports under <data-dir>/reports/ (src/reports/scheduler.ts).
const reportsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** UTC hour (0–23) after a day (or ISO week) ends at which its report is written. */
    dailyUtcHour: z.int().min(0).max(23).default(0),
  })
  .strict()
  .prefault({});

export type ReportsConfig = z.output<typeof reportsSchema>;

export const configSchema = z
  .object({
    mode: z.enum(MODES).default('sim'),
    venues: venuesSchema,
    risk: riskSchema,
    execution: executionSchema,
    arbitrage: arbitrageSchema,
    scalper: scalperSchema,
    api: apiSchema,
    supervisor: supervisorSchema,
    persistence: persistenceSchema,
    retention: retentionSchema,
    inspect: inspectSchema,
    market: marketSchema,
    sim: simSchema,
    log: logSchema,
    notify: notifySchema,
    reports: reportsSchema,
  })
  .strict();

export type FleetConfig = z.output<typeof configSchema>;
