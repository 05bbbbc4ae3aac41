/**
 * The scalper's config (`scalper.*`) as the options the pure parts take, and the admission
 * counts of the trading modes (the same limits as SIGNAL mode's: concurrent, per day per tier,
 * correlation, cooldown after a loss), kept across restarts.
 */
import type { FleetConfig } from '../../config/schema.ts';
import { DEFAULT_EXIT_OPTIONS, type ExitOptions } from './tpsl.ts';
import type { Signal, SignalLimitOptions, SignalLimitState, SignalOptions, SignalTier } from './signals.ts';

type ScalperConfig = FleetConfig['scalper'];

const DAY_MS = 86_400_000;

/** Returns the exit options of the config. */
export function exitOptions(s: ScalperConfig): ExitOptions {
  const e = s.exits;
  return { ...DEFAULT_EXIT_OPTIONS, tp1R: e.tp1R, tp2R: e.tp2R, tp2OverTp1: e.tp2OverTp1, breakEvenBuffer: e.breakEvenBuffer, trailBps: e.trailBps, minTrailBps: e.minTrailBps };
}

/** Returns the signal options (stop, tiers, exits) of the config. */
export function signalOptions(s: ScalperConfig): SignalOptions {
  return { stopAtrK: s.signals.stopAtrK, minStopBps: s.signals.minStopBps, tiers: s.signals.tiers, exits: exitOptions(s) };
}

/** Returns the admission limits of the config. */
export function limitOptions(s: ScalperConfig): SignalLimitOptions {
  return { maxConcurrent: s.signals.maxConcurrent, maxPerDay: s.signals.maxPerDay, correlatedGroups: s.signals.correlatedGroups, lossCooldownMs: s.signals.lossCooldownMs };
}

export interface TradeLimitsJSON {
  readonly day: number;
  readonly today: Readonly<Record<SignalTier, number>>;
  readonly lastLossAt: Readonly<Record<string, number>>;
}

const zero = (): Record<SignalTier, number> => ({ HIGH: 0, MEDIUM: 0, LOW: 0 });

/** Counts of the trading modes' entries per UTC day and tier, and each instrument's last loss. */
export class TradeLimits {
  private day = -1;
  private today = zero();
  private readonly lastLoss = new Map<string, number>();

  /** Returns what `admit` reads, with the scalps open now. */
  state(ts: number, open: SignalLimitState['open']): SignalLimitState {
    const today = Math.floor(ts / DAY_MS) === this.day ? { ...this.today } : zero();
    return { open, today, lastLossAt: Object.fromEntries(this.lastLoss) };
  }

  /** Counts an entry sent. */
  entered(s: Pick<Signal, 'tier' | 'ts'>): void {
    const day = Math.floor(s.ts / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.today = zero();
    }
    this.today[s.tier] += 1;
  }

  /** Notes a losing close. */
  lost(instrument: string, ts: number): void {
    this.lastLoss.set(instrument, ts);
  }

  toJSON(): TradeLimitsJSON {
    return { day: this.day, today: { ...this.today }, lastLossAt: Object.fromEntries(this.lastLoss) };
  }

  static from(j: TradeLimitsJSON | undefined): TradeLimits {
    const t = new TradeLimits();
    if (!j) return t;
    t.day = j.day;
    t.today = { ...zero(), ...j.today };
    for (const [k, v] of Object.entries(j.lastLossAt)) t.lastLoss.set(k, v);
    return t;
  }
}
