/**
 * The trading modes end to end, as a trader uses them. A SimCluster started here plays "the real
 * venues" (Bybit linear and OKX swaps on 127.0.0.1); the daemon runs in-process with its venues
 * config pointed at it, never in sim mode:
 *
 * - DRY trades on paper against the live book (the venue's own engine sees nothing of ours);
 * - POST /api/mode needs the token, refuses SIGNAL while anything is open, and SIGNAL denies orders;
 * - a switched mode survives a restart, and the command line's mode wins over it;
 * - LIVE needs FLEET_LIVE_PIN, the PIN and a confirmation that expires; a LIVE order reaches the
 *   venue's private server; a daemon restarted in LIVE is not armed until re-armed;
 * - starting LIVE without keys fails with CONFIG_INVALID and leaves the data dir usable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import type { FleetConfig, Mode, VenueId } from '../../src/config/schema.ts';
import { SystemClock, type Clock, type TimerHandle } from '../../src/core/clock.ts';
import { ErrorCodes, FleetError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { OrderIntent } from '../../src/execution/orderManager.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { SimCluster } from '../../src/sim/cluster.ts';
import { tempDir } from '../helpers.ts';
import { eventually } from './daemon.process.ts';

const PIN = '7319-modes';
const BYBIT = 'bybit-linear:BTCUSDT';
const OKX = 'okx:BTC-USDT-SWAP';

/** The wall clock, except that the cluster's stepping timer can be held (a still market). */
class HoldableClock extends SystemClock {
  held = false;
  override setInterval(fn: () => void, ms: number): TimerHandle {
    return super.setInterval(() => {
      if (!this.held) fn();
    }, ms);
  }
}

/** The wall clock moved forward by `skewMs` (a confirmation outliving its 60 s without waiting). */
class SkewedClock extends SystemClock {
  skewMs = 0;
  override now(): number {
    return super.now() + this.skewMs;
  }
}

const tmp = tempDir('fleet-modes-');
const clusterClock = new HoldableClock();
const cluster = new SimCluster({ seed: 23, scenario: 'calm', clock: clusterClock, venues: ['bybit-linear', 'okx'] });
const running = new Set<Daemon>();

beforeAll(async () => {
  await cluster.listen();
  cluster.run();
});
afterAll(async () => {
  await Promise.all([...running].map((d) => d.close()));
  await cluster.close();
  tmp.cleanup();
});

/** The two venues pointed at the cluster, with its account's keys or none. */
function venues(keys: boolean | 'okx-without-passphrase'): FleetConfig['venues'] {
  const venue = (id: VenueId, symbol: string) => {
    const e = cluster.endpoints().find((x) => x.venue === id)!;
    const c = e.credentials;
    const withPassphrase = keys === true && c.passphrase ? { passphrase: c.passphrase } : {};
    return {
      enabled: true,
      symbols: [symbol],
      wsUrl: e.wsUrl,
      restUrl: e.restUrl,
      privateWsUrl: e.wsUrl,
      ...(keys ? { key: c.apiKey, secret: c.apiSecret, ...withPassphrase } : {}),
    };
  };
  return { 'bybit-linear': venue('bybit-linear', 'BTCUSDT'), okx: venue('okx', 'BTC-USDT-SWAP') };
}

interface BootOptions {
  readonly mode?: Mode;
  readonly keys?: boolean | 'okx-without-passphrase';
  readonly pin?: boolean;
  readonly override?: Mode;
  readonly clock?: Clock;
}

function config(o: BootOptions): FleetConfig {
  const base = defaultConfig();
  return {
    ...base,
    mode: o.mode ?? 'dry',
    venues: venues(o.keys ?? false),
    execution: { ...base.execution, reconcileIntervalMs: 500, reconcileGraceMs: 300, paperLatencyMs: 0 },
  };
}

async function boot(dir: string, o: BootOptions = {}) {
  const d = await startDaemon({
    config: config(o),
    overrides: { port: 0, ...(o.override ? { mode: o.override } : {}) },
    dataDir: dir,
    logger: silentLogger(),
    env: o.pin ? { FLEET_LIVE_PIN: PIN } : {},
    ...(o.clock ? { clock: o.clock } : {}),
  });
  running.add(d);
  const token = readFileSync(join(dir, 'api-token'), 'utf8').trim();
  const post = (path: string, body: unknown = {}, auth: string | null = token) =>
    fetch(d.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth === null ? {} : { authorization: `Bearer ${auth}` }) },
      body: JSON.stringify(body),
    });
  const get = async (path: string): Promise<any> => (await fetch(d.url + path)).json();
  const close = async () => {
    running.delete(d);
    await d.close();
  };
  return { d, ex: d.execution!, post, get, close };
}
type Booted = Awaited<ReturnType<typeof boot>>;

/** Waits until both books are synced and both venues reconciled (nothing trades before). */
async function ready(b: Booted): Promise<void> {
  await eventually(async () => (b.d.market!.market.tradableBook(BYBIT) && b.d.market!.market.tradableBook(OKX) ? true : undefined), 'books synced', 15_000);
  await eventually(async () => {
    const integrity = (await b.get('/api/integrity')) as { state: string }[];
    return integrity.length === 2 && integrity.every((i) => i.state === 'ok');
  }, 'both venues reconciled', 15_000);
}

/** Waits until the daemon's trading connection of every venue started, paper or not as expected. */
async function tradingStarted(b: Booted, paper: boolean): Promise<void> {
  await eventually(async () => {
    const events = (await b.get('/api/events/recent?type=trading.started&limit=20')) as { data: { venue: string; paper: boolean } }[];
    const latest = new Map<string, boolean>();
    for (const e of [...events].reverse()) latest.set(e.data.venue, e.data.paper);
    return latest.get('bybit-linear') === paper && latest.get('okx') === paper;
  }, `trading connections started (paper ${paper})`, 15_000);
}

/**
 * Waits for the venue's HTTP answer to a LIVE order (its stream may report the order first). A
 * request still in flight when the daemon closes is taken for a rejection, although the venue has
 * the order (reported: the order manager should leave it to the query after a restart).
 */
async function answered(b: Booted, clientOrderId: string): Promise<void> {
  const path = `/api/events/recent?actor=${encodeURIComponent(`order:${clientOrderId}`)}&type=order.ack`;
  await eventually(async () => ((await b.get(path)) as unknown[]).length === 1, `venue answer to ${clientOrderId}`);
}

/** Asserts an answer's status, showing its body when it differs. */
async function expectStatus(res: Response, status: number): Promise<any> {
  const text = await res.text();
  expect(`${res.status} ${text}`).toMatch(new RegExp(`^${status} `));
  return text ? JSON.parse(text) : undefined;
}

const order = (intentId: string, extra: Partial<OrderIntent> = {}): OrderIntent => ({
  strategy: 'modes-test',
  intentId,
  leg: 'a',
  instrument: BYBIT,
  side: 'buy',
  type: 'market',
  qty: '0.001',
  ...extra,
});

/** The simulated Bybit's matching engine and the simulated account's name. */
const bybitVenue = () => ({ engine: cluster.servers.get('bybit-linear')!.exchange!, account: cluster.credentials.get('bybit-linear')!.account });

/** A limit price 10 % under the daemon's best bid (rests, never fills). */
function farBid(d: Daemon): string {
  const inst = d.market!.market.registry.get(BYBIT)!;
  return inst.price.toText(Math.round(d.market!.market.tradableBook(BYBIT)!.book.bids.best() * 0.9));
}

async function confirmLive(b: Booted): Promise<string> {
  const body = (await expectStatus(await b.post('/api/mode', { mode: 'live', pin: PIN }), 200)) as { confirm?: string; mode: Mode };
  expect(body.confirm).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  return body.confirm!;
}

describe('modes end to end against simulated real venues', () => {
  const dryDir = join(tmp.dir, 'dry');
  const liveDir = join(tmp.dir, 'live');
  let dry: Booted;

  it('DRY trades on paper at the live book; the venue sees nothing; summary and active trades show it', async () => {
    dry = await boot(dryDir);
    await ready(dry);
    await tradingStarted(dry, true);

    // Hold the market still so the fill can be compared with the book exactly.
    clusterClock.held = true;
    try {
      const venueBook = cluster.servers.get('bybit-linear')!.book('BTCUSDT');
      const [venueAsk, venueAskQty] = venueBook.asks.top(1)[0]!;
      const [venueBid] = venueBook.bids.top(1)[0]!;
      expect(Number(venueAskQty)).toBeGreaterThanOrEqual(0.001);
      const inst = dry.d.market!.market.registry.get(BYBIT)!;
      await eventually(async () => {
        const book = dry.d.market!.market.tradableBook(BYBIT)!.book;
        return Number(inst.price.toText(book.asks.best())) === Number(venueAsk) && Number(inst.price.toText(book.bids.best())) === Number(venueBid);
      }, 'the daemon book caught up with the venue');

      const buy = await dry.ex.submit(order('dry-1'));
      expect(buy.status).not.toBe('DENIED');
      await eventually(async () => dry.ex.orders.status(buy.clientOrderId) === 'FILLED', 'paper buy filled');
      // The order's average price is in ticks.
      expect(Number(inst.price.toText(Number(dry.ex.orders.context(buy.clientOrderId)!.avgPrice)))).toBe(Number(venueAsk));

      // Paper only: the simulated venue's engine has never heard of this order.
      const { engine, account } = bybitVenue();
      expect(engine.order(account, 'BTCUSDT', { clientOrderId: buy.clientOrderId })).toBeUndefined();
      expect(engine.openOrders(account)).toEqual([]);
      expect(engine.positions(account).filter((p) => Number(p.qty) !== 0)).toEqual([]);

      const active = (await dry.get('/api/trades/active')) as { positions: { instrument: string; side: string; qty: string; entry: string; unrealizedPnl: string }[] };
      expect(active.positions).toHaveLength(1);
      const pos = active.positions[0]!;
      expect(pos).toMatchObject({ instrument: BYBIT, side: 'long' });
      expect(Number(pos.qty)).toBe(0.001);
      expect(Number(pos.entry)).toBe(Number(venueAsk));
      // Marked at the mid of a still book: half the spread lost on the way in.
      const mid = (Number(venueAsk) + Number(venueBid)) / 2;
      expect(Number(pos.unrealizedPnl)).toBeCloseTo((mid - Number(venueAsk)) * 0.001, 8);

      const summary = await dry.get('/api/summary');
      expect(summary).toMatchObject({ mode: 'dry', armed: true, positions: 1, portfolio: { state: 'normal' } });
      const p = summary.portfolio as Record<string, string | number>;
      for (const k of ['equity', 'realizedPnl', 'unrealizedPnl', 'dailyPnl']) expect(String(p[k])).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(p.unrealizedPnl)).toBeCloseTo(Number(pos.unrealizedPnl), 8);
      expect(Number(p.equity)).toBeGreaterThan(0);
    } finally {
      clusterClock.held = false;
    }
  }, 40_000);

  it('POST /api/mode needs the token; SIGNAL waits until nothing is open; SIGNAL denies orders', async () => {
    expect((await dry.post('/api/mode', { mode: 'signal' }, null)).status).toBe(401);
    expect((await dry.post('/api/mode', { mode: 'signal' }, 'not-the-token')).status).toBe(403);

    expect((await expectStatus(await dry.post('/api/mode', { mode: 'signal' }), 409)).message).toMatch(/^close or flatten first: 0 open orders, 1 positions/);

    // The kill switch flattens; after the reset trading is possible again.
    expect((await dry.post('/api/kill-switch', { reason: 'modes test' })).status).toBe(200);
    await eventually(async () => dry.ex.positions().length === 0, 'flat after the kill switch');
    expect((await dry.post('/api/kill-switch/reset', { confirm: 'RESET' })).status).toBe(200);
    expect((await dry.get('/api/summary')).portfolio.state).toBe('normal');
    const resting = await dry.ex.submit(order('dry-2', { type: 'limit', price: farBid(dry.d) }));
    expect(resting).toEqual({ clientOrderId: resting.clientOrderId, status: 'ACCEPTED' });

    // An open order blocks the switch as a position does.
    expect((await expectStatus(await dry.post('/api/mode', { mode: 'signal' }), 409)).message).toMatch(/^close or flatten first: 1 open orders, 0 positions/);
    expect((await dry.post(`/api/orders/${resting.clientOrderId}/cancel`)).status).toBe(200);
    await eventually(async () => dry.ex.orders.status(resting.clientOrderId) === 'CANCELED', 'resting order canceled');

    expect(await expectStatus(await dry.post('/api/mode', { mode: 'signal' }), 200)).toMatchObject({ mode: 'signal', previous: 'dry' });
    expect((await dry.get('/api/summary')).mode).toBe('signal');
    const denied = await dry.ex.submit(order('signal-1'));
    expect(denied).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^mode: mode signal places no orders/) });
  }, 30_000);

  it('the switched mode survives a restart; the command line mode wins', async () => {
    await dry.close();
    dry = await boot(dryDir);
    expect((await dry.get('/api/summary')).mode).toBe('signal');
    expect((await dry.get('/api/health')).mode).toBe('signal');
    expect(await dry.ex.submit(order('signal-2'))).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^mode: /) });
    await dry.close();

    dry = await boot(dryDir, { override: 'dry' });
    expect((await dry.get('/api/summary')).mode).toBe('dry');
    // No FLEET_LIVE_PIN in this daemon's environment: LIVE is out of reach, PIN or not.
    expect((await expectStatus(await dry.post('/api/mode', { mode: 'live', pin: PIN }), 403)).message).toMatch(/FLEET_LIVE_PIN/);
    await dry.close();
  }, 30_000);

  it('a LIVE confirmation expires after 60 s', async () => {
    const clock = new SkewedClock();
    const b = await boot(join(tmp.dir, 'expiry'), { keys: true, pin: true, clock });
    const confirm = await confirmLive(b);
    clock.skewMs = 60_001;
    expect((await expectStatus(await b.post('/api/mode', { mode: 'live', pin: PIN, confirm }), 409)).message).toMatch(/expired/);
    expect((await b.get('/api/summary')).mode).toBe('dry');
    await b.close();
  }, 20_000);

  it('LIVE takes the PIN and a confirmation; a LIVE order reaches the venue', async () => {
    const b = await boot(liveDir, { keys: true, pin: true });
    await ready(b);
    await tradingStarted(b, true);
    expect((await b.post('/api/mode', { mode: 'live' })).status).toBe(403);
    expect((await expectStatus(await b.post('/api/mode', { mode: 'live', pin: 'wrong' }), 403)).message).toBe('wrong or missing PIN');
    const confirm = await confirmLive(b);
    expect((await b.get('/api/summary')).mode).toBe('dry');
    expect((await expectStatus(await b.post('/api/mode', { mode: 'live', pin: PIN, confirm: 'forged-confirmation' }), 403)).message).toBe('wrong confirmation token');
    expect(await expectStatus(await b.post('/api/mode', { mode: 'live', pin: PIN, confirm }), 200)).toMatchObject({ mode: 'live', armed: true, previous: 'dry' });
    expect(await b.get('/api/summary')).toMatchObject({ mode: 'live', armed: true });

    await tradingStarted(b, false);
    await ready(b);
    const { engine, account } = bybitVenue();
    const buy = await b.ex.submit(order('live-1'));
    expect(buy.status).not.toBe('DENIED');
    await eventually(async () => b.ex.orders.status(buy.clientOrderId) === 'FILLED', 'live buy filled');
    expect(engine.order(account, 'BTCUSDT', { clientOrderId: buy.clientOrderId })).toMatchObject({ clientOrderId: buy.clientOrderId });
    expect(engine.positions(account).find((p) => p.symbol === 'BTCUSDT')).toMatchObject({ qty: expect.stringMatching(/^0\.0010*$/) });
    await answered(b, buy.clientOrderId);
    await b.close();
  }, 40_000);

  it('a daemon restarted in LIVE is not armed: orders are denied until re-armed with PIN and confirmation', async () => {
    const b = await boot(liveDir, { keys: true, pin: true });
    expect(await b.get('/api/summary')).toMatchObject({ mode: 'live', armed: false });
    await ready(b);
    const denied = await b.ex.submit(order('live-2'));
    expect(denied).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^mode: live mode is not armed/) });

    // The position left open before the restart does not stand in the way of re-arming.
    expect(b.ex.positions().map((p) => p.instrument)).toEqual([BYBIT]);
    const confirm = await confirmLive(b);
    expect(await expectStatus(await b.post('/api/mode', { mode: 'live', pin: PIN, confirm }), 200)).toMatchObject({ mode: 'live', armed: true });
    expect((await b.get('/api/summary')).armed).toBe(true);

    const { engine, account } = bybitVenue();
    const resting = await b.ex.submit(order('live-3', { type: 'limit', price: farBid(b.d) }));
    expect(resting).toMatchObject({ status: 'ACCEPTED' });
    expect(engine.openOrders(account).map((o) => o.clientOrderId)).toContain(resting.clientOrderId);
    await answered(b, resting.clientOrderId);
    await b.close();
  }, 40_000);

  it('the kill switch of a daemon restarted in LIVE and not re-armed still cancels and flattens', async () => {
    const { engine, account } = bybitVenue();
    expect(engine.openOrders(account)).toHaveLength(1);
    expect(engine.positions(account).some((p) => Number(p.qty) !== 0)).toBe(true);
    const c = await boot(liveDir, { keys: true, pin: true });
    expect((await c.get('/api/summary')).armed).toBe(false);
    await ready(c);
    expect((await c.post('/api/kill-switch', { reason: 'unarmed kill' })).status).toBe(200);
    await eventually(async () => engine.openOrders(account).length === 0, 'resting order canceled at the venue');
    await eventually(async () => engine.positions(account).every((p) => Number(p.qty) === 0), 'flat at the venue');
    await eventually(async () => c.ex.positions().length === 0, 'flat in the ledger');
    await c.close();
  }, 40_000);

  it('starting LIVE with a venue lacking keys fails with CONFIG_INVALID and leaves the data dir usable', async () => {
    const dir = join(tmp.dir, 'nokeys');
    const failed = await boot(dir, { keys: 'okx-without-passphrase', pin: true, override: 'live' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(FleetError);
    expect((failed as FleetError).code).toBe(ErrorCodes.CONFIG_INVALID);
    expect((failed as FleetError).message).toMatch(/okx \(passphrase\)/);
    expect((failed as FleetError).message).not.toMatch(/bybit-linear/);

    const again = await boot(dir, { keys: 'okx-without-passphrase', pin: true });
    expect((await again.get('/api/summary')).mode).toBe('dry');
    await again.close();
  }, 20_000);
});
