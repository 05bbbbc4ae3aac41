/**
 * FinalScalpScoreLong and FinalScalpScoreShort, each in [0, 1], from one symbol's feature view.
 *
 * Raw score = Σ weight × part, the parts in [0, 1] and the default weights summing to 1:
 *   imbalance   0.25  max(0, ±imb), imb = 0.6 × zonal + 0.4 × top imbalance (zonal is harder to fake)
 *   walls       0.15  max(0, support − resistance) for the long, the reverse for the short
 *   delta       0.20  max(0, ±deltaRatio) of the aggressive flow
 *   streak      0.05  a same-side aggressor streak, full at 5 trades
 *   large       0.10  net large trades on the side (largeBuys − largeSells), full at 3
 *   volatility  0.15  the expected move over a scalp against the fee move: min(1, moveBps / minMoveBps),
 *                     moveBps = max(atr3s, atr1s × √3) × 10⁴ × moveHorizon (3: about nine 3-s candles)
 *   leverage    0.10  liquidation distance against the stop: 0 at liq ≤ stop, 1 at liq ≥ 3 × stop
 * The first five are directional (mirrored for the short); volatility and leverage count the same
 * for both sides, so a dead-flat book scores at most 0.25 either way.
 *
 * Final = clamp₀₁(raw × Π(1 − penalty) × (1 + profile.scoreAdjust)), penalties in [0, 1]:
 *   pump         by phase, `with` the pump's direction (sign of pump.change) or `against` it:
 *                PREPUMP .1/.4, PUMPING .3/.7, BLOWOFF .9/.5, DUMP .9/.5, COOLDOWN .3/.3 — buying
 *                the top of an up-pump (BLOWOFF) or into its DUMP costs the long the most
 *   spoof        0.8 × spoofingScore × the share of pulled walls on the side that supports the
 *                trade (bids for the long): a support that vanishes is worse than none
 *   news         impact (low .1, medium .4, high 1) × (fresh ? 1 : .3) while the flag is in force
 *   global       GLOBAL_RISK_OFF .3, GLOBAL_PANIC 1
 *   manipulated  1 in the MANIPULATED regime: the symbol is disabled
 * The score is symmetric: a mirrored view (imbalances, flow, walls and pump change negated or
 * swapped) gives exactly swapped scores.
 */
import type { FeatureView, NewsImpact, PumpPhase } from '../../features/types.ts';
import type { GlobalRegimeName, SymbolRegime } from './regime.ts';

export interface ScoreWeights {
  readonly imbalance: number;
  readonly walls: number;
  readonly delta: number;
  readonly streak: number;
  readonly large: number;
  readonly volatility: number;
  readonly leverage: number;
  /** Share of the zonal imbalance in the blended imbalance (the rest is top of book). */
  readonly zonalShare: number;
  /** Streak length and net large-trade count at which those parts saturate. */
  readonly streakFull: number;
  readonly largeFull: number;
  /** 3-s ATRs that make up the expected move of one scalp. */
  readonly moveHorizon: number;
  /** The stop distance the leverage part assumes (bps), and the liq/stop ratio that scores 1. */
  readonly stopBps: number;
  readonly liqSafety: number;
  readonly pump: Readonly<Record<PumpPhase, { readonly with: number; readonly against: number }>>;
  readonly spoof: number;
  readonly news: Readonly<Record<NewsImpact, number>>;
  readonly staleNews: number;
  readonly global: Readonly<Record<GlobalRegimeName, number>>;
}

export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = {
  imbalance: 0.25,
  walls: 0.15,
  delta: 0.2,
  streak: 0.05,
  large: 0.1,
  volatility: 0.15,
  leverage: 0.1,
  zonalShare: 0.6,
  streakFull: 5,
  largeFull: 3,
  moveHorizon: 3,
  stopBps: 25,
  liqSafety: 3,
  pump: {
    NONE: { with: 0, against: 0 },
    PREPUMP: { with: 0.1, against: 0.4 },
    PUMPING: { with: 0.3, against: 0.7 },
    BLOWOFF: { with: 0.9, against: 0.5 },
    DUMP: { with: 0.9, against: 0.5 },
    COOLDOWN: { with: 0.3, against: 0.3 },
  },
  spoof: 0.8,
  news: { low: 0.1, medium: 0.4, high: 1 },
  staleNews: 0.3,
  global: { GLOBAL_NORMAL: 0, GLOBAL_RISK_OFF: 0.3, GLOBAL_PANIC: 1 },
};

export interface ScoreContext {
  readonly regime: SymbolRegime;
  readonly global: GlobalRegimeName;
  /** A symbol profile's adjustment: the score is multiplied by (1 + scoreAdjust). A profile that asks for a higher score (profiles.ts `scoreBoost` ≥ 0) passes its boost negated, or adds it to the thresholds instead. */
  readonly profile?: { readonly scoreAdjust: number };
}

export interface ScalpScores {
  readonly long: number;
  readonly short: number;
  /** Each part in [0, 1] before weighting, plus the raw weighted sums. */
  readonly parts: Record<string, number>;
  /** Each penalty in [0, 1]. */
  readonly penalties: Record<string, number>;
}

const SQRT3 = Math.sqrt(3);
const clamp01 = (x: number): number => (x > 0 ? (x < 1 ? x : 1) : 0);
const pos = (x: number): number => (x > 0 ? x : 0);

/** Returns the long and short scalp scores in [0, 1] with the parts and penalties behind them. */
export function scalpScores(view: FeatureView, ctx: ScoreContext, weights: ScoreWeights = DEFAULT_SCORE_WEIGHTS): ScalpScores {
  const w = weights;
  const { imbalance, walls, flow, volatility, fees, pump, news } = view;

  const imb = w.zonalShare * imbalance.zonal + (1 - w.zonalShare) * imbalance.top;
  const imbalanceLong = clamp01(imb);
  const imbalanceShort = clamp01(-imb);
  const wallsLong = clamp01(walls.supportScore - walls.resistanceScore);
  const wallsShort = clamp01(walls.resistanceScore - walls.supportScore);
  const deltaLong = clamp01(flow.deltaRatio);
  const deltaShort = clamp01(-flow.deltaRatio);
  const streakLong = clamp01(pos(flow.streak) / w.streakFull);
  const streakShort = clamp01(pos(-flow.streak) / w.streakFull);
  const largeLong = clamp01(pos(flow.largeBuys - flow.largeSells) / w.largeFull);
  const largeShort = clamp01(pos(flow.largeSells - flow.largeBuys) / w.largeFull);

  const moveBps = Math.max(volatility.atr3s, volatility.atr1s * SQRT3) * 1e4 * w.moveHorizon;
  const vol = fees.minMoveBps > 0 ? clamp01(moveBps / fees.minMoveBps) : 1;
  const liqBps = fees.liquidationDistance * 1e4;
  const leverage = Number.isNaN(liqBps) ? 0 : clamp01((liqBps - w.stopBps) / ((w.liqSafety - 1) * w.stopBps));

  const shared = w.volatility * vol + w.leverage * leverage;
  const rawLong = w.imbalance * imbalanceLong + w.walls * wallsLong + w.delta * deltaLong + w.streak * streakLong + w.large * largeLong + shared;
  const rawShort = w.imbalance * imbalanceShort + w.walls * wallsShort + w.delta * deltaShort + w.streak * streakShort + w.large * largeShort + shared;

  const phase = w.pump[pump.phase];
  const up = pump.change >= 0;
  const pumpLong = up ? phase.with : phase.against;
  const pumpShort = up ? phase.against : phase.with;
  const pulls = walls.pulled.bid + walls.pulled.ask;
  // Each share divided out on its own (not 1 − the other) so a mirrored book gives the exact same numbers.
  const bidShare = pulls > 0 ? walls.pulled.bid / pulls : 0.5;
  const askShare = pulls > 0 ? walls.pulled.ask / pulls : 0.5;
  const spoofLong = clamp01(w.spoof * walls.spoofingScore * bidShare);
  const spoofShort = clamp01(w.spoof * walls.spoofingScore * askShare);
  const flag = news.flag;
  const newsPenalty = flag !== null && view.ts < flag.until ? clamp01(w.news[flag.impact] * (news.fresh ? 1 : w.staleNews)) : 0;
  const global = clamp01(w.global[ctx.global]);
  const manipulated = ctx.regime === 'MANIPULATED' ? 1 : 0;

  const common = (1 - newsPenalty) * (1 - global) * (1 - manipulated) * (1 + (ctx.profile?.scoreAdjust ?? 0));
  const long = clamp01(rawLong * (1 - pumpLong) * (1 - spoofLong) * common);
  const short = clamp01(rawShort * (1 - pumpShort) * (1 - spoofShort) * common);

  return {
    long,
    short,
    parts: {
      imbalanceLong, imbalanceShort, wallsLong, wallsShort, deltaLong, deltaShort,
      streakLong, streakShort, largeLong, largeShort, volatility: vol, leverage, rawLong, rawShort,
    },
    penalties: { pumpLong, pumpShort, spoofLong, spoofShort, news: newsPenalty, global, manipulated },
  };
}
