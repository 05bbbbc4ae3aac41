/**
 * The arbitrage trades' books: each finished saga that traded becomes one `trade_audit.csv` row
 * (fsynced, never twice) and counts in the metrics, which are kept in the store across restarts.
 * Decisions count too: opportunities taken per route and declines by reason.
 */
import type { Store } from '../../runtime/store.ts';
import type { TradeAudit, TradeAuditRow } from '../../execution/tradeAudit.ts';
import type { TwoLegContext } from '../../../machines/twoLeg.machine.ts';
import { ArbMetrics } from './metrics.ts';
import { auditRow } from './trade.ts';

const METRICS_KEY = 'arbitrage.metrics';

export class TradeBook {
  metrics = new ArbMetrics();
  constructor(
    private readonly store: Store,
    /** The data dir's trade_audit.csv, shared with the scalper (the daemon opens and closes it). */
    private readonly audit: TradeAudit,
  ) {}

  /** Restores the metrics. */
  async open(): Promise<void> {
    const saved = await this.store.meta.get(METRICS_KEY);
    if (saved) this.metrics = ArbMetrics.from(JSON.parse(saved));
  }

  /** Records a finished saga that traded; returns its row, or undefined when nothing filled or it was recorded before. */
  record(ctx: TwoLegContext, now: number): TradeAuditRow | undefined {
    // A saga that ended on a timer (no event time) closed now.
    const row = auditRow({ ...ctx, closedAt: ctx.closedAt ?? now });
    if (!row || !this.audit.append(row)) return undefined;
    this.metrics.recordTrade(row);
    void this.save().catch(() => undefined);
    return row;
  }

  async close(): Promise<void> {
    await this.save();
  }

  private save(): Promise<void> {
    return this.store.meta.put(METRICS_KEY, JSON.stringify(this.metrics.toJSON()));
  }
}
