import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeatureView, NewsFlag, PumpPhase } from '../../../src/features/types.ts';
import type { GlobalRegimeName, SymbolRegime } from '../../../src/strategies/scalper/regime.ts';
import { DEFAULT_SCORE_WEIGHTS, scalpScores, type ScoreContext } from '../../../src/strategies/scalper/score.ts';

const TS = 5_000_000;

/**
 * A neutral view: a balanced book and tape, so only the shared parts score.
 * Volatility: atr3s 5 bps × horizon 3 = 15 bps against a 12 bps fee move ⇒ 1.
 * Leverage: liquidation 200 bps against the 25 bps stop ⇒ (200 − 25) / 50 > 1 ⇒ 1.
 * Raw = 0.15 × 1 + 0.1 × 1 = 0.25 for both sides.
 */
const NEUTRAL: FeatureView = {
  instrument: 'bybit-linear:SOLUSDT',
  ts: TS,
  mid: 150,
  spreadBps: 0.7,
  imbalance: { top: 0, zonal: 0 },
  walls: { bid: null, ask: null, supportScore: 0, resistanceScore: 0, spoofingScore: 0, pulled: { bid: 0, ask: 0 }, absorbed: { bid: 0, ask: 0 } },
  flow: { buyVolume: 10, sellVolume: 10, delta: 0, deltaRatio: 0, streak: 0, largeBuys: 0, largeSells: 0, tradesPerSec: 4 },
  volatility: { atr1s: 0.0001, atr3s: 0.0005, score: 0.5, explosion: false },
  pump: { phase: 'NONE', since: 0, change: 0 },
  fees: { minMoveBps: 12, liquidationDistance: 0.02 },
  news: { flag: null, fresh: false },
};

type Patch = {
  imbalance?: Partial<FeatureView['imbalance']>;
  walls?: Partial<FeatureView['walls']>;
  flow?: Partial<FeatureView['flow']>;
  volatility?: Partial<FeatureView['volatility']>;
  pump?: Partial<FeatureView['pump']>;
  fees?: Partial<FeatureView['fees']>;
  news?: Partial<FeatureView['news']>;
};
const with_ = (p: Patch, base: FeatureView = NEUTRAL): FeatureView => ({
  ...base,
  imbalance: { ...base.imbalance, ...p.imbalance },
  walls: { ...base.walls, ...p.walls },
  flow: { ...base.flow, ...p.flow },
  volatility: { ...base.volatility, ...p.volatility },
  pump: { ...base.pump, ...p.pump },
  fees: { ...base.fees, ...p.fees },
  news: { ...base.news, ...p.news },
});

const NORMAL: ScoreContext = { regime: 'NORMAL', global: 'GLOBAL_NORMAL' };
const flag = (impact: NewsFlag['impact'], until = TS + 60_000): NewsFlag => ({ id: 'n', scope: 'SOL', impact, type: 'listing', at: TS - 1000, until });

/**
 * A strong long: imb = 0.6 × 0.8 + 0.4 × 0.5 = 0.68; walls 0.7 − 0.2 = 0.5; delta 0.5;
 * streak 4 / 5 = 0.8; large (2 − 0) / 3 = 0.6667; shared 0.25.
 * Raw long = 0.25 × 0.68 + 0.15 × 0.5 + 0.2 × 0.5 + 0.05 × 0.8 + 0.1 × 0.6667 + 0.25
 *          = 0.17 + 0.075 + 0.1 + 0.04 + 0.066667 + 0.25 = 0.701667; raw short = 0.25.
 */
const STRONG_LONG = with_({
  imbalance: { top: 0.5, zonal: 0.8 },
  walls: { supportScore: 0.7, resistanceScore: 0.2 },
  flow: { deltaRatio: 0.5, streak: 4, largeBuys: 2, largeSells: 0 },
});
const STRONG = 0.17 + 0.075 + 0.1 + 0.04 + 2 / 30 + 0.25;

describe('scalpScores table', () => {
  const table: readonly { name: string; v: FeatureView; ctx?: ScoreContext; long: number; short: number }[] = [
    { name: 'neutral: only the shared parts, 0.25 each way', v: NEUTRAL, long: 0.25, short: 0.25 },
    { name: 'strong long (worked above)', v: STRONG_LONG, long: STRONG, short: 0.25 },
    { name: 'up-pump BLOWOFF: the long × (1 − 0.9), the short × (1 − 0.5)', v: with_({ pump: { phase: 'BLOWOFF', change: 0.08 } }, STRONG_LONG), long: STRONG * 0.1, short: 0.125 },
    { name: 'up-pump DUMP: the long × 0.1', v: with_({ pump: { phase: 'DUMP', change: 0.03 } }, STRONG_LONG), long: STRONG * 0.1, short: 0.125 },
    { name: 'up-pump PUMPING: with the pump × 0.7, against × 0.3', v: with_({ pump: { phase: 'PUMPING', change: 0.05 } }), long: 0.175, short: 0.075 },
    { name: 'down-pump PUMPING: mirrored', v: with_({ pump: { phase: 'PUMPING', change: -0.05 } }), long: 0.075, short: 0.175 },
    { name: 'pump COOLDOWN: × 0.7 both', v: with_({ pump: { phase: 'COOLDOWN', change: 0.05 } }), long: 0.175, short: 0.175 },
    { name: 'MANIPULATED ⇒ 0 however strong', v: STRONG_LONG, ctx: { regime: 'MANIPULATED', global: 'GLOBAL_NORMAL' }, long: 0, short: 0 },
    {
      // 0.8 × 0.5 × 3/4 = 0.3 on the long (bids were pulled), 0.8 × 0.5 × 1/4 = 0.1 on the short.
      name: 'spoofed bids: the long × 0.7, the short × 0.9',
      v: with_({ walls: { spoofingScore: 0.5, pulled: { bid: 3, ask: 1 } } }),
      long: 0.175,
      short: 0.225,
    },
    { name: 'spoofing with no pulls recorded: split evenly (0.8 × 0.5 × 0.5 = 0.2)', v: with_({ walls: { spoofingScore: 0.5 } }), long: 0.2, short: 0.2 },
    { name: 'fresh medium news: × 0.6', v: with_({ news: { flag: flag('medium'), fresh: true } }), long: 0.15, short: 0.15 },
    { name: 'stale medium news: × (1 − 0.4 × 0.3) = 0.88', v: with_({ news: { flag: flag('medium'), fresh: false } }), long: 0.22, short: 0.22 },
    { name: 'fresh high news: 0', v: with_({ news: { flag: flag('high'), fresh: true } }), long: 0, short: 0 },
    { name: 'expired news: no penalty', v: with_({ news: { flag: flag('high', TS), fresh: true } }), long: 0.25, short: 0.25 },
    { name: 'GLOBAL_RISK_OFF: × 0.7', v: NEUTRAL, ctx: { regime: 'NORMAL', global: 'GLOBAL_RISK_OFF' }, long: 0.175, short: 0.175 },
    { name: 'GLOBAL_PANIC: 0', v: STRONG_LONG, ctx: { regime: 'NORMAL', global: 'GLOBAL_PANIC' }, long: 0, short: 0 },
    { name: 'half the fee move (6 of 12 bps): volatility 0.5 ⇒ 0.175', v: with_({ volatility: { atr3s: 0.0002 } }), long: 0.175, short: 0.175 },
    {
      // max(atr3s, atr1s × √3) = 0.0004 × 1.732 = 6.93 bps × 3 = 20.8 bps ⇒ ≥ 12 ⇒ 1.
      name: 'the 1-s ATR scaled by √3 when the 3-s one is missing',
      v: with_({ volatility: { atr3s: 0, atr1s: 0.0004 } }),
      long: 0.25,
      short: 0.25,
    },
    { name: 'no fee move to pay (0 bps): volatility 1', v: with_({ volatility: { atr3s: 0, atr1s: 0 }, fees: { minMoveBps: 0 } }), long: 0.25, short: 0.25 },
    { name: 'no movement at all: 0.1 from leverage only', v: with_({ volatility: { atr3s: 0, atr1s: 0 } }), long: 0.1, short: 0.1 },
    { name: 'liquidation at 50 bps: (50 − 25) / 50 = 0.5 ⇒ 0.2', v: with_({ fees: { liquidationDistance: 0.005 } }), long: 0.2, short: 0.2 },
    { name: 'liquidation inside the stop (20 bps): 0 ⇒ 0.15', v: with_({ fees: { liquidationDistance: 0.002 } }), long: 0.15, short: 0.15 },
    { name: 'no liquidation (unlevered: Infinity): 1', v: with_({ fees: { liquidationDistance: Infinity } }), long: 0.25, short: 0.25 },
    { name: 'profile boost +0.2: × 1.2', v: NEUTRAL, ctx: { ...NORMAL, profile: { scoreAdjust: 0.2 } }, long: 0.3, short: 0.3 },
    { name: 'profile boost −0.5: × 0.5', v: NEUTRAL, ctx: { ...NORMAL, profile: { scoreAdjust: -0.5 } }, long: 0.125, short: 0.125 },
    { name: 'profile boost +0.5 on the strong long: clamped at 1', v: STRONG_LONG, ctx: { ...NORMAL, profile: { scoreAdjust: 0.5 } }, long: 1, short: 0.375 },
  ];
  for (const t of table) {
    it(t.name, () => {
      const s = scalpScores(t.v, t.ctx ?? NORMAL);
      expect(s.long).toBeCloseTo(t.long, 12);
      expect(s.short).toBeCloseTo(t.short, 12);
    });
  }

  it('reports the parts and penalties behind the strong long', () => {
    const s = scalpScores(with_({ pump: { phase: 'BLOWOFF', change: 0.08 } }, STRONG_LONG), NORMAL);
    expect(s.parts.imbalanceLong).toBeCloseTo(0.68, 12);
    expect(s.parts.wallsLong).toBeCloseTo(0.5, 12);
    expect(s.parts).toMatchObject({ imbalanceShort: 0, wallsShort: 0, deltaLong: 0.5, streakLong: 0.8, largeShort: 0, volatility: 1, leverage: 1 });
    expect(s.parts.rawLong).toBeCloseTo(STRONG, 12);
    expect(s.penalties).toEqual({ pumpLong: 0.9, pumpShort: 0.5, spoofLong: 0, spoofShort: 0, news: 0, global: 0, manipulated: 0 });
  });

  it('documents weights that sum to 1', () => {
    const w = DEFAULT_SCORE_WEIGHTS;
    expect(w.imbalance + w.walls + w.delta + w.streak + w.large + w.volatility + w.leverage).toBeCloseTo(1, 12);
  });
});

// ── properties ───────────────────────────────────────────────────────────────────────────────

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const signed = fc.double({ min: -1, max: 1, noNaN: true });
const count = fc.integer({ min: 0, max: 10 });
const phases: PumpPhase[] = ['NONE', 'PREPUMP', 'PUMPING', 'BLOWOFF', 'DUMP', 'COOLDOWN'];

const arbView: fc.Arbitrary<FeatureView> = fc
  .record({
    top: signed,
    zonal: signed,
    support: unit,
    resistance: unit,
    spoof: unit,
    pulledBid: count,
    pulledAsk: count,
    buy: fc.double({ min: 0, max: 1000, noNaN: true }),
    sell: fc.double({ min: 0, max: 1000, noNaN: true }),
    streak: fc.integer({ min: -20, max: 20 }),
    largeBuys: count,
    largeSells: count,
    atr1s: fc.double({ min: 0, max: 0.01, noNaN: true }),
    atr3s: fc.double({ min: 0, max: 0.01, noNaN: true }),
    phase: fc.constantFrom(...phases),
    // A pump has a direction: the mirror flips it (0 would have none to flip).
    change: fc.oneof(fc.double({ min: 0.001, max: 0.5, noNaN: true }), fc.double({ min: -0.5, max: -0.001, noNaN: true })),
    minMoveBps: fc.double({ min: 0, max: 50, noNaN: true }),
    liq: fc.double({ min: 0, max: 0.5, noNaN: true }),
    news: fc.option(fc.constantFrom<NewsFlag['impact']>('low', 'medium', 'high')),
    fresh: fc.boolean(),
  })
  .map((r) => {
    const total = r.buy + r.sell;
    return with_({
      imbalance: { top: r.top, zonal: r.zonal },
      walls: { supportScore: r.support, resistanceScore: r.resistance, spoofingScore: r.spoof, pulled: { bid: r.pulledBid, ask: r.pulledAsk } },
      flow: { buyVolume: r.buy, sellVolume: r.sell, delta: r.buy - r.sell, deltaRatio: total > 0 ? (r.buy - r.sell) / total : 0, streak: r.streak, largeBuys: r.largeBuys, largeSells: r.largeSells },
      volatility: { atr1s: r.atr1s, atr3s: r.atr3s },
      pump: { phase: r.phase, change: r.change },
      fees: { minMoveBps: r.minMoveBps, liquidationDistance: r.liq },
      news: { flag: r.news ? flag(r.news) : null, fresh: r.fresh },
    });
  });

const arbCtx: fc.Arbitrary<ScoreContext> = fc.record({
  regime: fc.constantFrom<SymbolRegime>('NORMAL', 'PUMP', 'MANIPULATED', 'NEWS_DRIVEN', 'COOLDOWN'),
  global: fc.constantFrom<GlobalRegimeName>('GLOBAL_NORMAL', 'GLOBAL_RISK_OFF', 'GLOBAL_PANIC'),
  profile: fc.option(fc.record({ scoreAdjust: fc.double({ min: -1, max: 2, noNaN: true }) }), { nil: undefined }),
});

/** The same market seen upside down: bids ⇄ asks, buyers ⇄ sellers, up ⇄ down. */
function mirror(v: FeatureView): FeatureView {
  const w = v.walls;
  const f = v.flow;
  return {
    ...v,
    imbalance: { top: -v.imbalance.top, zonal: -v.imbalance.zonal },
    walls: {
      ...w,
      bid: w.ask && { ...w.ask, side: 'bid' },
      ask: w.bid && { ...w.bid, side: 'ask' },
      supportScore: w.resistanceScore,
      resistanceScore: w.supportScore,
      pulled: { bid: w.pulled.ask, ask: w.pulled.bid },
      absorbed: { bid: w.absorbed.ask, ask: w.absorbed.bid },
    },
    flow: { ...f, buyVolume: f.sellVolume, sellVolume: f.buyVolume, delta: -f.delta, deltaRatio: -f.deltaRatio, streak: -f.streak, largeBuys: f.largeSells, largeSells: f.largeBuys },
    pump: { ...v.pump, change: -v.pump.change },
  };
}

describe('scalpScores properties', () => {
  it('a mirrored book and tape gives exactly swapped scores, parts and penalties', () => {
    fc.assert(
      fc.property(arbView, arbCtx, (v, ctx) => {
        const a = scalpScores(v, ctx);
        const b = scalpScores(mirror(v), ctx);
        expect(b.long).toBe(a.short);
        expect(b.short).toBe(a.long);
        for (const k of ['imbalance', 'walls', 'delta', 'streak', 'large', 'raw']) {
          expect(b.parts[`${k}Long`]).toBe(a.parts[`${k}Short`]);
          expect(b.parts[`${k}Short`]).toBe(a.parts[`${k}Long`]);
        }
        expect([b.penalties.pumpLong, b.penalties.spoofLong]).toEqual([a.penalties.pumpShort, a.penalties.spoofShort]);
      }),
      { numRuns: 500 },
    );
  });

  it('scores, parts and penalties stay in [0, 1]', () => {
    fc.assert(
      fc.property(arbView, arbCtx, (v, ctx) => {
        const s = scalpScores(v, ctx);
        for (const x of [s.long, s.short, ...Object.values(s.parts), ...Object.values(s.penalties)]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('MANIPULATED ⇒ 0 both ways, whatever the view', () => {
    fc.assert(
      fc.property(arbView, arbCtx, (v, ctx) => {
        const s = scalpScores(v, { ...ctx, regime: 'MANIPULATED' });
        expect([s.long, s.short]).toEqual([0, 0]);
        expect(s.penalties.manipulated).toBe(1);
      }),
    );
  });

  it('is monotonic in imbalance: more bid-side weight never lowers the long nor raises the short', () => {
    fc.assert(
      fc.property(arbView, arbCtx, signed, signed, fc.constantFrom('top', 'zonal'), (v, ctx, x, y, which) => {
        const [lo, hi] = x <= y ? [x, y] : [y, x];
        const a = scalpScores(with_({ imbalance: { [which]: lo } }, v), ctx);
        const b = scalpScores(with_({ imbalance: { [which]: hi } }, v), ctx);
        expect(b.long).toBeGreaterThanOrEqual(a.long);
        expect(b.short).toBeLessThanOrEqual(a.short);
      }),
      { numRuns: 500 },
    );
  });

  it('a stronger bid imbalance strictly raises an unpenalized long', () => {
    const a = scalpScores(with_({ imbalance: { zonal: 0.2 } }), NORMAL);
    const b = scalpScores(with_({ imbalance: { zonal: 0.4 } }), NORMAL);
    // 0.25 × 0.6 × 0.2 = 0.03 more.
    expect(b.long - a.long).toBeCloseTo(0.03, 12);
    expect(b.short).toBe(a.short);
  });
});
