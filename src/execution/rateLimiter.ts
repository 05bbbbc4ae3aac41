/**
 * The limiter every REST request passes before it leaves: venue limits are data (buckets with a
 * window and an endpoint → weight table, see `adapters/<venue>/limits.ts`), and one limiter per
 * venue account enforces all buckets an endpoint draws on at once (linked limits). Waiting is
 * FIFO per priority class; cancels form their own class and are always served first, because a
 * cancel stuck behind new orders is how a rate limit turns into a loss. Time and timers come from
 * the injected clock only.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import { ErrorCodes, FleetError } from '../core/errors.ts';

/** How a venue counts a window: `sliding` (rolling, the last N ms) or `fixed` (resets on epoch-aligned boundaries). */
export type WindowKind = 'sliding' | 'fixed';

export interface BucketSpec {
  readonly id: string;
  /** Weight (or request count) allowed per window. */
  readonly limit: number;
  readonly windowMs: number;
  readonly kind: WindowKind;
  /** Separate counters per scope value (OKX "UID + instrument ID"), else one counter. */
  readonly perScope?: boolean;
  /** Weight of this bucket that only cancels may use, so opens can never starve them. */
  readonly cancelReserve?: number;
}

export type Priority = 'cancel' | 'normal';

export interface EndpointSpec {
  /** Weight drawn from each bucket this endpoint counts against. */
  readonly costs: Readonly<Record<string, number>>;
  /** `cancel` jumps every queued `normal` request. Default `normal`. */
  readonly priority?: Priority;
}

export interface VenueRateLimits {
  readonly venue: string;
  /** The documentation pages the numbers come from. */
  readonly sources: readonly string[];
  readonly buckets: readonly BucketSpec[];
  readonly endpoints: Readonly<Record<string, EndpointSpec>>;
}

export interface AcquireOptions {
  /** Scope for `perScope` buckets (e.g. the instrument id). */
  readonly scope?: string;
  /** Multiplies every cost (batch endpoints that charge per item). */
  readonly times?: number;
}

interface Counter {
  /** Sliding: (ts, weight) in time order. */
  log: { ts: number; w: number }[];
  /** Fixed: the current window start and its use. */
  windowStart: number;
  used: number;
}

interface Waiter {
  readonly key: string;
  readonly spec: EndpointSpec;
  readonly scope: string;
  readonly times: number;
  readonly resolve: () => void;
}

const GLOBAL = '';

export class RateLimiter {
  private readonly buckets = new Map<string, BucketSpec>();
  private readonly counters = new Map<string, Counter>();
  private readonly cancels: Waiter[] = [];
  private readonly normals: Waiter[] = [];
  private blockedUntil = 0;
  private timer: TimerHandle | undefined;
  private timerDue = Infinity;

  constructor(
    readonly limits: VenueRateLimits,
    private readonly clock: Clock,
  ) {
    for (const b of limits.buckets) {
      if (!(b.limit > 0) || !(b.windowMs > 0)) throw new RangeError(`bucket ${b.id}: limit and window must be positive`);
      this.buckets.set(b.id, b);
    }
    for (const [key, e] of Object.entries(limits.endpoints)) {
      for (const id of Object.keys(e.costs)) {
        if (!this.buckets.has(id)) throw new RangeError(`endpoint ${key}: unknown bucket ${id}`);
      }
    }
  }

  /** Resolves when the request may be sent; its weight is counted at that moment. */
  acquire(endpointKey: string, opts: AcquireOptions = {}): Promise<void> {
    const spec = this.limits.endpoints[endpointKey];
    if (!spec) {
      return Promise.reject(new FleetError(ErrorCodes.BAD_ARGUMENTS, `${this.limits.venue}: no rate limit entry for endpoint ${endpointKey}`));
    }
    const times = opts.times ?? 1;
    for (const [id, cost] of Object.entries(spec.costs)) {
      const b = this.buckets.get(id)!;
      if (cost * times > b.limit) {
        return Promise.reject(new FleetError(ErrorCodes.BAD_ARGUMENTS, `${this.limits.venue}: ${endpointKey} costs ${cost * times} > ${id} limit ${b.limit}`));
      }
    }
    return new Promise<void>((resolve) => {
      const w: Waiter = { key: endpointKey, spec, scope: opts.scope ?? GLOBAL, times, resolve };
      (spec.priority === 'cancel' ? this.cancels : this.normals).push(w);
      this.pump();
    });
  }

  /** Blocks every request until `retryAfterMs` from now (after a 429 or 418). */
  penalize(retryAfterMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + Math.max(0, retryAfterMs));
    this.pump();
  }

  /** Returns the fraction of each bucket still free now (per scope for scoped buckets: the tightest). */
  headroom(): Record<string, number> {
    const now = this.clock.now();
    const out: Record<string, number> = {};
    for (const b of this.buckets.values()) out[b.id] = 1;
    for (const [ck, c] of this.counters) {
      const id = ck.slice(0, ck.indexOf('\u0000'));
      const b = this.buckets.get(id)!;
      const left = Math.max(0, 1 - this.used(b, c, now) / b.limit);
      out[id] = Math.min(out[id] ?? 1, left);
    }
    return out;
  }

  /** Returns how many requests are waiting. */
  pending(): number {
    return this.cancels.length + this.normals.length;
  }

  /** Returns the time until the limiter's penalty ends (0 when not penalized). */
  penaltyLeftMs(): number {
    return Math.max(0, this.blockedUntil - this.clock.now());
  }

  private pump(): void {
    const now = this.clock.now();
    if (now < this.blockedUntil) return this.arm(this.blockedUntil);
    let wake = Infinity;
    // Cancels first, FIFO among themselves.
    while (this.cancels.length > 0) {
      const w = this.cancels[0]!;
      const at = this.readyAt(w, now);
      if (at > now) {
        wake = Math.min(wake, at);
        break;
      }
      this.take(w, now);
      this.cancels.shift();
      w.resolve();
    }
    // Opens go only while they do not touch a bucket a waiting cancel needs; FIFO (the head blocks the rest).
    const cancelBuckets = new Set(this.cancels.flatMap((c) => Object.keys(c.spec.costs)));
    while (this.normals.length > 0) {
      const w = this.normals[0]!;
      if (Object.keys(w.spec.costs).some((id) => cancelBuckets.has(id))) break;
      const at = this.readyAt(w, now);
      if (at > now) {
        wake = Math.min(wake, at);
        break;
      }
      this.take(w, now);
      this.normals.shift();
      w.resolve();
    }
    if (wake < Infinity) this.arm(wake);
  }

  private arm(at: number): void {
    if (this.timer !== undefined && this.timerDue <= at) return;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timerDue = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      this.pump();
    }, at - this.clock.now());
  }

  /** Returns the earliest time every bucket of `w` has room (now if it has room now). */
  private readyAt(w: Waiter, now: number): number {
    let at = now;
    for (const [id, cost] of Object.entries(w.spec.costs)) {
      const b = this.buckets.get(id)!;
      const c = this.counter(b, w.scope);
      const cap = w.spec.priority === 'cancel' ? b.limit : b.limit - (b.cancelReserve ?? 0);
      at = Math.max(at, this.freeAt(b, c, now, cost * w.times, cap));
    }
    return at;
  }

  private freeAt(b: BucketSpec, c: Counter, now: number, cost: number, cap: number): number {
    if (b.kind === 'fixed') {
      const start = Math.floor(now / b.windowMs) * b.windowMs;
      const used = c.windowStart === start ? c.used : 0;
      return used + cost <= cap ? now : start + b.windowMs;
    }
    this.expire(b, c, now);
    let used = c.log.reduce((s, e) => s + e.w, 0);
    if (used + cost <= cap) return now;
    // An entry counted at ts stops counting at ts + window: walk the log until enough has expired.
    for (const e of c.log) {
      used -= e.w;
      if (used + cost <= cap) return e.ts + b.windowMs;
    }
    return now + b.windowMs;
  }

  private take(w: Waiter, now: number): void {
    for (const [id, cost] of Object.entries(w.spec.costs)) {
      const b = this.buckets.get(id)!;
      const c = this.counter(b, w.scope);
      const weight = cost * w.times;
      if (b.kind === 'fixed') {
        const start = Math.floor(now / b.windowMs) * b.windowMs;
        if (c.windowStart !== start) {
          c.windowStart = start;
          c.used = 0;
        }
        c.used += weight;
      } else {
        c.log.push({ ts: now, w: weight });
      }
    }
  }

  private used(b: BucketSpec, c: Counter, now: number): number {
    if (b.kind === 'fixed') return c.windowStart === Math.floor(now / b.windowMs) * b.windowMs ? c.used : 0;
    this.expire(b, c, now);
    return c.log.reduce((s, e) => s + e.w, 0);
  }

  private expire(b: BucketSpec, c: Counter, now: number): void {
    let i = 0;
    while (i < c.log.length && c.log[i]!.ts + b.windowMs <= now) i++;
    if (i > 0) c.log.splice(0, i);
  }

  private counter(b: BucketSpec, scope: string): Counter {
    const key = `${b.id}\u0000${b.perScope ? scope : GLOBAL}`;
    let c = this.counters.get(key);
    if (!c) {
      c = { log: [], windowStart: -Infinity, used: 0 };
      this.counters.set(key, c);
    }
    return c;
  }
}
