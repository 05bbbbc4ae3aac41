/**
 * The simulated Binance private sides (USD-M futures and spot), driven by a stock client: plain
 * fetch and a plain `ws` socket, signing with node:crypto as the docs' "SIGNED endpoint" sections
 * describe (never with the server's code), and the docs' own signed request examples.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import type { SimExchange } from '../../../src/sim/matching/types.ts';
import { createBinanceSpotPrivateSide, createBinanceUsdmPrivateSide } from '../../../src/sim/private/binance.ts';
import type { SimBookChange, SimTrade, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBinanceSpotSimServer, createBinanceUsdmSimServer } from '../../../src/sim/venues/binance.ts';
import { describeFixtures, fixtureJson } from '../../support/fixtures.ts';

const KEY = 'sim-binance-key-0123456789abcdef';
const SECRET = 'sim-binance-secret-0123456789abcdef';
const FEES = { maker: 0.0002, taker: 0.0005 };
const ACCOUNT = 'trader';

const FUT: InstrumentSpec[] = [{ venue: 'binance-usdm', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001', minNotional: '100' }];
const SPOT: InstrumentSpec[] = [
  { venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5' },
  { venue: 'binance-spot', symbol: 'LTCBTC', kind: 'spot', base: 'LTC', quote: 'BTC', tickSize: '0.000001', lotSize: '0.001', minNotional: '0.0001' },
];

// ---- the stock client: HMAC-SHA256 over totalParams = query string + request body ----

const hmac = (secret: string, text: string): string => createHmac('sha256', secret).update(text).digest('hex');

interface Req {
  readonly key?: string | null;
  readonly secret?: string;
  /** Where the parameters travel: the query, a form body, or the docs' mixed split. */
  readonly where?: 'query' | 'body';
  readonly timestamp?: number;
  readonly badSig?: boolean;
  readonly unsigned?: boolean;
}

interface Res {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
}

async function send(base: string, method: string, path: string, params: Record<string, string>, o: Req = {}): Promise<Res> {
  const all = new URLSearchParams(params);
  if (!o.unsigned) {
    if (!all.has('timestamp')) all.set('timestamp', String(o.timestamp ?? Date.now()));
    let sig = hmac(o.secret ?? SECRET, all.toString());
    if (o.badSig) sig = sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    all.set('signature', sig);
  }
  const where = o.where ?? (method === 'POST' || method === 'PUT' ? 'body' : 'query');
  const headers: Record<string, string> = o.key === null ? {} : { 'X-MBX-APIKEY': o.key ?? KEY };
  const qs = all.toString();
  const res = await fetch(`${base}${path}${where === 'query' && qs ? `?${qs}` : ''}`, {
    method,
    headers: where === 'body' ? { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } : headers,
    ...(where === 'body' ? { body: qs } : {}),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A user-data socket keeping every frame, parsed. */
class Listener {
  readonly frames: any[] = [];
  ws!: WebSocket;

  async open(url: string): Promise<this> {
    this.ws = new WebSocket(url);
    this.ws.on('message', (d) => this.frames.push(JSON.parse(String(d))));
    await new Promise<void>((resolve, reject) => this.ws.once('open', () => resolve()).once('error', reject));
    return this;
  }

  events(e?: string): any[] {
    return this.frames.map((f) => f.event ?? f.data ?? f).filter((f) => !e || f.e === e);
  }

  close(): void {
    this.ws.close();
  }
}

interface Venue {
  server: SimVenueServer;
  engine: SimExchange;
  clock: ManualClock;
  market(symbol: string, change: SimBookChange, trades?: SimTrade[]): void;
}

async function venue(futures: boolean, specs: InstrumentSpec[], opts: { limits?: object; now?: () => number; key?: string; secret?: string } = {}): Promise<Venue> {
  const server = futures ? createBinanceUsdmSimServer(specs, opts.now ? { now: opts.now } : {}) : createBinanceSpotSimServer(specs, opts.now ? { now: opts.now } : {});
  const engine = createMatchingEngine({ venue: futures ? 'binance-usdm' : 'binance-spot', instruments: specs, fees: FEES, now: () => server.now(), leverage: 10 });
  const clock = new ManualClock(0);
  const creds = { apiKey: opts.key ?? KEY, apiSecret: opts.secret ?? SECRET, account: ACCOUNT };
  const make = futures ? createBinanceUsdmPrivateSide : createBinanceSpotPrivateSide;
  server.exchange = engine;
  server.privateSide = make(engine, creds, { fees: FEES, clock, ...(opts.limits ? { limits: opts.limits } : {}) });
  await server.listen();
  return {
    server,
    engine,
    clock,
    market(symbol, change, trades = []) {
      server.publish(symbol, change, trades);
    },
  };
}

let fut: Venue;
let spot: Venue;
let cidNo = 0;
const cid = (): string => `sim-cid-${++cidNo}`;

beforeAll(async () => {
  fut = await venue(true, FUT);
  fut.engine.deposit(ACCOUNT, 'USDT', '100000');
  fut.market('BTCUSDT', { bids: [['49999.90', '2'], ['49999.00', '5']], asks: [['50000.00', '2'], ['50001.00', '5']] });
  spot = await venue(false, SPOT);
  spot.engine.deposit(ACCOUNT, 'USDT', '10000');
  spot.engine.deposit(ACCOUNT, 'BTC', '1');
  spot.market('BTCUSDT', { bids: [['49999.99', '1']], asks: [['50000.00', '1']] });
});

afterAll(async () => {
  await fut.server.close();
  await spot.server.close();
});

afterEach(() => {
  for (const v of [fut, spot]) for (const f of ['delay-fill', 'duplicate-fill', 'fill-after-cancel', 'reject-next-order'] as const) while (v.server.take(f));
});

describe('the docs signed request examples', () => {
  it('USD-M accepts the docs example in the query, in the body and split across both', async () => {
    const key = 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83';
    const secret = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';
    const v = await venue(true, FUT, { now: () => 1591702613943 + 500, key, secret });
    v.engine.deposit(ACCOUNT, 'USDT', '100000');
    const headers = { 'X-MBX-APIKEY': key };
    const query = 'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943';
    const sig = '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9';
    const ex1 = await fetch(`${v.server.restUrl}/fapi/v1/order?${query}&signature=${sig}`, { method: 'POST', headers });
    expect(ex1.status).toBe(200);
    expect(await ex1.json()).toMatchObject({ symbol: 'BTCUSDT', status: 'NEW', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', origQty: '1.000', price: '9000.0' });
    const ex2 = await fetch(`${v.server.restUrl}/fapi/v1/order`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `${query}&signature=${sig}` });
    expect(ex2.status).toBe(200);
    // Example 3 concatenates query and body with no "&"; the docs' printed signature was computed
    // over "timestamp= 1591702613943" (a stray space), so it is recomputed here by the rule.
    const q3 = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC';
    const b3 = 'quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943';
    const ex3 = await fetch(`${v.server.restUrl}/fapi/v1/order?${q3}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `${b3}&signature=${hmac(secret, q3 + b3)}` });
    expect(ex3.status).toBe(200);
    const typo = await fetch(`${v.server.restUrl}/fapi/v1/order?${q3}`, { method: 'POST', headers, body: `${b3}&signature=f9d0ae5e813ef6ccf15c2b5a434047a0181cb5a342b903b367ca6d27a66e36f2` });
    expect(await typo.json()).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    await v.server.close();
  });

  it('spot accepts the docs example order (LTCBTC, signature c8db5682…)', async () => {
    const key = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
    const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
    const v = await venue(false, SPOT, { now: () => 1499827319559 + 500, key, secret });
    v.engine.deposit(ACCOUNT, 'BTC', '1');
    const query = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const res = await fetch(`${v.server.restUrl}/api/v3/order?${query}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`, { method: 'POST', headers: { 'X-MBX-APIKEY': key } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ symbol: 'LTCBTC', status: 'NEW', type: 'LIMIT', price: '0.10000000', origQty: '1.00000000', fills: [] });
    await v.server.close();
  });
});

describe('binance-usdm private REST', () => {
  const base = (): string => fut.server.restUrl;

  it('places, queries by either id, lists and cancels an order', async () => {
    const id = cid();
    const placed = await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.010', price: '49000', newClientOrderId: id, newOrderRespType: 'RESULT' });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: id, status: 'NEW', executedQty: '0.000', positionSide: 'BOTH', reduceOnly: false });
    expect(typeof placed.body.orderId).toBe('number');
    expect(placed.headers.get('x-mbx-order-count-10s')).toBe('1');
    expect(Number(placed.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(0);
    const byId = await send(base(), 'GET', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: String(placed.body.orderId) });
    expect(byId.body).toMatchObject({ orderId: placed.body.orderId, status: 'NEW', time: expect.any(Number) });
    const byCid = await send(base(), 'GET', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: id });
    expect(byCid.body.orderId).toBe(placed.body.orderId);
    const open = await send(base(), 'GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' });
    expect(open.body.map((o: any) => o.clientOrderId)).toContain(id);
    const canceled = await send(base(), 'DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: id });
    expect(canceled.body).toMatchObject({ orderId: placed.body.orderId, status: 'CANCELED' });
    const again = await send(base(), 'DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: String(placed.body.orderId) });
    expect(again).toMatchObject({ status: 400, body: { code: -2011, msg: 'Unknown order sent.' } });
  });

  it('answers ACK by default and the filled state for RESULT', async () => {
    const ack = await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.003' });
    expect(ack.body).toMatchObject({ status: 'NEW', executedQty: '0', type: 'MARKET' });
    const result = await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.003', reduceOnly: 'true', newOrderRespType: 'RESULT' });
    expect(result.body).toMatchObject({ status: 'FILLED', executedQty: '0.003', avgPrice: '49999.9', cumQuote: '149.9997', reduceOnly: true });
    fut.market('BTCUSDT', { asks: [['50000.00', '2']] });
  });

  it('answers the authentication errors as Binance does', async () => {
    const q = { symbol: 'BTCUSDT', orderId: '1' };
    expect(await send(base(), 'GET', '/fapi/v1/order', q, { badSig: true })).toMatchObject({ status: 400, body: { code: -1022, msg: 'Signature for this request is not valid.' } });
    expect(await send(base(), 'GET', '/fapi/v1/order', q, { secret: 'other' })).toMatchObject({ status: 400, body: { code: -1022 } });
    expect(await send(base(), 'GET', '/fapi/v1/order', q, { key: 'unknown' })).toMatchObject({ status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } });
    expect(await send(base(), 'GET', '/fapi/v1/order', q, { key: null })).toMatchObject({ status: 401, body: { code: -2014 } });
    expect(await send(base(), 'GET', '/fapi/v1/order', q, { timestamp: Date.now() - 6000 })).toMatchObject({ status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } });
    expect(await send(base(), 'GET', '/fapi/v1/order', q, { timestamp: Date.now() + 3000 })).toMatchObject({ status: 400, body: { code: -1021 } });
    expect((await send(base(), 'GET', '/fapi/v1/order', { ...q, recvWindow: '20000' }, { timestamp: Date.now() - 6000 })).body.code).not.toBe(-1021);
    expect(await send(base(), 'GET', '/fapi/v1/order', q, { unsigned: true })).toMatchObject({ status: 400, body: { code: -1102 } });
  });

  it('maps the engine rejects to USD-M codes', async () => {
    const post = (p: Record<string, string>): Promise<Res> => send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', ...p });
    expect((await post({ quantity: '100', price: '49000' })).body).toEqual({ code: -2019, msg: 'Margin is insufficient.' });
    expect((await post({ quantity: '0.001', price: '49000' })).body).toEqual({ code: -4164, msg: "Order's notional must be no smaller than 100 (unless you choose reduce only)." });
    expect((await post({ quantity: '0.01', price: '50000', timeInForce: 'GTX' })).body.code).toBe(-5022);
    expect((await post({ quantity: '5', price: '50000', timeInForce: 'FOK' })).body.code).toBe(-5021);
    expect((await post({ side: 'SELL', quantity: '0.01', price: '51000', reduceOnly: 'true' })).body).toEqual({ code: -2022, msg: 'ReduceOnly Order is rejected.' });
    expect((await post({ quantity: '0.0105', price: '49000' })).body.code).toBe(-4023);
    expect((await post({ quantity: '0.01', price: '49000', positionSide: 'LONG' })).body.code).toBe(-4061);
    expect((await post({ symbol: 'NOPE', quantity: '0.01', price: '49000' })).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    const id = cid();
    expect((await post({ quantity: '0.01', price: '48000', newClientOrderId: id })).status).toBe(200);
    expect((await post({ quantity: '0.01', price: '48000', newClientOrderId: id })).body).toEqual({ code: -4116, msg: 'clientOrderId is duplicated.' });
    await send(base(), 'DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: id });
    expect(await send(base(), 'GET', '/fapi/v1/order', { symbol: 'BTCUSDT', orderId: '999999' })).toMatchObject({ status: 400, body: { code: -2013, msg: 'Order does not exist.' } });
    fut.server.inject('reject-next-order');
    expect((await post({ quantity: '0.01', price: '48000' })).body.code).toBe(-2019);
  });

  it('answers balances, position risk and commission rate', async () => {
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.010' });
    for (const path of ['/fapi/v2/balance', '/fapi/v3/balance']) {
      const b = await send(base(), 'GET', path, {});
      expect(b.body.find((x: any) => x.asset === 'USDT')).toMatchObject({ asset: 'USDT', balance: expect.any(String), availableBalance: expect.any(String), crossUnPnl: expect.any(String) });
    }
    const v2 = await send(base(), 'GET', '/fapi/v2/positionRisk', { symbol: 'BTCUSDT' });
    expect(v2.body[0]).toMatchObject({ symbol: 'BTCUSDT', positionAmt: '0.010', entryPrice: '50000', positionSide: 'BOTH', marginType: 'cross', leverage: '10' });
    const v3 = await send(base(), 'GET', '/fapi/v3/positionRisk', {});
    expect(v3.body).toHaveLength(1);
    expect(v3.body[0]).toMatchObject({ symbol: 'BTCUSDT', positionAmt: '0.010', initialMargin: expect.any(String) });
    const fee = await send(base(), 'GET', '/fapi/v1/commissionRate', { symbol: 'BTCUSDT' });
    expect(fee.body).toMatchObject({ symbol: 'BTCUSDT', makerCommissionRate: '0.0002', takerCommissionRate: '0.0005' });
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.010', reduceOnly: 'true' });
    fut.market('BTCUSDT', { bids: [['49999.90', '2']], asks: [['50000.00', '2']] });
  });

  it('refuses requests over the weight and order budgets with 429', async () => {
    const v = await venue(true, FUT, { limits: { weightPerMinute: 11, ordersPer10s: 1 } });
    v.engine.deposit(ACCOUNT, 'USDT', '100000');
    const url = v.server.restUrl;
    const o1 = await send(url, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000' });
    expect(o1.status).toBe(200);
    const o2 = await send(url, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000' });
    expect(o2).toMatchObject({ status: 429, body: { code: -1015 } });
    expect(o2.headers.get('x-mbx-order-count-10s')).toBe('2');
    expect((await send(url, 'GET', '/fapi/v2/balance', {})).status).toBe(200);
    const heavy = await send(url, 'GET', '/fapi/v2/balance', {});
    expect(heavy).toMatchObject({ status: 429, body: { code: -1003 } });
    expect(heavy.headers.get('x-mbx-used-weight-1m')).toBe('12');
    expect(heavy.headers.get('retry-after')).toBe('60');
    await v.server.close();
  });
});

describe('binance-usdm user data stream', () => {
  const base = (): string => fut.server.restUrl;
  let sock: Listener | undefined;
  afterEach(() => sock?.close());

  it('manages the listen key with the API key only', async () => {
    expect(await send(base(), 'POST', '/fapi/v1/listenKey', {}, { unsigned: true, key: null })).toMatchObject({ status: 401, body: { code: -2014 } });
    const k = await send(base(), 'POST', '/fapi/v1/listenKey', {}, { unsigned: true });
    expect(k.body.listenKey).toMatch(/^[0-9a-f]{64}$/);
    expect((await send(base(), 'POST', '/fapi/v1/listenKey', {}, { unsigned: true })).body.listenKey).toBe(k.body.listenKey);
    expect((await send(base(), 'PUT', '/fapi/v1/listenKey', {}, { unsigned: true })).body).toEqual({ listenKey: k.body.listenKey });
    expect((await send(base(), 'DELETE', '/fapi/v1/listenKey', {}, { unsigned: true })).body).toEqual({});
    expect(await send(base(), 'PUT', '/fapi/v1/listenKey', {}, { unsigned: true })).toMatchObject({ status: 400, body: { code: -1125 } });
  });

  it('pushes NEW, TRADE_LITE, TRADE and ACCOUNT_UPDATE for a market fill on /ws/<listenKey>', async () => {
    const { listenKey } = (await send(base(), 'POST', '/fapi/v1/listenKey', {}, { unsigned: true })).body;
    sock = await new Listener().open(`${fut.server.wsUrl}/ws/${listenKey}`);
    const other = await new Listener().open(`${fut.server.wsUrl}/private/ws?listenKey=${listenKey}`);
    const id = cid();
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.003', newClientOrderId: id });
    await until('account update', () => sock!.events('ACCOUNT_UPDATE').length > 0);
    const seq = sock.events().map((e) => (e.e === 'ORDER_TRADE_UPDATE' ? `${e.o.x}:${e.o.X}` : e.e));
    expect(seq).toEqual(['NEW:NEW', 'TRADE_LITE', 'TRADE:FILLED', 'ACCOUNT_UPDATE']);
    const trade = sock.events('ORDER_TRADE_UPDATE')[1].o;
    expect(trade).toMatchObject({ s: 'BTCUSDT', c: id, S: 'BUY', o: 'MARKET', l: '0.003', z: '0.003', L: '50000.0', n: '0.075', N: 'USDT', m: false, ps: 'BOTH' });
    const acct = sock.events('ACCOUNT_UPDATE')[0].a;
    expect(acct.m).toBe('ORDER');
    expect(acct.P[0]).toMatchObject({ s: 'BTCUSDT', pa: '0.003', ps: 'BOTH' });
    await until('second socket', () => other.events('ACCOUNT_UPDATE').length > 0);
    other.close();
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.003', reduceOnly: 'true' });
    await until('closing trade', () => sock!.events('ORDER_TRADE_UPDATE').filter((e) => e.o.x === 'TRADE').length === 2);
    expect(sock.events('ORDER_TRADE_UPDATE').filter((e) => e.o.x === 'TRADE')[1].o.rp).toBe('-0.0003');
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.003' });
    await until('third update', () => sock!.events('ACCOUNT_UPDATE').length === 3);
    fut.server.settleFunding('BTCUSDT', '0.0001', '50000');
    await until('funding update', () => sock!.events('ACCOUNT_UPDATE').length === 4);
    expect(sock.events('ACCOUNT_UPDATE')[3].a).toMatchObject({ m: 'FUNDING_FEE', B: [{ a: 'USDT' }] });
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.003', reduceOnly: 'true' });
    fut.market('BTCUSDT', { bids: [['49999.90', '2']], asks: [['50000.00', '2']] });
  });

  it('duplicates, delays and holds fills as the faults say', async () => {
    const { listenKey } = (await send(base(), 'POST', '/fapi/v1/listenKey', {}, { unsigned: true })).body;
    sock = await new Listener().open(`${fut.server.wsUrl}/stream?streams=${listenKey}`);
    const trades = (): any[] => sock!.frames.filter((f) => f.stream === listenKey && f.data.e === 'ORDER_TRADE_UPDATE' && f.data.o.x === 'TRADE').map((f) => f.data.o);

    fut.server.inject('duplicate-fill');
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.003' });
    await until('two trades', () => trades().length === 2);
    expect(trades()[0].t).toBe(trades()[1].t);
    expect(sock.events('TRADE_LITE')).toHaveLength(2);

    fut.server.inject('delay-fill');
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.003', reduceOnly: 'true' });
    await until('account update of the delayed fill', () => sock!.events('ACCOUNT_UPDATE').length >= 2);
    expect(trades()).toHaveLength(2);
    fut.clock.advance(1000);
    await until('delayed trade', () => trades().length === 3);

    fut.market('BTCUSDT', { bids: [['49999.90', '2']] });
    fut.server.inject('fill-after-cancel');
    const id = cid();
    const placed = await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.010', price: '49999.95', newClientOrderId: id });
    expect(placed.status).toBe(400); // off the 0.10 tick
    const ok = await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.010', price: '49999.90', newClientOrderId: id });
    expect(ok.status).toBe(200);
    // A sell trade through 49999.90 would fill it all; one at the price walks the queue (2 market lots ahead).
    fut.market('BTCUSDT', {}, [{ id: '900001', price: '49999.90', qty: '2.004', side: 'sell', ts: Date.now() }]);
    await send(base(), 'DELETE', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: id });
    await until('held trade', () => trades().some((o) => o.c === id));
    const mine = sock.events('ORDER_TRADE_UPDATE').filter((e) => e.o.c === id).map((e) => `${e.o.x}:${e.o.l}:${e.o.z}`);
    expect(mine).toEqual(['NEW:0:0.000', 'CANCELED:0:0.004', 'TRADE:0.004:0.004']);
    await send(base(), 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.004', reduceOnly: 'true' });
    fut.market('BTCUSDT', { bids: [['49999.90', '2']], asks: [['50000.00', '2']] });
  });
});

describe('binance listen key expiry and server time', () => {
  it('tells the stream listenKeyExpired once the key lapses without a keepalive', async () => {
    let shift = 0;
    const v = await venue(true, FUT, { now: () => Date.now() + shift });
    const time = await fetch(`${v.server.restUrl}/fapi/v1/time`);
    expect(await time.json()).toEqual({ serverTime: expect.any(Number) });
    const { listenKey } = (await send(v.server.restUrl, 'POST', '/fapi/v1/listenKey', {}, { unsigned: true })).body;
    const sock = await new Listener().open(`${v.server.wsUrl}/ws/${listenKey}`);
    v.engine.deposit(ACCOUNT, 'USDT', '100');
    await until('deposit update', () => sock.events('ACCOUNT_UPDATE').length === 1);
    expect(sock.events('ACCOUNT_UPDATE')[0].a.m).toBe('DEPOSIT');
    shift = 61 * 60 * 1000;
    v.engine.deposit(ACCOUNT, 'USDT', '100');
    await until('expiry', () => sock.events('listenKeyExpired').length === 1);
    expect(sock.events('listenKeyExpired')[0]).toMatchObject({ listenKey, E: expect.any(Number) });
    expect(sock.events('ACCOUNT_UPDATE')).toHaveLength(1);
    expect(await send(v.server.restUrl, 'PUT', '/fapi/v1/listenKey', {}, { unsigned: true })).toMatchObject({ status: 400, body: { code: -1125 } });
    const fresh = (await send(v.server.restUrl, 'POST', '/fapi/v1/listenKey', {}, { unsigned: true })).body.listenKey;
    expect(fresh).not.toBe(listenKey);
    sock.close();
    await v.server.close();
  });
});

describe('binance-spot private REST and user data', () => {
  const base = (): string => spot.server.restUrl;
  let sock: Listener | undefined;
  afterEach(() => sock?.close());

  it('places (FULL), queries, lists and cancels with a cancel client id', async () => {
    const id = cid();
    const placed = await send(base(), 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000', newClientOrderId: id });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: id, status: 'NEW', price: '40000.00000000', origQty: '0.01000000', executedQty: '0.00000000', orderListId: -1, fills: [] });
    expect(placed.headers.get('x-mbx-order-count-10s')).toBe('1');
    const q = await send(base(), 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: id });
    expect(q.body).toMatchObject({ orderId: placed.body.orderId, status: 'NEW', isWorking: true, type: 'LIMIT' });
    expect((await send(base(), 'GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' })).body.map((o: any) => o.clientOrderId)).toContain(id);
    const c = await send(base(), 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: String(placed.body.orderId), newClientOrderId: 'my-cancel-1' });
    expect(c.body).toMatchObject({ symbol: 'BTCUSDT', origClientOrderId: id, clientOrderId: 'my-cancel-1', status: 'CANCELED', orderId: placed.body.orderId });
    expect(await send(base(), 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: String(placed.body.orderId) })).toMatchObject({ status: 400, body: { code: -2011, msg: 'Unknown order sent.' } });
    expect(await send(base(), 'GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: '424242' })).toMatchObject({ status: 400, body: { code: -2013, msg: 'Order does not exist.' } });
  });

  it('fills a market order with its fills listed, expires an unfillable FOK', async () => {
    const m = await send(base(), 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' });
    expect(m.body).toMatchObject({ status: 'FILLED', executedQty: '0.00100000', cummulativeQuoteQty: '50.00000000', fills: [{ price: '50000.00000000', qty: '0.00100000', commission: '0.02500000', commissionAsset: 'USDT', tradeId: expect.any(Number) }] });
    const fok = await send(base(), 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'FOK', quantity: '0.5', price: '50000' });
    expect(fok.body).toMatchObject({ status: 'EXPIRED', executedQty: '0.00000000' });
    spot.market('BTCUSDT', { asks: [['50000.00', '1']] });
  });

  it('maps the engine rejects to spot codes', async () => {
    const post = (p: Record<string, string>): Promise<Res> => send(base(), 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', ...p });
    expect((await post({ quantity: '1', price: '40000' })).body).toEqual({ code: -2010, msg: 'Account has insufficient balance for requested action.' });
    expect((await post({ type: 'LIMIT_MAKER', timeInForce: '', quantity: '0.01', price: '50000' })).body.code).toBe(-1106);
    expect((await send(base(), 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT_MAKER', quantity: '0.01', price: '50000' })).body).toEqual({ code: -2010, msg: 'Order would immediately match and take.' });
    expect((await post({ quantity: '0.0001', price: '40000' })).body).toEqual({ code: -1013, msg: 'Filter failure: NOTIONAL' });
    expect((await post({ quantity: '0.000015', price: '40000' })).body).toEqual({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
    expect((await post({ quantity: '0.01', price: '40000.005' })).body).toEqual({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    const id = cid();
    expect((await post({ quantity: '0.01', price: '40000', newClientOrderId: id })).status).toBe(200);
    expect((await post({ quantity: '0.01', price: '40000', newClientOrderId: id })).body).toEqual({ code: -2010, msg: 'Duplicate order sent.' });
    await send(base(), 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: id });
    spot.server.inject('reject-next-order');
    expect((await post({ quantity: '0.01', price: '40000' })).body.code).toBe(-2010);
  });

  it('answers the account and the commission rates', async () => {
    const a = await send(base(), 'GET', '/api/v3/account', { omitZeroBalances: 'true' });
    expect(a.body).toMatchObject({ accountType: 'SPOT', canTrade: true, makerCommission: 2, takerCommission: 5, commissionRates: { maker: '0.00020000', taker: '0.00050000' } });
    expect(a.body.balances.map((b: any) => b.asset).sort()).toEqual(['BTC', 'USDT']);
    const c = await send(base(), 'GET', '/api/v3/account/commission', { symbol: 'BTCUSDT' });
    expect(c.body).toMatchObject({ symbol: 'BTCUSDT', standardCommission: { maker: '0.00020000', taker: '0.00050000' } });
  });

  it('pushes executionReport and outboundAccountPosition on the listen key stream', async () => {
    expect(await send(base(), 'PUT', '/api/v3/userDataStream', {}, { unsigned: true })).toMatchObject({ status: 400, body: { code: -1102 } });
    const { listenKey } = (await send(base(), 'POST', '/api/v3/userDataStream', {}, { unsigned: true })).body;
    expect((await send(base(), 'PUT', '/api/v3/userDataStream', { listenKey }, { unsigned: true })).body).toEqual({});
    sock = await new Listener().open(`${spot.server.wsUrl}/ws/${listenKey}`);
    const id = cid();
    await send(base(), 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.001', newClientOrderId: id });
    await until('account position', () => sock!.events('outboundAccountPosition').length > 0);
    const seq = sock.events().map((e) => (e.e === 'executionReport' ? `${e.x}:${e.X}` : e.e));
    expect(seq).toEqual(['NEW:NEW', 'TRADE:FILLED', 'outboundAccountPosition']);
    expect(sock.events('executionReport')[1]).toMatchObject({ c: id, S: 'SELL', o: 'MARKET', l: '0.00100000', L: '49999.99000000', N: 'USDT', m: false, Z: '49.99999000' });
    const assets = sock.events('outboundAccountPosition')[0].B.map((b: any) => b.a).sort();
    expect(assets).toEqual(['BTC', 'USDT']);
    spot.market('BTCUSDT', { bids: [['49999.99', '1']] });
  });

  it('subscribes through the WebSocket API with a signature and wraps the events', async () => {
    sock = await new Listener().open(`${spot.server.wsUrl}/ws-api/v3`);
    const request = async (frame: object): Promise<any> => {
      const n = sock!.frames.length;
      sock!.ws.send(JSON.stringify(frame));
      await until('ws-api answer', () => sock!.frames.length > n);
      return sock!.frames[n];
    };
    const signed = (params: Record<string, string | number>, secret = SECRET): Record<string, string | number> => {
      const payload = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
      return { ...params, signature: hmac(secret, payload) };
    };
    const bad = await request({ id: 'a', method: 'userDataStream.subscribe.signature', params: signed({ apiKey: KEY, timestamp: Date.now() }, 'nope') });
    expect(bad).toEqual({ id: 'a', status: 400, error: { code: -1022, msg: 'Signature for this request is not valid.' } });
    const ok = await request({ id: 'b', method: 'userDataStream.subscribe.signature', params: signed({ apiKey: KEY, timestamp: Date.now() }) });
    expect(ok).toMatchObject({ id: 'b', status: 200, result: { subscriptionId: expect.any(Number) } });
    const id = cid();
    const placed = await send(base(), 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000', newClientOrderId: id });
    await send(base(), 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', orderId: String(placed.body.orderId), newClientOrderId: 'cancel-x' });
    await until('canceled report', () => sock!.events('executionReport').some((e) => e.x === 'CANCELED'));
    const frame = sock.frames.find((f) => f.event?.x === 'CANCELED');
    expect(frame.subscriptionId).toBe(ok.result.subscriptionId);
    expect(frame.event).toMatchObject({ c: 'cancel-x', C: id, X: 'CANCELED' });
  });
});

describeFixtures('binance user data events against the docs examples', () => {
  /** Returns every key with its JSON type (numbers beyond 2^53 are still numbers). */
  function shape(v: Record<string, unknown>, prefix = ''): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, x] of Object.entries(v)) {
      if (x !== null && typeof x === 'object' && !Array.isArray(x)) for (const [p, t] of shape(x as Record<string, unknown>, `${prefix}${k}.`)) out.set(p, t);
      else if (Array.isArray(x)) {
        out.set(`${prefix}${k}`, 'array');
        const first = x[0];
        if (first && typeof first === 'object') for (const [p, t] of shape(first as Record<string, unknown>, `${prefix}${k}[].`)) out.set(p, t);
      } else out.set(`${prefix}${k}`, x === null ? 'null' : typeof x);
    }
    return out;
  }

  /** Expects every fixture field with its type, except those the docs mark conditional. */
  function expectShape(ours: Record<string, unknown>, docs: Record<string, unknown>, conditional: string[] = []): void {
    const mine = shape(ours);
    for (const [k, t] of shape(docs)) {
      if (conditional.includes(k)) continue;
      expect({ k, t: mine.get(k) }).toEqual({ k, t });
    }
  }

  it('USD-M ORDER_TRADE_UPDATE, TRADE_LITE and ACCOUNT_UPDATE carry the docs fields', async () => {
    const { listenKey } = (await send(fut.server.restUrl, 'POST', '/fapi/v1/listenKey', {}, { unsigned: true })).body;
    const sock = await new Listener().open(`${fut.server.wsUrl}/ws/${listenKey}`);
    await send(fut.server.restUrl, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.002' });
    await until('account update', () => sock.events('ACCOUNT_UPDATE').length > 0);
    const [created, trade] = sock.events('ORDER_TRADE_UPDATE');
    expectShape(created, fixtureJson('binance-usdm', 'user-order-trade-update-new.docs.json'));
    expectShape(trade, fixtureJson('binance-usdm', 'user-order-trade-update-trade.docs-derived.json'));
    expectShape(sock.events('TRADE_LITE')[0], fixtureJson('binance-usdm', 'user-trade-lite.testnet-capture.json'));
    expectShape(sock.events('ACCOUNT_UPDATE')[0], fixtureJson('binance-usdm', 'user-account-update.docs.json'));
    sock.close();
    await send(fut.server.restUrl, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.002', reduceOnly: 'true' });
  });

  it('spot executionReport over the WebSocket API matches the docs example, envelope included', async () => {
    const sock = await new Listener().open(`${spot.server.wsUrl}/ws-api/v3`);
    const params = { apiKey: KEY, timestamp: Date.now() };
    const payload = `apiKey=${params.apiKey}&timestamp=${params.timestamp}`;
    sock.ws.send(JSON.stringify({ id: 1, method: 'userDataStream.subscribe.signature', params: { ...params, signature: hmac(SECRET, payload) } }));
    await until('subscribed', () => sock.frames.some((f) => f.id === 1));
    await send(spot.server.restUrl, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000' });
    await until('NEW report', () => sock.frames.some((f) => f.event?.e === 'executionReport'));
    const frame = sock.frames.find((f) => f.event?.e === 'executionReport');
    // `v` (prevented match id) appears only for orders expired by self-trade prevention.
    expectShape(frame, fixtureJson('binance-spot', 'user-execution-report-new.docs.json'), ['event.v']);
    sock.close();
  });
});

describe('binance amends and an order\'s trades', () => {
  let sock: Listener | undefined;
  afterEach(() => sock?.close());

  it('USD-M modifies price and quantity (PUT /fapi/v1/order), pushes AMENDMENT, lists the trades', async () => {
    const base = fut.server.restUrl;
    const { listenKey } = (await send(base, 'POST', '/fapi/v1/listenKey', {}, { unsigned: true })).body;
    sock = await new Listener().open(`${fut.server.wsUrl}/ws/${listenKey}`);
    const id = cid();
    await send(base, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.010', price: '49000', newClientOrderId: id });
    // side, quantity and price are all mandatory.
    expect(await send(base, 'PUT', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: id, side: 'BUY', quantity: '0.008' })).toMatchObject({ status: 400, body: { code: -1102 } });
    expect((await send(base, 'PUT', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: 'nope', side: 'BUY', quantity: '0.008', price: '49000' })).body.code).toBe(-2013);
    const modified = await send(base, 'PUT', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: id, side: 'BUY', quantity: '0.008', price: '49001.0' });
    expect(modified.status).toBe(200);
    expect(modified.body).toMatchObject({ clientOrderId: id, status: 'NEW', origQty: '0.008', price: '49001.0' });
    expect(modified.headers.get('x-mbx-order-count-10s')).not.toBeNull();
    await until('AMENDMENT', () => sock!.events('ORDER_TRADE_UPDATE').some((e) => e.o.x === 'AMENDMENT'));
    expect(sock.events('ORDER_TRADE_UPDATE').find((e) => e.o.x === 'AMENDMENT').o).toMatchObject({ c: id, X: 'NEW', q: '0.008', p: '49001.0' });
    // Moved through the ask: it takes at once, as a new order would.
    const taken = await send(base, 'PUT', '/fapi/v1/order', { symbol: 'BTCUSDT', origClientOrderId: id, side: 'BUY', quantity: '0.008', price: '50000.0' });
    expect(taken.body).toMatchObject({ status: 'FILLED', executedQty: '0.008' });
    const trades = await send(base, 'GET', '/fapi/v1/userTrades', { symbol: 'BTCUSDT', orderId: String(taken.body.orderId) });
    expect(trades.body).toEqual([expect.objectContaining({ orderId: taken.body.orderId, side: 'BUY', price: '50000.0', qty: '0.008', commission: '0.2', commissionAsset: 'USDT', maker: false, buyer: true, realizedPnl: '0' })]);
    expect((await send(base, 'GET', '/fapi/v1/userTrades', { symbol: 'BTCUSDT' })).body.code).toBe(-1102);
    await send(base, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.008', reduceOnly: 'true' });
    fut.market('BTCUSDT', { bids: [['49999.90', '2']], asks: [['50000.00', '2']] });
  });

  it('spot reduces the quantity keeping priority (REPLACED), refuses an increase, lists myTrades', async () => {
    const base = spot.server.restUrl;
    const { listenKey } = (await send(base, 'POST', '/api/v3/userDataStream', {}, { unsigned: true })).body;
    sock = await new Listener().open(`${spot.server.wsUrl}/ws/${listenKey}`);
    const id = cid();
    const placed = await send(base, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '40000', newClientOrderId: id });
    const path = '/api/v3/order/amend/keepPriority';
    expect((await send(base, 'PUT', path, { symbol: 'BTCUSDT', origClientOrderId: id, newQty: '0.02' })).body).toEqual({ code: -2038, msg: 'Order amend (quantity increase) is not supported.' });
    const amended = await send(base, 'PUT', path, { symbol: 'BTCUSDT', origClientOrderId: id, newClientOrderId: id, newQty: '0.006' });
    expect(amended.body).toMatchObject({ transactTime: expect.any(Number), executionId: expect.any(Number), amendedOrder: { orderId: placed.body.orderId, origClientOrderId: id, clientOrderId: id, qty: '0.00600000', status: 'NEW' } });
    await until('REPLACED', () => sock!.events('executionReport').some((e) => e.x === 'REPLACED'));
    expect(sock.events('executionReport').find((e) => e.x === 'REPLACED')).toMatchObject({ c: id, X: 'NEW', q: '0.00600000' });
    await send(base, 'DELETE', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: id });
    const m = await send(base, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' });
    const trades = await send(base, 'GET', '/api/v3/myTrades', { symbol: 'BTCUSDT', orderId: String(m.body.orderId) });
    expect(trades.body).toEqual([expect.objectContaining({ orderId: m.body.orderId, price: '50000.00000000', qty: '0.00100000', commission: '0.02500000', commissionAsset: 'USDT', isBuyer: true, isMaker: false, orderListId: -1 })]);
    spot.market('BTCUSDT', { asks: [['50000.00', '1']] });
  });
});
