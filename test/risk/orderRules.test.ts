import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../src/model/instrument.ts';
import { PERP } from './instruments.ts';
import { notionalOf, roundOrder } from '../../src/risk/orderRules.ts';
import { decText } from '../../src/model/decimal.ts';


const SWAP = makeInstrument({
  venue: 'okx',
  symbol: 'BTC-USDT-SWAP',
  kind: 'perp',
  base: 'BTC',
  quote: 'USDT',
  tickSize: '0.5',
  lotSize: '0.01',
  contractSize: '0.01',
  minNotional: '10',
});

describe('roundOrder', () => {
  it('rounds passively by default: size down to a lot, a buy down and a sell up to a tick', () => {
    expect(roundOrder(PERP, { side: 'buy', qty: '0.0129', price: '28552.17' })).toEqual({
      ok: true,
      qtyLots: 12,
      priceTicks: 285521,
      qty: '0.012',
      price: '28552.1',
    });
    expect(roundOrder(PERP, { side: 'sell', qty: '0.0129', price: '28552.17' })).toMatchObject({ priceTicks: 285522, price: '28552.2' });
  });

  it('rounds aggressively through the spread when asked', () => {
    expect(roundOrder(PERP, { side: 'buy', qty: '0.0129', price: '28552.11' }, 'aggressive')).toMatchObject({ priceTicks: 285522, qtyLots: 12 });
    expect(roundOrder(PERP, { side: 'sell', qty: '0.0129', price: '28552.19' }, 'aggressive')).toMatchObject({ priceTicks: 285521 });
  });

  it('keeps values already on the grid, in either mode', () => {
    for (const mode of ['passive', 'aggressive'] as const) {
      for (const side of ['buy', 'sell'] as const) {
        expect(roundOrder(PERP, { side, qty: '0.012', price: '28552.1' }, mode)).toMatchObject({ qtyLots: 12, priceTicks: 285521 });
      }
    }
  });

  it('takes floats from sizing without float error', () => {
    expect(roundOrder(PERP, { side: 'buy', qty: 0.1 + 0.2, price: 100.3 })).toMatchObject({ qtyLots: 300, priceTicks: 1003, qty: '0.300' });
  });

  it('rounds to a step that is not a power of ten', () => {
    expect(roundOrder(SWAP, { side: 'buy', qty: '12.345', price: '28000.3' })).toMatchObject({ qtyLots: 1234, priceTicks: 56000, qty: '12.34', price: '28000.0' });
    expect(roundOrder(SWAP, { side: 'sell', qty: '12.345', price: '28000.3' })).toMatchObject({ priceTicks: 56001, price: '28000.5' });
  });

  it('checks the price only when there is one (market orders)', () => {
    expect(roundOrder(PERP, { side: 'buy', qty: '0.002' })).toEqual({ ok: true, qtyLots: 2, qty: '0.002' });
  });

  it('refuses a size below one lot', () => {
    expect(roundOrder(PERP, { side: 'buy', qty: '0.0009', price: '100' })).toEqual({
      ok: false,
      reason: 'qty 0.0009 is below one lot of 0.001 on bybit-linear:BTCUSDT',
    });
  });

  it('refuses a size below the minimum quantity', () => {
    expect(roundOrder(PERP, { side: 'buy', qty: '0.0019', price: '28000' })).toEqual({
      ok: false,
      reason: 'qty 0.001 is below the minimum 0.002 on bybit-linear:BTCUSDT',
    });
  });

  it('refuses a notional below the minimum, counting the contract size', () => {
    // 0.03 contracts × 0.01 BTC × 28000 = 8.4 USDT < 10.
    expect(roundOrder(SWAP, { side: 'buy', qty: '0.03', price: '28000' })).toEqual({
      ok: false,
      reason: 'notional 8.4 USDT (0.03 at 28000.0) is below the minimum 10 USDT on okx:BTC-USDT-SWAP',
    });
    expect(roundOrder(SWAP, { side: 'buy', qty: '4', price: '28000' })).toMatchObject({ ok: true });
    expect(roundOrder(PERP, { side: 'buy', qty: '0.002', price: '2499.9' })).toMatchObject({ ok: false });
    expect(roundOrder(PERP, { side: 'buy', qty: '0.002', price: '2500' })).toMatchObject({ ok: true });
  });

  it('refuses non-positive or malformed sizes and prices, and a price below one tick', () => {
    expect(roundOrder(PERP, { side: 'buy', qty: '0', price: '1' })).toEqual({ ok: false, reason: 'qty 0 is not a positive number' });
    expect(roundOrder(PERP, { side: 'buy', qty: Number.NaN })).toEqual({ ok: false, reason: 'qty NaN is not a positive number' });
    expect(roundOrder(PERP, { side: 'buy', qty: '1e3' })).toMatchObject({ ok: false });
    expect(roundOrder(PERP, { side: 'buy', qty: '1', price: '-5' })).toEqual({ ok: false, reason: 'price -5 is not a positive number' });
    expect(roundOrder(PERP, { side: 'buy', qty: '1', price: '0.05' })).toEqual({
      ok: false,
      reason: 'price 0.05 is below one tick of 0.10 on bybit-linear:BTCUSDT',
    });
    expect(roundOrder(PERP, { side: 'sell', qty: '100', price: '0.05' })).toMatchObject({ ok: true, priceTicks: 1, price: '0.1' });
  });
});

describe('notionalOf', () => {
  it('is qty × price × contract size, exactly', () => {
    expect(decText(notionalOf(SWAP, 1234, 56001))).toBe('3455.2617');
    expect(decText(notionalOf(PERP, 3, 285521))).toBe('85.6563');
  });
});
