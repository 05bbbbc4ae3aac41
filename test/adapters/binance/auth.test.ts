/**
 * Binance signing against the documented vectors, then one round trip per market through the
 * simulated venue's own SIGNED checks.
 *
 * Vectors: the spot REST docs, "SIGNED Endpoint Examples for POST /api/v3/order" (HMAC), key
 * vmPUZE6m…Eh8A / secret NhqPtmdS…Tj0j, timestamp 1499827319559:
 *   example 1 (all in the query)      → c8db5682…bd6b71
 *   example 3 (query + body mixed)    → 0fd168b8…2f9a77 (no `&` between query and body)
 * The USD-M futures docs print the same two digests under `symbol=BTCUSDT` text; those strings hash
 * differently (the pages copied the spot digests), so the spot pages' LTCBTC text is the vector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binanceSignature, signBinanceRequest, signBinanceWsParams } from '../../../src/adapters/binance/auth.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import type { InstrumentSpec } from '../../../src/model/instrument.ts';
import { createMatchingEngine } from '../../../src/sim/matching/engine.ts';
import { createBinanceUsdmPrivateSide } from '../../../src/sim/private/binance.ts';
import type { SimVenueServer } from '../../../src/sim/protocolServer.ts';
import { createBinanceUsdmSimServer } from '../../../src/sim/venues/binance.ts';

const DOC_KEY = { apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A', apiSecret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j' };
const DOC_TS = 1499827319559;
const SIG_QUERY = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
const SIG_MIXED = '0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77';
const ORDER = { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' } as const;

describe('binance signing: documented vectors', () => {
  it('signs the docs total params (example 1 and 3 strings)', () => {
    expect(binanceSignature(DOC_KEY.apiSecret, 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559')).toBe(SIG_QUERY);
    expect(binanceSignature(DOC_KEY.apiSecret, 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559')).toBe(SIG_MIXED);
  });

  it('example 1: every parameter in the query string', () => {
    const r = signBinanceRequest(DOC_KEY, { query: { ...ORDER, quantity: 1, price: 0.1 }, timestamp: DOC_TS, recvWindow: 5000 });
    expect(r.signature).toBe(SIG_QUERY);
    expect(r.query).toBe(`symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=${SIG_QUERY}`);
    expect(r.body).toBe('');
    expect(r.headers).toEqual({ 'X-MBX-APIKEY': DOC_KEY.apiKey });
  });

  it('example 2: every parameter in the body signs the same string', () => {
    const r = signBinanceRequest(DOC_KEY, { body: { ...ORDER, quantity: 1, price: 0.1 }, timestamp: DOC_TS, recvWindow: 5000 });
    expect(r.signature).toBe(SIG_QUERY);
    expect(r.query).toBe('');
    expect(r.body.endsWith(`&timestamp=1499827319559&signature=${SIG_QUERY}`)).toBe(true);
  });

  it('example 3: query and body mixed, concatenated without `&`', () => {
    const r = signBinanceRequest(DOC_KEY, { query: ORDER, body: [['quantity', '1'], ['price', '0.1']], timestamp: DOC_TS, recvWindow: 5000 });
    expect(r.query).toBe('symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC');
    expect(r.body).toBe(`quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=${SIG_MIXED}`);
  });

  it('WebSocket API: signs the sorted params without the signature', () => {
    const p = signBinanceWsParams(DOC_KEY, { symbol: 'LTCBTC', side: 'BUY' }, DOC_TS);
    const payload = `apiKey=${DOC_KEY.apiKey}&side=BUY&symbol=LTCBTC&timestamp=${DOC_TS}`;
    expect(p.signature).toBe(binanceSignature(DOC_KEY.apiSecret, payload));
  });
});

describe('binance signing: accepted by the simulated USD-M venue', () => {
  const KEY = { apiKey: 'fleet-binance-key', apiSecret: 'fleet-binance-secret-0123456789' };
  const SPECS: InstrumentSpec[] = [{ venue: 'binance-usdm', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001', minNotional: '100' }];
  let server: SimVenueServer;

  beforeAll(async () => {
    server = createBinanceUsdmSimServer(SPECS);
    const engine = createMatchingEngine({ venue: 'binance-usdm', instruments: SPECS, fees: { maker: 0.0002, taker: 0.0005 }, now: () => server.now(), leverage: 10 });
    server.exchange = engine;
    server.privateSide = createBinanceUsdmPrivateSide(engine, { ...KEY, account: 'fleet' }, { fees: { maker: 0.0002, taker: 0.0005 }, clock: new ManualClock(0) });
    await server.listen();
    engine.deposit('fleet', 'USDT', '10000');
  });
  afterAll(async () => {
    await server.close();
  });

  it('GET with a signed query', async () => {
    const r = signBinanceRequest(KEY, { query: {}, timestamp: server.now(), recvWindow: 5000 });
    const res = await fetch(`${server.restUrl}/fapi/v2/balance?${r.query}`, { headers: r.headers });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { asset: string; balance: string }[];
    expect(body.find((b) => b.asset === 'USDT')?.balance).toMatch(/^10000/);
  });

  it('POST with the query/body split of example 3', async () => {
    const r = signBinanceRequest(KEY, {
      query: { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' },
      body: { quantity: '0.002', price: '50000.0', newClientOrderId: 'fleet-auth-1' },
      timestamp: server.now(),
    });
    const res = await fetch(`${server.restUrl}/fapi/v1/order?${r.query}`, {
      method: 'POST',
      headers: { ...r.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: r.body,
    });
    const json = (await res.json()) as { clientOrderId?: string; code?: number };
    expect(json.code).toBeUndefined();
    expect(res.status).toBe(200);
    expect(json.clientOrderId).toBe('fleet-auth-1');
  });

  it('a wrong secret is refused with -1022 (the check is real)', async () => {
    const r = signBinanceRequest({ ...KEY, apiSecret: 'wrong' }, { query: {}, timestamp: server.now() });
    const res = await fetch(`${server.restUrl}/fapi/v2/balance?${r.query}`, { headers: r.headers });
    expect(((await res.json()) as { code: number }).code).toBe(-1022);
  });

});
