import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bybitLinearAdapter as adapter } from '../../../src/adapters/bybit/index.ts';
import type { RestClient } from '../../../src/adapters/rest.ts';
import { FleetError } from '../../../src/core/errors.ts';
import { seededRng } from '../../../src/core/rng.ts';
import { BookSync } from '../../../src/market/bookSync.ts';
import type { Instrument, InstrumentSpec } from '../../../src/model/instrument.ts';
import type { PriceLevel, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBybitLinearSimServer } from '../../../src/sim/venues/bybit.ts';
import { serverTop, SimClient, startSimVenue, until } from './simClient.ts';

const spec = (symbol: string, tickSize: string, lotSize: string, extra: Partial<InstrumentSpec> = {}): InstrumentSpec => ({
  venue: 'bybit-linear', symbol, kind: 'perp', base: symbol.replace(/USDT$|PERP$/, ''), quote: 'USDT', tickSize, lotSize, ...extra,
});
const SPECS: InstrumentSpec[] = [
  spec('BTCUSDT', '0.10', '0.001', { minNotional: '5', listedAt: 1585526400000 }),
  spec('ETHUSDT', '0.01', '0.01'),
  spec('BTCPERP', '0.5', '0.001', { quote: 'USDC' }), // a USDC perpetual: not in Fleet's universe
  spec('NEWUSDT', '0.0001', '1', { status: 'pre-launch' }),
  spec('XRPUSDT', '0.0001', '1'),
];

describe('bybit-linear simulated venue', () => {
  let server: SimVenueServer;
  let rest: RestClient;
  let instruments: Instrument[];
  let byId: Map<string, Instrument>;
  const rng = seededRng('bybit-sim');
  let btc: Instrument;
  let tradeNo = 0;

  /** A random change around a fixed mid of 50,000.0 (bids below, asks above: never crossed). */
  function randomChange(inst: Instrument): { bids: PriceLevel[]; asks: PriceLevel[] } {
    const mid = inst.price.toInt('50000.0');
    const level = (side: 1 | -1): PriceLevel => [inst.price.toText(mid + side * rng.int(1, 70)), rng.next() < 0.3 ? '0' : inst.qty.toText(rng.int(1, 5000))];
    return { bids: Array.from({ length: rng.int(0, 4) }, () => level(-1)), asks: Array.from({ length: rng.int(1, 4) }, () => level(1)) };
  }

  beforeAll(async () => {
    ({ server, rest, instruments, byId } = await startSimVenue(createBybitLinearSimServer(SPECS, { pageSize: 2 }), adapter));
    btc = byId.get('bybit-linear:BTCUSDT')!;
    // 60 levels a side: deeper than the 50 subscribed, so depth-limited deltas are exercised.
    const mid = btc.price.toInt('50000.0');
    server.publish('BTCUSDT', {
      bids: Array.from({ length: 60 }, (_, i): PriceLevel => [btc.price.toText(mid - 1 - i), btc.qty.toText(100 + i)]),
      asks: Array.from({ length: 60 }, (_, i): PriceLevel => [btc.price.toText(mid + 1 + i), btc.qty.toText(200 + i)]),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('fetchInstruments pages through the universe and keeps USDT perpetuals', () => {
    expect(server.requests.filter((r) => r.startsWith('GET /v5/market/instruments-info'))).toHaveLength(3);
    expect(server.requests[1]).toContain('cursor=next%3A2');
    expect(instruments.map((i) => i.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'NEWUSDT', 'XRPUSDT']);
    expect(btc).toMatchObject({ tickSize: '0.10', lotSize: '0.001', minNotional: '5', status: 'trading', listedAt: 1585526400000, quote: 'USDT' });
    expect(byId.get('bybit-linear:NEWUSDT')!.status).toBe('pre-launch');
  });

  it('fetchSnapshot returns the server book with seq = u', async () => {
    const snap = await adapter.fetchSnapshot!(rest, btc, 50, () => 1);
    expect(snap.seq).toBe(server.book('BTCUSDT').seq);
    expect(snap.bids.length).toBe(100);
    const sync = new BookSync(btc.id, 'bybit');
    expect(sync.apply(snap)).toBe('applied');
    expect(sync.book.top('bids', 60)).toEqual(serverTop(server, btc, 'bids', 50));
  });

  it('a 429 from the venue surfaces as a retryable rate-limit error', async () => {
    server.inject('http429');
    const err = await adapter.fetchInstruments(rest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
    expect((err as FleetError).errorClass).toBe('retryable');
  });

  it('streams a book that rebuilds exactly, trades, tickers; a gap forces a resync; resubscribing recovers', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    c.send(adapter.subscribeFrames([...adapter.topics(btc, 50), 'orderbook.30.BTCUSDT'], 1));
    await until('ack and snapshot', () => c.controls.some((x) => x.kind === 'ack') && c.syncs.get(btc.id)?.status === 'synced');
    // orderbook.30 is not an offered depth: the venue refuses the batch's bad topic.
    expect(c.controls).toContainEqual({ kind: 'ack', ok: false, detail: 'error:handler not found,topic:orderbook.30.BTCUSDT' });
    expect(server.connections.size).toBe(1);
    const sync = c.syncs.get(btc.id)!;
    const initialTicker = c.events.find((e) => e.kind === 'ticker');
    expect(initialTicker).toMatchObject({ bidPrice: btc.price.toInt('49999.9'), askPrice: btc.price.toInt('50000.1'), bidQty: 100, askQty: 200 });
    expect(c.events.find((e) => e.kind === 'funding')).toMatchObject({ rate: '0.0001' });

    for (let n = 0; n < 200; n++) {
      const trades = n % 20 === 0 ? [{ id: `t${++tradeNo}`, price: '50000.1', qty: '0.005', side: n % 40 === 0 ? ('buy' as const) : ('sell' as const), ts: 1000 + n }] : [];
      server.publish('BTCUSDT', randomChange(btc), trades);
    }
    await until('the last delta', () => sync.seq === server.book('BTCUSDT').seq);
    expect(c.outcomesOf(btc.id).every((o) => o === 'applied')).toBe(true);
    expect(c.problems).toEqual([]);
    // Exactly the venue's top 50 (levels pushed out of the top 50 were deleted by the deltas).
    expect(sync.book.top('bids', 1000)).toEqual(serverTop(server, btc, 'bids', 50));
    expect(sync.book.top('asks', 1000)).toEqual(serverTop(server, btc, 'asks', 50));
    const trades = c.events.filter((e) => e.kind === 'trade');
    expect(trades).toHaveLength(10);
    expect(trades[0]).toMatchObject({ tradeId: 't1', price: 500001, qty: 5, aggressor: 'buy' });
    expect(trades[1]).toMatchObject({ aggressor: 'sell' });
    // Ticker deltas carry only what changed: folded together they give the venue's best bid/ask.
    const folded = (): Record<string, number | undefined> => {
      const t: Record<string, number | undefined> = {};
      for (const e of c.events) if (e.kind === 'ticker') for (const k of ['bidPrice', 'bidQty', 'askPrice', 'askQty', 'last'] as const) if (e[k] !== undefined) t[k] = e[k];
      return t;
    };
    const [[bp, bq]] = serverTop(server, btc, 'bids', 1) as [[number, number]];
    const [[ap, aq]] = serverTop(server, btc, 'asks', 1) as [[number, number]];
    await until('ticker deltas', () => folded().bidPrice === bp && folded().askQty === aq);
    expect(folded()).toEqual({ bidPrice: bp, bidQty: bq, askPrice: ap, askQty: aq, last: 500001 });
    expect(c.events.filter((e) => e.kind === 'ticker').some((e) => Object.keys(e).length < 8)).toBe(true);

    server.inject('gap');
    server.publish('BTCUSDT', { asks: [['50000.1', '9']] });
    await until('the gap', () => c.outcomesOf(btc.id).at(-1) === 'resync');
    expect(sync.reason).toBe('gap');
    expect(sync.status).toBe('resyncing');

    // resync = 'resubscribe': the venue refuses a second subscribe of a live topic, so unsubscribe first.
    c.send(adapter.unsubscribeFrames([adapter.bookTopic(btc, 50)], 2));
    c.send(adapter.subscribeFrames([adapter.bookTopic(btc, 50)], 3));
    await until('the new snapshot', () => sync.status === 'synced');
    server.publish('BTCUSDT', randomChange(btc));
    await until('a delta after the resync', () => sync.seq === server.book('BTCUSDT').seq);
    expect(sync.book.top('bids', 1000)).toEqual(serverTop(server, btc, 'bids', 50));
    expect(sync.book.top('asks', 1000)).toEqual(serverTop(server, btc, 'asks', 50));

    // A dropped frame is a gap too.
    server.inject('drop');
    server.publish('BTCUSDT', randomChange(btc));
    server.publish('BTCUSDT', randomChange(btc));
    await until('the dropped delta', () => sync.status === 'resyncing');
    expect(sync.counters.gaps).toBe(2);
    c.close();
  });

  it('answers the app-level ping with a pong, and level 1 arrives as snapshots', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    c.send([adapter.pingFrame()!]);
    await until('pong', () => c.controls.some((x) => x.kind === 'pong'));
    c.send(adapter.subscribeFrames([adapter.bookTopic(btc, 1)], 9));
    await until('level-1 snapshot', () => c.syncs.get(btc.id)?.status === 'synced');
    server.publish('BTCUSDT', { bids: [['49999.9', '7']] });
    await until('level-1 push', () => c.syncs.get(btc.id)!.seq === server.book('BTCUSDT').seq);
    expect(c.events.filter((e) => e.kind === 'book.delta')).toHaveLength(0);
    expect(c.syncs.get(btc.id)!.book.top('bids', 5)).toEqual([[499999, 7000]]);
    c.close();
  });
});
