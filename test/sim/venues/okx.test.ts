import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { okxAdapter as adapter } from '../../../src/adapters/okx/index.ts';
import type { RestClient } from '../../../src/adapters/rest.ts';
import { FleetError } from '../../../src/core/errors.ts';
import { seededRng, type Rng } from '../../../src/core/rng.ts';
import type { Instrument, InstrumentSpec } from '../../../src/model/instrument.ts';
import type { PriceLevel, SimBookChange, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createOkxSimServer } from '../../../src/sim/venues/okx.ts';
import { clientSide, expectSameBook, SimClient, startSimVenue, until } from './simClient.ts';

const SPECS: InstrumentSpec[] = [
  { venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01', minQty: '0.01', contractSize: '0.01', listedAt: 1573557408000 },
  { venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.00000001', minQty: '0.00001' },
  { venue: 'okx', symbol: 'NEW-USDT-SWAP', kind: 'perp', base: 'NEW', quote: 'USDT', tickSize: '0.0001', lotSize: '1', contractSize: '10', status: 'pre-launch' },
  { venue: 'okx', symbol: 'OLD-USDT', kind: 'spot', base: 'OLD', quote: 'USDT', tickSize: '0.001', lotSize: '0.1', status: 'delisted' },
];

/** A random change around 30000.0 (tick 0.1): bids below, asks above, sizes with trailing zeros kept. */
function change(rng: Rng): SimBookChange {
  const level = (px: number): PriceLevel => [(px / 10).toFixed(1), rng.next() < 0.2 ? '0' : (rng.int(1, 400) / 100).toFixed(2)];
  const bids = Array.from({ length: rng.int(0, 3) }, () => level(300_000 - rng.int(1, 60)));
  const asks = Array.from({ length: rng.int(bids.length === 0 ? 1 : 0, 3) }, () => level(300_000 + rng.int(0, 59)));
  return { bids, asks };
}

describe('okx sim venue', () => {
  let server: SimVenueServer;
  let rest: RestClient;
  let instruments: Instrument[];
  let byId: Map<string, Instrument>;
  const rng = seededRng('okx-sim');

  beforeAll(async () => {
    ({ server, rest, instruments, byId } = await startSimVenue(createOkxSimServer(SPECS), adapter, 3000));
    const seed: SimBookChange = { bids: [['29999.9', '1.00'], ['29999.5', '2.50']], asks: [['30000.0', '0.40'], ['30000.3', '3.10']] };
    server.book('BTC-USDT-SWAP').apply(seed);
    server.book('BTC-USDT').apply(seed);
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the instrument lists in OKX format; the adapter rebuilds the specs (delisted ones are not listed)', () => {
    expect(server.requests).toEqual(expect.arrayContaining(['GET /api/v5/public/instruments?instType=SWAP', 'GET /api/v5/public/instruments?instType=SPOT']));
    expect(instruments.map((i) => i.id).sort()).toEqual(['okx:BTC-USDT', 'okx:BTC-USDT-SWAP', 'okx:NEW-USDT-SWAP']);
    expect(byId.get('okx:BTC-USDT-SWAP')).toMatchObject({ kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01', minQty: '0.01', contractSize: '0.01', status: 'trading', listedAt: 1573557408000 });
    expect(byId.get('okx:BTC-USDT')).toMatchObject({ kind: 'spot', contractSize: '1', lotSize: '0.00000001', minQty: '0.00001' });
    expect(byId.get('okx:NEW-USDT-SWAP')).toMatchObject({ status: 'pre-launch', contractSize: '10' });
  });

  it('a bad instType is a 400 the RestClient classes as non-retryable', async () => {
    await expect(rest.get('/api/v5/public/instruments', { instType: 'OPTION' })).rejects.toMatchObject({ code: 'VENUE_REJECTED', errorClass: 'non-retryable' });
    server.inject('http429');
    await expect(adapter.fetchInstruments(rest)).rejects.toBeInstanceOf(FleetError);
  });

  it('subscribes, gets acks and a snapshot, and rebuilds the exact book through checksummed updates', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const swap = byId.get('okx:BTC-USDT-SWAP')!;
    const spot = byId.get('okx:BTC-USDT')!;
    c.send(adapter.subscribeFrames([...adapter.topics(swap, adapter.defaultDepth), ...adapter.topics(spot, adapter.defaultDepth)], 1));
    await until('acks and snapshots', () => c.controls.filter((x) => x.kind === 'ack').length === 7 && c.outcomes.length === 2);
    expect(server.connections.size).toBe(1);
    expect([...server.connections][0]!.path).toBe('/ws/v5/public');
    for (let i = 0; i < 60; i++) {
      server.publish('BTC-USDT-SWAP', change(rng));
      server.publish('BTC-USDT', change(rng));
    }
    await until('updates', () => c.outcomes.length === 122);
    expect(new Set(c.outcomes)).toEqual(new Set(['applied']));
    expectSameBook(c.sync(swap.id), server.book('BTC-USDT-SWAP'));
    expectSameBook(c.sync(spot.id), server.book('BTC-USDT'));
    const sync = c.sync(swap.id);
    expect(sync.seq).toBe(server.book('BTC-USDT-SWAP').seq);
    expect(sync.counters.checksumFailures).toBe(0);
    // The checksums were really verified: every book message carried one (0 would mean none).
    const books = c.events.filter((e) => e.kind === 'book.delta' || e.kind === 'book.snapshot');
    expect(books.every((e) => typeof e.checksum === 'number' && e.checksum !== 0)).toBe(true);

    // A quiet book: the heartbeat repeats the last seqId and is accepted.
    const seqBefore = sync.seq;
    server.publish('BTC-USDT-SWAP', {});
    await until('heartbeat', () => c.outcomes.length === 123);
    expect(c.outcomes.at(-1)).toBe('applied');
    expect(sync.seq).toBe(seqBefore);

    // Trades, tickers and the funding pushed on subscribe.
    server.publish('BTC-USDT-SWAP', {}, [{ id: 't1', price: '30000.0', qty: '0.50', side: 'sell', ts: 1_700_000_000_000 }]);
    await until('trade and ticker', () => c.events.some((e) => e.kind === 'trade'));
    const trade = c.events.find((e) => e.kind === 'trade');
    expect(trade).toMatchObject({ instrument: swap.id, tradeId: 't1', price: 300000, qty: 50, aggressor: 'sell', tsEvent: 1_700_000_000_000 });
    await until('ticker after trade', () => c.events.some((e) => e.kind === 'ticker' && e.last === 300000));
    const funding = c.events.find((e) => e.kind === 'funding');
    expect(funding).toMatchObject({ instrument: swap.id, rate: '0.0001' });
    expect(c.events.some((e) => e.kind === 'funding' && e.instrument === spot.id)).toBe(false);
    expect(c.problems).toEqual([]);
    c.close();
  });

  it('a gap (one seqId skipped) makes the sync resync; resubscribing the book rebuilds it', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const swap = byId.get('okx:BTC-USDT-SWAP')!;
    const topic = adapter.bookTopic(swap, adapter.defaultDepth);
    c.send(adapter.subscribeFrames([topic], 1));
    await until('snapshot', () => c.outcomes.length === 1);
    server.publish('BTC-USDT-SWAP', change(rng));
    server.inject('gap');
    server.publish('BTC-USDT-SWAP', change(rng));
    await until('gap', () => c.outcomes.includes('resync'));
    const sync = c.sync(swap.id);
    expect(sync.reason).toBe('gap');
    expect(sync.detail).toMatch(/prevSeq=\d+ after seq=\d+/);
    c.send(adapter.unsubscribeFrames([topic], 2));
    c.send(adapter.subscribeFrames([topic], 3));
    await until('resynced', () => sync.status === 'synced');
    server.publish('BTC-USDT-SWAP', change(rng));
    await until('next update', () => c.outcomes.at(-1) === 'applied' && sync.seq === server.book('BTC-USDT-SWAP').seq);
    expectSameBook(sync, server.book('BTC-USDT-SWAP'));
    c.close();
  });

  it('a wrong checksum makes the sync resync', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const spot = byId.get('okx:BTC-USDT')!;
    c.send(adapter.subscribeFrames([adapter.bookTopic(spot, 400)], 1));
    await until('snapshot', () => c.outcomes.length === 1);
    server.inject('checksum');
    server.publish('BTC-USDT', change(rng));
    await until('checksum failure', () => c.outcomes.length === 2);
    expect(c.outcomes).toEqual(['applied', 'resync']);
    expect(c.sync(spot.id).reason).toBe('checksum');
    c.close();
  });

  it('answers ping with pong, and a bad subscription with the venue error', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    c.send([adapter.pingFrame()!]);
    c.send(adapter.subscribeFrames(['books:NOPE-USDT', 'funding-rate:BTC-USDT'], 1));
    c.send(['{"op":"subscribe"']);
    await until('replies', () => c.controls.length === 4);
    expect(c.controls[0]).toEqual({ kind: 'pong' });
    expect(c.controls.slice(1).map((x) => (x.kind === 'error' ? x.code : x.kind))).toEqual(['60018', '60018', '60012']);
    c.close();
  });

  it('books5 pushes the top five levels as whole books', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const swap = byId.get('okx:BTC-USDT-SWAP')!;
    c.send(adapter.subscribeFrames([adapter.bookTopic(swap, 5)], 1));
    await until('snapshot', () => c.outcomes.length === 1);
    server.publish('BTC-USDT-SWAP', change(rng));
    await until('push', () => c.outcomes.length === 2);
    const sync = c.sync(swap.id);
    expect(clientSide(sync, 'bids')).toEqual(server.book('BTC-USDT-SWAP').bids.top(5));
    expect(clientSide(sync, 'asks')).toEqual(server.book('BTC-USDT-SWAP').asks.top(5));
    c.close();
  });
});
