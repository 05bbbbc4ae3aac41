/**
 * The scalper on the simulator's scenarios, in SIGNAL mode, through the real Bybit adapters on a
 * clock running 10× faster than the wall (the cluster on the same clock):
 *  - `pump-dump`: the memecoin's pump phases are read in their order (PREPUMP may be skipped,
 *    never reordered), and its chart is sent to BLOCKED_REGIME while it pumps;
 *  - `spoof-walls`: walls pulled before price touches them raise the spoofing score, and no chart
 *    arms on the side of a wall that was mostly pulled.
 * Phase and regime changes are `symbol.pump` / `symbol.regime` records, read from the event log.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/load.ts';
import { ScaledClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { startDaemon, type Daemon } from '../../src/main.ts';
import { SimCluster } from '../../src/sim/cluster.ts';
import type { ScenarioName } from '../../src/sim/market/scenario.ts';
import { PUMP_ORDER } from '../../src/features/pump.ts';
import { tempDir } from '../helpers.ts';
import { eventually, logRecords as records } from './daemon.process.ts';

const tmp = tempDir('fleet-scalper-scen-');
let cluster: SimCluster | undefined;
let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.close();
  await cluster?.close();
  daemon = undefined;
  cluster = undefined;
});

async function boot(name: string, scenario: ScenarioName, symbols: string[], scalper: Partial<ReturnType<typeof defaultConfig>['scalper']> = {}) {
  const clock = new ScaledClock(10);
  cluster = new SimCluster({ seed: 5, scenario, clock, venues: ['bybit-linear'], stepMs: 100 });
  await cluster.listen();
  cluster.run();
  const e = cluster.endpoints()[0]!;
  const base = defaultConfig();
  daemon = await startDaemon({
    config: {
      ...base,
      mode: 'signal',
      venues: { 'bybit-linear': { enabled: true, symbols, wsUrl: e.wsUrl, restUrl: e.restUrl } },
      scalper: { ...base.scalper, universe: { ...base.scalper.universe, warmupMs: 1_000, minVolume24hQuote: 0, minOpenInterestQuote: 0, maxSpreadBps: 1_000 }, ...scalper },
      market: { ...base.market, downAfterMs: 600_000 },
    },
    overrides: { port: 0 },
    dataDir: join(tmp.dir, name),
    logger: silentLogger(),
    env: {},
    clock,
  });
  return daemon;
}

describe('scalper scenarios', () => {
  it('pump-dump: the pump phases come in order and the memecoin is blocked while it pumps', async () => {
    // Thresholds no score reaches: the charts stay flat, so the block is the regime's alone (an open
    // signal's position is managed, never blocked).
    const d = await boot('pump', 'pump-dump', ['WIFUSDT', 'BTCUSDT'], { watchThreshold: 1, armThreshold: 1 });
    const WIF = 'symbol:bybit-linear:WIFUSDT';
    const phases = await eventually(async () => {
      const list = (await records(d, { type: 'symbol.pump', actor: WIF })).map((r) => (r.data as { to: string }).to);
      return list.includes('DUMP') || list.includes('COOLDOWN') ? list : undefined;
    }, 'the pump to dump', 90_000);
    // Up to the first COOLDOWN the phases only move forward in PUMP_ORDER.
    const cycle = phases.slice(0, phases.indexOf('COOLDOWN') >= 0 ? phases.indexOf('COOLDOWN') + 1 : phases.length);
    const ranks = cycle.map((p) => PUMP_ORDER.indexOf(p as (typeof PUMP_ORDER)[number]));
    expect(ranks.every((r, i) => r > 0 && (i === 0 || r > ranks[i - 1]!)), `phases ${phases.join(' → ')}`).toBe(true);
    expect(cycle, `phases ${phases.join(' → ')}`).toContain('PUMPING');
    const states = (await records(d, { type: 'transition', actor: WIF })).map((r) => r.to);
    const regimes = (await records(d, { type: 'symbol.regime', actor: WIF })).map((r) => (r.data as { to: string }).to);
    expect(regimes, `regimes ${regimes.join(' → ')}`).toContain('PUMP');
    expect(states, `chart ${states.join(' → ')}; regimes ${regimes.join(' → ')}`).toContain('BLOCKED_REGIME');
    // The calm major is never blocked by the memecoin's pump.
    expect((await records(d, { type: 'symbol.pump', actor: 'symbol:bybit-linear:BTCUSDT' })).map((r) => (r.data as { to: string }).to)).not.toContain('PUMPING');
  }, 120_000);

  it('spoof-walls: pulled walls raise the spoofing score and no chart arms on the side of a mostly pulled wall', async () => {
    const d = await boot('spoof', 'spoof-walls', ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'WIFUSDT'], { watchThreshold: 0.25, armThreshold: 0.3 });
    const hot = await eventually(async () => {
      const rows = (await (await fetch(`${d.url}/api/hotlist`)).json()) as { instrument: string; spoofingScore: number }[];
      return rows.some((r) => r.spoofingScore >= 0.5) ? rows : undefined;
    }, 'a spoofing score of at least 0.5', 90_000);
    expect(Math.max(...hot.map((r) => r.spoofingScore))).toBeGreaterThanOrEqual(0.5);
    // Enough armings to judge the rule on (a simulated minute or so of market).
    const armed = await eventually(async () => {
      const list = await records(d, { type: 'symbol.armed' });
      return list.length >= 10 ? list : undefined;
    }, 'ten armings', 90_000);
    // Every time a chart armed, the walls on its side had not been mostly pulled (as the reading said then).
    for (const a of armed) {
      const x = a.data as { side: 'long' | 'short'; spoofShareBid: number; spoofShareAsk: number };
      expect(x.side === 'long' ? x.spoofShareBid : x.spoofShareAsk).toBeLessThan(0.5);
    }
  }, 120_000);
});
