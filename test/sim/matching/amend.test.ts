import { describe, expect, it } from 'vitest';
import { MAX_FILLED_ORDERS_PER_ACCOUNT } from '../../../src/sim/matching/exec.ts';
import type { SimAccountEvent, SimFill } from '../../../src/sim/matching/types.ts';
import type { SimTrade } from '../../../src/sim/protocolServer.ts';
import { bal, limit, market, PERP, placed, seedSpot, setup, SPOT, type Engine } from './helpers.ts';

const S = SPOT.symbol;
let tradeN = 0;
function trade(side: 'buy' | 'sell', price: string, qty: string): SimTrade {
  return { id: `t${++tradeN}`, side, price, qty, ts: 1 };
}
const brief = (fs: readonly SimFill[]) => fs.map((f) => [f.account, f.side, f.price, f.qty, f.liquidity]);

/** Spot engine, seed book (bids 100.0 × 1, 99.9 × 2; asks 100.1 × 0.5, 100.2 × 2), a and b funded. */
function funded(usdt = '1000') {
  const s = setup();
  for (const acc of ['a', 'b']) {
    s.e.deposit(acc, 'USDT', usdt);
    s.e.deposit(acc, 'BTC', '5');
  }
  seedSpot(s.e);
  return s;
}

function amended(e: Engine, id: string, change: { qty?: string; price?: string }, account = 'a') {
  const r = e.amend(account, S, { orderId: id }, change);
  if ('reject' in r) throw new Error(`unexpected reject ${r.reject.code}: ${r.reject.message}`);
  return r;
}

function codeOf(r: ReturnType<Engine['amend']>): string | undefined {
  return 'reject' in r ? r.reject.code : undefined;
}

describe('amend: queue priority', () => {
  it('keeps the queue place on a qty decrease and re-holds exactly', () => {
    const { e, clock } = funded();
    const a = placed(e, limit('buy', '100.0', '0.3'));
    e.onMarket(S, {}, [trade('sell', '100.0', '0.6')]);
    clock.t = 2_000;
    const r = amended(e, a.order.orderId, { qty: '0.2' });
    expect(r.order).toMatchObject({ qty: '0.200', price: '100.0', status: 'new', updatedAt: 2_000 });
    expect(r.fills).toEqual([]);
    expect(e.queueAhead('a', S, a.order.orderId)).toBe('0.400');
    expect(bal(e, 'a', 'USDT')).toEqual({ total: '1000', free: '979.99' }); // 0.2 × 100 × 1.0005 held
    expect(brief(e.onMarket(S, {}, [trade('sell', '100.0', '1')]))).toEqual([['a', 'buy', '100.0', '0.200', 'maker']]);
    expect(bal(e, 'a', 'USDT').free).toBe(bal(e, 'a', 'USDT').total);
  });

  it('sends the order behind later orders and market size on a qty increase', () => {
    const { e } = funded();
    const a = placed(e, limit('buy', '100.0', '0.3')); // queue: market 1.0, a
    placed(e, limit('buy', '100.0', '0.2', { account: 'b' })); // then b
    e.onMarket(S, { bids: [['100.0', '1.500']] }, []); // 0.5 more market size joins behind b
    amended(e, a.order.orderId, { qty: '0.4' });
    expect(e.queueAhead('a', S, a.order.orderId)).toBe('1.500');
    // The market's 1.0 ahead of b, then b; a waits behind all 1.5 market lots.
    expect(brief(e.onMarket(S, {}, [trade('sell', '100.0', '1.3')]))).toEqual([['b', 'buy', '100.0', '0.200', 'maker']]);
    expect(e.queueAhead('a', S, a.order.orderId)).toBe('0.400');
    expect(brief(e.onMarket(S, {}, [trade('sell', '100.0', '0.6')]))).toEqual([['a', 'buy', '100.0', '0.200', 'maker']]);
  });

  it('queues behind the market size at a new price', () => {
    const { e } = funded();
    const a = placed(e, limit('buy', '100.0', '0.3'));
    const r = amended(e, a.order.orderId, { price: '99.9' });
    expect(r.order).toMatchObject({ price: '99.9', qty: '0.300' });
    expect(e.queueAhead('a', S, a.order.orderId)).toBe('2.000');
    expect(e.marketLevels(S, 'bid')).toEqual([
      ['100.0', '1.000'],
      ['99.9', '2.000'],
    ]);
    expect(bal(e, 'a', 'USDT').free).toBe('970.015015'); // 0.3 × 99.9 × 1.0005
  });
});

describe('amend: crossing', () => {
  it('takes as taker when the new price crosses, and rests the rest at the back', () => {
    const { e, events } = funded();
    const a = placed(e, limit('buy', '100.0', '0.3', { clientOrderId: 'c1' }));
    events.length = 0;
    const r = e.amend('a', S, { clientOrderId: 'c1' }, { price: '100.1', qty: '0.8' });
    if ('reject' in r) throw new Error(r.reject.code);
    expect(brief(r.fills)).toEqual([['a', 'buy', '100.1', '0.500', 'taker']]);
    expect(r.order).toMatchObject({ orderId: a.order.orderId, status: 'partially_filled', filledQty: '0.500', price: '100.1', qty: '0.800' });
    expect(e.queueAhead('a', S, a.order.orderId)).toBe('0.000');
    // 1000 − 50.05 − 0.025025 fee; 0.3 × 100.1 × 1.0005 = 30.045015 held.
    expect(bal(e, 'a', 'USDT')).toEqual({ total: '949.924975', free: '919.87996' });
    expect(bal(e, 'a', 'BTC')).toEqual({ total: '5.5', free: '5.5' });
    expect(events.map((ev) => ev.kind)).toEqual(['order', 'fill', 'order', 'balance', 'balance', 'balance']);
    expect(events[0]).toMatchObject({ kind: 'order', order: { price: '100.1', qty: '0.800', filledQty: '0.000' } });
    expect(e.sumOf('USDT')).toBe('2000');
    expect(e.sumOf('BTC')).toBe('10');
  });

  it('fills completely and closes when the crossing size covers it', () => {
    const { e } = funded();
    const a = placed(e, limit('sell', '100.2', '0.3'));
    const r = amended(e, a.order.orderId, { price: '99.9' });
    expect(brief(r.fills)).toEqual([['a', 'sell', '100.0', '0.300', 'taker']]);
    expect(r.order.status).toBe('filled');
    expect(e.openOrders('a')).toEqual([]);
    expect(bal(e, 'a', 'BTC')).toEqual({ total: '4.7', free: '4.7' });
  });

  it('trades against another account\'s resting order as taker, that order as maker', () => {
    const { e } = funded();
    const b = placed(e, limit('sell', '100.1', '0.2', { account: 'b' })); // behind the market's 0.5
    const a = placed(e, limit('buy', '100.0', '0.1'));
    const r = amended(e, a.order.orderId, { price: '100.1', qty: '0.6' });
    expect(brief(r.fills)).toEqual([
      ['a', 'buy', '100.1', '0.500', 'taker'],
      ['a', 'buy', '100.1', '0.100', 'taker'],
    ]);
    expect(e.fills('b', S, { orderId: b.order.orderId }).map((f) => [f.qty, f.liquidity])).toEqual([['0.100', 'maker']]);
    expect(e.sumOf('USDT')).toBe('2000');
  });
});

describe('amend: rejects leave the order unchanged', () => {
  it('rejects a post-only amend that would take', () => {
    const { e } = funded();
    const a = placed(e, limit('buy', '100.0', '0.3', { tif: 'POST_ONLY' }));
    const before = { order: e.order('a', S, { orderId: a.order.orderId }), usdt: bal(e, 'a', 'USDT') };
    expect(codeOf(e.amend('a', S, { orderId: a.order.orderId }, { price: '100.1' }))).toBe('POST_ONLY_WOULD_TAKE');
    expect(e.order('a', S, { orderId: a.order.orderId })).toEqual(before.order);
    expect(bal(e, 'a', 'USDT')).toEqual(before.usdt);
    expect(e.queueAhead('a', S, a.order.orderId)).toBe('1.000');
    expect(amended(e, a.order.orderId, { price: '99.9' }).order).toMatchObject({ price: '99.9', status: 'new' });
  });

  it('rejects an increase the free funds plus its own hold cannot cover', () => {
    const { e, events } = funded('50');
    const a = placed(e, limit('buy', '100.0', '0.3'));
    events.length = 0;
    expect(codeOf(e.amend('a', S, { orderId: a.order.orderId }, { qty: '0.5' }))).toBe('INSUFFICIENT_BALANCE'); // needs 50.025
    expect(events).toEqual([]);
    expect(e.order('a', S, { orderId: a.order.orderId })?.qty).toBe('0.300');
    expect(bal(e, 'a', 'USDT')).toEqual({ total: '50', free: '19.985' });
    amended(e, a.order.orderId, { qty: '0.49' });
    expect(bal(e, 'a', 'USDT')).toEqual({ total: '50', free: '0.9755' }); // 0.49 × 100 × 1.0005
  });

  it('re-holds the base of a sell', () => {
    const { e } = funded();
    const a = placed(e, limit('sell', '100.5', '0.4'));
    expect(bal(e, 'a', 'BTC').free).toBe('4.6');
    amended(e, a.order.orderId, { qty: '1' });
    expect(bal(e, 'a', 'BTC')).toEqual({ total: '5', free: '4' });
    expect(codeOf(e.amend('a', S, { orderId: a.order.orderId }, { qty: '5.001' }))).toBe('INSUFFICIENT_BALANCE');
  });

  it('classes bad input and orders that cannot be amended', () => {
    const { e } = funded();
    const open = placed(e, limit('buy', '100.1', '0.7')); // 0.5 filled, 0.2 resting
    const id = { orderId: open.order.orderId };
    const done = placed(e, market('buy', '0.1'));
    const canceled = placed(e, limit('buy', '99.0', '0.1'));
    e.cancel('a', S, { orderId: canceled.order.orderId });
    const cases: [string, ReturnType<Engine['amend']>][] = [
      ['BAD_QTY', e.amend('a', S, id, { qty: '0.5' })],
      ['BAD_QTY', e.amend('a', S, id, { qty: '0.6005' })],
      ['BAD_QTY', e.amend('a', S, id, {})],
      ['BAD_PRICE', e.amend('a', S, id, { price: '100.15' })],
      ['BAD_PRICE', e.amend('a', S, id, { price: '0' })],
      ['MIN_NOTIONAL', e.amend('a', S, id, { price: '0.1' })],
      ['ORDER_CLOSED', e.amend('a', S, { orderId: done.order.orderId }, { qty: '1' })],
      ['ORDER_CLOSED', e.amend('a', S, { orderId: canceled.order.orderId }, { qty: '1' })],
      ['ORDER_NOT_FOUND', e.amend('a', S, { orderId: '999' }, { qty: '1' })],
      ['ORDER_NOT_FOUND', e.amend('b', S, id, { qty: '1' })],
      ['UNKNOWN_SYMBOL', e.amend('a', 'NOPE', id, { qty: '1' })],
    ];
    expect(cases.map(([, r]) => codeOf(r))).toEqual(cases.map(([c]) => c));
    expect(e.order('a', S, id)).toMatchObject({ qty: '0.700', price: '100.1', filledQty: '0.500', status: 'partially_filled' });
  });
});

describe('amend: perps', () => {
  function perp() {
    const s = setup([PERP]);
    s.e.deposit('a', 'USDT', '100');
    s.e.onMarket(PERP.symbol, { bids: [['99.9', '100']], asks: [['100.1', '100']] }, []);
    return s;
  }
  const P = PERP.symbol;

  it('re-holds margin plus fees for the new size', () => {
    const { e } = perp();
    const r = placed(e, { account: 'a', symbol: P, side: 'buy', type: 'limit', tif: 'GTC', price: '99.0', qty: '2' });
    expect(bal(e, 'a', 'USDT').free).toBe('98.01901'); // 1.98 margin + 0.00099 fee hold
    e.amend('a', P, { orderId: r.order.orderId }, { qty: '4' });
    expect(bal(e, 'a', 'USDT').free).toBe('96.03802');
    e.amend('a', P, { orderId: r.order.orderId }, { qty: '1' });
    expect(bal(e, 'a', 'USDT').free).toBe('99.009505');
  });

  it('caps a reduce-only increase at the position', () => {
    const { e } = perp();
    placed(e, { account: 'a', symbol: P, side: 'buy', type: 'market', tif: 'IOC', qty: '3' });
    const r = placed(e, { account: 'a', symbol: P, side: 'sell', type: 'limit', tif: 'GTC', price: '101.0', qty: '2', reduceOnly: true });
    const a = e.amend('a', P, { orderId: r.order.orderId }, { qty: '5' });
    expect('order' in a && a.order.qty).toBe('3');
    expect(e.netPosition(P)).toBe('0');
  });
});

describe('fills()', () => {
  it('lists what place and the market produced, oldest first, by order or client id', () => {
    const { e } = funded();
    const r = placed(e, limit('buy', '100.2', '1', { clientOrderId: 'c1' })); // takes 0.5 @ 100.1, 0.5 @ 100.2
    const rest = placed(e, limit('buy', '100.0', '0.3', { clientOrderId: 'c2' }));
    e.onMarket(S, {}, [trade('sell', '100.0', '1.1')]);
    e.onMarket(S, {}, [trade('sell', '100.0', '0.5')]);
    const f1 = e.fills('a', S, { clientOrderId: 'c1' });
    expect(f1).toEqual(r.fills);
    expect(f1.map((f) => [f.price, f.qty, f.liquidity])).toEqual([
      ['100.1', '0.500', 'taker'],
      ['100.2', '0.500', 'taker'],
    ]);
    expect(e.fills('a', S, { orderId: rest.order.orderId }).map((f) => [f.qty, f.liquidity])).toEqual([
      ['0.100', 'maker'],
      ['0.200', 'maker'],
    ]);
    expect(e.fills('a', S, { clientOrderId: 'nope' })).toEqual([]);
    expect(e.fills('b', S, { orderId: rest.order.orderId })).toEqual([]);
    expect(e.fills('a', 'NOPE', { orderId: rest.order.orderId })).toEqual([]);
    const resting = placed(e, limit('buy', '99.0', '0.1'));
    expect(e.fills('a', S, { orderId: resting.order.orderId })).toEqual([]);
  });

  it('forgets the fills of the oldest orders past the bound', () => {
    const { e } = setup();
    e.deposit('a', 'USDT', '100000000');
    e.onMarket(S, { asks: [['100.0', '100000']] }, []);
    const ids: string[] = [];
    for (let i = 0; i <= MAX_FILLED_ORDERS_PER_ACCOUNT; i++) ids.push(placed(e, market('buy', '0.1')).order.orderId);
    expect(e.fills('a', S, { orderId: ids[0]! })).toEqual([]);
    expect(e.fills('a', S, { orderId: ids[1]! })).toHaveLength(1);
    expect(e.fills('a', S, { orderId: ids.at(-1)! })).toHaveLength(1);
  });

  it('includes the fills of an amend', () => {
    const { e, events } = funded();
    const a = placed(e, limit('buy', '100.0', '0.3'));
    const r = amended(e, a.order.orderId, { price: '100.1' });
    const emitted = events.filter((ev): ev is Extract<SimAccountEvent, { kind: 'fill' }> => ev.kind === 'fill').map((ev) => ev.fill);
    expect(e.fills('a', S, { orderId: a.order.orderId })).toEqual(r.fills);
    expect(emitted).toEqual(r.fills);
  });
});
