/**
 * A simulated hour of the `calm` scenario with the default thresholds: the daemon on a clock
 * running 60× faster than the wall (the simulated venues, real sockets and real adapters
 * underneath, every delay shortened alike, so a venue round trip costs 60× more market time:
 * many entries meet a book that has moved and are recovered, which this test wants too), trading spot–spot (Binance / OKX) and perp–perp
 * (Binance USD-M / Bybit) routes on the dislocations the simulator makes. Afterwards:
 *  - every entry decision had a net edge at or above its threshold, and positive, after fees,
 *    slippage and latency buffers at the size sent (never a negative-edge entry);
 *  - every audit row's PnL is the sum of its legs' fills (sells − buys) minus their fees, as the
 *    event log recorded each fill;
 *  - nothing is left open: no saga unfinished, no position at any venue.
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import type { VenueId } from '../../src/config/schema.ts';
import { ScaledClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { readTradeAudit } from '../../src/execution/tradeAudit.ts';
import { add, decText, mul, neg, parseDec, sub, ZERO } from '../../src/model/decimal.ts';
import { tempDir } from '../helpers.ts';
import { eventually, logRecords as records } from './daemon.process.ts';

const tmp = tempDir('fleet-arb-calm-');
let daemon: Daemon | undefined;
afterAll(async () => {
  await daemon?.close();
  tmp.cleanup();
});

const SPEED = 60;
const HOUR = 3_600_000;

describe('arbitrage over a simulated hour of calm market', () => {
  it('enters only on a positive net edge, and every audit row adds up to its legs minus fees', async () => {
    const clock = new ScaledClock(SPEED);
    const base = defaultConfig();
    const dir = resolve(tmp.dir, 'calm');
    const symbols = (...s: string[]) => ({ enabled: true, symbols: s });
    const d = (daemon = await startDaemon({
      config: {
        ...base,
        venues: {
          'binance-spot': symbols('BTCUSDT', 'ETHUSDT'),
          okx: symbols('BTC-USDT', 'ETH-USDT'),
          'binance-usdm': symbols('BTCUSDT', 'ETHUSDT'),
          'bybit-linear': symbols('BTCUSDT', 'ETHUSDT'),
        },
        // Timeouts and intervals in simulated time: generous, the wall clock runs 60× slower.
        execution: { ...base.execution, requestTimeoutMs: 30_000, reconcileIntervalMs: 60_000, reconcileGraceMs: 30_000, unknownNotFoundMs: 60_000 },
        arbitrage: {
          ...base.arbitrage,
          routes: [
            { asset: 'BTC', venueA: 'binance-spot', venueB: 'okx', kind: 'spot' },
            { asset: 'ETH', venueA: 'binance-spot', venueB: 'okx', kind: 'spot' },
            { asset: 'BTC', venueA: 'binance-usdm', venueB: 'bybit-linear' },
            { asset: 'ETH', venueA: 'binance-usdm', venueB: 'bybit-linear' },
          ],
          legTimeoutMs: 20_000,
          // Perp–perp trades close on convergence or after two simulated minutes.
          maxHoldMs: 120_000,
          orphanGraceMs: 5_000,
          exposureGraceMs: 60_000,
        },
        market: { ...base.market, downAfterMs: 600_000 },
        // One market step each half simulated second keeps the generator up with a 60× clock.
        sim: { ...base.sim, stepMs: 500 },
      },
      overrides: { port: 0 },
      dataDir: dir,
      logger: silentLogger(),
      env: {},
      clock,
      sim: { seed: 7, scenario: 'calm' },
    }));
    const start = clock.now();
    await eventually(async () => (clock.now() - start >= HOUR ? true : undefined), 'a simulated hour', (HOUR / SPEED) * 2 + 30_000);
    // Stop opening; let what is in flight finish.
    d.runtime.send('portfolio', { type: 'portfolio.pause', at: clock.now(), by: 'test' });
    await eventually(async () => (d.arbitrage!.runner.all().every((s) => s.state === 'done' || s.state === 'failed') ? true : undefined), 'every saga finished', 30_000);

    const decisions = await records(d, { type: 'arb.decision' });
    expect(decisions.length).toBeGreaterThan(0);
    for (const r of decisions) {
      const x = r.data as { netBps: number; thresholdBps: number };
      expect(x.netBps).toBeGreaterThanOrEqual(x.thresholdBps);
      expect(x.netBps).toBeGreaterThan(0);
    }

    const rows = readTradeAudit(resolve(dir, 'trade_audit.csv'));
    expect(rows.length).toBeGreaterThan(0);
    const orders = await records(d, { actor: 'twoleg:*', type: 'saga.order' });
    for (const row of rows) {
      const cids = orders.filter((o) => o.actor === `twoleg:${row.id}`).map((o) => (o.data as { clientOrderId: string }).clientOrderId);
      let cash = ZERO;
      for (const cid of cids) {
        for (const f of await records(d, { actor: `order:${cid}`, type: 'order.fill' })) {
          const x = f.data as { side: string; price: string; qty: string; fee: string; venue: string };
          const inst = d.market!.market.registry.get(`${x.venue}:${(f.data as { symbol: string }).symbol}`)!;
          const notional = mul(mul(parseDec(x.qty)!, parseDec(x.price)!), parseDec(inst.contractSize)!);
          cash = sub(add(cash, x.side === 'sell' ? notional : neg(notional)), parseDec(x.fee)!);
        }
      }
      expect({ id: row.id, pnl: row.pnl }).toEqual({ id: row.id, pnl: decText(cash) });
      expect(row.outcome).toBe(Number(row.pnl) > 0 ? 'win' : Number(row.pnl) < 0 ? 'loss' : 'flat');
    }
    const failed = d.arbitrage!.runner.all().filter((s) => s.state === 'failed');
    expect(failed).toEqual([]);
    for (const venue of ['binance-usdm', 'bybit-linear'] as VenueId[]) {
      const account = d.sim!.credentials.get(venue)!.account;
      expect(d.sim!.exchange(venue)!.positions(account).filter((p) => !/^-?0(\.0*)?$/.test(p.qty))).toEqual([]);
    }
    console.info(`calm hour: ${decisions.length} decisions, ${rows.length} trades, pnl ${rows.reduce((s, r) => s + Number(r.pnl), 0).toFixed(4)}`);
  }, 180_000);
});
