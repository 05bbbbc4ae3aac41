import { describe, expect, it } from 'vitest';
import type { SimOrderRequest } from '../../../src/sim/matching/types.ts';
import { bal, limit, market, placed, rejectOf, seedSpot, setup, SPOT } from './helpers.ts';

// Book: bids 100.00 × 1, 99.90 × 2; asks 100.10 × 0.5, 100.20 × 2. Fees: maker 0.0002, taker 0.0005.
const cases: { name: string; req: SimOrderRequest; status: string; filled: string; fills: [string, string][]; reason?: string; open: number }[] = [
  { name: 'GTC below the ask rests', req: limit('buy', '100.00', '0.1'), status: 'new', filled: '0.000', fills: [], open: 1 },
  { name: 'GTC through two levels fills', req: limit('buy', '100.20', '1'), status: 'filled', filled: '1.000', fills: [['100.1', '0.500'], ['100.2', '0.500']], open: 0 },
  { name: 'GTC takes the level then rests the rest', req: limit('buy', '100.10', '1'), status: 'partially_filled', filled: '0.500', fills: [['100.1', '0.500']], open: 1 },
  { name: 'IOC takes what is there, the rest expires', req: limit('buy', '100.10', '1', { tif: 'IOC' }), status: 'expired', filled: '0.500', fills: [['100.1', '0.500']], open: 0 },
  { name: 'IOC with nothing in reach expires unfilled', req: limit('buy', '99.00', '1', { tif: 'IOC' }), status: 'expired', filled: '0.000', fills: [], open: 0 },
  { name: 'FOK larger than the book expires unfilled', req: limit('buy', '100.20', '3', { tif: 'FOK' }), status: 'expired', filled: '0.000', fills: [], reason: 'FOK_UNFILLABLE', open: 0 },
  { name: 'FOK beyond its limit price expires unfilled', req: limit('buy', '100.10', '0.6', { tif: 'FOK' }), status: 'expired', filled: '0.000', fills: [], reason: 'FOK_UNFILLABLE', open: 0 },
  { name: 'FOK that fits fills completely', req: limit('buy', '100.20', '2.5', { tif: 'FOK' }), status: 'filled', filled: '2.500', fills: [['100.1', '0.500'], ['100.2', '2.000']], open: 0 },
  { name: 'POST_ONLY inside the spread rests', req: limit('sell', '100.10', '0.1', { tif: 'POST_ONLY' }), status: 'new', filled: '0.000', fills: [], open: 1 },
  { name: 'market buy walks the asks', req: market('buy', '1'), status: 'filled', filled: '1.000', fills: [['100.1', '0.500'], ['100.2', '0.500']], open: 0 },
  { name: 'market larger than the book fills it all and expires', req: market('buy', '5'), status: 'expired', filled: '2.500', fills: [['100.1', '0.500'], ['100.2', '2.000']], open: 0 },
  { name: 'market sell walks the bids', req: market('sell', '1.5'), status: 'filled', filled: '1.500', fills: [['100.0', '1.000'], ['99.9', '0.500']], open: 0 },
  { name: 'market FOK larger than the book expires', req: market('buy', '3', { tif: 'FOK' }), status: 'expired', filled: '0.000', fills: [], reason: 'FOK_UNFILLABLE', open: 0 },
];

describe('place: order types and time in force', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { e } = setup();
      e.deposit('a', 'USDT', '100000');
      e.deposit('a', 'BTC', '10');
      seedSpot(e);
      const r = placed(e, c.req);
      expect(r.order.status).toBe(c.status);
      expect(r.order.filledQty).toBe(c.filled);
      expect(r.fills.map((f) => [f.price, f.qty])).toEqual(c.fills);
      expect(r.fills.every((f) => f.liquidity === 'taker')).toBe(true);
      expect(r.order.reason).toBe(c.reason);
      expect(e.openOrders('a')).toHaveLength(c.open);
      expect(e.order('a', SPOT.symbol, { orderId: r.order.orderId })).toEqual(r.order);
    });
  }

  it('charges the taker fee on each fill, exactly, and moves the assets', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    const r = placed(e, limit('buy', '100.20', '1'));
    // 0.5 × 100.10 × 0.0005 = 0.025025; 0.5 × 100.20 × 0.0005 = 0.02505
    expect(r.fills.map((f) => [f.fee, f.feeAsset])).toEqual([
      ['0.025025', 'USDT'],
      ['0.02505', 'USDT'],
    ]);
    expect(r.order.fee).toBe('0.050075');
    expect(r.order.avgPrice).toBe('100.15');
    // 1000 − 50.05 − 50.10 − 0.050075
    expect(bal(e, 'a', 'USDT')).toEqual({ total: '899.799925', free: '899.799925' });
    expect(bal(e, 'a', 'BTC')).toEqual({ total: '1', free: '1' });
    expect(e.sumOf('USDT')).toBe('1000');
    expect(e.sumOf('BTC')).toBe('0');
    expect(bal(e, '@fees', 'USDT').total).toBe('0.050075');
  });

  it('uses up the market liquidity it takes until the market sets the level again', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    placed(e, market('buy', '0.7'));
    expect(e.marketLevels(SPOT.symbol, 'ask')).toEqual([['100.2', '1.800']]);
    e.onMarket(SPOT.symbol, { asks: [['100.1', '0.400']] }, []);
    expect(e.marketLevels(SPOT.symbol, 'ask')).toEqual([
      ['100.1', '0.400'],
      ['100.2', '1.800'],
    ]);
  });

  it('locks the quote of a resting buy with the larger fee rate, and the base of a resting sell', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    e.deposit('a', 'BTC', '1');
    seedSpot(e);
    placed(e, limit('buy', '99.00', '0.1'));
    expect(bal(e, 'a', 'USDT')).toEqual({ total: '1000', free: '990.09505' }); // 9.9 × 1.0005
    placed(e, limit('sell', '101.00', '0.25'));
    expect(bal(e, 'a', 'BTC')).toEqual({ total: '1', free: '0.75' });
  });
});

describe('place: checks', () => {
  const table: { name: string; req: SimOrderRequest; code: string }[] = [
    { name: 'unknown symbol', req: limit('buy', '100.00', '0.1', { symbol: 'NOPE' }), code: 'UNKNOWN_SYMBOL' },
    { name: 'price off the tick grid', req: limit('buy', '100.05', '0.1'), code: 'BAD_PRICE' },
    { name: 'zero price', req: limit('buy', '0', '0.1'), code: 'BAD_PRICE' },
    { name: 'negative price', req: limit('buy', '-100.00', '0.1'), code: 'BAD_PRICE' },
    { name: 'limit without a price', req: { ...limit('buy', '1', '0.1'), price: undefined }, code: 'BAD_PRICE' },
    { name: 'price not a number', req: limit('buy', '1e2', '0.1'), code: 'BAD_PRICE' },
    { name: 'qty off the lot grid', req: limit('buy', '100.00', '0.1005'), code: 'BAD_QTY' },
    { name: 'zero qty', req: limit('buy', '100.00', '0'), code: 'BAD_QTY' },
    { name: 'negative qty', req: limit('buy', '100.00', '-1'), code: 'BAD_QTY' },
    { name: 'qty below the minimum', req: limit('buy', '100.00', '0.001'), code: 'MIN_QTY' },
    { name: 'notional below the minimum', req: limit('buy', '100.00', '0.049'), code: 'MIN_NOTIONAL' },
    { name: 'market notional below the minimum (at the best price)', req: market('buy', '0.049'), code: 'MIN_NOTIONAL' },
    { name: 'buy beyond the free quote (fee included)', req: limit('buy', '100.00', '10'), code: 'INSUFFICIENT_BALANCE' },
    { name: 'sell beyond the free base', req: limit('sell', '101.00', '2.001'), code: 'INSUFFICIENT_BALANCE' },
    { name: 'market buy beyond the free quote', req: market('buy', '2.5'), code: 'INSUFFICIENT_BALANCE' },
    { name: 'post-only that would take', req: limit('buy', '100.10', '0.1', { tif: 'POST_ONLY' }), code: 'POST_ONLY_WOULD_TAKE' },
    { name: 'post-only through the book', req: limit('sell', '99.00', '0.1', { tif: 'POST_ONLY' }), code: 'POST_ONLY_WOULD_TAKE' },
    { name: 'post-only market order', req: market('buy', '0.1', { tif: 'POST_ONLY' }), code: 'POST_ONLY_WOULD_TAKE' },
    { name: 'reduce-only on spot', req: limit('sell', '101.00', '0.1', { reduceOnly: true }), code: 'REDUCE_ONLY_REJECTED' },
  ];
  for (const c of table) {
    it(`${c.name}: ${c.code}`, () => {
      const { e, events } = setup();
      e.deposit('a', 'USDT', '200');
      e.deposit('a', 'BTC', '2');
      seedSpot(e);
      events.length = 0;
      expect(rejectOf(e, c.req)).toBe(c.code);
      expect(events).toEqual([]); // a reject creates no order and tells nobody
      expect(e.openOrders('a')).toEqual([]);
    });
  }

  it('accepts exactly the free balance (fee estimate included)', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '10.005');
    seedSpot(e);
    expect(rejectOf(e, limit('buy', '100.00', '0.101'))).toBe('INSUFFICIENT_BALANCE');
    expect(rejectOf(e, limit('buy', '100.00', '0.1'))).toBeUndefined();
    expect(bal(e, 'a', 'USDT').free).toBe('0');
    expect(rejectOf(e, limit('buy', '100.00', '0.1'))).toBe('INSUFFICIENT_BALANCE');
  });

  it('rejects a market order when the other side is empty: NO_LIQUIDITY', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    e.onMarket(SPOT.symbol, { bids: [['100.0', '1']] }, []);
    expect(rejectOf(e, market('buy', '0.1'))).toBe('NO_LIQUIDITY');
  });

  it('rejects a client id already open for that symbol, and allows it again once closed', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    const first = placed(e, limit('buy', '99.00', '0.1', { clientOrderId: 'x1' }));
    expect(first.order.clientOrderId).toBe('x1');
    expect(rejectOf(e, limit('buy', '98.00', '0.1', { clientOrderId: 'x1' }))).toBe('DUPLICATE_CLIENT_ID');
    expect(rejectOf(e, limit('buy', '98.00', '0.1', { clientOrderId: 'x1', account: 'b' }))).toBe('INSUFFICIENT_BALANCE');
    e.cancel('a', SPOT.symbol, { clientOrderId: 'x1' });
    expect(rejectOf(e, limit('buy', '98.00', '0.1', { clientOrderId: 'x1' }))).toBeUndefined();
  });

  it('makes a client id when none is given', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    const r = placed(e, limit('buy', '99.00', '0.1'));
    expect(r.order.clientOrderId).toBe(`sim-${r.order.orderId}`);
  });
});
