/**
 * The report job on the clock: the daily report of each UTC day and the weekly report of each ISO
 * week, written under `<data-dir>/reports/` once the period has ended.
 *
 * A period's report is due at its end + `dailyUtcHour` hours + `graceMs` (default one minute, so
 * a trade closed on the boundary is in the audit first). At start, and at each due time, every
 * period due and not yet written is written, oldest first: the periods after the newest report of
 * that kind on disk; with none on disk, from the period of the oldest trade or signal (at most
 * `maxCatchUp` periods back), and never later than the period holding the first start (so a new
 * data dir gets no empty reports of days before it existed, then one per period). A period is
 * written once: its file's presence is the record. Writing runs on a clock timer, off the trading
 * path; a failure is logged (`report.failed`) and tried again `retryMs` later.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { readTradeAudit, type TradeAuditRow } from '../execution/tradeAudit.ts';
import type { ClosedSignal } from '../strategies/scalper/signalTracker.ts';
import { nextPeriod, periodOf, periodOfLabel, previousPeriod, DAY_MS, WEEK_MS, type Period, type PeriodKind } from './periods.ts';
import { buildReport, type SpreadSeries } from './report.ts';
import type { GeneratedSignal } from './signals.ts';
import { listReports, NODE_IO, removeStaleTemps, reportName, writeReport, type WriteIo } from './writer.ts';

const HOUR_MS = 3_600_000;
const TITLES: Record<PeriodKind, string> = { daily: 'Daily report', weekly: 'Weekly report' };

export interface ReportSchedulerDeps {
  readonly clock: Clock;
  readonly dataDir: string;
  /** UTC hour (0–23) after a period's end at which its report is written (0: right after midnight). */
  readonly dailyUtcHour?: number;
  readonly graceMs?: number;
  /** The closed trades; default: `<data-dir>/trade_audit.csv` (none when missing). */
  readonly rows?: () => readonly TradeAuditRow[];
  /** The scalper's closed signals, when a scalper runs. */
  readonly signals?: () => readonly ClosedSignal[] | undefined;
  readonly generated?: () => readonly GeneratedSignal[] | undefined;
  readonly spreads?: () => readonly SpreadSeries[];
  /** Appends an event-log record (`report.written`, `report.failed`). */
  readonly log?: (type: string, data: Record<string, unknown>) => void;
  readonly logger?: Pick<Logger, 'info' | 'error'>;
  /** Periods of each kind written at most when catching up with no report on disk (default 31 days, 5 weeks). */
  readonly maxCatchUp?: Partial<Record<PeriodKind, number>>;
  readonly retryMs?: number;
  readonly io?: WriteIo;
}

const KINDS: readonly PeriodKind[] = ['daily', 'weekly'];
const LENGTH: Record<PeriodKind, number> = { daily: DAY_MS, weekly: WEEK_MS };
const CATCH_UP: Record<PeriodKind, number> = { daily: 31, weekly: 5 };

/** Writes the daily and weekly reports on the clock. */
export class ReportScheduler {
  private timer: TimerHandle | undefined;
  private running = false;
  /** When the scheduler first started: with no report and no data, periods are written from here on. */
  private startedAt = Infinity;
  private readonly offset: number;

  constructor(private readonly d: ReportSchedulerDeps) {
    const hour = d.dailyUtcHour ?? 0;
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`dailyUtcHour must be an integer 0–23, got ${hour}`);
    this.offset = hour * HOUR_MS + (d.graceMs ?? 60_000);
  }

  /** Clears temp files a crash left, writes every report due and not written, and arms the next run. */
  start(): string[] {
    this.running = true;
    this.startedAt = Math.min(this.startedAt, this.d.clock.now());
    removeStaleTemps(this.d.dataDir);
    return this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Returns the last period of `kind` whose report is due at `now`. */
  lastDue(kind: PeriodKind, now: number): Period {
    return previousPeriod(periodOf(kind, now - this.offset));
  }

  /** Returns when the next report falls due after `now`. */
  nextDueAt(now: number): number {
    return Math.min(...KINDS.map((k) => periodOf(k, now - this.offset).end + this.offset));
  }

  /** Writes every report due at the clock's time and not yet written; returns their names, oldest first per kind. */
  runDue(): string[] {
    const now = this.d.clock.now();
    let rows: readonly TradeAuditRow[] | undefined;
    let signals: readonly ClosedSignal[] | undefined;
    const load = (): void => {
      if (rows) return;
      rows = this.d.rows ? this.d.rows() : readAudit(this.d.dataDir);
      signals = this.d.signals?.();
    };
    const written: string[] = [];
    const onDisk = listReports(this.d.dataDir);
    for (const kind of KINDS) {
      const last = this.lastDue(kind, now);
      let first: Period | undefined;
      const newest = onDisk
        .filter((e) => e.kind === kind)
        .map((e) => periodOfLabel(kind, e.period))
        .reduce<Period | undefined>((m, p) => (p && (!m || p.start > m.start) ? p : m), undefined);
      if (newest) first = nextPeriod(newest);
      else {
        load();
        let oldest = Infinity;
        // A loop, not Math.min(...): the audit may hold more rows than a call takes arguments.
        for (const r of rows!) if (r.closed < oldest) oldest = r.closed;
        for (const s of signals ?? []) if (s.signal.ts < oldest) oldest = s.signal.ts;
        const cap = last.start - ((this.d.maxCatchUp?.[kind] ?? CATCH_UP[kind]) - 1) * LENGTH[kind];
        first = periodOf(kind, Math.max(Math.min(oldest, this.startedAt), cap));
      }
      for (let p = first; p.start <= last.start; p = nextPeriod(p)) {
        load();
        written.push(this.write(p, rows!, signals));
      }
    }
    return written;
  }

  private write(p: Period, rows: readonly TradeAuditRow[], signals: readonly ClosedSignal[] | undefined): string {
    const name = reportName(p.kind, p.label);
    const generated = this.d.generated?.();
    const report = buildReport({
      rows,
      from: p.start,
      to: p.end,
      title: `${TITLES[p.kind]} ${p.label}`,
      ...(signals ? { signals } : {}),
      ...(generated ? { generated } : {}),
      ...(this.d.spreads ? { spreads: this.d.spreads() } : {}),
    });
    writeReport(this.d.dataDir, name, report, this.d.io ?? NODE_IO);
    const o = report.overall;
    this.d.log?.('report.written', { name, kind: p.kind, period: p.label, from: report.from, to: report.to, trades: o.trades, pnl: o.pnl });
    this.d.logger?.info({ name, trades: o.trades, pnl: o.pnl }, 'report written');
    return name;
  }

  private tick(): string[] {
    this.timer = undefined;
    if (!this.running) return [];
    let written: string[] = [];
    let retry = false;
    try {
      written = this.runDue();
    } catch (e) {
      retry = true;
      const err = e instanceof Error ? e.message : String(e);
      this.d.log?.('report.failed', { error: err });
      this.d.logger?.error({ err }, 'writing a report failed; trying again later');
    }
    const now = this.d.clock.now();
    const at = retry ? Math.min(this.nextDueAt(now), now + (this.d.retryMs ?? 60_000)) : this.nextDueAt(now);
    this.timer = this.d.clock.setTimeout(() => this.tick(), at - now);
    return written;
  }
}

function readAudit(dataDir: string): readonly TradeAuditRow[] {
  const path = join(dataDir, 'trade_audit.csv');
  return existsSync(path) ? readTradeAudit(path) : [];
}
