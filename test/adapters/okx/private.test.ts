/**
 * The OKX private adapter end to end against the simulated OKX on 127.0.0.1: real REST signed
 * with the passphrase, the real private WebSocket (login, orders/positions/account), the matching
 * engine behind it, and the venue's faults. Covers a SWAP (contracts) and a SPOT instrument.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOkxPrivate, OkxPrivateAdapter } from '../../../src/adapters/okx/private.ts';
import { SystemClock } from '../../../src/core/clock.ts';
import { ErrorCodes, FleetError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { PlaceRequest, PrivateAdapterOptions, PrivateEvent, VenueCallDetails, VenueFill, VenueOrder } from '../../../src/execution/types.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import { createOkxPrivateSide } from '../../../src/sim/private/okx.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createOkxSimServer } from '../../../src/sim/venues/okx.ts';
import { until } from '../../sim/venues/simClient.ts';

const SWAP = 'BTC-USDT-SWAP';
const SPOT = 'BTC-USDT';
const SPECS: InstrumentSpec[] = [
  { venue: 'okx', symbol: SWAP, kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01', minQty: '0.01', contractSize: '0.01' },
  { venue: 'okx', symbol: SPOT, kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.00000001', minQty: '0.00001' },
];
const CREDS = { apiKey: 'okx-key-7', apiSecret: '5E3C2A1B0F9D8E7C6B5A4F3E2D1C0B9A', passphrase: 'Fleet-pass-1', account: 'okx-priv' };

describe('okx private adapter', () => {
  let server: SimVenueServer;
  let adapter: OkxPrivateAdapter;
  const events: PrivateEvent[] = [];
  let seq = 0;

  const options = (o: Partial<PrivateAdapterOptions> = {}): PrivateAdapterOptions => ({
    venue: 'okx',
    restUrl: server.restUrl,
    privateWsUrl: server.wsUrl,
    key: CREDS.apiKey,
    secret: CREDS.apiSecret,
    passphrase: CREDS.passphrase,
    clock: new SystemClock(),
    logger: silentLogger(),
    symbols: [SWAP, SPOT],
    timeoutMs: 2000,
    backoff: { initialMs: 50, maxMs: 200 },
    attempts: 2,
    ...o,
  });
  /** A fresh alphanumeric client order id. */
  const cid = (tag: string): string => `fl${tag}${++seq}`;
  const limit = (symbol: string, side: 'buy' | 'sell', qty: string, price: string, clientOrderId = cid('t')): PlaceRequest => ({ symbol, clientOrderId, side, type: 'limit', tif: 'GTC', qty, price });
  const ordersOf = (id: string): VenueOrder[] => events.flatMap((e) => (e.kind === 'order' && e.order.clientOrderId === id ? [e.order] : []));
  const fillsOf = (id: string): VenueFill[] => events.flatMap((e) => (e.kind === 'fill' && e.fill.clientOrderId === id ? [e.fill] : []));
  const failure = async (p: Promise<unknown>): Promise<FleetError> => {
    const e = await p.then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(FleetError);
    return e as FleetError;
  };
  const privateConn = () => [...server.connections].find((c) => c.path.startsWith('/ws/v5/private'))!;

  beforeAll(async () => {
    server = createOkxSimServer(SPECS);
    const engine = createMatchingEngine({ venue: 'okx', instruments: SPECS, fees: { maker: 0.0002, taker: 0.0005 }, now: () => server.now() });
    server.exchange = engine;
    server.privateSide = createOkxPrivateSide(engine, CREDS);
    await server.listen();
    engine.deposit(CREDS.account, 'USDT', '1000000');
    engine.deposit(CREDS.account, 'BTC', '2');
    adapter = createOkxPrivate(options()) as OkxPrivateAdapter;
    adapter.events$.subscribe((e) => events.push(e));
    await adapter.start();
  });
  afterAll(async () => {
    await adapter.stop();
    await server.close();
  });
  beforeEach(() => {
    const book = { bids: [['29999.9', '5'], ['29999.5', '9']] as [string, string][], asks: [['30000.0', '4'], ['30000.3', '9']] as [string, string][] };
    server.publish(SWAP, book);
    server.publish(SPOT, book);
  });

  it('goes live on start and places a SWAP limit order: ack, then the stream reports it new; cancel; a second cancel is notFound', async () => {
    expect(events).toContainEqual({ kind: 'stream', state: 'up', reason: 'subscribed' });
    const req = limit(SWAP, 'buy', '1.5', '29000.0');
    const ack = await adapter.place(req);
    expect(ack).toMatchObject({ symbol: SWAP, clientOrderId: req.clientOrderId, side: 'buy', type: 'limit', tif: 'GTC', price: '29000.0', qty: '1.5', filledQty: '0', status: 'new' });
    expect(ack.venueOrderId).toMatch(/^\d+$/);
    await until('stream new', () => ordersOf(req.clientOrderId).some((o) => o.status === 'new'));
    expect(ordersOf(req.clientOrderId)[0]).toMatchObject({ venueOrderId: ack.venueOrderId, price: '29000', qty: '1.5', status: 'new', reduceOnly: false });

    expect(await adapter.cancel(SWAP, req.clientOrderId)).toBeUndefined();
    await until('stream canceled', () => ordersOf(req.clientOrderId).some((o) => o.status === 'canceled'));
    expect(ordersOf(req.clientOrderId).at(-1)!.reason).toMatch(/canceled by user/);
    const again = await failure(adapter.cancel(SWAP, req.clientOrderId));
    expect(again.code).toBe(ErrorCodes.VENUE_REJECTED);
    expect(again.details).toMatchObject({ venue: 'okx', endpoint: 'cancelOrder', venueCode: '51400', notFound: true });
  });

  it('reports a SPOT partial fill then the full fill, each fill with its tradeId and fee (positive = paid), and fills() returns them', async () => {
    const req = limit(SPOT, 'buy', '6', '30000.0');
    await adapter.place(req);
    await until('partial fill', () => ordersOf(req.clientOrderId).some((o) => o.status === 'partially_filled'));
    const taker = fillsOf(req.clientOrderId);
    expect(taker).toEqual([expect.objectContaining({ symbol: SPOT, side: 'buy', price: '30000', qty: '4', liquidity: 'taker', fee: '60', feeAsset: 'USDT' })]);
    expect(ordersOf(req.clientOrderId).at(-1)).toMatchObject({ status: 'partially_filled', filledQty: '4', qty: '6' });

    // A market sell trade at the order's price fills the resting rest (a maker fill).
    server.publish(SPOT, {}, [{ id: 'mkt-1', price: '30000.0', qty: '5', side: 'sell', ts: server.now() }]);
    await until('filled', () => ordersOf(req.clientOrderId).some((o) => o.status === 'filled'));
    const all = fillsOf(req.clientOrderId);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ qty: '2', price: '30000', liquidity: 'maker', fee: '12' });
    expect(new Set(all.map((f) => f.tradeId)).size).toBe(2);
    expect(ordersOf(req.clientOrderId).at(-1)).toMatchObject({ filledQty: '6', avgPrice: '30000' });

    const rest = await adapter.fills(SPOT, req.clientOrderId);
    expect(rest.map((f) => f.tradeId)).toEqual(all.map((f) => f.tradeId));
    expect(rest.map(({ qty, fee, liquidity, side }) => ({ qty, fee, liquidity, side }))).toEqual(all.map(({ qty, fee, liquidity, side }) => ({ qty, fee, liquidity, side })));
    expect(await adapter.fills(SPOT, 'flNeverPlaced1')).toEqual([]);
  });

  it('delivers a fill that arrives after the cancel (fill-after-cancel) as a fill event', async () => {
    server.inject('fill-after-cancel');
    const req = limit(SPOT, 'buy', '0.001', '29000.0');
    await adapter.place(req);
    await until('new', () => ordersOf(req.clientOrderId).length === 1);
    await adapter.cancel(SPOT, req.clientOrderId);
    await until('late fill', () => fillsOf(req.clientOrderId).length === 1);
    const kinds = events.filter((e) => (e.kind === 'order' ? e.order.clientOrderId : e.kind === 'fill' ? e.fill.clientOrderId : '') === req.clientOrderId);
    const canceledAt = kinds.findIndex((e) => e.kind === 'order' && e.order.status === 'canceled');
    const filledAt = kinds.findIndex((e) => e.kind === 'fill');
    expect(canceledAt).toBeGreaterThanOrEqual(0);
    expect(filledAt).toBeGreaterThan(canceledAt);
    expect(fillsOf(req.clientOrderId)[0]).toMatchObject({ price: '29000', qty: '0.00000001', side: 'buy' });
  });

  it('rejects the next order (reject-next-order) as VENUE_REJECTED, non-retryable, with the sCode and a clear reason', async () => {
    server.inject('reject-next-order');
    const req = limit(SWAP, 'buy', '1', '29000.0');
    const e = await failure(adapter.place(req));
    expect(e.code).toBe(ErrorCodes.VENUE_REJECTED);
    expect(e.errorClass).toBe('non-retryable');
    expect(e.message).toMatch(/insufficient balance or margin \(code 51008\)/);
    expect(e.details).toMatchObject({ endpoint: 'order', venueCode: '51008', reason: 'insufficient balance or margin' } satisfies Partial<VenueCallDetails>);
    expect(await adapter.query(SWAP, req.clientOrderId)).toBeUndefined();
    const badId = await failure(adapter.place(limit(SWAP, 'buy', '1', '29000.0', 'fl-not-alnum')));
    expect(badId).toMatchObject({ code: ErrorCodes.BAD_ARGUMENTS, errorClass: 'non-retryable' });
  });

  it('penalizes the limiter on HTTP 429, waits, retries and succeeds', async () => {
    const posts = (): number => server.requests.filter((r) => r === 'POST /api/v5/trade/order').length;
    const before = posts();
    server.inject('http429');
    const req = limit(SPOT, 'sell', '0.01', '31000.0');
    const placing = adapter.place(req);
    await until('429 answered', () => adapter.limiter.penaltyLeftMs() > 0);
    const ack = await placing;
    expect(ack).toMatchObject({ clientOrderId: req.clientOrderId, status: 'new' });
    expect(posts() - before).toBe(2);
    await adapter.cancel(SPOT, req.clientOrderId);
  });

  it('rejects a place whose answer times out with VENUE_TIMEOUT; query then finds the order the venue made', async () => {
    const slow = createOkxPrivate(options({ timeoutMs: 300, attempts: 1 }));
    server.latencyMs = 600;
    const req = limit(SWAP, 'sell', '1', '31000.0');
    try {
      const e = await failure(slow.place(req));
      expect(e.code).toBe(ErrorCodes.VENUE_TIMEOUT);
      expect(e.errorClass).toBe('retryable');
      expect(e.details).toMatchObject({ venue: 'okx', endpoint: 'order' });
    } finally {
      server.latencyMs = 0;
    }
    expect(await slow.query(SWAP, req.clientOrderId)).toMatchObject({ clientOrderId: req.clientOrderId, status: 'new', qty: '1', price: '31000' });
    await slow.cancel(SWAP, req.clientOrderId);
    await slow.stop();
  });

  it('answers a repeated place of the same clOrdId (51016) with the existing order; query of an unknown id is undefined', async () => {
    const req = limit(SWAP, 'sell', '2', '31500.0');
    const first = await adapter.place(req);
    const second = await adapter.place(req);
    expect(second).toMatchObject({ clientOrderId: req.clientOrderId, venueOrderId: first.venueOrderId, status: 'new', qty: '2' });
    expect(await adapter.query(SWAP, 'flUnknown999')).toBeUndefined();
    await adapter.cancel(SWAP, req.clientOrderId);
  });

  it('amends price and size keeping the clOrdId; an amend of an unknown order is notFound', async () => {
    const req = limit(SWAP, 'buy', '2', '29000.0');
    await adapter.place(req);
    expect(await adapter.amend({ symbol: SWAP, clientOrderId: req.clientOrderId, qty: '3', price: '29500.0' })).toBeUndefined();
    await until('amended push', () => ordersOf(req.clientOrderId).some((o) => o.price === '29500'));
    expect(ordersOf(req.clientOrderId).at(-1)).toMatchObject({ status: 'new', qty: '3', price: '29500' });
    expect(await adapter.query(SWAP, req.clientOrderId)).toMatchObject({ qty: '3', price: '29500', status: 'new' });
    await adapter.cancel(SWAP, req.clientOrderId);
    const gone = await failure(adapter.amend({ symbol: SWAP, clientOrderId: req.clientOrderId, price: '29400.0' }));
    expect(gone.details).toMatchObject({ endpoint: 'amendOrder', venueCode: '51509', notFound: true });
  });

  it('reads open orders, positions, balances and fee rates', async () => {
    const swapReq = limit(SWAP, 'buy', '1', '28000.0');
    const spotReq = limit(SPOT, 'sell', '0.5', '32000.0');
    await adapter.place(swapReq);
    await adapter.place(spotReq);
    const open = await adapter.openOrders();
    expect(open.map((o) => o.clientOrderId)).toEqual(expect.arrayContaining([swapReq.clientOrderId, spotReq.clientOrderId]));
    expect((await adapter.openOrders(SWAP)).every((o) => o.symbol === SWAP)).toBe(true);

    await adapter.place({ symbol: SWAP, clientOrderId: cid('m'), side: 'buy', type: 'market', tif: 'IOC', qty: '2' });
    await until('position push', () => events.some((e) => e.kind === 'position' && e.position.symbol === SWAP && e.position.qty === '2'));
    expect(await adapter.positions()).toEqual([expect.objectContaining({ symbol: SWAP, qty: '2', entryPrice: '30000' })]);
    const balances = await adapter.balances();
    expect(balances.map((b) => b.asset).sort()).toEqual(['BTC', 'USDT']);
    const usdt = balances.find((b) => b.asset === 'USDT')!;
    expect(Number(usdt.free)).toBeLessThan(Number(usdt.total));
    expect(events.some((e) => e.kind === 'balance' && e.balance.asset === 'USDT')).toBe(true);
    expect(await adapter.feeRates([SWAP, SPOT])).toEqual([
      { symbol: SWAP, maker: '0.0002', taker: '0.0005' },
      { symbol: SPOT, maker: '0.0008', taker: '0.001' },
    ]);

    await adapter.place({ symbol: SWAP, clientOrderId: cid('m'), side: 'sell', type: 'market', tif: 'IOC', qty: '2', reduceOnly: true });
    await adapter.cancel(SWAP, swapReq.clientOrderId);
    await adapter.cancel(SPOT, spotReq.clientOrderId);
    expect(await adapter.positions()).toEqual([]);
  });

  it('turns an unreadable private frame into a malformed event naming the order it mentions', async () => {
    const conn = privateConn();
    conn.send('{"arg":{"channel":"orders","instType":"ANY"},"data":[{"clOrdId":"flBroken1","instId":"BTC-USDT","state":');
    conn.send('{"arg":{"channel":"orders","instType":"ANY"},"data":[{"clOrdId":"flBroken2","instId":"BTC-USDT-SWAP","side":"buy"}]}');
    await until('two malformed', () => events.filter((e) => e.kind === 'malformed').length >= 2);
    const bad = events.filter((e): e is Extract<PrivateEvent, { kind: 'malformed' }> => e.kind === 'malformed');
    expect(bad[0]).toMatchObject({ detail: 'not JSON', clientOrderId: 'flBroken1', symbol: SPOT });
    expect(bad[1]).toMatchObject({ clientOrderId: 'flBroken2', symbol: SWAP, detail: expect.stringMatching(/^orders: \w+ missing$/) });
  });

  it('reports the stream down on a disconnect and up again after it logs back in, then streams orders', async () => {
    const ups = (): number => events.filter((e) => e.kind === 'stream' && e.state === 'up').length;
    const upsBefore = ups();
    server.inject('disconnect');
    await until('down', () => events.some((e) => e.kind === 'stream' && e.state === 'down'));
    await until('up again', () => ups() > upsBefore);
    const req = limit(SPOT, 'buy', '0.01', '29100.0');
    await adapter.place(req);
    await until('new after reconnect', () => ordersOf(req.clientOrderId).length > 0);
    await adapter.cancel(SPOT, req.clientOrderId);
  });
});
