/**
 * The clock seam: the only module that reads wall time or arms timers.
 * XState actors receive the same clock through their `clock` option, so a test or a replay
 * drives every delay in the daemon from one place.
 */

export type TimerHandle = unknown;

export interface Clock {
  /** Returns the current time in epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/** The wall clock: real time and real timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return setTimeout(fn, ms);
  }
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return setInterval(fn, ms);
  }
  clearInterval(handle: TimerHandle): void {
    clearInterval(handle as NodeJS.Timeout);
  }
}

/**
 * Wall time sped up `speed` times: an hour of simulated market in a minute at 60×, with real
 * sockets and real timers underneath (each delay shortened by the same factor). Time starts at
 * `start` and moves on from there.
 */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();

  constructor(
    readonly speed: number,
    private readonly start = Date.now(),
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return Math.floor(this.start + (Date.now() - this.realStart) * this.speed);
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return setTimeout(fn, ms / this.speed);
  }
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout);
  }
  setInterval(fn: () => void, ms: number): TimerHandle {
    return setInterval(fn, ms / this.speed);
  }
  clearInterval(handle: TimerHandle): void {
    clearInterval(handle as NodeJS.Timeout);
  }
}

interface ManualTimer {
  id: number;
  due: number;
  fn: () => void;
  every?: number;
}

/**
 * A simulated clock: time moves only when `advance` or `set` is called, and due timers fire in
 * order of due time, then of creation (as real timers do). Used by tests and by replay.
 */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private timers = new Map<number, ManualTimer>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.time + every, fn, every });
    return id;
  }

  clearInterval(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** Returns how many timers are armed. */
  pending(): number {
    return this.timers.size;
  }

  /** Returns the due time of the earliest timer at or before `limit`, if any (a replay steps timer by timer). */
  nextDueAt(limit: number): number | undefined {
    return this.nextDue(limit)?.due;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.set(this.time + ms);
  }

  /** Moves time to `target` (never backwards), firing due timers in order. */
  set(target: number): void {
    if (target < this.time) throw new RangeError(`ManualClock cannot go back from ${this.time} to ${target}`);
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.time = next.due;
      if (next.every !== undefined) next.due += next.every;
      else this.timers.delete(next.id);
      next.fn();
    }
    this.time = target;
  }

  private nextDue(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers.values()) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    }
    return best;
  }
}

/**
 * One-shot timers on a clock that a component owns and stops together: after `stop()` nothing
 * pending fires and nothing new is armed (a component shutting down must not act afterwards).
 */
export class Timers {
  private readonly pending = new Set<TimerHandle>();
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` after `ms` (at once when negative), unless stopped first. */
  later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = this.clock.setTimeout(() => {
      this.pending.delete(t);
      if (!this.stopped) fn();
    }, Math.max(0, ms));
    this.pending.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.pending) this.clock.clearTimeout(t);
    this.pending.clear();
  }
}
