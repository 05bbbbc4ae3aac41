import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { MODES, VENUE_IDS, configSchema } from '../../src/config/schema.ts';

describe('defaultConfig', () => {
  it('fills every section from an empty file', () => {
    const c = defaultConfig();
    expect(c.mode).toBe('sim');
    expect(c.risk).toEqual({
      dailyLossLimit: 500,
      maxPortfolioHeat: 0.2,
      maxConsecutiveFailures: 5,
      riskPerTrade: 0.005,
      maxDrawdown: 0.1,
      maxOrderNotional: 10_000,
      maxOpenOrders: 50,
      venueDownKillMs: 120_000,
      breaker: { maxFailures: 3, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 600_000, resumeAfterMs: 30_000 },
    });
    expect(c.execution).toEqual({
      requestTimeoutMs: 5_000,
      reconcileIntervalMs: 5_000,
      reconcileGraceMs: 3_000,
      unknownNotFoundMs: 5_000,
      retireAfterMs: 60_000,
      paperLatencyMs: 50,
      paperStartingBalance: 100_000,
      leverage: 1,
    });
    // Routes stay absent: sim mode then runs its default set, other modes none.
    expect(c.arbitrage).toEqual({
      enabled: true,
      minNetEdgeBps: 5,
      exitEdgeBps: 1,
      maxTradeUsd: 1000,
      cooldownMs: 5000,
      slippageBufferBps: 1,
      slippageCapBps: 10,
      latencyMs: 150,
      latencyBufferBps: 0.5,
      volMultiplier: 1,
      calmVolBps: 3,
      maxVolBps: 30,
      legTimeoutMs: 3000,
      orphanGraceMs: 500,
      maxRecoveries: 4,
      retryGuardBps: 15,
      maxUnwindLossBps: 100,
      maxHoldMs: 3_600_000,
      exposureGraceMs: 5000,
      minRateHeadroomPct: 10,
    });
    expect(c.scalper.watchThreshold).toBe(0.6);
    expect(c.scalper.armThreshold).toBe(0.75);
    expect(c.scalper.categories).toEqual({
      prime: { maxLeverage: 10, maxSizeUsd: 2000, depth: 100 },
      normal: { maxLeverage: 5, maxSizeUsd: 1000, depth: 50 },
      wild: { maxLeverage: 2, maxSizeUsd: 250, depth: 20 },
    });
    expect(c.scalper.entry).toEqual({ makerTimeoutMs: 2000, takerFallback: true, maxTakerSlipBps: 5, latencyBufferBps: 1 });
    expect(c.scalper.exits.tp1Share).toBe(0.5);
    expect(c.scalper.signals.maxPerDay).toEqual({ HIGH: 20, MEDIUM: 10, LOW: 5 });
    expect(c.scalper.universe.rescanMs).toBe(4 * 3_600_000);
    expect(c.api).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.supervisor).toEqual({ maxRestarts: 5, withinMs: 60_000, backoffInitialMs: 100, backoffMaxMs: 10_000 });
    expect(c.persistence.flushIntervalMs).toBe(150);
    expect(c.inspect).toEqual({ recentTransitions: 100, streamBuffer: 2000 });
    expect(c.log.level).toBe('info');
  });

  it('has all six venues enabled with no symbols and no URLs', () => {
    const c = defaultConfig();
    expect(Object.keys(c.venues).sort()).toEqual([...VENUE_IDS].sort());
    for (const id of VENUE_IDS) expect(c.venues[id]).toEqual({ enabled: true, symbols: [] });
  });

  it('returns a fresh object each call', () => {
    const a = defaultConfig();
    a.risk.dailyLossLimit = 1;
    expect(defaultConfig().risk.dailyLossLimit).toBe(500);
  });

  it('keeps only the venues a file lists, each completed with defaults', () => {
    const c = configSchema.parse({ venues: { okx: { symbols: '*' }, bitget: { enabled: false } } });
    expect(c.venues).toEqual({ okx: { enabled: true, symbols: '*' }, bitget: { enabled: false, symbols: [] } });
  });

  it('fills a partly given section and keeps the given values', () => {
    const c = configSchema.parse({ risk: { dailyLossLimit: 42 }, scalper: { categories: { wild: { maxLeverage: 3 } } } });
    expect(c.risk.dailyLossLimit).toBe(42);
    expect(c.risk.riskPerTrade).toBe(0.005);
    expect(c.scalper.categories.wild).toEqual({ maxLeverage: 3, maxSizeUsd: 250, depth: 20 });
    expect(c.scalper.categories.prime.maxLeverage).toBe(10);
  });

  it('accepts every mode and valid venue URLs and fees', () => {
    for (const mode of MODES) expect(configSchema.parse({ mode }).mode).toBe(mode);
    const c = configSchema.parse({
      venues: {
        'bybit-linear': {
          wsUrl: 'ws://127.0.0.1:9001',
          privateWsUrl: 'wss://stream.example/private',
          restUrl: 'http://127.0.0.1:9002',
          fees: { maker: -0.0001, taker: 0.00055 },
        },
      },
    });
    expect(c.venues['bybit-linear']?.fees).toEqual({ maker: -0.0001, taker: 0.00055 });
    expect(c.venues['bybit-linear']?.wsUrl).toBe('ws://127.0.0.1:9001');
  });
});
