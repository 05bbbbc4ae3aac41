import { describe, expect, it } from 'vitest';
import type { SimAccountEvent, SimFill } from '../../../src/sim/matching/types.ts';
import type { SimTrade } from '../../../src/sim/protocolServer.ts';
import { bal, limit, placed, seedSpot, setup, SPOT } from './helpers.ts';

const S = SPOT.symbol;
let tradeN = 0;
function trade(side: 'buy' | 'sell', price: string, qty: string): SimTrade {
  return { id: `t${++tradeN}`, side, price, qty, ts: 1 };
}
const brief = (fs: readonly SimFill[]) => fs.map((f) => [f.account, f.side, f.price, f.qty, f.liquidity]);

/** Spot engine with the seed book, accounts a and b funded, and a resting buy of 0.3 at 100.0 (1.0 market ahead). */
function withRestingBid() {
  const s = setup();
  for (const acc of ['a', 'b']) {
    s.e.deposit(acc, 'USDT', '1000');
    s.e.deposit(acc, 'BTC', '5');
  }
  seedSpot(s.e);
  const r = placed(s.e, limit('buy', '100.0', '0.3'));
  return { ...s, id: r.order.orderId };
}

describe('queue position', () => {
  it('queues behind the market size at its price when it rests', () => {
    const { e, id } = withRestingBid();
    expect(e.queueAhead('a', S, id)).toBe('1.000');
  });

  it('fills only after the queue ahead has traded', () => {
    const { e, id } = withRestingBid();
    expect(e.onMarket(S, {}, [trade('sell', '100.0', '0.6')])).toEqual([]);
    expect(e.queueAhead('a', S, id)).toBe('0.400');
    const fills = e.onMarket(S, {}, [trade('sell', '100.0', '0.5')]);
    expect(brief(fills)).toEqual([['a', 'buy', '100.0', '0.100', 'maker']]);
    expect(fills[0]!.fee).toBe('0.002'); // 0.1 × 100 × 0.0002
    expect(e.queueAhead('a', S, id)).toBe('0.000');
    expect(e.order('a', S, { orderId: id })).toMatchObject({ status: 'partially_filled', filledQty: '0.100' });
  });

  it('ignores trades of the other side and at worse prices', () => {
    const { e, id } = withRestingBid();
    expect(e.onMarket(S, {}, [trade('buy', '100.0', '5'), trade('sell', '100.1', '5')])).toEqual([]);
    expect(e.queueAhead('a', S, id)).toBe('1.000');
  });

  it('fills completely when a trade goes through its price', () => {
    const { e, id } = withRestingBid();
    const fills = e.onMarket(S, {}, [trade('sell', '99.9', '0.001')]);
    expect(brief(fills)).toEqual([['a', 'buy', '100.0', '0.300', 'maker']]);
    expect(e.order('a', S, { orderId: id })?.status).toBe('filled');
    expect(e.openOrders('a')).toEqual([]);
  });

  it('moves up when size ahead is pulled, and not back when size is added', () => {
    const { e, id } = withRestingBid();
    e.onMarket(S, { bids: [['100.0', '0.250']] }, []);
    expect(e.queueAhead('a', S, id)).toBe('0.250');
    e.onMarket(S, { bids: [['100.0', '3.000']] }, []);
    expect(e.queueAhead('a', S, id)).toBe('0.250');
    expect(brief(e.onMarket(S, {}, [trade('sell', '100.0', '0.4')]))).toEqual([['a', 'buy', '100.0', '0.150', 'maker']]);
  });

  it('applies trades before the book change that reflects them (the queue shrinks once)', () => {
    const { e, id } = withRestingBid();
    e.onMarket(S, { bids: [['100.0', '0.400']] }, [trade('sell', '100.0', '0.6')]);
    expect(e.queueAhead('a', S, id)).toBe('0.400');
  });

  it('is first at a price the market did not quote; later market size queues behind it', () => {
    const { e } = withRestingBid();
    const r = placed(e, limit('buy', '99.5', '0.2'));
    expect(e.queueAhead('a', S, r.order.orderId)).toBe('0.000');
    e.onMarket(S, { bids: [['99.5', '4']] }, []);
    // The trade also goes through the 0.3 resting at 100.0, which fills completely first.
    expect(brief(e.onMarket(S, {}, [trade('sell', '99.5', '0.05')]))).toEqual([
      ['a', 'buy', '100.0', '0.300', 'maker'],
      ['a', 'buy', '99.5', '0.050', 'maker'],
    ]);
  });

  it('keeps own orders of several accounts in arrival order, with the market lots between them', () => {
    const { e, id } = withRestingBid(); // a: 0.3 behind 1.0
    e.onMarket(S, { bids: [['100.0', '1.500']] }, []);
    const b = placed(e, limit('buy', '100.0', '0.5', { account: 'b' })); // behind 1.5
    expect(brief(e.onMarket(S, {}, [trade('sell', '100.0', '1.2')]))).toEqual([['a', 'buy', '100.0', '0.200', 'maker']]);
    expect(e.queueAhead('b', S, b.order.orderId)).toBe('0.500');
    // a's last 0.1, then the 0.5 market lots between a and b, then b.
    expect(brief(e.onMarket(S, {}, [trade('sell', '100.0', '0.8')]))).toEqual([
      ['a', 'buy', '100.0', '0.100', 'maker'],
      ['b', 'buy', '100.0', '0.200', 'maker'],
    ]);
    expect(e.order('a', S, { orderId: id })?.status).toBe('filled');
  });

  it('fills a resting order that the market crosses, at its own price, using up the crossing size', () => {
    const { e, id } = withRestingBid();
    const fills = e.onMarket(S, { asks: [['99.9', '0.200']] }, []);
    expect(brief(fills)).toEqual([['a', 'buy', '100.0', '0.200', 'maker']]);
    expect(e.marketLevels(S, 'ask')[0]).toEqual(['100.1', '0.500']);
    expect(e.order('a', S, { orderId: id })?.filledQty).toBe('0.200');
  });

  it('lets an own taker trade the market lots ahead of an own maker first, then the maker', () => {
    const { e, events } = withRestingBid();
    const sell = placed(e, limit('sell', '100.1', '0.4', { account: 'b' })); // behind 0.5 market
    events.length = 0;
    const r = placed(e, limit('buy', '100.1', '0.7'));
    expect(brief(r.fills)).toEqual([
      ['a', 'buy', '100.1', '0.500', 'taker'],
      ['a', 'buy', '100.1', '0.200', 'taker'],
    ]);
    const makerFill = events.find((ev): ev is Extract<SimAccountEvent, { kind: 'fill' }> => ev.kind === 'fill' && ev.fill.account === 'b');
    expect(makerFill?.fill).toMatchObject({ side: 'sell', qty: '0.200', liquidity: 'maker', fee: '0.004004', tradeId: r.fills[1]!.tradeId });
    expect(e.order('b', S, { orderId: sell.order.orderId })).toMatchObject({ status: 'partially_filled', filledQty: '0.200' });
    // b: +0.2 × 100.1 − 0.004004 fee; its locked base shrank with the fill.
    expect(bal(e, 'b', 'USDT')).toEqual({ total: '1020.015996', free: '1020.015996' });
    expect(bal(e, 'b', 'BTC')).toEqual({ total: '4.8', free: '4.6' });
    expect(e.sumOf('USDT')).toBe('2000');
    expect(e.sumOf('BTC')).toBe('10');
  });
});
