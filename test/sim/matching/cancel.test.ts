import { describe, expect, it } from 'vitest';
import { bal, limit, market, placed, seedSpot, setup, SPOT } from './helpers.ts';

describe('cancel and queries', () => {
  it('cancels by order id and releases the hold', () => {
    const { e, clock } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    const r = placed(e, limit('buy', '99.00', '1'));
    expect(bal(e, 'a', 'USDT').free).toBe('900.9505');
    clock.t = 2_000;
    const c = e.cancel('a', SPOT.symbol, { orderId: r.order.orderId });
    expect('order' in c && c.order).toMatchObject({ status: 'canceled', updatedAt: 2_000, createdAt: 1_000 });
    expect(bal(e, 'a', 'USDT')).toEqual({ total: '1000', free: '1000' });
    expect(e.openOrders('a')).toEqual([]);
    expect(e.order('a', SPOT.symbol, { orderId: r.order.orderId })?.status).toBe('canceled');
  });

  it('cancels by client id; the partially filled part stays booked', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    placed(e, limit('buy', '100.10', '1', { clientOrderId: 'c1' }));
    const c = e.cancel('a', SPOT.symbol, { clientOrderId: 'c1' });
    expect('order' in c && c.order).toMatchObject({ status: 'canceled', filledQty: '0.500' });
    expect(bal(e, 'a', 'BTC')).toEqual({ total: '0.5', free: '0.5' });
    const usdt = bal(e, 'a', 'USDT');
    expect(usdt.free).toBe(usdt.total);
  });

  it('answers ORDER_NOT_FOUND for unknown ids and other accounts, ORDER_CLOSED for finished orders', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    const rest = placed(e, limit('buy', '99.00', '0.1'));
    const done = placed(e, market('buy', '0.1'));
    const code = (r: ReturnType<typeof e.cancel>): string | undefined => ('reject' in r ? r.reject.code : undefined);
    expect(code(e.cancel('a', SPOT.symbol, { orderId: '999' }))).toBe('ORDER_NOT_FOUND');
    expect(code(e.cancel('a', SPOT.symbol, { clientOrderId: 'nope' }))).toBe('ORDER_NOT_FOUND');
    expect(code(e.cancel('a', SPOT.symbol, {}))).toBe('ORDER_NOT_FOUND');
    expect(code(e.cancel('b', SPOT.symbol, { orderId: rest.order.orderId }))).toBe('ORDER_NOT_FOUND');
    expect(code(e.cancel('a', 'ETHUSDT', { orderId: rest.order.orderId }))).toBe('UNKNOWN_SYMBOL');
    expect(code(e.cancel('a', SPOT.symbol, { orderId: done.order.orderId }))).toBe('ORDER_CLOSED');
    expect(code(e.cancel('a', SPOT.symbol, { orderId: rest.order.orderId }))).toBeUndefined();
    expect(code(e.cancel('a', SPOT.symbol, { orderId: rest.order.orderId }))).toBe('ORDER_CLOSED');
  });

  it('lists open orders per account and symbol in placement order', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '1000');
    e.deposit('b', 'USDT', '1000');
    seedSpot(e);
    const x = placed(e, limit('buy', '99.00', '0.1'));
    const y = placed(e, limit('buy', '98.00', '0.1'));
    placed(e, limit('buy', '97.00', '0.1', { account: 'b' }));
    expect(e.openOrders('a').map((o) => o.orderId)).toEqual([x.order.orderId, y.order.orderId]);
    expect(e.openOrders('a', SPOT.symbol)).toHaveLength(2);
    expect(e.openOrders('a', 'OTHER')).toEqual([]);
    expect(e.openOrders('b')).toHaveLength(1);
    expect(e.openOrders('nobody')).toEqual([]);
    expect(e.balances('nobody')).toEqual([]);
    expect(e.order('a', SPOT.symbol, { clientOrderId: x.order.clientOrderId })?.orderId).toBe(x.order.orderId);
    expect(e.order('a', 'OTHER', { orderId: x.order.orderId })).toBeUndefined();
  });
});
