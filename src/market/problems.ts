/**
 * Bad input from a venue is counted always and reported once per burst: the first occurrence of
 * a kind is logged at once, later ones are summed and reported at most every `quietMs`. A flood of
 * malformed frames costs a counter increment each, not a log line each.
 */
import type { Clock } from '../core/clock.ts';

export interface ProblemReport {
  readonly kind: string;
  readonly detail: string;
  /** Occurrences since the last report (1 for the first). */
  readonly count: number;
}

export class ProblemCounter {
  readonly totals = new Map<string, number>();
  private readonly pending = new Map<string, { count: number; detail: string; lastReport: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly report: (r: ProblemReport) => void,
    private readonly quietMs = 10_000,
  ) {}

  /** Counts one problem and reports it if the kind has been quiet long enough. */
  add(kind: string, detail: string): void {
    this.totals.set(kind, (this.totals.get(kind) ?? 0) + 1);
    const now = this.clock.now();
    const p = this.pending.get(kind);
    if (!p) {
      this.pending.set(kind, { count: 0, detail, lastReport: now });
      this.report({ kind, detail, count: 1 });
      return;
    }
    p.count++;
    p.detail = detail;
    if (now - p.lastReport >= this.quietMs) this.flushKind(kind, now);
  }

  /** Reports every kind with unreported occurrences (called on a timer and at shutdown). */
  flush(): void {
    const now = this.clock.now();
    for (const kind of this.pending.keys()) this.flushKind(kind, now);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }

  private flushKind(kind: string, now: number): void {
    const p = this.pending.get(kind);
    if (!p || p.count === 0) return;
    this.report({ kind, detail: p.detail, count: p.count });
    p.count = 0;
    p.lastReport = now;
  }
}
