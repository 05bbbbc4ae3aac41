import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { TradeAudit, type TradeAuditRow } from '../../src/execution/tradeAudit.ts';
import { buildReport } from '../../src/reports/report.ts';
import { ReportScheduler, type ReportSchedulerDeps } from '../../src/reports/scheduler.ts';
import { listReports, NODE_IO, writeReport, type WriteIo } from '../../src/reports/writer.ts';
import { tempDir } from '../helpers.ts';
import { closedSignal, DAY, HOUR, WED, row } from './fixtures.ts';

const MIN = 60_000;

describe('report scheduler', () => {
  let dir: { dir: string; cleanup: () => void };
  let scheduler: ReportScheduler | undefined;
  let logged: { type: string; data: Record<string, unknown> }[];
  beforeEach(() => {
    dir = tempDir();
    logged = [];
  });
  afterEach(() => {
    scheduler?.stop();
    dir.cleanup();
  });

  const audit = (rows: TradeAuditRow[]) => {
    const a = TradeAudit.open(join(dir.dir, 'trade_audit.csv'));
    for (const r of rows) a.append(r);
    a.close();
  };
  const start = (clock: ManualClock, extra: Partial<ReportSchedulerDeps> = {}) => {
    scheduler = new ReportScheduler({ clock, dataDir: dir.dir, log: (type, data) => logged.push({ type, data }), ...extra });
    return scheduler.start();
  };
  const written = () => logged.filter((l) => l.type === 'report.written').map((l) => l.data.name);
  const json = (name: string) => JSON.parse(readFileSync(join(dir.dir, 'reports', `${name}.json`), 'utf8'));

  it("writes yesterday's daily report once, just after midnight UTC, from the trade audit", () => {
    audit([row('1.5', WED + 10 * HOUR), row('-0.25', WED + 23 * HOUR + 59 * MIN)]);
    const clock = new ManualClock(WED + 12 * HOUR);
    expect(start(clock)).toEqual([]); // the trades' day has not ended yet
    clock.set(WED + DAY - 1);
    expect(written()).toEqual([]);
    clock.set(WED + DAY + 2 * MIN); // midnight + the one-minute grace
    expect(written()).toEqual(['daily-2026-01-07']);
    expect(json('daily-2026-01-07')).toMatchObject({ title: 'Daily report 2026-01-07', from: '2026-01-07T00:00:00.000Z', to: '2026-01-08T00:00:00.000Z', overall: { trades: 2, pnl: '1.25' } });
    clock.advance(20 * HOUR);
    expect(written()).toEqual(['daily-2026-01-07']); // once
    clock.set(WED + 2 * DAY + 2 * MIN);
    expect(written()).toEqual(['daily-2026-01-07', 'daily-2026-01-08']);
    expect(json('daily-2026-01-08').overall.trades).toBe(0);
  });

  it('catches up two missed days at start, after the newest report on disk', () => {
    const thu = WED + DAY;
    writeReport(dir.dir, 'daily-2026-01-04', buildReport({ rows: [], from: WED - 3 * DAY, to: WED - 2 * DAY }));
    audit([row('2', WED - 2 * DAY + HOUR), row('3', WED - DAY + HOUR), row('7', thu + HOUR)]);
    const clock = new ManualClock(WED + 10 * HOUR);
    expect(start(clock)).toEqual(['daily-2026-01-05', 'daily-2026-01-06']);
    expect(json('daily-2026-01-05').overall.pnl).toBe('2');
    expect(json('daily-2026-01-06').overall.pnl).toBe('3');
    expect(listReports(dir.dir).map((e) => e.name)).toEqual(['daily-2026-01-06', 'daily-2026-01-05', 'daily-2026-01-04']);
    // Starting again writes nothing more.
    scheduler!.stop();
    expect(start(clock)).toEqual([]);
  });

  it('with no report on disk, catches up from the oldest trade, at most maxCatchUp periods back', () => {
    audit([row('1', WED - 10 * DAY), row('1', WED - 2 * DAY)]);
    const clock = new ManualClock(WED + HOUR);
    expect(start(clock, { maxCatchUp: { daily: 3, weekly: 0 } })).toEqual(['daily-2026-01-04', 'daily-2026-01-05', 'daily-2026-01-06']);
  });

  it('with no data and no reports, writes nothing for the past, then each day as it ends', () => {
    const clock = new ManualClock(WED + HOUR);
    expect(start(clock)).toEqual([]);
    clock.set(WED + DAY + 2 * MIN);
    expect(written()).toEqual(['daily-2026-01-07']);
  });

  it('writes the weekly report after each ISO week ends, Monday 00:00 UTC, with the signals of the week', () => {
    const mon = WED - 2 * DAY; // 2026-01-05, the start of 2026-W02
    audit([row('4', mon + HOUR), row('-1', mon + 6 * DAY + 23 * HOUR)]);
    const signals = [closedSignal('bybit-linear:SOLUSDT', mon + 3 * DAY, 15), closedSignal('bybit-linear:SOLUSDT', mon - DAY, 99)];
    const clock = new ManualClock(mon + 5 * DAY);
    // The older signal (Sunday 4 January, week 2026-W01) is caught up at start.
    expect(start(clock, { signals: () => signals }).filter((n) => n.startsWith('weekly'))).toEqual(['weekly-2026-W01']);
    clock.set(mon + 7 * DAY - 1);
    expect(written().filter((n) => String(n).startsWith('weekly'))).toEqual(['weekly-2026-W01']);
    clock.set(mon + 7 * DAY + 2 * MIN);
    expect(written()).toEqual(expect.arrayContaining(['weekly-2026-W02', 'daily-2026-01-11']));
    expect(written().filter((n) => String(n).startsWith('weekly'))).toEqual(['weekly-2026-W01', 'weekly-2026-W02']);
    expect(json('weekly-2026-W01').signals.overall).toMatchObject({ triggered: 1, totalPnlBps: 99 });
    const week = json('weekly-2026-W02');
    expect(week).toMatchObject({ from: '2026-01-05T00:00:00.000Z', to: '2026-01-12T00:00:00.000Z', overall: { trades: 2, pnl: '3' } });
    expect(week.signals.overall).toMatchObject({ triggered: 1, totalPnlBps: 15 });
  });

  it('writes at dailyUtcHour, not before', () => {
    audit([row('1', WED + HOUR)]);
    const clock = new ManualClock(WED + 2 * HOUR);
    start(clock, { dailyUtcHour: 6, graceMs: 0 });
    clock.set(WED + DAY + 6 * HOUR - 1);
    expect(written()).toEqual([]);
    clock.set(WED + DAY + 6 * HOUR);
    expect(written()).toEqual(['daily-2026-01-07']);
  });

  it('a failed write is logged, leaves nothing behind, and is tried again', () => {
    let fail = true;
    const io: WriteIo = { ...NODE_IO, write: (p, c) => (fail ? (() => { throw new Error('EIO'); })() : NODE_IO.write(p, c)) };
    audit([row('1', WED + HOUR)]);
    const clock = new ManualClock(WED + DAY + HOUR);
    expect(start(clock, { io, retryMs: 5 * MIN })).toEqual([]);
    expect(logged.map((l) => l.type)).toEqual(['report.failed']);
    expect(readdirSync(join(dir.dir, 'reports'))).toEqual([]);
    fail = false;
    clock.advance(5 * MIN);
    expect(written()).toEqual(['daily-2026-01-07']);
  });

  it('does nothing once stopped', () => {
    audit([row('1', WED - DAY)]);
    const clock = new ManualClock(WED + HOUR);
    expect(start(clock)).toEqual(['daily-2026-01-06']);
    scheduler!.stop();
    expect(clock.pending()).toBe(0);
    clock.advance(3 * DAY);
    expect(written()).toEqual(['daily-2026-01-06']);
  });
});
