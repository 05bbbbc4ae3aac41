/** The daemon's notifier: wired to the event log, the actors' contexts, the ledger and the trade audit. */
import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { NotifyConfig } from '../config/schema.ts';
import type { EventLog } from '../runtime/eventLog.ts';
import type { ActorRuntime } from '../runtime/actorRuntime.ts';
import { tallyAudit } from './dailySummary.ts';
import { Notifier } from './notifier.ts';

const DAY_MS = 86_400_000;

export interface DaemonNotifierDeps {
  readonly config: NotifyConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly eventLog: EventLog;
  readonly runtime: ActorRuntime;
  readonly dataDir: string;
  /** The ledger's numbers (absent when no venue trades). */
  readonly numbers: () => { readonly equity: string; readonly dailyPnl: string } | undefined;
  readonly mode: () => string;
  readonly dailyLossLimit: () => number;
}

/** Returns a started notifier following the event log; one with no channel enabled does nothing. */
export function startDaemonNotifier(d: DaemonNotifierDeps): Notifier {
  const notifier = new Notifier({
    config: d.config,
    clock: d.clock,
    logger: d.logger.child({ component: 'notify' }),
    log: (type, data) => void d.eventLog.append({ type, data }),
    summary: (until) => {
      const n = d.numbers();
      const portfolioState = d.runtime.list().find((a) => a.id === 'portfolio')?.state;
      return {
        mode: d.mode(),
        ...(portfolioState ? { portfolioState } : {}),
        ...(n ? { equity: n.equity, dailyPnl: n.dailyPnl } : {}),
        dailyLossLimit: d.dailyLossLimit(),
        trades: tallyAudit(join(d.dataDir, 'trade_audit.csv'), until - DAY_MS, until),
      };
    },
  });
  notifier.watch(d.eventLog.committed$, (id) => d.runtime.snapshot(id)?.context as Record<string, unknown> | undefined);
  notifier.start();
  if (notifier.channels.length) d.logger.info({ channels: notifier.channels, dailySummaryUtcHour: d.config.dailySummaryUtcHour }, 'notifications on');
  return notifier;
}
