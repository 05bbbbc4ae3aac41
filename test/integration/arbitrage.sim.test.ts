/**
 * Arbitrage end to end in SIM, with faults injected at the simulated venues: the real private
 * adapters (Binance USD-M, Bybit) against the simulated servers, the route actor, the durable
 * two-leg saga and its recovery. The entry threshold is set far below zero so the route fires as
 * soon as both books are synced (once: the cooldown is long), and the exit threshold far above
 * so a perp–perp trade closes as soon as it is hedged; what is under test is what the saga does
 * with the legs, not whether the market offers an edge (the calm run covers that).
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import type { FleetConfig, VenueId } from '../../src/config/schema.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { readTradeAudit } from '../../src/execution/tradeAudit.ts';
import { add, decText, mul, neg, parseDec, sub, ZERO } from '../../src/model/decimal.ts';
import { tempDir } from '../helpers.ts';
import { eventually, logRecords as records } from './daemon.process.ts';

const tmp = tempDir('fleet-arb-');
const daemons: Daemon[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.close()));
  tmp.cleanup();
});

const ROUTE = 'route:BTC:binance-usdm:bybit-linear';

async function start(name: string, arbitrage: Partial<FleetConfig['arbitrage']>, faults: FleetConfig['sim']['faults']) {
  const base = defaultConfig();
  const dir = resolve(tmp.dir, name);
  const d = await startDaemon({
    config: {
      ...base,
      venues: { 'binance-usdm': { enabled: true, symbols: ['BTCUSDT'] }, 'bybit-linear': { enabled: true, symbols: ['BTCUSDT'] } },
      execution: { ...base.execution, reconcileIntervalMs: 500, reconcileGraceMs: 1000 },
      arbitrage: {
        ...base.arbitrage,
        routes: [{ asset: 'BTC', venueA: 'binance-usdm', venueB: 'bybit-linear' }],
        minNetEdgeBps: -20_000,
        exitEdgeBps: 5_000,
        cooldownMs: 600_000,
        maxTradeUsd: 500,
        orphanGraceMs: 200,
        ...arbitrage,
      },
      sim: { ...base.sim, faults },
    },
    overrides: { port: 0 },
    dataDir: dir,
    logger: silentLogger(),
    env: {},
    sim: { seed: 21, scenario: 'calm' },
  });
  daemons.push(d);
  return { d, dir };
}

async function boot(name: string, arbitrage: Partial<FleetConfig['arbitrage']>, faults: FleetConfig['sim']['faults']) {
  const { d, dir } = await start(name, arbitrage, faults);
  const saga = async () => {
    const s = d.arbitrage!.runner.all()[0];
    return s && (s.state === 'done' || s.state === 'failed') ? s : undefined;
  };
  const finished = await eventually(saga, 'the saga finished', 40_000);
  const transitions = (await records(d, { actor: `twoleg:${finished.id}`, type: 'transition' })).map((r) => r.to);
  return { d, dir, saga: finished, transitions };
}

/** Returns the net position per venue at the simulated exchanges (what is really held). */
function venuePositions(d: Daemon): Record<string, string> {
  const out: Record<string, string> = {};
  for (const venue of ['binance-usdm', 'bybit-linear'] as VenueId[]) {
    const account = d.sim!.credentials.get(venue)!.account;
    for (const p of d.sim!.exchange(venue)!.positions(account)) if (!/^-?0(\.0*)?$/.test(p.qty)) out[`${venue}:${p.symbol}`] = p.qty;
  }
  return out;
}

/** Returns Σ sells − Σ buys − fees over the saga's fills as the event log recorded them. */
async function cashOfFills(d: Daemon, cids: readonly string[]): Promise<string> {
  let sum = ZERO;
  for (const cid of cids) {
    const fills = await records(d, { actor: `order:${cid}`, type: 'order.fill' });
    for (const f of fills) {
      const x = f.data as { side: string; price: string; qty: string; fee: string };
      const notional = mul(parseDec(x.qty)!, parseDec(x.price)!);
      sum = add(sum, x.side === 'sell' ? notional : neg(notional));
      sum = sub(sum, parseDec(x.fee)!);
    }
  }
  return decText(sum);
}

describe('arbitrage in sim mode', () => {
  it('a rejected leg is retried within the guard: hedged, closed, flat everywhere, and the audit row adds up', async () => {
    const { d, dir, saga, transitions } = await boot('retry', {}, [{ venue: 'bybit-linear', kind: 'reject-next-order', count: 1, afterMs: 0 }]);
    expect(saga.state).toBe('done');
    expect(saga.context.outcome).toBe('closed');
    expect(transitions).toEqual(expect.arrayContaining(['orphaned', 'recovering', 'hedged', 'exiting', 'done']));
    expect(transitions.indexOf('orphaned')).toBeLessThan(transitions.indexOf('recovering'));
    const purposes = saga.context.orders.map((o) => `${o.key}:${o.status}`);
    expect(purposes.some((p) => /:open:REJECTED$/.test(p))).toBe(true);
    expect(purposes.some((p) => /:retry:1:FILLED$/.test(p))).toBe(true);
    await eventually(async () => (d.execution!.positions().length === 0 ? true : undefined), 'ledger flat', 10_000);
    expect(venuePositions(d)).toEqual({});
    const rows = readTradeAudit(resolve(dir, 'trade_audit.csv'));
    expect(rows.map((r) => r.id)).toEqual([saga.id]);
    const cids = saga.context.orders.map((o) => o.clientOrderId).filter((c): c is string => !!c);
    expect(rows[0]!.pnl).toBe(await cashOfFills(d, cids));
    expect(rows[0]!.instruments).toHaveLength(2);
  }, 60_000);

  it('with no retry left the filled leg is unwound: exposure back to zero and the loss within the cap', async () => {
    const { d, dir, saga, transitions } = await boot('unwind', { maxRecoveries: 1, maxUnwindLossBps: 50 }, [{ venue: 'bybit-linear', kind: 'reject-next-order', count: 1, afterMs: 0 }]);
    expect(saga.state).toBe('done');
    expect(saga.context.outcome).toBe('unwound');
    expect(transitions).toEqual(expect.arrayContaining(['orphaned', 'recovering', 'done']));
    expect(transitions).not.toContain('hedged');
    // The leg on Binance filled (Bybit rejected its leg, whichever side the edge chose for it): that one is unwound.
    const filledLeg = saga.context.legs.a.instrument.startsWith('binance-usdm:') ? 'a' : 'b';
    const unwind = saga.context.orders.find((o) => o.purpose === 'unwind')!;
    expect(unwind).toMatchObject({ leg: filledLeg, side: saga.context.legs[filledLeg].side === 'buy' ? 'sell' : 'buy', reduceOnly: true, status: 'FILLED' });
    await eventually(async () => (d.execution!.positions().length === 0 ? true : undefined), 'ledger flat', 10_000);
    expect(venuePositions(d)).toEqual({});
    const [row] = readTradeAudit(resolve(dir, 'trade_audit.csv'));
    // The loss: at most the unwind's 50 bps of the notional, plus the fees paid.
    const notional = Number(row!.qty) * Number(row!.entry);
    expect(Number(row!.pnl)).toBeLessThanOrEqual(0);
    expect(-Number(row!.pnl)).toBeLessThanOrEqual(notional * 0.005 + Number(row!.fees) + 1e-9);
    expect(row!.outcome).toBe('loss');
  }, 60_000);

  it('a leg whose fill is reported after its deadline is counted: settling, then hedged without any recovery order', async () => {
    const { d, saga, transitions } = await boot('late', { legTimeoutMs: 300 }, [{ venue: 'bybit-linear', kind: 'delay-fill', count: 1, afterMs: 0 }]);
    expect(transitions).toContain('settling');
    expect(transitions).toContain('hedged');
    expect(transitions).not.toContain('orphaned');
    expect(saga.context.orders.filter((o) => o.purpose === 'retry' || o.purpose === 'unwind')).toEqual([]);
    expect(saga.context.outcome).toBe('closed');
    await eventually(async () => (d.execution!.positions().length === 0 ? true : undefined), 'ledger flat', 10_000);
    expect(venuePositions(d)).toEqual({});
  }, 60_000);

  it('a partial fill hedges only the filled quantity: the other leg\'s excess is unwound, nothing topped up', async () => {
    const { d, saga, transitions } = await boot('partial', {}, [{ venue: 'bybit-linear', kind: 'partial-fill', count: 1, afterMs: 0 }]);
    expect(transitions).toEqual(expect.arrayContaining(['orphaned', 'recovering', 'hedged']));
    const byKey = Object.fromEntries(saga.context.orders.map((o) => [o.key, o]));
    const partial = Object.values(byKey).find((o) => o.purpose === 'open' && o.filled > 0 && o.filled < o.units)!;
    expect(partial).toBeDefined();
    const other = Object.values(byKey).find((o) => o.purpose === 'open' && o !== partial)!;
    const unwind = saga.context.orders.find((o) => o.purpose === 'unwind')!;
    expect(unwind.leg).toBe(other.leg);
    expect(unwind.units).toBe(other.filled - partial.filled);
    expect(saga.context.orders.some((o) => o.purpose === 'retry')).toBe(false);
    expect(saga.context.outcome).toBe('closed');
    await eventually(async () => (d.execution!.positions().length === 0 ? true : undefined), 'ledger flat', 10_000);
    expect(venuePositions(d)).toEqual({});
  }, 60_000);

  it('a saga actor that crashes while orphaned is restarted from its snapshot and finishes the recovery', async () => {
    const { d } = await start('crash', { orphanGraceMs: 3000 }, [{ venue: 'bybit-linear', kind: 'reject-next-order', count: 1, afterMs: 0 }]);
    const orphan = await eventually(async () => d.arbitrage!.runner.all().find((s) => s.state === 'orphaned'), 'the saga orphaned', 40_000);
    expect(d.runtime.send(`twoleg:${orphan.id}`, { type: 'debug.crash' })).toBe(true);
    const done = await eventually(async () => {
      const s = d.arbitrage!.runner.get(orphan.id);
      return s && s.state === 'done' ? s : undefined;
    }, 'the restarted saga finished', 30_000);
    expect(d.runtime.list().find((a) => a.id === `twoleg:${orphan.id}`)?.restarts).toBe(1);
    expect(done.context.orders.some((o) => o.purpose === 'retry' && o.status === 'FILLED')).toBe(true);
    expect(done.context.outcome).toBe('closed');
    await eventually(async () => (d.execution!.positions().length === 0 ? true : undefined), 'ledger flat', 10_000);
    expect(venuePositions(d)).toEqual({});
  }, 60_000);

  it('GET /api/trades/active shows the saga with its legs, and /api/summary the arbitrage numbers', async () => {
    const { d } = await boot('api', {}, []);
    const active = (await (await fetch(`${d.url}/api/trades/active`)).json()) as { sagas: { id: string; route: string; state: string; legs: { instrument: string; side: string; qty: string; filled: string; state: string }[] }[] };
    expect(active.sagas[0]).toMatchObject({ route: ROUTE, state: 'done' });
    expect(active.sagas[0]!.legs.length).toBeGreaterThanOrEqual(2);
    expect(active.sagas[0]!.legs[0]).toMatchObject({ side: 'buy', state: 'FILLED' });
    const summary = (await (await fetch(`${d.url}/api/summary`)).json()) as { arbitrage: { trades: number; totalValue: string } };
    expect(summary.arbitrage.trades).toBe(1);
    expect(Number(summary.arbitrage.totalValue)).toBeGreaterThan(100_000);
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toMatch(/^fleet_arb_trades 1$/m);
  }, 60_000);
});
