import { describe, expect, it } from 'vitest';
import type { SimAccountEvent } from '../../../src/sim/matching/types.ts';
import { limit, PERP, placed, seedSpot, setup, SPOT } from './helpers.ts';

/** Returns each event as a short tag: kind plus the status, side or asset that matters. */
function tags(events: readonly SimAccountEvent[]): string[] {
  return events.map((ev) => {
    switch (ev.kind) {
      case 'order':
        return `order:${ev.order.account}:${ev.order.status}`;
      case 'fill':
        return `fill:${ev.fill.account}:${ev.fill.liquidity}`;
      case 'balance':
        return `balance:${ev.balance.account}:${ev.balance.asset}`;
      case 'position':
        return `position:${ev.position.account}:${ev.position.qty}`;
      case 'funding':
        return `funding:${ev.account}`;
    }
  });
}

describe('events', () => {
  it('tells a place in causal order: new, per fill the fill, order, balances, then the rest locked', () => {
    const { e, events } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    events.length = 0;
    placed(e, limit('buy', '100.1', '1'));
    expect(tags(events)).toEqual(['order:a:new', 'fill:a:taker', 'order:a:partially_filled', 'balance:a:BTC', 'balance:a:USDT', 'balance:a:USDT']);
  });

  it('tells every status change of an IOC, and of a cancel', () => {
    const { e, events } = setup();
    e.deposit('a', 'USDT', '1000');
    seedSpot(e);
    events.length = 0;
    placed(e, limit('buy', '100.1', '1', { tif: 'IOC' }));
    expect(tags(events).filter((t) => t.startsWith('order'))).toEqual(['order:a:new', 'order:a:partially_filled', 'order:a:expired']);
    events.length = 0;
    const r = placed(e, limit('buy', '99.0', '0.1'));
    e.cancel('a', SPOT.symbol, { orderId: r.order.orderId });
    expect(tags(events)).toEqual(['order:a:new', 'balance:a:USDT', 'order:a:canceled', 'balance:a:USDT']);
  });

  it('tells both sides of a trade between own orders, internal accounts never', () => {
    const { e, events } = setup();
    e.deposit('a', 'USDT', '1000');
    e.deposit('b', 'BTC', '1');
    e.onMarket(SPOT.symbol, { bids: [['99.0', '1']] }, []);
    placed(e, limit('sell', '100.0', '0.5', { account: 'b' }));
    events.length = 0;
    placed(e, limit('buy', '100.0', '0.5'));
    expect(tags(events)).toEqual(['order:a:new', 'fill:a:taker', 'order:a:filled', 'fill:b:maker', 'order:b:filled', 'balance:a:BTC', 'balance:a:USDT', 'balance:b:BTC', 'balance:b:USDT']);
    expect(events.some((ev) => JSON.stringify(ev).includes('"@'))).toBe(false);
  });

  it('tells a perp fill with the position before the balance', () => {
    const { e, events } = setup([PERP], undefined, 5);
    e.deposit('a', 'USDT', '1000');
    e.onMarket(PERP.symbol, { bids: [['30000.0', '10']], asks: [['30000.1', '10']] }, []);
    events.length = 0;
    placed(e, { account: 'a', symbol: PERP.symbol, side: 'sell', type: 'market', tif: 'IOC', qty: '2' });
    expect(tags(events)).toEqual(['order:a:new', 'fill:a:taker', 'order:a:filled', 'position:a:-2', 'balance:a:USDT']);
  });

  it('stops telling an unsubscribed listener', () => {
    const { e, events } = setup();
    const seen: SimAccountEvent[] = [];
    const off = e.subscribe((ev) => seen.push(ev));
    e.deposit('a', 'USDT', '1');
    off();
    e.deposit('a', 'USDT', '1');
    expect(seen).toHaveLength(1);
    expect(events).toHaveLength(2);
  });
});
