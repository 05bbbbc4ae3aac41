import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInstrument, type InstrumentSpec } from '../../../src/model/instrument.ts';
import { pairGrid } from '../../../src/strategies/arbitrage/pairGrid.ts';
import { sizeTrade, type SizingInputs } from '../../../src/strategies/arbitrage/sizing.ts';

const perp = (over: Partial<InstrumentSpec> = {}) =>
  makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minNotional: '5', ...over });
/** OKX-like swap: 1 contract = 0.01 BTC, whole contracts ⇒ a lot of 0.01 BTC. */
const swap = (over: Partial<InstrumentSpec> = {}) =>
  makeInstrument({ venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '1', contractSize: '0.01', ...over });

const LIN = perp();
const SWAP = swap();
// fine 0.001, coarse 0.01 (10 units).
const GRID = pairGrid(LIN, SWAP);

/** Roomy on every constraint but the budget: 10000 / 50020 = 0.19992 BTC. */
function inputs(over: Partial<SizingInputs> = {}): SizingInputs {
  return {
    grid: GRID,
    buy: LIN,
    sell: SWAP,
    buyPrice: 50_000,
    sellPrice: 50_020,
    budgetQuote: 10_000,
    depthBase: { buy: 1, sell: 1 },
    free: { buyQuote: 100_000, sellQuote: 100_000, sellBase: 0 },
    leverage: 5,
    headroom: { buy: 10, sell: 10 },
    minOrdersHeadroom: 2,
    ...over,
  };
}

describe('sizeTrade', () => {
  it('budget binds: 10000 / max(50000, 50020) = 0.19992 BTC, down to the 0.01 coarse step = 0.19', () => {
    expect(sizeTrade(inputs())).toEqual({ ok: true, qtyBase: '0.19', units: 190, limitedBy: 'budget', notionalQuote: 0.19 * 50_000 });
  });

  it('depth binds: the sell side holds 0.0579 within the cap ⇒ 0.05 (not 0.057: the swap trades 0.01s)', () => {
    const s = sizeTrade(inputs({ depthBase: { buy: 1, sell: 0.0579 } }));
    expect(s).toMatchObject({ ok: true, qtyBase: '0.05', units: 50, limitedBy: 'depth' });
  });

  it('buy balance binds: 1000 USDT / 50000 × 5 leverage = 0.1 BTC', () => {
    const s = sizeTrade(inputs({ free: { buyQuote: 1000, sellQuote: 100_000, sellBase: 0 } }));
    expect(s).toMatchObject({ ok: true, qtyBase: '0.1', units: 100, limitedBy: 'balance:bybit-linear:BTCUSDT' });
  });

  it('sell balance of a perp binds: 500 USDT / 50020 × 5 = 0.04998 ⇒ 0.04', () => {
    const s = sizeTrade(inputs({ free: { buyQuote: 100_000, sellQuote: 500, sellBase: 0 } }));
    expect(s).toMatchObject({ ok: true, qtyBase: '0.04', units: 40, limitedBy: 'balance:okx:BTC-USDT-SWAP' });
  });

  it('spot legs ignore leverage and sell only the free base', () => {
    // Spot A lot 0.0001, spot B lot 0.001 ⇒ coarse 0.001.
    const a = makeInstrument({ venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.0001' });
    const b = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001' });
    const base = { grid: pairGrid(a, b), buy: a, sell: b, leverage: 5 };
    // Buy: 1000 / 50000 = 0.02 (× 1, not × 5); the sell venue's 0.0123 BTC is roomier.
    expect(sizeTrade(inputs({ ...base, free: { buyQuote: 1000, sellQuote: 0, sellBase: 0.0123 }, depthBase: { buy: 1, sell: 1 } }))).toMatchObject({
      ok: true,
      qtyBase: '0.012',
      limitedBy: 'balance:okx:BTC-USDT',
    });
    expect(sizeTrade(inputs({ ...base, free: { buyQuote: 1000, sellQuote: 0, sellBase: 1 } }))).toMatchObject({ ok: true, qtyBase: '0.02', limitedBy: 'balance:binance-spot:BTCUSDT' });
  });

  it('refuses when either venue has fewer orders left than the headroom asks', () => {
    const s = sizeTrade(inputs({ headroom: { buy: 10, sell: 1 } }));
    expect(s).toMatchObject({ ok: false, limitedBy: 'rate:okx:BTC-USDT-SWAP' });
    expect(s.ok === false && s.reason).toMatch(/only 1 orders left in okx's rate limit \(need 2\)/);
    expect(sizeTrade(inputs({ headroom: { buy: 0, sell: 10 } }))).toMatchObject({ ok: false, limitedBy: 'rate:bybit-linear:BTCUSDT' });
    expect(sizeTrade(inputs({ headroom: { buy: 2, sell: 2 } })).ok).toBe(true);
  });

  it('refuses a size below one coarse step, naming the binding constraint', () => {
    // 0.0099 BTC of depth is 9 units: a whole 0.001 lot but not a whole 0.01 contract.
    const s = sizeTrade(inputs({ depthBase: { buy: 0.0099, sell: 1 } }));
    expect(s).toMatchObject({ ok: false, limitedBy: 'depth' });
    expect(s.ok === false && s.reason).toMatch(/less than one common lot of 0\.01 BTC/);
  });

  it("refuses below an instrument's minimum quantity, in its own unit (contracts)", () => {
    // Min 10 contracts = 0.1 BTC; depth allows 0.05 BTC = 5 contracts.
    const sell = swap({ minQty: '10' });
    const s = sizeTrade(inputs({ sell, grid: pairGrid(LIN, sell), depthBase: { buy: 1, sell: 0.05 } }));
    expect(s).toMatchObject({ ok: false, limitedBy: 'minQty:okx:BTC-USDT-SWAP' });
    expect(s.ok === false && s.reason).toMatch(/0\.05 BTC \(5 on okx:BTC-USDT-SWAP\) is below its minimum quantity 10/);
  });

  it('refuses below a minimum notional, exactly', () => {
    // 0.019 of depth ⇒ 0.01 BTC × 50000 = 500 USDT < 1000.
    const buy = perp({ minNotional: '1000' });
    const s = sizeTrade(inputs({ buy, depthBase: { buy: 0.019, sell: 1 } }));
    expect(s).toMatchObject({ ok: false, limitedBy: 'minNotional:bybit-linear:BTCUSDT' });
    expect(s.ok === false && s.reason).toMatch(/0\.01 BTC at 50000 is 500 USDT, below bybit-linear:BTCUSDT's minimum notional 1000/);
    // 0.02 × 50000 = 1000: exactly the minimum passes.
    expect(sizeTrade(inputs({ buy, depthBase: { buy: 0.02, sell: 1 } }))).toMatchObject({ ok: true, qtyBase: '0.02' });
  });

  it('refuses without a usable price', () => {
    expect(sizeTrade(inputs({ buyPrice: NaN }))).toMatchObject({ ok: false, limitedBy: 'price' });
  });

  it('never exceeds any constraint and always lands on the coarse grid (property)', () => {
    const amount = fc.double({ min: 0, max: 5, noNaN: true });
    fc.assert(
      fc.property(amount, amount, amount, amount, fc.double({ min: 0, max: 200_000, noNaN: true }), (dBuy, dSell, fb, fs, budget) => {
        const i = inputs({ budgetQuote: budget, depthBase: { buy: dBuy, sell: dSell }, free: { buyQuote: fb * 50_000, sellQuote: fs * 50_020, sellBase: 0 }, leverage: 1 });
        const s = sizeTrade(i);
        if (!s.ok) return;
        const q = Number(s.qtyBase);
        expect(s.units % GRID.coarseUnits).toBe(0);
        expect(q).toBeCloseTo(s.units * 0.001, 12);
        for (const limit of [budget / 50_020, dBuy, dSell, fb, fs]) expect(q).toBeLessThanOrEqual(limit + 1e-9);
      }),
    );
  });
});
