/**
 * SIGNAL mode: a trade idea built from an ARMED symbol, with its exits, size and the conditions
 * behind it, and the limits that decide whether it is published.
 *
 * buildSignal, for a long (a short is the mirror image), prices in quote:
 *   entry          the mid, on the price grid when `tick` is given (nearest tick)
 *   atr            max(atr3s, atr1s × √3): the 3-s-candle ATR as a fraction, the 1-s one scaled up
 *                  when it is the livelier (the same expected-move measure score.ts uses)
 *   stop           entry − max(stopAtrK × atr, minStopBps / 10⁴) × entry, rounded away from the entry
 *   tp1, tp2       planExits (tpsl.ts): fee-first TP1, TP2 beyond it, break-even stop at entry + fees
 *   quality        the side's FinalScalpScore; tier HIGH ≥ high, MEDIUM ≥ medium, LOW ≥ low, else refused
 *   size           sizeFromRisk (tpsl.ts) from equity × riskPerTrade at the stop, fees and latency included
 *   riskReward     |tp1 − entry| / |entry − stop|
 *   expectedHoldMs the time a random walk with the current micro-volatility takes, on average, to
 *                  cover the TP1 distance: σ = max(atr1s, atr3s / √3) per second (an ATR over n
 *                  seconds grows like √n), t = (tp1 distance / σ)² seconds. It is a diffusion
 *                  estimate (no drift), so a trending tape gets there sooner.
 * Refused with the reason when planExits refuses (MANIPULATED, high-risk news, no usable stop), in
 * a PUMP regime (the chart blocks it), with no micro-volatility measured, below the LOW tier, or
 * when the size rounds to zero.
 *
 * admit (the limits): at most maxConcurrent open signals; at most maxPerDay[tier] per UTC day; no
 * second open signal on the same asset (either side, any venue); no two open signals on the same side
 * within one correlated group (e.g. BTC/ETH); none on an instrument within cooldownMs of its last loss.
 */
import type { FeatureView } from '../../features/types.ts';
import type { SymbolRegime } from './regime.ts';
import type { ScalpScores } from './score.ts';
import { isRefusal, planExits, sizeFromRisk, type ExitOptions, type SizingLot, type TradeSide } from './tpsl.ts';

export type SignalTier = 'HIGH' | 'MEDIUM' | 'LOW';

/** A published trade idea (immutable). */
export interface Signal {
  /** `<instrument>:<side>:<ts>`: the same input always gives the same id. */
  readonly id: string;
  readonly instrument: string;
  /** The base asset, which the correlation limits compare. */
  readonly asset: string;
  readonly side: TradeSide;
  readonly ts: number;
  readonly entry: number;
  readonly stop: number;
  readonly tp1: number;
  readonly tp2: number;
  /** Where the stop moves once TP1 is hit: entry plus the round-trip fees. */
  readonly breakEvenStop: number;
  readonly quality: number;
  readonly tier: SignalTier;
  readonly conditions: readonly string[];
  readonly suggestedQty: number;
  readonly suggestedNotional: number;
  readonly riskReward: number;
  readonly expectedHoldMs: number;
  /** Round-trip fees in bps of the notional, which the tracker charges on the outcome. */
  readonly feesBps: number;
  readonly regime: SymbolRegime;
}

export interface SignalOptions {
  /** The stop sits this many ATRs from the entry. */
  readonly stopAtrK: number;
  /** And never closer than this (bps): a stop inside the noise only collects fees. */
  readonly minStopBps: number;
  /** Tier floors on the quality; below `low` no signal is made. */
  readonly tiers: { readonly high: number; readonly medium: number; readonly low: number };
  readonly exits?: ExitOptions;
}

export const DEFAULT_SIGNAL_OPTIONS: SignalOptions = {
  stopAtrK: 3,
  minStopBps: 5,
  tiers: { high: 0.7, medium: 0.5, low: 0.3 },
};

export interface SignalInput {
  readonly view: FeatureView;
  readonly scores: ScalpScores;
  readonly regime: SymbolRegime;
  /** High-risk news in force (regime.ts `highRiskNews`). */
  readonly newsBlock?: boolean;
  /** The ARMED side; omitted ⇒ the higher-scoring side. */
  readonly side?: TradeSide;
  /** Base asset; omitted ⇒ read from the instrument id (`venue:BTCUSDT` ⇒ BTC). */
  readonly asset?: string;
  /** Round-trip fees in bps of the notional. */
  readonly feesBps: number;
  readonly equity: number;
  readonly riskPerTrade: number;
  readonly leverage: number;
  readonly latencyBufferBps: number;
  readonly maxSizeUsd: number;
  readonly lot: SizingLot;
  /** The price grid in quote; omitted ⇒ no rounding. */
  readonly tick?: number;
}

export interface SignalRefusal {
  readonly refused: string;
}

/** Returns true when buildSignal declined. */
export function isSignalRefusal(x: Signal | SignalRefusal): x is SignalRefusal {
  return 'refused' in x;
}

/** Returns the tier of a quality, or null below the LOW floor. */
export function tierOf(quality: number, opts: SignalOptions = DEFAULT_SIGNAL_OPTIONS): SignalTier | null {
  return quality >= opts.tiers.high ? 'HIGH' : quality >= opts.tiers.medium ? 'MEDIUM' : quality >= opts.tiers.low ? 'LOW' : null;
}

const QUOTES = ['USDT', 'USDC', 'USD', 'PERP', 'BUSD'];

/** Returns the base asset of an instrument id: `bybit-linear:BTCUSDT` and `okx:BTC-USDT-SWAP` give BTC. */
export function assetOf(instrument: string): string {
  const sym = instrument.slice(instrument.indexOf(':') + 1).toUpperCase();
  const dash = sym.search(/[-_/]/);
  if (dash > 0) return sym.slice(0, dash);
  for (const q of QUOTES) if (sym.length > q.length && sym.endsWith(q)) return sym.slice(0, -q.length);
  return sym;
}

const EPS = 1e-9;
const SQRT3 = Math.sqrt(3);
const f2 = (x: number): string => x.toFixed(2);

/** Returns the conditions that fired for the side, as short readable phrases. */
function conditionsOf(v: FeatureView, s: ScalpScores, side: TradeSide, regime: SymbolRegime): string[] {
  const long = side === 'long';
  const p = s.parts;
  const c: string[] = [];
  const imb = long ? p.imbalanceLong : p.imbalanceShort;
  if (imb !== undefined && imb > 0) c.push(`imbalance ${f2(imb)} ${side}`);
  const dr = long ? v.flow.deltaRatio : -v.flow.deltaRatio;
  if (dr > 0) c.push(`delta ratio ${f2(dr)}`);
  const streak = long ? v.flow.streak : -v.flow.streak;
  if (streak > 0) c.push(`${long ? 'buy' : 'sell'} streak ${streak}`);
  const large = long ? v.flow.largeBuys - v.flow.largeSells : v.flow.largeSells - v.flow.largeBuys;
  if (large > 0) c.push(`net large ${long ? 'buys' : 'sells'} ${large}`);
  const wall = long ? v.walls.bid : v.walls.ask;
  if (wall) c.push(`${wall.side} wall ${wall.multiple.toFixed(1)}× ${wall.distanceBps.toFixed(0)} bps`);
  c.push(`vol score ${f2(v.volatility.score)}`);
  if (v.volatility.explosion) c.push('volatility explosion');
  c.push(`pump ${v.pump.phase}`);
  if (v.walls.spoofingScore > 0) c.push(`spoofing ${f2(v.walls.spoofingScore)}`);
  if (v.news.flag && v.ts < v.news.flag.until) c.push(`${v.news.flag.impact} news ${v.news.flag.type}`);
  c.push(`regime ${regime}`);
  return c;
}

/** Returns a signal for the ARMED side of a symbol, or why there is none. */
export function buildSignal(i: SignalInput, opts: SignalOptions = DEFAULT_SIGNAL_OPTIONS): Signal | SignalRefusal {
  const v = i.view;
  const side: TradeSide = i.side ?? (i.scores.short > i.scores.long ? 'short' : 'long');
  const dir = side === 'long' ? 1 : -1;
  const tick = i.tick;
  const entry = tick === undefined ? v.mid : Math.round(v.mid / tick) * tick;
  const atr = Math.max(v.volatility.atr3s, v.volatility.atr1s * SQRT3);
  const stopFrac = Math.max(opts.stopAtrK * atr, opts.minStopBps / 1e4);
  const rawStop = entry - dir * stopFrac * entry;
  // Outward: a long's stop rounds down, a short's up, so it is never closer than planned.
  const stop = tick === undefined ? rawStop : dir > 0 ? Math.floor(rawStop / tick + EPS) * tick : Math.ceil(rawStop / tick - EPS) * tick;

  const plan = planExits({
    side, entry, stop, minMoveBps: v.fees.minMoveBps, feesBps: i.feesBps, pumpPhase: v.pump.phase,
    regime: i.regime, newsBlock: i.newsBlock ?? false, ...(tick === undefined ? {} : { tick }), ...(opts.exits ? { opts: opts.exits } : {}),
  });
  if (isRefusal(plan)) return { refused: plan.refuse };
  if (i.regime === 'PUMP') return { refused: `regime PUMP (pump ${v.pump.phase}): no signal` };

  const sigma = Math.max(v.volatility.atr1s, v.volatility.atr3s / SQRT3);
  if (!(sigma > 0)) return { refused: 'no micro-volatility measured: the hold time is unknown' };

  const quality = side === 'long' ? i.scores.long : i.scores.short;
  const tier = tierOf(quality, opts);
  if (tier === null) return { refused: `quality ${f2(quality)} below the LOW tier (${opts.tiers.low})` };

  const size = sizeFromRisk({
    equity: i.equity, riskPerTrade: i.riskPerTrade, entry, stop, leverage: i.leverage,
    feesBps: i.feesBps, latencyBufferBps: i.latencyBufferBps, maxSizeUsd: i.maxSizeUsd, lot: i.lot,
  });
  if (size.qty <= 0) return { refused: `no size: ${size.reason ?? 'zero'}` };

  const tp1Dist = Math.abs(plan.tp1 - entry);
  const holdSec = (tp1Dist / entry / sigma) ** 2;
  return {
    id: `${v.instrument}:${side}:${v.ts}`,
    instrument: v.instrument,
    asset: i.asset ?? assetOf(v.instrument),
    side,
    ts: v.ts,
    entry,
    stop,
    tp1: plan.tp1,
    tp2: plan.tp2,
    breakEvenStop: plan.breakEvenStop,
    quality,
    tier,
    conditions: conditionsOf(v, i.scores, side, i.regime),
    suggestedQty: size.qty,
    suggestedNotional: size.notional,
    riskReward: tp1Dist / Math.abs(entry - stop),
    expectedHoldMs: Math.round(holdSec * 1000),
    feesBps: i.feesBps,
    regime: i.regime,
  };
}

// ── limits ───────────────────────────────────────────────────────────────────────────────────

export interface SignalLimitOptions {
  readonly maxConcurrent: number;
  readonly maxPerDay: Readonly<Record<SignalTier, number>>;
  /** Assets that move together: no two open signals on the same side within one group. */
  readonly correlatedGroups: readonly (readonly string[])[];
  /** No new signal on an instrument this long after a losing one closed. */
  readonly lossCooldownMs: number;
}

export const DEFAULT_SIGNAL_LIMITS: SignalLimitOptions = {
  maxConcurrent: 5,
  maxPerDay: { HIGH: 20, MEDIUM: 10, LOW: 5 },
  correlatedGroups: [['BTC', 'ETH']],
  lossCooldownMs: 15 * 60_000,
};

/** What the limits read: the open signals, today's admissions and the last losses (the tracker's `limitState`). */
export interface SignalLimitState {
  readonly open: readonly Pick<Signal, 'id' | 'instrument' | 'asset' | 'side'>[];
  /** Signals opened on the UTC day of the signal being admitted, per tier. */
  readonly today: Readonly<Record<SignalTier, number>>;
  /** Instrument ⇒ when its last losing signal closed. */
  readonly lastLossAt: Readonly<Record<string, number>>;
}

export type Admission = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Returns whether the limits let the signal open, and which limit refuses it if not. */
export function admit(s: Signal, state: SignalLimitState, opts: SignalLimitOptions = DEFAULT_SIGNAL_LIMITS): Admission {
  if (state.open.length >= opts.maxConcurrent) return { ok: false, reason: `max concurrent: ${state.open.length} open ≥ ${opts.maxConcurrent}` };
  const used = state.today[s.tier];
  if (used >= opts.maxPerDay[s.tier]) return { ok: false, reason: `max per day for ${s.tier}: ${used} ≥ ${opts.maxPerDay[s.tier]}` };
  for (const o of state.open) {
    if (o.asset === s.asset) return { ok: false, reason: `correlated: ${o.id} already open on ${s.asset}` };
  }
  const group = opts.correlatedGroups.find((g) => g.includes(s.asset));
  if (group) {
    for (const o of state.open) {
      if (o.side === s.side && group.includes(o.asset)) return { ok: false, reason: `correlated: ${o.id} already ${o.side} in group ${group.join('/')}` };
    }
  }
  const loss = state.lastLossAt[s.instrument];
  if (loss !== undefined && s.ts < loss + opts.lossCooldownMs) {
    return { ok: false, reason: `cooldown after a loss on ${s.instrument}: ${loss + opts.lossCooldownMs - s.ts} ms left` };
  }
  return { ok: true };
}
