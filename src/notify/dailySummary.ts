/** The daily summary: when it is due and what it says (equity, PnL, the audit's trades of the day). */
import { existsSync } from 'node:fs';
import { addText, decText, parseDec } from '../model/decimal.ts';
import { outcomeOf, readTradeAudit } from '../execution/tradeAudit.ts';
import type { Notice } from './messages.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The numbers a daily summary reports; money as decimal strings. */
export interface DailyNumbers {
  readonly mode: string;
  readonly portfolioState?: string;
  readonly equity?: string;
  /** The ledger's realized PnL since the start of the UTC day. */
  readonly dailyPnl?: string;
  readonly dailyLossLimit?: number;
  /** Trades closed in the 24 hours before the summary, from the trade audit. */
  readonly trades: TradeTally;
}

export interface TradeTally {
  readonly count: number;
  readonly wins: number;
  readonly losses: number;
  readonly pnl: string;
}

/** Returns the first time strictly after `now` at `hour`:00 UTC. */
export function nextDailyAt(now: number, hour: number): number {
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const today = dayStart + hour * HOUR_MS;
  return today > now ? today : today + DAY_MS;
}

/** Returns the tally of the audit's trades closed in (since, until]; a missing file is no trades. */
export function tallyAudit(path: string, since: number, until: number): TradeTally {
  if (!existsSync(path)) return { count: 0, wins: 0, losses: 0, pnl: '0' };
  let count = 0;
  let wins = 0;
  let losses = 0;
  let pnl = '0';
  for (const row of readTradeAudit(path)) {
    if (row.closed <= since || row.closed > until) continue;
    count++;
    const outcome = row.outcome ?? outcomeOf(row.pnl);
    if (outcome === 'win') wins++;
    else if (outcome === 'loss') losses++;
    pnl = addText(pnl, row.pnl) ?? pnl;
  }
  return { count, wins, losses, pnl: tidy(pnl) };
}

/** Returns the daily summary notice for the day ending at `at`. */
export function dailySummaryNotice(n: DailyNumbers, at: number): Notice {
  const day = new Date(at - 1).toISOString().slice(0, 10);
  const t = n.trades;
  const lines = [
    `📊 Fleet daily summary ${day} (${n.mode.toUpperCase()}${n.portfolioState ? `, portfolio ${n.portfolioState}` : ''})`,
    `Equity: ${n.equity !== undefined ? tidy(n.equity) : 'n/a'}`,
    `Realized PnL since 00:00 UTC: ${n.dailyPnl !== undefined ? tidy(n.dailyPnl) : 'n/a'}${n.dailyLossLimit !== undefined ? ` (loss limit ${n.dailyLossLimit})` : ''}`,
    `Trades (24 h): ${t.count}, ${t.wins} won, ${t.losses} lost, PnL ${t.pnl}${t.count ? `, win rate ${Math.round((t.wins / t.count) * 100)}%` : ''}`,
  ];
  return { kind: 'daily_summary', at, text: lines.join('\n'), data: { day, ...n } };
}

function tidy(text: string): string {
  const d = parseDec(text);
  return d ? decText(d) : text;
}
