/**
 * The pump engine: reads one symbol's price, volume, trade rate and book thinning and names the
 * phase of a pump-and-dump, NONE → PREPUMP → PUMPING → BLOWOFF → DUMP → COOLDOWN → NONE.
 *
 * Phases only move forward in that order (a phase may be skipped: a sharp pump goes straight from
 * NONE to PUMPING, a pump may dump without a blowoff), and go back to NONE only from PREPUMP (it
 * fizzled) and from COOLDOWN (it expired). A fall with no pump before it is not a phase: NONE stays
 * NONE. Thresholds (defaults in DEFAULT_PUMP_OPTIONS):
 *
 * - change: price now against the price `windowMs` (60 s) ago (the oldest sample when the history
 *   is shorter), as a fraction.
 * - NONE → PREPUMP when all of: change ≥ `prepumpPct` (0.5 %), volumeRatio ≥ `prepumpVolumeRatio`
 *   (2), tradesPerSecRatio ≥ `prepumpTradesRatio` (2), bookThinning ≥ `prepumpThinning` (0.2).
 * - PREPUMP → NONE (fizzled) when the change falls to 0 or below, or the PREPUMP conditions have not
 *   held for `fizzleMs` (20 s).
 * - NONE or PREPUMP → PUMPING when change ≥ `pumpPct` (3 %) and volumeRatio ≥ `pumpVolumeRatio` (3).
 *   The price then is the pump's base, and the peak is tracked from there.
 * - PUMPING → BLOWOFF, once PUMPING has lasted `2 × accelMs` (20 s), when either
 *   - the rise accelerates: the last `accelMs` (10 s) rose at least `accelMinPct` (1 %) and at least
 *     `accelMultiple` (2) times as fast as the pump rose from its base before them; or
 *   - volume climaxes while price stalls near the high: volumeRatio ≥ `climaxVolumeRatio` (6), the
 *     price within `nearHighPct` (0.5 %) of the peak and the last `accelMs` moved less than
 *     `stallPct` (0.3 %) either way.
 * - PUMPING or BLOWOFF → DUMP when the price is `dumpPct` (2 %) or more below the peak.
 * - PUMPING or BLOWOFF → COOLDOWN when no new peak for `fadeMs` (120 s): a pump that fades out
 *   without a dump still leaves the symbol suspect.
 * - DUMP → COOLDOWN when no new low for `dumpSettleMs` (10 s).
 * - COOLDOWN → NONE after `cooldownMs` (120 s), whatever the market does meanwhile.
 *
 * Prices are floats (a score's input, never money). The history is a ring of (ts, price) samples at
 * most one per `sampleMs` (250 ms; later prices in the same slot overwrite its price), evicted by
 * time, so memory is bounded by windowMs / sampleMs whatever the tick rate. An input older than the
 * last one, or with a non-positive or non-finite price, is ignored (the view is returned unchanged).
 */
import type { PumpPhase, PumpView } from './types.ts';

/** The phases in the only order they may occur. */
export const PUMP_ORDER: readonly PumpPhase[] = ['NONE', 'PREPUMP', 'PUMPING', 'BLOWOFF', 'DUMP', 'COOLDOWN'];

export interface PumpInput {
  readonly ts: number;
  readonly price: number;
  /** Recent volume / baseline volume. */
  readonly volumeRatio: number;
  /** Recent trades per second / baseline. */
  readonly tradesPerSecRatio: number;
  /** 1 − current top depth / baseline depth, in [0, 1]. */
  readonly bookThinning: number;
}

export interface PumpOptions {
  readonly windowMs: number;
  readonly sampleMs: number;
  readonly prepumpPct: number;
  readonly prepumpVolumeRatio: number;
  readonly prepumpTradesRatio: number;
  readonly prepumpThinning: number;
  readonly fizzleMs: number;
  readonly pumpPct: number;
  readonly pumpVolumeRatio: number;
  readonly accelMs: number;
  readonly accelMinPct: number;
  readonly accelMultiple: number;
  readonly climaxVolumeRatio: number;
  readonly nearHighPct: number;
  readonly stallPct: number;
  readonly dumpPct: number;
  readonly fadeMs: number;
  readonly dumpSettleMs: number;
  readonly cooldownMs: number;
}

export const DEFAULT_PUMP_OPTIONS: PumpOptions = {
  windowMs: 60_000,
  sampleMs: 250,
  prepumpPct: 0.005,
  prepumpVolumeRatio: 2,
  prepumpTradesRatio: 2,
  prepumpThinning: 0.2,
  fizzleMs: 20_000,
  pumpPct: 0.03,
  pumpVolumeRatio: 3,
  accelMs: 10_000,
  accelMinPct: 0.01,
  accelMultiple: 2,
  climaxVolumeRatio: 6,
  nearHighPct: 0.005,
  stallPct: 0.003,
  dumpPct: 0.02,
  fadeMs: 120_000,
  dumpSettleMs: 10_000,
  cooldownMs: 120_000,
};

/** Samples of (ts, price), oldest first, addressed by ever-growing sequence numbers. */
class PriceRing {
  private readonly ts: Float64Array;
  private readonly px: Float64Array;
  private tail = 0; // seq of the oldest sample
  private head = 0; // seq of the next sample
  private cursor = 0; // seq found by the last `at` (times asked only grow)

  constructor(private readonly cap: number) {
    this.ts = new Float64Array(cap);
    this.px = new Float64Array(cap);
  }

  /** Adds a sample, or overwrites the newest one's price when it is younger than `slotMs`. */
  push(ts: number, price: number, slotMs: number): void {
    if (this.head > this.tail && ts - this.ts[(this.head - 1) % this.cap]! < slotMs) {
      this.px[(this.head - 1) % this.cap] = price;
      return;
    }
    if (this.head - this.tail === this.cap) this.tail++;
    this.ts[this.head % this.cap] = ts;
    this.px[this.head % this.cap] = price;
    this.head++;
  }

  /** Drops samples older than the last one at or before `from`, which stays as the reference. */
  evict(from: number): void {
    while (this.head - this.tail >= 2 && this.ts[(this.tail + 1) % this.cap]! <= from) this.tail++;
  }

  /** Returns the price of the oldest sample held. */
  oldest(): number {
    return this.px[this.tail % this.cap]!;
  }

  /** Returns the price of the last sample at or before `t` (the oldest if none); `t` must not decrease. */
  at(t: number): number {
    if (this.cursor < this.tail) this.cursor = this.tail;
    while (this.cursor + 1 < this.head && this.ts[(this.cursor + 1) % this.cap]! <= t) this.cursor++;
    return this.px[this.cursor % this.cap]!;
  }

  clear(): void {
    this.tail = this.head = this.cursor = 0;
  }
}

/** Names the pump phase of one symbol from its price, volume, trade rate and book thinning. */
export class PumpEngine {
  readonly opts: PumpOptions;
  private readonly ring: PriceRing;
  private phase: PumpPhase = 'NONE';
  private since = 0;
  private lastTs = -Infinity;
  private current: PumpView = { phase: 'NONE', since: 0, change: 0 };
  /** Last time the PREPUMP conditions held. */
  private prepumpSeen = 0;
  private base = 0;
  private peak = 0;
  private peakTs = 0;
  private trough = 0;
  private troughTs = 0;

  constructor(opts: Partial<PumpOptions> = {}) {
    this.opts = { ...DEFAULT_PUMP_OPTIONS, ...opts };
    const { windowMs, sampleMs, accelMs } = this.opts;
    if (!(sampleMs > 0) || !(windowMs >= sampleMs)) throw new RangeError('pump windowMs must be at least sampleMs > 0');
    if (!(accelMs > 0) || accelMs > windowMs) throw new RangeError('pump accelMs must be in (0, windowMs]');
    // Samples are at least sampleMs apart and the window keeps one before its start: + 2.
    this.ring = new PriceRing(Math.ceil(windowMs / sampleMs) + 2);
  }

  /** Returns the latest view. */
  get view(): PumpView {
    return this.current;
  }

  /** Feeds one reading and returns the phase it leaves the symbol in. */
  update(input: PumpInput): PumpView {
    const { ts, price } = input;
    if (!(ts >= this.lastTs) || !(price > 0) || !Number.isFinite(price)) return this.current;
    this.lastTs = ts;
    const o = this.opts;
    this.ring.push(ts, price, o.sampleMs);
    this.ring.evict(ts - o.windowMs);
    const ref = this.ring.oldest();
    const change = (price - ref) / ref;
    const recentRef = this.ring.at(ts - o.accelMs);
    const recent = (price - recentRef) / recentRef;

    if (this.phase === 'PUMPING' || this.phase === 'BLOWOFF') {
      if (price > this.peak) {
        this.peak = price;
        this.peakTs = ts;
      }
    } else if (this.phase === 'DUMP' && price < this.trough) {
      this.trough = price;
      this.troughTs = ts;
    }

    switch (this.phase) {
      case 'NONE':
        if (this.pumping(change, input)) this.startPump(ts, price);
        else if (this.prepumping(change, input)) {
          this.prepumpSeen = ts;
          this.enter('PREPUMP', ts);
        }
        break;
      case 'PREPUMP':
        if (this.pumping(change, input)) this.startPump(ts, price);
        else if (this.prepumping(change, input)) this.prepumpSeen = ts;
        else if (change <= 0 || ts - this.prepumpSeen >= o.fizzleMs) this.enter('NONE', ts);
        break;
      case 'PUMPING':
      case 'BLOWOFF':
        if (price <= this.peak * (1 - o.dumpPct)) {
          this.trough = price;
          this.troughTs = ts;
          this.enter('DUMP', ts);
        } else if (ts - this.peakTs >= o.fadeMs) this.enter('COOLDOWN', ts);
        else if (this.phase === 'PUMPING' && this.blowoff(ts, price, recent, recentRef, input.volumeRatio)) this.enter('BLOWOFF', ts);
        break;
      case 'DUMP':
        if (ts - this.troughTs >= o.dumpSettleMs) this.enter('COOLDOWN', ts);
        break;
      case 'COOLDOWN':
        if (ts - this.since >= o.cooldownMs) this.enter('NONE', ts);
        break;
    }
    this.current = { phase: this.phase, since: this.since, change };
    return this.current;
  }

  /** Forgets everything (a resync or a new listing starts from nothing). */
  reset(): void {
    this.ring.clear();
    this.phase = 'NONE';
    this.since = 0;
    this.lastTs = -Infinity;
    this.current = { phase: 'NONE', since: 0, change: 0 };
  }

  private prepumping(change: number, i: PumpInput): boolean {
    const o = this.opts;
    return change >= o.prepumpPct && i.volumeRatio >= o.prepumpVolumeRatio && i.tradesPerSecRatio >= o.prepumpTradesRatio && i.bookThinning >= o.prepumpThinning;
  }

  private pumping(change: number, i: PumpInput): boolean {
    return change >= this.opts.pumpPct && i.volumeRatio >= this.opts.pumpVolumeRatio;
  }

  private blowoff(ts: number, price: number, recent: number, recentRef: number, volumeRatio: number): boolean {
    const o = this.opts;
    const before = ts - o.accelMs - this.since; // how long the pump rose before the recent window
    if (before < o.accelMs) return false;
    const priorRate = (recentRef - this.base) / this.base / before;
    if (recent >= o.accelMinPct && recent / o.accelMs >= o.accelMultiple * Math.max(priorRate, 0)) return true;
    return volumeRatio >= o.climaxVolumeRatio && price >= this.peak * (1 - o.nearHighPct) && Math.abs(recent) < o.stallPct;
  }

  private startPump(ts: number, price: number): void {
    this.base = this.peak = price;
    this.peakTs = ts;
    this.enter('PUMPING', ts);
  }

  private enter(phase: PumpPhase, ts: number): void {
    this.phase = phase;
    this.since = ts;
  }
}
