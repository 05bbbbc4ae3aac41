/**
 * The simulated OKX v5 private side, driven by a stock client: plain fetch and a plain `ws`
 * socket, signed with node:crypto exactly as the OKX docs describe (REST: base64 HMAC-SHA256 of
 * timestamp + METHOD + requestPath[?query] + body; WS login: timestamp + "GET" +
 * "/users/self/verify"), with request bodies shaped like the docs' examples.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import type { SimExchange } from '../../../src/sim/matching/types.ts';
import { createOkxPrivateSide } from '../../../src/sim/private/okx.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createOkxSimServer } from '../../../src/sim/venues/okx.ts';
import { describeFixtures, fixtureJson } from '../../support/fixtures.ts';
import { until } from '../venues/simClient.ts';
import { privateSocket as openPrivateSocket, sign, sleep, type Json } from './opSocket.ts';

const SPECS: InstrumentSpec[] = [
  { venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01', minQty: '0.01', contractSize: '0.01' },
  { venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.00000001', minQty: '0.00001' },
];
const CREDS = { apiKey: 'okx-key-1', apiSecret: '22582BD0CFF14C41EDBF1AB98506286D', passphrase: 'pass-phrase', account: 'okx-acct' };

interface CallOptions {
  readonly key?: string;
  readonly secret?: string;
  readonly passphrase?: string;
  readonly timestamp?: string;
  readonly signature?: string;
}

describe('okx private side', () => {
  let server: SimVenueServer;
  let engine: SimExchange;
  const clock = new ManualClock(0);

  /** Calls a private endpoint as a stock OKX client would. */
  async function call(method: 'GET' | 'POST', requestPath: string, body?: unknown, o: CallOptions = {}): Promise<{ status: number; json: Json }> {
    const ts = o.timestamp ?? new Date().toISOString();
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {
      'OK-ACCESS-KEY': o.key ?? CREDS.apiKey,
      'OK-ACCESS-SIGN': o.signature ?? sign(o.secret ?? CREDS.apiSecret, ts + method + requestPath + text),
      'OK-ACCESS-TIMESTAMP': ts,
      'OK-ACCESS-PASSPHRASE': o.passphrase ?? CREDS.passphrase,
      'Content-Type': 'application/json',
    };
    const res = await fetch(server.restUrl + requestPath, { method, headers, ...(method === 'POST' ? { body: text } : {}) });
    return { status: res.status, json: (await res.json()) as Json };
  }

  /** A logged-in private socket that records every frame. */
  const privateSocket = (subscribe: Json[]) => openPrivateSocket(`${server.wsUrl}/ws/v5/private`, CREDS, '/users/self/verify', subscribe);
  const orders = (frames: Json[]): Json[] => frames.filter((f) => f.arg?.channel === 'orders' && Array.isArray(f.data)).map((f) => f.data[0]);

  beforeAll(async () => {
    server = createOkxSimServer(SPECS);
    engine = createMatchingEngine({ venue: 'okx', instruments: SPECS, fees: { maker: 0.0002, taker: 0.0005 }, now: () => server.now() });
    server.exchange = engine;
    server.privateSide = createOkxPrivateSide(engine, CREDS, { clock, fees: { swap: { maker: 0.0002, taker: 0.0005 } } });
    await server.listen();
    engine.deposit(CREDS.account, 'USDT', '1000000');
    engine.deposit(CREDS.account, 'BTC', '1');
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    const book = { bids: [['29999.9', '5'], ['29999.5', '9']] as [string, string][], asks: [['30000.0', '4'], ['30000.3', '9']] as [string, string][] };
    server.publish('BTC-USDT-SWAP', book);
    server.publish('BTC-USDT', book);
  });

  it('places a limit order (the docs example body), finds it by either id, lists it, and cancels it by clOrdId', async () => {
    const placed = await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', clOrdId: 'b15', side: 'buy', ordType: 'limit', px: '29000.1', sz: '0.002' });
    expect(placed.status).toBe(200);
    expect(placed.json).toMatchObject({ code: '0', msg: '', data: [{ clOrdId: 'b15', sCode: '0', tag: '' }] });
    expect(placed.json.inTime).toMatch(/^\d+$/);
    const ordId = placed.json.data[0].ordId as string;

    const byId = await call('GET', `/api/v5/trade/order?ordId=${ordId}&instId=BTC-USDT`);
    expect(byId.json.data[0]).toMatchObject({ ordId, clOrdId: 'b15', instType: 'SPOT', state: 'live', px: '29000.1', sz: '0.002', ordType: 'limit', tdMode: 'cash', accFillSz: '0', avgPx: '' });
    const byClient = await call('GET', '/api/v5/trade/order?clOrdId=b15&instId=BTC-USDT');
    expect(byClient.json.data[0].ordId).toBe(ordId);
    const pending = await call('GET', '/api/v5/trade/orders-pending?instType=SPOT');
    expect(pending.json.data.map((o: Json) => o.ordId)).toContain(ordId);

    const canceled = await call('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT', clOrdId: 'b15' });
    expect(canceled.json).toMatchObject({ code: '0', data: [{ ordId, clOrdId: 'b15', sCode: '0' }] });
    const after = await call('GET', `/api/v5/trade/order?ordId=${ordId}&instId=BTC-USDT`);
    expect(after.json.data[0]).toMatchObject({ state: 'canceled', cancelSource: '1' });
    const again = await call('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT', ordId });
    expect(again.json).toMatchObject({ code: '1', data: [{ sCode: '51400' }] });
  });

  it('fills a SWAP market order: order details, position, balance (a comma query signed as sent) and fee rates', async () => {
    const placed = await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'market', sz: '2' });
    const ordId = placed.json.data[0].ordId as string;
    expect(placed.json.data[0].clOrdId).toBe('');
    const got = await call('GET', `/api/v5/trade/order?ordId=${ordId}&instId=BTC-USDT-SWAP`);
    expect(got.json.data[0]).toMatchObject({ state: 'filled', accFillSz: '2', avgPx: '30000', instType: 'SWAP', posSide: 'net', clOrdId: '' });
    expect(Number(got.json.data[0].fee)).toBeLessThan(0);

    const pos = await call('GET', '/api/v5/account/positions?instType=SWAP');
    expect(pos.json.data).toEqual([expect.objectContaining({ instId: 'BTC-USDT-SWAP', pos: '2', posSide: 'net', mgnMode: 'cross', avgPx: '30000' })]);
    const bal = await call('GET', '/api/v5/account/balance?ccy=BTC,USDT');
    expect(bal.status).toBe(200);
    expect(bal.json.data[0].details.map((d: Json) => d.ccy).sort()).toEqual(['BTC', 'USDT']);
    const fee = await call('GET', '/api/v5/account/trade-fee?instType=SWAP&instFamily=BTC-USDT');
    expect(fee.json.data[0]).toMatchObject({ instType: 'SWAP', makerU: '-0.0002', takerU: '-0.0005' });

    const closed = await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'sell', ordType: 'market', sz: '2', reduceOnly: true });
    expect(closed.json.data[0].sCode).toBe('0');
  });

  it('refuses what OKX refuses, with its codes', async () => {
    const place = (body: Json) => call('POST', '/api/v5/trade/order', body);
    expect((await place({ instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '29000', sz: '100' })).json).toMatchObject({ code: '1', msg: 'Operation failed.', data: [{ sCode: '51008' }] });
    expect((await place({ instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '29000', sz: '0.000001' })).json.data[0].sCode).toBe('51020');
    expect((await place({ instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'limit', px: '29000', sz: '0.015' })).json.data[0].sCode).toBe('51121');
    expect((await place({ instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'sell', ordType: 'market', sz: '1', reduceOnly: true })).json.data[0].sCode).toBe('51169');
    const unknown = await place({ instId: 'NOPE-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '1', sz: '1' });
    expect(unknown.json.code).toBe('51001');
    const badSide = await place({ instId: 'BTC-USDT', tdMode: 'cash', side: 'up', ordType: 'limit', px: '1', sz: '1' });
    expect(badSide).toMatchObject({ status: 400, json: { code: '51000', msg: 'Parameter side error' } });
    expect((await place({ instId: 'BTC-USDT', side: 'buy', ordType: 'limit', px: '1', sz: '1' })).json.code).toBe('50014');

    await place({ instId: 'BTC-USDT', tdMode: 'cash', clOrdId: 'dup1', side: 'buy', ordType: 'limit', px: '29000', sz: '0.001' });
    expect((await place({ instId: 'BTC-USDT', tdMode: 'cash', clOrdId: 'dup1', side: 'buy', ordType: 'limit', px: '29000', sz: '0.001' })).json.data[0].sCode).toBe('51016');
    await call('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT', clOrdId: 'dup1' });

    // Post-only that would take: accepted, then canceled by the venue (cancelSource 31).
    const po = await place({ instId: 'BTC-USDT', tdMode: 'cash', clOrdId: 'po1', side: 'buy', ordType: 'post_only', px: '30000.0', sz: '0.001' });
    expect(po.json.data[0]).toMatchObject({ sCode: '0', clOrdId: 'po1' });
    const poGot = await call('GET', '/api/v5/trade/order?clOrdId=po1&instId=BTC-USDT');
    expect(poGot.json.data[0]).toMatchObject({ state: 'canceled', cancelSource: '31', ordType: 'post_only' });
    // FOK that cannot fill completely: accepted and canceled (cancelSource 13).
    const fok = await place({ instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'fok', px: '30000.0', sz: '5' });
    const fokGot = await call('GET', `/api/v5/trade/order?ordId=${fok.json.data[0].ordId}&instId=BTC-USDT`);
    expect(fokGot.json.data[0]).toMatchObject({ state: 'canceled', cancelSource: '13', accFillSz: '0' });

    expect((await call('GET', '/api/v5/trade/order?ordId=999999&instId=BTC-USDT')).json).toEqual({ code: '51603', msg: 'Order does not exist.', data: [] });
  });

  it('answers authentication failures with 401 and the docs codes, and throttles per key with 429 50011', async () => {
    const path = '/api/v5/account/balance';
    expect(await call('GET', path, undefined, { signature: 'AAAA' })).toMatchObject({ status: 401, json: { code: '50113' } });
    expect(await call('GET', path, undefined, { secret: 'wrong-secret' })).toMatchObject({ status: 401, json: { code: '50113' } });
    expect(await call('GET', path, undefined, { key: 'someone-else' })).toMatchObject({ status: 401, json: { code: '50111' } });
    expect(await call('GET', path, undefined, { passphrase: 'nope' })).toMatchObject({ status: 401, json: { code: '50105' } });
    const stale = new Date(Date.now() - 31_000).toISOString();
    expect(await call('GET', path, undefined, { timestamp: stale })).toMatchObject({ status: 401, json: { code: '50102', msg: 'Timestamp request expired.' } });
    expect(await call('GET', path, undefined, { timestamp: '1700000000' })).toMatchObject({ status: 401, json: { code: '50112' } });

    // trade-fee allows 5 requests per 2 s per key: 12 quick calls cross at most one window edge.
    const statuses = await Promise.all(Array.from({ length: 12 }, () => call('GET', '/api/v5/account/trade-fee?instType=SPOT')));
    const limited = statuses.filter((s) => s.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0]!.json).toEqual({ code: '50011', msg: 'Too Many Requests', data: [] });
  });

  it('logs in on the private socket, refuses a bad login (60007, then close 4001) and anything before login (60011)', async () => {
    const bad = new WebSocket(`${server.wsUrl}/ws/v5/private`);
    const badFrames: Json[] = [];
    bad.on('message', (d) => badFrames.push(JSON.parse(String(d)) as Json));
    const closed = new Promise<number>((r) => bad.once('close', (code) => r(code)));
    await new Promise((r) => bad.once('open', r));
    bad.send(JSON.stringify({ op: 'subscribe', args: [{ channel: 'orders', instType: 'ANY' }] }));
    await until('60011', () => badFrames.length > 0);
    expect(badFrames[0]).toMatchObject({ event: 'error', code: '60011' });
    const ts = String(Math.floor(Date.now() / 1000));
    bad.send(JSON.stringify({ op: 'login', args: [{ apiKey: CREDS.apiKey, passphrase: CREDS.passphrase, timestamp: ts, sign: sign('wrong', `${ts}GET/users/self/verify`) }] }));
    expect(await closed).toBe(4001);
    expect(badFrames[1]).toMatchObject({ event: 'error', code: '60007', msg: 'Invalid sign' });

    const { ws, frames } = await privateSocket([{ channel: 'account' }, { channel: 'positions', instType: 'ANY' }]);
    expect(frames[0]).toMatchObject({ event: 'login', code: '0', msg: '' });
    await until('snapshots', () => frames.filter((f) => f.eventType === 'snapshot').length === 2);
    const account = frames.find((f) => f.arg?.channel === 'account' && f.eventType === 'snapshot')!;
    expect(account.data[0].details.map((d: Json) => d.ccy)).toContain('USDT');
    ws.close();
  });

  it('pushes an order → fill sequence on the orders channel, shaped like the shared capture', async () => {
    const { ws, frames } = await privateSocket([{ channel: 'orders', instType: 'ANY' }, { channel: 'positions', instType: 'SWAP' }]);
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', clOrdId: 'ws1', side: 'buy', ordType: 'limit', px: '30000.3', sz: '5' });
    await until('filled push', () => orders(frames).some((o) => o.state === 'filled'));
    const seq = orders(frames).filter((o) => o.clOrdId === 'ws1');
    expect(seq[0]).toMatchObject({ state: 'live', accFillSz: '0' });
    const fills = seq.filter((o) => o.tradeId !== '');
    expect(fills.map((o) => o.fillPx)).toEqual(['30000', '30000.3']);
    expect(fills.map((o) => o.accFillSz)).toEqual(['4', '5']);
    expect(fills.at(-1)).toMatchObject({ state: 'filled', execType: 'T', fillSz: '1', avgPx: '30000.06' });
    const push = frames.find((f) => f.arg?.channel === 'orders' && f.data)!;
    expect(push.arg).toMatchObject({ channel: 'orders', instType: 'ANY', uid: expect.stringMatching(/^\d+$/) });
    await until('position push', () => frames.some((f) => f.arg?.channel === 'positions' && f.eventType === 'event_update'));
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'sell', ordType: 'market', sz: '5', reduceOnly: true });
    ws.close();
  });

  describeFixtures('against the shared capture okx/ws-orders-swap-filled.json', () => {
    it('every field of the captured orders push is present with the same JSON type', async () => {
      const capture = fixtureJson<Json>('okx', 'ws-orders-swap-filled.json');
      const { ws, frames } = await privateSocket([{ channel: 'orders', instType: 'SWAP' }]);
      await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'market', sz: '0.03' });
      await until('fill push', () => orders(frames).some((o) => o.state === 'filled'));
      const ours = frames.find((f) => f.arg?.channel === 'orders' && f.data?.[0].state === 'filled')!;
      expect(Object.keys(ours.arg).sort()).toEqual([...Object.keys(capture.arg), 'uid'].sort());
      const theirs = capture.data[0] as Json;
      const row = ours.data[0] as Json;
      for (const [k, v] of Object.entries(theirs)) {
        expect(row, k).toHaveProperty(k);
        expect(Array.isArray(row[k]) ? 'array' : typeof row[k], k).toBe(Array.isArray(v) ? 'array' : typeof v);
      }
      await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'sell', ordType: 'market', sz: '0.03', reduceOnly: true });
      ws.close();
    });
  });

  it('honours reject-next-order, delay-fill, duplicate-fill and fill-after-cancel', async () => {
    const { ws, frames } = await privateSocket([{ channel: 'orders', instType: 'ANY' }]);
    server.inject('reject-next-order');
    const refused = await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'limit', px: '29000', sz: '0.001' });
    expect(refused.json).toMatchObject({ code: '1', data: [{ sCode: '51008' }] });

    server.inject('duplicate-fill');
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', clOrdId: 'dupfill', side: 'buy', ordType: 'market', tgtCcy: 'base_ccy', sz: '0.001' });
    await until('two fill pushes', () => orders(frames).filter((o) => o.clOrdId === 'dupfill' && o.tradeId !== '').length === 2);
    const [a, b] = orders(frames).filter((o) => o.clOrdId === 'dupfill' && o.tradeId !== '');
    expect(a).toEqual(b);

    server.inject('delay-fill');
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', clOrdId: 'late1', side: 'sell', ordType: 'market', sz: '0.001' });
    await sleep(100);
    expect(orders(frames).filter((o) => o.clOrdId === 'late1' && o.tradeId !== '')).toEqual([]);
    clock.advance(1000);
    await until('delayed fill', () => orders(frames).some((o) => o.clOrdId === 'late1' && o.state === 'filled'));

    server.inject('fill-after-cancel');
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', clOrdId: 'fac1', side: 'buy', ordType: 'limit', px: '29000', sz: '0.001' });
    await call('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT', clOrdId: 'fac1' });
    await until('fill after cancel', () => orders(frames).filter((o) => o.clOrdId === 'fac1').length === 3);
    const fac = orders(frames).filter((o) => o.clOrdId === 'fac1');
    expect(fac.map((o) => o.state)).toEqual(['live', 'canceled', 'partially_filled']);
    expect(fac[2]).toMatchObject({ fillSz: '0.00000001', fillPx: '29000' });
    const rest = await call('GET', '/api/v5/trade/order?clOrdId=fac1&instId=BTC-USDT');
    expect(rest.json.data[0]).toMatchObject({ state: 'canceled', accFillSz: '0' });
    ws.close();
  });

  it('amends an order (newPx, newSz) with the orders-channel confirmation, and refuses amends with 51500 / 51503 / 51509 / 51510', async () => {
    const { ws, frames } = await privateSocket([{ channel: 'orders', instType: 'SWAP' }]);
    const amend = (body: Json) => call('POST', '/api/v5/trade/amend-order', body);
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', clOrdId: 'am1', side: 'buy', ordType: 'limit', px: '29000', sz: '2' });
    const ok = await amend({ instId: 'BTC-USDT-SWAP', clOrdId: 'am1', newSz: '3', newPx: '29500.5', reqId: 'r1' });
    expect(ok.json).toMatchObject({ code: '0', data: [{ clOrdId: 'am1', reqId: 'r1', sCode: '0' }] });
    await until('amend push', () => orders(frames).some((o) => o.clOrdId === 'am1' && o.amendResult === '0'));
    expect(orders(frames).filter((o) => o.clOrdId === 'am1').at(-1)).toMatchObject({ state: 'live', px: '29500.5', sz: '3', amendResult: '0', amendSource: '1' });
    const got = await call('GET', '/api/v5/trade/order?clOrdId=am1&instId=BTC-USDT-SWAP');
    expect(got.json.data[0]).toMatchObject({ px: '29500.5', sz: '3', state: 'live' });

    expect((await amend({ instId: 'BTC-USDT-SWAP', clOrdId: 'am1' })).json).toMatchObject({ code: '1', data: [{ sCode: '51500' }] });
    expect((await amend({ instId: 'BTC-USDT-SWAP', ordId: '987654321', newPx: '1' })).json.data[0].sCode).toBe('51503');
    await call('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT-SWAP', clOrdId: 'am1' });
    expect((await amend({ instId: 'BTC-USDT-SWAP', clOrdId: 'am1', newPx: '29400' })).json.data[0].sCode).toBe('51509');

    // An amend that crosses takes: the amend's confirmation comes before the fill it caused.
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', clOrdId: 'am2', side: 'buy', ordType: 'limit', px: '29000', sz: '1' });
    await amend({ instId: 'BTC-USDT-SWAP', clOrdId: 'am2', newPx: '30000.0' });
    await until('amend fill', () => orders(frames).some((o) => o.clOrdId === 'am2' && o.state === 'filled'));
    expect(orders(frames).filter((o) => o.clOrdId === 'am2').map((o) => [o.state, o.amendResult])).toEqual([['live', ''], ['live', '0'], ['filled', '']]);
    expect((await amend({ instId: 'BTC-USDT-SWAP', clOrdId: 'am2', newPx: '29000' })).json.data[0].sCode).toBe('51510');
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'sell', ordType: 'market', sz: '1', reduceOnly: true });
    ws.close();
  });

  it("lists an order's fills on /api/v5/trade/fills (newest first, OKX's fee sign) and pages pending orders by `after`", async () => {
    const { ws, frames } = await privateSocket([{ channel: 'orders', instType: 'ANY' }]);
    const placed = await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', clOrdId: 'fl1', side: 'buy', ordType: 'market', sz: '6' });
    const ordId = placed.json.data[0].ordId as string;
    await until('fill pushes', () => orders(frames).filter((o) => o.clOrdId === 'fl1' && o.tradeId !== '').length === 2);
    const fills = await call('GET', `/api/v5/trade/fills?instType=SWAP&instId=BTC-USDT-SWAP&ordId=${ordId}`);
    expect(fills.json.code).toBe('0');
    expect(fills.json.data.map((f: Json) => [f.fillPx, f.fillSz, f.execType, f.clOrdId])).toEqual([['30000.3', '2', 'T', 'fl1'], ['30000', '4', 'T', 'fl1']]);
    expect(fills.json.data[1]).toMatchObject({ ordId, instType: 'SWAP', side: 'buy', posSide: 'net', feeCcy: 'USDT', fee: '-0.6' });
    const pushed = orders(frames).filter((o) => o.clOrdId === 'fl1' && o.tradeId !== '').map((o) => o.tradeId);
    expect(fills.json.data.map((f: Json) => f.tradeId).reverse()).toEqual(pushed);
    expect((await call('GET', '/api/v5/trade/fills?instType=SPOT&ordId=' + ordId)).json.data).toEqual([]);
    await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'sell', ordType: 'market', sz: '6', reduceOnly: true });

    for (const id of ['pg1', 'pg2', 'pg3']) await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', clOrdId: id, side: 'buy', ordType: 'limit', px: '20000', sz: '0.001' });
    const page1 = await call('GET', '/api/v5/trade/orders-pending?instId=BTC-USDT&limit=2');
    expect(page1.json.data.map((o: Json) => o.clOrdId)).toEqual(['pg3', 'pg2']);
    const page2 = await call('GET', `/api/v5/trade/orders-pending?instId=BTC-USDT&limit=2&after=${page1.json.data[1].ordId}`);
    expect(page2.json.data.map((o: Json) => o.clOrdId)).toEqual(['pg1']);
    expect((await call('GET', '/api/v5/trade/orders-pending?limit=101')).json.code).toBe('51000');
    for (const id of ['pg1', 'pg2', 'pg3']) await call('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT', clOrdId: id });
    ws.close();
  });

  it('spends a quote-sized SPOT market buy (tgtCcy quote_ccy, the default) down the asks', async () => {
    const placed = await call('POST', '/api/v5/trade/order', { instId: 'BTC-USDT', tdMode: 'cash', side: 'buy', ordType: 'market', sz: '300' });
    const got = await call('GET', `/api/v5/trade/order?ordId=${placed.json.data[0].ordId}&instId=BTC-USDT`);
    expect(got.json.data[0]).toMatchObject({ sz: '300', tgtCcy: 'quote_ccy', accFillSz: '0.01', state: 'filled' });
  });
});
