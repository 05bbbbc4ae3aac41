import { describe, expect, it } from 'vitest';
import { RiskEngine, type RiskLimits } from '../../src/risk/riskEngine.ts';

const LIMITS: RiskLimits = {
  dailyLossLimit: 500,
  maxDrawdown: 0.1,
  maxPortfolioHeat: 0.2,
  maxConsecutiveFailures: 3,
  maxOrderNotional: 10_000,
  maxOpenOrders: 20,
  breaker: { cooldownMs: 1_000, maxCooldownMs: 8_000, resumeAfterMs: 500, maxFailures: 2, windowMs: 60_000 },
  venueDownKillMs: 120_000,
};

const V = 'bybit-linear';
const I = 'bybit-linear:BTCUSDT';

describe('RiskEngine heat', () => {
  it('sums position risk over equity', () => {
    const r = new RiskEngine(LIMITS);
    expect(r.heat('10000')).toBe(0);
    r.setPositionRisk(I, '150.5');
    r.setPositionRisk('okx:ETH-USDT-SWAP', '49.5');
    expect(r.totalRisk()).toBe('200');
    expect(r.heat('10000')).toBe(0.02);
    r.setPositionRisk(I, '50.5');
    expect(r.heat('1000')).toBe(0.1);
    r.clearPositionRisk(I);
    expect(r.heat('1000')).toBe(0.0495);
  });

  it('is unbounded without positive equity', () => {
    const r = new RiskEngine(LIMITS);
    expect(r.heat('0')).toBe(0);
    r.setPositionRisk(I, '1');
    expect(r.heat('0')).toBe(Infinity);
    expect(r.heat('-5')).toBe(Infinity);
  });
});

describe('RiskEngine.evaluate', () => {
  it('is silent within limits', () => {
    const r = new RiskEngine(LIMITS);
    expect(r.evaluate(0, { realizedToday: '-499.99', equity: '10000' })).toEqual([]);
    expect(r.evaluate(1, { realizedToday: '120', equity: '9000' })).toEqual([]); // exactly 10 % down
  });

  it('kills globally at the daily loss limit, once', () => {
    const r = new RiskEngine(LIMITS);
    const v = r.evaluate(5, { realizedToday: '-500', equity: '10000' });
    expect(v).toEqual([{ action: 'kill', level: 'global', reason: 'realized PnL today -500 reached the daily loss limit of -500' }]);
    expect(r.killed(V, I)).toEqual({ level: 'global', reason: v[0]!.reason });
    expect(r.evaluate(6, { realizedToday: '-600', equity: '10000' })).toEqual([]);
  });

  it('kills globally past the drawdown from the peak equity it has seen', () => {
    const r = new RiskEngine(LIMITS);
    r.evaluate(0, { realizedToday: '0', equity: '10000' });
    r.evaluate(1, { realizedToday: '0', equity: '12000' });
    expect(r.evaluate(2, { realizedToday: '0', equity: '10800' })).toEqual([]);
    const v = r.evaluate(3, { realizedToday: '0', equity: '10799.99' });
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ action: 'kill', level: 'global' });
    expect(v[0]!.reason).toBe('equity 10799.99 is 1200.01 (10.0001%) below its peak 12000 (max drawdown 10%)');
  });

  it('states both breaches in one kill', () => {
    const r = new RiskEngine(LIMITS);
    r.evaluate(0, { realizedToday: '0', equity: '1000' });
    const v = r.evaluate(1, { realizedToday: '-700', equity: '300' });
    expect(v).toHaveLength(1);
    expect(v[0]!.reason).toContain('daily loss limit of -500');
    expect(v[0]!.reason).toContain('equity 300 is 700 (70%) below its peak 1000');
  });

  it('restarts the peak after the global kill is reset', () => {
    const r = new RiskEngine(LIMITS);
    r.evaluate(0, { realizedToday: '0', equity: '10000' });
    expect(r.evaluate(1, { realizedToday: '0', equity: '8000' })).toHaveLength(1);
    r.resetKill('global');
    expect(r.killed(V, I)).toBeUndefined();
    expect(r.evaluate(2, { realizedToday: '0', equity: '8000' })).toEqual([]);
  });
});

describe('RiskEngine order failures', () => {
  it('opens the instrument and venue breakers and goes risk_off at the consecutive limit', () => {
    const r = new RiskEngine(LIMITS);
    expect(r.orderFailed(0, V, I, 'rejected: insufficient margin')).toEqual([]);
    const second = r.orderFailed(1, V, I, 'timeout');
    expect(second.map((v) => [v.action, v.level, v.target])).toEqual([
      ['block', 'instrument', I],
      ['block', 'venue', V],
    ]);
    expect(second[0]!.reason).toBe(`breaker on ${I} opened: 2 failures within 60000 ms (last: timeout)`);
    expect(r.breakerState('venue', V, 1)).toBe('open');
    const third = r.orderFailed(2, V, 'bybit-linear:ETHUSDT', 'timeout');
    expect(third).toEqual([
      { action: 'risk_off', level: 'global', reason: '3 consecutive order failures (max 3); last on bybit-linear:ETHUSDT: timeout' },
    ]);
    expect(r.orderFailed(3, 'okx', 'okx:X', 'timeout')).toEqual([]); // already raised
  });

  it('starts counting again after a success', () => {
    const r = new RiskEngine(LIMITS);
    r.orderFailed(0, V, I, 'x');
    r.orderFailed(100_000, 'okx', 'okx:A', 'x');
    r.orderSucceeded(V, I);
    expect(r.orderFailed(200_000, V, I, 'x')).toEqual([]); // the instrument breaker's run was cleared too
    expect(r.orderFailed(300_000, 'okx', 'okx:B', 'x')).toEqual([]);
    expect(r.orderFailed(400_000, 'bitget', 'bitget:C', 'x').map((v) => v.action)).toEqual(['risk_off']);
  });
});

describe('RiskEngine venue down', () => {
  it('kills the venue once it is down longer than venueDownKillMs', () => {
    const r = new RiskEngine(LIMITS);
    expect(r.venueDown('okx', 0, 120_000)).toEqual([]);
    expect(r.venueDown('okx', 0, 125_000)).toEqual([
      { action: 'kill', level: 'venue', target: 'okx', reason: 'venue okx down for 125 s (kill after 120 s)' },
    ]);
    expect(r.venueDown('okx', 0, 130_000)).toEqual([]);
    expect(r.killed('okx', 'okx:BTC-USDT-SWAP')?.level).toBe('venue');
    expect(r.killed(V, I)).toBeUndefined();
  });
});

describe('RiskEngine kill hierarchy', () => {
  it('covers instruments from global, their venue, or themselves', () => {
    const r = new RiskEngine(LIMITS);
    r.kill('instrument', I, 'operator: bad fills', 0);
    expect(r.killed(V, I)).toEqual({ level: 'instrument', reason: 'operator: bad fills' });
    expect(r.killed(V, 'bybit-linear:ETHUSDT')).toBeUndefined();
    r.kill('venue', V, 'venue down', 1);
    expect(r.killed(V, 'bybit-linear:ETHUSDT')).toEqual({ level: 'venue', reason: 'venue down' });
    expect(r.killed(V, I)?.level).toBe('venue');
    r.kill('global', undefined, 'operator kill switch', 2);
    expect(r.killed('okx', 'okx:A')).toEqual({ level: 'global', reason: 'operator kill switch' });
    r.resetKill('global');
    r.resetKill('venue', V);
    expect(r.killed(V, I)?.level).toBe('instrument');
    r.resetKill('instrument', I);
    expect(r.killed(V, I)).toBeUndefined();
    expect(r.killList()).toEqual([]);
  });

  it('needs a target below global', () => {
    expect(() => new RiskEngine(LIMITS).kill('venue', undefined, 'x', 0)).toThrow(/target/);
  });
});

describe('RiskEngine.blocked', () => {
  it('is free by default', () => {
    expect(new RiskEngine(LIMITS).blocked(V, I, 0, false)).toBeUndefined();
  });

  it('names a kill at any level, even for reduce-only orders', () => {
    const r = new RiskEngine(LIMITS);
    r.kill('venue', V, 'venue down 3 min', 0);
    expect(r.blocked(V, I, 0, true)).toBe('venue bybit-linear killed: venue down 3 min');
    r.kill('global', undefined, 'daily loss', 0);
    expect(r.blocked(V, I, 0, false)).toBe('global killed: daily loss');
  });

  it('names an integrity block until it is lifted', () => {
    const r = new RiskEngine(LIMITS);
    r.blockVenue(V, 'ledger shows 0.5 BTC the venue does not');
    expect(r.blocked(V, I, 0, true)).toBe('venue bybit-linear blocked: ledger shows 0.5 BTC the venue does not');
    r.unblockVenue(V);
    expect(r.blocked(V, I, 0, true)).toBeUndefined();
  });

  it('names an open breaker, and lets reduce-only through in probation', () => {
    const r = new RiskEngine(LIMITS);
    r.tripInstrument(I, 'book stale', 0);
    expect(r.blocked(V, I, 0, true)).toBe(`breaker on ${I} open for another 1 s: book stale`);
    expect(r.blocked(V, I, 1_000, false)).toBe(`breaker on ${I} probation (reduce-only orders only): book stale`);
    expect(r.blocked(V, I, 1_000, true)).toBeUndefined();
    r.tripVenue(V, '429 storm', 2_000);
    expect(r.blocked(V, 'bybit-linear:ETHUSDT', 2_000, false)).toBe('breaker on venue bybit-linear open for another 1 s: 429 storm');
    expect(r.blocked(V, I, 4_000, false)).toBeUndefined();
  });
});

describe('RiskEngine persistence', () => {
  it('round-trips kills, blocks, risk, breakers, the peak and the failure run', () => {
    const r = new RiskEngine(LIMITS);
    r.evaluate(0, { realizedToday: '0', equity: '10000.5' });
    r.setPositionRisk(I, '12.25');
    r.kill('instrument', I, 'x', 1);
    r.blockVenue('okx', 'mismatch');
    r.orderFailed(2, V, 'bybit-linear:ETHUSDT', 'timeout');
    r.orderFailed(3, V, 'bybit-linear:ETHUSDT', 'timeout');
    const state = JSON.parse(JSON.stringify(r.toJSON()));
    const back = RiskEngine.from(state, LIMITS);
    expect(back.toJSON()).toEqual(r.toJSON());
    expect(back.blocked(V, 'bybit-linear:ETHUSDT', 4, false)).toBe(r.blocked(V, 'bybit-linear:ETHUSDT', 4, false));
    expect(back.heat('1225')).toBe(0.01);
    // The restored peak still counts: 10000.5 → 9000 is more than 10 % down.
    expect(back.evaluate(5, { realizedToday: '0', equity: '9000' })).toHaveLength(1);
    // The restored failure run still counts toward risk_off.
    expect(back.orderFailed(6, 'okx', 'okx:A', 'x').map((v) => v.action)).toContain('risk_off');
  });
});
