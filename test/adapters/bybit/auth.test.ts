/**
 * Bybit v5 signing. Bybit's docs give the prehash layout and example inputs (docs/v5/guide:
 * timestamp 1658384314791, api key "XXXXXXXXXX", recv_window 5000, query
 * "category=option&symbol=BTC-29JUL22-25000-C") but publish no secret or digest, so these vectors
 * are derived: the docs' inputs with the secret "YYYYYYYYYY", digests computed independently with
 * `openssl dgst -sha256 -hmac`. Then one round trip each (REST GET, REST POST, WS auth) through
 * the simulated venue's own checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bybitWsAuth, signBybitRequest } from '../../../src/adapters/bybit/auth.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import { createBybitPrivateSide } from '../../../src/sim/private/bybit.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBybitLinearSimServer } from '../../../src/sim/venues/bybit.ts';

const DOC = { apiKey: 'XXXXXXXXXX', apiSecret: 'YYYYYYYYYY' };
const DOC_TS = 1658384314791;

describe('bybit signing: vectors derived from the documented prehash', () => {
  it('GET signs timestamp + key + recvWindow + query', () => {
    const h = signBybitRequest(DOC, { method: 'GET', query: 'category=option&symbol=BTC-29JUL22-25000-C', timestamp: DOC_TS, recvWindow: 5000 });
    expect(h).toEqual({
      'X-BAPI-API-KEY': 'XXXXXXXXXX',
      'X-BAPI-TIMESTAMP': '1658384314791',
      'X-BAPI-RECV-WINDOW': '5000',
      'X-BAPI-SIGN': '37813c67fafb3017e92354eb88f218e7e52a98f9f5eb74cfcf0b21f17edb143b',
    });
  });

  it('POST signs the JSON body as sent; GET ignores a body', () => {
    const body = '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.001","price":"50000","orderLinkId":"fl-test-1"}';
    expect(signBybitRequest(DOC, { method: 'POST', body, timestamp: DOC_TS })['X-BAPI-SIGN']).toBe('31d289b9682d28db63eb2e1a3ccf4230f370bffc068eacb0a02969dace680aec');
  });

  it('WS auth signs "GET/realtime" + expires', () => {
    expect(bybitWsAuth(DOC, 1662350400000)).toEqual({ op: 'auth', args: ['XXXXXXXXXX', 1662350400000, '9c4c0629fddfee26ca0da50a7fed51968fce6935d34b02e772d3bd0c34327bd1'] });
  });
});

describe('bybit signing: accepted by the simulated venue', () => {
  const KEY = { apiKey: 'fleet-bybit-key', apiSecret: 'fleet-bybit-secret-0123' };
  const SPECS: InstrumentSpec[] = [{ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minNotional: '5' }];
  let server: SimVenueServer;

  beforeAll(async () => {
    server = createBybitLinearSimServer(SPECS);
    const engine = createMatchingEngine({ venue: 'bybit-linear', instruments: SPECS, fees: { maker: 0.0002, taker: 0.00055 }, now: () => server.now(), leverage: 10 });
    server.exchange = engine;
    server.privateSide = createBybitPrivateSide(engine, { ...KEY, account: 'fleet' }, { fees: { maker: 0.0002, taker: 0.00055 }, clock: new ManualClock(0) });
    await server.listen();
    engine.deposit('fleet', 'USDT', '10000');
    server.publish('BTCUSDT', { bids: [['49999.9', '2']], asks: [['50000.0', '2']] }, []);
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET with a signed query', async () => {
    const query = 'accountType=UNIFIED';
    const headers = signBybitRequest(KEY, { method: 'GET', query, timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/v5/account/wallet-balance?${query}`, { headers });
    const json = (await res.json()) as { retCode: number; result: { list: { accountType: string }[] } };
    expect(json.retCode).toBe(0);
    expect(json.result.list[0]?.accountType).toBe('UNIFIED');
  });

  it('POST with a signed JSON body', async () => {
    const body = JSON.stringify({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '49000.0', orderLinkId: 'fleet-auth-1' });
    const headers = signBybitRequest(KEY, { method: 'POST', body, timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/v5/order/create`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
    const json = (await res.json()) as { retCode: number; retMsg: string; result: { orderLinkId?: string } };
    expect(json.retMsg).toBe('OK');
    expect(json.result.orderLinkId).toBe('fleet-auth-1');
  });

  it('a wrong secret is refused with 10004 (the check is real)', async () => {
    const headers = signBybitRequest({ ...KEY, apiSecret: 'wrong' }, { method: 'GET', query: 'accountType=UNIFIED', timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/v5/account/wallet-balance?accountType=UNIFIED`, { headers });
    expect(((await res.json()) as { retCode: number }).retCode).toBe(10004);
  });

  it('private WS auth succeeds', async () => {
    const ws = new WebSocket(`${server.wsUrl}/v5/private`);
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const reply = new Promise<{ op: string; success: boolean }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws.send(JSON.stringify(bybitWsAuth(KEY, server.now() + 10_000)));
    expect(await reply).toMatchObject({ op: 'auth', success: true });
    ws.close();
  });
});
