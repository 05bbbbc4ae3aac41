import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxDrawdown, sharpeOf, signalReport, utcDay } from '../../../src/strategies/scalper/signalReport.ts';
import { closedSignal as closed } from './signalFixtures.ts';

const SOL = 'bybit-linear:SOLUSDT';
const BTC = 'bybit-linear:BTCUSDT';
const ETH = 'bybit-linear:ETHUSDT';
const D1 = Date.UTC(2024, 0, 1);
const D2 = Date.UTC(2024, 0, 2);

describe('sharpeOf and maxDrawdown by hand', () => {
  it('Sharpe on 4 returns: [10, −5, 20, −5] ⇒ mean 5, sample std √150 ⇒ 0.4082', () => {
    // deviations 5, −10, 15, −10 ⇒ squares 25 + 100 + 225 + 100 = 450; / (4 − 1) = 150.
    expect(sharpeOf([10, -5, 20, -5])).toBeCloseTo(5 / Math.sqrt(150), 12);
  });

  it('Sharpe is null with one return or none, or no dispersion', () => {
    expect(sharpeOf([])).toBeNull();
    expect(sharpeOf([3])).toBeNull();
    expect(sharpeOf([2, 2, 2])).toBeNull();
  });

  it.each<[number[], number]>([
    [[], 0],
    [[10, 20], 0], // only rises
    [[10, -5, 20, -30, 5], 30], // cum 10, 5, 25, −5, 0: from the 25 peak down to −5
    [[-10, -5, 20], 15], // the curve starts at 0: down to −15 first
    [[10, -4, 3, -8, 30, -2], 9], // cum 10, 6, 9, 1, 31, 29: 10 → 1
  ])('max drawdown of %j is %d', (r, dd) => {
    expect(maxDrawdown(r)).toBe(dd);
  });
});

describe('utcDay', () => {
  it('buckets at UTC midnight', () => {
    expect(utcDay(D2 - 1)).toBe('2024-01-01');
    expect(utcDay(D2)).toBe('2024-01-02');
    expect(utcDay(0)).toBe('1970-01-01');
  });
});

describe('signalReport by hand', () => {
  // Day 1: SOL +10, BTC −5, SOL +20, ETH −5 (in this closing order), the ETH one issued at 23:59:59.999;
  // day 2: BTC +15 issued at 00:00:00.000 UTC.
  const list = [
    closed(SOL, D1 + 1000, 10, 60_000),
    closed(BTC, D1 + 2000, -5, 120_000),
    closed(SOL, D1 + 200_000, 20, 30_000),
    closed(ETH, D2 - 1, -5, 30_000),
    closed(BTC, D2, 15, 90_000),
  ];
  const report = signalReport(list);

  it('day 1: win rate 0.5, Sharpe 0.4082 per signal, × √4 daily, drawdown 5, best SOL, worst BTC/ETH', () => {
    const d1 = report.byDay[0]!;
    expect(d1.key).toBe('2024-01-01');
    expect(d1.triggered).toBe(4);
    expect(d1.generated).toBe(4);
    expect(d1.wins).toBe(2);
    expect(d1.winRate).toBe(0.5);
    expect(d1.avgHoldMs).toBe((60_000 + 120_000 + 30_000 + 30_000) / 4);
    expect(d1.totalPnlBps).toBe(20);
    expect(d1.avgPnlBps).toBe(5);
    expect(d1.avgR).toBeCloseTo(5 / 15, 12);
    expect(d1.sharpe).toBeCloseTo(0.408248, 6);
    expect(d1.sharpeDaily).toBeCloseTo(0.816497, 6); // 4 signals on 1 day ⇒ × 2
    // Closing order: +10 (61 s), −5 (122 s), +20 (230 s), −5 (end of day) ⇒ cum 10, 5, 25, 20 ⇒ drawdown 5.
    expect(d1.maxDrawdownBps).toBe(5);
    expect(d1.best).toEqual({ instrument: SOL, pnlBps: 30 });
    expect(d1.worst!.pnlBps).toBe(-5);
  });

  it('day 2 holds the signal issued at UTC midnight', () => {
    const d2 = report.byDay[1]!;
    expect(report.byDay.map((d) => d.key)).toEqual(['2024-01-01', '2024-01-02']);
    expect(d2.triggered).toBe(1);
    expect(d2.winRate).toBe(1);
    expect(d2.sharpe).toBeNull();
    expect(d2.sharpeDaily).toBeNull();
    expect(d2.best).toEqual({ instrument: BTC, pnlBps: 15 });
    expect(d2.worst).toEqual({ instrument: BTC, pnlBps: 15 });
  });

  it('per symbol, sorted by instrument', () => {
    expect(report.bySymbol.map((s) => [s.key, s.triggered, s.totalPnlBps, s.winRate])).toEqual([
      [BTC, 2, 10, 0.5],
      [ETH, 1, -5, 0],
      [SOL, 2, 30, 1],
    ]);
    const btc = report.bySymbol[0]!;
    // BTC: −5 then +15 ⇒ mean 5, sample std √200 ⇒ 0.35355; 2 signals over 2 days ⇒ 1 a day.
    expect(btc.sharpe).toBeCloseTo(5 / Math.sqrt(200), 12);
    expect(btc.sharpeDaily).toBeCloseTo(5 / Math.sqrt(200), 12);
    expect(btc.maxDrawdownBps).toBe(5);
  });

  it('overall: 5 signals over 2 days, best SOL, worst ETH', () => {
    const o = report.overall;
    expect(o.key).toBe('overall');
    expect(o.triggered).toBe(5);
    expect(o.winRate).toBeCloseTo(3 / 5, 12);
    expect(o.totalPnlBps).toBe(35);
    // r = 10, −5, 20, −5, 15: mean 7, deviations 3, −12, 13, −12, 8 ⇒ 9 + 144 + 169 + 144 + 64 = 530; / 4.
    expect(o.sharpe).toBeCloseTo(7 / Math.sqrt(132.5), 12);
    expect(o.sharpeDaily).toBeCloseTo((7 / Math.sqrt(132.5)) * Math.sqrt(2.5), 12);
    expect(o.maxDrawdownBps).toBe(5);
    expect(o.best).toEqual({ instrument: SOL, pnlBps: 30 });
    expect(o.worst).toEqual({ instrument: ETH, pnlBps: -5 });
  });

  it('the drawdown follows the closing order, not the input order', () => {
    // +20 closes last although listed first: cum −5, −10, 10 ⇒ drawdown 10.
    const r = signalReport([closed(SOL, D1 + 10_000, 20), closed(SOL, D1, -5), closed(SOL, D1 + 1, -5)]);
    expect(r.overall.maxDrawdownBps).toBe(10);
  });

  it('generated counts come from the options, with a row for a day that closed nothing', () => {
    const r = signalReport([closed(SOL, D1, 10)], {
      generated: [{ instrument: SOL, ts: D1 }, { instrument: SOL, ts: D1 + 5 }, { instrument: BTC, ts: D2 + 5 }],
    });
    expect(r.byDay.map((d) => [d.key, d.generated, d.triggered])).toEqual([['2024-01-01', 2, 1], ['2024-01-02', 1, 0]]);
    expect(r.bySymbol.map((d) => [d.key, d.generated, d.triggered])).toEqual([[BTC, 1, 0], [SOL, 2, 1]]);
    expect(r.overall.generated).toBe(3);
    expect(r.byDay[1]!.winRate).toBe(0);
    expect(r.byDay[1]!.best).toBeNull();
  });

  it('an empty report is all zeros and survives JSON', () => {
    const r = signalReport([]);
    expect(r.byDay).toEqual([]);
    expect(r.overall.triggered).toBe(0);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('the report is plain JSON (no NaN or Infinity)', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('report properties', () => {
  it('win rate in [0, 1], drawdown ≥ 0 and ≤ the sum of losses, day and symbol counts add up', () => {
    const item = fc.record({
      sym: fc.constantFrom(SOL, BTC, ETH),
      ts: fc.integer({ min: D1, max: D1 + 5 * 86_400_000 }),
      pnl: fc.integer({ min: -50, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        const list = items.map((x) => closed(x.sym, x.ts, x.pnl));
        const r = signalReport(list);
        const losses = items.reduce((a, x) => a + Math.max(0, -x.pnl), 0);
        for (const g of [...r.byDay, ...r.bySymbol, r.overall]) {
          expect(g.winRate).toBeGreaterThanOrEqual(0);
          expect(g.winRate).toBeLessThanOrEqual(1);
          expect(g.maxDrawdownBps).toBeGreaterThanOrEqual(0);
        }
        expect(r.overall.maxDrawdownBps).toBeLessThanOrEqual(losses);
        expect(r.byDay.reduce((a, d) => a + d.triggered, 0)).toBe(list.length);
        expect(r.bySymbol.reduce((a, d) => a + d.triggered, 0)).toBe(list.length);
      }),
    );
  });
});
