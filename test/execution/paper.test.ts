import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { ErrorCodes, FleetError } from '../../src/core/errors.ts';
import { createPaperAdapter, type PaperAdapter, type PaperOptions } from '../../src/execution/paper.ts';
import type { PlaceRequest, PrivateEvent, VenueCallDetails } from '../../src/execution/types.ts';
import { makeInstrument, type InstrumentSpec } from '../../src/model/instrument.ts';
import type { MarketEvent } from '../../src/model/market.ts';

const SPOT: InstrumentSpec = { venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001', minNotional: '5' };
const PERP: InstrumentSpec = { venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '1', contractSize: '0.01' };
const S = SPOT.symbol;

/** A paper adapter on a ManualClock, every event captured. */
function paper(more: Partial<PaperOptions> = {}) {
  const clock = new ManualClock(1_000);
  const spec = more.instruments?.[0] ?? SPOT;
  const a = createPaperAdapter({ venue: spec.venue, instruments: [spec], fees: { maker: 0.0002, taker: 0.0005 }, clock, latencyMs: 0, startingBalance: 1000, ...more });
  const events: PrivateEvent[] = [];
  a.events$.subscribe((ev) => events.push(ev));
  return { a, clock, events, inst: makeInstrument(spec) };
}

type Levels = [price: string, qty: string][];

/** Returns a book event of `spec` from decimal-string levels, as a venue parser would make it. */
function book(kind: 'book.snapshot' | 'book.delta', bids: Levels, asks: Levels, spec = SPOT): MarketEvent {
  const inst = makeInstrument(spec);
  const flat = (ls: Levels) => ls.flatMap(([p, q]) => [inst.price.toInt(p), inst.qty.toInt(q)]);
  return { kind, instrument: inst.id, tsEvent: 1, tsRecv: 1, seq: 1, bids: flat(bids), asks: flat(asks) };
}

let tradeN = 0;
function trade(aggressor: 'buy' | 'sell', price: string, qty: string, spec = SPOT): MarketEvent {
  const inst = makeInstrument(spec);
  return { kind: 'trade', instrument: inst.id, tsEvent: 1, tsRecv: 1, tradeId: `t${++tradeN}`, price: inst.price.toInt(price), qty: inst.qty.toInt(qty), aggressor };
}

/** Bids 100.0 × 1, 99.9 × 2; asks 100.1 × 0.5, 100.2 × 2. */
const SEED = book('book.snapshot', [['100.0', '1'], ['99.9', '2']], [['100.1', '0.5'], ['100.2', '2']]);

function limit(side: 'buy' | 'sell', price: string, qty: string, more: Partial<PlaceRequest> = {}): PlaceRequest {
  return { symbol: S, clientOrderId: `c${++tradeN}`, side, type: 'limit', tif: 'GTC', price, qty, ...more };
}

function fillsOf(events: readonly PrivateEvent[]) {
  return events.flatMap((ev) => (ev.kind === 'fill' ? [[ev.fill.side, ev.fill.price, ev.fill.qty, ev.fill.liquidity, ev.fill.fee]] : []));
}

/** Returns what a promise rejected with (fails when it resolves). */
async function rejection(p: Promise<unknown>): Promise<{ err: FleetError; details: VenueCallDetails }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof FleetError)) throw new Error(`expected a FleetError, got ${String(err)}`);
  return { err, details: err.details as VenueCallDetails };
}

describe('paper adapter: matching against the live market', () => {
  it('fills a resting order only after the market trades through the size queued ahead of it', async () => {
    const { a, events } = paper();
    a.onMarket(SEED);
    const o = await a.place(limit('buy', '100.0', '0.3'));
    expect(o).toMatchObject({ status: 'new', qty: '0.300', price: '100.0', venueOrderId: '1' });
    a.onMarket(trade('sell', '100.0', '0.6'));
    a.onMarket(trade('buy', '100.0', '5')); // the other side: no effect on a bid
    expect(fillsOf(events)).toEqual([]);
    a.onMarket(trade('sell', '100.0', '0.5'));
    expect(fillsOf(events)).toEqual([['buy', '100.0', '0.100', 'maker', '0.002']]);
    expect(await a.query(S, o.clientOrderId)).toMatchObject({ status: 'partially_filled', filledQty: '0.100' });
    expect(await a.fills(S, o.clientOrderId)).toHaveLength(1);
  });

  it('walks the live book with a taker order, best level first', async () => {
    const { a, events } = paper();
    a.onMarket(SEED);
    a.onMarket(book('book.delta', [], [['100.1', '0.4'], ['100.3', '1']]));
    const o = await a.place({ symbol: S, clientOrderId: 'm1', side: 'buy', type: 'market', tif: 'IOC', qty: '1' });
    expect(o).toMatchObject({ status: 'filled', filledQty: '1.000', avgPrice: '100.16' });
    expect(fillsOf(events)).toEqual([
      ['buy', '100.1', '0.400', 'taker', '0.02002'],
      ['buy', '100.2', '0.600', 'taker', '0.03006'],
    ]);
    expect(await a.balances()).toEqual([
      { asset: 'USDT', total: '899.78992', free: '899.78992' }, // 1000 − 100.16 − 0.05008
      { asset: 'BTC', total: '1', free: '1' },
    ]);
  });

  it('removes the levels a snapshot no longer lists; a delta of size 0 removes one', async () => {
    const { a, events } = paper();
    a.onMarket(SEED);
    a.onMarket(book('book.snapshot', [['99.5', '1']], [['100.4', '0.2'], ['100.5', '3']]));
    a.onMarket(book('book.delta', [], [['100.4', '0']]));
    await a.place({ symbol: S, clientOrderId: 'm1', side: 'buy', type: 'market', tif: 'IOC', qty: '0.5' });
    expect(fillsOf(events).map((f) => f[1])).toEqual(['100.5']);
    await a.place({ symbol: S, clientOrderId: 'm2', side: 'sell', type: 'market', tif: 'IOC', qty: '0.1' });
    expect(fillsOf(events).map((f) => f[1])).toEqual(['100.5', '99.5']);
  });

  it('does not fill an order canceled before a late trade through its price', async () => {
    const { a, events } = paper();
    a.onMarket(SEED);
    const o = await a.place(limit('buy', '100.0', '0.3'));
    expect(await a.cancel(S, o.clientOrderId)).toMatchObject({ status: 'canceled', filledQty: '0.000' });
    a.onMarket(trade('sell', '99.0', '5'));
    expect(fillsOf(events)).toEqual([]);
    expect(await a.fills(S, o.clientOrderId)).toEqual([]);
    expect(await a.openOrders()).toEqual([]);
    expect(await a.balances()).toContainEqual({ asset: 'USDT', total: '1000', free: '1000' });
  });

  it('ignores other instruments and non-book events', async () => {
    const { a, events } = paper();
    a.onMarket(book('book.snapshot', [], [['100.1', '1']], { ...SPOT, symbol: 'ETHUSDT' }));
    a.onMarket({ kind: 'ticker', instrument: 'binance-spot:BTCUSDT', tsEvent: 1, tsRecv: 1, bidPrice: 1000, askPrice: 1001 });
    const err = await rejection(a.place({ symbol: S, clientOrderId: 'm1', side: 'buy', type: 'market', tif: 'IOC', qty: '0.1' }));
    expect(err.details.venueCode).toBe('NO_LIQUIDITY');
    expect(events).toEqual([]);
  });

  it('amends through the engine: a crossing price fills as taker', async () => {
    const { a, events } = paper();
    a.onMarket(SEED);
    const o = await a.place(limit('buy', '100.0', '0.3'));
    const r = await a.amend({ symbol: S, clientOrderId: o.clientOrderId, price: '100.1' });
    expect(r).toMatchObject({ status: 'filled', price: '100.1', filledQty: '0.300', venueOrderId: o.venueOrderId });
    expect(fillsOf(events)).toEqual([['buy', '100.1', '0.300', 'taker', '0.015015']]);
  });

  it('reports non-flat perp positions', async () => {
    const { a } = paper({ instruments: [PERP], venue: 'okx' });
    a.onMarket(book('book.snapshot', [['99.9', '100']], [['100.1', '100']], PERP));
    expect(await a.positions()).toEqual([]);
    await a.place({ symbol: PERP.symbol, clientOrderId: 'p1', side: 'sell', type: 'market', tif: 'IOC', qty: '3' });
    expect(await a.positions()).toEqual([{ symbol: PERP.symbol, qty: '-3', entryPrice: '99.9', unrealizedPnl: '-0.003', markPrice: '100' }]);
  });
});

describe('paper adapter: latency', () => {
  it('acts on the engine and answers only after latencyMs', async () => {
    const { a, clock, events } = paper({ latencyMs: 50 });
    a.onMarket(SEED);
    let answered = false;
    const p = a.place({ symbol: S, clientOrderId: 'm1', side: 'buy', type: 'market', tif: 'IOC', qty: '0.5' }).then((o) => {
      answered = true;
      return o;
    });
    clock.advance(20);
    // The market moves while the request is on its way: the order meets the new book.
    a.onMarket(book('book.snapshot', [['100.0', '1']], [['101.0', '1']]));
    clock.advance(29);
    await Promise.resolve();
    expect(answered).toBe(false);
    expect(events).toEqual([]);
    clock.advance(1);
    const o = await p;
    expect(o).toMatchObject({ status: 'filled', avgPrice: '101.0', updatedAt: 1_050 });
    expect(fillsOf(events).map((f) => f[1])).toEqual(['101.0']);
  });

  it('delays queries and cancels the same way, in the order they were made', async () => {
    const { a, clock } = paper({ latencyMs: 10 });
    a.onMarket(SEED);
    const placed = a.place(limit('buy', '99.0', '0.1', { clientOrderId: 'r1' }));
    const canceled = a.cancel(S, 'r1');
    const seen = a.query(S, 'r1');
    clock.advance(10);
    expect((await placed).status).toBe('new');
    expect((await canceled)?.status).toBe('canceled');
    expect((await seen)?.status).toBe('canceled');
  });
});

describe('paper adapter: errors', () => {
  it('classes engine rejects as VENUE_REJECTED, non-retryable, with the reject code', async () => {
    const { a } = paper();
    a.onMarket(SEED);
    const post = await rejection(a.place(limit('buy', '100.1', '0.1', { tif: 'POST_ONLY' })));
    expect(post.err).toMatchObject({ code: ErrorCodes.VENUE_REJECTED, errorClass: 'non-retryable' });
    expect(post.err.message).toContain('POST_ONLY_WOULD_TAKE');
    expect(post.details).toMatchObject({ venue: 'binance-spot', endpoint: 'paper.place', venueCode: 'POST_ONLY_WOULD_TAKE' });
    expect((await rejection(a.place(limit('buy', '99.0', '20')))).details.venueCode).toBe('INSUFFICIENT_BALANCE');
    expect((await rejection(a.place(limit('buy', '99.05', '0.1')))).details.venueCode).toBe('BAD_PRICE');
  });

  it('marks a duplicate client id and an unknown order', async () => {
    const { a } = paper();
    a.onMarket(SEED);
    await a.place(limit('buy', '99.0', '0.1', { clientOrderId: 'd1' }));
    const dup = await rejection(a.place(limit('buy', '99.0', '0.1', { clientOrderId: 'd1' })));
    expect(dup.details).toMatchObject({ duplicate: true, venueCode: 'DUPLICATE_CLIENT_ID' });
    const gone = await rejection(a.cancel(S, 'nope'));
    expect(gone.details).toMatchObject({ notFound: true, venueCode: 'ORDER_NOT_FOUND', endpoint: 'paper.cancel' });
    expect((await rejection(a.amend({ symbol: S, clientOrderId: 'nope', qty: '1' }))).details.notFound).toBe(true);
    expect(await a.query(S, 'nope')).toBeUndefined();
    expect(await a.fills(S, 'nope')).toEqual([]);
  });

  it('rejects requests still waiting when it stops, as never sent', async () => {
    const { a, clock, events } = paper({ latencyMs: 50 });
    a.onMarket(SEED);
    const p = a.place(limit('buy', '99.0', '0.1'));
    await a.stop();
    const err = await rejection(p);
    expect(err.err).toMatchObject({ code: ErrorCodes.VENUE_UNAVAILABLE, errorClass: 'non-retryable' });
    clock.advance(100);
    expect(events).toEqual([{ kind: 'stream', state: 'down', reason: 'stopped' }]);
    expect((await rejection(a.balances())).err.code).toBe(ErrorCodes.VENUE_UNAVAILABLE);
  });
});

describe('paper adapter: events and fees', () => {
  it('emits stream up on start, order, fill and balance events, stream down and completion on stop', async () => {
    const { a, events } = paper();
    let completed = false;
    a.events$.subscribe({ complete: () => (completed = true) });
    await a.start();
    a.onMarket(SEED);
    await a.place({ symbol: S, clientOrderId: 'm1', side: 'buy', type: 'market', tif: 'IOC', qty: '0.2' });
    await a.stop();
    expect(events.map((ev) => ev.kind)).toEqual(['stream', 'order', 'fill', 'order', 'balance', 'balance', 'stream']);
    expect(events[0]).toEqual({ kind: 'stream', state: 'up' });
    expect(events[1]).toMatchObject({ kind: 'order', order: { clientOrderId: 'm1', status: 'new' } });
    expect(events[3]).toMatchObject({ kind: 'order', order: { status: 'filled', filledQty: '0.200' } });
    expect(events.slice(4, 6)).toContainEqual({ kind: 'balance', balance: { asset: 'USDT', total: '979.96999', free: '979.96999' } });
    expect(events.slice(4, 6)).toContainEqual({ kind: 'balance', balance: { asset: 'BTC', total: '0.2', free: '0.2' } });
    expect(events.at(-1)).toMatchObject({ kind: 'stream', state: 'down' });
    expect(completed).toBe(true);
  });

  it('reports fees positive when paid and negative for a maker rebate', async () => {
    const { a, events } = paper({ fees: { maker: -0.0001, taker: 0.0007 } });
    a.onMarket(SEED);
    await a.place({ symbol: S, clientOrderId: 'm1', side: 'buy', type: 'market', tif: 'IOC', qty: '0.3' });
    await a.place(limit('sell', '100.2', '0.2'));
    a.onMarket(trade('buy', '100.3', '0.1')); // through its price: fills completely as maker
    expect(fillsOf(events)).toEqual([
      ['buy', '100.1', '0.300', 'taker', '0.021021'],
      ['sell', '100.2', '0.200', 'maker', '-0.002004'],
    ]);
    expect(await a.feeRates([S, 'OTHER'])).toEqual([{ symbol: S, maker: '-0.0001', taker: '0.0007' }]);
  });
});
