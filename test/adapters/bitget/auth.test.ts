/**
 * Bitget v2 signing. The docs ("Signature", HMAC) give the prehash layout and example inputs
 * (timestamp 1659927638003, GET with "?" + queryString, POST place-order body with clientOid
 * "channel#123456") but no secret or digest, so these vectors are derived: the docs' inputs with the
 * secret "bg-doc-secret", digests computed independently with `openssl dgst -sha256 -hmac … -binary
 * | base64`. Then one round trip each (REST GET, REST POST, WS login) through the simulated venue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { bitgetWsLogin, signBitgetRequest } from '../../../src/adapters/bitget/auth.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import { createBitgetPrivateSide } from '../../../src/sim/private/bitget.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBitgetSimServer } from '../../../src/sim/venues/bitget.ts';

const DOC = { apiKey: 'doc-key', apiSecret: 'bg-doc-secret', passphrase: 'doc-pass' };
const DOC_TS = 1659927638003;

describe('bitget signing: vectors derived from the documented prehash', () => {
  it('GET signs timestamp + GET + requestPath + ?query', () => {
    const h = signBitgetRequest(DOC, { method: 'GET', requestPath: '/api/v2/mix/market/orderbook', query: 'symbol=BTCUSDT&productType=usdt-futures&limit=20', timestamp: DOC_TS });
    expect(h).toEqual({
      'ACCESS-KEY': 'doc-key',
      'ACCESS-SIGN': 'p+IkymRrc4QcUOZpoJB+0a+vbojibTwMtEbGP0x+OKo=',
      'ACCESS-TIMESTAMP': '1659927638003',
      'ACCESS-PASSPHRASE': 'doc-pass',
    });
  });

  it('POST signs the JSON body as sent', () => {
    const body = '{"productType":"usdt-futures","symbol":"BTCUSDT","size":"8","marginMode":"crossed","side":"buy","orderType":"limit","clientOid":"channel#123456"}';
    expect(signBitgetRequest(DOC, { method: 'POST', requestPath: '/api/v2/mix/order/place-order', body, timestamp: DOC_TS })['ACCESS-SIGN']).toBe('WvQWqsTrUGHwAK2/LnHA2z+PUBYZn88UaZN24YQH+CI=');
  });

  it('WS login signs timestamp + GET + /user/verify', () => {
    expect(bitgetWsLogin(DOC, 1538054050).args[0].sign).toBe('BDbvflMs+EtL108MIIq2CKRquNNgV3nDLUmiMf3r2oM=');
  });
});

describe('bitget signing: accepted by the simulated venue', () => {
  const KEY = { apiKey: 'fleet-bg-key', apiSecret: 'fleet-bg-secret', passphrase: 'fleet-pass' };
  const SPECS: InstrumentSpec[] = [{ venue: 'bitget', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minQty: '0.001', minNotional: '5' }];
  let server: SimVenueServer;

  beforeAll(async () => {
    server = createBitgetSimServer(SPECS);
    const engine = createMatchingEngine({ venue: 'bitget', instruments: SPECS, fees: { maker: 0.0002, taker: 0.0006 }, now: () => server.now() });
    server.exchange = engine;
    server.privateSide = createBitgetPrivateSide(engine, { ...KEY, account: 'fleet' }, { clock: new ManualClock(0) });
    await server.listen();
    engine.deposit('fleet', 'USDT', '10000');
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET with a signed ?query', async () => {
    const query = 'productType=USDT-FUTURES';
    const headers = signBitgetRequest(KEY, { method: 'GET', requestPath: '/api/v2/mix/account/accounts', query, timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/api/v2/mix/account/accounts?${query}`, { headers });
    const json = (await res.json()) as { code: string; data: { marginCoin: string }[] };
    expect(json.code).toBe('00000');
    expect(json.data[0]?.marginCoin).toBe('USDT');
  });

  it('POST with a signed JSON body', async () => {
    const body = JSON.stringify({ symbol: 'BTCUSDT', productType: 'USDT-FUTURES', marginMode: 'crossed', marginCoin: 'USDT', size: '0.001', price: '40000', side: 'buy', orderType: 'limit', force: 'gtc', clientOid: 'fleet-auth-1' });
    const headers = signBitgetRequest(KEY, { method: 'POST', requestPath: '/api/v2/mix/order/place-order', body, timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/api/v2/mix/order/place-order`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
    const json = (await res.json()) as { code: string; msg: string; data: { clientOid: string } };
    expect(json.code).toBe('00000');
    expect(json.data.clientOid).toBe('fleet-auth-1');
  });

  it('a wrong secret is refused (the check is real)', async () => {
    const headers = signBitgetRequest({ ...KEY, apiSecret: 'wrong' }, { method: 'GET', requestPath: '/api/v2/mix/account/accounts', query: 'productType=USDT-FUTURES', timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/api/v2/mix/account/accounts?productType=USDT-FUTURES`, { headers });
    expect(((await res.json()) as { code: string }).code).toBe('40009');
  });

  it('private WS login succeeds', async () => {
    const ws = new WebSocket(`${server.wsUrl}/v2/ws/private`);
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const reply = new Promise<{ event: string; code: number | string }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws.send(JSON.stringify(bitgetWsLogin(KEY, Math.floor(server.now() / 1000))));
    expect(await reply).toMatchObject({ event: 'login' });
    expect(String((await reply).code)).toBe('0');
    ws.close();
  });
});
