/**
 * A circuit breaker for one instrument or one venue: closed → open (tripped, with a reason) →
 * probation after the cooldown → closed again once a whole `resumeAfterMs` passes in probation
 * without a trip. The hysteresis keeps a flapping venue out: a trip in probation reopens with the
 * cooldown doubled (up to `maxCooldownMs`); only a clean close resets it. The state is computed
 * from the time passed in, so nothing here runs a timer.
 */

/** Breaker timings and the failure rule that trips it. */
export interface BreakerOptions {
  readonly cooldownMs: number;
  readonly maxCooldownMs: number;
  readonly resumeAfterMs: number;
  /** `failure()` trips after this many failures within `windowMs`. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

export type BreakerStatus = 'closed' | 'open' | 'probation';

/** The persisted form of a breaker (its options come from config). */
export interface BreakerState {
  readonly cooldownMs: number;
  readonly trippedAt?: number;
  readonly reason?: string;
  readonly trips: number;
  readonly failures: number[];
}

/** One breaker; see the file header for its states. */
export class Breaker {
  private cooldownMs: number;
  private trippedAt: number | undefined;
  private lastReason: string | undefined;
  private trips = 0;
  private failures: number[] = [];

  constructor(private readonly options: BreakerOptions) {
    this.cooldownMs = options.cooldownMs;
  }

  /** Returns the state at `now`. */
  state(now: number): BreakerStatus {
    this.settle(now);
    if (this.trippedAt === undefined) return 'closed';
    return now < this.trippedAt + this.cooldownMs ? 'open' : 'probation';
  }

  /** Whether an order may go out at `now`: closed allows all, probation reduce-only, open nothing. */
  allows(now: number, reduceOnly = false): boolean {
    const s = this.state(now);
    return s === 'closed' || (s === 'probation' && reduceOnly);
  }

  /** Returns the reason of the last trip while the breaker is not closed. */
  reason(now: number): string | undefined {
    return this.state(now) === 'closed' ? undefined : this.lastReason;
  }

  /** Returns the time at which the breaker leaves `open` (undefined when not open). */
  openUntil(now: number): number | undefined {
    return this.state(now) === 'open' ? this.trippedAt! + this.cooldownMs : undefined;
  }

  /** The number of trips that opened the breaker since it was made. */
  get tripCount(): number {
    return this.trips;
  }

  /** Trips the breaker; a trip while already open changes nothing, one in probation doubles the cooldown. */
  trip(reason: string, now: number): void {
    const s = this.state(now);
    if (s === 'open') return;
    if (s === 'probation') this.cooldownMs = Math.min(this.cooldownMs * 2, this.options.maxCooldownMs);
    this.trippedAt = now;
    this.lastReason = reason;
    this.trips++;
    this.failures = [];
  }

  /** Counts a failure; trips (and returns true) at `maxFailures` within `windowMs`. */
  failure(now: number): boolean {
    const from = now - this.options.windowMs;
    this.failures = this.failures.filter((t) => t > from);
    this.failures.push(now);
    if (this.failures.length < this.options.maxFailures) return false;
    const n = this.failures.length;
    this.failures = [];
    if (this.state(now) === 'open') return false;
    this.trip(`${n} failures within ${this.options.windowMs} ms`, now);
    return true;
  }

  /** Clears the failure count (a success breaks the run). */
  success(): void {
    this.failures = [];
  }

  /** Returns the persisted form. */
  toJSON(): BreakerState {
    const base = { cooldownMs: this.cooldownMs, trips: this.trips, failures: [...this.failures] };
    return this.trippedAt === undefined ? base : { ...base, trippedAt: this.trippedAt, reason: this.lastReason ?? '' };
  }

  /** Returns a breaker restored from `toJSON()` output with the given options. */
  static from(state: BreakerState, options: BreakerOptions): Breaker {
    const b = new Breaker(options);
    b.cooldownMs = state.cooldownMs;
    b.trippedAt = state.trippedAt;
    b.lastReason = state.reason;
    b.trips = state.trips;
    b.failures = [...state.failures];
    return b;
  }

  /** Closes a breaker whose probation ran out without a trip, resetting the cooldown. */
  private settle(now: number): void {
    if (this.trippedAt === undefined) return;
    if (now >= this.trippedAt + this.cooldownMs + this.options.resumeAfterMs) {
      this.trippedAt = undefined;
      this.lastReason = undefined;
      this.cooldownMs = this.options.cooldownMs;
    }
  }
}
