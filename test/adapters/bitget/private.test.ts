/**
 * The Bitget private adapter end to end against the simulated Bitget on 127.0.0.1 (real HTTP and
 * WebSocket): a USDT-FUTURES perp (`BTCUSDT`) and a spot pair (`BTCUSDT_SPBL`), the stream's order
 * and fill events, the REST reads, and the venue's faults (reject, 429, latency, fill after
 * cancel, disconnect, a malformed frame).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBitgetPrivate } from '../../../src/adapters/bitget/private.ts';
import { SystemClock } from '../../../src/core/clock.ts';
import { ErrorCodes, FleetError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import type { PlaceRequest, PrivateAdapter, PrivateEvent, VenueCallDetails } from '../../../src/execution/types.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import { createBitgetPrivateSide } from '../../../src/sim/private/bitget.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBitgetSimServer } from '../../../src/sim/venues/bitget.ts';
import { until } from '../../sim/venues/simClient.ts';

const SPECS: InstrumentSpec[] = [
  { venue: 'bitget', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' },
  { venue: 'bitget', symbol: 'BTCUSDT_SPBL', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.000001', minNotional: '1' },
];
const CREDS = { apiKey: 'bg_key_1', apiSecret: 'bg-secret-xyz', passphrase: 'bg-pass', account: 'bitget-acct' };
const PERP = 'BTCUSDT';
const SPOT = 'BTCUSDT_SPBL';

let server: SimVenueServer;
let adapter: PrivateAdapter;
const events: PrivateEvent[] = [];
let seq = 0;

/** A client order id unique to this run. */
const cid = (tag: string): string => `${tag}-${++seq}`;

const limit = (symbol: string, clientOrderId: string, side: 'buy' | 'sell', price: string, qty: string): PlaceRequest => ({
  symbol, clientOrderId, side, type: 'limit', tif: 'GTC', price, qty,
});

const orderEvents = (clientOrderId: string) => events.flatMap((e) => (e.kind === 'order' && e.order.clientOrderId === clientOrderId ? [e.order] : []));
const fillEvents = (clientOrderId: string) => events.flatMap((e) => (e.kind === 'fill' && e.fill.clientOrderId === clientOrderId ? [e.fill] : []));

async function rejection(p: Promise<unknown>): Promise<FleetError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(FleetError);
  return e as FleetError;
}

/** Closes the perp position the account holds, if any. */
async function flatten(): Promise<void> {
  for (const p of await adapter.positions()) {
    const qty = p.qty.replace('-', '');
    await adapter.place({ symbol: p.symbol, clientOrderId: cid('flat'), side: p.qty.startsWith('-') ? 'buy' : 'sell', type: 'market', tif: 'IOC', qty, reduceOnly: true });
  }
}

beforeAll(async () => {
  server = createBitgetSimServer(SPECS);
  const engine = createMatchingEngine({ venue: 'bitget', instruments: SPECS, fees: { maker: 0.0002, taker: 0.0006 }, now: () => server.now() });
  server.exchange = engine;
  // The engine charges one schedule; the venue answers the same rates for both markets.
  const fees = { maker: 0.0002, taker: 0.0006 };
  server.privateSide = createBitgetPrivateSide(engine, CREDS, { fees: { mix: fees, spot: fees } });
  await server.listen();
  engine.deposit(CREDS.account, 'USDT', '1000000');
  engine.deposit(CREDS.account, 'BTC', '1');
  adapter = createBitgetPrivate({
    venue: 'bitget',
    restUrl: server.restUrl,
    privateWsUrl: server.wsUrl,
    key: CREDS.apiKey,
    secret: CREDS.apiSecret,
    passphrase: CREDS.passphrase,
    clock: new SystemClock(),
    logger: silentLogger(),
    symbols: [PERP, SPOT],
    timeoutMs: 300,
    attempts: 2,
    backoff: { initialMs: 50, maxMs: 200 },
  });
  adapter.events$.subscribe((e) => events.push(e));
  await adapter.start();
});

afterAll(async () => {
  await adapter.stop();
  await server.close();
});

beforeEach(() => {
  server.latencyMs = 0;
  server.publish(PERP, { bids: [['29999.9', '5'], ['29999.5', '9']], asks: [['30000.0', '0.004'], ['30000.3', '9']] });
  server.publish(SPOT, { bids: [['29999.99', '5'], ['29999.50', '9']], asks: [['30000.00', '0.004'], ['30000.30', '9']] });
});

describe('bitget private adapter', () => {
  it('is live after start: the stream reported up once, with the account snapshot', () => {
    expect(events.filter((e) => e.kind === 'stream')).toEqual([{ kind: 'stream', state: 'up', reason: 'subscribed' }]);
    expect(events.find((e) => e.kind === 'balance' && e.balance.asset === 'BTC')).toMatchObject({ balance: { total: '1', free: '1' } });
  });

  it('futures: places a limit order (ack, then the stream says new) and finds it by client id', async () => {
    const id = cid('perp-new');
    const ack = await adapter.place(limit(PERP, id, 'buy', '29000', '0.002'));
    expect(ack).toMatchObject({ symbol: PERP, clientOrderId: id, status: 'new', price: '29000', qty: '0.002', filledQty: '0' });
    expect(ack.venueOrderId).toMatch(/^\d+$/);
    await until('order new', () => orderEvents(id).some((o) => o.status === 'new'));
    expect(orderEvents(id)[0]).toMatchObject({ symbol: PERP, venueOrderId: ack.venueOrderId, side: 'buy', type: 'limit', tif: 'GTC', price: '29000', qty: '0.002', filledQty: '0', reduceOnly: false });
    expect(await adapter.query(PERP, id)).toMatchObject({ venueOrderId: ack.venueOrderId, status: 'new', price: '29000', qty: '0.002' });
    await adapter.cancel(PERP, id);
  });

  it('futures: a partial then a full fill, each with its trade id and fee; fills() and positions() agree', async () => {
    const id = cid('perp-fill');
    await adapter.place(limit(PERP, id, 'buy', '30000.3', '0.005'));
    await until('two fills', () => fillEvents(id).length === 2 && orderEvents(id).some((o) => o.status === 'filled'));
    const fills = fillEvents(id);
    expect(fills.map((f) => [f.price, f.qty, f.fee, f.feeAsset, f.liquidity])).toEqual([
      ['30000', '0.004', '0.072', 'USDT', 'taker'],
      ['30000.3', '0.001', '0.01800018', 'USDT', 'taker'],
    ]);
    expect(new Set(fills.map((f) => f.tradeId)).size).toBe(2);
    expect(orderEvents(id).map((o) => [o.status, o.filledQty])).toEqual([['new', '0'], ['partially_filled', '0.004'], ['filled', '0.005']]);
    expect(orderEvents(id).at(-1)!.avgPrice).toBe('30000.06');

    const fetched = await adapter.fills(PERP, id);
    expect(fetched.map((f) => [f.tradeId, f.price, f.qty, f.fee, f.liquidity])).toEqual(fills.map((f) => [f.tradeId, f.price, f.qty, f.fee, f.liquidity]));
    expect(await adapter.positions()).toEqual([expect.objectContaining({ symbol: PERP, qty: '0.005', entryPrice: '30000.06' })]);
    await until('position event', () => events.some((e) => e.kind === 'position' && e.position.symbol === PERP && e.position.qty === '0.005'));
    await flatten();
    await until('flat position event', () => events.at(-1)?.kind === 'balance' && events.some((e) => e.kind === 'position' && e.position.qty === '0'));
  });

  it('cancels: the stream says canceled, query agrees, a second cancel is notFound', async () => {
    const id = cid('perp-cancel');
    await adapter.place(limit(PERP, id, 'sell', '31000', '0.001'));
    expect(await adapter.cancel(PERP, id)).toBeUndefined();
    await until('canceled', () => orderEvents(id).some((o) => o.status === 'canceled'));
    expect(orderEvents(id).at(-1)).toMatchObject({ status: 'canceled', reason: 'normal_cancel' });
    expect((await adapter.query(PERP, id))?.status).toBe('canceled');
    const again = await rejection(adapter.cancel(PERP, id));
    expect(again.code).toBe(ErrorCodes.VENUE_REJECTED);
    expect(again.details as VenueCallDetails).toMatchObject({ notFound: true, venueCode: '40768' });
  });

  it('fill after cancel: the fill that arrives after the cancel is still a fill event', async () => {
    const id = cid('spot-fac');
    server.inject('fill-after-cancel');
    await adapter.place(limit(SPOT, id, 'buy', '29000', '0.001'));
    await adapter.cancel(SPOT, id);
    await until('late fill', () => fillEvents(id).length === 1);
    const canceledAt = events.findIndex((e) => e.kind === 'order' && e.order.clientOrderId === id && e.order.status === 'canceled');
    const filledAt = events.findIndex((e) => e.kind === 'fill' && e.fill.clientOrderId === id);
    expect(canceledAt).toBeGreaterThanOrEqual(0);
    expect(filledAt).toBeGreaterThan(canceledAt);
    expect(fillEvents(id)[0]).toMatchObject({ symbol: SPOT, price: '29000', qty: '0.000001', side: 'buy' });
  });

  it('reject-next-order: VENUE_REJECTED, not retryable, the venue code in the reason', async () => {
    server.inject('reject-next-order');
    const e = await rejection(adapter.place(limit(PERP, cid('rej'), 'buy', '29000', '0.001')));
    expect(e.code).toBe(ErrorCodes.VENUE_REJECTED);
    expect(e.errorClass).toBe('non-retryable');
    expect(e.message).toMatch(/code 40762/);
    expect(e.details as VenueCallDetails).toMatchObject({ venue: 'bitget', endpoint: 'order', venueCode: '40762', httpStatus: 400 });
  });

  it('http429: the limiter waits the penalty, the place is retried and succeeds', async () => {
    const id = cid('r429');
    const before = server.requests.filter((r) => r.startsWith('POST /api/v2/mix/order/place-order')).length;
    server.inject('http429');
    const started = Date.now();
    const ack = await adapter.place(limit(PERP, id, 'buy', '29000', '0.001'));
    expect(ack.status).toBe('new');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests.filter((r) => r.startsWith('POST /api/v2/mix/order/place-order')).length - before).toBe(2);
    await adapter.cancel(PERP, id);
  });

  it('timeout: VENUE_TIMEOUT, and query then finds the order the venue did create', async () => {
    const id = cid('slow');
    server.latencyMs = 500;
    const e = await rejection(adapter.place(limit(PERP, id, 'buy', '29000', '0.001')));
    expect(e.code).toBe(ErrorCodes.VENUE_TIMEOUT);
    server.latencyMs = 0;
    expect(await adapter.query(PERP, id)).toMatchObject({ clientOrderId: id, status: 'new', qty: '0.001' });
    await adapter.cancel(PERP, id);
  });

  it('a repeated place with the same client id returns the existing order (futures and spot)', async () => {
    for (const symbol of [PERP, SPOT]) {
      const id = cid('dup');
      const first = await adapter.place(limit(symbol, id, 'buy', '29000', '0.001'));
      const second = await adapter.place(limit(symbol, id, 'buy', '29000', '0.001'));
      expect(second).toMatchObject({ symbol, clientOrderId: id, venueOrderId: first.venueOrderId, status: 'new' });
      await adapter.cancel(symbol, id);
    }
  });

  it('query of an unknown client id resolves undefined', async () => {
    expect(await adapter.query(PERP, 'never-placed')).toBeUndefined();
    expect(await adapter.query(SPOT, 'never-placed')).toBeUndefined();
    expect(await adapter.fills(PERP, 'never-placed')).toEqual([]);
  });

  it('amends a futures order (price and size together, same client id); a spot amend is refused', async () => {
    const id = cid('amend');
    await adapter.place(limit(PERP, id, 'buy', '29000', '0.002'));
    const moved = await adapter.amend({ symbol: PERP, clientOrderId: id, price: '29100', qty: '0.003' });
    expect(moved).toMatchObject({ clientOrderId: id, price: '29100', qty: '0.003', status: 'new' });
    const cut = await adapter.amend({ symbol: PERP, clientOrderId: id, qty: '0.001' });
    expect(cut).toMatchObject({ price: '29100', qty: '0.001' });
    await until('amended on the stream', () => orderEvents(id).some((o) => o.price === '29100' && o.qty === '0.001'));
    await adapter.cancel(PERP, id);

    const spot = await rejection(adapter.amend({ symbol: SPOT, clientOrderId: 'any', price: '1' }));
    expect(spot.code).toBe(ErrorCodes.VENUE_REJECTED);
    expect(spot.errorClass).toBe('non-retryable');
    expect(spot.message).toMatch(/cancel and replace/);
  });

  it('spot: a taker fill with its fee, and fills() of the order', async () => {
    const id = cid('spot-fill');
    await adapter.place(limit(SPOT, id, 'sell', '29999.99', '0.002'));
    await until('spot fill', () => fillEvents(id).length === 1);
    const [fill] = fillEvents(id);
    expect(fill).toMatchObject({ symbol: SPOT, side: 'sell', price: '29999.99', qty: '0.002', liquidity: 'taker', feeAsset: 'USDT' });
    expect(fill!.fee).toBe('0.035999988');
    expect(await adapter.fills(SPOT, id)).toEqual([expect.objectContaining({ tradeId: fill!.tradeId, price: '29999.99', qty: '0.002', fee: '0.035999988' })]);
    expect(await adapter.query(SPOT, id)).toMatchObject({ status: 'filled', filledQty: '0.0020000000000000' });
  });

  it('reads open orders of both markets, balances and fee rates', async () => {
    const perp = cid('open');
    const spot = cid('open');
    await adapter.place(limit(PERP, perp, 'buy', '28000', '0.001'));
    await adapter.place(limit(SPOT, spot, 'buy', '28000', '0.001'));
    const all = await adapter.openOrders();
    expect(all.find((o) => o.clientOrderId === perp)).toMatchObject({ symbol: PERP, price: '28000', qty: '0.001', status: 'new' });
    // Spot REST rows write Bitget's 16 decimals; the adapter passes them on as written.
    expect(all.find((o) => o.clientOrderId === spot)).toMatchObject({ symbol: SPOT, price: '28000.0000000000000000', qty: '0.0010000000000000', status: 'new' });
    expect((await adapter.openOrders(SPOT)).map((o) => o.symbol)).toEqual([SPOT]);
    await adapter.cancel(PERP, perp);
    await adapter.cancel(SPOT, spot);

    const balances = await adapter.balances();
    expect(balances.map((b) => b.asset)).toEqual(expect.arrayContaining(['USDT', 'BTC']));
    for (const b of balances) expect(b.total).toMatch(/^\d+(\.\d+)?$/);
    expect(await adapter.feeRates([PERP, SPOT])).toEqual([
      { symbol: PERP, maker: '0.0002', taker: '0.0006' },
      { symbol: SPOT, maker: '0.0002', taker: '0.0006' },
    ]);
  });

  it('a malformed private frame becomes a malformed event naming the order it concerns', async () => {
    const conns = [...server.connections].filter((c) => c.path.startsWith('/v2/ws/private'));
    expect(conns).toHaveLength(1);
    conns[0]!.send('{"action":"snapshot","arg":{"instType":"USDT-FUTURES","channel":"orders","instId":"default"},"data":[{"instId":"BTCUSDT","clientOid":"bad-1","status":');
    conns[0]!.send(JSON.stringify({ action: 'snapshot', arg: { instType: 'SPOT', channel: 'orders', instId: 'default' }, data: [{ instId: 'BTCUSDT', orderId: '1', clientOid: 'bad-2', side: 'buy', status: 'exploded' }] }));
    await until('two malformed', () => events.filter((e) => e.kind === 'malformed').length === 2);
    const bad = events.filter((e) => e.kind === 'malformed');
    expect(bad[0]).toMatchObject({ kind: 'malformed', clientOrderId: 'bad-1', symbol: PERP, detail: 'not JSON' });
    expect(bad[1]).toMatchObject({ kind: 'malformed', clientOrderId: 'bad-2', symbol: SPOT });
  });

  it('disconnect: the stream goes down, then up again after resubscribing', async () => {
    const from = events.length;
    server.inject('disconnect');
    await until('down then up', () => {
      const states = events.slice(from).flatMap((e) => (e.kind === 'stream' ? [e.state] : []));
      return states.join() === 'down,up';
    });
    const id = cid('after-reconnect');
    await adapter.place(limit(PERP, id, 'buy', '29000', '0.001'));
    await until('order on the new stream', () => orderEvents(id).length === 1);
    await adapter.cancel(PERP, id);
  });
});
