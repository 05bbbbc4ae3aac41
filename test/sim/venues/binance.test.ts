import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { binanceSpotAdapter, binanceUsdmAdapter } from '../../../src/adapters/binance/index.ts';
import { RestClient } from '../../../src/adapters/rest.ts';
import type { Control, PublicAdapter } from '../../../src/adapters/types.ts';
import { SystemClock } from '../../../src/core/clock.ts';
import { FleetError } from '../../../src/core/errors.ts';
import { BookSync, type SyncOutcome } from '../../../src/market/bookSync.ts';
import type { Instrument, InstrumentSpec } from '../../../src/model/instrument.ts';
import type { Ticker, Trade } from '../../../src/model/market.ts';
import type { SimBookChange, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBinanceSpotSimServer, createBinanceUsdmSimServer } from '../../../src/sim/venues/binance.ts';

const clock = new SystemClock();

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

async function waitFor(what: string, pred: () => boolean, ms = 3000): Promise<void> {
  const until = clock.now() + ms;
  while (!pred()) {
    if (clock.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A client: a real ws socket whose frames go through adapter.parse into a BookSync. */
class Client {
  readonly sync: BookSync;
  readonly outcomes: SyncOutcome[] = [];
  readonly trades: Trade[] = [];
  readonly tickers: Ticker[] = [];
  readonly controls: Control[] = [];
  readonly problems: string[] = [];
  /** The seq of the last book message received, applied or not. */
  lastSeen = 0;
  ws!: WebSocket;

  constructor(
    readonly adapter: PublicAdapter,
    readonly inst: Instrument,
  ) {
    this.sync = new BookSync(inst.id, adapter.syncRule);
  }

  async open(url: string): Promise<void> {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data) => {
      const out = this.adapter.parse(String(data), clock.now(), (s) => (s === this.inst.symbol ? this.inst : undefined));
      if (!out.ok) return void this.problems.push(`${out.problem}: ${out.detail}`);
      if (out.control) this.controls.push(out.control);
      for (const ev of out.events) {
        if (ev.kind === 'book.delta' || ev.kind === 'book.snapshot') {
          this.lastSeen = ev.seq;
          this.outcomes.push(this.sync.apply(ev));
        }
        else if (ev.kind === 'trade') this.trades.push(ev);
        else if (ev.kind === 'ticker') this.tickers.push(ev);
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  async send(frames: readonly string[]): Promise<void> {
    const acks = this.controls.length + frames.length;
    for (const f of frames) this.ws.send(f);
    await waitFor('acks', () => this.controls.length >= acks);
  }

  close(): void {
    this.ws?.terminate();
  }
}

/** Returns the server's book as ticks and lots, best first. */
function serverBook(server: SimVenueServer, inst: Instrument): { bids: number[][]; asks: number[][] } {
  const b = server.book(inst.symbol);
  const conv = (lv: readonly (readonly [string, string])[]) => lv.map(([p, q]) => [inst.price.toInt(p), inst.qty.toInt(q)]);
  return { bids: conv(b.bids.top()), asks: conv(b.asks.top()) };
}

const markets = [
  { name: 'binance-usdm', adapter: binanceUsdmAdapter, create: createBinanceUsdmSimServer },
  { name: 'binance-spot', adapter: binanceSpotAdapter, create: createBinanceSpotSimServer },
] as const;

for (const m of markets) {
  describe(`sim ${m.name}: the real adapter against the simulated venue`, () => {
    let server: SimVenueServer;
    let rest: RestClient;
    let client: Client | undefined;
    let inst: Instrument;

    beforeEach(async () => {
      server = await m.create(specs(m.name)).listen();
      rest = new RestClient(server.restUrl, { clock, timeoutMs: 2000 });
      const list = await m.adapter.fetchInstruments(rest);
      inst = list.find((i) => i.symbol === 'BTCUSDT')!;
      // A book that exists before anyone connects (the venue has history).
      server.publish('BTCUSDT', { bids: [['100.0', '1.000'], ['99.9', '2.000']], asks: [['100.1', '1.500'], ['100.2', '3.000']] });
    });

    afterEach(async () => {
      client?.close();
      client = undefined;
      await server.close();
    });

    /** Connects, subscribes to the instrument's topics and waits for the ack. */
    async function connect(): Promise<Client> {
      client = new Client(m.adapter, inst);
      await client.open(m.adapter.connectUrl(server.wsUrl));
      await client.send(m.adapter.subscribeFrames(m.adapter.topics(inst, m.adapter.defaultDepth), 1));
      expect(client.controls).toEqual([{ kind: 'ack', ok: true, detail: 'id=1' }]);
      return client;
    }

    /** Publishes changes and waits until the client has received the last diff. */
    async function publishAll(c: Client, list: readonly SimBookChange[]): Promise<void> {
      for (const ch of list) server.publish('BTCUSDT', ch);
      const target = server.book('BTCUSDT').seq;
      await waitFor('the last delta', () => c.lastSeen === target);
    }

    async function resync(c: Client): Promise<void> {
      const snap = await m.adapter.fetchSnapshot!(rest, inst, m.adapter.defaultDepth, () => clock.now());
      expect(c.sync.apply(snap)).toBe('applied');
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
      expect(c.sync.status).toBe('synced');
      await publishAll(c, steps.slice(20));
      expect(c.outcomes).not.toContain('resync');
      expect(c.problems).toEqual([]);
      expect(c.sync.seq).toBe(server.book('BTCUSDT').seq);
      expect({ bids: c.sync.book.top('bids', 1e6), asks: c.sync.book.top('asks', 1e6) }).toEqual(serverBook(server, inst));
      // bookTicker follows the book: the last one is the current top.
      const top = [c.sync.book.bids.best(), c.sync.book.bids.bestQty(), c.sync.book.asks.best(), c.sync.book.asks.bestQty()].join();
      const last = () => c.tickers.at(-1);
      await waitFor(`a bookTicker at the top ${top}`, () => [last()?.bidPrice, last()?.bidQty, last()?.askPrice, last()?.askQty].join() === top);
      expect(c.tickers.length).toBeGreaterThan(10);
      expect(last()!.updateId).toBeLessThanOrEqual(c.sync.seq);
    });

    it('trades arrive with the aggressor side and exact ticks and lots', async () => {
      const c = await connect();
      server.publish('BTCUSDT', {}, [
        { id: '501', price: '100.1', qty: '0.250', side: 'buy', ts: 1_700_000_000_000 },
        { id: '502', price: '100.0', qty: '1.000', side: 'sell', ts: 1_700_000_000_001 },
      ]);
      await waitFor('trades', () => c.trades.length >= 2);
      expect(c.trades.map((t) => [t.tradeId, t.price, t.qty, t.aggressor, t.tsEvent])).toEqual([
        ['501', 1001, 250, 'buy', 1_700_000_000_000],
        ['502', 1000, 1000, 'sell', 1_700_000_000_001],
      ]);
    });

    it('an injected gap makes the sync say resync; a new snapshot brings it back', async () => {
      const c = await connect();
      await resync(c);
      await publishAll(c, changes(11, 10));
      expect(c.sync.status).toBe('synced');
      server.inject('gap');
      await publishAll(c, changes(12, 1));
      expect(c.outcomes.at(-1)).toBe('resync');
      expect(c.sync.reason).toBe('gap');
      expect(c.sync.counters.gaps).toBe(1);
      await resync(c);
      const before = c.outcomes.length;
      await publishAll(c, changes(13, 10));
      expect(c.outcomes.slice(before)).not.toContain('resync');
      expect({ bids: c.sync.book.top('bids', 1e6), asks: c.sync.book.top('asks', 1e6) }).toEqual(serverBook(server, inst));
    });

    it('duplicated frames are ignored, dropped frames are gaps', async () => {
      const c = await connect();
      await resync(c);
      // Only the depth stream stays, so every fault below lands on a diff.
      await c.send(m.adapter.unsubscribeFrames(m.adapter.topics(inst, 1000).slice(1), 2));
      server.inject('duplicate', 3);
      await publishAll(c, changes(21, 5));
      await waitFor('duplicates', () => c.sync.counters.duplicates >= 3);
      expect(c.sync.counters.duplicates).toBe(3);
      expect(c.sync.status).toBe('synced');
      server.inject('drop');
      server.publish('BTCUSDT', changes(22, 1)[0]!);
      await publishAll(c, changes(23, 1));
      expect(c.outcomes.at(-1)).toBe('resync');
      expect(c.sync.reason).toBe('gap');
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
      await c.send(['{"method":"LIST_SUBSCRIPTIONS","id":5}']);
      await c.send(m.adapter.unsubscribeFrames([m.adapter.bookTopic(inst, 1000)], 6));
      expect(conn.topics.has(m.adapter.bookTopic(inst, 1000))).toBe(false);
      await c.send(['{"method":"SUBSCRIBE","params":["btcusdt@aggTrade"],"id":-1}', '{"method":"NOPE","params":[],"id":8}', 'not json']);
      expect(c.controls.slice(1)).toEqual([
        { kind: 'ack', ok: true, detail: 'id=5' },
        { kind: 'ack', ok: true, detail: 'id=6' },
        { kind: 'error', code: '2', message: 'Invalid request: request ID must be an unsigned integer (id=null)' },
        expect.objectContaining({ kind: 'error', code: '2' }),
        expect.objectContaining({ kind: 'error', code: '3' }),
      ]);
    });

    it('a raw /ws/<stream> connection gets unwrapped payloads the adapter parses too', async () => {
      const raw = new Client(m.adapter, inst);
      await raw.open(`${server.wsUrl}/ws/btcusdt@aggTrade`);
      try {
        // The server reads the stream list from the URL on its next event.
        server.publish('BTCUSDT', {}, [{ id: '9', price: '100.0', qty: '0.001', side: 'sell', ts: 5 }]);
        await waitFor('raw trade', () => raw.trades.length === 1);
        expect(raw.trades[0]).toMatchObject({ tradeId: '9', price: 1000, qty: 1, aggressor: 'sell' });
      } finally {
        raw.close();
      }
    });
  });
}
