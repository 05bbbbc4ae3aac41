/**
 * The simulated Bybit v5 private side, driven by a stock client: plain fetch and a plain `ws`
 * socket, signing with node:crypto as docs/v5/guide and docs/v5/ws/connect describe it (never
 * with the server's code), with the docs' request examples as bodies.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import type { SimExchange } from '../../../src/sim/matching/types.ts';
import { createBybitPrivateSide } from '../../../src/sim/private/bybit.ts';
import type { SimBookChange, SimTrade, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBybitLinearSimServer } from '../../../src/sim/venues/bybit.ts';
import { describeFixtures, fixtureJson } from '../../support/fixtures.ts';

const KEY = 'XXXXXXXXXX';
const SECRET = 'sim-secret-bybit-0123456789';
const FEES = { maker: 0.0002, taker: 0.00055 };
const SPECS: InstrumentSpec[] = [
  { venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minNotional: '5' },
  { venue: 'bybit-linear', symbol: 'ETHUSDT', kind: 'perp', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.01', minNotional: '5' },
];

// ---- the stock client: Bybit's documented signing, written from the docs ----

const sign = (text: string, secret = SECRET): string => createHmac('sha256', secret).update(text).digest('hex');

interface Call {
  readonly status: number;
  readonly body: { retCode: number; retMsg: string; result: any; time: number };
  readonly headers: Headers;
}

interface SignOpts {
  readonly key?: string;
  readonly secret?: string;
  readonly timestamp?: number;
  readonly recvWindow?: string;
  readonly badSign?: boolean;
}

let server: SimVenueServer;
let engine: SimExchange;
let clock: ManualClock;

async function call(method: 'GET' | 'POST', path: string, params: Record<string, unknown> | string, o: SignOpts = {}): Promise<Call> {
  const ts = String(o.timestamp ?? Date.now());
  const key = o.key ?? KEY;
  const recv = o.recvWindow ?? '5000';
  const payload = method === 'GET' ? new URLSearchParams(params as Record<string, string>).toString() : typeof params === 'string' ? params : JSON.stringify(params);
  let sig = sign(ts + key + recv + payload, o.secret);
  if (o.badSign) sig = sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  const url = `${server.restUrl}${path}${method === 'GET' && payload ? `?${payload}` : ''}`;
  const res = await fetch(url, {
    method,
    headers: { 'X-BAPI-API-KEY': key, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': recv, 'X-BAPI-SIGN': sig, 'Content-Type': 'application/json' },
    ...(method === 'POST' ? { body: payload } : {}),
  });
  return { status: res.status, body: (await res.json()) as Call['body'], headers: res.headers };
}

/** A private socket that keeps every frame it receives, parsed. */
class PrivateSocket {
  readonly frames: any[] = [];
  private ws!: WebSocket;

  async open(): Promise<this> {
    this.ws = new WebSocket(`${server.wsUrl}/v5/private`);
    this.ws.on('message', (d) => this.frames.push(JSON.parse(String(d))));
    await new Promise<void>((resolve, reject) => this.ws.once('open', () => resolve()).once('error', reject));
    return this;
  }

  async request(frame: unknown, op: string): Promise<any> {
    const n = this.frames.length;
    this.ws.send(JSON.stringify(frame));
    await until(`${op} answer`, () => this.frames.slice(n).some((f) => f.op === op || (op === 'ping' && f.op === 'pong')));
    return this.frames.slice(n).find((f) => f.op === op || (op === 'ping' && f.op === 'pong'));
  }

  async auth(expires = Date.now() + 10_000, secret = SECRET, key = KEY): Promise<any> {
    return this.request({ req_id: 'auth-1', op: 'auth', args: [key, expires, sign(`GET/realtime${expires}`, secret)] }, 'auth');
  }

  topic(t: string): any[] {
    return this.frames.filter((f) => f.topic === t);
  }

  close(): void {
    this.ws.close();
  }
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Feeds a market change to the venue, which passes it to its engine (`server.exchange`). */
function market(symbol: string, change: SimBookChange, trades: SimTrade[] = []): void {
  server.publish(symbol, change, trades);
}

const ACCOUNT = 'trader';
let linkNo = 0;
const link = (): string => `usdt-test-${++linkNo}`;

beforeAll(async () => {
  server = createBybitLinearSimServer(SPECS);
  engine = createMatchingEngine({ venue: 'bybit-linear', instruments: SPECS, fees: FEES, now: () => server.now(), leverage: 10 });
  clock = new ManualClock(0);
  server.exchange = engine;
  server.privateSide = createBybitPrivateSide(engine, { apiKey: KEY, apiSecret: SECRET, account: ACCOUNT }, { fees: FEES, clock, limits: { '/v5/account/fee-rate': 3, '/v5/order/create': 1000, '/v5/order/cancel': 1000 } });
  await server.listen();
  engine.deposit(ACCOUNT, 'USDT', '100000');
  market('BTCUSDT', { bids: [['49999.9', '2'], ['49999.0', '5']], asks: [['50000.0', '2'], ['50001.0', '5']] });
  market('ETHUSDT', { bids: [['2999.99', '50']], asks: [['3000.00', '50']] });
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  // No armed fault may leak into the next test.
  for (const f of ['delay-fill', 'duplicate-fill', 'fill-after-cancel', 'reject-next-order'] as const) while (server.take(f));
});

describe('bybit-linear private REST', () => {
  it('places the docs example limit order, finds it by either id, lists it open and cancels it', async () => {
    const id = link();
    const placed = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '49000', timeInForce: 'GTC', positionIdx: 0, orderLinkId: id, reduceOnly: false });
    expect(placed.status).toBe(200);
    expect(placed.body.retCode).toBe(0);
    expect(placed.body.result).toEqual({ orderId: expect.any(String), orderLinkId: id });
    expect(placed.headers.get('x-bapi-limit')).toBe('1000');
    const orderId = placed.body.result.orderId as string;

    const byId = await call('GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', orderId });
    expect(byId.body.result.list).toHaveLength(1);
    expect(byId.body.result.list[0]).toMatchObject({ orderId, orderLinkId: id, orderStatus: 'New', price: '49000.0', qty: '0.010', side: 'Buy', orderType: 'Limit', timeInForce: 'GTC', leavesQty: '0.010', cumExecQty: '0.000' });
    const byLink = await call('GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: id });
    expect(byLink.body.result.list[0].orderId).toBe(orderId);
    const open = await call('GET', '/v5/order/realtime', { category: 'linear', settleCoin: 'USDT', openOnly: '0', limit: '50' });
    expect(open.body.result.list.map((o: any) => o.orderId)).toContain(orderId);

    const canceled = await call('POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: null, orderId });
    expect(canceled.body).toMatchObject({ retCode: 0, retMsg: 'OK', result: { orderId, orderLinkId: id } });
    const after = await call('GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', orderId });
    expect(after.body.result.list[0]).toMatchObject({ orderStatus: 'Cancelled', cancelType: 'CancelByUser', leavesQty: '0.000' });
    const closed = await call('GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', openOnly: '1' });
    expect(closed.body.result.list.map((o: any) => o.orderId)).toContain(orderId);
  });

  it('answers the authentication errors as Bybit does', async () => {
    const q = { category: 'linear', symbol: 'BTCUSDT' };
    const badSign = await call('GET', '/v5/order/realtime', q, { badSign: true });
    expect(badSign.status).toBe(200);
    expect(badSign.body.retCode).toBe(10004);
    expect(badSign.body.retMsg).toMatch(/^error sign! origin_string\[/);
    const wrongSecret = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' }, { secret: 'not-the-secret' });
    expect(wrongSecret.body.retCode).toBe(10004);
    const unknownKey = await call('GET', '/v5/order/realtime', q, { key: 'unknown-key' });
    expect(unknownKey.body).toMatchObject({ retCode: 10003, retMsg: 'API key is invalid.' });
    const stale = await call('GET', '/v5/order/realtime', q, { timestamp: Date.now() - 6000 });
    expect(stale.body.retCode).toBe(10002);
    expect(stale.body.retMsg).toMatch(/recv_window/);
    const ahead = await call('GET', '/v5/order/realtime', q, { timestamp: Date.now() + 2000 });
    expect(ahead.body.retCode).toBe(10002);
    const wide = await call('GET', '/v5/order/realtime', q, { timestamp: Date.now() - 6000, recvWindow: '20000' });
    expect(wide.body.retCode).toBe(0);
    const bare = await fetch(`${server.restUrl}/v5/order/realtime?category=linear&symbol=BTCUSDT`);
    expect(bare.status).toBe(401);
  });

  it('refuses a request over the per-second budget with 10006 and the limit headers', async () => {
    const q = { category: 'linear', symbol: 'BTCUSDT' };
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call('GET', '/v5/account/fee-rate', q));
    expect(answers.slice(0, 3).map((a) => a.body.retCode)).toEqual([0, 0, 0]);
    expect(answers[3]!.body).toMatchObject({ retCode: 10006, retMsg: 'Too many visits!' });
    expect(answers[3]!.headers.get('x-bapi-limit')).toBe('3');
    expect(answers[3]!.headers.get('x-bapi-limit-status')).toBe('0');
    expect(Number(answers[3]!.headers.get('x-bapi-limit-reset-timestamp'))).toBeGreaterThan(answers[3]!.body.time);
    await new Promise((r) => setTimeout(r, 1050));
    const later = await call('GET', '/v5/account/fee-rate', q);
    expect(later.body.retCode).toBe(0);
    expect(later.body.result.list).toEqual([{ symbol: 'BTCUSDT', takerFeeRate: '0.00055', makerFeeRate: '0.0002' }]);
  });

  it('answers HTTP 403 over the per-IP limit, before authentication', async () => {
    const other = createBybitLinearSimServer(SPECS);
    const eng = createMatchingEngine({ venue: 'bybit-linear', instruments: SPECS, fees: FEES, now: () => other.now() });
    other.privateSide = createBybitPrivateSide(eng, { apiKey: KEY, apiSecret: SECRET, account: ACCOUNT }, { fees: FEES, clock, ipLimit: { count: 2, windowMs: 5000 } });
    await other.listen();
    const saved = server;
    server = other;
    try {
      const q = { category: 'linear', symbol: 'BTCUSDT' };
      expect((await call('GET', '/v5/order/realtime', q)).status).toBe(200);
      expect((await call('GET', '/v5/order/realtime', q, { key: 'unknown' })).body.retCode).toBe(10003);
      const third = await call('GET', '/v5/order/realtime', q);
      expect(third.status).toBe(403);
    } finally {
      server = saved;
      await other.close();
    }
  });

  it('maps the engine rejects to Bybit codes', async () => {
    const base = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', timeInForce: 'GTC' };
    const poor = await call('POST', '/v5/order/create', { ...base, qty: '100', price: '49000', orderLinkId: link() });
    expect(poor.body).toMatchObject({ retCode: 110007, retMsg: 'ab not enough for new order' });
    const tiny = await call('POST', '/v5/order/create', { ...base, qty: '0.001', price: '10', orderLinkId: link() });
    expect(tiny.body.retCode).toBe(110094);
    const reduce = await call('POST', '/v5/order/create', { ...base, side: 'Sell', qty: '0.01', price: '51000', reduceOnly: true, orderLinkId: link() });
    expect(reduce.body).toMatchObject({ retCode: 110017 });
    const offGrid = await call('POST', '/v5/order/create', { ...base, qty: '0.0105', price: '49000', orderLinkId: link() });
    expect(offGrid.body.retCode).toBe(10001);
    const unknown = await call('POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: 'no-such-order' });
    expect(unknown.body).toMatchObject({ retCode: 110001, retMsg: 'order not exists or too late to cancel' });
    const id = link();
    const first = await call('POST', '/v5/order/create', { ...base, qty: '0.01', price: '48000', orderLinkId: id });
    expect(first.body.retCode).toBe(0);
    const dup = await call('POST', '/v5/order/create', { ...base, qty: '0.01', price: '48000', orderLinkId: id });
    expect(dup.body).toMatchObject({ retCode: 110072, retMsg: 'OrderLinkedID is duplicate' });
    await call('POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: id });
    const hedge = await call('POST', '/v5/order/create', { ...base, qty: '0.01', price: '48000', positionIdx: 1 });
    expect(hedge.body).toMatchObject({ retCode: 10001, retMsg: 'position idx not match position mode' });
  });

  it('accepts a PostOnly that would take and then cancels it with EC_PostOnlyWillTakeLiquidity', async () => {
    const id = link();
    const r = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '50000.0', timeInForce: 'PostOnly', orderLinkId: id });
    expect(r.body.retCode).toBe(0);
    const q = await call('GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: id });
    expect(q.body.result.list[0]).toMatchObject({ orderStatus: 'Cancelled', rejectReason: 'EC_PostOnlyWillTakeLiquidity', timeInForce: 'PostOnly', cumExecQty: '0' });
    const cancel = await call('POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: id });
    expect(cancel.body.retCode).toBe(110001);
  });

  it('rejects the next order with 110007 under reject-next-order', async () => {
    server.inject('reject-next-order');
    const r = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: '0.1', price: '2900', orderLinkId: link() });
    expect(r.body).toMatchObject({ retCode: 110007 });
    const next = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: '0.1', price: '2900', orderLinkId: link() });
    expect(next.body.retCode).toBe(0);
    await call('POST', '/v5/order/cancel', { category: 'linear', symbol: 'ETHUSDT', orderId: next.body.result.orderId });
  });

  it('answers wallet balance, positions and fee rates after a fill', async () => {
    const r = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '1', orderLinkId: link() });
    expect(r.body.retCode).toBe(0);
    const pos = await call('GET', '/v5/position/list', { category: 'linear', symbol: 'ETHUSDT' });
    expect(pos.body.result.category).toBe('linear');
    expect(pos.body.result.list[0]).toMatchObject({ symbol: 'ETHUSDT', side: 'Buy', size: '1', avgPrice: '3000', positionIdx: 0, leverage: '10' });
    const flat = await call('GET', '/v5/position/list', { category: 'linear', symbol: 'BTCUSDT' });
    expect(flat.body.result.list[0]).toMatchObject({ symbol: 'BTCUSDT', side: '', size: '0' });
    const wallet = await call('GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' });
    const acct = wallet.body.result.list[0];
    expect(acct.accountType).toBe('UNIFIED');
    const usdt = acct.coin.find((c: any) => c.coin === 'USDT');
    // 1 ETH at 3000 taken: fee 3000 × 0.00055 = 1.65 off the 100000 deposit.
    expect(usdt.walletBalance).toBe('99998.35');
    expect(Number(acct.totalInitialMargin)).toBeCloseTo(300, 6);
    const contract = await call('GET', '/v5/account/wallet-balance', { accountType: 'CONTRACT' });
    expect(contract.body.retCode).toBe(10001);
    const fees = await call('GET', '/v5/account/fee-rate', { category: 'linear' });
    expect(fees.body.result.list.map((f: any) => f.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '1', reduceOnly: true, orderLinkId: link() });
    const closed = await call('GET', '/v5/position/list', { category: 'linear', symbol: 'ETHUSDT' });
    expect(closed.body.result.list[0].size).toBe('0');
  });

  it('amends an open order, lists its executions and keeps it in order history once closed', async () => {
    const id = link();
    const q = { category: 'linear', symbol: 'ETHUSDT', orderLinkId: id };
    const placed = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: '1', price: '2990.00', timeInForce: 'GTC', orderLinkId: id });
    const orderId = placed.body.result.orderId as string;
    const amended = await call('POST', '/v5/order/amend', { category: 'linear', symbol: 'ETHUSDT', orderLinkId: id, price: '2991.00' });
    expect(amended.body).toMatchObject({ retCode: 0, result: { orderId, orderLinkId: id } });
    expect((await call('GET', '/v5/order/realtime', q)).body.result.list[0]).toMatchObject({ price: '2991.00', qty: '1.00', orderStatus: 'New' });
    expect((await call('POST', '/v5/order/amend', { ...q, price: '2991.00' })).body).toMatchObject({ retCode: 34040, retMsg: 'Not modified' });

    market('ETHUSDT', {}, [{ id: 't-amend-1', price: '2991.00', qty: '0.4', side: 'sell', ts: Date.now() }]);
    expect((await call('POST', '/v5/order/amend', { ...q, qty: '0.3' })).body.retCode).toBe(10001);
    const execs = await call('GET', '/v5/execution/list', q);
    expect(execs.body.retCode).toBe(0);
    expect(execs.body.result.list).toHaveLength(1);
    expect(execs.body.result.list[0]).toMatchObject({ orderId, orderLinkId: id, execQty: '0.40', execPrice: '2991.00', isMaker: true, execType: 'Trade', side: 'Buy' });
    expect((await call('GET', '/v5/execution/list', { category: 'linear', symbol: 'ETHUSDT', orderId })).body.result.list[0].execId).toBe(execs.body.result.list[0].execId);
    expect((await call('GET', '/v5/execution/list', { category: 'linear', symbol: 'ETHUSDT' })).body.retCode).toBe(10001);

    await call('POST', '/v5/order/cancel', q);
    expect((await call('POST', '/v5/order/amend', { ...q, price: '2992.00' })).body).toMatchObject({ retCode: 110001 });
    const history = await call('GET', '/v5/order/history', q);
    expect(history.body.result.list[0]).toMatchObject({ orderId, orderStatus: 'Cancelled', cumExecQty: '0.40' });
    expect((await call('GET', '/v5/order/history', { category: 'linear', symbol: 'ETHUSDT', orderLinkId: 'never-placed' })).body.result.list).toEqual([]);
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '0.4', reduceOnly: true, orderLinkId: link() });
  });
});

describe('bybit-linear private stream', () => {
  let sock: PrivateSocket;
  afterEach(() => sock?.close());

  it('refuses a bad auth and subscriptions before auth, then signs in, pongs and subscribes', async () => {
    sock = await new PrivateSocket().open();
    expect(await sock.request({ op: 'subscribe', args: ['order'] }, 'subscribe')).toMatchObject({ success: false, op: 'subscribe' });
    expect(await sock.auth(Date.now() + 10_000, 'wrong-secret')).toMatchObject({ success: false, op: 'auth' });
    expect(await sock.auth(Date.now() - 1000)).toMatchObject({ success: false, ret_msg: 'Params Error' });
    expect(await sock.auth(Date.now() + 10_000, SECRET, 'unknown')).toMatchObject({ success: false });
    expect(await sock.auth()).toMatchObject({ success: true, ret_msg: '', op: 'auth', req_id: 'auth-1', conn_id: expect.any(String) });
    const pong = await sock.request({ req_id: 'p1', op: 'ping' }, 'ping');
    expect(pong).toMatchObject({ req_id: 'p1', op: 'pong', args: [expect.stringMatching(/^\d+$/)] });
    expect(await sock.request({ op: 'subscribe', args: ['order', 'execution', 'position', 'wallet'] }, 'subscribe')).toMatchObject({ success: true, ret_msg: '', op: 'subscribe' });
    expect(await sock.request({ op: 'subscribe', args: ['nonsense'] }, 'subscribe')).toMatchObject({ success: false });
  });

  it('pushes order → execution → order → position → wallet for a market fill', async () => {
    sock = await new PrivateSocket().open();
    await sock.auth();
    await sock.request({ op: 'subscribe', args: ['order', 'execution', 'position', 'wallet'] }, 'subscribe');
    const id = link();
    const r = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01', orderLinkId: id });
    expect(r.body.retCode).toBe(0);
    await until('wallet push', () => sock.topic('wallet').length > 0);
    const seq = sock.frames.filter((f) => f.topic).map((f) => `${f.topic}:${f.data[0].orderStatus ?? f.data[0].execType ?? f.data[0].side ?? ''}`);
    expect(seq).toEqual(['order:New', 'execution:Trade', 'order:Filled', 'position:Buy', 'wallet:']);
    const exec = sock.topic('execution')[0].data[0];
    expect(exec).toMatchObject({ symbol: 'BTCUSDT', orderLinkId: id, execPrice: '50000.0', execQty: '0.010', isMaker: false, feeRate: '0.00055', execFee: '0.275', leavesQty: '0.000', side: 'Buy' });
    const pos = sock.topic('position')[0].data[0];
    expect(pos).toMatchObject({ symbol: 'BTCUSDT', size: '0.01', entryPrice: '50000', side: 'Buy' });
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.01', reduceOnly: true, orderLinkId: link() });
    await until('closing execution', () => sock.topic('execution').length === 2);
    expect(sock.topic('execution')[1].data[0]).toMatchObject({ closedSize: '0.01', side: 'Sell' });
    market('BTCUSDT', { asks: [['50000.0', '2']] });
  });

  it('pushes a funding settlement as an execution of type Funding', async () => {
    sock = await new PrivateSocket().open();
    await sock.auth();
    await sock.request({ op: 'subscribe', args: ['execution.linear', 'wallet'] }, 'subscribe');
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '1', orderLinkId: link() });
    await until('trade execution', () => sock.topic('execution').length === 1);
    server.settleFunding('ETHUSDT', '0.0001', '3000');
    await until('funding execution', () => sock.topic('execution').length === 2);
    // A long pays 0.0001 × 1 × 3000 = 0.3 at a positive rate: execFee is what was paid.
    expect(sock.topic('execution')[1].data[0]).toMatchObject({ execType: 'Funding', symbol: 'ETHUSDT', execFee: '0.3', feeRate: '0.0001' });
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '1', reduceOnly: true, orderLinkId: link() });
    market('ETHUSDT', { bids: [['2999.99', '50']], asks: [['3000.00', '50']] });
  });

  it('duplicates, delays and holds fills as the faults say', async () => {
    sock = await new PrivateSocket().open();
    await sock.auth();
    await sock.request({ op: 'subscribe', args: ['order', 'execution'] }, 'subscribe');
    // duplicate-fill: the same execution twice.
    server.inject('duplicate-fill');
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '0.5', orderLinkId: link() });
    await until('two executions', () => sock.topic('execution').length === 2);
    const [a, b] = sock.topic('execution');
    expect(a.data[0].execId).toBe(b.data[0].execId);

    // delay-fill: nothing until the clock moves a second.
    server.inject('delay-fill');
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '0.5', reduceOnly: true, orderLinkId: link() });
    await until('filled order push', () => sock.topic('order').filter((f) => f.data[0].orderStatus === 'Filled').length === 2);
    expect(sock.topic('execution')).toHaveLength(2);
    clock.advance(999);
    await new Promise((r) => setTimeout(r, 30));
    expect(sock.topic('execution')).toHaveLength(2);
    clock.advance(1);
    await until('delayed execution', () => sock.topic('execution').length === 3);

    // fill-after-cancel: a partial fill's execution comes after the Cancelled push.
    server.inject('fill-after-cancel');
    const id = link();
    const placed = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: '1', price: '2999.50', orderLinkId: id });
    market('ETHUSDT', {}, [{ id: 't-1', price: '2999.50', qty: '0.4', side: 'sell', ts: Date.now() }]);
    await until('partial fill order push', () => sock.topic('order').some((f) => f.data[0].orderLinkId === id && f.data[0].orderStatus === 'PartiallyFilled'));
    expect(sock.topic('execution').filter((f) => f.data[0].orderLinkId === id)).toHaveLength(0);
    const canceled = await call('POST', '/v5/order/cancel', { category: 'linear', symbol: 'ETHUSDT', orderId: placed.body.result.orderId });
    expect(canceled.body.retCode).toBe(0);
    await until('held execution', () => sock.topic('execution').some((f) => f.data[0].orderLinkId === id));
    const mine = sock.frames.filter((f) => f.data?.[0]?.orderLinkId === id).map((f) => `${f.topic}:${f.data[0].orderStatus ?? f.data[0].execQty}`);
    expect(mine).toEqual(['order:New', 'order:PartiallyFilled', 'order:Cancelled', 'execution:0.40']);
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '0.4', reduceOnly: true, orderLinkId: link() });
  });
});

describeFixtures('bybit-linear private pushes against the docs examples', () => {
  /** Objects keyed by data (coin → amount), compared as a whole. */
  const MAPS = new Set(['data[].cumFeeDetail']);

  /** Returns every key path with its JSON type ("data[].coin[].equity: string"). */
  function shape(v: unknown, path = ''): Map<string, string> {
    const out = new Map<string, string>();
    if (Array.isArray(v)) {
      for (const x of v) for (const [k, t] of shape(x, `${path}[]`)) out.set(k, t);
      if (v.length === 0) out.set(`${path}[]`, 'empty');
    } else if (v !== null && typeof v === 'object' && MAPS.has(path)) {
      out.set(path, 'map');
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) for (const [p, t] of shape(x, path ? `${path}.${k}` : k)) out.set(p, t);
    } else out.set(path, v === null ? 'null' : typeof v);
    return out;
  }

  /** Expects every field of the fixture with the fixture's type (arrays the fixture fills may be empty here). */
  function expectShape(ours: unknown, docs: unknown): void {
    const mine = shape(ours);
    for (const [k, t] of shape(docs)) {
      const parent = k.slice(0, k.lastIndexOf('[]') + 2);
      if (!mine.has(k) && parent && mine.get(parent) === 'empty') continue;
      expect({ k, t: mine.get(k) }).toEqual({ k, t });
    }
  }

  it('order, execution, position and wallet pushes carry the docs fields with their types', async () => {
    const sock = await new PrivateSocket().open();
    await sock.auth();
    await sock.request({ op: 'subscribe', args: ['order', 'execution', 'position', 'wallet'] }, 'subscribe');
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.002', orderLinkId: link() });
    await until('all four topics', () => ['order', 'execution', 'position', 'wallet'].every((t) => sock.topic(t).length > 0));
    for (const t of ['order', 'execution', 'position', 'wallet']) expectShape(sock.topic(t)[0], fixtureJson('bybit-linear', `private-${t}.docs.json`));
    sock.close();
    await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.002', reduceOnly: true, orderLinkId: link() });
  });
});
