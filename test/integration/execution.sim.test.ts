/**
 * Execution end to end in SIM: the real private adapters against the simulated venues' private
 * servers (Bybit, Binance USD-M) and the paper engine (Hyperliquid). Orders go through the
 * pre-trade checks and the durable order actors; the kill switch cancels every open order and
 * flattens every position; reconciliation catches an order placed behind the daemon's back.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import type { VenueId } from '../../src/config/schema.ts';
import { tempDir } from '../helpers.ts';
import { eventually } from './daemon.process.ts';

const tmp = tempDir('fleet-exec-');
const daemons: Daemon[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.close()));
  tmp.cleanup();
});

async function boot(dir: string, startingBalance?: number, risk: Partial<ReturnType<typeof defaultConfig>['risk']> = {}) {
  const base = defaultConfig();
  const d = await startDaemon({
    config: {
      ...base,
      venues: {
        'bybit-linear': { enabled: true, symbols: ['BTCUSDT', 'ETHUSDT'] },
        'binance-usdm': { enabled: true, symbols: ['BTCUSDT'] },
        hyperliquid: { enabled: true, symbols: ['BTC'] },
      },
      execution: { ...base.execution, reconcileIntervalMs: 500, reconcileGraceMs: 300 },
      sim: { ...base.sim, ...(startingBalance !== undefined ? { startingBalance } : {}) },
      risk: { ...base.risk, ...risk },
      // These tests count orders and positions of their own: no arbitrage trading beside them.
      arbitrage: { ...base.arbitrage, enabled: false },
    },
    overrides: { port: 0 },
    dataDir: dir,
    logger: silentLogger(),
    env: {},
    debugFaults: true,
    sim: { seed: 11, scenario: 'calm' },
  });
  daemons.push(d);
  const token = readFileSync(resolve(dir, 'api-token'), 'utf8').trim();
  const post = (path: string, body: unknown = {}) =>
    fetch(d.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = async (path: string) => (await fetch(d.url + path)).json();
  /** Every venue's integrity is `ok` (a predicate for eventually). */
  const reconciled = async () => {
    const integrity = (await get('/api/integrity')) as { venue: VenueId; state: string }[];
    return integrity.length === 3 && integrity.every((i) => i.state === 'ok') ? integrity : undefined;
  };
  /** Waits until every venue is reconciled and these books are synced: the daemon can trade them. */
  const trading = async (...instruments: string[]) => {
    await eventually(reconciled, 'every venue reconciled', 20_000);
    await eventually(async () => instruments.every((id) => d.market!.market.tradableBook(id)), `${instruments.join(', ')} synced`, 15_000);
  };
  return { d, post, get, reconciled, trading };
}

const bestOf = (d: Daemon, id: string) => {
  const sync = d.market!.market.tradableBook(id)!;
  const inst = d.market!.market.registry.get(id)!;
  return { bid: inst.price.toText(sync.book.bids.best()), ask: inst.price.toText(sync.book.asks.best()), inst };
};

describe('execution in sim mode', () => {
  it('trades through the checks, and the kill switch cancels every order and flattens every position', async () => {
    const { d, post, get, trading } = await boot(resolve(tmp.dir, 'kill'));
    const ex = d.execution!;
    await trading('bybit-linear:BTCUSDT', 'hyperliquid:BTC');

    // A market buy on Bybit (a position), a resting limit far from the market on Binance, and a paper buy on Hyperliquid.
    const buy = await ex.submit({ strategy: 'test', intentId: 'k1', leg: 'a', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    expect(buy.status).not.toBe('DENIED');
    await eventually(async () => (ex.orders.status(buy.clientOrderId) === 'FILLED' ? true : undefined), 'market buy filled', 10_000);
    const b = bestOf(d, 'binance-usdm:BTCUSDT');
    const far = b.inst.price.toText(Math.round(b.inst.price.toInt(b.bid) * 0.9));
    const rest = await ex.submit({ strategy: 'test', intentId: 'k1', leg: 'b', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'limit', qty: '0.010', price: far });
    expect(rest.status).toBe('ACCEPTED');
    const paper = await ex.submit({ strategy: 'test', intentId: 'k1', leg: 'c', instrument: 'hyperliquid:BTC', side: 'buy', type: 'market', qty: '0.01' });
    expect(paper.reason ?? paper.status).toMatch(/^(SUBMITTED|ACCEPTED|PARTIALLY_FILLED|FILLED)$/);
    await eventually(async () => (ex.orders.status(paper.clientOrderId) === 'FILLED' ? true : undefined), 'paper buy filled', 10_000);
    expect(ex.positions().map((p) => p.instrument).sort()).toEqual(['bybit-linear:BTCUSDT', 'hyperliquid:BTC']);

    // A denial is an order.denied record with its reason.
    const tooBig = await ex.submit({ strategy: 'test', intentId: 'k1', leg: 'd', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '50.000' });
    expect(tooBig).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^limits: .*maxOrderNotional/) });

    const killed = await post('/api/kill-switch', { reason: 'test kill' });
    expect(killed.status).toBe(200);
    await eventually(async () => (ex.orders.status(rest.clientOrderId) === 'CANCELED' ? true : undefined), 'resting order canceled', 10_000);
    await eventually(async () => (ex.positions().length === 0 ? true : undefined), 'every position flat in the ledger', 10_000);
    for (const venue of ['bybit-linear', 'binance-usdm'] as const) {
      const sim = d.sim!;
      const creds = sim.credentials.get(venue)!;
      const engine = sim.exchange(venue)!;
      expect(engine.openOrders(creds.account)).toEqual([]);
      expect(engine.positions(creds.account).filter((p) => !/^-?0(\.0*)?$/.test(p.qty))).toEqual([]);
    }
    // New orders are refused while killed.
    const after = await ex.submit({ strategy: 'test', intentId: 'k2', leg: 'a', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    expect(after).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^portfolio: /) });
    const events = (await get('/api/events/recent?type=kill.started&limit=5')) as unknown[];
    expect(events.length).toBeGreaterThan(0);
  }, 60_000);

  it('reconciliation catches an order placed and a position closed behind the daemon\'s back; adopt settles it', async () => {
    const { d, post, get, reconciled, trading } = await boot(resolve(tmp.dir, 'reconcile'));
    const ex = d.execution!;
    const sim = d.sim!;
    await trading('binance-usdm:BTCUSDT');

    // 1. An order placed by hand on the same Bybit account.
    const bybit = sim.exchange('bybit-linear')!;
    const bybitAccount = sim.credentials.get('bybit-linear')!.account;
    const b = bestOf(d, 'bybit-linear:BTCUSDT');
    const far = b.inst.price.toText(Math.round(b.inst.price.toInt(b.bid) * 0.8));
    const placed = bybit.place({ account: bybitAccount, symbol: 'BTCUSDT', clientOrderId: 'by-hand-1', side: 'buy', type: 'limit', tif: 'GTC', price: far, qty: '0.010' });
    expect('order' in placed).toBe(true);
    const broken = await eventually(async () => {
      const i = ((await get('/api/integrity')) as { venue: string; state: string; mismatches: { kind: string; clientOrderId?: string }[] }[]).find((x) => x.venue === 'bybit-linear');
      return i?.state === 'broken' ? i : undefined;
    }, 'INTEGRITY_BROKEN on bybit', 10_000);
    expect(broken.mismatches).toEqual([expect.objectContaining({ kind: 'unknown-order', clientOrderId: 'by-hand-1' })]);
    expect(((await get('/api/events/recent?type=INTEGRITY_BROKEN')) as unknown[]).length).toBe(1);
    const blocked = await ex.submit({ strategy: 'test', intentId: 'r1', leg: 'a', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    expect(blocked).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^venue: .*INTEGRITY_BROKEN/) });
    // Other venues still trade.
    const elsewhere = await ex.submit({ strategy: 'test', intentId: 'r1', leg: 'b', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    expect(elsewhere.status).not.toBe('DENIED');
    await eventually(async () => (ex.orders.status(elsewhere.clientOrderId) === 'FILLED' ? true : undefined), 'binance buy filled', 10_000);

    // Adopting takes the venue's state: the hand-placed order is tracked as the venue's; trading resumes.
    expect((await post('/api/integrity/adopt', { venue: 'bybit-linear' })).status).toBe(200);
    await eventually(reconciled, 'bybit ok again', 10_000);
    const again = await ex.submit({ strategy: 'test', intentId: 'r1', leg: 'c', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'limit', qty: '0.010', price: far });
    expect(again.status).toBe('ACCEPTED');

    // 2. The Binance position closed by hand: the ledger still holds it, the venue does not.
    const binance = sim.exchange('binance-usdm')!;
    const binanceAccount = sim.credentials.get('binance-usdm')!.account;
    expect(ex.positions().map((p) => p.instrument)).toContain('binance-usdm:BTCUSDT');
    const closed = binance.place({ account: binanceAccount, symbol: 'BTCUSDT', clientOrderId: 'by-hand-2', side: 'sell', type: 'market', tif: 'IOC', qty: '0.010', reduceOnly: true });
    expect('order' in closed).toBe(true);
    const positionGone = await eventually(async () => {
      const i = ((await get('/api/integrity')) as { venue: string; state: string; mismatches: { kind: string; symbol?: string; local?: string; venue?: string }[] }[]).find((x) => x.venue === 'binance-usdm');
      return i?.state === 'broken' ? i : undefined;
    }, 'INTEGRITY_BROKEN on binance', 10_000);
    expect(positionGone.mismatches).toEqual([{ kind: 'position', symbol: 'BTCUSDT', local: '0.01', venue: '0' }]);
    // Flatten answers too: nothing left to close, the venue is then adopted flat.
    expect((await post('/api/integrity/flatten', { venue: 'binance-usdm' })).status).toBe(200);
    expect((await post('/api/integrity/adopt', { venue: 'binance-usdm' })).status).toBe(200);
    await eventually(reconciled, 'binance ok again', 10_000);
    expect(ex.positions().map((p) => p.instrument)).not.toContain('binance-usdm:BTCUSDT');
    expect((await post('/api/integrity/adopt', { venue: 'nowhere' })).status).toBe(400);
  }, 60_000);

  it('a venue-level kill cancels and flattens that venue only; an instrument kill blocks one instrument; both reset', async () => {
    const { d, post, get, trading } = await boot(resolve(tmp.dir, 'scoped'));
    const ex = d.execution!;
    await trading('binance-usdm:BTCUSDT', 'bybit-linear:BTCUSDT');
    const buy = await ex.submit({ strategy: 'test', intentId: 's1', leg: 'a', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    await eventually(async () => (ex.orders.status(buy.clientOrderId) === 'FILLED' ? true : undefined), 'binance buy filled', 10_000);
    const b = bestOf(d, 'binance-usdm:BTCUSDT');
    const rest = await ex.submit({ strategy: 'test', intentId: 's1', leg: 'b', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'limit', qty: '0.010', price: b.inst.price.toText(Math.round(b.inst.price.toInt(b.bid) * 0.9)) });
    expect(rest.status).toBe('ACCEPTED');

    expect((await post('/api/kill-switch/scope', { level: 'venue', target: 'binance-usdm', reason: 'venue drill' })).status).toBe(200);
    await eventually(async () => (ex.orders.status(rest.clientOrderId) === 'CANCELED' ? true : undefined), 'binance order canceled', 10_000);
    await eventually(async () => (ex.positions().length === 0 ? true : undefined), 'binance flat', 10_000);
    expect(await get('/api/summary')).toMatchObject({ portfolio: { state: 'normal' } });
    const refused = await ex.submit({ strategy: 'test', intentId: 's2', leg: 'a', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    expect(refused).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^venue: .*venue drill/) });
    const other = await ex.submit({ strategy: 'test', intentId: 's2', leg: 'b', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    expect(other.status).not.toBe('DENIED');

    expect((await post('/api/kill-switch/scope', { level: 'instrument', target: 'bybit-linear:ETHUSDT' })).status).toBe(200);
    const eth = await ex.submit({ strategy: 'test', intentId: 's3', leg: 'a', instrument: 'bybit-linear:ETHUSDT', side: 'buy', type: 'market', qty: '0.10' });
    expect(eth.status).toBe('DENIED');
    expect(((await get('/api/kills')) as unknown[]).length).toBe(2);
    expect((await post('/api/kill-switch/scope/reset', { level: 'venue', target: 'binance-usdm' })).status).toBe(200);
    expect((await post('/api/kill-switch/scope/reset', { level: 'venue', target: 'binance-usdm' })).status).toBe(404);
    expect((await post('/api/kill-switch/scope', { level: 'venue', target: 'kraken' })).status).toBe(404);
    expect((await post('/api/kill-switch/scope', { level: 'market', target: 'x' })).status).toBe(400);
    const again = await ex.submit({ strategy: 'test', intentId: 's4', leg: 'a', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'market', qty: '0.010' });
    expect(again.status).not.toBe('DENIED');
  }, 60_000);

  it('the balance check counts what the venue holds for open orders, not only the ledger', async () => {
    const { d, get, trading } = await boot(resolve(tmp.dir, 'free'), 3_000);
    const ex = d.execution!;
    await trading('binance-usdm:BTCUSDT');
    const b = bestOf(d, 'binance-usdm:BTCUSDT');
    const bid = b.inst.price.toInt(b.bid);
    const price = b.inst.price.toText(Math.round(bid * 0.9));
    // Most of the 3,000 USDT goes to margin for a resting buy (leverage 1).
    const qty = b.inst.qty.toText(Math.floor(2_400 / b.inst.price.toNumber(Math.round(bid * 0.9)) / b.inst.qty.toNumber(1)));
    const rest = await ex.submit({ strategy: 'test', intentId: 'f1', leg: 'a', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'limit', qty, price, riskQuote: '50' });
    expect(rest.reason ?? rest.status).toBe('ACCEPTED');
    // The next reconciliation reads the venue's free balance (the stream does not say it).
    const placedAt = Date.now();
    await eventually(async () => ((await get('/api/integrity')) as { venue: string; checkedAt: number }[]).some((i) => i.venue === 'binance-usdm' && i.checkedAt > placedAt + 50), 'a reconciliation after the order', 10_000);
    const small = b.inst.qty.toText(Math.ceil(1_000 / b.inst.price.toNumber(bid) / b.inst.qty.toNumber(1)));
    const denied = await ex.submit({ strategy: 'test', intentId: 'f2', leg: 'a', instrument: 'binance-usdm:BTCUSDT', side: 'buy', type: 'market', qty: small, riskQuote: '20' });
    expect(denied).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^balance: /) });
  }, 60_000);

  it('a realized loss past dailyLossLimit pulls the global kill switch by itself', async () => {
    const { d, get, trading } = await boot(resolve(tmp.dir, 'loss'), undefined, { dailyLossLimit: 0.5 });
    const ex = d.execution!;
    await trading('bybit-linear:BTCUSDT');
    // A round trip pays the spread and two taker fees: a realized loss of a few USDT.
    const buy = await ex.submit({ strategy: 'test', intentId: 'l1', leg: 'in', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '0.050', riskQuote: '50' });
    await eventually(async () => (ex.orders.status(buy.clientOrderId) === 'FILLED' ? true : undefined), 'buy filled', 10_000);
    const sell = await ex.submit({ strategy: 'test', intentId: 'l1', leg: 'out', instrument: 'bybit-linear:BTCUSDT', side: 'sell', type: 'market', qty: '0.050', reduceOnly: true });
    await eventually(async () => (ex.orders.status(sell.clientOrderId) === 'FILLED' ? true : undefined), 'sell filled', 10_000);
    expect(Number(ex.numbers().dailyPnl)).toBeLessThan(-0.5);
    await eventually(async () => ((await get('/api/summary')).portfolio.state === 'killed' ? true : undefined), 'killed by the daily loss limit', 5_000);
    const kill = ((await get('/api/events/recent?type=risk.kill')) as { data: { level: string; reason: string } }[])[0];
    expect(kill?.data).toMatchObject({ level: 'global', reason: expect.stringMatching(/daily/i) });
  }, 60_000);

  it('rejections in a row past maxConsecutiveFailures send the portfolio to risk_off', async () => {
    const base = defaultConfig();
    const { d, get, trading } = await boot(resolve(tmp.dir, 'failures'), undefined, { maxConsecutiveFailures: 3, breaker: { ...base.risk.breaker, maxFailures: 10 } });
    const ex = d.execution!;
    await trading('bybit-linear:BTCUSDT');
    d.sim!.inject('bybit-linear', 'reject-next-order', 3);
    for (const leg of ['a', 'b', 'c']) {
      const o = await ex.submit({ strategy: 'test', intentId: 'c1', leg, instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '0.010', riskQuote: '10' });
      expect(o).toMatchObject({ status: 'REJECTED', reason: expect.stringMatching(/venue code 110007/) });
    }
    await eventually(async () => ((await get('/api/summary')).portfolio.state === 'risk_off' ? true : undefined), 'risk_off', 5_000);
    const next = await ex.submit({ strategy: 'test', intentId: 'c1', leg: 'd', instrument: 'bybit-linear:BTCUSDT', side: 'buy', type: 'market', qty: '0.010', riskQuote: '10' });
    expect(next).toMatchObject({ status: 'DENIED', reason: expect.stringMatching(/^portfolio: /) });
  }, 60_000);
});
