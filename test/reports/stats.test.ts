import { describe, expect, it } from 'vitest';
import { bestAndWorst, drawdownCurve, sharpeRatio, statsBy, tradeStats } from '../../src/reports/stats.ts';
import { DAY, HOUR, WED, row } from './fixtures.ts';

describe('trade statistics by hand', () => {
  // PnL after fees in closing order: 10, −4, 6, −8, 3.
  //   cumulative 10, 6, 12, 4, 7; running peak 10, 10, 12, 12, 12; drawdown 0, 4, 0, 8, 5 ⇒ max 8.
  //   mean 1.4; deviations 8.6, −5.4, 4.6, −9.4, 1.6; squares sum 215.2; / (5 − 1) = 53.8 ⇒ Sharpe 1.4 / √53.8.
  //   Per UTC day over a 4-day period: 6, −2, 3, 0 ⇒ mean 1.75; squares 18.0625 + 14.0625 + 1.5625 +
  //   3.0625 = 36.75; / 3 = 12.25 ⇒ std 3.5 ⇒ 0.5 a day ⇒ 0.5 × √365 annualised.
  const from = WED;
  const to = WED + 4 * DAY;
  const rows = [
    row('10', WED + 1 * HOUR, { fees: '0.5' }),
    row('-4', WED + 2 * HOUR, { fees: '0.25' }),
    row('6', WED + DAY + HOUR),
    row('-8', WED + DAY + 2 * HOUR),
    row('3', WED + 2 * DAY + HOUR, { fees: '1' }),
  ];

  it('max drawdown is 8, from the peak of 12 to 4', () => {
    const s = tradeStats('overall', rows, from, to);
    expect(s.maxDrawdown).toBe('8');
    expect(drawdownCurve(rows).points.map((p) => p.value)).toEqual(['0', '4', '0', '8', '5']);
  });

  it('Sharpe per trade is 1.4 / √53.8 and the annualised daily one 0.5 × √365', () => {
    const s = tradeStats('overall', rows, from, to);
    expect(s.sharpe).toBeCloseTo(1.4 / Math.sqrt(53.8), 12);
    expect(s.sharpeAnnualized).toBeCloseTo(0.5 * Math.sqrt(365), 10);
  });

  it('counts, win rate, fees and gross PnL', () => {
    const s = tradeStats('overall', rows, from, to);
    expect(s).toMatchObject({ trades: 5, wins: 3, losses: 2, flat: 0, winRate: 0.6, pnl: '7', fees: '1.75', grossPnl: '8.75', avgHoldMs: 60_000 });
  });

  it('the order of the rows given does not matter: curves follow the close time', () => {
    const shuffled = [rows[3]!, rows[0]!, rows[4]!, rows[2]!, rows[1]!];
    expect(tradeStats('overall', shuffled, from, to)).toEqual(tradeStats('overall', rows, from, to));
  });

  it('a first losing trade is a drawdown (the curve starts at 0)', () => {
    expect(tradeStats('x', [row('-5', WED + HOUR), row('3', WED + 2 * HOUR)], WED, WED + DAY).maxDrawdown).toBe('5');
  });

  it('Sharpe is null with one trade, with identical trades, and annualised over a single day', () => {
    expect(sharpeRatio([1])).toBeNull();
    expect(sharpeRatio([0.1, 0.1, 0.1])).toBeNull();
    const oneDay = tradeStats('x', [row('1', WED + HOUR), row('-2', WED + 2 * HOUR)], WED, WED + DAY);
    expect(oneDay.sharpe).not.toBeNull();
    expect(oneDay.sharpeAnnualized).toBeNull();
  });

  it('no trades: zeros and nulls, never NaN', () => {
    expect(tradeStats('x', [], WED, WED + DAY)).toEqual({
      key: 'x', trades: 0, wins: 0, losses: 0, flat: 0, winRate: 0, pnl: '0', fees: '0', grossPnl: '0',
      avgHoldMs: null, maxDrawdown: '0', sharpe: null, sharpeAnnualized: null,
    });
  });

  it('best and worst by exact PnL; a flat outcome is neither win nor loss', () => {
    const groups = statsBy(
      [row('0.30000000000000000001', WED, { instruments: ['a:X'] }), row('0.3', WED, { instruments: ['b:Y'] }), row('0', WED, { instruments: ['c:Z'] }), row('-0.1', WED, { instruments: ['d:W'] })],
      (r) => r.instruments.join('|'),
      WED,
      WED + DAY,
    );
    expect(bestAndWorst(groups)).toEqual({ best: { key: 'a:X', pnl: '0.30000000000000000001' }, worst: { key: 'd:W', pnl: '-0.1' } });
    expect(groups.find((g) => g.key === 'c:Z')).toMatchObject({ wins: 0, losses: 0, flat: 1 });
    expect(bestAndWorst([])).toEqual({ best: null, worst: null });
  });
});
