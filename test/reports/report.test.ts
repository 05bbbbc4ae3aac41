import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTradeAudit, TradeAudit } from '../../src/execution/tradeAudit.ts';
import { buildReport } from '../../src/reports/report.ts';
import { tempDir } from '../helpers.ts';
import { closedSignal, DAY, exactSum, HOUR, WED, row } from './fixtures.ts';

const BTC = 'bybit-linear:BTCUSDT';
const SOL = 'bybit-linear:SOLUSDT';
const PAIR = ['binance-usdm:BTCUSDT', 'okx:BTC-USDT-SWAP'];

/** Rows with many decimals, negatives and both strategies; two outside the day. */
function mixedRows() {
  return [
    row('0.1', WED, { instruments: [BTC] }), // at `from`: inside
    row('0.2', WED + HOUR, { instruments: [SOL] }),
    row('-0.30000000000000000001', WED + 2 * HOUR, { instruments: [BTC], fees: '0.0000001' }),
    row('123456789.123456789123456789', WED + 3 * HOUR, { strategy: 'arbitrage', instruments: PAIR, fees: '1.5' }),
    row('-98765.4321', WED + 4 * HOUR, { strategy: 'arbitrage', instruments: PAIR }),
    row('-0.00000000000000000007', WED + 5 * HOUR, { instruments: [SOL] }),
    row('0', WED + 6 * HOUR, { instruments: [SOL] }),
    row('1000', WED - 1, { instruments: [BTC] }), // the day before
    row('5000', WED + DAY, { instruments: [BTC] }), // at `to`: the next day
  ];
}

describe('buildReport', () => {
  it("the PnL is the exact decimal sum of the audit rows closed in the period, read back from trade_audit.csv", () => {
    const dir = tempDir();
    try {
      const path = join(dir.dir, 'trade_audit.csv');
      const audit = TradeAudit.open(path);
      for (const r of mixedRows()) audit.append(r);
      audit.close();
      const rows = readTradeAudit(path);
      const report = buildReport({ rows, from: WED, to: WED + DAY });
      const inside = rows.filter((r) => r.closed >= WED && r.closed < WED + DAY);
      expect(inside).toHaveLength(7);
      expect(report.overall.trades).toBe(7);
      expect(report.overall.pnl).toBe(exactSum(inside.map((r) => r.pnl)));
      expect(report.overall.pnl).toBe('123358023.69135678912345678892');
      // A float sum could not give this many digits.
      expect(report.overall.pnl).not.toBe(String(inside.reduce((s, r) => s + Number(r.pnl), 0)));
      expect(report.overall.fees).toBe(exactSum(inside.map((r) => r.fees)));
    } finally {
      dir.cleanup();
    }
  });

  it('per-strategy and per-instrument splits add up to the total exactly', () => {
    const report = buildReport({ rows: mixedRows(), from: WED, to: WED + DAY });
    expect(report.byStrategy.map((s) => s.key)).toEqual(['arbitrage', 'scalper']);
    expect(report.byInstrument.map((s) => s.key)).toEqual([PAIR.join('|'), BTC, SOL]);
    for (const split of [report.byStrategy, report.byInstrument]) {
      expect(exactSum(split.map((s) => s.pnl))).toBe(report.overall.pnl);
      expect(exactSum(split.map((s) => s.fees))).toBe(report.overall.fees);
      expect(split.reduce((n, s) => n + s.trades, 0)).toBe(report.overall.trades);
      expect(split.reduce((n, s) => n + s.wins, 0)).toBe(report.overall.wins);
    }
    expect(report.byStrategy.find((s) => s.key === 'scalper')!.pnl).toBe(exactSum(['0.1', '0.2', '-0.30000000000000000001', '-0.00000000000000000007', '0']));
    expect(report.best).toEqual({ key: PAIR.join('|'), pnl: '123358023.691356789123456789' });
    expect(report.worst).toEqual({ key: BTC, pnl: '-0.20000000000000000001' });
  });

  it('the equity and drawdown curves have trades + 1 points, starting at 0 at `from`', () => {
    const report = buildReport({ rows: mixedRows(), from: WED, to: WED + DAY });
    expect(report.equity).toHaveLength(8);
    expect(report.equity[0]).toEqual({ ts: WED, value: '0' });
    expect(report.equity.at(-1)!.value).toBe(report.overall.pnl);
    expect(report.drawdown).toHaveLength(8);
    // After the arbitrage win of 123 M the −98 765.4321 loss is the deepest fall.
    expect(report.overall.maxDrawdown).toBe('98765.43210000000000000007');
  });

  it('signals: only those issued in the period; generated counts what was made', () => {
    const signals = [closedSignal(BTC, WED + HOUR, 20, 120_000), closedSignal(SOL, WED + 2 * HOUR, -10, 60_000), closedSignal(BTC, WED - HOUR, 99)];
    const generated = [{ instrument: BTC, ts: WED + HOUR }, { instrument: SOL, ts: WED + 2 * HOUR }, { instrument: SOL, ts: WED + 3 * HOUR }, { instrument: BTC, ts: WED - HOUR }];
    const report = buildReport({ rows: [], signals, generated, from: WED, to: WED + DAY });
    expect(report.signals!.overall).toMatchObject({ generated: 3, triggered: 2, wins: 1, winRate: 0.5, avgHoldMs: 90_000, totalPnlBps: 10 });
    expect(report.signals!.overall.best).toEqual({ instrument: BTC, pnlBps: 20 });
    expect(report.signals!.overall.worst).toEqual({ instrument: SOL, pnlBps: -10 });
    expect(buildReport({ rows: [], from: WED, to: WED + DAY }).signals).toBeNull();
  });

  it('spreads are cut to the period; is pure: the same input gives the same JSON', () => {
    const spreads = [{ route: 'route:BTC:binance-usdm:okx', points: [{ ts: WED - 1, netBps: 1 }, { ts: WED + 10, netBps: 2.5 }] }, { route: 'route:ETH:a:b', points: [{ ts: WED - 5, netBps: 1 }] }];
    const a = buildReport({ rows: mixedRows(), spreads, from: WED, to: WED + DAY });
    expect(a.spreads).toEqual([{ route: 'route:BTC:binance-usdm:okx', points: [{ ts: WED + 10, netBps: 2.5 }] }]);
    const rows = mixedRows();
    expect(JSON.stringify(buildReport({ rows, spreads, from: WED, to: WED + DAY }))).toBe(JSON.stringify(buildReport({ rows: [...rows].reverse(), spreads, from: WED, to: WED + DAY })));
  });

  it('refuses an empty or inverted period', () => {
    expect(() => buildReport({ rows: [], from: WED, to: WED })).toThrow(RangeError);
  });
});
