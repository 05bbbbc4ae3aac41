import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ArbMetrics, METRICS_WINDOW, percentile, type ArbTradeMetrics } from '../../../src/strategies/arbitrage/metrics.ts';

const trade = (pnl: string, fees: string, latencyMs: number, slippageBps: number, outcome?: ArbTradeMetrics['outcome']): ArbTradeMetrics => ({
  pnl,
  fees,
  latencyMs,
  slippageBps,
  ...(outcome ? { outcome } : {}),
});

describe('arbitrage metrics', () => {
  it('counts outcomes and sums fees and PnL exactly', () => {
    const m = new ArbMetrics();
    m.recordTrade(trade('0.1', '0.1', 10, 1));
    m.recordTrade(trade('0.2', '0.2', 20, 2));
    m.recordTrade(trade('-0.05', '0.3', 30, 3));
    m.recordTrade(trade('0', '0.0000001', 40, -2));
    const s = m.snapshot();
    expect(s.trades).toBe(4);
    expect([s.wins, s.losses, s.flat]).toEqual([2, 1, 1]);
    expect(s.winRate).toBe(0.5); // 2 wins / 4 trades
    // 0.1 + 0.2 − 0.05 + 0 = 0.25, exactly (as floats 0.1 + 0.2 is 0.30000000000000004)
    expect(s.pnl).toBe('0.25');
    // 0.1 + 0.2 + 0.3 + 0.0000001 = 0.6000001
    expect(s.fees).toBe('0.6000001');
    // (1 + 2 + 3 − 2) / 4 = 1; sorted [−2, 1, 2, 3], p50 = the ⌈0.5·4⌉ = 2nd = 1
    expect(s.slippageBps).toEqual({ avg: 1, p50: 1 });
    // latencies [10, 20, 30, 40]: p50 = 2nd = 20, p99 = ⌈3.96⌉ = 4th = 40
    expect(s.latencyMs).toEqual({ p50: 20, p99: 40 });
  });

  it('sums 0.1 + 0.2 to exactly 0.3', () => {
    const m = new ArbMetrics();
    m.recordTrade(trade('0.1', '0.1', 1, 0));
    m.recordTrade(trade('0.2', '0.2', 1, 0));
    expect(m.snapshot().pnl).toBe('0.3');
    expect(m.snapshot().fees).toBe('0.3');
  });

  it('takes an explicit outcome over the sign of pnl', () => {
    const m = new ArbMetrics();
    m.recordTrade(trade('0.0001', '0', 1, 0, 'flat'));
    expect([m.snapshot().wins, m.snapshot().flat]).toEqual([0, 1]);
  });

  it('has no percentiles and a zero win rate before the first trade', () => {
    const s = new ArbMetrics().snapshot();
    expect(s).toMatchObject({ trades: 0, winRate: 0, latencyMs: { p50: null, p99: null }, slippageBps: { avg: null, p50: null }, fees: '0', pnl: '0' });
  });

  it('computes latency p50/p99 over the last 1000 trades only', () => {
    const m = new ArbMetrics();
    // 200 slow trades (1000 ms) first, then 1000 trades of 1..1000 ms: the slow ones leave the window.
    for (let i = 0; i < 200; i++) m.recordTrade(trade('1', '0', 1000 + i, 0));
    for (let i = 1; i <= 1000; i++) m.recordTrade(trade('1', '0', i, 0));
    const s = m.snapshot();
    expect(s.trades).toBe(1200);
    // window = 1..1000: p50 = 500th = 500, p99 = ⌈990⌉ = 990th = 990
    expect(s.latencyMs).toEqual({ p50: 500, p99: 990 });
    expect(METRICS_WINDOW).toBe(1000);
  });

  it('counts opportunities per route and skips per reason', () => {
    const m = new ArbMetrics();
    m.noteOpportunity('route:BTC:okx:binance-spot');
    m.noteOpportunity('route:BTC:okx:binance-spot');
    m.noteOpportunity('route:ETH:bitget:hyperliquid');
    m.noteSkipped('cooldown');
    m.noteSkipped('balance');
    m.noteSkipped('cooldown');
    const s = m.snapshot();
    expect(s.opportunities).toBe(3);
    expect(s.opportunitiesByRoute).toEqual({ 'route:BTC:okx:binance-spot': 2, 'route:ETH:bitget:hyperliquid': 1 });
    expect(s.skipped).toEqual({ balance: 1, cooldown: 2 });
  });

  it('rejects a non-decimal pnl without counting it', () => {
    const m = new ArbMetrics();
    expect(() => m.recordTrade(trade('0.1e1', '0', 1, 0))).toThrow(/pnl is not a decimal/);
    expect(() => m.recordTrade(trade('1', '0', Number.NaN, 0))).toThrow(/finite/);
    expect(m.snapshot().trades).toBe(0);
  });

  it('survives a JSON round trip (a restart) unchanged, and keeps counting from there', () => {
    const m = new ArbMetrics();
    m.recordTrade(trade('0.1', '0.01', 12, 0.5));
    m.recordTrade(trade('-0.3', '0.02', 30, 1.5));
    m.noteOpportunity('r1');
    m.noteSkipped('edge');
    const restored = ArbMetrics.from(JSON.parse(JSON.stringify(m)));
    expect(restored.snapshot()).toEqual(m.snapshot());
    restored.recordTrade(trade('0.2', '0.03', 18, 1));
    // pnl 0.1 − 0.3 + 0.2 = 0; fees 0.01 + 0.02 + 0.03 = 0.06; latencies [12, 30, 18] → p50 = 18
    expect(restored.snapshot()).toMatchObject({ trades: 3, pnl: '0', fees: '0.06', latencyMs: { p50: 18, p99: 30 }, slippageBps: { avg: 1 } });
  });

  it('refuses a malformed persisted state', () => {
    const good = new ArbMetrics().toJSON();
    expect(() => ArbMetrics.from({ ...good, v: 2 as 1 })).toThrow(/version/);
    expect(() => ArbMetrics.from({ ...good, pnl: 'x' })).toThrow(/pnl/);
    expect(() => ArbMetrics.from({ ...good, wins: -1 })).toThrow(/wins/);
    expect(() => ArbMetrics.from({ ...good, latencies: [1, Number.NaN] })).toThrow(/latencies/);
  });

  it('nearest-rank percentile lies in the data and splits it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (xs, p) => {
        const v = percentile(xs, p)!;
        expect(xs).toContain(v);
        // At least ⌈p·n⌉ values are ≤ v, and fewer than that are < v.
        const rank = Math.ceil(p * xs.length);
        expect(xs.filter((x) => x <= v).length).toBeGreaterThanOrEqual(rank);
        expect(xs.filter((x) => x < v).length).toBeLessThan(rank);
      }),
    );
  });
});
