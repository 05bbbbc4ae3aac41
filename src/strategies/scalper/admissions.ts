/**
 * What the admission limits (signals.ts `admit`) count: the entries of the current UTC day per
 * tier and each instrument's last losing close. SIGNAL mode's tracker and the trading modes'
 * scalps keep one each, persisted with their owner.
 */
import type { Signal, SignalLimitState, SignalTier } from './signals.ts';

const DAY_MS = 86_400_000;

export interface AdmissionCountsJSON {
  readonly day: number;
  readonly today: Readonly<Record<SignalTier, number>>;
  readonly lastLossAt: Readonly<Record<string, number>>;
}

const zero = (): Record<SignalTier, number> => ({ HIGH: 0, MEDIUM: 0, LOW: 0 });

/** Entries per UTC day and tier, and each instrument's last loss. */
export class AdmissionCounts {
  private day = -1;
  private today = zero();
  private readonly lastLoss = new Map<string, number>();

  /** Returns what `admit` reads for an entry at `ts`, with what is open now. */
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

  toJSON(): AdmissionCountsJSON {
    return { day: this.day, today: { ...this.today }, lastLossAt: Object.fromEntries(this.lastLoss) };
  }

  static from(j: AdmissionCountsJSON | undefined): AdmissionCounts {
    const t = new AdmissionCounts();
    if (!j) return t;
    t.day = j.day;
    t.today = { ...zero(), ...j.today };
    for (const [k, v] of Object.entries(j.lastLossAt)) t.lastLoss.set(k, v);
    return t;
  }
}
