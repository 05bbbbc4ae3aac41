/**
 * Mid-price volatility for the latency buffer and the volatility filter, per second so that mids
 * arriving at irregular times compare: each log return r over dt seconds contributes r² / dt (the
 * variance per second a random walk would show), folded into an EWMA whose weight follows elapsed
 * time: α = 1 − 2^(−dt / halfLife), so a quiet gap counts as much as the ticks it replaces. The
 * first return seeds the average (no bias toward zero). Reported as √variance × 1e4: bps per √s.
 */

/** An EWMA of squared log returns per second of one mid price series. */
export class MidVolatility {
  private variance = 0;
  private count = 0;
  private lastTs = NaN;
  private lastMid = NaN;
  // The state before the last fold, so a second mid at the same timestamp replaces the first.
  private prevVariance = 0;
  private prevCount = 0;
  private prevTs = NaN;
  private prevMid = NaN;

  constructor(private readonly halfLifeMs: number) {
    if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be positive, got ${halfLifeMs}`);
  }

  /** Returns how many returns have been folded in. */
  get samples(): number {
    return this.count;
  }

  /** Folds in a mid seen at `ts` (ms); ignores non-positive or non-finite mids and timestamps going back. */
  update(ts: number, mid: number): void {
    if (!(mid > 0) || !Number.isFinite(mid) || !Number.isFinite(ts)) return;
    if (Number.isNaN(this.lastTs)) {
      this.lastTs = ts;
      this.lastMid = mid;
      return;
    }
    if (ts < this.lastTs) return;
    if (ts === this.lastTs) {
      // Same timestamp: only the latest mid counts, so undo the fold that ended here and redo it.
      this.lastMid = mid;
      if (Number.isNaN(this.prevTs)) return;
      this.variance = this.prevVariance;
      this.count = this.prevCount;
      this.fold(this.prevTs, this.prevMid, ts, mid);
      return;
    }
    this.prevVariance = this.variance;
    this.prevCount = this.count;
    this.prevTs = this.lastTs;
    this.prevMid = this.lastMid;
    this.fold(this.lastTs, this.lastMid, ts, mid);
    this.lastTs = ts;
    this.lastMid = mid;
  }

  /** Returns the volatility in bps per √second; NaN before the first return. */
  bpsPerSqrtSec(): number {
    return this.count === 0 ? NaN : Math.sqrt(this.variance) * 1e4;
  }

  private fold(fromTs: number, fromMid: number, ts: number, mid: number): void {
    const dtMs = ts - fromTs;
    const r = Math.log(mid / fromMid);
    const perSec = (r * r) / (dtMs / 1000);
    const alpha = this.count === 0 ? 1 : 1 - 2 ** (-dtMs / this.halfLifeMs);
    this.variance += alpha * (perSec - this.variance);
    this.count++;
  }
}
