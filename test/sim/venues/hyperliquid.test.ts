import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hyperliquidAdapter as adapter } from '../../../src/adapters/hyperliquid/index.ts';
import type { RestClient } from '../../../src/adapters/rest.ts';
import { FleetError } from '../../../src/core/errors.ts';
import { seededRng } from '../../../src/core/rng.ts';
import { BookSync } from '../../../src/market/bookSync.ts';
import type { Instrument, InstrumentSpec } from '../../../src/model/instrument.ts';
import type { Ticker } from '../../../src/model/market.ts';
import type { PriceLevel, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createHyperliquidSimServer } from '../../../src/sim/venues/hyperliquid.ts';
import { serverTop, SimClient, startSimVenue, until } from './simClient.ts';

const spec = (symbol: string, tickSize: string, lotSize: string, extra: Partial<InstrumentSpec> = {}): InstrumentSpec => ({
  venue: 'hyperliquid', symbol, kind: 'perp', base: symbol.replace(/^.*:/, ''), quote: 'USDC', tickSize, lotSize, ...extra,
});
const SPECS: InstrumentSpec[] = [
  spec('BTC', '0.1', '0.00001'),
  spec('ETH', '0.01', '0.0001'),
  spec('OLD', '0.0001', '0.01', { status: 'delisted' }),
  spec('xyz:NVDA', '0.001', '0.001'),
  spec('km:US500', '0.001', '0.001'),
];

describe('hyperliquid simulated venue', () => {
  let server: SimVenueServer;
  let rest: RestClient;
  let instruments: Instrument[];
  let byId: Map<string, Instrument>;
  const rng = seededRng('hyperliquid-sim');

  function randomChange(inst: Instrument, midText: string): { bids: PriceLevel[]; asks: PriceLevel[] } {
    const mid = inst.price.toInt(midText);
    const level = (side: 1 | -1): PriceLevel => [inst.price.toText(mid + side * rng.int(1, 30)), rng.next() < 0.3 ? '0' : inst.qty.toText(rng.int(1, 900))];
    return { bids: Array.from({ length: rng.int(1, 3) }, () => level(-1)), asks: Array.from({ length: rng.int(0, 3) }, () => level(1)) };
  }

  beforeAll(async () => {
    const venue = createHyperliquidSimServer(SPECS, { collateral: { km: 360 }, tokens: [{ name: 'USDH', index: 360 }] });
    ({ server, rest, instruments, byId } = await startSimVenue(venue, adapter));
    for (const [sym, mid] of [['BTC', '60000.0'], ['xyz:NVDA', '180.000']] as const) {
      const inst = byId.get(`hyperliquid:${sym}`)!;
      const m = inst.price.toInt(mid);
      // 25 levels a side: deeper than the 20 the venue sends.
      server.publish(sym, {
        bids: Array.from({ length: 25 }, (_, i): PriceLevel => [inst.price.toText(m - 1 - i), inst.qty.toText(10 + i)]),
        asks: Array.from({ length: 25 }, (_, i): PriceLevel => [inst.price.toText(m + 1 + i), inst.qty.toText(20 + i)]),
      });
    }
  });
  afterAll(async () => {
    await server.close();
  });

  it('fetchInstruments reads the main dex, perpDexs and each HIP-3 dex, naming non-USDC collateral', () => {
    expect(server.requests.every((r) => r === 'POST /info')).toBe(true);
    // meta, perpDexs, meta xyz, meta km, spotMeta (km's collateral is token 360).
    expect(server.requests).toHaveLength(5);
    expect(instruments.map((i) => [i.id, i.base, i.quote, i.tickSize, i.lotSize, i.status])).toEqual([
      ['hyperliquid:BTC', 'BTC', 'USDC', '0.1', '0.00001', 'trading'],
      ['hyperliquid:ETH', 'ETH', 'USDC', '0.01', '0.0001', 'trading'],
      ['hyperliquid:OLD', 'OLD', 'USDC', '0.0001', '0.01', 'delisted'],
      ['hyperliquid:xyz:NVDA', 'NVDA', 'USDC', '0.001', '0.001', 'trading'],
      ['hyperliquid:km:US500', 'US500', 'USDH', '0.001', '0.001', 'trading'],
    ]);
  });

  it('fetchSnapshot returns the top 20 levels with seq = time; an unknown coin is an invalid response', async () => {
    const nvda = byId.get('hyperliquid:xyz:NVDA')!;
    const snap = await adapter.fetchSnapshot!(rest, nvda, 20, () => 1);
    expect(snap.seq).toBe(server.book('xyz:NVDA').seq);
    const sync = new BookSync(nvda.id, 'hyperliquid');
    expect(sync.apply(snap)).toBe('applied');
    expect(sync.book.top('bids', 50)).toEqual(serverTop(server, nvda, 'bids', 20));
    const ghost = { ...nvda, symbol: 'xyz:GHOST', id: 'hyperliquid:xyz:GHOST' };
    const err = await adapter.fetchSnapshot!(rest, ghost, 20, () => 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FleetError);
  });

  it('streams full books that rebuild exactly (main dex and HIP-3), trades, mids and funding', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const btc = byId.get('hyperliquid:BTC')!;
    const nvda = byId.get('hyperliquid:xyz:NVDA')!;
    const topics = [...adapter.topics(btc, 20), ...adapter.topics(nvda, 20), ...adapter.sharedTopics!()];
    c.send(adapter.subscribeFrames(topics, 1));
    await until('acks', () => c.controls.filter((x) => x.kind === 'ack').length === topics.length);
    await until('initial books', () => c.syncs.get(btc.id)?.status === 'synced' && c.syncs.get(nvda.id)?.status === 'synced');
    expect(c.events.find((e) => e.kind === 'funding' && e.instrument === nvda.id)).toMatchObject({ rate: '0.0000125', markPrice: 180000 });

    for (let n = 0; n < 120; n++) {
      const [sym, mid] = n % 3 === 0 ? (['xyz:NVDA', '180.000'] as const) : (['BTC', '60000.0'] as const);
      const trades = n % 10 === 0 ? [{ id: String(1000 + n), price: mid, qty: sym === 'BTC' ? '0.00100' : '1.000', side: n % 20 === 0 ? ('buy' as const) : ('sell' as const), ts: 5000 + n }] : [];
      server.publish(sym, randomChange(byId.get(`hyperliquid:${sym}`)!, mid), trades);
    }
    await until('the last books', () => c.syncs.get(btc.id)!.seq === server.book('BTC').seq && c.syncs.get(nvda.id)!.seq === server.book('xyz:NVDA').seq);
    expect(c.problems).toEqual([]);
    for (const inst of [btc, nvda]) {
      const sync = c.syncs.get(inst.id)!;
      expect(c.outcomesOf(inst.id).every((o) => o === 'applied')).toBe(true);
      expect(sync.book.top('bids', 100)).toEqual(serverTop(server, inst, 'bids', 20));
      expect(sync.book.top('asks', 100)).toEqual(serverTop(server, inst, 'asks', 20));
    }
    const trades = c.events.filter((e) => e.kind === 'trade');
    expect(trades).toHaveLength(12);
    expect(trades[0]).toMatchObject({ instrument: nvda.id, tradeId: '1000', price: 180000, qty: 1000, aggressor: 'buy' });
    expect(trades[1]).toMatchObject({ instrument: btc.id, tradeId: '1010', price: 600000, qty: 100, aggressor: 'sell' });
    // allMids covers the main dex only: BTC tickers with last = the book's mid, none for xyz:NVDA.
    const mids = (): Ticker[] => c.events.filter((e): e is Ticker => e.kind === 'ticker' && e.last !== undefined);
    expect(mids().length).toBeGreaterThan(0);
    expect(mids().every((e) => e.instrument === btc.id)).toBe(true);
    const book = c.syncs.get(btc.id)!.book;
    // The mid may fall between two ticks (x.5): a computed price, kept as fractional ticks.
    await until('allMids after the last BTC book', () => mids().at(-1)!.last === book.mid());
    c.close();
  });

  it('a gap fault only skips a time value: the next full book still rebuilds; ping → pong; bad subscriptions are refused', async () => {
    const c = new SimClient(adapter, byId);
    await c.open(adapter.connectUrl(server.wsUrl));
    const eth = byId.get('hyperliquid:ETH')!;
    c.send([adapter.pingFrame()!]);
    c.send(adapter.subscribeFrames([adapter.bookTopic(eth, 20), 'l2Book:NOPE'], 1));
    await until('pong and refusal', () => c.controls.some((x) => x.kind === 'pong') && c.controls.some((x) => x.kind === 'error'));
    expect(c.controls).toContainEqual({ kind: 'error', message: 'Invalid subscription {"type":"l2Book","coin":"NOPE"}' });
    await until('ETH book (empty at first)', () => c.syncs.get(eth.id)?.status === 'synced');
    server.inject('gap');
    server.publish('ETH', { bids: [['2999.99', '1.5']], asks: [['3000.01', '2']] });
    server.inject('duplicate');
    server.publish('ETH', { bids: [['2999.98', '0.2500']] });
    await until('ETH books', () => c.syncs.get(eth.id)!.seq === server.book('ETH').seq && c.outcomesOf(eth.id).length === 4);
    expect(c.outcomesOf(eth.id)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(c.syncs.get(eth.id)!.book.top('bids', 5)).toEqual([[299999, 15000], [299998, 2500]]);
    // Subscribing twice is refused by the venue; unsubscribing is acknowledged.
    c.send(adapter.subscribeFrames([adapter.bookTopic(eth, 20)], 2));
    c.send(adapter.unsubscribeFrames([adapter.bookTopic(eth, 20)], 3));
    await until('refusal and unsubscribe ack', () => c.controls.filter((x) => x.kind === 'error').length === 2 && c.controls.filter((x) => x.kind === 'ack').length === 2);
    c.close();
  });
});
