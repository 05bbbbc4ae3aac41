import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeatureView } from '../../../src/features/types.ts';
import { symbolRegime, type SymbolRegime } from '../../../src/strategies/scalper/regime.ts';
import { scalpScores, type ScalpScores } from '../../../src/strategies/scalper/score.ts';
import {
  admit,
  assetOf,
  buildSignal,
  DEFAULT_SIGNAL_LIMITS,
  DEFAULT_SIGNAL_OPTIONS,
  isSignalRefusal,
  tierOf,
  type Signal,
  type SignalInput,
  type SignalLimitState,
  type SignalRefusal,
} from '../../../src/strategies/scalper/signals.ts';

const TS = 1_700_000_000_000;

/**
 * A strong long on a 100.00 mid:
 *   imb = 0.6 × 0.8 + 0.4 × 0.6 = 0.72; walls 0.8 − 0 = 0.8; delta 0.6; streak 5/5 = 1; large 3/3 = 1;
 *   volatility: atr = max(5 bps, 2 bps × √3 = 3.46) = 5 bps, × 3 = 15 ≥ 12 bps fee move ⇒ 1;
 *   leverage: liquidation 200 bps ≥ 3 × 25 ⇒ 1.
 *   long = 0.25 × 0.72 + 0.15 × 0.8 + 0.2 × 0.6 + 0.05 + 0.1 + 0.15 + 0.1 = 0.82 ⇒ HIGH (≥ 0.7).
 */
function view(p: Partial<{ [K in keyof FeatureView]: FeatureView[K] extends object ? Partial<FeatureView[K]> : FeatureView[K] }> = {}): FeatureView {
  const base: FeatureView = {
    instrument: 'bybit-linear:SOLUSDT',
    ts: TS,
    mid: 100,
    spreadBps: 1,
    imbalance: { top: 0.6, zonal: 0.8 },
    walls: {
      bid: { side: 'bid', priceTicks: 9992, lots: 520, multiple: 5.2, distanceBps: 8, since: TS - 5000 },
      ask: null,
      supportScore: 0.8,
      resistanceScore: 0,
      spoofingScore: 0,
      pulled: { bid: 0, ask: 0 },
      absorbed: { bid: 0, ask: 0 },
    },
    flow: { buyVolume: 80, sellVolume: 20, delta: 60, deltaRatio: 0.6, streak: 5, largeBuys: 3, largeSells: 0, tradesPerSec: 6 },
    volatility: { atr1s: 0.0002, atr3s: 0.0005, score: 0.7, explosion: false },
    pump: { phase: 'NONE', since: 0, change: 0 },
    fees: { minMoveBps: 12, liquidationDistance: 0.02 },
    news: { flag: null, fresh: false },
  };
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(p)) {
    const b = (base as unknown as Record<string, unknown>)[k];
    out[k] = b !== null && typeof b === 'object' && v !== null && typeof v === 'object' ? { ...b, ...v } : v;
  }
  return out as unknown as FeatureView;
}

/** Equity 10 000 risking 0.5 % (50 USDT); 11 bps round trip, 2 bps latency; 10× leverage; lots of 0.1. */
function input(v: FeatureView = view(), more: Partial<SignalInput> = {}): SignalInput {
  const regime: SymbolRegime = symbolRegime(v).regime;
  return {
    view: v,
    scores: scalpScores(v, { regime, global: 'GLOBAL_NORMAL' }),
    regime,
    feesBps: 11,
    equity: 10_000,
    riskPerTrade: 0.005,
    leverage: 10,
    latencyBufferBps: 2,
    maxSizeUsd: 50_000,
    lot: { lotSize: 0.1, contractSize: 1, minQty: 0.1, minNotional: 5 },
    tick: 0.01,
    ...more,
  };
}

const scores = (long: number, short: number): ScalpScores => ({ long, short, parts: {}, penalties: {} });

function sig(x: Signal | SignalRefusal): Signal {
  if (isSignalRefusal(x)) throw new Error(x.refused);
  return x;
}
function refusal(x: Signal | SignalRefusal): string {
  if (!isSignalRefusal(x)) throw new Error(`expected a refusal, got ${x.id}`);
  return x.refused;
}

describe('buildSignal by hand', () => {
  it('a HIGH long: entry, stop, targets, size, risk/reward and hold', () => {
    const s = sig(buildSignal(input()));
    // entry = mid 100.00; stop = 100 − 3 × 5 bps = 99.85 (15 bps); tp1 = 100 + max(0.12, 1 × 0.15) = 100.15;
    // tp2 = 100 + max(2 × 0.15, 1.5 × 0.15) = 100.30; break-even stop = 100 × 1.0011 = 100.11.
    expect(s.id).toBe(`bybit-linear:SOLUSDT:long:${TS}`);
    expect(s.side).toBe('long');
    expect(s.asset).toBe('SOL');
    expect(s.entry).toBeCloseTo(100, 9);
    expect(s.stop).toBeCloseTo(99.85, 9);
    expect(s.tp1).toBeCloseTo(100.15, 9);
    expect(s.tp2).toBeCloseTo(100.3, 9);
    expect(s.breakEvenStop).toBeCloseTo(100.11, 9);
    expect(s.quality).toBeCloseTo(0.82, 9);
    expect(s.tier).toBe('HIGH');
    expect(s.riskReward).toBeCloseTo(1, 6);
    // σ = max(2 bps, 5 / √3 = 2.887 bps) per second; (15 / 2.887)² = 225 × 3 / 25 = 27 s.
    expect(s.expectedHoldMs).toBe(27_000);
    // Loss per SOL = 0.15 + 100 × 13 bps = 0.28; 50 / 0.28 = 178.57 ⇒ 1785 lots = 178.5 SOL = 17 850 USDT
    // (the 10× leverage cap is 1000 SOL, the 50 000 USDT cap 500 SOL: risk binds).
    expect(s.suggestedQty).toBe(178.5);
    expect(s.suggestedNotional).toBe(17_850);
    expect(s.feesBps).toBe(11);
    expect(s.conditions).toEqual([
      'imbalance 0.72 long', 'delta ratio 0.60', 'buy streak 5', 'net large buys 3', 'bid wall 5.2× 8 bps', 'vol score 0.70', 'pump NONE', 'regime NORMAL',
    ]);
  });

  it('a tight ATR: the stop floors at 5 bps and TP1 is the fee move, so the risk/reward exceeds 1', () => {
    const s = sig(buildSignal(input(view({ volatility: { atr1s: 0, atr3s: 0.0001 } }))));
    // stop = max(3 × 1 bps, 5 bps) = 5 bps ⇒ 99.95; tp1 = 100 + max(0.12, 0.05) = 100.12;
    // tp2 = 100 + max(0.10, 1.5 × 0.12) = 100.18; RR = 0.12 / 0.05 = 2.4.
    expect(s.stop).toBeCloseTo(99.95, 9);
    expect(s.tp1).toBeCloseTo(100.12, 9);
    expect(s.tp2).toBeCloseTo(100.18, 9);
    expect(s.riskReward).toBeCloseTo(2.4, 6);
    // σ = 1 / √3 bps; (12 × √3)² = 432 s.
    expect(s.expectedHoldMs).toBe(432_000);
  });

  it('a short mirrors the long', () => {
    const v = view({
      imbalance: { top: -0.6, zonal: -0.8 },
      walls: { bid: null, ask: { side: 'ask', priceTicks: 10008, lots: 520, multiple: 5.2, distanceBps: 8, since: TS }, supportScore: 0, resistanceScore: 0.8 },
      flow: { deltaRatio: -0.6, delta: -60, streak: -5, largeBuys: 0, largeSells: 3 },
    });
    const s = sig(buildSignal(input(v)));
    expect(s.side).toBe('short');
    expect(s.id).toBe(`bybit-linear:SOLUSDT:short:${TS}`);
    expect(s.quality).toBeCloseTo(0.82, 9);
    expect(s.stop).toBeCloseTo(100.15, 9);
    expect(s.tp1).toBeCloseTo(99.85, 9);
    expect(s.tp2).toBeCloseTo(99.7, 9);
    expect(s.breakEvenStop).toBeCloseTo(99.89, 9);
    expect(s.suggestedQty).toBe(178.5);
    expect(s.conditions.slice(0, 5)).toEqual(['imbalance 0.72 short', 'delta ratio 0.60', 'sell streak 5', 'net large sells 3', 'ask wall 5.2× 8 bps']);
  });

  it('the ARMED side given wins over the scores; without it the higher score picks the side', () => {
    expect(sig(buildSignal({ ...input(), scores: scores(0.4, 0.6) })).side).toBe('short');
    expect(sig(buildSignal({ ...input(), scores: scores(0.4, 0.6), side: 'long' })).quality).toBe(0.4);
  });

  it('the same input gives the same signal (deterministic id)', () => {
    expect(buildSignal(input())).toEqual(buildSignal(input()));
  });
});

describe('buildSignal refusals', () => {
  it.each<[string, SignalInput, RegExp]>([
    ['MANIPULATED (spoofing 0.7 ≥ 0.6)', input(view({ walls: { spoofingScore: 0.7, pulled: { bid: 2, ask: 0 } } })), /MANIPULATED/],
    ['high-risk news', { ...input(), newsBlock: true }, /high-risk news/],
    ['PUMP regime', input(view({ pump: { phase: 'PUMPING', since: TS - 1000, change: 0.05 } })), /PUMP/],
    ['no volatility measured', input(view({ volatility: { atr1s: 0, atr3s: 0 } })), /no micro-volatility/],
    ['quality below LOW', { ...input(), scores: scores(0.29, 0.1) }, /quality 0\.29 below the LOW tier/],
    // 5 USDT × 0.5 % = 0.025 at risk; 0.025 / 0.28 per SOL = 0.089 SOL, under one 0.1 lot.
    ['size rounds to zero', { ...input(), equity: 5 }, /no size: below one lot/],
  ])('%s', (_name, i, reason) => {
    expect(refusal(buildSignal(i))).toMatch(reason);
  });

  it('MANIPULATED gives planExits’ reason, not the zero score', () => {
    const i = input(view({ walls: { spoofingScore: 0.7 } }));
    expect(i.regime).toBe('MANIPULATED');
    expect(refusal(buildSignal(i))).toBe('the symbol is MANIPULATED: no trade');
  });
});

describe('tiers at their thresholds', () => {
  it.each<[number, string | null]>([
    [1, 'HIGH'], [0.7, 'HIGH'], [0.6999, 'MEDIUM'], [0.5, 'MEDIUM'], [0.4999, 'LOW'], [0.3, 'LOW'], [0.2999, null], [0, null],
  ])('quality %s ⇒ %s', (q, tier) => {
    expect(tierOf(q)).toBe(tier);
    const out = buildSignal({ ...input(), scores: scores(q, 0), side: 'long' });
    if (tier === null) expect(refusal(out)).toMatch(/below the LOW tier/);
    else expect(sig(out).tier).toBe(tier);
  });

  it('thresholds come from the options', () => {
    const opts = { ...DEFAULT_SIGNAL_OPTIONS, tiers: { high: 0.9, medium: 0.8, low: 0.1 } };
    expect(tierOf(0.85, opts)).toBe('MEDIUM');
    expect(sig(buildSignal({ ...input(), scores: scores(0.15, 0) }, opts)).tier).toBe('LOW');
  });
});

describe('assetOf', () => {
  it.each([
    ['bybit-linear:BTCUSDT', 'BTC'], ['binance-usdm:ETHUSDC', 'ETH'], ['okx:BTC-USDT-SWAP', 'BTC'], ['hyperliquid:xyz', 'XYZ'], ['kraken:SOLUSD', 'SOL'],
  ])('%s ⇒ %s', (id, asset) => expect(assetOf(id)).toBe(asset));
});

describe('buildSignal properties', () => {
  it('any signal has its stop on the losing side, TP1 past the fee move, TP2 past TP1 and a consistent tier', () => {
    const arb = fc.record({
      mid: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
      atr1s: fc.double({ min: 0, max: 0.01, noNaN: true }),
      atr3s: fc.double({ min: 0, max: 0.01, noNaN: true }),
      minMoveBps: fc.double({ min: 0, max: 50, noNaN: true }),
      long: fc.double({ min: 0, max: 1, noNaN: true }),
      short: fc.double({ min: 0, max: 1, noNaN: true }),
      equity: fc.double({ min: 1, max: 1e7, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const v = view({ mid: a.mid, volatility: { atr1s: a.atr1s, atr3s: a.atr3s }, fees: { minMoveBps: a.minMoveBps, liquidationDistance: 0.02 } });
        const out = buildSignal({ ...input(v), scores: scores(a.long, a.short), equity: a.equity, lot: { lotSize: 1e-6 }, tick: undefined });
        if (isSignalRefusal(out)) return;
        const d = out.side === 'long' ? 1 : -1;
        expect(d * (out.entry - out.stop)).toBeGreaterThan(0);
        expect(d * (out.tp1 - out.entry)).toBeGreaterThanOrEqual(out.entry * (a.minMoveBps / 1e4) * (1 - 1e-9));
        expect(d * (out.tp2 - out.tp1)).toBeGreaterThan(0);
        expect(out.riskReward).toBeGreaterThan(0);
        expect(out.quality).toBeGreaterThanOrEqual(0.3);
        expect(out.tier).toBe(tierOf(out.quality));
        expect(out.expectedHoldMs).toBeGreaterThanOrEqual(0);
        expect(out.suggestedQty).toBeGreaterThan(0);
      }),
    );
  });
});

// ── limits ───────────────────────────────────────────────────────────────────────────────────

const LONG = sig(buildSignal(input()));
const on = (instrument: string, side: 'long' | 'short', more: Partial<Signal> = {}): Signal => ({
  ...LONG, instrument, side, asset: assetOf(instrument), id: `${instrument}:${side}:${TS}`, ...more,
});
const empty: SignalLimitState = { open: [], today: { HIGH: 0, MEDIUM: 0, LOW: 0 }, lastLossAt: {} };

describe('admit', () => {
  it('lets a signal through with nothing open', () => {
    expect(admit(LONG, empty)).toEqual({ ok: true });
  });

  it.each<[string, Signal, SignalLimitState, RegExp]>([
    ['max concurrent (5 open)', LONG, { ...empty, open: ['A', 'B', 'C', 'D', 'E'].map((a) => on(`bybit-linear:${a}USDT`, 'long')) }, /max concurrent: 5 open ≥ 5/],
    ['max per day for HIGH (20 used)', LONG, { ...empty, today: { HIGH: 20, MEDIUM: 0, LOW: 0 } }, /max per day for HIGH: 20 ≥ 20/],
    ['max per day for LOW (5 used)', { ...LONG, tier: 'LOW' }, { ...empty, today: { HIGH: 0, MEDIUM: 0, LOW: 5 } }, /max per day for LOW: 5 ≥ 5/],
    ['same asset on another venue, other side', on('bybit-linear:BTCUSDT', 'long'), { ...empty, open: [on('binance-usdm:BTCUSDT', 'short')] }, /already open on BTC/],
    ['same side in the BTC/ETH group', on('bybit-linear:ETHUSDT', 'long'), { ...empty, open: [on('bybit-linear:BTCUSDT', 'long')] }, /already long in group BTC\/ETH/],
    ['cooldown after a loss', LONG, { ...empty, lastLossAt: { [LONG.instrument]: TS - 60_000 } }, /cooldown after a loss on bybit-linear:SOLUSDT: 840000 ms left/],
  ])('refuses: %s', (_name, s, state, reason) => {
    const a = admit(s, state);
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(reason);
  });

  it.each<[string, Signal, SignalLimitState]>([
    ['4 open of 5', LONG, { ...empty, open: ['A', 'B', 'C', 'D'].map((a) => on(`bybit-linear:${a}USDT`, 'long')) }],
    ['HIGH full but MEDIUM free', { ...LONG, tier: 'MEDIUM' }, { ...empty, today: { HIGH: 20, MEDIUM: 9, LOW: 0 } }],
    ['opposite side in the group', on('bybit-linear:ETHUSDT', 'short'), { ...empty, open: [on('bybit-linear:BTCUSDT', 'long')] }],
    ['same side outside any group', on('bybit-linear:SOLUSDT', 'long'), { ...empty, open: [on('bybit-linear:BTCUSDT', 'long')] }],
    ['cooldown over exactly', LONG, { ...empty, lastLossAt: { [LONG.instrument]: TS - DEFAULT_SIGNAL_LIMITS.lossCooldownMs } }],
    ['a loss on another instrument', LONG, { ...empty, lastLossAt: { 'bybit-linear:BTCUSDT': TS } }],
  ])('admits: %s', (_name, s, state) => {
    expect(admit(s, state)).toEqual({ ok: true });
  });

  it('correlated groups come from the options', () => {
    const opts = { ...DEFAULT_SIGNAL_LIMITS, correlatedGroups: [['SOL', 'AVAX']] };
    const a = admit(LONG, { ...empty, open: [on('bybit-linear:AVAXUSDT', 'long')] }, opts);
    expect(a).toEqual({ ok: false, reason: `correlated: bybit-linear:AVAXUSDT:long:${TS} already long in group SOL/AVAX` });
  });
});
