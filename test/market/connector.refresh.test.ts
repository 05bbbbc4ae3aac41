/**
 * VenueConnector.refreshInstruments against simulated venues over real sockets: a symbol listed
 * while running is subscribed on the open connection (or on a new one when the connections are
 * full) and its book syncs; a delisted symbol is unsubscribed and forgotten; an explicit symbol
 * list follows no new listing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetConfig, VenueId } from '../../src/config/schema.ts';
import { bybitLinearAdapter } from '../../src/adapters/bybit/index.ts';
import { eventually } from '../integration/daemon.process.ts';
import { BookWalk, compareTop, startHarness, type Harness } from './venueHarness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const whole = (venue: VenueId) => (c: FleetConfig): FleetConfig => ({ ...c, venues: { [venue]: { ...c.venues[venue]!, symbols: [] } } });

async function live(x: Harness): Promise<void> {
  await eventually(async () => x.host.state(`connector:${x.venue}`) === 'live' && x.walks.every((w) => x.service.market.view(`${x.venue}:${w.spec.symbol}`)?.book.status === 'synced'), 'live and synced', 8000);
}

/** Lists SOLUSDT on the venue with a book, and returns its walk. */
function listSol(x: Harness): BookWalk {
  const spec = { ...x.walks[0]!.spec, symbol: 'SOLUSDT', base: 'SOL' };
  x.server.list(spec);
  const walk = new BookWalk(spec, 77);
  x.server.publish(spec.symbol, walk.initial());
  return walk;
}

describe.each(['bybit-linear', 'binance-usdm'] as const)('%s instrument refresh', (venue) => {
  it('subscribes a new listing on the open connection and forgets a delisted symbol', async () => {
    h = await startHarness(venue, whole(venue));
    const x = h;
    await live(x);
    const conns = x.server.connections.size;
    const sol = listSol(x);
    expect(x.server.delist('ETHUSDT')).toBe(true);

    const r = await x.service.refreshInstruments(venue);
    expect(r.added.map((i) => i.id)).toEqual([`${venue}:SOLUSDT`]);
    expect(r.removed.map((i) => i.id)).toEqual([`${venue}:ETHUSDT`]);
    expect(x.events.find((e) => e.type === 'connector.instruments')!.data).toMatchObject({ venue, added: [`${venue}:SOLUSDT`], removed: [{ instrument: `${venue}:ETHUSDT`, status: 'unlisted' }] });

    // The new book syncs through the venue's own method and follows the venue exactly.
    for (let i = 0; i < 30; i++) {
      const { change, trades } = sol.next(x.server.now());
      x.server.publish('SOLUSDT', change, trades);
    }
    await eventually(async () => {
      const { venue: theirs, ours } = compareTop(x, 'SOLUSDT');
      return x.service.market.view(`${venue}:SOLUSDT`)?.book.status === 'synced' && JSON.stringify(theirs) === JSON.stringify(ours);
    }, 'SOLUSDT synced and equal to the venue', 8000);
    expect(x.server.connections.size).toBe(conns);
    // ETH is unsubscribed at the venue and gone from the market data.
    await eventually(async () => ![...x.server.connections].some((c) => [...c.topics].some((t) => t.toUpperCase().includes('ETHUSDT'))), 'ETHUSDT unsubscribed');
    expect(x.service.market.feeds.has(`${venue}:ETHUSDT`)).toBe(false);
    expect(x.service.connectors.get(venue)!.instruments.map((i) => i.symbol).sort()).toEqual(['BTCUSDT', 'SOLUSDT']);
    expect(x.host.state(`connector:${venue}`)).toBe('live');

    // Nothing changed since: a second refresh is a no-op.
    expect(await x.service.refreshInstruments(venue)).toEqual({ added: [], removed: [] });
  });

  it('follows no new listing when the config lists its symbols', async () => {
    h = await startHarness(venue);
    const x = h;
    await live(x);
    listSol(x);
    const r = await x.service.refreshInstruments(venue);
    expect(r).toEqual({ added: [], removed: [] });
    expect(x.service.market.feeds.has(`${venue}:SOLUSDT`)).toBe(false);
  });
});

describe('instrument refresh over the topic limit', () => {
  it('opens another connection when the open ones are full, and it syncs', async () => {
    // Three topics per instrument (book, trades, ticker): two instruments fill a connection of six.
    const adapter = { ...bybitLinearAdapter, limits: { ...bybitLinearAdapter.limits, maxTopicsPerConnection: 6 } };
    h = await startHarness('bybit-linear', whole('bybit-linear'), adapter);
    const x = h;
    await live(x);
    expect(x.server.connections.size).toBe(1);
    const sol = listSol(x);
    await x.service.refreshInstruments('bybit-linear');
    await eventually(async () => x.server.connections.size === 2, 'a second connection');
    for (let i = 0; i < 20; i++) {
      const { change, trades } = sol.next(x.server.now());
      x.server.publish('SOLUSDT', change, trades);
    }
    await eventually(async () => x.service.market.view('bybit-linear:SOLUSDT')?.book.status === 'synced', 'SOLUSDT synced on the new connection', 8000);
    const carrying = [...x.server.connections].filter((c) => [...c.topics].some((t) => t.endsWith('.SOLUSDT')));
    expect(carrying).toHaveLength(1);
    expect([...carrying[0]!.topics].every((t) => t.endsWith('.SOLUSDT'))).toBe(true);
    expect(x.host.state('connector:bybit-linear')).toBe('live');
  });
});
