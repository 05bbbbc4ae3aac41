/** When the daily summary is due, and the trade tally it reads from the audit. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TRADE_AUDIT_HEADER, formatAuditRow, type TradeAuditRow } from '../../src/execution/tradeAudit.ts';
import { dailySummaryNotice, nextDailyAt, tallyAudit } from '../../src/notify/dailySummary.ts';
import { tempDir } from '../helpers.ts';

const tmp = tempDir('fleet-notify-');
afterAll(() => tmp.cleanup());

const H = 3_600_000;
const DAY = 24 * H;
const D0 = Date.UTC(2024, 4, 1);

describe('nextDailyAt', () => {
  it.each([
    [D0 + 10 * H, 18, D0 + 18 * H],
    [D0 + 18 * H, 18, D0 + DAY + 18 * H],
    [D0 + 18 * H - 1, 18, D0 + 18 * H],
    [D0 + 23 * H, 0, D0 + DAY],
    [D0, 0, D0 + DAY],
  ])('from %i at hour %i is %i', (now, hour, due) => {
    expect(nextDailyAt(now, hour)).toBe(due);
  });
});

describe('tallyAudit', () => {
  const row = (id: string, closed: number, pnl: string): TradeAuditRow => ({
    id, strategy: 'scalper', instruments: ['bybit-linear:BTCUSDT'], opened: closed - 60_000, closed, side: 'buy', qty: '0.01',
    entry: '60000', exit: '60100', fees: '0.5', slippageBps: 1, latencyMs: 20, pnl,
  });

  it('counts the trades closed in the window, their wins, losses and PnL', () => {
    const path = join(tmp.dir, 'trade_audit.csv');
    const rows = [row('old', D0 - H, '100'), row('a', D0 + H, '12.5'), row('b', D0 + 2 * H, '-4.25'), row('c', D0 + 3 * H, '0'), row('later', D0 + DAY + 1, '7')];
    writeFileSync(path, [TRADE_AUDIT_HEADER, ...rows.map(formatAuditRow)].join('\n') + '\n');
    expect(tallyAudit(path, D0, D0 + DAY)).toEqual({ count: 3, wins: 1, losses: 1, pnl: '8.25' });
  });

  it('reads a missing audit as no trades', () => {
    expect(tallyAudit(join(tmp.dir, 'none.csv'), D0, D0 + DAY)).toEqual({ count: 0, wins: 0, losses: 0, pnl: '0' });
  });
});

describe('dailySummaryNotice', () => {
  it('names the day that ended and every number', () => {
    const n = dailySummaryNotice({ mode: 'dry', equity: '100000.00', dailyPnl: '-12.5', dailyLossLimit: 500, trades: { count: 2, wins: 1, losses: 1, pnl: '3' } }, D0 + DAY);
    expect(n.kind).toBe('daily_summary');
    expect(n.text).toContain('2024-05-01 (DRY)');
    expect(n.text).toContain('Equity: 100000');
    expect(n.text).toContain('-12.5 (loss limit 500)');
    expect(n.text).toContain('win rate 50%');
  });
});
