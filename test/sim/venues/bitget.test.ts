import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitgetAdapter as adapter } from '../../../src/adapters/bitget/index.ts';
import { seededRng, type Rng } from '../../../src/core/rng.ts';
import type { Instrument, InstrumentSpec } from '../../../src/model/instrument.ts';
import type { PriceLevel, SimBookChange, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBitgetSimServer } from '../../../src/sim/venues/bitget.ts';
import { clientSide, expectSameBook, SimClient, startSimVenue, until } from './simClient.ts';

const SPECS: InstrumentSpec[] = [
  { venue: 'bitget', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5', listedAt: 1585526400000 },
  { venue: 'bitget', symbol: 'BTCUSDT_SPBL', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.000001', minNotional: '1' },
  { venue: 'bitget', symbol: 'HALFUSDT', kind: 'perp', base: 'HALF', quote: 'USDT', tickSize: '0.005', lotSize: '1', status: 'halted' },
  { venue: 'bitget', symbol: 'NEWUSDT_SPBL', kind: 'spot', base: 'NEW', quote: 'USDT', tickSize: '0.0001', lotSize: '0.01', status: 'pre-launch' },
];

/** A random change near 60000 with `decimals` price digits; sizes keep trailing zeros ("1.50"). */
function change(rng: Rng, decimals: number): SimBookChange {
  const step = 10 ** decimals;
  const level = (i: number): PriceLevel => [(i / step).toFixed(decimals), rng.next() < 0.2 ? '0' : (rng.int(1, 400) / 100).toFixed(2)];
  const mid = 60_000 * step;
  const bids = Array.from({ length: rng.int(0, 3) }, () => level(mid - rng.int(1, 40)));
  const asks = Array.from({ length: rng.int(bids.length === 0 ? 1 : 0, 3) }, () => level(mid + rng.int(0, 39)));
  return { bids, asks };
}

describe('bitget sim venue', () => {
  let server: SimVenueServer;
  let instruments: Instrument[];
  let byId: Map<string, Instrument>;
  const rng = seededRng('bitget-sim');

  beforeAll(async () => {
    ({ server, instruments, byId } = await startSimVenue(createBitgetSimServer(SPECS), adapter, 3000));
    server.book('BTCUSDT').apply({ bids: [['59999.9', '1.000']], asks: [['60000.0', '0.500']] });
    server.book('BTCUSDT_SPBL').apply({ bids: [['59999.99', '0.100000']], asks: [['60000.00', '0.250000']] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves both instrument lists in Bitget format; the adapter rebuilds the specs under unique ids', () => {
    expect(server.requests).toEqual(expect.arrayContaining(['GET /api/v2/mix/market/contracts?productType=USDT-FUTURES', 'GET /api/v2/spot/public/symbols']));
    expect(instruments.map((i) => i.id).sort()).toEqual(['bitget:BTCUSDT', 'bitget:BTCUSDT_SPBL', 'bitget:HALFUSDT', 'bitget:NEWUSDT_SPBL']);
    expect(byId.get('bitget:BTCUSDT')).toMatchObject({ kind: 'perp', tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5', status: 'trading', listedAt: 1585526400000 });
    expect(byId.get('bitget:BTCUSDT_SPBL')).toMatchObject({ kind: 'spot', tickSize: '0.01', lotSize: '0.000001', minNotional: '1' });
    // 0.005 travels as pricePlace 3 / priceEndStep 5 and comes back exact.
    expect(byId.get('bitget:HALFUSDT')).toMatchObject({ tickSize: '0.005', status: 'halted' });
    expect(byId.get('bitget:NEWUSDT_SPBL')).toMatchObject({ status: 'pre-launch' });
  });

  it('futures and spot BTCUSDT share the wire name on one socket and rebuild as two exact books', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    expect([...server.connections][0]!.path).toBe('/v2/ws/public');
    const fut = byId.get('bitget:BTCUSDT')!;
    const spot = byId.get('bitget:BTCUSDT_SPBL')!;
    c.send(adapter.subscribeFrames([...adapter.topics(fut, adapter.defaultDepth), ...adapter.topics(spot, adapter.defaultDepth)], 1));
    await until('acks and snapshots', () => c.controls.filter((x) => x.kind === 'ack').length === 6 && c.outcomes.length === 2);
    for (let i = 0; i < 60; i++) {
      server.publish('BTCUSDT', change(rng, 1));
      server.publish('BTCUSDT_SPBL', change(rng, 2));
    }
    await until('updates', () => c.outcomes.length === 122);
    expect(new Set(c.outcomes)).toEqual(new Set(['applied']));
    expectSameBook(c.sync(fut.id), server.book('BTCUSDT'));
    expectSameBook(c.sync(spot.id), server.book('BTCUSDT_SPBL'));
    expect(c.sync(fut.id).seq).toBe(server.book('BTCUSDT').seq);
    const books = c.events.filter((e) => e.kind === 'book.delta');
    expect(books.every((e) => e.checksum !== 0)).toBe(true);

    server.publish('BTCUSDT', {}, [{ id: 'f1', price: '60000.0', qty: '0.250', side: 'buy', ts: 1_700_000_000_000 }]);
    server.publish('BTCUSDT_SPBL', {}, [{ id: 's1', price: '60000.00', qty: '0.010000', side: 'sell', ts: 1_700_000_000_001 }]);
    await until('trades and tickers', () => c.events.filter((e) => e.kind === 'trade').length === 2 && c.events.filter((e) => e.kind === 'ticker').length >= 4);
    expect(c.events.filter((e) => e.kind === 'trade')).toEqual([
      expect.objectContaining({ instrument: fut.id, tradeId: 'f1', price: 600000, qty: 250, aggressor: 'buy' }),
      expect.objectContaining({ instrument: spot.id, tradeId: 's1', price: 6000000, qty: 10000, aggressor: 'sell' }),
    ]);
    // Futures tickers carry funding; spot tickers do not.
    const fundings = c.events.filter((e) => e.kind === 'funding');
    expect(fundings.length).toBeGreaterThan(0);
    expect(fundings.every((f) => f.instrument === fut.id && f.rate === '0.0001' && (f.nextFundingTime ?? 0) > 0)).toBe(true);
    expect(c.events.some((e) => e.kind === 'ticker' && e.instrument === spot.id && e.last === 6000000)).toBe(true);
    expect(c.problems).toEqual([]);
    c.close();
  });

  it('gap: with no pseq in v2 the lost update vanishes silently and the next checksum catches it', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const fut = byId.get('bitget:BTCUSDT')!;
    c.send(adapter.subscribeFrames([adapter.bookTopic(fut, adapter.defaultDepth)], 1));
    await until('snapshot', () => c.outcomes.length === 1);
    server.inject('gap');
    // A new size at the best bid: certainly inside the top 25 the checksum covers.
    const [best] = server.book('BTCUSDT').bids.top(1);
    server.publish('BTCUSDT', { bids: [[best![0], '7.000']] });
    server.publish('BTCUSDT', { asks: [['60003.0', '1.000']] });
    await until('next update', () => c.outcomes.length === 2);
    expect(c.events.filter((e) => e.kind === 'book.delta')).toHaveLength(1); // the first never came
    expect(c.outcomes).toEqual(['applied', 'resync']);
    expect(c.sync(fut.id).reason).toBe('checksum');
    // Resubscribing brings a fresh snapshot and an exact book again.
    const topic = adapter.bookTopic(fut, adapter.defaultDepth);
    c.send(adapter.unsubscribeFrames([topic], 2));
    c.send(adapter.subscribeFrames([topic], 3));
    await until('resynced', () => c.sync(fut.id).status === 'synced');
    expectSameBook(c.sync(fut.id), server.book('BTCUSDT'));
    c.close();
  });

  it('a wrong checksum makes the sync resync', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const spot = byId.get('bitget:BTCUSDT_SPBL')!;
    c.send(adapter.subscribeFrames([adapter.bookTopic(spot, 400)], 1));
    await until('snapshot', () => c.outcomes.length === 1);
    server.inject('checksum');
    server.publish('BTCUSDT_SPBL', change(rng, 2));
    await until('checksum failure', () => c.outcomes.length === 2);
    expect(c.outcomes).toEqual(['applied', 'resync']);
    expect(c.sync(spot.id).reason).toBe('checksum');
    c.close();
  });

  it('books15 pushes whole books of the top 15 (checksum 0)', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const fut = byId.get('bitget:BTCUSDT')!;
    c.send(adapter.subscribeFrames([adapter.bookTopic(fut, 15)], 1));
    await until('snapshot', () => c.outcomes.length === 1);
    server.publish('BTCUSDT', change(rng, 1));
    await until('push', () => c.outcomes.length === 2);
    expect(clientSide(c.sync(fut.id), 'bids')).toEqual(server.book('BTCUSDT').bids.top(15));
    expect(clientSide(c.sync(fut.id), 'asks')).toEqual(server.book('BTCUSDT').asks.top(15));
    c.close();
  });

  it('answers ping with pong, a bad subscription with error 30001, and replays recent trades as a snapshot the parser skips', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    c.send([adapter.pingFrame()!]);
    c.send(['{"op":"subscribe","args":[{"instType":"COIN-FUTURES","channel":"books","instId":"BTCUSD"}]}']);
    c.send(adapter.subscribeFrames(['USDT-FUTURES:trade:BTCUSDT'], 1));
    await until('replies', () => c.controls.length === 4);
    expect(c.controls[0]).toEqual({ kind: 'pong' });
    expect(c.controls[1]).toMatchObject({ kind: 'error', code: '30001' });
    expect(c.controls[2]).toMatchObject({ kind: 'ack', ok: true });
    expect(c.controls[3]).toEqual({ kind: 'ignored', what: 'trade snapshot (recent history)' });
    expect(c.events.filter((e) => e.kind === 'trade')).toEqual([]);
    c.close();
  });
});
