/**
 * Where one venue's market sits relative to the fair value: it trails the leader by a lag of a
 * few steps, carries a slowly wandering basis (perp premium, spot discount), and now and then
 * dislocates by 8–45 bps for a few seconds before converging, so a cross-venue arbitrage is
 * sometimes worth taking and sometimes gone (or too small after fees) before it can be.
 */
import type { Rng } from '../../core/rng.ts';
import { gaussian } from './random.ts';

const BPS = 1e-4;
const BASIS_REVERSION_PER_S = 1 / 20;
const BASIS_SIGMA_BPS = 0.3; // per √s

interface Dislocation {
  readonly target: number; // log offset at full size
  readonly rampMs: number;
  readonly holdMs: number;
  readonly backMs: number;
  elapsedMs: number;
}

/** One instrument's lag, basis and dislocation relative to the fair value. */
export class VenueOffset {
  private basis: number;
  private disloc: Dislocation | undefined;

  constructor(
    private readonly rng: Rng,
    /** Steps behind the leader. */
    readonly lag: number,
    private readonly basisMean: number,
  ) {
    this.basis = basisMean;
  }

  get dislocated(): boolean {
    return this.disloc !== undefined;
  }

  /** Starts a dislocation of `bps` (signed) that ramps in, holds, then converges. */
  dislocate(bps: number, rampMs: number, holdMs: number, backMs: number): void {
    this.disloc = { target: bps * BPS, rampMs, holdMs, backMs, elapsedMs: 0 };
  }

  /** Advances by `dtMs`; returns true when a dislocation has just converged. */
  step(dtMs: number): boolean {
    const dt = dtMs / 1000;
    this.basis += (this.basisMean - this.basis) * BASIS_REVERSION_PER_S * dt + BASIS_SIGMA_BPS * BPS * Math.sqrt(dt) * gaussian(this.rng);
    const d = this.disloc;
    if (!d) return false;
    d.elapsedMs += dtMs;
    if (d.elapsedMs < d.rampMs + d.holdMs + d.backMs) return false;
    this.disloc = undefined;
    return true;
  }

  /** Returns the log offset from the (lagged) fair value now. */
  logOffset(): number {
    const d = this.disloc;
    if (!d) return this.basis;
    const t = d.elapsedMs;
    let f = 1;
    if (t < d.rampMs) f = t / d.rampMs;
    else if (t > d.rampMs + d.holdMs) f = 1 - (t - d.rampMs - d.holdMs) / d.backMs;
    return this.basis + d.target * f;
  }
}
