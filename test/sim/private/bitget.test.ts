/**
 * The simulated Bitget v2 private side, driven by a stock client: plain fetch and a plain `ws`
 * socket, signed with node:crypto exactly as the Bitget docs describe (REST: base64 HMAC-SHA256
 * of timestamp + METHOD + requestPath + "?" + queryString + body, timestamp in milliseconds; WS
 * login: timestamp + "GET" + "/user/verify"), with request bodies shaped like the docs' examples.
 * The shared fixtures hold no Bitget private capture, so push shapes are checked against the
 * field lists of the docs' push examples.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import type { SimExchange } from '../../../src/sim/matching/types.ts';
import { createBitgetPrivateSide } from '../../../src/sim/private/bitget.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBitgetSimServer } from '../../../src/sim/venues/bitget.ts';
import { until } from '../venues/simClient.ts';
import { privateSocket as openPrivateSocket, sign, sleep, type Json } from './opSocket.ts';

const SPECS: InstrumentSpec[] = [
  { venue: 'bitget', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' },
  { venue: 'bitget', symbol: 'BTCUSDT_SPBL', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.000001', minNotional: '1' },
];
const CREDS = { apiKey: 'bg_key_1', apiSecret: 'bg-secret-xyz', passphrase: 'bg-pass', account: 'bitget-acct' };

interface CallOptions {
  readonly key?: string | null;
  readonly secret?: string;
  readonly passphrase?: string;
  readonly timestamp?: string;
}

/** Field names of the docs' futures `orders` push example (Bitget v2 "Order Channel"). */
const MIX_ORDER_PUSH_FIELDS = [
  'accBaseVolume', 'cTime', 'clientOid', 'feeDetail', 'fillFee', 'fillFeeCoin', 'fillNotionalUsd', 'fillPrice', 'baseVolume', 'fillTime', 'force', 'instId', 'leverage',
  'marginCoin', 'marginMode', 'notionalUsd', 'orderId', 'orderType', 'pnl', 'posMode', 'posSide', 'price', 'priceAvg', 'reduceOnly', 'stpMode', 'side', 'size',
  'enterPointSource', 'status', 'tradeScope', 'tradeId', 'tradeSide', 'presetStopSurplusPrice', 'totalProfits', 'presetStopLossPrice', 'uTime',
];
/** Field names of the docs' spot `orders` push example. */
const SPOT_ORDER_PUSH_FIELDS = [
  'instId', 'orderId', 'clientOid', 'size', 'newSize', 'notional', 'orderType', 'force', 'side', 'fillPrice', 'tradeId', 'baseVolume', 'fillTime', 'fillFee', 'fillFeeCoin',
  'tradeScope', 'accBaseVolume', 'priceAvg', 'status', 'cTime', 'uTime', 'stpMode', 'feeDetail', 'enterPointSource',
];

describe('bitget private side', () => {
  let server: SimVenueServer;
  let engine: SimExchange;
  const clock = new ManualClock(0);

  /** Calls a private endpoint as a stock Bitget client would; `query` is sent and signed as given. */
  async function call(method: 'GET' | 'POST', path: string, payload?: Json | string, o: CallOptions = {}): Promise<{ status: number; json: Json }> {
    const ts = o.timestamp ?? String(Date.now());
    const query = method === 'GET' && typeof payload === 'string' ? payload : '';
    const body = method === 'POST' && payload !== undefined ? JSON.stringify(payload) : '';
    const requestPath = query === '' ? path : `${path}?${query}`;
    const headers: Record<string, string> = {
      'ACCESS-SIGN': sign(o.secret ?? CREDS.apiSecret, ts + method + requestPath + body),
      'ACCESS-TIMESTAMP': ts,
      'ACCESS-PASSPHRASE': o.passphrase ?? CREDS.passphrase,
      'Content-Type': 'application/json',
      locale: 'en-US',
    };
    if (o.key !== null) headers['ACCESS-KEY'] = o.key ?? CREDS.apiKey;
    const res = await fetch(server.restUrl + requestPath, { method, headers, ...(method === 'POST' ? { body } : {}) });
    return { status: res.status, json: (await res.json()) as Json };
  }

  const mixPlace = (body: Json) => call('POST', '/api/v2/mix/order/place-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginMode: 'crossed', marginCoin: 'USDT', ...body });
  const spotPlace = (body: Json) => call('POST', '/api/v2/spot/trade/place-order', { symbol: 'BTCUSDT', ...body });

  /** A logged-in private socket that records every frame. */
  const privateSocket = (subscribe: Json[]) => openPrivateSocket(`${server.wsUrl}/v2/ws/private`, CREDS, '/user/verify', subscribe);
  const orderPushes = (frames: Json[], instType: string): Json[] =>
    frames.filter((f) => f.arg?.channel === 'orders' && f.arg.instType === instType && Array.isArray(f.data)).map((f) => f.data[0]);

  beforeAll(async () => {
    server = createBitgetSimServer(SPECS);
    engine = createMatchingEngine({ venue: 'bitget', instruments: SPECS, fees: { maker: 0.0002, taker: 0.0006 }, now: () => server.now() });
    server.exchange = engine;
    server.privateSide = createBitgetPrivateSide(engine, CREDS, { clock, fees: { mix: { maker: 0.0002, taker: 0.0006 } } });
    await server.listen();
    engine.deposit(CREDS.account, 'USDT', '1000000');
    engine.deposit(CREDS.account, 'BTC', '1');
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    // Placing is limited to 10 requests per second per UID, as on Bitget: each test starts a fresh second.
    await sleep(1005 - (Date.now() % 1000));
    server.publish('BTCUSDT', { bids: [['29999.9', '5'], ['29999.5', '9']], asks: [['30000.0', '0.004'], ['30000.3', '9']] });
    server.publish('BTCUSDT_SPBL', { bids: [['29999.99', '5'], ['29999.50', '9']], asks: [['30000.00', '4'], ['30000.30', '9']] });
  });

  it('futures: places (the docs example body), finds by either id, lists pending, cancels by clientOid', async () => {
    const placed = await mixPlace({ size: '0.001', price: '29000', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: '121211212122' });
    expect(placed.status).toBe(200);
    expect(placed.json).toMatchObject({ code: '00000', msg: 'success', data: { clientOid: '121211212122' } });
    expect(typeof placed.json.requestTime).toBe('number');
    const orderId = placed.json.data.orderId as string;

    const detail = await call('GET', '/api/v2/mix/order/detail', `symbol=BTCUSDT&productType=USDT-FUTURES&orderId=${orderId}`);
    expect(detail.json.data).toMatchObject({ symbol: 'BTCUSDT', orderId, clientOid: '121211212122', state: 'live', size: '0.001', price: '29000', force: 'gtc', marginMode: 'crossed', reduceOnly: 'NO', posMode: 'one_way_mode' });
    const byClient = await call('GET', '/api/v2/mix/order/detail', 'symbol=BTCUSDT&productType=USDT-FUTURES&clientOid=121211212122');
    expect(byClient.json.data.orderId).toBe(orderId);
    const pending = await call('GET', '/api/v2/mix/order/orders-pending', 'productType=USDT-FUTURES');
    expect(pending.json.data.entrustedList.map((o: Json) => o.orderId)).toContain(orderId);
    expect(pending.json.data.entrustedList[0].status).toBe('live');

    const canceled = await call('POST', '/api/v2/mix/order/cancel-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', clientOid: '121211212122' });
    expect(canceled.json).toMatchObject({ code: '00000', data: { orderId, clientOid: '121211212122' } });
    const after = await call('GET', '/api/v2/mix/order/detail', `symbol=BTCUSDT&productType=USDT-FUTURES&orderId=${orderId}`);
    expect(after.json.data).toMatchObject({ state: 'canceled', cancelReason: 'normal_cancel' });
    const again = await call('POST', '/api/v2/mix/order/cancel-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', orderId });
    expect(again).toMatchObject({ status: 400, json: { code: '40768', data: null } });
    expect((await call('GET', '/api/v2/mix/order/orders-pending', 'productType=USDT-FUTURES')).json.data).toEqual({ entrustedList: null, endId: null });
  });

  it('futures: a market order fills; position, account and fee rate follow', async () => {
    const placed = await mixPlace({ size: '0.002', side: 'buy', orderType: 'market', clientOid: 'mkt1' });
    const detail = await call('GET', '/api/v2/mix/order/detail', `symbol=BTCUSDT&productType=USDT-FUTURES&orderId=${placed.json.data.orderId}`);
    expect(detail.json.data).toMatchObject({ state: 'filled', baseVolume: '0.002', priceAvg: '30000', quoteVolume: '60', orderType: 'market', tradeSide: 'buy_single' });
    expect(detail.json.data.fee).toBe('-0.036');
    const pos = await call('GET', '/api/v2/mix/position/all-position', 'productType=USDT-FUTURES&marginCoin=USDT');
    expect(pos.json.data).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', holdSide: 'long', total: '0.002', openPriceAvg: '30000', marginCoin: 'USDT', posMode: 'one_way_mode' })]);
    const acct = await call('GET', '/api/v2/mix/account/accounts', 'productType=USDT-FUTURES');
    expect(acct.json.data).toEqual([expect.objectContaining({ marginCoin: 'USDT', assetMode: 'single' })]);
    const rate = await call('GET', '/api/v2/common/trade-rate', 'symbol=BTCUSDT&businessType=mix');
    expect(rate.json.data).toEqual({ makerFeeRate: '0.0002', takerFeeRate: '0.0006' });
    const closed = await mixPlace({ size: '0.002', side: 'sell', orderType: 'market', reduceOnly: 'YES' });
    expect(closed.json.code).toBe('00000');
    expect((await call('GET', '/api/v2/mix/position/all-position', 'productType=USDT-FUTURES&marginCoin=USDT')).json.data).toEqual([]);
  });

  it('spot: places and cancels, orderInfo by id alone (16-decimal strings), unfilled orders, assets, and a quote-sized market buy', async () => {
    const placed = await spotPlace({ side: 'buy', orderType: 'limit', force: 'gtc', price: '23222.5', size: '0.01', clientOid: 'sp1' });
    expect(placed.json).toMatchObject({ code: '00000', data: { clientOid: 'sp1' } });
    const orderId = placed.json.data.orderId as string;
    const info = await call('GET', '/api/v2/spot/trade/orderInfo', `orderId=${orderId}`);
    expect(info.json.data).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', orderId, clientOid: 'sp1', status: 'live', size: '0.0100000000000000', price: '23222.5000000000000000', orderType: 'limit' })]);
    const unfilled = await call('GET', '/api/v2/spot/trade/unfilled-orders', 'symbol=BTCUSDT');
    expect(unfilled.json.data.map((o: Json) => o.orderId)).toContain(orderId);
    const canceled = await call('POST', '/api/v2/spot/trade/cancel-order', { symbol: 'BTCUSDT', orderId });
    expect(canceled.json.data).toEqual({ orderId, clientOid: 'sp1' });
    expect((await call('GET', '/api/v2/spot/trade/orderInfo', 'clientOid=sp1')).json.data[0]).toMatchObject({ status: 'cancelled', cancelReason: 'normal_cancel' });

    const market = await spotPlace({ side: 'buy', orderType: 'market', force: 'gtc', size: '300' });
    const got = await call('GET', '/api/v2/spot/trade/orderInfo', `orderId=${market.json.data.orderId}`);
    expect(got.json.data[0]).toMatchObject({ status: 'filled', size: '300.0000000000000000', baseVolume: '0.0100000000000000', orderType: 'market' });
    const assets = await call('GET', '/api/v2/spot/account/assets', 'coin=BTC');
    expect(assets.json.data).toEqual([expect.objectContaining({ coin: 'BTC', available: '1.01' })]);
  });

  it('refuses what Bitget refuses, with its codes and HTTP 400', async () => {
    expect(await mixPlace({ size: '100', price: '29000', side: 'buy', orderType: 'limit', force: 'gtc' })).toMatchObject({ status: 400, json: { code: '40762', msg: 'The order amount exceeds the balance', data: null } });
    expect((await spotPlace({ side: 'buy', orderType: 'limit', force: 'gtc', price: '29000', size: '100' })).json.code).toBe('43012');
    expect((await mixPlace({ size: '0.001', price: '1000', side: 'buy', orderType: 'limit', force: 'gtc' })).json.code).toBe('45110');
    expect((await mixPlace({ size: '0.0015', price: '29000', side: 'buy', orderType: 'limit', force: 'gtc' })).json.code).toBe('40808');
    expect((await mixPlace({ size: '0.001', side: 'sell', orderType: 'market', reduceOnly: 'YES' })).json).toMatchObject({ code: '22002', msg: 'No position to close' });
    expect((await mixPlace({ size: '0.001', side: 'buy', orderType: 'limit' })).json).toMatchObject({ code: '40019', msg: 'Parameter price cannot be empty' });
    expect((await call('POST', '/api/v2/mix/order/place-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginMode: 'crossed', marginCoin: 'USDT', size: '1', side: 'buy', orderType: 'limit', price: '1', force: 'forever' })).json.code).toBe('40034');

    await mixPlace({ size: '0.001', price: '29000', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: 'dup-1' });
    expect((await mixPlace({ size: '0.001', price: '29000', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: 'dup-1' })).json).toMatchObject({ code: '40786', msg: 'Duplicate clientOid' });
    await call('POST', '/api/v2/mix/order/cancel-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'dup-1' });

    // Post-only that would take: accepted, then canceled by the venue.
    const po = await mixPlace({ size: '0.001', price: '30000.0', side: 'buy', orderType: 'limit', force: 'post_only', clientOid: 'po-1' });
    expect(po.json.code).toBe('00000');
    const poDetail = await call('GET', '/api/v2/mix/order/detail', 'symbol=BTCUSDT&productType=USDT-FUTURES&clientOid=po-1');
    expect(poDetail.json.data).toMatchObject({ state: 'canceled', force: 'post_only' });

    expect(await call('GET', '/api/v2/mix/order/detail', 'symbol=BTCUSDT&productType=USDT-FUTURES&orderId=424242')).toMatchObject({ status: 400, json: { code: '40109' } });
    expect((await call('GET', '/api/v2/spot/trade/orderInfo', 'orderId=424242')).json).toMatchObject({ code: '00000', data: [] });
    expect((await call('POST', '/api/v2/spot/trade/cancel-order', { symbol: 'BTCUSDT', orderId: '424242' })).json.code).toBe('43001');
  });

  it('futures modify-order: the same clientOid amends in place, a new one replaces the order; only live orders', async () => {
    const modify = (body: Json) => call('POST', '/api/v2/mix/order/modify-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginCoin: 'USDT', ...body });
    const detail = async (clientOid: string) => (await call('GET', '/api/v2/mix/order/detail', `symbol=BTCUSDT&productType=USDT-FUTURES&clientOid=${clientOid}`)).json.data;
    const placed = await mixPlace({ size: '0.002', price: '29000', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: 'mod-1' });
    const orderId = placed.json.data.orderId as string;
    expect((await modify({ orderId, newSize: '0.003', newPrice: '29100' })).json).toMatchObject({ code: '40019', msg: 'Parameter newClientOid cannot be empty' });

    expect((await modify({ clientOid: 'mod-1', newClientOid: 'mod-1', newSize: '0.003', newPrice: '29100' })).json).toMatchObject({ code: '00000', data: { orderId, clientOid: 'mod-1' } });
    expect(await detail('mod-1')).toMatchObject({ orderId, state: 'live', size: '0.003', price: '29100' });

    const moved = await modify({ orderId, newClientOid: 'mod-2', newSize: '0.003', newPrice: '29200' });
    expect(moved.json).toMatchObject({ code: '00000', data: { clientOid: 'mod-2' } });
    expect(moved.json.data.orderId).not.toBe(orderId);
    expect(await detail('mod-1')).toMatchObject({ state: 'canceled' });
    expect(await detail('mod-2')).toMatchObject({ state: 'live', size: '0.003', price: '29200', force: 'gtc' });
    await call('POST', '/api/v2/mix/order/cancel-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'mod-2' });
    expect((await modify({ clientOid: 'mod-2', newClientOid: 'mod-2', newPrice: '29300' })).json.code).toBe('40768');

    // Partly filled (0.004 of 0.006 taken at once): no longer modifiable.
    await mixPlace({ size: '0.006', price: '30000.0', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: 'mod-3' });
    expect((await modify({ clientOid: 'mod-3', newClientOid: 'mod-3', newSize: '0.008', newPrice: '30000.0' })).json).toMatchObject({ code: '40401' });
    await call('POST', '/api/v2/mix/order/cancel-order', { symbol: 'BTCUSDT', productType: 'USDT-FUTURES', clientOid: 'mod-3' });
    await mixPlace({ size: '0.004', side: 'sell', orderType: 'market', reduceOnly: 'YES' });
  });

  it('lists an order\'s fills (futures fillList, spot list) and pushes them on the fill channel', async () => {
    const { ws, frames } = await privateSocket([
      { instType: 'USDT-FUTURES', channel: 'fill', instId: 'default' },
      { instType: 'SPOT', channel: 'fill', instId: 'BTCUSDT' },
    ]);
    const mix = await mixPlace({ size: '0.005', price: '30000.3', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: 'fills-1' });
    const mixFills = await call('GET', '/api/v2/mix/order/fills', `productType=USDT-FUTURES&symbol=BTCUSDT&orderId=${mix.json.data.orderId}`);
    const list = mixFills.json.data.fillList as Json[];
    expect(list.map((f) => [f.price, f.baseVolume, f.tradeScope, f.feeDetail[0].totalFee])).toEqual([['30000.3', '0.001', 'taker', '-0.01800018'], ['30000', '0.004', 'taker', '-0.072']]);
    expect(mixFills.json.data.endId).toBe(list[1]!.tradeId);
    expect((await call('GET', '/api/v2/mix/order/fills', 'productType=USDT-FUTURES')).json.code).toBe('40019');

    const spot = await spotPlace({ side: 'sell', orderType: 'limit', force: 'gtc', price: '29999.99', size: '0.002', clientOid: 'fills-2' });
    const spotFills = await call('GET', '/api/v2/spot/trade/fills', `symbol=BTCUSDT&orderId=${spot.json.data.orderId}`);
    expect(spotFills.json.data).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', priceAvg: '29999.99', size: '0.002', amount: '59.99998', tradeScope: 'taker', feeDetail: expect.objectContaining({ feeCoin: 'USDT' }) })]);

    await until('fill pushes', () => frames.filter((f) => f.arg?.channel === 'fill' && Array.isArray(f.data)).length === 3);
    const pushes = frames.filter((f) => f.arg?.channel === 'fill' && Array.isArray(f.data)).map((f) => f.data[0]);
    expect(pushes.map((f) => f.tradeId)).toEqual([list[1]!.tradeId, list[0]!.tradeId, spotFills.json.data[0].tradeId]);
    expect(pushes[0]).toMatchObject({ symbol: 'BTCUSDT', clientOid: 'fills-1', orderType: 'limit', side: 'buy', price: '30000', baseVolume: '0.004', tradeScope: 'taker', posMode: 'one_way_mode' });
    expect(pushes[2]).toMatchObject({ symbol: 'BTCUSDT', clientOid: 'fills-2', priceAvg: '29999.99', size: '0.002', feeDetail: [expect.objectContaining({ feeCoin: 'USDT' })] });
    await mixPlace({ size: '0.005', side: 'sell', orderType: 'market', reduceOnly: 'YES' });
    ws.close();
  });

  it('answers authentication failures and throttles per key with 429', async () => {
    const q = 'coin=USDT';
    const path = '/api/v2/spot/account/assets';
    expect(await call('GET', path, q, { secret: 'wrong' })).toMatchObject({ status: 400, json: { code: '40009', msg: 'sign signature error' } });
    expect(await call('GET', path, q, { key: 'bg_other' })).toMatchObject({ status: 400, json: { code: '40037' } });
    expect(await call('GET', path, q, { key: null })).toMatchObject({ status: 400, json: { code: '40006', msg: 'Invalid ACCESS_KEY' } });
    expect(await call('GET', path, q, { passphrase: 'nope' })).toMatchObject({ status: 400, json: { code: '40012' } });
    expect(await call('GET', path, q, { timestamp: String(Date.now() - 31_000) })).toMatchObject({ status: 400, json: { code: '40008', msg: 'Request timestamp expired' } });

    // all-position allows 5 requests per second per UID: 12 quick calls cross at most one window edge.
    const res = await Promise.all(Array.from({ length: 12 }, () => call('GET', '/api/v2/mix/position/all-position', 'productType=USDT-FUTURES&marginCoin=USDT')));
    const limited = res.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0]!.json).toMatchObject({ code: '429', msg: 'Too Many Requests', data: null });
  });

  it('logs in on the private socket: a bad sign is 30015 and the socket stays open; nothing before login (30004)', async () => {
    const ws = new WebSocket(`${server.wsUrl}/v2/ws/private`);
    const frames: Json[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Json));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ op: 'subscribe', args: [{ instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' }] }));
    await until('30004', () => frames.length === 1);
    expect(frames[0]).toMatchObject({ event: 'error', code: 30004 });
    const ts = String(Math.floor(Date.now() / 1000));
    ws.send(JSON.stringify({ op: 'login', args: [{ apiKey: CREDS.apiKey, passphrase: CREDS.passphrase, timestamp: ts, sign: sign('wrong', `${ts}GET/user/verify`) }] }));
    await until('30015', () => frames.length === 2);
    expect(frames[1]).toEqual({ event: 'error', code: 30015, msg: 'Invalid sign' });
    ws.send(JSON.stringify({ op: 'login', args: [{ apiKey: CREDS.apiKey, passphrase: CREDS.passphrase, timestamp: ts, sign: sign(CREDS.apiSecret, `${ts}GET/user/verify`) }] }));
    await until('login', () => frames.length === 3);
    expect(frames[2]).toEqual({ event: 'login', code: 0, msg: '' });
    ws.close();
  });

  it('pushes futures order → fill updates, positions and account, with the documented fields', async () => {
    const { ws, frames } = await privateSocket([
      { instType: 'USDT-FUTURES', channel: 'orders', instId: 'default' },
      { instType: 'USDT-FUTURES', channel: 'positions', instId: 'default' },
      { instType: 'USDT-FUTURES', channel: 'account', coin: 'default' },
    ]);
    await until('snapshots', () => frames.filter((f) => f.action === 'snapshot').length >= 2);
    expect(frames.find((f) => f.arg?.channel === 'positions' && f.data)!.data).toEqual([]);
    expect(frames.find((f) => f.arg?.channel === 'account' && f.data)!.data[0]).toMatchObject({ marginCoin: 'USDT' });

    await mixPlace({ size: '0.005', price: '30000.3', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: 'ws-1' });
    await until('filled', () => orderPushes(frames, 'USDT-FUTURES').some((o) => o.clientOid === 'ws-1' && o.status === 'filled'));
    const seq = orderPushes(frames, 'USDT-FUTURES').filter((o) => o.clientOid === 'ws-1');
    expect(seq[0]).toMatchObject({ status: 'live', accBaseVolume: '0' });
    const fills = seq.filter((o) => o.tradeId !== '');
    expect(fills.map((o) => [o.fillPrice, o.baseVolume, o.accBaseVolume])).toEqual([['30000', '0.004', '0.004'], ['30000.3', '0.001', '0.005']]);
    expect(fills.at(-1)).toMatchObject({ status: 'filled', tradeScope: 'T', priceAvg: '30000.06', fillFeeCoin: 'USDT' });
    for (const f of MIX_ORDER_PUSH_FIELDS) expect(fills[0], f).toHaveProperty(f);
    await until('position', () => frames.some((f) => f.arg?.channel === 'positions' && f.data?.length === 1));
    expect(frames.filter((f) => f.arg?.channel === 'positions' && f.data?.length === 1).at(-1)!.data[0]).toMatchObject({ instId: 'BTCUSDT', holdSide: 'long', total: '0.005', posMode: 'one_way_mode' });
    await mixPlace({ size: '0.005', side: 'sell', orderType: 'market', reduceOnly: 'YES' });
    ws.close();
  });

  it('honours reject-next-order, duplicate-fill, delay-fill and fill-after-cancel on the spot orders channel', async () => {
    const { ws, frames } = await privateSocket([{ instType: 'SPOT', channel: 'orders', instId: 'default' }]);
    server.inject('reject-next-order');
    expect((await spotPlace({ side: 'buy', orderType: 'limit', force: 'gtc', price: '29000', size: '0.001' })).json.code).toBe('43012');

    server.inject('duplicate-fill');
    await spotPlace({ side: 'sell', orderType: 'market', size: '0.001', clientOid: 'dupfill' });
    await until('two pushes', () => orderPushes(frames, 'SPOT').filter((o) => o.clientOid === 'dupfill' && o.tradeId !== '').length === 2);
    const [a, b] = orderPushes(frames, 'SPOT').filter((o) => o.clientOid === 'dupfill' && o.tradeId !== '');
    expect(a).toEqual(b);
    for (const f of SPOT_ORDER_PUSH_FIELDS) expect(a, f).toHaveProperty(f);

    server.inject('delay-fill');
    await spotPlace({ side: 'sell', orderType: 'market', size: '0.001', clientOid: 'late-1' });
    await sleep(100);
    expect(orderPushes(frames, 'SPOT').filter((o) => o.clientOid === 'late-1' && o.tradeId !== '')).toEqual([]);
    clock.advance(1000);
    await until('delayed fill', () => orderPushes(frames, 'SPOT').some((o) => o.clientOid === 'late-1' && o.status === 'filled'));

    server.inject('fill-after-cancel');
    await spotPlace({ side: 'buy', orderType: 'limit', force: 'gtc', price: '29000', size: '0.001', clientOid: 'fac-1' });
    await call('POST', '/api/v2/spot/trade/cancel-order', { symbol: 'BTCUSDT', clientOid: 'fac-1' });
    await until('fill after cancel', () => orderPushes(frames, 'SPOT').filter((o) => o.clientOid === 'fac-1').length === 3);
    const fac = orderPushes(frames, 'SPOT').filter((o) => o.clientOid === 'fac-1');
    expect(fac.map((o) => o.status)).toEqual(['live', 'cancelled', 'partially_filled']);
    expect(fac[2]).toMatchObject({ baseVolume: '0.000001', fillPrice: '29000' });
    ws.close();
  });
});
