import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PumpPhase } from '../../../src/features/types.ts';
import { makeInstrument } from '../../../src/model/instrument.ts';
import {
  DEFAULT_EXIT_OPTIONS,
  isRefusal,
  lotOf,
  planExits,
  sizeFromRisk,
  type ExitInput,
  type ExitPlan,
  type RiskSizingInput,
} from '../../../src/strategies/scalper/tpsl.ts';

/** A long at 100 with its stop at 99: risk 1.00; fee move 12 bps (0.12); round-trip fees 11 bps. */
const LONG: ExitInput = { side: 'long', entry: 100, stop: 99, minMoveBps: 12, feesBps: 11, pumpPhase: 'NONE' };

function plan(i: ExitInput): ExitPlan {
  const p = planExits(i);
  if (isRefusal(p)) throw new Error(p.refuse);
  return p;
}

const close = (p: ExitPlan, want: Partial<ExitPlan>) => {
  for (const [k, v] of Object.entries(want)) expect(p[k as keyof ExitPlan], k).toBeCloseTo(v, 9);
};

describe('planExits by hand', () => {
  it('long, stop 1.00 away: TP1 at 1R (101 > the 100.12 fee move), TP2 at 2R, break-even at fees × 1.5', () => {
    // tp1 = 100 + max(0.12, 1 × 1) = 101; tp2 = 100 + max(2 × 1, 1.5 × 1) = 102;
    // breakEvenAt = 100 × (1 + 0.0011 × 1.5) = 100.165; breakEvenStop = 100 × 1.0011 = 100.11.
    close(plan(LONG), { tp1: 101, tp2: 102, stop: 99, breakEvenAt: 100.165, breakEvenStop: 100.11, trailBps: 15 });
  });

  it('long, tight stop (0.05): TP1 is the fee move, not 1R (fee-first)', () => {
    // tp1 = 100 + max(0.12, 0.05) = 100.12; tp2 = 100 + max(0.10, 1.5 × 0.12 = 0.18) = 100.18.
    close(plan({ ...LONG, stop: 99.95 }), { tp1: 100.12, tp2: 100.18, stop: 99.95 });
  });

  it('short is the mirror: entry 100, stop 100.05', () => {
    // tp1 = 100 − 0.12; tp2 = 100 − 0.18; breakEvenAt = 100 × (1 − 0.00165); breakEvenStop = 100 × (1 − 0.0011).
    close(plan({ ...LONG, side: 'short', stop: 100.05 }), { tp1: 99.88, tp2: 99.82, stop: 100.05, breakEvenAt: 99.835, breakEvenStop: 99.89 });
  });

  it('in ticks (tick 1): targets and break-even rounded away from the entry', () => {
    // Entry 10000 ticks (100.00 at 0.01), stop 9995: risk 5 < the 12-tick fee move ⇒ tp1 10012, tp2 10000 + 18.
    // breakEvenAt 10000 × 1.00165 = 10016.5 ⇒ 10017 (up, never closer); breakEvenStop 10011 exactly.
    expect(plan({ ...LONG, entry: 10000, stop: 9995, tick: 1 })).toEqual({ tp1: 10012, tp2: 10018, stop: 9995, breakEvenAt: 10017, breakEvenStop: 10011, trailBps: 15 });
    // Short: 9983.5 ⇒ 9983 (down).
    expect(plan({ ...LONG, side: 'short', entry: 10000, stop: 10005, tick: 1 })).toEqual({ tp1: 9988, tp2: 9982, stop: 10005, breakEvenAt: 9983, breakEvenStop: 9989, trailBps: 15 });
  });

  it('the break-even math: at breakEvenAt the unrealized PnL is the fees × 1.5; stopped at breakEvenStop it pays the fees exactly', () => {
    const p = plan(LONG);
    const qty = 2;
    const fees = qty * LONG.entry * (LONG.feesBps / 1e4); // 2 × 100 × 0.0011 = 0.22
    expect((p.breakEvenAt - LONG.entry) * qty).toBeCloseTo(fees * 1.5, 12); // 0.33
    expect((p.breakEvenStop - LONG.entry) * qty - fees).toBeCloseTo(0, 12);
  });

  it('trails tighter in BLOWOFF (15 × 0.4 = 6 bps) and DUMP (10.5), never below 3 bps', () => {
    const trail = (pumpPhase: PumpPhase, trailBps = 15) => plan({ ...LONG, pumpPhase, opts: { ...DEFAULT_EXIT_OPTIONS, trailBps } }).trailBps;
    expect(trail('NONE')).toBe(15);
    expect(trail('PUMPING')).toBe(15);
    expect(trail('BLOWOFF')).toBeCloseTo(6, 12);
    expect(trail('DUMP')).toBeCloseTo(10.5, 12);
    expect(trail('BLOWOFF')).toBeLessThan(trail('NONE'));
    // 5 × 0.4 = 2 < the 3 bps floor.
    expect(trail('BLOWOFF', 5)).toBe(3);
  });

  const refusals: readonly [string, ExitInput, RegExp][] = [
    ['MANIPULATED', { ...LONG, regime: 'MANIPULATED' }, /MANIPULATED/],
    ['high-risk news', { ...LONG, regime: 'NEWS_DRIVEN', newsBlock: true }, /high-risk news/],
    ['a long stop above the entry', { ...LONG, stop: 100.5 }, /not on the losing side/],
    ['a short stop below the entry', { ...LONG, side: 'short', stop: 99.5 }, /not on the losing side/],
    ['a stop at the entry', { ...LONG, stop: 100 }, /not on the losing side/],
    ['no entry', { ...LONG, entry: 0, stop: -1 }, /no usable entry/],
    ['a negative fee move', { ...LONG, minMoveBps: -1 }, /no usable fee move/],
  ];
  for (const [name, i, why] of refusals) {
    it(`refuses on ${name}`, () => {
      const p = planExits(i);
      expect(isRefusal(p)).toBe(true);
      expect((p as { refuse: string }).refuse).toMatch(why);
    });
  }

  it('plans in NEWS_DRIVEN without the block (medium news) and in PUMP (the chart decides on those)', () => {
    expect(isRefusal(planExits({ ...LONG, regime: 'NEWS_DRIVEN', newsBlock: false }))).toBe(false);
    expect(isRefusal(planExits({ ...LONG, regime: 'PUMP', pumpPhase: 'BLOWOFF' }))).toBe(false);
  });
});

describe('planExits properties', () => {
  const arbInput = fc
    .record({
      side: fc.constantFrom<'long' | 'short'>('long', 'short'),
      entry: fc.double({ min: 0.0001, max: 100_000, noNaN: true }),
      riskFrac: fc.double({ min: 1e-5, max: 0.2, noNaN: true }),
      minMoveBps: fc.double({ min: 0, max: 100, noNaN: true }),
      feesBps: fc.double({ min: 0, max: 20, noNaN: true }),
      pumpPhase: fc.constantFrom<PumpPhase>('NONE', 'PREPUMP', 'PUMPING', 'BLOWOFF', 'DUMP', 'COOLDOWN'),
      ticked: fc.boolean(),
    })
    .map(({ side, entry, riskFrac, ticked, ...r }): ExitInput => {
      const e = ticked ? Math.round(entry) + 1 : entry;
      const dir = side === 'long' ? 1 : -1;
      return { ...r, side, entry: e, stop: e * (1 - dir * riskFrac), ...(ticked ? { tick: 1 } : {}) };
    });

  it('TP1 always clears the fee move; TP2 is at or beyond TP1; the break-even stop covers the fees', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const p = plan(i);
        const dir = i.side === 'long' ? 1 : -1;
        const tol = 1e-9 * i.entry;
        // Fee-first: the TP1 move is at least minMoveBps of the entry.
        expect(dir * (p.tp1 - i.entry)).toBeGreaterThanOrEqual((i.entry * i.minMoveBps) / 1e4 - tol);
        expect(dir * (p.tp2 - p.tp1)).toBeGreaterThanOrEqual(-tol);
        expect(dir * (p.breakEvenStop - i.entry)).toBeGreaterThanOrEqual((i.entry * i.feesBps) / 1e4 - tol);
        expect(dir * (p.breakEvenAt - p.breakEvenStop)).toBeGreaterThanOrEqual(-tol);
        expect(dir * (i.entry - p.stop)).toBeGreaterThan(0);
        if (i.tick === 1) for (const x of [p.tp1, p.tp2, p.breakEvenAt, p.breakEvenStop]) expect(Number.isInteger(x)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('BLOWOFF never trails wider than the same trade without a pump', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        expect(plan({ ...i, pumpPhase: 'BLOWOFF' }).trailBps).toBeLessThanOrEqual(plan({ ...i, pumpPhase: 'NONE' }).trailBps);
      }),
    );
  });
});

// ── sizing ───────────────────────────────────────────────────────────────────────────────────

/**
 * 10,000 USDT equity risking 0.5 % = 50 USDT; long 100 with its stop at 99.
 * Loss per base if stopped: 1.00 + 100 × (11 + 4) bps = 1.00 + 0.15 = 1.15 ⇒ 50 / 1.15 = 43.478 base.
 * Leverage 5: 10,000 × 5 / 100 = 500 base; maxSizeUsd 20,000: 200 base. Risk binds ⇒ 434 lots of 0.1.
 */
const SIZE: RiskSizingInput = {
  equity: 10_000,
  riskPerTrade: 0.005,
  entry: 100,
  stop: 99,
  leverage: 5,
  feesBps: 11,
  latencyBufferBps: 4,
  maxSizeUsd: 20_000,
  lot: { lotSize: 0.1, minQty: 0.1, minNotional: 5 },
};

describe('sizeFromRisk by hand', () => {
  it('risk binds: 43.478 base ⇒ 434 lots = 43.4, notional 4,340', () => {
    expect(sizeFromRisk(SIZE)).toEqual({ qty: 43.4, lots: 434, notional: 4340, limitedBy: 'risk' });
  });

  it('a short sizes the same from the stop distance', () => {
    expect(sizeFromRisk({ ...SIZE, stop: 101 })).toEqual({ qty: 43.4, lots: 434, notional: 4340, limitedBy: 'risk' });
  });

  it('leverage binds: 10,000 × 0.3 / 100 = 30 base ⇒ 300 lots', () => {
    expect(sizeFromRisk({ ...SIZE, leverage: 0.3 })).toMatchObject({ qty: 30, lots: 300, limitedBy: 'leverage' });
  });

  it('maxSizeUsd binds: 1,000 / 100 = 10 base ⇒ 100 lots, notional 1,000', () => {
    expect(sizeFromRisk({ ...SIZE, maxSizeUsd: 1000 })).toMatchObject({ qty: 10, lots: 100, notional: 1000, limitedBy: 'maxSize' });
  });

  it('contracts (OKX-like ctVal 0.01 base, lot 1 contract): 43.478 base ⇒ 4,347 contracts', () => {
    expect(sizeFromRisk({ ...SIZE, lot: { lotSize: 1, contractSize: 0.01, minQty: 1 } })).toEqual({ qty: 4347, lots: 4347, notional: 4347, limitedBy: 'risk' });
  });

  it('fees and the latency buffer shrink the size: without them 50 / 1.00 = 50 base', () => {
    expect(sizeFromRisk({ ...SIZE, feesBps: 0, latencyBufferBps: 0 })).toMatchObject({ qty: 50, lots: 500 });
  });

  it('rounds down on the lot even where floats land just under it (0.3 / 0.001 = 299.99999999999994)', () => {
    // Risk 0.3 USDT over a stop of 1.00 and no fees: 0.3 base = 300 lots of 0.001.
    expect(sizeFromRisk({ ...SIZE, equity: 60, feesBps: 0, latencyBufferBps: 0, lot: { lotSize: 0.001 } })).toMatchObject({ lots: 300, qty: 0.3 });
  });

  const none: readonly [string, RiskSizingInput, RegExp][] = [
    ['below one lot (0.5 / 1.15 = 0.43 base, lot 1)', { ...SIZE, equity: 100, lot: { lotSize: 1 } }, /below one lot/],
    ['below the minimum notional (43.4 × 100 = 4,340 < 5,000)', { ...SIZE, lot: { lotSize: 0.1, minNotional: 5000 } }, /minimum notional/],
    ['below the minimum quantity (43.4 < 50)', { ...SIZE, lot: { lotSize: 0.1, minQty: 50 } }, /minimum quantity/],
    ['the stop at the entry', { ...SIZE, stop: 100 }, /stop is at the entry/],
    ['no equity', { ...SIZE, equity: 0 }, /nothing to risk/],
    ['no lot', { ...SIZE, lot: { lotSize: 0 } }, /no usable lot/],
  ];
  for (const [name, i, why] of none) {
    it(`sizes nothing, with the reason, for ${name}`, () => {
      const s = sizeFromRisk(i);
      expect(s).toMatchObject({ qty: 0, lots: 0, notional: 0 });
      expect(s.reason).toMatch(why);
    });
  }

  it('reads the lot grid off an instrument', () => {
    const inst = makeInstrument({ venue: 'okx', symbol: 'SOL-USDT-SWAP', kind: 'perp', base: 'SOL', quote: 'USDT', tickSize: '0.01', lotSize: '1', contractSize: '0.01', minQty: '1' });
    expect(lotOf(inst)).toEqual({ lotSize: 1, contractSize: 0.01, minQty: 1, minNotional: 0 });
  });

  it('never risks more than the budget, stays within leverage and the cap, on whole lots (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          equity: fc.double({ min: 10, max: 1e6, noNaN: true }),
          riskPerTrade: fc.double({ min: 0.0005, max: 0.05, noNaN: true }),
          entry: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
          stopFrac: fc.double({ min: 1e-4, max: 0.2, noNaN: true }),
          leverage: fc.double({ min: 0.5, max: 50, noNaN: true }),
          feesBps: fc.double({ min: 0, max: 20, noNaN: true }),
          latencyBufferBps: fc.double({ min: 0, max: 10, noNaN: true }),
          maxSizeUsd: fc.double({ min: 10, max: 1e6, noNaN: true }),
          lotSize: fc.constantFrom(0.001, 0.01, 0.1, 1, 10),
          contractSize: fc.constantFrom(1, 0.01, 0.1),
        }),
        (r) => {
          const i: RiskSizingInput = { ...r, stop: r.entry * (1 - r.stopFrac), lot: { lotSize: r.lotSize, contractSize: r.contractSize } };
          const s = sizeFromRisk(i);
          expect(Number.isInteger(s.lots)).toBe(true);
          if (s.lots === 0) return;
          const base = s.lots * r.lotSize * r.contractSize;
          const loss = base * (i.entry - i.stop + (i.entry * (r.feesBps + r.latencyBufferBps)) / 1e4);
          const slack = 1 + 1e-6;
          expect(loss).toBeLessThanOrEqual(r.equity * r.riskPerTrade * slack);
          expect(s.notional).toBeLessThanOrEqual(r.equity * r.leverage * slack);
          expect(s.notional).toBeLessThanOrEqual(r.maxSizeUsd * slack);
          // One more lot would break the binding limit.
          const more = (s.lots + 1) * r.lotSize * r.contractSize;
          const caps = [(r.equity * r.riskPerTrade) / (loss / base), (r.equity * r.leverage) / r.entry, r.maxSizeUsd / r.entry];
          expect(more).toBeGreaterThan(Math.min(...caps) * (1 - 1e-6));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
