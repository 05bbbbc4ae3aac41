import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newOrder, type SagaLeg, type SagaOrder, type TwoLegContext } from '../../../machines/twoLeg.machine.ts';
import { doneOrder, sagaContext } from './sagaFixture.ts';
import { OrderBook } from '../../../src/market/orderBook.ts';
import { makeInstrument, type Instrument } from '../../../src/model/instrument.ts';
import { planRecovery, type RecoveryParams, type RecoveryView } from '../../../src/strategies/arbitrage/recovery.ts';

// Spot A: tick 0.01, lot 0.001; spot B: tick 0.1, lot 0.01 ⇒ fine unit 0.001 BTC, 1 unit per lot on A, 10 on B.
const SPOT_A = makeInstrument({ venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
const SPOT_B = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01' });
// Perps: linear tick 0.1 lot 0.001; an OKX-like swap of 0.01 BTC contracts, whole contracts ⇒ 10 units per lot.
const PERP_A = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
const SWAP_B = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '1', contractSize: '0.01' });

const PARAMS: RecoveryParams = { retryGuardBps: 15, maxUnwindLossBps: 100 };
const AT = 7_000;

/** A book from [price, qty] text levels, best first, converted onto the instrument's grid. */
function bookOf(inst: Instrument, bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[] = []): OrderBook {
  const flat = (levels: readonly (readonly [string, string])[]) => levels.flatMap(([p, q]) => [inst.price.toInt(p), inst.qty.toInt(q)]);
  const b = new OrderBook(inst.id);
  b.loadSnapshot(flat(bids), flat(asks));
  return b;
}

function view(insts: readonly Instrument[], books: readonly OrderBook[], mayAddRisk = true): RecoveryView {
  return {
    instrument: (id) => insts.find((i) => i.id === id),
    book: (id) => books.find((b) => b.instrument === id),
    mayAddRisk,
  };
}

const done = (o: Pick<SagaOrder, 'key' | 'leg' | 'purpose' | 'side' | 'units'>, filled: number, avgPrice: string | null): SagaOrder => doneOrder(o, filled, avgPrice);

const legA = (inst: Instrument, unitsPerLot: number, seenPrice: number): SagaLeg => ({ instrument: inst.id, side: 'buy', unitsPerLot, seenPrice });
const legB = (inst: Instrument, unitsPerLot: number, seenPrice: number): SagaLeg => ({ instrument: inst.id, side: 'sell', unitsPerLot, seenPrice });

/** A 100-unit (0.1 BTC) spot saga: a buys on A (seen 100), b sells on B (seen 101). */
const ctx = (orders: readonly SagaOrder[], over: Partial<TwoLegContext> = {}): TwoLegContext => sagaContext(orders, over);

const aOpen = (filled: number, price: string | null = '100.2') => done({ key: 'a:open', leg: 'a', purpose: 'open', side: 'buy', units: 100 }, filled, filled > 0 ? price : null);
const bOpen = (filled: number, price: string | null = '101') => done({ key: 'b:open', leg: 'b', purpose: 'open', side: 'sell', units: 100 }, filled, filled > 0 ? price : null);

/** a bought 0.1 at 100.2, b rejected: b (sell) is missing 100 units = 10 lots of B. */
const A_ONLY = ctx([aOpen(100), bOpen(0)]);
/** B's bids: 5 lots at 100.9 + 5 at 100.8 ⇒ VWAP 100.85 ≥ guard 101 × (1 − 15/1e4) = 100.8485. */
const B_WITHIN = bookOf(SPOT_B, [['100.9', '0.05'], ['100.8', '0.1']]);
/** B's bids: 2 lots at 100.9 + 8 at 100.7 ⇒ (201.8 + 805.6) / 10 = 100.74 < 100.8485. */
const B_BEYOND = bookOf(SPOT_B, [['100.9', '0.02'], ['100.7', '0.1']]);
/** The unwind of a: sell no lower than 100.2 × (1 − 100/1e4) = 99.198, aggressive (down) on 0.01 ⇒ 99.19. */
const UNWIND_A = newOrder({ key: 'a:unwind:1', leg: 'a', purpose: 'unwind', side: 'sell', units: 100, limitPrice: '99.19', reduceOnly: false });

describe('planRecovery: opening phase', () => {
  it('retries the lagging sell leg when its VWAP is within the guard, at the guard rounded down onto the tick', () => {
    const ev = planRecovery(A_ONLY, view([SPOT_A, SPOT_B], [B_WITHIN]), PARAMS, AT);
    // Guard 100.8485, a sell rounds aggressive (down) onto the 0.1 tick ⇒ 100.8.
    expect(ev).toEqual({
      type: 'recovery.retry',
      at: AT,
      order: newOrder({ key: 'b:retry:1', leg: 'b', purpose: 'retry', side: 'sell', units: 100, limitPrice: '100.8', reduceOnly: false }),
      why: expect.stringContaining('guard'),
    });
  });

  it('unwinds the filled leg when the lagging VWAP is beyond the guard: limit = fill × (1 − 100 bps), not reduce-only on spot', () => {
    const ev = planRecovery(A_ONLY, view([SPOT_A, SPOT_B], [B_BEYOND]), PARAMS, AT);
    expect(ev).toEqual({ type: 'recovery.unwind', at: AT, order: UNWIND_A, why: expect.stringMatching(/unwind a: .*beyond the 15 bps guard/) });
  });

  it('retries the lagging buy leg at the guard rounded up; beyond it unwinds the sell leg by buying ≤ fill × (1 + 100 bps)', () => {
    // b sold 0.1 at 101, a rejected: a (buy) misses 100 units = 100 lots of A. Guard 100 × 1.0015 = 100.15.
    const bOnly = ctx([aOpen(0), bOpen(100, '101')]);
    const within = bookOf(SPOT_A, [], [['100.10', '0.1']]);
    expect(planRecovery(bOnly, view([SPOT_A, SPOT_B], [within]), PARAMS, AT)).toMatchObject({
      type: 'recovery.retry',
      order: { key: 'a:retry:1', leg: 'a', side: 'buy', units: 100, limitPrice: '100.15', reduceOnly: false },
    });
    // 40 lots at 100.10 + 60 at 100.20 = (4004 + 6012) / 100 = 100.16 > 100.15.
    const beyond = bookOf(SPOT_A, [], [['100.10', '0.04'], ['100.20', '0.1']]);
    // Unwind b: buy back ≤ 101 × 1.01 = 102.01, aggressive (up) onto the 0.1 tick ⇒ 102.1.
    expect(planRecovery(bOnly, view([SPOT_A, SPOT_B], [beyond]), PARAMS, AT)).toMatchObject({
      type: 'recovery.unwind',
      order: { key: 'b:unwind:1', leg: 'b', purpose: 'unwind', side: 'buy', units: 100, limitPrice: '102.1', reduceOnly: false },
    });
  });

  it('unwinds instead of retrying when the portfolio takes no new risk, even within the guard', () => {
    const ev = planRecovery(A_ONLY, view([SPOT_A, SPOT_B], [B_WITHIN], false), PARAMS, AT);
    expect(ev).toEqual({ type: 'recovery.unwind', at: AT, order: UNWIND_A, why: 'unwind a: the portfolio takes no new risk' });
  });

  it('keeps the last attempt for the unwind: recoveries ≥ maxRecoveries − 1 ⇒ unwind; one fewer ⇒ retry', () => {
    const used = planRecovery(ctx(A_ONLY.orders, { recoveries: 3 }), view([SPOT_A, SPOT_B], [B_WITHIN]), PARAMS, AT);
    expect(used).toMatchObject({ type: 'recovery.unwind', order: { key: 'a:unwind:4' }, why: 'unwind a: retries used up' });
    const left = planRecovery(ctx(A_ONLY.orders, { recoveries: 2 }), view([SPOT_A, SPOT_B], [B_WITHIN]), PARAMS, AT);
    expect(left).toMatchObject({ type: 'recovery.retry', order: { key: 'b:retry:3' } });
  });

  it('unwinds when the lagging book is missing or cannot fill the missing size', () => {
    expect(planRecovery(A_ONLY, view([SPOT_A, SPOT_B], []), PARAMS, AT)).toMatchObject({ type: 'recovery.unwind', why: `unwind a: no synced book for ${SPOT_B.id}` });
    // Only 0.05 BTC bid in total for the 0.1 missing.
    const thin = bookOf(SPOT_B, [['100.9', '0.05']]);
    expect(planRecovery(A_ONLY, view([SPOT_A, SPOT_B], [thin]), PARAMS, AT)).toMatchObject({
      type: 'recovery.unwind',
      why: `unwind a: ${SPOT_B.id}'s book cannot fill 0.10`,
    });
  });

  it('marks reduce-only on a perp unwind (not on a perp retry) and sizes the swap in contracts', () => {
    // a on the linear perp (1 unit per lot), b on the swap (10 units per lot), a filled 100 units at 50000.
    const perp = (orders: readonly SagaOrder[]) => ctx(orders, { kind: 'perp', legs: { a: legA(PERP_A, 1, 50_000), b: legB(SWAP_B, 10, 50_010) } });
    const aFilled = perp([done({ key: 'a:open', leg: 'a', purpose: 'open', side: 'buy', units: 100 }, 100, '50000'), bOpen(0)]);
    // Guard 50010 × (1 − 0.0015) = 49934.985; 10 contracts bid at 50000 is within ⇒ retry at 49934.9.
    const within = bookOf(SWAP_B, [['50000', '10']]);
    expect(planRecovery(aFilled, view([PERP_A, SWAP_B], [within]), PARAMS, AT)).toMatchObject({
      type: 'recovery.retry',
      order: { leg: 'b', side: 'sell', units: 100, limitPrice: '49934.9', reduceOnly: false },
    });
    // Unwind a (sell 0.1 BTC) ≥ 50000 × 0.99 = 49500.
    expect(planRecovery(aFilled, view([PERP_A, SWAP_B], [], false), PARAMS, AT)).toMatchObject({
      type: 'recovery.unwind',
      order: { leg: 'a', side: 'sell', units: 100, limitPrice: '49500.0', reduceOnly: true },
    });
    // b filled (10 contracts = 100 units), a missing: the unwind buys back 10 lots of the swap (100 units) ≤ 50010 × 1.01 = 50510.1.
    const bFilled = perp([done({ key: 'a:open', leg: 'a', purpose: 'open', side: 'buy', units: 100 }, 0, null), bOpen(100, '50010')]);
    expect(planRecovery(bFilled, view([PERP_A, SWAP_B], [], false), PARAMS, AT)).toMatchObject({
      type: 'recovery.unwind',
      order: { key: 'b:unwind:1', leg: 'b', side: 'buy', units: 100, limitPrice: '50510.1', reduceOnly: true },
    });
  });

  it('a partial fill on the lagging leg hedges only the filled quantity: the leading leg unwinds the excess', () => {
    // a filled 100, b filled 50 (5 lots of B): no retry of b even within the guard; a sells back 100 − 50 = 50.
    const half = ctx([aOpen(100), bOpen(50)]);
    expect(planRecovery(half, view([SPOT_A, SPOT_B], [B_WITHIN]), PARAMS, AT)).toMatchObject({
      type: 'recovery.unwind',
      order: { key: 'a:unwind:1', leg: 'a', side: 'sell', units: 50, limitPrice: '99.19' },
      why: 'unwind a: b filled in part: the trade hedges only the filled quantity',
    });
  });

  it('retries only whole lots of the lagging leg', () => {
    // a filled 57 units, b nothing: 57 units = 5 lots of B (10 units each) + 7 ⇒ the retry sells 50.
    const odd = ctx([aOpen(57), bOpen(0)]);
    expect(planRecovery(odd, view([SPOT_A, SPOT_B], [B_WITHIN]), PARAMS, AT)).toMatchObject({ type: 'recovery.retry', order: { key: 'b:retry:1', units: 50 } });
    // a filled 7: below one lot of B ⇒ no retry; a unwinds its 7 units (a lot of A is one unit).
    const tiny = ctx([aOpen(7), bOpen(0)]);
    expect(planRecovery(tiny, view([SPOT_A, SPOT_B], [B_WITHIN]), PARAMS, AT)).toMatchObject({
      type: 'recovery.unwind',
      order: { key: 'a:unwind:1', side: 'sell', units: 7 },
      why: expect.stringContaining('below one lot'),
    });
  });

  it('calls a difference below one lot on both sides dust', () => {
    // Lots of 0.002 (2 units) and 0.003 (3 units): a bought 8, b sold 9 ⇒ 1 unit missing on a, 1 too many on b.
    const a2 = makeInstrument({ ...SPOT_A, lotSize: '0.002' });
    const b3 = makeInstrument({ ...SPOT_B, lotSize: '0.003' });
    const c = ctx([aOpen(8), bOpen(9)], { legs: { a: legA(a2, 2, 100), b: legB(b3, 3, 101) } });
    const ev = planRecovery(c, view([a2, b3], [bookOf(a2, [], [['100', '1']])]), PARAMS, AT);
    expect(ev).toMatchObject({ type: 'recovery.dust', at: AT, units: 1 });
    expect(ev && 'why' in ev ? ev.why : '').toMatch(/below one lot/);
  });

  it('answers nothing when the legs are balanced and gives up on an unknown instrument', () => {
    expect(planRecovery(ctx([aOpen(100), bOpen(100)]), view([SPOT_A, SPOT_B], []), PARAMS, AT)).toBeUndefined();
    expect(planRecovery(A_ONLY, view([SPOT_B], [B_BEYOND]), PARAMS, AT)).toEqual({ type: 'recovery.give_up', at: AT, why: `unknown instrument ${SPOT_A.id}` });
  });

  it('falls back to the seen price when the filled leg reports no average price', () => {
    // a filled with avgPrice unknown: unwind ≥ seen 100 × 0.99 = 99.
    const c = ctx([aOpen(100, null), bOpen(0)]);
    expect(planRecovery(c, view([SPOT_A, SPOT_B], [], false), PARAMS, AT)).toMatchObject({ order: { limitPrice: '99.00' } });
  });
});

describe('planRecovery: exit phase', () => {
  /** Perp saga that opened 100/100 and sent both exits; a's closed, b's rejected: b still short 100. */
  const exitCtx = (recoveries = 0) =>
    ctx(
      [
        done({ key: 'a:open', leg: 'a', purpose: 'open', side: 'buy', units: 100 }, 100, '50000'),
        done({ key: 'b:open', leg: 'b', purpose: 'open', side: 'sell', units: 100 }, 100, '50010'),
        done({ key: 'a:exit', leg: 'a', purpose: 'exit', side: 'sell', units: 100 }, 100, '50005'),
        done({ key: 'b:exit', leg: 'b', purpose: 'exit', side: 'buy', units: 100 }, 0, null),
      ],
      { kind: 'perp', phase: 'exit', recoveries, legs: { a: legA(PERP_A, 1, 50_000), b: legB(SWAP_B, 10, 50_010) } },
    );

  it('closes the difference at market, reduce-only, without a book and even when no new risk is taken', () => {
    expect(planRecovery(exitCtx(), view([PERP_A, SWAP_B], [], false), PARAMS, AT)).toEqual({
      type: 'recovery.unwind',
      at: AT,
      order: newOrder({ key: 'b:unwind:1', leg: 'b', purpose: 'unwind', side: 'buy', units: 100, limitPrice: null, reduceOnly: true }),
      why: 'exit left 100 units more on b',
    });
  });

  it('names the order <leg>:<purpose>:<recoveries + 1>', () => {
    expect(planRecovery(exitCtx(2), view([PERP_A, SWAP_B], []), PARAMS, AT)).toMatchObject({ order: { key: 'b:unwind:3' } });
  });

  it('closes a partial exit on the leg that still holds more: a sold 40 of 100 back ⇒ a sells 60', () => {
    const c = exitCtx();
    const partial = ctx(
      [c.orders[0]!, c.orders[1]!, { ...c.orders[2]!, filled: 40 }, { ...c.orders[3]!, filled: 100, avgPrice: '50002' }],
      { kind: 'perp', phase: 'exit', legs: c.legs },
    );
    expect(planRecovery(partial, view([PERP_A, SWAP_B], []), PARAMS, AT)).toMatchObject({
      type: 'recovery.unwind',
      order: { key: 'a:unwind:1', leg: 'a', side: 'sell', units: 60, limitPrice: null, reduceOnly: true },
    });
  });
});

describe('planRecovery: prices are the exact guard and cap', () => {
  it('an unwind limit exactly on the grid is that price: 107 × (1 − 100 bps) = 105.93, not a tick beyond the cap', () => {
    // 107 × 0.99 = 105.93 exactly; a float product gives 105.92999999999999, which rounds down to 105.92.
    const c = ctx([aOpen(100, '107'), bOpen(0)], { legs: { a: legA(SPOT_A, 1, 107), b: legB(SPOT_B, 10, 108) } });
    expect(planRecovery(c, view([SPOT_A, SPOT_B], [], false), PARAMS, AT)).toMatchObject({ type: 'recovery.unwind', order: { limitPrice: '105.93' } });
  });

  it('a VWAP exactly at the guard is within it: seen 104, 25 bps ⇒ guard 104.26, ask 104.26 ⇒ retry at 104.26', () => {
    // 104 × 1.0025 = 104.26 exactly; a float product gives 104.25999999999999 < 104.26.
    const c = ctx([aOpen(0), bOpen(100, '105')], { legs: { a: legA(SPOT_A, 1, 104), b: legB(SPOT_B, 10, 105) } });
    const asks = bookOf(SPOT_A, [], [['104.26', '1']]);
    expect(planRecovery(c, view([SPOT_A, SPOT_B], [asks]), { ...PARAMS, retryGuardBps: 25 }, AT)).toMatchObject({
      type: 'recovery.retry',
      order: { leg: 'a', side: 'buy', limitPrice: '104.26' },
    });
  });

  it('property: a sell unwind limit is floor(fill × (1 − cap)) on the tick, computed exactly', () => {
    // Half the cases are whole-dollar fills with caps whose exact limit lands on the 0.01 grid (100 × k × (1 − 25·j bps)).
    const onGrid = fc.tuple(fc.integer({ min: 1, max: 100_000 }).map((k) => k * 100), fc.integer({ min: 1, max: 20 }).map((j) => j * 25));
    const any = fc.tuple(fc.integer({ min: 100, max: 10_000_000 }), fc.integer({ min: 1, max: 500 }));
    fc.assert(
      fc.property(fc.oneof(onGrid, any), ([fillTicks, capBps]) => {
        const fill = SPOT_A.price.toText(fillTicks);
        const c = ctx([aOpen(100, fill), bOpen(0)]);
        const ev = planRecovery(c, view([SPOT_A, SPOT_B], [], false), { ...PARAMS, maxUnwindLossBps: capBps }, AT);
        // Exact in integers: ticks × (10000 − bps) / 10000, rounded down (a sell rounds aggressive).
        const want = (BigInt(fillTicks) * BigInt(10_000 - capBps)) / 10_000n;
        expect(ev).toMatchObject({ type: 'recovery.unwind', order: { limitPrice: SPOT_A.price.toText(Number(want)) } });
      }),
      { numRuns: 500 },
    );
  });
});
