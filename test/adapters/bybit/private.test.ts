/**
 * The Bybit linear private adapter end to end against the simulated Bybit on 127.0.0.1: real
 * HTTP and a real WebSocket, the venue's faults injected on purpose. Then the row parsers, table
 * style, on the shapes the docs show.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BybitPrivateAdapter, createBybitPrivate } from '../../../src/adapters/bybit/private.ts';
import { parseBybitOrder, parseBybitPosition, parseBybitPrivateFrame, parseBybitWallet } from '../../../src/adapters/bybit/privateParse.ts';
import { SystemClock } from '../../../src/core/clock.ts';
import { ErrorCodes, FleetError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { PlaceRequest, PrivateAdapterOptions, PrivateEvent, VenueCallDetails } from '../../../src/execution/types.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import { createBybitPrivateSide } from '../../../src/sim/private/bybit.ts';
import type { SimTrade, SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBybitLinearSimServer } from '../../../src/sim/venues/bybit.ts';

const KEY = 'fleet-test-key';
const SECRET = 'fleet-test-secret-0123456789';
const ACCOUNT = 'trader';
const FEES = { maker: 0.0002, taker: 0.00055 };
const SPECS: InstrumentSpec[] = [
  { venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minNotional: '5' },
  { venue: 'bybit-linear', symbol: 'ETHUSDT', kind: 'perp', base: 'ETH', quote: 'USDT', tickSize: '0.01', lotSize: '0.01', minNotional: '5' },
];

let server: SimVenueServer;
let adapter: BybitPrivateAdapter;
let events: PrivateEvent[] = [];
let linkNo = 0;
const link = (): string => `fleet-bybit-${process.pid}-${++linkNo}`;

function options(over: Partial<PrivateAdapterOptions> = {}): PrivateAdapterOptions {
  return {
    venue: 'bybit-linear',
    restUrl: server.restUrl,
    privateWsUrl: server.wsUrl,
    key: KEY,
    secret: SECRET,
    clock: new SystemClock(),
    logger: silentLogger(),
    symbols: ['BTCUSDT', 'ETHUSDT'],
    timeoutMs: 2000,
    backoff: { initialMs: 50, maxMs: 200 },
    ...over,
  };
}

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Returns what the stream said about one order, as `order:<status>` and `fill:<qty>`. */
function story(id: string): string[] {
  return events.flatMap((e) => (e.kind === 'order' && e.order.clientOrderId === id ? [`order:${e.order.status}`] : e.kind === 'fill' && e.fill.clientOrderId === id ? [`fill:${e.fill.qty}`] : []));
}

const limitBuy = (symbol: string, price: string, qty: string, id = link()): PlaceRequest => ({ symbol, clientOrderId: id, side: 'buy', type: 'limit', tif: 'GTC', qty, price });
const marketOrder = (symbol: string, side: 'buy' | 'sell', qty: string, reduceOnly = false): PlaceRequest => ({ symbol, clientOrderId: link(), side, type: 'market', tif: 'IOC', qty, reduceOnly });
const sellTrade = (id: string, price: string, qty: string): SimTrade => ({ id, price, qty, side: 'sell', ts: Date.now() });

/** Returns the rejection of a promise (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<FleetError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FleetError);
  return e as FleetError;
}

beforeAll(async () => {
  server = createBybitLinearSimServer(SPECS);
  const engine = createMatchingEngine({ venue: 'bybit-linear', instruments: SPECS, fees: FEES, now: () => server.now(), leverage: 10 });
  server.exchange = engine;
  const limits = { '/v5/order/create': 1000, '/v5/order/cancel': 1000, '/v5/order/amend': 1000 };
  server.privateSide = createBybitPrivateSide(engine, { apiKey: KEY, apiSecret: SECRET, account: ACCOUNT }, { fees: FEES, limits });
  await server.listen();
  engine.deposit(ACCOUNT, 'USDT', '100000');
  server.publish('BTCUSDT', { bids: [['49999.9', '2']], asks: [['50000.0', '2'], ['50001.0', '5']] });
  server.publish('ETHUSDT', { bids: [['2999.99', '50']], asks: [['3000.00', '50']] });
  adapter = createBybitPrivate(options()) as BybitPrivateAdapter;
  adapter.events$.subscribe((e) => events.push(e));
  await adapter.start();
});

afterAll(async () => {
  await adapter.stop();
  await server.close();
});

afterEach(() => {
  server.latencyMs = 0;
  for (const f of ['delay-fill', 'duplicate-fill', 'fill-after-cancel', 'reject-next-order', 'http429', 'http5xx'] as const) while (server.take(f));
  events = [];
});

describe('bybit-linear private adapter against the simulated venue', () => {
  it('places a limit order: the ack, then the stream pushes it New', async () => {
    const req = limitBuy('BTCUSDT', '49000', '0.01');
    const ack = await adapter.place(req);
    expect(ack).toMatchObject({ symbol: 'BTCUSDT', clientOrderId: req.clientOrderId, side: 'buy', type: 'limit', tif: 'GTC', qty: '0.01', price: '49000', filledQty: '0', status: 'new' });
    expect(ack.venueOrderId).toMatch(/\S/);
    await until('the New push', () => story(req.clientOrderId).includes('order:new'));
    const pushed = events.find((e) => e.kind === 'order' && e.order.clientOrderId === req.clientOrderId);
    expect(pushed).toMatchObject({ kind: 'order', order: { venueOrderId: ack.venueOrderId, side: 'buy', type: 'limit', tif: 'GTC', status: 'new', reduceOnly: false } });
    if (pushed?.kind === 'order') expect([Number(pushed.order.price), Number(pushed.order.qty), Number(pushed.order.filledQty)]).toEqual([49000, 0.01, 0]);
    await adapter.cancel('BTCUSDT', req.clientOrderId);
  });

  it('cancels by client id (the stream says Cancelled by the user); a second cancel is notFound', async () => {
    const req = limitBuy('BTCUSDT', '48500', '0.01');
    await adapter.place(req);
    await expect(adapter.cancel('BTCUSDT', req.clientOrderId)).resolves.toBeUndefined();
    await until('the Cancelled push', () => story(req.clientOrderId).includes('order:canceled'));
    const canceled = events.find((e) => e.kind === 'order' && e.order.clientOrderId === req.clientOrderId && e.order.status === 'canceled');
    expect(canceled).toMatchObject({ order: { reason: 'CancelByUser' } });
    const again = await rejection(adapter.cancel('BTCUSDT', req.clientOrderId));
    expect(again.code).toBe(ErrorCodes.VENUE_REJECTED);
    expect(again.details).toMatchObject({ venue: 'bybit-linear', endpoint: 'cancelOrder', venueCode: '110001', notFound: true });
  });

  it('streams a partial then a full maker fill with trade ids and fees, and fills() returns both oldest first', async () => {
    const req = limitBuy('ETHUSDT', '2990.00', '1');
    await adapter.place(req);
    await until('New', () => story(req.clientOrderId).includes('order:new'));
    server.publish('ETHUSDT', {}, [sellTrade('m-1', '2990.00', '0.4')]);
    await until('the partial fill', () => story(req.clientOrderId).includes('fill:0.40'));
    server.publish('ETHUSDT', {}, [sellTrade('m-2', '2990.00', '0.6')]);
    await until('Filled', () => story(req.clientOrderId).includes('order:filled'));
    await until('the second fill', () => story(req.clientOrderId).filter((s) => s.startsWith('fill:')).length === 2);
    expect(story(req.clientOrderId)).toEqual(['order:new', 'fill:0.40', 'order:partially_filled', 'fill:0.60', 'order:filled']);
    const streamed = events.flatMap((e) => (e.kind === 'fill' && e.fill.clientOrderId === req.clientOrderId ? [e.fill] : []));
    // Maker: 0.4 × 2990 × 0.0002 = 0.2392 and 0.6 × 2990 × 0.0002 = 0.3588, paid (positive).
    expect(streamed.map((f) => [f.price, f.qty, f.fee, f.feeAsset, f.liquidity, f.side])).toEqual([
      ['2990.00', '0.40', '0.2392', 'USDT', 'maker', 'buy'],
      ['2990.00', '0.60', '0.3588', 'USDT', 'maker', 'buy'],
    ]);
    expect(new Set(streamed.map((f) => f.tradeId)).size).toBe(2);
    const filled = events.find((e) => e.kind === 'order' && e.order.clientOrderId === req.clientOrderId && e.order.status === 'filled');
    expect(filled).toMatchObject({ order: { avgPrice: '2990.00', filledQty: '1.00' } });

    const listed = await adapter.fills('ETHUSDT', req.clientOrderId);
    expect(listed).toEqual(streamed);
    const byVenueId = await adapter.fills('ETHUSDT', req.clientOrderId, streamed[0]!.venueOrderId);
    expect(byVenueId.map((f) => f.tradeId)).toEqual(streamed.map((f) => f.tradeId));
    await adapter.place(marketOrder('ETHUSDT', 'sell', '1', true));
  });

  it('delivers a fill that arrives after the cancel as a fill event (fill-after-cancel)', async () => {
    server.inject('fill-after-cancel');
    const req = limitBuy('ETHUSDT', '2985.00', '1');
    await adapter.place(req);
    server.publish('ETHUSDT', {}, [sellTrade('m-3', '2985.00', '0.3')]);
    await until('PartiallyFilled', () => story(req.clientOrderId).includes('order:partially_filled'));
    await adapter.cancel('ETHUSDT', req.clientOrderId);
    await until('the late fill', () => story(req.clientOrderId).includes('fill:0.30'));
    expect(story(req.clientOrderId)).toEqual(['order:new', 'order:partially_filled', 'order:canceled', 'fill:0.30']);
    await adapter.place(marketOrder('ETHUSDT', 'sell', '0.3', true));
  });

  it('reports a rejected order as VENUE_REJECTED, non-retryable, with the venue code and a clear reason', async () => {
    server.inject('reject-next-order');
    const req = limitBuy('ETHUSDT', '2900.00', '0.1');
    const e = await rejection(adapter.place(req));
    expect(e.code).toBe(ErrorCodes.VENUE_REJECTED);
    expect(e.errorClass).toBe('non-retryable');
    expect(e.message).toMatch(/110007/);
    const d = e.details as VenueCallDetails;
    expect(d).toMatchObject({ venue: 'bybit-linear', endpoint: 'order', httpStatus: 200, venueCode: '110007', venueMessage: 'ab not enough for new order' });
    expect(d.reason).toMatch(/balance insufficient/);
    expect(d.duplicate).toBeUndefined();
    await expect(adapter.query('ETHUSDT', req.clientOrderId)).resolves.toBeUndefined();
  });

  it('answers an HTTP 429 by penalizing the limiter, then retries and succeeds', async () => {
    server.inject('http429');
    const req = limitBuy('BTCUSDT', '48000', '0.01');
    const started = Date.now();
    const placing = adapter.place(req);
    await until('the limiter penalty', () => adapter.limiter.penaltyLeftMs() > 0);
    const ack = await placing;
    expect(ack.status).toBe('new');
    // The simulated 429 says Retry-After: 1 (s): nothing went out before it ran down.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(server.requests.filter((r) => r.startsWith('POST /v5/order/create')).length).toBeGreaterThanOrEqual(2);
    await adapter.cancel('BTCUSDT', req.clientOrderId);
  });

  it('times out a place as VENUE_TIMEOUT (outcome unknown); query then finds the order the venue made', async () => {
    const slow = createBybitPrivate(options({ timeoutMs: 300, attempts: 1 }));
    try {
      server.latencyMs = 600;
      const req = limitBuy('BTCUSDT', '47000', '0.01');
      const e = await rejection(slow.place(req));
      expect(e.code).toBe(ErrorCodes.VENUE_TIMEOUT);
      expect(e.errorClass).toBe('retryable');
      expect(e.details).toMatchObject({ venue: 'bybit-linear', endpoint: 'order' });
      server.latencyMs = 0;
      const found = await slow.query('BTCUSDT', req.clientOrderId);
      expect(found).toMatchObject({ clientOrderId: req.clientOrderId, status: 'new', side: 'buy', type: 'limit' });
      await slow.cancel('BTCUSDT', req.clientOrderId);
    } finally {
      await slow.stop();
    }
  });

  it('returns the existing order when a place is repeated with the same client id', async () => {
    const req = limitBuy('BTCUSDT', '47500', '0.01');
    const first = await adapter.place(req);
    const again = await adapter.place(req);
    expect(again).toMatchObject({ clientOrderId: req.clientOrderId, venueOrderId: first.venueOrderId, status: 'new' });
    expect((await adapter.openOrders('BTCUSDT')).filter((o) => o.clientOrderId === req.clientOrderId)).toHaveLength(1);
    await adapter.cancel('BTCUSDT', req.clientOrderId);
  });

  it('answers undefined for a client id the venue does not know (after realtime and history)', async () => {
    await expect(adapter.query('BTCUSDT', 'never-placed-1')).resolves.toBeUndefined();
    const asked = server.requests.filter((r) => r.includes('never-placed-1'));
    expect(asked.map((r) => r.split('?')[0])).toEqual(['GET /v5/order/realtime', 'GET /v5/order/history']);
  });

  it('amends price and qty; the stream and query show the new order; an unknown order is notFound', async () => {
    const req = limitBuy('BTCUSDT', '46000', '0.01');
    await adapter.place(req);
    await expect(adapter.amend({ symbol: 'BTCUSDT', clientOrderId: req.clientOrderId, price: '46100' })).resolves.toBeUndefined();
    await until('the repriced push', () => events.some((e) => e.kind === 'order' && e.order.clientOrderId === req.clientOrderId && Number(e.order.price) === 46100));
    await adapter.amend({ symbol: 'BTCUSDT', clientOrderId: req.clientOrderId, qty: '0.02' });
    await until('the resized push', () => events.some((e) => e.kind === 'order' && e.order.clientOrderId === req.clientOrderId && Number(e.order.qty) === 0.02));
    const now = await adapter.query('BTCUSDT', req.clientOrderId);
    expect([Number(now?.price), Number(now?.qty), now?.status]).toEqual([46100, 0.02, 'new']);
    const unchanged = await rejection(adapter.amend({ symbol: 'BTCUSDT', clientOrderId: req.clientOrderId, qty: '0.02' }));
    expect(unchanged.details).toMatchObject({ venueCode: '34040' });
    await adapter.cancel('BTCUSDT', req.clientOrderId);
    const gone = await rejection(adapter.amend({ symbol: 'BTCUSDT', clientOrderId: req.clientOrderId, price: '46200' }));
    expect(gone.details).toMatchObject({ endpoint: 'amendOrder', venueCode: '110001', notFound: true });
  });

  it('reads open orders, positions, balances and fee rates', async () => {
    const resting = limitBuy('BTCUSDT', '45000', '0.01');
    await adapter.place(resting);
    await adapter.place(marketOrder('ETHUSDT', 'buy', '1'));
    await until('the ETH position push', () => events.some((e) => e.kind === 'position' && e.position.symbol === 'ETHUSDT' && e.position.qty === '1'));

    const open = await adapter.openOrders();
    expect(open.map((o) => o.clientOrderId)).toContain(resting.clientOrderId);
    expect(open.find((o) => o.clientOrderId === resting.clientOrderId)).toMatchObject({ symbol: 'BTCUSDT', status: 'new', side: 'buy' });
    expect((await adapter.openOrders('ETHUSDT')).map((o) => o.clientOrderId)).not.toContain(resting.clientOrderId);

    const positions = await adapter.positions();
    expect(positions).toEqual([expect.objectContaining({ symbol: 'ETHUSDT', qty: '1', entryPrice: '3000' })]);

    const usdt = (await adapter.balances()).find((b) => b.asset === 'USDT');
    expect(usdt?.total).toMatch(/^\d+(\.\d+)?$/);
    expect(Number(usdt?.free)).toBeLessThan(Number(usdt?.total));
    expect(Number(usdt?.free)).toBeGreaterThan(0);

    expect(await adapter.feeRates(['BTCUSDT', 'ETHUSDT'])).toEqual([
      { symbol: 'BTCUSDT', maker: '0.0002', taker: '0.00055' },
      { symbol: 'ETHUSDT', maker: '0.0002', taker: '0.00055' },
    ]);
    expect(await adapter.feeRates(['ETHUSDT'])).toEqual([{ symbol: 'ETHUSDT', maker: '0.0002', taker: '0.00055' }]);

    await adapter.cancel('BTCUSDT', resting.clientOrderId);
    await adapter.place(marketOrder('ETHUSDT', 'sell', '1', true));
    await until('flat', () => events.some((e) => e.kind === 'position' && e.position.symbol === 'ETHUSDT' && e.position.qty === '0'));
    expect(await adapter.positions()).toEqual([]);
  });

  it('turns a malformed private frame into a malformed event naming the order', async () => {
    const privateConns = [...server.connections].filter((c) => c.path.startsWith('/v5/private'));
    expect(privateConns).toHaveLength(1);
    privateConns[0]!.send('{"topic":"order","data":[{"symbol":"BTCUSDT","orderLinkId":"broken-1","orderStatus":"Ne');
    privateConns[0]!.send(JSON.stringify({ topic: 'execution', data: [{ symbol: 'ETHUSDT', orderLinkId: 'broken-2', execType: 'Trade', execPrice: 'NaN' }] }));
    await until('two malformed events', () => events.filter((e) => e.kind === 'malformed').length === 2);
    const bad = events.filter((e) => e.kind === 'malformed');
    expect(bad[0]).toMatchObject({ kind: 'malformed', detail: 'not JSON', clientOrderId: 'broken-1', symbol: 'BTCUSDT' });
    expect(bad[1]).toMatchObject({ kind: 'malformed', clientOrderId: 'broken-2', symbol: 'ETHUSDT' });
    expect(bad[1]?.kind === 'malformed' && bad[1].frame).toMatch(/broken-2/);
  });

  it('reports the stream down on a disconnect and up again once re-authenticated and re-subscribed', async () => {
    server.inject('disconnect');
    await until('stream down then up', () => events.filter((e) => e.kind === 'stream').map((e) => (e.kind === 'stream' ? e.state : '')).join(',') === 'down,up');
    const req = limitBuy('BTCUSDT', '44000', '0.01');
    await adapter.place(req);
    await until('a push on the new connection', () => story(req.clientOrderId).includes('order:new'));
    await adapter.cancel('BTCUSDT', req.clientOrderId);
  });
});

describe('bybit private row parsers', () => {
  const order = {
    symbol: 'BTCUSDT', orderId: 'o-1', orderLinkId: 'c-1', side: 'Sell', orderType: 'Limit', price: '50000.0', qty: '0.010', timeInForce: 'PostOnly',
    orderStatus: 'New', cumExecQty: '0.000', avgPrice: '', reduceOnly: true, rejectReason: 'EC_NoError', cancelType: 'UNKNOWN', updatedTime: '1672364262457',
  };

  it.each([
    ['New', {}, { status: 'new' }],
    ['PartiallyFilled', { cumExecQty: '0.004', avgPrice: '50000' }, { status: 'partially_filled', filledQty: '0.004', avgPrice: '50000' }],
    ['Filled', { cumExecQty: '0.010', avgPrice: '50000' }, { status: 'filled' }],
    ['Cancelled', { cancelType: 'CancelByUser' }, { status: 'canceled', reason: 'CancelByUser' }],
    ['Cancelled', { rejectReason: 'EC_PostOnlyWillTakeLiquidity' }, { status: 'canceled', reason: 'EC_PostOnlyWillTakeLiquidity' }],
    ['Rejected', { rejectReason: 'EC_Others' }, { status: 'rejected', reason: 'EC_Others' }],
    ['Untriggered', {}, { status: 'new' }],
  ] as const)('orderStatus %s %o', (status, extra, want) => {
    const got = parseBybitOrder({ ...order, orderStatus: status, ...extra });
    expect(got).toMatchObject({ side: 'sell', tif: 'POST_ONLY', reduceOnly: true, price: '50000.0', qty: '0.010', updatedAt: 1672364262457, ...want });
  });

  it('leaves a market order price out and reports an unknown status as a problem', () => {
    expect(parseBybitOrder({ ...order, orderType: 'Market', price: '51000' })).not.toHaveProperty('price');
    expect(parseBybitOrder({ ...order, orderStatus: 'Exploded' })).toMatchObject({ detail: expect.stringMatching(/orderStatus Exploded/) });
  });

  it('signs a short position and reads the REST avgPrice or the push entryPrice', () => {
    expect(parseBybitPosition({ symbol: 'ETHUSDT', side: 'Sell', size: '0.5', avgPrice: '3000', markPrice: '2990', unrealisedPnl: '5' })).toEqual({ symbol: 'ETHUSDT', qty: '-0.5', entryPrice: '3000', markPrice: '2990', unrealizedPnl: '5' });
    expect(parseBybitPosition({ symbol: 'ETHUSDT', side: '', size: '0', entryPrice: '0' })).toEqual({ symbol: 'ETHUSDT', qty: '0', entryPrice: '0' });
  });

  it('takes availableToWithdraw as free, else the wallet balance less what is held (UTA 2.0 leaves it empty)', () => {
    expect(parseBybitWallet({ accountType: 'UNIFIED', coin: [{ coin: 'USDT', walletBalance: '1000.5', availableToWithdraw: '900' }] })).toEqual([{ asset: 'USDT', total: '1000.5', free: '900' }]);
    const uta2 = { coin: 'USDT', walletBalance: '1000.5', availableToWithdraw: '', totalPositionIM: '300.25', totalOrderIM: '100', locked: '0' };
    expect(parseBybitWallet({ accountType: 'UNIFIED', coin: [uta2] })).toEqual([{ asset: 'USDT', total: '1000.5', free: '600.25' }]);
  });

  it('skips funding executions and answers ops apart from events', () => {
    const funding = { symbol: 'ETHUSDT', orderId: '', orderLinkId: '', side: 'Buy', execId: 'f-1', execPrice: '3000', execQty: '1', execFee: '0.3', execType: 'Funding', execTime: '1', isMaker: false };
    expect(parseBybitPrivateFrame(JSON.stringify({ topic: 'execution', data: [funding] }))).toEqual({ events: [] });
    expect(parseBybitPrivateFrame('{"op":"auth","success":true,"ret_msg":"","conn_id":"x"}')).toEqual({ events: [], op: { op: 'auth', success: true, ret_msg: '', conn_id: 'x' } });
  });
});
