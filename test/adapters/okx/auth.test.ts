/**
 * OKX v5 signing. The docs ("REST Authentication: Signature") give the prehash layout and example
 * inputs: timestamp 2020-12-08T09:08:57.715Z, SecretKey 22582BD0CFF14C41EDBF1AB98506286D,
 * requestPath /api/v5/account/balance?ccy=BTC, body {"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"},
 * and the WS login example timestamp 1538054050, but no expected digest; these vectors are derived
 * from those inputs with `openssl dgst -sha256 -hmac … -binary | base64`. Then one round trip each
 * (REST GET, REST POST, WS login) through the simulated venue's own checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { okxTimestamp, okxWsLogin, signOkxRequest } from '../../../src/adapters/okx/auth.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import { createOkxPrivateSide } from '../../../src/sim/private/okx.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createOkxSimServer } from '../../../src/sim/venues/okx.ts';

const DOC = { apiKey: 'doc-key', apiSecret: '22582BD0CFF14C41EDBF1AB98506286D', passphrase: 'doc-pass' };
const DOC_TS = '2020-12-08T09:08:57.715Z';

describe('okx signing: vectors derived from the documented prehash', () => {
  it('formats epoch milliseconds as ISO 8601 with milliseconds', () => {
    expect(okxTimestamp(Date.parse(DOC_TS))).toBe(DOC_TS);
  });

  it('GET signs timestamp + GET + requestPath?query', () => {
    const h = signOkxRequest(DOC, { method: 'GET', requestPath: '/api/v5/account/balance', query: 'ccy=BTC', timestamp: Date.parse(DOC_TS) });
    expect(h).toEqual({
      'OK-ACCESS-KEY': 'doc-key',
      'OK-ACCESS-SIGN': 'HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=',
      'OK-ACCESS-TIMESTAMP': DOC_TS,
      'OK-ACCESS-PASSPHRASE': 'doc-pass',
    });
  });

  it('POST signs the JSON body as sent', () => {
    const body = '{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}';
    expect(signOkxRequest(DOC, { method: 'POST', requestPath: '/api/v5/account/set-leverage', body, timestamp: DOC_TS })['OK-ACCESS-SIGN']).toBe('eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8=');
  });

  it('WS login signs timestamp + GET + /users/self/verify', () => {
    expect(okxWsLogin(DOC, 1538054050)).toEqual({
      op: 'login',
      args: [{ apiKey: 'doc-key', passphrase: 'doc-pass', timestamp: '1538054050', sign: '+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=' }],
    });
  });
});

describe('okx signing: accepted by the simulated venue', () => {
  const KEY = { apiKey: 'fleet-okx-key', apiSecret: 'fleet-okx-secret', passphrase: 'fleet-pass' };
  const SPECS: InstrumentSpec[] = [{ venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.01', minQty: '0.01', contractSize: '0.01' }];
  let server: SimVenueServer;

  beforeAll(async () => {
    server = createOkxSimServer(SPECS);
    const engine = createMatchingEngine({ venue: 'okx', instruments: SPECS, fees: { maker: 0.0002, taker: 0.0005 }, now: () => server.now() });
    server.exchange = engine;
    server.privateSide = createOkxPrivateSide(engine, { ...KEY, account: 'fleet' }, { clock: new ManualClock(0) });
    await server.listen();
    engine.deposit('fleet', 'USDT', '10000');
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET with a signed requestPath?query', async () => {
    const headers = signOkxRequest(KEY, { method: 'GET', requestPath: '/api/v5/account/balance', query: 'ccy=USDT', timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/api/v5/account/balance?ccy=USDT`, { headers });
    const json = (await res.json()) as { code: string; data: unknown[] };
    expect(json.code).toBe('0');
    expect(json.data).toHaveLength(1);
  });

  it('POST with a signed JSON body', async () => {
    const body = JSON.stringify({ instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'limit', sz: '1', px: '40000', clOrdId: 'fleetauth1' });
    const headers = signOkxRequest(KEY, { method: 'POST', requestPath: '/api/v5/trade/order', body, timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/api/v5/trade/order`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
    const json = (await res.json()) as { code: string; msg: string; data: { clOrdId: string; sCode: string }[] };
    expect(json.code).toBe('0');
    expect(json.data[0]).toMatchObject({ clOrdId: 'fleetauth1', sCode: '0' });
  });

  it('a wrong secret is refused with 50113 (the check is real)', async () => {
    const headers = signOkxRequest({ ...KEY, apiSecret: 'wrong' }, { method: 'GET', requestPath: '/api/v5/account/balance', timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/api/v5/account/balance`, { headers });
    expect(((await res.json()) as { code: string }).code).toBe('50113');
  });

  it('private WS login succeeds', async () => {
    const ws = new WebSocket(`${server.wsUrl}/ws/v5/private`);
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    const reply = new Promise<{ event: string; code: string }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws.send(JSON.stringify(okxWsLogin(KEY, Math.floor(server.now() / 1000))));
    expect(await reply).toMatchObject({ event: 'login', code: '0' });
    ws.close();
  });
});
