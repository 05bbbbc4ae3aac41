/**
 * The contract every venue's public side must meet, run against each simulated venue over real
 * sockets on 127.0.0.1 through the real adapter, connector chart and market service: books rebuild
 * exactly, a gap resyncs without a restart, a dropped connection reconnects with backoff, a quiet
 * book goes stale, an outage past its limit takes risk off, and a planned reconnect never leaves
 * a book untrusted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VENUE_IDS } from '../../src/config/schema.ts';
import { bybitLinearAdapter } from '../../src/adapters/bybit/index.ts';
import { eventually } from '../integration/daemon.process.ts';
import { compareTop, startHarness, type Harness } from './venueHarness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const synced = (x: Harness) => x.walks.every((w) => x.service.market.view(`${x.venue}:${w.spec.symbol}`)?.book.status === 'synced');

async function matches(x: Harness, what: string): Promise<void> {
  await eventually(async () => synced(x) && x.walks.every((w) => {
    const { venue, ours } = compareTop(x, w.spec.symbol);
    return JSON.stringify(venue) === JSON.stringify(ours);
  }), what, 8000);
}

describe.each(VENUE_IDS)('%s public contract', (venue) => {
  it('connects, goes live and rebuilds every book exactly, with trades on the tape', async () => {
    h = await startHarness(venue);
    const x = h;
    await eventually(async () => x.host.state(`connector:${venue}`) === 'live', 'connector live');
    x.publish(40);
    await matches(x, 'books equal to the venue');
    const id = `${venue}:${x.walks[0]!.spec.symbol}`;
    await eventually(async () => (x.service.market.view(id)?.trades.length ?? 0) > 0, 'trades on the tape');
    const health = x.service.health()[0]!;
    expect(health.state).toBe('live');
    expect(health.lastMessageAgeMs).not.toBeNull();
  });

  it('resyncs a book after an injected gap, without reconnecting', async () => {
    h = await startHarness(venue);
    const x = h;
    await eventually(async () => x.host.state(`connector:${venue}`) === 'live' && synced(x), 'live');
    x.publish(5);
    const conns = x.server.connections.size;
    x.server.inject(venue === 'hyperliquid' ? 'drop' : 'gap');
    x.publish(10);
    if (venue !== 'hyperliquid') await eventually(async () => x.events.some((e) => e.type === 'book.resyncing'), 'a resync logged');
    x.publish(10);
    await matches(x, 'books equal again after the resync');
    expect(x.server.connections.size).toBe(conns);
    expect(x.events.filter((e) => e.type === 'connector.disconnected')).toHaveLength(0);
  });

  it('reconnects with backoff after the venue drops the connection and resyncs', async () => {
    h = await startHarness(venue);
    const x = h;
    await eventually(async () => x.host.state(`connector:${venue}`) === 'live' && synced(x), 'live');
    x.server.inject('disconnect');
    await eventually(async () => x.events.some((e) => e.type === 'connector.disconnected'), 'disconnect seen');
    await eventually(async () => x.host.state(`connector:${venue}`) === 'live', 'live again');
    x.publish(20);
    await matches(x, 'books equal after the reconnect');
    expect(x.events.some((e) => e.type === 'connector.live')).toBe(true);
  });

  it('counts malformed frames, reports them once per burst, and keeps the book right', async () => {
    h = await startHarness(venue);
    const x = h;
    await eventually(async () => x.host.state(`connector:${venue}`) === 'live' && synced(x), 'live');
    for (const c of x.server.connections) for (let i = 0; i < 20; i++) {
      c.send('{"not json');
      c.send('{"unexpected":"shape"}');
      c.send('[1,2,3]');
    }
    x.publish(20);
    await matches(x, 'books still equal');
    const problems = x.service.health()[0]!.problems;
    expect(problems['malformed-json']).toBe(20 * x.server.connections.size);
    expect(Object.values(problems).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60 * x.server.connections.size);
    const reports = x.events.filter((e) => e.type === 'market.bad-input');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.length).toBeLessThanOrEqual(4);
  });

  it('marks a quiet book stale and trusts it again on the next good message', async () => {
    h = await startHarness(venue, (c) => ({ ...c, venues: { [venue]: { ...c.venues[venue]!, staleAfterMs: 300 } } }));
    const x = h;
    await eventually(async () => x.host.state(`connector:${venue}`) === 'live' && synced(x), 'live');
    x.server.silent = true;
    await eventually(async () => x.events.some((e) => e.type === 'book.stale'), 'stale logged');
    const id = `${venue}:${x.walks[0]!.spec.symbol}`;
    expect(x.service.market.tradableBook(id)).toBeUndefined();
    x.server.silent = false;
    x.publish(5);
    await eventually(async () => x.service.market.tradableBook(id) !== undefined, 'tradable again');
  });
});

describe('connector outage and planned reconnect', () => {
  it('spreads a universe over several connections and reconnects only the one that failed', async () => {
    const perInstrument = bybitLinearAdapter.topics({ symbol: 'BTCUSDT' } as never, 50).length;
    const narrow = { ...bybitLinearAdapter, limits: { ...bybitLinearAdapter.limits, maxTopicsPerConnection: perInstrument } };
    h = await startHarness('bybit-linear', (c) => c, narrow);
    const x = h;
    await eventually(async () => x.host.state('connector:bybit-linear') === 'live' && synced(x), 'live');
    const conns = x.service.connectors.get('bybit-linear')!.connections();
    expect(conns).toHaveLength(2);
    expect(x.server.connections.size).toBe(2);
    const [victim, survivor] = conns as [(typeof conns)[0], (typeof conns)[0]];
    const victimInst = [...victim.books.keys()][0]!;
    const survivorInst = [...survivor.books.keys()][0]!;
    const statuses: string[] = [];
    const sub = x.service.market.status$.subscribe((s) => statuses.push(`${s.instrument}:${s.to}`));
    const serverSide = [...x.server.connections].find((c) => c.topics.has(`orderbook.50.${victimInst.split(':')[1]}`))!;
    serverSide.ws.terminate();
    await eventually(async () => x.host.state('connector:bybit-linear') === 'live' && synced(x) && statuses.includes(`${victimInst}:synced`), 'reconnected');
    sub.unsubscribe();
    expect(statuses).toContain(`${victimInst}:resyncing`);
    expect(statuses.some((s) => s.startsWith(`${survivorInst}:`))).toBe(false);
    expect(x.service.connectors.get('bybit-linear')!.connections()).toContain(survivor);
    x.publish(10);
    await matches(x, 'both books equal after the partial reconnect');
  });

  it('survives a socket closed in the middle of a frame', async () => {
    h = await startHarness('okx');
    const x = h;
    await eventually(async () => x.host.state('connector:okx') === 'live' && synced(x), 'live');
    for (const c of x.server.connections) {
      const socket = (c.ws as unknown as { _socket: import('node:net').Socket })._socket;
      // a text frame header announcing 256 bytes, then only a few of them, then the socket dies
      socket.write(Buffer.from([0x81, 0x7e, 0x01, 0x00, 0x7b, 0x22, 0x61]));
      socket.destroy();
    }
    await eventually(async () => x.events.some((e) => e.type === 'connector.disconnected'), 'disconnect seen');
    await eventually(async () => x.host.state('connector:okx') === 'live' && synced(x), 'live again');
    x.publish(10);
    await matches(x, 'books equal after the torn frame');
    expect(x.service.health()[0]!.problems['malformed-json'] ?? 0).toBe(0);
  });

  it('goes down after the configured outage and asks for risk off once', async () => {
    h = await startHarness('bybit-linear');
    const x = h;
    await eventually(async () => x.host.state('connector:bybit-linear') === 'live', 'live');
    await x.server.close();
    await eventually(async () => x.host.state('connector:bybit-linear') === 'down', 'down', 5000);
    expect(x.escalations).toHaveLength(1);
    expect(x.escalations[0]).toMatch(/connector:bybit-linear down/);
    expect(x.events.some((e) => e.type === 'connector.down')).toBe(true);
  });

  it.each(['binance-usdm', 'okx'] as const)('%s: replaces a connection before its lifetime ends without an untrusted book', async (venue) => {
    h = await startHarness(venue, (c) => ({ ...c, market: { ...c.market, connectionLifetimeMs: 1500 } }));
    const x = h;
    await eventually(async () => x.host.state(`connector:${venue}`) === 'live' && synced(x), 'live');
    const first = x.service.connectors.get(venue)!.connections()[0]!.id;
    let untrusted = 0;
    const sub = x.service.market.status$.subscribe((s) => {
      if (s.to !== 'synced') untrusted++;
    });
    const timer = setInterval(() => x.publish(1), 50);
    try {
      await eventually(async () => x.events.some((e) => e.type === 'connector.rotated'), 'rotation', 8000);
    } finally {
      clearInterval(timer);
      sub.unsubscribe();
    }
    expect(x.service.connectors.get(venue)!.connections()[0]!.id).not.toBe(first);
    expect(untrusted).toBe(0);
    expect(x.host.state(`connector:${venue}`)).toBe('live');
    x.publish(5);
    await matches(x, 'books equal after the rotation');
  });
});
