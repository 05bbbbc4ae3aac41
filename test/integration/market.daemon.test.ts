/**
 * The daemon with market data: a simulated Bybit on 127.0.0.1 reached through the real adapter;
 * GET /api/symbol shows the live book as decimal strings, health lists the connector, its actor is
 * inspectable, book status changes reach the event log, and an outage past `downAfterMs` sends
 * the portfolio to risk_off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { tempDir } from '../helpers.ts';
import { eventually } from './daemon.process.ts';
import { BookWalk, VENUE_CASES } from '../market/venueHarness.ts';

const tmp = tempDir('fleet-market-');
let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.close();
  tmp.cleanup();
});

describe('the daemon with a venue', () => {
  it('serves the live book, the connector health and actor, and takes risk off after an outage', async () => {
    const { specs, server: make } = VENUE_CASES['bybit-linear'];
    const server = await make(specs).listen();
    const walk = new BookWalk(specs[0]!, 7);
    server.publish('BTCUSDT', walk.initial());
    const base = defaultConfig();
    daemon = await startDaemon({
      config: {
        ...base,
        // dry: the venue's URL is used as configured (sim mode would point it at the in-process simulator)
        mode: 'dry',
        venues: { 'bybit-linear': { enabled: true, wsUrl: server.wsUrl, restUrl: server.restUrl, symbols: ['BTCUSDT'] } },
        market: { ...base.market, downAfterMs: 1000, reconnect: { initialMs: 50, maxMs: 200 } },
      },
      overrides: { port: 0 },
      dataDir: tmp.dir,
      logger: silentLogger(),
      env: {},
    });
    const url = daemon.url;
    const get = async (path: string) => (await fetch(url + path)).json() as Promise<Record<string, any>>;

    const health = await eventually(async () => {
      const h = await get('/api/health');
      return h.connectors?.[0]?.state === 'live' ? h : undefined;
    }, 'connector live');
    expect(health.connectors[0]).toMatchObject({ venue: 'bybit-linear', state: 'live', instruments: 1 });
    expect(health.market.books).toMatchObject({ synced: 1 });

    for (let i = 0; i < 20; i++) {
      const { change, trades } = walk.next(server.now());
      server.publish('BTCUSDT', change, trades);
    }
    const sym = await eventually(async () => {
      const s = await get(`/api/symbol/${encodeURIComponent('bybit-linear:BTCUSDT')}?depth=5`);
      const top = server.book('BTCUSDT').bids.top(1)[0]!;
      return s.book?.status === 'synced' && Number(s.book.bids[0][0]) === Number(top[0]) ? s : undefined;
    }, 'book on the API');
    expect(sym.book.bids).toHaveLength(5);
    expect(sym.book.asks).toHaveLength(5);
    expect(typeof sym.book.bids[0][0]).toBe('string');
    expect(sym.book.bids[0][0]).toMatch(/^\d+\.\d$/);
    expect(Number(sym.book.bids[0][0])).toBeLessThan(Number(sym.book.asks[0][0]));
    expect(Object.keys(sym.candles)).toEqual(['1s', '3s', '5s', '15s']);

    const missing = await fetch(`${url}/api/symbol/${encodeURIComponent('bybit-linear:NOPE')}`);
    expect(missing.status).toBe(404);
    expect((await fetch(`${url}/api/symbol/x?depth=abc`)).status).toBe(400);

    const actor = await get(`/api/actors/${encodeURIComponent('connector:bybit-linear')}`);
    expect(actor).toMatchObject({ kind: 'connector', state: 'live' });
    expect(JSON.stringify(actor.chart)).toContain('backoff');

    server.inject('gap');
    for (let i = 0; i < 5; i++) {
      const { change } = walk.next(server.now());
      server.publish('BTCUSDT', change);
    }
    await eventually(async () => {
      const ev = (await get('/api/events/recent?type=book.resyncing')) as unknown as unknown[];
      return ev.length > 0;
    }, 'resync in the event log');

    await server.close();
    await eventually(async () => (await get('/api/actors')).find?.((a: { id: string }) => a.id === 'portfolio')?.state === 'risk_off', 'risk_off', 6000);
    const down = (await get('/api/events/recent?type=connector.down')) as unknown as { actor: string }[];
    expect(down[0]?.actor).toBe('connector:bybit-linear');
    expect((await get('/api/health')).status).toBe('degraded');
  });
});
