/**
 * The simulated venues as a third party sees them: a stock `ws` client and plain `fetch`, sending
 * each venue's documented subscribe messages (written here from the venues' docs, not taken from
 * our adapters). The frames parse with the daemon's adapters and obey the venue's book rules; and
 * two runs with the same seed and scenario give byte-identical frame streams.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../src/core/clock.ts';
import type { VenueId } from '../../src/config/schema.ts';
import { PUBLIC_ADAPTERS } from '../../src/adapters/registry.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { BookSync } from '../../src/market/bookSync.ts';
import { SimCluster } from '../../src/sim/cluster.ts';

/** Each venue's documented subscribe message for BTC's book and trades, and the REST snapshot where the venue's book rule needs one. */
const STOCK: Record<VenueId, { symbol: string; path: string; subscribe: string[]; snapshot?: string }> = {
  'binance-usdm': {
    symbol: 'BTCUSDT',
    path: '/stream',
    subscribe: ['{"method":"SUBSCRIBE","params":["btcusdt@depth@100ms","btcusdt@aggTrade"],"id":1}'],
    snapshot: '/fapi/v1/depth?symbol=BTCUSDT&limit=1000',
  },
  'binance-spot': {
    symbol: 'BTCUSDT',
    path: '/stream',
    subscribe: ['{"method":"SUBSCRIBE","params":["btcusdt@depth@100ms","btcusdt@trade"],"id":1}'],
    snapshot: '/api/v3/depth?symbol=BTCUSDT&limit=1000',
  },
  'bybit-linear': { symbol: 'BTCUSDT', path: '/v5/public/linear', subscribe: ['{"op":"subscribe","args":["orderbook.50.BTCUSDT","publicTrade.BTCUSDT"]}'] },
  okx: {
    symbol: 'BTC-USDT-SWAP',
    path: '/ws/v5/public',
    subscribe: ['{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT-SWAP"},{"channel":"trades","instId":"BTC-USDT-SWAP"}]}'],
  },
  bitget: {
    symbol: 'BTCUSDT',
    path: '/v2/ws/public',
    subscribe: ['{"op":"subscribe","args":[{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"},{"instType":"USDT-FUTURES","channel":"trade","instId":"BTCUSDT"}]}'],
  },
  hyperliquid: {
    symbol: 'BTC',
    path: '/ws',
    subscribe: ['{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}', '{"method":"subscribe","subscription":{"type":"trades","coin":"BTC"}}'],
  },
};

const clusters: SimCluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()));
});

async function cluster(seed: number, scenario: 'calm' | 'pump-dump' = 'calm'): Promise<SimCluster> {
  const c = new SimCluster({ seed, scenario, clock: new ManualClock(0), startTime: 1_767_225_600_000 });
  clusters.push(c);
  return c.listen();
}

/** Opens a stock client on a venue and collects every frame it receives. */
async function stockClient(c: SimCluster, venue: VenueId): Promise<{ frames: string[]; ws: WebSocket }> {
  const server = c.servers.get(venue)!;
  const ws = new WebSocket(server.wsUrl + STOCK[venue].path);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(String(d)));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  for (const m of STOCK[venue].subscribe) ws.send(m);
  await settle(() => frames.length >= STOCK[venue].subscribe.length);
  return { frames, ws };
}

async function settle(done: () => boolean, ms = 3000): Promise<void> {
  const end = performance.now() + ms;
  while (!done() && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
}

describe('simulated venues through a stock client', () => {
  it.each(Object.keys(STOCK) as VenueId[])('%s: documented subscribe messages get frames the adapter parses and whose book obeys the venue rules', async (venue) => {
    const c = await cluster(7);
    const { frames, ws } = await stockClient(c, venue);
    for (let i = 0; i < 20; i++) c.step();
    await settle(() => false, 200);
    // Binance's documented procedure: buffer the stream, fetch the snapshot, apply it at its place.
    const restUrl = STOCK[venue].snapshot ? c.servers.get(venue)!.restUrl + STOCK[venue].snapshot : undefined;
    const snapshotBody = restUrl ? await (await fetch(restUrl)).text() : undefined;
    const snapshotAt = frames.length;
    for (let i = 0; i < 40; i++) c.step();
    await settle(() => false, 300);
    ws.close();
    const spec = c.instruments(venue).find((s) => s.symbol === STOCK[venue].symbol)!;
    expect(spec).toBeDefined();
    const inst = makeInstrument(spec);
    const adapter = PUBLIC_ADAPTERS[venue];
    const sync = new BookSync(inst.id, adapter.syncRule);
    const lookup = (s: string) => (s === inst.symbol ? inst : undefined);
    const outcomes: string[] = [];
    let trades = 0;
    const feed = (text: string): void => {
      const out = adapter.parse(text, 0, lookup);
      expect(out.ok, `${venue} frame did not parse: ${text.slice(0, 200)}`).toBe(true);
      if (!out.ok) return;
      for (const ev of out.events) {
        if (ev.kind === 'book.snapshot' || ev.kind === 'book.delta') outcomes.push(sync.apply(ev));
        if (ev.kind === 'trade') trades++;
      }
    };
    frames.slice(0, snapshotAt).forEach(feed);
    if (restUrl) {
      const snap = adapter.parseRecordedSnapshot!(restUrl, snapshotBody!, 0, lookup);
      expect(snap).toBeDefined();
      outcomes.push(sync.apply(snap!));
    }
    frames.slice(snapshotAt).forEach(feed);
    expect(outcomes).not.toContain('resync');
    expect(sync.status).toBe('synced');
    expect(sync.counters.applied).toBeGreaterThan(20);
    expect(trades).toBeGreaterThan(0);
    const top = c.servers.get(venue)!.book(inst.symbol);
    expect(inst.price.toText(sync.book.bids.best())).toBe(inst.price.toText(inst.price.toInt(top.bids.top(1)[0]![0])));
  });
});

describe('determinism', () => {
  async function run(seed: number, scenario: 'calm' | 'pump-dump'): Promise<string[]> {
    const c = await cluster(seed, scenario);
    const clients = await Promise.all((Object.keys(STOCK) as VenueId[]).map((v) => stockClient(c, v)));
    for (let i = 0; i < 80; i++) c.step();
    await settle(() => false, 400);
    for (const cl of clients) cl.ws.close();
    return clients.map((cl) => cl.frames.join("\n"));
  }

  it('the same seed and scenario give byte-identical frames on every venue; another seed does not', async () => {
    const a = await run(42, 'pump-dump');
    const b = await run(42, 'pump-dump');
    expect(a.map((s) => s.length).every((n) => n > 1000)).toBe(true);
    expect(b).toEqual(a);
    const other = await run(43, 'pump-dump');
    expect(other).not.toEqual(a);
  });
});

describe('trading on a simulated venue with the printed credentials', () => {
  it('a stock signed Bybit v5 request places a market order that fills against the simulated book', async () => {
    const { createHmac } = await import('node:crypto');
    const c = await cluster(9);
    for (let i = 0; i < 5; i++) c.step();
    const server = c.servers.get('bybit-linear')!;
    const { apiKey, apiSecret } = c.credentials.get('bybit-linear')!;
    const call = async (method: 'GET' | 'POST', path: string, params: Record<string, string>) => {
      const ts = String(c.generator.time);
      const recv = '5000';
      const payload = method === 'GET' ? new URLSearchParams(params).toString() : JSON.stringify(params);
      const sign = createHmac('sha256', apiSecret).update(ts + apiKey + recv + payload).digest('hex');
      const headers = { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': recv, 'X-BAPI-SIGN': sign, 'content-type': 'application/json' };
      const url = server.restUrl + path + (method === 'GET' ? `?${payload}` : '');
      const res = await fetch(url, { method, headers, ...(method === 'POST' ? { body: payload } : {}) });
      return (await res.json()) as { retCode: number; retMsg: string; result: any };
    };
    const before = await call('GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' });
    expect(before.retCode).toBe(0);
    const placed = await call('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.010', orderLinkId: 'fleet-test-1' });
    expect(placed.retCode, placed.retMsg).toBe(0);
    const order = await call('GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'fleet-test-1' });
    expect(order.result.list[0]).toMatchObject({ orderStatus: 'Filled', cumExecQty: '0.010' });
    const position = await call('GET', '/v5/position/list', { category: 'linear', symbol: 'BTCUSDT' });
    expect(position.result.list[0]).toMatchObject({ side: 'Buy' });
    expect(Number(position.result.list[0].size)).toBe(0.01);
    // a wrong signature gets Bybit's own error
    const bad = await fetch(server.restUrl + '/v5/position/list?category=linear&symbol=BTCUSDT', {
      headers: { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': String(c.generator.time), 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': '0'.repeat(64) },
    });
    expect(((await bad.json()) as { retCode: number }).retCode).toBe(10004);
  });
});

describe('latency', () => {
  it('delays every REST answer by the configured latency', async () => {
    const c = new SimCluster({ seed: 1, scenario: 'calm', clock: new ManualClock(0), startTime: 1_767_225_600_000, latencyMs: 250, venues: ['bybit-linear'] });
    clusters.push(c);
    await c.listen();
    const t0 = performance.now();
    const res = await fetch(`${c.servers.get('bybit-linear')!.restUrl}/v5/market/instruments-info?category=linear`);
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
  });
});
