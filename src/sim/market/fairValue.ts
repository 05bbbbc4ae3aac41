/**
 * The fair value of one asset: a random walk in log price whose volatility switches between
 * regimes (calm, normal, wild) with a small probability each step, plus whatever drift, extra
 * volatility or jump the running scenario asks for. A short history lets venues trail it (lead–lag).
 */
import type { Rng } from '../../core/rng.ts';
import { chance, gaussian } from './random.ts';
import type { SimAsset } from './universe.ts';

export type Regime = 'calm' | 'normal' | 'wild';

/** Volatility multiplier per regime. */
export const REGIME_VOL: Readonly<Record<Regime, number>> = { calm: 0.4, normal: 1, wild: 3 };
/** Trade-intensity multiplier per regime. */
export const REGIME_ACTIVITY: Readonly<Record<Regime, number>> = { calm: 0.5, normal: 1, wild: 2.5 };

/** What a scenario asks of one asset for the current step; reset to neutral before every step. */
export interface AssetConditions {
  /** Log return per second added to the walk. */
  drift: number;
  volMult: number;
  activity: number;
  /** Multipliers on the size of bid / ask levels being (re)quoted. */
  bidDepth: number;
  askDepth: number;
  /** Added to the probability that a taker buys. */
  flowBias: number;
  /** A one-off log move this step (news). */
  jump: number;
  /** A regime the scenario imposes, undefined to let regimes switch on their own. */
  regime: Regime | undefined;
  /** Spoof walls per second per instrument. */
  spoofRate: number;
}

/** Returns conditions that change nothing. */
export function neutralConditions(): AssetConditions {
  return { drift: 0, volMult: 1, activity: 1, bidDepth: 1, askDepth: 1, flowBias: 0, jump: 0, regime: undefined, spoofRate: 0 };
}

/** The longest lag (in steps) a venue may trail the fair value by. */
export const MAX_LAG = 31;
const SECONDS_PER_YEAR = 31_536_000;
const MEAN_REGIME_SECONDS = 60;

/** One asset's fair-value process. */
export class FairValue {
  regime: Regime = 'normal';
  /** The last step's log return. */
  lastReturn = 0;
  /** The last step's volatility (standard deviation of a step's log return, before jumps). */
  stepSigma = 0;
  private x: number;
  private readonly hist = new Float64Array(MAX_LAG + 1);
  private head = 0;

  constructor(
    readonly asset: SimAsset,
    private readonly rng: Rng,
  ) {
    this.x = Math.log(asset.price);
    this.hist.fill(this.x);
  }

  /** Returns the fair value now. */
  value(): number {
    return Math.exp(this.x);
  }

  /** Returns the log fair value `lag` steps ago (at most MAX_LAG). */
  logAt(lag: number): number {
    return this.hist[(this.head - Math.min(lag, MAX_LAG) + this.hist.length) % this.hist.length]!;
  }

  /** Advances by `dt` seconds; returns a note when the regime changed. */
  step(dt: number, cond: AssetConditions): string | undefined {
    const before = this.regime;
    if (cond.regime) this.regime = cond.regime;
    else if (chance(this.rng, dt / MEAN_REGIME_SECONDS)) this.regime = this.nextRegime();
    this.stepSigma = (this.asset.vol / Math.sqrt(SECONDS_PER_YEAR)) * REGIME_VOL[this.regime] * cond.volMult * Math.sqrt(dt);
    this.lastReturn = cond.drift * dt + this.stepSigma * gaussian(this.rng) + cond.jump;
    this.x += this.lastReturn;
    this.head = (this.head + 1) % this.hist.length;
    this.hist[this.head] = this.x;
    return this.regime === before ? undefined : `regime: ${this.asset.name} ${this.regime}`;
  }

  private nextRegime(): Regime {
    if (this.regime !== 'normal') return 'normal';
    return chance(this.rng, 0.6) ? 'calm' : 'wild';
  }
}
