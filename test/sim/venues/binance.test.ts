import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binanceSpotAdapter, binanceUsdmAdapter } from '../../../src/adapters/binance/index.ts';
import type { RestClient } from '../../../src/adapters/rest.ts';
import { FleetError } from '../../../src/core/errors.ts';
import type { Instrument, InstrumentSpec } from '../../../src/model/instrument.ts';
import type { SimBookChange, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBinanceSpotSimServer, createBinanceUsdmSimServer } from '../../../src/sim/venues/binance.ts';
import { clock, serverTop, SimClient, startSimVenue, until } from './simClient.ts';

function specs(venue: 'binance-usdm' | 'binance-spot'): InstrumentSpec[] {
  const kind = venue === 'binance-usdm' ? 'perp' : 'spot';
  return [
    { venue, symbol: 'BTCUSDT', kind, base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001', minQty: '0.002', minNotional: '5', status: 'trading', listedAt: 1569398400000 },
    { venue, symbol: 'ETHUSDT', kind, base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.0001', minNotional: '20', status: 'halted' },
    { venue, symbol: 'NEWUSDT', kind, base: 'NEW', quote: 'USDT', tickSize: '0.0001', lotSize: '1', status: 'pre-launch' },
  ];
}

/** A deterministic random walk of level changes on a 0.1 grid that never crosses (bids ≤ 100.0 < 100.1 ≤ asks). */
function changes(seed: number, n: number): SimBookChange[] {
  let x = seed;
  const rnd = (k: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % k;
  };
  const out: SimBookChange[] = [];
  for (let i = 0; i < n; i++) {
    const level = (base: number, sign: number): [string, string] => [((base + sign * rnd(40)) / 10).toFixed(1), rnd(5) === 0 ? '0' : ((1 + rnd(5000)) / 1000).toFixed(3)];
    out.push({ bids: Array.from({ length: rnd(3) }, () => level(1000, -1)), asks: Array.from({ length: 1 + rnd(2) }, () => level(1001, 1)) });
  }
  return out;
}

/** Returns the server's book as ticks and lots, best first. */
function serverBook(server: SimVenueServer, inst: Instrument): { bids: [number, number][]; asks: [number, number][] } {
  return { bids: serverTop(server, inst, 'bids'), asks: serverTop(server, inst, 'asks') };
}

const markets = [
  { name: 'binance-usdm', adapter: binanceUsdmAdapter, create: createBinanceUsdmSimServer },
  { name: 'binance-spot', adapter: binanceSpotAdapter, create: createBinanceSpotSimServer },
] as const;

for (const m of markets) {
  describe(`sim ${m.name}: the real adapter against the simulated venue`, () => {
    let server: SimVenueServer;
    let rest: RestClient;
    let client: SimClient | undefined;
    let inst: Instrument;

    beforeEach(async () => {
      const venue = await startSimVenue(m.create(specs(m.name)), m.adapter, 2000);
      ({ server, rest } = venue);
      inst = venue.instruments.find((i) => i.symbol === 'BTCUSDT')!;
      // A book that exists before anyone connects (the venue has history).
      server.publish('BTCUSDT', { bids: [['100.0', '1.000'], ['99.9', '2.000']], asks: [['100.1', '1.500'], ['100.2', '3.000']] });
    });

    afterEach(async () => {
      client?.close();
      client = undefined;
      await server.close();
    });

    /** Connects, subscribes to the instrument's topics and waits for the ack. */
    async function connect(): Promise<SimClient> {
      client = new SimClient(m.adapter, new Map([[inst.id, inst]]));
      await client.open(m.adapter.connectUrl(server.wsUrl));
      await client.request(m.adapter.subscribeFrames(m.adapter.topics(inst, m.adapter.defaultDepth), 1));
      expect(client.controls).toEqual([{ kind: 'ack', ok: true, detail: 'id=1' }]);
      return client;
    }

    /** Publishes changes and waits until the client has received the last diff. */
    async function publishAll(c: SimClient, list: readonly SimBookChange[]): Promise<void> {
      for (const ch of list) server.publish('BTCUSDT', ch);
      const target = server.book('BTCUSDT').seq;
      await until('the last delta', () => c.lastSeen === target);
    }

    async function resync(c: SimClient): Promise<void> {
      const snap = await m.adapter.fetchSnapshot!(rest, inst, m.adapter.defaultDepth, () => clock.now());
      expect(c.sync(inst.id).apply(snap)).toBe('applied');
    }

    it('fetchInstruments reads the venue-format exchangeInfo back into the specs', async () => {
      const list = await m.adapter.fetchInstruments(rest);
      expect(server.requests[0]).toMatch(m.name === 'binance-usdm' ? /^GET \/fapi\/v1\/exchangeInfo/ : /^GET \/api\/v3\/exchangeInfo/);
      for (const spec of specs(m.name)) {
        const got = list.find((i) => i.symbol === spec.symbol);
        // Spot exchangeInfo has no listing date.
        const { listedAt, ...rest } = spec;
        const expected = m.name === 'binance-usdm' && listedAt !== undefined ? { ...rest, listedAt } : rest;
        expect(got).toMatchObject({ ...expected, minQty: spec.minQty ?? spec.lotSize, id: `${m.name}:${spec.symbol}` });
      }
    });

    it('rebuilds exactly the server book: buffered diffs, REST snapshot, then the live stream', async () => {
      const c = await connect();
      const steps = changes(7, 120);
      // Diffs before the snapshot are buffered and then bridged by the snapshot's lastUpdateId.
      await publishAll(c, steps.slice(0, 20));
      expect(c.outcomes.every((o) => o === 'buffered')).toBe(true);
      await resync(c);
      expect(c.sync(inst.id).status).toBe('synced');
      await publishAll(c, steps.slice(20));
      expect(c.outcomes).not.toContain('resync');
      expect(c.problems).toEqual([]);
      expect(c.sync(inst.id).seq).toBe(server.book('BTCUSDT').seq);
      expect({ bids: c.sync(inst.id).book.top('bids', 1e6), asks: c.sync(inst.id).book.top('asks', 1e6) }).toEqual(serverBook(server, inst));
      // bookTicker follows the book: the last one is the current top.
      const top = [c.sync(inst.id).book.bids.best(), c.sync(inst.id).book.bids.bestQty(), c.sync(inst.id).book.asks.best(), c.sync(inst.id).book.asks.bestQty()].join();
      const last = () => c.tickers.at(-1);
      await until(`a bookTicker at the top ${top}`, () => [last()?.bidPrice, last()?.bidQty, last()?.askPrice, last()?.askQty].join() === top);
      expect(c.tickers.length).toBeGreaterThan(10);
      expect(last()!.updateId).toBeLessThanOrEqual(c.sync(inst.id).seq);
    });

    it('trades arrive with the aggressor side and exact ticks and lots', async () => {
      const c = await connect();
      server.publish('BTCUSDT', {}, [
        { id: '501', price: '100.1', qty: '0.250', side: 'buy', ts: 1_700_000_000_000 },
        { id: '502', price: '100.0', qty: '1.000', side: 'sell', ts: 1_700_000_000_001 },
      ]);
      await until('trades', () => c.trades.length >= 2);
      expect(c.trades.map((t) => [t.tradeId, t.price, t.qty, t.aggressor, t.tsEvent])).toEqual([
        ['501', 1001, 250, 'buy', 1_700_000_000_000],
        ['502', 1000, 1000, 'sell', 1_700_000_000_001],
      ]);
    });

    it('an injected gap makes the sync say resync; a new snapshot brings it back', async () => {
      const c = await connect();
      await resync(c);
      await publishAll(c, changes(11, 10));
      expect(c.sync(inst.id).status).toBe('synced');
      server.inject('gap');
      await publishAll(c, changes(12, 1));
      expect(c.outcomes.at(-1)).toBe('resync');
      expect(c.sync(inst.id).reason).toBe('gap');
      expect(c.sync(inst.id).counters.gaps).toBe(1);
      await resync(c);
      const before = c.outcomes.length;
      await publishAll(c, changes(13, 10));
      expect(c.outcomes.slice(before)).not.toContain('resync');
      expect({ bids: c.sync(inst.id).book.top('bids', 1e6), asks: c.sync(inst.id).book.top('asks', 1e6) }).toEqual(serverBook(server, inst));
    });

    it('duplicated frames are ignored, dropped frames are gaps', async () => {
      const c = await connect();
      await resync(c);
      // Only the depth stream stays, so every fault below lands on a diff.
      await c.request(m.adapter.unsubscribeFrames(m.adapter.topics(inst, 1000).slice(1), 2));
      server.inject('duplicate', 3);
      await publishAll(c, changes(21, 5));
      await until('duplicates', () => c.sync(inst.id).counters.duplicates >= 3);
      expect(c.sync(inst.id).counters.duplicates).toBe(3);
      expect(c.sync(inst.id).status).toBe('synced');
      server.inject('drop');
      server.publish('BTCUSDT', changes(22, 1)[0]!);
      await publishAll(c, changes(23, 1));
      expect(c.outcomes.at(-1)).toBe('resync');
      expect(c.sync(inst.id).reason).toBe('gap');
    });

    it('REST faults and errors are classed: 429 retryable, unknown symbol rejected', async () => {
      server.inject('http429');
      await expect(m.adapter.fetchSnapshot!(rest, inst, 1000, () => clock.now())).rejects.toMatchObject({ code: 'VENUE_RATE_LIMITED', errorClass: 'retryable' });
      const ghost = { ...inst, symbol: 'GHOSTUSDT' };
      const err = await m.adapter.fetchSnapshot!(rest, ghost, 1000, () => clock.now()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FleetError);
      expect(err).toMatchObject({ code: 'VENUE_REJECTED', errorClass: 'non-retryable' });
      expect(server.requests.at(-1)).toBe(`GET ${m.name === 'binance-usdm' ? '/fapi/v1/depth' : '/api/v3/depth'}?symbol=GHOSTUSDT&limit=1000`);
    });

    it('speaks the venue control protocol: unsubscribe ack, list, bad requests answered with errors', async () => {
      const c = await connect();
      const conn = [...server.connections][0]!;
      expect(conn.path).toBe('/stream');
      expect([...conn.topics]).toEqual(m.adapter.topics(inst, 1000));
      await c.request(['{"method":"LIST_SUBSCRIPTIONS","id":5}']);
      await c.request(m.adapter.unsubscribeFrames([m.adapter.bookTopic(inst, 1000)], 6));
      expect(conn.topics.has(m.adapter.bookTopic(inst, 1000))).toBe(false);
      await c.request(['{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":-1}', '{"method":"NOPE","params":[],"id":8}', 'not json']);
      expect(c.controls.slice(1)).toEqual([
        { kind: 'ack', ok: true, detail: 'id=5' },
        { kind: 'ack', ok: true, detail: 'id=6' },
        { kind: 'error', code: '2', message: 'Invalid request: request ID must be an unsigned integer (id=null)' },
        expect.objectContaining({ kind: 'error', code: '2' }),
        expect.objectContaining({ kind: 'error', code: '3' }),
      ]);
    });

    it('a raw /ws/<stream> connection gets unwrapped payloads the adapter parses too', async () => {
      const raw = new SimClient(m.adapter, new Map([[inst.id, inst]]));
      await raw.open(`${server.wsUrl}/ws/btcusdt@aggTrade`);
      try {
        // The server reads the stream list from the URL on its next event.
        server.publish('BTCUSDT', {}, [{ id: '9', price: '100.0', qty: '0.001', side: 'sell', ts: 5 }]);
        await until('raw trade', () => raw.trades.length === 1);
        expect(raw.trades[0]).toMatchObject({ tradeId: '9', price: 1000, qty: 1, aggressor: 'sell' });
      } finally {
        raw.close();
      }
    });
  });
}
