/**
 * The Binance private adapters (USD-M and spot) end to end against the simulated Binance on
 * 127.0.0.1: real REST calls through PrivateHttp, a real user data socket on a listen key, the
 * venue moved with `publish` and faults injected through its server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBinanceSpotPrivate, createBinanceUsdmPrivate } from '../../../src/adapters/binance/private.ts';
import { SystemClock, type TimerHandle } from '../../../src/core/clock.ts';
import { FleetError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { PrivateAdapter, PrivateAdapterFactory, PrivateEvent, VenueCallDetails, VenueOrder } from '../../../src/execution/types.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import type { SimExchange } from '../../../src/sim/matching/types.ts';
import { createBinanceSpotPrivateSide, createBinanceUsdmPrivateSide } from '../../../src/sim/private/binance.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBinanceSpotSimServer, createBinanceUsdmSimServer } from '../../../src/sim/venues/binance.ts';

const KEY = 'sim-binance-key-0123456789abcdef';
const SECRET = 'sim-binance-secret-0123456789abcdef';
const FEES = { maker: 0.0002, taker: 0.0005 };
const ACCOUNT = 'trader';

/** What differs between the two markets in these tests. */
interface Market {
  readonly name: 'binance-usdm' | 'binance-spot';
  readonly futures: boolean;
  readonly spec: InstrumentSpec;
  readonly factory: PrivateAdapterFactory;
  readonly bid: string;
  /** Market size at the best bid: the queue ahead of an order resting there. */
  readonly bidSize: string;
  readonly ask: string;
  readonly qty: string;
  readonly listenKeyPath: string;
  readonly orderPath: string;
  /** Fault rejections answer with this code. */
  readonly rejectCode: string;
}

const MARKETS: readonly Market[] = [
  {
    name: 'binance-usdm',
    futures: true,
    spec: { venue: 'binance-usdm', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001', minNotional: '100' },
    factory: createBinanceUsdmPrivate,
    bid: '49999.90',
    bidSize: '2',
    ask: '50000.00',
    qty: '0.010',
    listenKeyPath: '/fapi/v1/listenKey',
    orderPath: '/fapi/v1/order',
    rejectCode: '-2019',
  },
  {
    name: 'binance-spot',
    futures: false,
    spec: { venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5' },
    factory: createBinanceSpotPrivate,
    bid: '49999.99',
    bidSize: '1',
    ask: '50000.00',
    qty: '0.01',
    listenKeyPath: '/api/v3/userDataStream',
    orderPath: '/api/v3/order',
    rejectCode: '-2010',
  },
];

/** The wall clock with long intervals (the 30-minute listen key keepalive) run every 150 ms. */
class QuickUpkeepClock extends SystemClock {
  override setInterval(fn: () => void, ms: number): TimerHandle {
    return super.setInterval(fn, ms >= 60_000 ? 150 : ms);
  }
}

interface Rig {
  readonly server: SimVenueServer;
  readonly engine: SimExchange;
  readonly adapter: PrivateAdapter;
  readonly events: PrivateEvent[];
  /** Moves the venue's clock (listen key lifetimes); signed calls fail while it is moved. */
  shift: number;
  resetBook(): void;
  close(): Promise<void>;
}

async function rig(m: Market, o: { clock?: SystemClock; attempts?: number; timeoutMs?: number } = {}): Promise<Rig> {
  const state = { shift: 0 };
  const now = (): number => Date.now() + state.shift;
  const server = m.futures ? createBinanceUsdmSimServer([m.spec], { now }) : createBinanceSpotSimServer([m.spec], { now });
  const engine = createMatchingEngine({ venue: m.name, instruments: [m.spec], fees: FEES, now: () => server.now(), leverage: 10 });
  server.exchange = engine;
  const creds = { apiKey: KEY, apiSecret: SECRET, account: ACCOUNT };
  server.privateSide = (m.futures ? createBinanceUsdmPrivateSide : createBinanceSpotPrivateSide)(engine, creds, { fees: FEES, holdFillMs: 2000 });
  await server.listen();
  engine.deposit(ACCOUNT, 'USDT', '100000');
  if (!m.futures) engine.deposit(ACCOUNT, 'BTC', '1');
  const resetBook = (): void => server.publish(m.spec.symbol, { bids: [[m.bid, m.bidSize]], asks: [[m.ask, '2']] });
  resetBook();
  const adapter = m.factory({
    venue: m.name,
    restUrl: server.restUrl,
    privateWsUrl: server.wsUrl,
    key: KEY,
    secret: SECRET,
    clock: o.clock ?? new SystemClock(),
    logger: silentLogger(),
    symbols: [m.spec.symbol],
    timeoutMs: o.timeoutMs ?? 2000,
    backoff: { initialMs: 20, maxMs: 100 },
    attempts: o.attempts ?? 3,
  });
  const events: PrivateEvent[] = [];
  adapter.events$.subscribe((e) => events.push(e));
  const r: Rig = {
    server,
    engine,
    adapter,
    events,
    get shift() {
      return state.shift;
    },
    set shift(v: number) {
      state.shift = v;
    },
    resetBook,
    async close() {
      await adapter.stop();
      await server.close();
    },
  };
  return r;
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Returns the FleetError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<FleetError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FleetError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const details = (e: FleetError): VenueCallDetails => e.details as VenueCallDetails;

let cidNo = 0;
const cid = (): string => `fl-test-${Date.now().toString(36)}-${++cidNo}`;

const orders = (events: readonly PrivateEvent[], id: string): VenueOrder[] => events.flatMap((e) => (e.kind === 'order' && e.order.clientOrderId === id ? [e.order] : []));
const kinds = (events: readonly PrivateEvent[], id: string): string[] =>
  events.flatMap((e) => (e.kind === 'order' && e.order.clientOrderId === id ? [`order:${e.order.status}`] : e.kind === 'fill' && e.fill.clientOrderId === id ? [`fill:${e.fill.qty}`] : []));

describe.each(MARKETS)('$name private adapter', (m) => {
  let v: Rig;
  const sym = m.spec.symbol;
  const restingBuy = (id: string, price = m.bid, qty = m.qty) =>
    v.adapter.place({ symbol: sym, clientOrderId: id, side: 'buy', type: 'limit', tif: 'GTC', qty, price });
  /** A market sell trade at the bid: the queue ahead, then `mine` of the resting order. */
  const tradeAtBid = (mine: string, ahead = true): void => {
    const qty = ahead ? String(Number(m.bidSize) + Number(mine)) : mine;
    v.server.publish(sym, {}, [{ id: String(Date.now()), price: m.bid, qty, side: 'sell', ts: Date.now() }]);
  };

  beforeAll(async () => {
    v = await rig(m);
    await v.adapter.start();
  });

  afterAll(async () => {
    await v.close();
  });

  it('places a limit order: the ack, then the new order on the stream', async () => {
    expect(v.events[0]).toMatchObject({ kind: 'stream', state: 'up' });
    const id = cid();
    const ack = await restingBuy(id, '49000.00');
    expect(ack).toMatchObject({ symbol: sym, clientOrderId: id, side: 'buy', type: 'limit', tif: 'GTC', status: 'new' });
    expect(Number(ack.price)).toBe(49000);
    expect(ack.venueOrderId).toMatch(/^\d+$/);
    await until('new order on the stream', () => orders(v.events, id).length > 0);
    expect(orders(v.events, id)[0]).toMatchObject({ status: 'new', venueOrderId: ack.venueOrderId, filledQty: expect.stringMatching(/^0(\.0+)?$/) });
    await v.adapter.cancel(sym, id);
  });

  it('streams a partial then a full fill with trade ids and fees, and fills() finds both', async () => {
    const id = cid();
    const ack = await restingBuy(id);
    tradeAtBid('0.004');
    await until('partial fill', () => kinds(v.events, id).includes('order:partially_filled'));
    tradeAtBid('0.006', false);
    await until('full fill', () => kinds(v.events, id).includes('order:filled'));
    const fills = v.events.flatMap((e) => (e.kind === 'fill' && e.fill.clientOrderId === id ? [e.fill] : []));
    expect(fills.map((f) => Number(f.qty))).toEqual([0.004, 0.006]);
    for (const f of fills) {
      expect(f).toMatchObject({ symbol: sym, venueOrderId: ack.venueOrderId, side: 'buy', liquidity: 'maker', feeAsset: 'USDT', tradeId: expect.stringMatching(/^\d+$/) });
      expect(Number(f.price)).toBe(Number(m.bid));
      // Maker 0.02 % of the notional, paid: positive.
      expect(Number(f.fee)).toBeCloseTo(0.0002 * Number(m.bid) * Number(f.qty), 9);
    }
    const rest = await v.adapter.fills(sym, id);
    expect(rest.map((f) => f.tradeId)).toEqual(fills.map((f) => f.tradeId));
    expect(rest.map((f) => f.fee)).toEqual(fills.map((f) => f.fee));
    expect(await v.adapter.fills(sym, 'never-placed')).toEqual([]);
    v.resetBook();
  });

  it('cancels, and a second cancel rejects as not found', async () => {
    const id = cid();
    await restingBuy(id, '49000.00');
    const canceled = await v.adapter.cancel(sym, id);
    expect(canceled).toMatchObject({ clientOrderId: id, status: 'canceled' });
    await until('canceled on the stream', () => kinds(v.events, id).includes('order:canceled'));
    const again = await failure(v.adapter.cancel(sym, id));
    expect(again.code).toBe('VENUE_REJECTED');
    expect(details(again)).toMatchObject({ notFound: true, venueCode: '-2011', endpoint: 'cancelOrder' });
  });

  it('delivers a fill that arrives after the cancel as a fill', async () => {
    v.server.inject('fill-after-cancel');
    const id = cid();
    await restingBuy(id);
    tradeAtBid('0.004');
    await v.adapter.cancel(sym, id);
    await until('late fill', () => kinds(v.events, id).some((k) => k.startsWith('fill:')));
    const seq = kinds(v.events, id);
    expect(seq.indexOf('order:canceled')).toBeGreaterThan(-1);
    expect(seq.findIndex((k) => k.startsWith('fill:'))).toBeGreaterThan(seq.indexOf('order:canceled'));
    v.resetBook();
  });

  it('rejects an order the venue refuses: VENUE_REJECTED, not retryable, with the venue code', async () => {
    v.server.inject('reject-next-order');
    const e = await failure(restingBuy(cid(), '49000.00'));
    expect(e).toMatchObject({ code: 'VENUE_REJECTED', errorClass: 'non-retryable' });
    expect(e.message).toContain(`code ${m.rejectCode}`);
    expect(details(e)).toMatchObject({ venue: m.name, endpoint: 'order', venueCode: m.rejectCode, httpStatus: 400 });
  });

  it('waits out a 429 (the limiter penalized) and retries the place', async () => {
    const posts = (): number => v.server.requests.filter((r) => r === `POST ${m.orderPath}`).length;
    const before = posts();
    v.server.inject('http429');
    const t0 = Date.now();
    const id = cid();
    const ack = await restingBuy(id, '49000.00');
    expect(ack).toMatchObject({ clientOrderId: id, status: 'new' });
    // Retry-After: 1 s blocks every request of the account for that long.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(posts() - before).toBe(2);
    await v.adapter.cancel(sym, id);
  });

  it('a place whose answer times out rejects VENUE_TIMEOUT; the order the venue made is then found', async () => {
    const impatient = m.factory({ venue: m.name, restUrl: v.server.restUrl, privateWsUrl: v.server.wsUrl, key: KEY, secret: SECRET, clock: new SystemClock(), logger: silentLogger(), symbols: [sym], timeoutMs: 300, attempts: 1 });
    v.server.latencyMs = 500;
    const id = cid();
    const e = await failure(impatient.place({ symbol: sym, clientOrderId: id, side: 'buy', type: 'limit', tif: 'GTC', qty: m.qty, price: '49000.00' }));
    v.server.latencyMs = 0;
    expect(e).toMatchObject({ code: 'VENUE_TIMEOUT', errorClass: 'retryable' });
    expect(details(e)).toMatchObject({ venue: m.name, endpoint: 'order' });
    const found = await impatient.query(sym, id);
    expect(found).toMatchObject({ clientOrderId: id, status: 'new' });
    await impatient.cancel(sym, id);
    await impatient.stop();
  });

  it('a repeated place answers with the order the venue already has', async () => {
    const id = cid();
    const first = await restingBuy(id, '49000.00');
    const second = await restingBuy(id, '49000.00');
    expect(second).toMatchObject({ clientOrderId: id, venueOrderId: first.venueOrderId, status: 'new' });
    expect((await v.adapter.openOrders(sym)).filter((o) => o.clientOrderId === id)).toHaveLength(1);
    await v.adapter.cancel(sym, id);
  });

  it('query of an unknown client id resolves undefined', async () => {
    expect(await v.adapter.query(sym, 'fl-never-placed')).toBeUndefined();
  });

  it('lists open orders, balances, positions and fee rates', async () => {
    const id = cid();
    await restingBuy(id, '49000.00');
    const open = await v.adapter.openOrders();
    expect(open.find((o) => o.clientOrderId === id)).toMatchObject({ symbol: sym, side: 'buy', status: 'new', qty: expect.any(String) });
    expect(await v.adapter.openOrders(sym)).toEqual(expect.arrayContaining([expect.objectContaining({ clientOrderId: id })]));
    const usdt = (await v.adapter.balances()).find((b) => b.asset === 'USDT');
    expect(usdt).toBeDefined();
    // Part of the wallet is held (the open order's margin or quote), so less is free than the total.
    expect(Number(usdt!.free)).toBeLessThan(Number(usdt!.total));
    await v.adapter.cancel(sym, id);
    expect(await v.adapter.feeRates([sym])).toEqual([{ symbol: sym, maker: expect.stringMatching(/^0\.00020*$/), taker: expect.stringMatching(/^0\.00050*$/) }]);
    if (!m.futures) {
      expect(await v.adapter.positions()).toEqual([]);
      const btc = (await v.adapter.balances()).find((b) => b.asset === 'BTC');
      expect(btc).toMatchObject({ total: expect.stringMatching(/^\d+(\.\d+)?$/), free: expect.any(String) });
      return;
    }
    // Earlier fills left a long: a market buy adds to it, a reduce-only sell of all of it closes it.
    const held = Number((await v.adapter.positions())[0]?.qty ?? 0);
    await v.adapter.place({ symbol: sym, clientOrderId: cid(), side: 'buy', type: 'market', tif: 'IOC', qty: m.qty });
    const [pos] = await v.adapter.positions();
    expect(pos).toMatchObject({ symbol: sym, qty: expect.stringMatching(/^\d+\.\d{3}$/), entryPrice: expect.any(String), markPrice: expect.any(String) });
    expect(Number(pos!.qty)).toBeCloseTo(held + 0.01, 9);
    await until('position on the stream', () => v.events.some((e) => e.kind === 'position' && e.position.qty === pos!.qty));
    expect(v.events.some((e) => e.kind === 'balance' && e.balance.asset === 'USDT')).toBe(true);
    await v.adapter.place({ symbol: sym, clientOrderId: cid(), side: 'sell', type: 'market', tif: 'IOC', qty: pos!.qty, reduceOnly: true });
    expect(await v.adapter.positions()).toEqual([]);
    v.resetBook();
  });

  it('amends a resting order (spot: quantity down only; a price amend is refused)', async () => {
    const id = cid();
    await restingBuy(id, '49000.00');
    const smaller = m.futures ? '0.008' : '0.006';
    if (m.futures) {
      const amended = await v.adapter.amend({ symbol: sym, clientOrderId: id, qty: smaller, price: '49001.00' });
      expect(amended).toMatchObject({ clientOrderId: id, status: 'new' });
      expect([Number(amended!.qty), Number(amended!.price)]).toEqual([0.008, 49001]);
    } else {
      const amended = await v.adapter.amend({ symbol: sym, clientOrderId: id, qty: smaller });
      expect(amended).toMatchObject({ clientOrderId: id, status: 'new', qty: '0.00600000' });
      const e = await failure(v.adapter.amend({ symbol: sym, clientOrderId: id, price: '49001.00' }));
      expect(e).toMatchObject({ code: 'VENUE_REJECTED', errorClass: 'non-retryable' });
      expect(e.message).toMatch(/cancel/);
      const up = await failure(v.adapter.amend({ symbol: sym, clientOrderId: id, qty: '0.02' }));
      expect(details(up)).toMatchObject({ venueCode: '-2038' });
    }
    await until('amended order on the stream', () => orders(v.events, id).some((o) => Number(o.qty) === Number(smaller)));
    expect((await v.adapter.query(sym, id))?.qty).toMatch(new RegExp(`^${smaller.replace('.', '\\.')}0*$`));
    await v.adapter.cancel(sym, id);
    const gone = await failure(v.adapter.amend({ symbol: sym, clientOrderId: id, qty: '0.004' }));
    expect(details(gone)).toMatchObject({ notFound: true });
  });

  it('turns a private frame that does not read into a malformed event naming the order', async () => {
    const streams = [...v.server.connections].filter((c) => c.path.startsWith('/ws/'));
    expect(streams).toHaveLength(1);
    const broken = m.futures ? '{"e":"ORDER_TRADE_UPDATE","E":1,"o":{"s":"BTCUSDT","c":"fl-broken-1","X":"FILL' : '{"e":"executionReport","E":1,"s":"BTCUSDT","c":"fl-broken-1","x":"TR';
    streams[0]!.reply(broken);
    streams[0]!.reply('{"e":"executionReport","E":1,"s":"BTCUSDT","c":"fl-broken-2"}');
    await until('malformed events', () => v.events.filter((e) => e.kind === 'malformed').length === 2);
    const bad = v.events.filter((e) => e.kind === 'malformed');
    expect(bad[0]).toMatchObject({ kind: 'malformed', clientOrderId: 'fl-broken-1', symbol: 'BTCUSDT', frame: broken, detail: 'not JSON' });
    expect(bad[1]).toMatchObject({ kind: 'malformed', clientOrderId: 'fl-broken-2', detail: expect.stringMatching(/is not/) });
  });

  it('reports the stream down on a disconnect and up again on a new connection', async () => {
    const n = v.events.length;
    v.server.inject('disconnect');
    await until('down then up', () => v.events.slice(n).some((e) => e.kind === 'stream' && e.state === 'up'));
    const states = v.events.slice(n).flatMap((e) => (e.kind === 'stream' ? [e.state] : []));
    expect(states).toEqual(['down', 'up']);
    const id = cid();
    await restingBuy(id, '49000.00');
    await until('events on the new connection', () => orders(v.events, id).length > 0);
    await v.adapter.cancel(sym, id);
  });
});

describe.each(MARKETS)('$name listen key upkeep', (m) => {
  it('keeps the listen key alive, and gets a new one (new connection) when the venue lets it lapse', async () => {
    const v = await rig(m, { clock: new QuickUpkeepClock() });
    await v.adapter.start();
    const calls = (method: string): number => v.server.requests.filter((r) => r.startsWith(`${method} ${m.listenKeyPath}`)).length;
    await until('keepalives', () => calls('PUT') >= 2);
    expect(calls('POST')).toBe(1);
    // Two hours on at the venue: the key lapsed, the next keepalive is told so (and so is the stream).
    v.shift = 2 * 3_600_000;
    await until('a new key on a new connection', () => calls('POST') === 2 && v.events.filter((e) => e.kind === 'stream' && e.state === 'up').length === 2);
    v.shift = 0;
    expect(v.events.flatMap((e) => (e.kind === 'stream' ? [e.state] : []))).toEqual(['up', 'down', 'up']);
    const id = cid();
    await v.adapter.place({ symbol: m.spec.symbol, clientOrderId: id, side: 'buy', type: 'limit', tif: 'GTC', qty: m.qty, price: '49000.00' });
    await until('events on the new key', () => orders(v.events, id).length > 0);
    await v.close();
  });
});
