/**
 * The per-day summary retention keeps in `store.meta` (`retention.day.<YYYY-MM-DD>`, UTC) before it
 * deletes any record of that day: what happened, in numbers, once the raw records are gone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { addText } from '../model/decimal.ts';
import { outcomeOf, readTradeAudit, type TradeAuditRow } from '../execution/tradeAudit.ts';
import type { EventRecord } from './eventLog.ts';

export const DAY_MS = 86_400_000;
export const SUMMARY_KEY_PREFIX = 'retention.day.';

export interface TradeDay {
  count: number;
  wins: number;
  losses: number;
  flat: number;
  /** Sums of the audit's decimal strings, exact. */
  pnl: string;
  fees: string;
  byStrategy: Record<string, { count: number; pnl: string }>;
}

export interface DaySummary {
  readonly day: string;
  /** When the summary was built (clock ms). */
  readonly builtAt: number;
  /** Records of the day in the log when the summary was built, in all and per type. */
  readonly records: number;
  readonly counts: Record<string, number>;
  /** Trades closed that day, from trade_audit.csv. */
  readonly trades: TradeDay;
  readonly signals: { emitted: number; closed: number; byOutcome: Record<string, number> };
  /** `symbol.regime` records (a symbol's regime changed) and `symbol.pump` ones (its pump phase). */
  readonly regimeChanges: number;
  readonly pumpPhaseChanges: number;
  readonly errors: { total: number; byType: Record<string, number> };
  /** Records of the day deleted so far, per type (grows with each pass). */
  removed: Record<string, number>;
}

/** Returns the UTC day (`YYYY-MM-DD`) of an epoch ms. */
export function dayOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

/** Returns the epoch ms at which a UTC day starts. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** Returns true for records counted as errors: failures, alerts, a connector down, a crash. */
export function isErrorType(type: string): boolean {
  return (
    type.endsWith('failed') ||
    type === 'alert' ||
    type === 'connector.down' ||
    type === 'INTEGRITY_BROKEN' ||
    type === 'actor.crashed' ||
    type === 'supervisor.escalated'
  );
}

/** Accumulates a day's records into a summary. */
export class DaySummaryBuilder {
  private records = 0;
  private readonly counts: Record<string, number> = {};
  private readonly signals = { emitted: 0, closed: 0, byOutcome: {} as Record<string, number> };
  private regimeChanges = 0;
  private pumpPhaseChanges = 0;
  private readonly errors = { total: 0, byType: {} as Record<string, number> };

  constructor(private readonly day: string) {}

  add(r: EventRecord): void {
    this.records++;
    bump(this.counts, r.type);
    if (r.type === 'signal.emitted') this.signals.emitted++;
    else if (r.type === 'signal.closed') {
      this.signals.closed++;
      const outcome = (r.data as { outcome?: unknown } | undefined)?.outcome;
      bump(this.signals.byOutcome, typeof outcome === 'string' ? outcome : 'unknown');
    } else if (r.type === 'symbol.regime') this.regimeChanges++;
    else if (r.type === 'symbol.pump') this.pumpPhaseChanges++;
    if (isErrorType(r.type)) {
      this.errors.total++;
      bump(this.errors.byType, r.type);
    }
  }

  build(builtAt: number, trades: TradeDay): DaySummary {
    return {
      day: this.day,
      builtAt,
      records: this.records,
      counts: this.counts,
      trades,
      signals: this.signals,
      regimeChanges: this.regimeChanges,
      pumpPhaseChanges: this.pumpPhaseChanges,
      errors: this.errors,
      removed: {},
    };
  }
}

/** Returns the closed trades of `<dataDir>/trade_audit.csv` grouped by the UTC day they closed. */
export function tradesByDay(dataDir: string): Map<string, TradeDay> {
  const path = join(dataDir, 'trade_audit.csv');
  const out = new Map<string, TradeDay>();
  if (!existsSync(path)) return out;
  for (const row of readTradeAudit(path)) addTrade(out, row);
  return out;
}

/** Returns a day with no trades. */
export function noTrades(): TradeDay {
  return { count: 0, wins: 0, losses: 0, flat: 0, pnl: '0', fees: '0', byStrategy: {} };
}

function addTrade(days: Map<string, TradeDay>, row: TradeAuditRow): void {
  const day = dayOf(row.closed);
  let t = days.get(day);
  if (!t) days.set(day, (t = noTrades()));
  t.count++;
  const outcome = row.outcome ?? outcomeOf(row.pnl);
  if (outcome === 'win') t.wins++;
  else if (outcome === 'loss') t.losses++;
  else t.flat++;
  t.pnl = addText(t.pnl, row.pnl) ?? t.pnl;
  t.fees = addText(t.fees, row.fees) ?? t.fees;
  const s = (t.byStrategy[row.strategy] ??= { count: 0, pnl: '0' });
  s.count++;
  s.pnl = addText(s.pnl, row.pnl) ?? s.pnl;
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}
