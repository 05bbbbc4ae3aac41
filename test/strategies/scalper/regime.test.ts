import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeatureView, NewsFlag, PumpPhase } from '../../../src/features/types.ts';
import {
  DEFAULT_GLOBAL_REGIME_OPTIONS,
  GlobalRegime,
  highRiskNews,
  mayOpen,
  symbolRegime,
  type GlobalRegimeName,
  type LeaderMove,
} from '../../../src/strategies/scalper/regime.ts';

const TS = 1_000_000;

/** A calm symbol: nothing pumping, no spoofing, no news. */
function view(o: { spoof?: number; phase?: PumpPhase; news?: Partial<NewsFlag> | null; fresh?: boolean } = {}): FeatureView {
  const flag: NewsFlag | null = o.news ? { id: 'n1', scope: 'SOL', impact: 'medium', type: 'listing', at: TS - 60_000, until: TS + 60_000, ...o.news } : null;
  return {
    instrument: 'bybit-linear:SOLUSDT',
    ts: TS,
    mid: 150,
    spreadBps: 1,
    imbalance: { top: 0, zonal: 0 },
    walls: { bid: null, ask: null, supportScore: 0, resistanceScore: 0, spoofingScore: o.spoof ?? 0, pulled: { bid: 0, ask: 0 }, absorbed: { bid: 0, ask: 0 } },
    flow: { buyVolume: 0, sellVolume: 0, delta: 0, deltaRatio: 0, streak: 0, largeBuys: 0, largeSells: 0, tradesPerSec: 0 },
    volatility: { atr1s: 0, atr3s: 0, score: 0, explosion: false },
    pump: { phase: o.phase ?? 'NONE', since: 0, change: 0 },
    fees: { minMoveBps: 12, liquidationDistance: 0.1 },
    news: { flag, fresh: o.fresh ?? false },
  };
}

describe('symbolRegime', () => {
  const table: readonly { name: string; v: FeatureView; regime: string; reasons: string[] }[] = [
    { name: 'calm ⇒ NORMAL', v: view(), regime: 'NORMAL', reasons: [] },
    { name: 'spoofing 0.6 (= threshold) ⇒ MANIPULATED', v: view({ spoof: 0.6 }), regime: 'MANIPULATED', reasons: ['spoofing 0.60 ≥ 0.6'] },
    { name: 'spoofing 0.59 ⇒ NORMAL', v: view({ spoof: 0.59 }), regime: 'NORMAL', reasons: [] },
    { name: 'PREPUMP ⇒ PUMP', v: view({ phase: 'PREPUMP' }), regime: 'PUMP', reasons: ['pump phase PREPUMP'] },
    { name: 'PUMPING ⇒ PUMP', v: view({ phase: 'PUMPING' }), regime: 'PUMP', reasons: ['pump phase PUMPING'] },
    { name: 'BLOWOFF ⇒ PUMP', v: view({ phase: 'BLOWOFF' }), regime: 'PUMP', reasons: ['pump phase BLOWOFF'] },
    { name: 'DUMP ⇒ PUMP', v: view({ phase: 'DUMP' }), regime: 'PUMP', reasons: ['pump phase DUMP'] },
    { name: 'pump COOLDOWN ⇒ COOLDOWN', v: view({ phase: 'COOLDOWN' }), regime: 'COOLDOWN', reasons: ['pump cooling down'] },
    { name: 'medium news in force ⇒ NEWS_DRIVEN', v: view({ news: {}, fresh: true }), regime: 'NEWS_DRIVEN', reasons: ['medium news listing (fresh)'] },
    { name: 'high news ⇒ NEWS_DRIVEN', v: view({ news: { impact: 'high', type: 'hack' } }), regime: 'NEWS_DRIVEN', reasons: ['high news hack'] },
    { name: 'low news ⇒ NORMAL', v: view({ news: { impact: 'low' } }), regime: 'NORMAL', reasons: [] },
    { name: 'medium news expired (until = ts) ⇒ NORMAL', v: view({ news: { until: TS } }), regime: 'NORMAL', reasons: [] },
    {
      name: 'precedence: spoofing over a pump over news, every reason listed',
      v: view({ spoof: 0.9, phase: 'BLOWOFF', news: { impact: 'high', type: 'hack' } }),
      regime: 'MANIPULATED',
      reasons: ['spoofing 0.90 ≥ 0.6', 'pump phase BLOWOFF', 'high news hack'],
    },
    { name: 'precedence: a pump over news', v: view({ phase: 'PUMPING', news: {} }), regime: 'PUMP', reasons: ['pump phase PUMPING', 'medium news listing'] },
    { name: 'precedence: news over a pump cooling down', v: view({ phase: 'COOLDOWN', news: {} }), regime: 'NEWS_DRIVEN', reasons: ['medium news listing', 'pump cooling down'] },
  ];
  for (const t of table) {
    it(t.name, () => {
      expect(symbolRegime(t.v)).toEqual({ regime: t.regime, reasons: t.reasons });
    });
  }

  it('takes its thresholds from the options', () => {
    expect(symbolRegime(view({ spoof: 0.3 }), { manipulatedSpoofing: 0.3, newsImpacts: ['high'], blockingImpacts: ['high'] }).regime).toBe('MANIPULATED');
    expect(symbolRegime(view({ news: {} }), { manipulatedSpoofing: 0.6, newsImpacts: ['high'], blockingImpacts: ['high'] }).regime).toBe('NORMAL');
  });
});

describe('highRiskNews', () => {
  it('is true only for a high-impact flag still in force', () => {
    expect(highRiskNews(view({ news: { impact: 'high' } }))).toBe(true);
    expect(highRiskNews(view({ news: { impact: 'medium' } }))).toBe(false);
    expect(highRiskNews(view({ news: { impact: 'high', until: TS } }))).toBe(false);
    expect(highRiskNews(view())).toBe(false);
  });
});

// ── global ───────────────────────────────────────────────────────────────────────────────────

const HOLD = DEFAULT_GLOBAL_REGIME_OPTIONS.holdMs; // 5 min
const calm: LeaderMove = { ret: 0.001, volScore: 0.3 };
const mv = (ret: number, volScore = 0.3): LeaderMove => ({ ret, volScore });

describe('GlobalRegime verdicts (shockPct 1.5 %, elevated 0.8, extreme 0.95)', () => {
  const table: readonly { name: string; btc?: LeaderMove; eth?: LeaderMove; regime: GlobalRegimeName }[] = [
    { name: 'calm ⇒ NORMAL', btc: calm, eth: calm, regime: 'GLOBAL_NORMAL' },
    { name: 'no data ⇒ NORMAL', regime: 'GLOBAL_NORMAL' },
    { name: 'both −2 % and −1.8 % (same way) ⇒ PANIC', btc: mv(-0.02), eth: mv(-0.018), regime: 'GLOBAL_PANIC' },
    { name: 'both exactly ±1.5 % up ⇒ PANIC', btc: mv(0.015), eth: mv(0.015), regime: 'GLOBAL_PANIC' },
    { name: 'opposite shocks (−2 %, +2 %) ⇒ RISK_OFF', btc: mv(-0.02), eth: mv(0.02), regime: 'GLOBAL_RISK_OFF' },
    { name: 'BTC shock alone ⇒ RISK_OFF', btc: mv(-0.02), eth: calm, regime: 'GLOBAL_RISK_OFF' },
    { name: 'BTC shock, ETH missing ⇒ RISK_OFF', btc: mv(-0.02), regime: 'GLOBAL_RISK_OFF' },
    { name: '1.49 % is no shock ⇒ NORMAL', btc: mv(-0.0149), eth: mv(-0.0149), regime: 'GLOBAL_NORMAL' },
    { name: 'both vol scores extreme (0.96, 0.95) ⇒ PANIC', btc: mv(0, 0.96), eth: mv(0, 0.95), regime: 'GLOBAL_PANIC' },
    { name: 'one extreme, one calm ⇒ RISK_OFF', btc: mv(0, 0.99), eth: calm, regime: 'GLOBAL_RISK_OFF' },
    { name: 'ETH vol elevated (0.8) ⇒ RISK_OFF', btc: calm, eth: mv(0, 0.8), regime: 'GLOBAL_RISK_OFF' },
    { name: 'vol 0.79 ⇒ NORMAL', btc: mv(0, 0.79), eth: mv(0, 0.79), regime: 'GLOBAL_NORMAL' },
    // The scores rank each leader against its own past: in a calm market (1-s ATR under a bp) a high rank is no panic.
    { name: 'both scores extreme on a calm tape (ATR 0.6 bps) ⇒ NORMAL', btc: { ret: 0, volScore: 0.97, atrBps: 0.6 }, eth: { ret: 0, volScore: 0.96, atrBps: 0.8 }, regime: 'GLOBAL_NORMAL' },
    { name: 'both extreme, ATR 5 and 6 bps ⇒ PANIC', btc: { ret: 0, volScore: 0.97, atrBps: 5 }, eth: { ret: 0, volScore: 0.96, atrBps: 6 }, regime: 'GLOBAL_PANIC' },
    { name: 'both extreme, ATR 3 bps (elevated, not extreme) ⇒ RISK_OFF', btc: { ret: 0, volScore: 0.97, atrBps: 3 }, eth: { ret: 0, volScore: 0.96, atrBps: 3 }, regime: 'GLOBAL_RISK_OFF' },
  ];
  for (const t of table) {
    it(t.name, () => {
      const g = new GlobalRegime();
      const v = g.update({ ts: 0, btc: t.btc, eth: t.eth });
      expect(v.regime).toBe(t.regime);
      expect(v.verdict).toBe(t.regime);
      expect(v.reasons.length > 0).toBe(t.regime !== 'GLOBAL_NORMAL');
    });
  }

  // Ten history pairs then the pair being judged: BTC −2 % (a shock), ETH −1 % (no shock) with its vol at 0.85.
  const judged = { btc: mv(-0.02, 0.5), eth: mv(-0.01, 0.85) };

  it('a shock with the other leader elevated is PANIC when they move together (correlation ≥ 0.8)', () => {
    const g = new GlobalRegime();
    // ETH moves at 0.8 × BTC: the history alone correlates at exactly 1.
    const btc = [0.004, -0.003, 0.002, -0.005, 0.001, 0.003, -0.002, 0.004, -0.001, 0.002];
    btc.forEach((r, i) => g.update({ ts: i * 60_000, btc: mv(r), eth: mv(0.8 * r) }));
    const v = g.update({ ts: 10 * 60_000, ...judged });
    expect(v.correlation).toBeGreaterThan(0.8);
    expect(v.regime).toBe('GLOBAL_PANIC');
  });

  it('the same shock is only RISK_OFF when they have not moved together', () => {
    const g = new GlobalRegime();
    // Period-4 patterns (+ − + −) against (+ + − −): zero covariance over the history.
    const a = [1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1];
    const b = [1, 1, -1, -1, 1, 1, -1, -1, 1, 1, -1, -1];
    a.forEach((r, i) => g.update({ ts: i * 60_000, btc: mv(0.003 * r), eth: mv(0.003 * b[i]!) }));
    const v = g.update({ ts: 12 * 60_000, ...judged });
    expect(v.correlation).not.toBeNull();
    expect(v.correlation!).toBeLessThan(0.8);
    expect(v.regime).toBe('GLOBAL_RISK_OFF');
  });

  it('has no correlation before 10 paired returns, nor with a leader missing', () => {
    const g = new GlobalRegime();
    for (let i = 0; i < 9; i++) expect(g.update({ ts: i, btc: mv(0.001 * i), eth: mv(0.002 * i) }).correlation).toBeNull();
    expect(g.update({ ts: 9, btc: mv(0.009), eth: mv(0.018) }).correlation).toBeCloseTo(1, 12);
    // An update with one leader adds no pair, and the window keeps its 10 pairs.
    expect(g.update({ ts: 10, btc: mv(-0.5) }).correlation).toBeCloseTo(1, 12);
  });

  it('keeps only the last `window` pairs', () => {
    const g = new GlobalRegime({ window: 10, minSamples: 10 });
    // Ten anti-correlated pairs, then ten correlated ones push them all out.
    for (let i = 0; i < 10; i++) g.update({ ts: i, btc: mv(0.001 * (i % 3)), eth: mv(-0.001 * (i % 3)) });
    expect(g.update({ ts: 10, btc: mv(0.001), eth: mv(-0.001) }).correlation!).toBeCloseTo(-1, 12);
    let last = 0;
    for (let i = 0; i < 10; i++) last = g.update({ ts: 11 + i, btc: mv(0.001 * (i % 4)), eth: mv(0.002 * (i % 4)) }).correlation!;
    expect(last).toBeCloseTo(1, 12);
  });
});

describe('GlobalRegime hysteresis (holdMs 5 min)', () => {
  const panic = { btc: mv(-0.03), eth: mv(-0.03) };
  const riskOff = { btc: mv(0, 0.85), eth: calm };
  const quiet = { btc: calm, eth: calm };

  it('escalates at once and steps down one level per hold after the last call for the level', () => {
    const g = new GlobalRegime();
    expect(g.update({ ts: 0, ...quiet }).regime).toBe('GLOBAL_NORMAL');
    expect(g.update({ ts: 1000, ...panic })).toMatchObject({ regime: 'GLOBAL_PANIC', since: 1000 });
    // Panic called again at 61 s: the hold counts from there.
    g.update({ ts: 61_000, ...panic });
    expect(g.update({ ts: 61_000 + HOLD - 1, ...quiet })).toMatchObject({ regime: 'GLOBAL_PANIC', verdict: 'GLOBAL_NORMAL', since: 1000 });
    expect(g.update({ ts: 61_000 + HOLD, ...quiet })).toMatchObject({ regime: 'GLOBAL_RISK_OFF', since: 61_000 + HOLD });
    expect(g.update({ ts: 61_000 + 2 * HOLD - 1, ...quiet }).regime).toBe('GLOBAL_RISK_OFF');
    expect(g.update({ ts: 61_000 + 2 * HOLD, ...quiet }).regime).toBe('GLOBAL_NORMAL');
  });

  it('a RISK_OFF verdict keeps RISK_OFF alive after a panic steps down', () => {
    const g = new GlobalRegime();
    g.update({ ts: 0, ...panic });
    expect(g.update({ ts: HOLD, ...riskOff }).regime).toBe('GLOBAL_RISK_OFF');
    // RISK_OFF last called for at 2·HOLD − 1: it holds until 3·HOLD − 1.
    expect(g.update({ ts: 2 * HOLD - 1, ...riskOff }).regime).toBe('GLOBAL_RISK_OFF');
    expect(g.update({ ts: 3 * HOLD - 2, ...quiet }).regime).toBe('GLOBAL_RISK_OFF');
    expect(g.update({ ts: 3 * HOLD - 1, ...quiet }).regime).toBe('GLOBAL_NORMAL');
  });

  it('never sits below its verdict, and steps down one level at a time, never sooner than holdMs after the level was last called for (property)', () => {
    const LEVEL = { GLOBAL_NORMAL: 0, GLOBAL_RISK_OFF: 1, GLOBAL_PANIC: 2 } as const;
    const step = fc.record({
      dt: fc.integer({ min: 1, max: 3 * 60_000 }),
      kind: fc.constantFrom('panic', 'riskOff', 'quiet'),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const g = new GlobalRegime();
        let ts = 0;
        let prev: number = 0;
        let enteredAt = 0;
        const lastCalled = [0, 0, 0];
        for (const s of steps) {
          ts += s.dt;
          const v = g.update({ ts, ...(s.kind === 'panic' ? panic : s.kind === 'riskOff' ? riskOff : quiet) });
          const level = LEVEL[v.regime];
          const verdict = LEVEL[v.verdict];
          for (let l = 0; l <= verdict; l++) lastCalled[l] = ts;
          // Never below this update's own verdict (escalation is immediate).
          expect(level).toBeGreaterThanOrEqual(verdict);
          // One level at a time, and only once the higher level has not been called for in holdMs.
          if (level < prev) {
            expect(prev - level).toBe(1);
            expect(ts - lastCalled[prev]!).toBeGreaterThanOrEqual(HOLD);
            // Every level, once entered, stays at least holdMs.
            expect(ts - enteredAt).toBeGreaterThanOrEqual(HOLD);
          }
          if (level !== prev) enteredAt = ts;
          prev = level;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('mayOpen', () => {
  it('opens nothing in GLOBAL_PANIC only', () => {
    expect(mayOpen('GLOBAL_NORMAL')).toBe(true);
    expect(mayOpen('GLOBAL_RISK_OFF')).toBe(true);
    expect(mayOpen('GLOBAL_PANIC')).toBe(false);
    expect(mayOpen(new GlobalRegime().update({ ts: 0, btc: mv(-0.05), eth: mv(-0.05) }))).toBe(false);
  });
});
