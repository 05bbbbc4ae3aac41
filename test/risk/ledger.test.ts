import { describe, expect, it } from 'vitest';
import { Ledger, type LedgerFill } from '../../src/risk/ledger.ts';

let seq = 0;
function fill(market: 'spot' | 'perp', side: 'buy' | 'sell', qty: string, price: string, extra: Partial<LedgerFill>): LedgerFill {
  const venue = market === 'spot' ? 'binance-spot' : 'bybit-linear';
  return {
    venue,
    instrument: `${venue}:BTCUSDT`,
    kind: market,
    base: 'BTC',
    quote: 'USDT',
    side,
    qty,
    price,
    fee: '0',
    feeAsset: 'USDT',
    tradeId: `t${++seq}`,
    ts: 1_000,
    ...extra,
  };
}
const spot = (side: 'buy' | 'sell', qty: string, price: string, extra: Partial<LedgerFill> = {}): LedgerFill => fill('spot', side, qty, price, extra);
const perp = (side: 'buy' | 'sell', qty: string, price: string, extra: Partial<LedgerFill> = {}): LedgerFill => fill('perp', side, qty, price, extra);

const P = 'bybit-linear:BTCUSDT';

describe('Ledger balances', () => {
  it('deposits, adopts the venue balance and lists balances per venue', () => {
    const l = new Ledger();
    l.deposit('okx', 'USDT', '100.50');
    l.deposit('okx', 'USDT', '0.25');
    l.deposit('bitget', 'USDC', '7');
    expect(l.balance('okx', 'USDT')).toBe('100.75');
    l.setBalance('okx', 'USDT', '99.000');
    expect(l.balance('okx', 'USDT')).toBe('99');
    expect(l.balance('okx', 'BTC')).toBe('0');
    expect(l.balances('okx')).toEqual({ okx: { USDT: '99' } });
    expect(l.balances()).toEqual({ okx: { USDT: '99' }, bitget: { USDC: '7' } });
  });

  it('moves base and quote on spot fills and debits fees from their asset', () => {
    const l = new Ledger();
    l.deposit('binance-spot', 'USDT', '1000');
    expect(l.applyFill(spot('buy', '0.015', '28552.1', { fee: '0.0000150', feeAsset: 'BTC' }))).toBe(true);
    expect(l.balance('binance-spot', 'BTC')).toBe('0.014985');
    expect(l.balance('binance-spot', 'USDT')).toBe('571.7185');
    l.applyFill(spot('sell', '0.01', '28600', { fee: '0.286', feeAsset: 'USDT' }));
    expect(l.balance('binance-spot', 'BTC')).toBe('0.004985');
    expect(l.balance('binance-spot', 'USDT')).toBe('857.4325');
    l.applyFill(spot('sell', '0.001', '28600', { fee: '0.0012', feeAsset: 'BNB' }));
    expect(l.balance('binance-spot', 'BNB')).toBe('-0.0012');
    // The base fee is valued at its fill price (0.000015 × 28552.1); BNB cannot be valued.
    expect(l.stats('binance-spot:BTCUSDT')).toEqual({ fills: 3, realizedPnl: '0', fees: '0.7142815', otherFees: { BNB: '0.0012' } });
    expect(l.position('binance-spot:BTCUSDT')).toBeUndefined();
  });

  it('credits a rebate (negative fee)', () => {
    const l = new Ledger();
    l.applyFill(perp('buy', '1', '100', { fee: '-0.01' }));
    expect(l.balance('bybit-linear', 'USDT')).toBe('0.01');
    expect(l.realizedPnl()).toBe('0.01');
  });
});

describe('Ledger perp positions', () => {
  it('opens, adds, and closes FIFO with realized PnL credited to the quote', () => {
    const l = new Ledger();
    l.applyFill(perp('buy', '1', '100'));
    l.applyFill(perp('buy', '2', '103'));
    expect(l.position(P)).toMatchObject({ qty: '3', entryPrice: '102', realizedPnl: '0' });
    l.applyFill(perp('sell', '1.5', '110', { fee: '0.1' }));
    // 1 × (110 − 100) + 0.5 × (110 − 103) = 13.5, oldest lot first.
    expect(l.position(P)).toEqual({
      instrument: P,
      qty: '1.5',
      entryPrice: '103',
      lots: [{ qty: '1.5', price: '103' }],
      realizedPnl: '13.5',
      fees: '0.1',
    });
    expect(l.balance('bybit-linear', 'USDT')).toBe('13.4');
    expect(l.realizedPnl()).toBe('13.4');
  });

  it('realizes a short with the opposite sign', () => {
    const l = new Ledger();
    l.applyFill(perp('sell', '2', '100'));
    l.applyFill(perp('buy', '1', '90'));
    expect(l.position(P)).toMatchObject({ qty: '-1', realizedPnl: '10' });
    expect(l.unrealizedPnl(P, '95')).toBe('5');
    expect(l.unrealizedPnl(P, '101.5')).toBe('-1.5');
  });

  it('closes and flips when a fill is larger than the position', () => {
    const l = new Ledger();
    l.applyFill(perp('buy', '1', '100'));
    l.applyFill(perp('sell', '3', '95'));
    expect(l.position(P)).toMatchObject({ qty: '-2', entryPrice: '95', lots: [{ qty: '2', price: '95' }], realizedPnl: '-5' });
    l.applyFill(perp('buy', '2', '95'));
    expect(l.position(P)).toMatchObject({ qty: '0', entryPrice: '0', lots: [] });
    expect(l.positions()).toEqual([]);
  });

  it('multiplies by the contract size', () => {
    const l = new Ledger();
    const ct = { instrument: 'okx:BTC-USDT-SWAP', venue: 'okx', contractSize: '0.01' };
    l.applyFill(perp('buy', '5', '28000.5', ct));
    expect(l.unrealizedPnl('okx:BTC-USDT-SWAP', '28010.7')).toBe('0.51');
    l.applyFill(perp('sell', '2', '28100', ct));
    expect(l.position('okx:BTC-USDT-SWAP')).toMatchObject({ qty: '3', realizedPnl: '1.99' });
    expect(l.balance('okx', 'USDT')).toBe('1.99');
  });

  it('rounds the display entry price half-up to 12 decimals', () => {
    const l = new Ledger();
    l.applyFill(perp('buy', '1', '1'));
    l.applyFill(perp('buy', '2', '2'));
    expect(l.position(P)?.entryPrice).toBe('1.666666666667');
  });

  it('lists open positions only', () => {
    const l = new Ledger();
    l.applyFill(perp('buy', '1', '100'));
    l.applyFill(perp('buy', '1', '100', { instrument: 'okx:ETH-USDT-SWAP', venue: 'okx' }));
    l.applyFill(perp('sell', '1', '100', { instrument: 'okx:ETH-USDT-SWAP', venue: 'okx' }));
    expect(l.positions().map((p) => p.instrument)).toEqual([P]);
    expect(l.unrealizedPnl('nope', '1')).toBe('0');
  });
});

describe('Ledger deduplication', () => {
  it('applies a trade id once per instrument', () => {
    const l = new Ledger();
    const f = perp('buy', '1', '100', { fee: '0.05', tradeId: 'x1' });
    expect(l.applyFill(f)).toBe(true);
    const before = l.toJSON();
    expect(l.applyFill(f)).toBe(false);
    expect(l.applyFill({ ...f, qty: '9' })).toBe(false);
    expect(l.toJSON()).toEqual(before);
    expect(l.applyFill({ ...f, instrument: 'okx:BTC-USDT-SWAP', venue: 'okx' })).toBe(true);
  });

  it('forgets the oldest trade ids beyond its memory', () => {
    const l = new Ledger({ tradeIdMemory: 2 });
    for (const id of ['a', 'b', 'c']) l.applyFill(perp('buy', '1', '100', { tradeId: id }));
    expect(l.applyFill(perp('buy', '1', '100', { tradeId: 'b' }))).toBe(false);
    expect(l.applyFill(perp('buy', '1', '100', { tradeId: 'a' }))).toBe(true);
  });
});

describe('Ledger realized PnL since a time', () => {
  it('sums realized minus fees of fills at or after sinceTs', () => {
    const l = new Ledger();
    l.applyFill(perp('buy', '1', '100', { ts: 100, fee: '0.1' }));
    l.applyFill(perp('sell', '1', '90', { ts: 200, fee: '0.1' }));
    l.applyFill(perp('buy', '1', '90', { ts: 300, fee: '0.2' }));
    expect(l.realizedPnl()).toBe('-10.4');
    expect(l.realizedPnl(200)).toBe('-10.3');
    expect(l.realizedPnl(201)).toBe('-0.2');
    expect(l.realizedPnl(400)).toBe('0');
    expect(l.coveredSince()).toBe(-Infinity);
  });

  it('keeps a bounded record and says from when it is complete', () => {
    const l = new Ledger({ maxRecords: 2 });
    for (const ts of [10, 20, 30]) l.applyFill(perp('buy', '1', '100', { ts, fee: '1' }));
    expect(l.realizedPnl(0)).toBe('-2');
    expect(l.realizedPnl()).toBe('-3');
    expect(l.coveredSince()).toBe(11);
  });
});

describe('Ledger equity', () => {
  it('adds USD-like balances, perp unrealized PnL and spot holdings at their mark', () => {
    const l = new Ledger();
    l.deposit('bybit-linear', 'USDT', '1000');
    l.deposit('okx', 'USDC', '500');
    l.deposit('okx', 'ETH', '3');
    l.applyFill(perp('buy', '0.5', '100'));
    l.applyFill(spot('buy', '0.1', '20000'));
    const marks: Record<string, string> = { [P]: '110', 'binance-spot:BTCUSDT': '21000' };
    // 1000 + 500 + (0 − 2000) USDT + 0.5 × 10 + 0.1 × 21000; ETH has no known market.
    expect(l.equity((id) => marks[id])).toBe('1605');
    expect(l.equity(() => undefined)).toBe('-500');
    expect(l.equity((id) => marks[id], ['USDT'])).toBe('1105');
  });
});

describe('Ledger persistence', () => {
  it('round-trips through JSON exactly and keeps deduplicating', () => {
    const l = new Ledger({ maxRecords: 3 });
    l.deposit('bybit-linear', 'USDT', '1000.10');
    l.applyFill(perp('buy', '1.5', '100.25', { tradeId: 'k1', fee: '0.01', ts: 5 }));
    l.applyFill(perp('buy', '0.5', '101', { tradeId: 'k2', ts: 6 }));
    l.applyFill(perp('sell', '1', '99', { tradeId: 'k3', ts: 7 }));
    l.applyFill(spot('buy', '1', '10', { tradeId: 'k4', ts: 8, fee: '1', feeAsset: 'BNB' }));
    const state = JSON.parse(JSON.stringify(l.toJSON()));
    const r = Ledger.from(state, { maxRecords: 3 });
    expect(r.toJSON()).toEqual(l.toJSON());
    expect(r.position(P)).toEqual(l.position(P));
    expect(r.realizedPnl(6)).toBe(l.realizedPnl(6));
    expect(r.coveredSince()).toBe(6);
    expect(r.applyFill(perp('sell', '1', '99', { tradeId: 'k3' }))).toBe(false);
  });

  it('rejects malformed numbers instead of guessing', () => {
    const l = new Ledger();
    expect(() => l.applyFill(perp('buy', '1e3', '100'))).toThrow(/qty/);
    expect(() => l.applyFill(perp('buy', '0', '100'))).toThrow(/positive/);
    expect(() => l.applyFill(perp('buy', '1', '-1'))).toThrow(/negative/);
    expect(() => l.deposit('okx', 'USDT', 'NaN')).toThrow(/amount/);
    expect(l.toJSON().instruments).toEqual({});
  });
});

describe('Ledger.setPosition (adopting the venue state)', () => {
  it('replaces the lots with the venue position and keeps realized PnL', () => {
    const l = new Ledger();
    const meta = { venue: 'bybit-linear', kind: 'perp' as const, base: 'BTC', quote: 'USDT' };
    l.applyFill({ ...meta, instrument: 'bybit-linear:BTCUSDT', side: 'buy', qty: '1', price: '100', fee: '0', feeAsset: 'USDT', tradeId: 'a', ts: 1 });
    l.applyFill({ ...meta, instrument: 'bybit-linear:BTCUSDT', side: 'sell', qty: '0.5', price: '110', fee: '0', feeAsset: 'USDT', tradeId: 'b', ts: 2 });
    l.setPosition('bybit-linear:BTCUSDT', meta, '-0.2', '105');
    expect(l.position('bybit-linear:BTCUSDT')).toMatchObject({ qty: '-0.2', realizedPnl: '5' });
    expect(l.unrealizedPnl('bybit-linear:BTCUSDT', '100')).toBe('1');
    l.setPosition('bybit-linear:BTCUSDT', meta, '0', '0');
    expect(l.positions()).toEqual([]);
  });
});
