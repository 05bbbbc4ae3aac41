/**
 * `fleet bench` measurement of the reports (registration in src/commands/bench.ts is pending, see
 * the note there): building a report over many audit rows, drawing its page, and the scheduler's
 * whole daily job (read trade_audit.csv, build, write JSON and HTML atomically). The bench reads
 * time directly (performance.now): it measures, it does not trade.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../core/clock.ts';
import { formatAuditRow, TradeAudit, type TradeAuditRow } from '../execution/tradeAudit.ts';
import { fmt, median, progress, spread, withTempDir, type Row } from '../bench/util.ts';
import { renderReportHtml } from './html.ts';
import { buildReport } from './report.ts';
import { ReportScheduler } from './scheduler.ts';

const DAY_MS = 86_400_000;
/** 2026-01-07 00:00 UTC, a Wednesday. */
const DAY0 = Date.UTC(2026, 0, 7);
const INSTRUMENTS = Array.from({ length: 50 }, (_, i) => `bybit-linear:S${i}USDT`);

/** Returns n rows spread over one day: both strategies, 50 instruments, PnL with 8 decimals. */
function rowsOf(n: number): TradeAuditRow[] {
  return Array.from({ length: n }, (_, i) => {
    const closed = DAY0 + Math.floor((i * DAY_MS) / n);
    const arb = i % 5 === 0;
    const cents = ((i * 7919) % 2001) - 900;
    return {
      id: `b${i}`, strategy: arb ? 'arbitrage' : 'scalper',
      instruments: arb ? [INSTRUMENTS[i % 50]!, `okx:S${i % 50}-USDT-SWAP`] : [INSTRUMENTS[i % 50]!],
      opened: closed - 30_000, closed, side: 'buy', qty: '0.015', entry: '101.25', exit: '101.75',
      fees: '0.00123456', slippageBps: 1.5, latencyMs: 12, pnl: `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}123456`,
    };
  });
}

function timed(runs: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

/** Returns the table rows of the reports measurement. */
export async function benchReports(): Promise<Row[]> {
  const out: Row[] = [];
  for (const n of [10_000, 100_000]) {
    progress(`reports: ${n} rows`);
    const rows = rowsOf(n);
    const build = timed(5, () => buildReport({ rows, from: DAY0, to: DAY0 + DAY_MS }));
    out.push({ measurement: `report build, ${fmt(n)} trades`, value: fmt(median(build), 1), unit: 'ms', notes: `buildReport (exact decimals, 3 groupings, curves); runs ${spread(build, 1)}` });
    const report = buildReport({ rows, from: DAY0, to: DAY0 + DAY_MS });
    let bytes = 0;
    const html = timed(5, () => (bytes = renderReportHtml(report).length));
    out.push({ measurement: `report page, ${fmt(n)} trades`, value: fmt(median(html), 1), unit: 'ms', notes: `renderReportHtml, ${fmt(bytes / 1024)} KiB (curves thinned past 6,000 points); runs ${spread(html, 1)}` });
  }
  const job = await withTempDir('reports', async (dir) => {
    // A day of 100,000 trades: the header through TradeAudit, the rows in one write (append fsyncs each).
    TradeAudit.open(join(dir, 'trade_audit.csv')).close();
    appendFileSync(join(dir, 'trade_audit.csv'), rowsOf(100_000).map((r) => `${formatAuditRow(r)}\n`).join(''));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const clock = new ManualClock(DAY0 + DAY_MS + 3_600_000 + i * DAY_MS);
      const s = new ReportScheduler({ clock, dataDir: dir });
      const t = performance.now();
      s.start();
      times.push(performance.now() - t);
      s.stop();
    }
    return times;
  });
  out.push({ measurement: 'daily report job, 100,000-row audit', value: fmt(median(job), 0), unit: 'ms', notes: `read trade_audit.csv, build, write JSON + HTML atomically (fsync); runs ${spread(job, 0)}` });
  return out;
}
