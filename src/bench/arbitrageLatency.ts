/**
 * Measurement `arbitrage` (second half): book update → both legs sent, in-process, through the
 * whole daemon: the simulated venues (latency 0) on localhost, the real public adapters and book
 * sync, the conflated tick, the opportunity engine, the route actor, sizing, the durable saga
 * (fsynced before its orders), the pre-trade checks and the durable order actors, up to the two
 * `order.request` records (written just before the adapters' HTTP calls). The times are taken
 * with performance.now() where they happen, by wrapping two public methods of the running
 * daemon: market data's `ingest` (the last book update applied per instrument) and the event
 * log's `append` (the decision and each request record). The route fires on
 * every tick (entry threshold far below zero, no cooldown) and closes at once (exit threshold far
 * above), so each saga is one sample. Medians over the samples of each run, then across runs.
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../core/logger.ts';
import { defaultConfig } from '../config/load.ts';
import { startDaemon, type Daemon } from '../main.ts';
import type { EventRecord } from '../runtime/eventLog.ts';
import { fmt, median, pause, progress, quantile, spread, withTempDir, type Row } from './util.ts';

export interface ArbitrageLatencyOptions {
  readonly sagas: number;
  readonly runs: number;
}

const DEFAULTS: ArbitrageLatencyOptions = { sagas: 60, runs: 3 };

async function all(d: Daemon, type: string): Promise<EventRecord[]> {
  await d.runtime.settle();
  const out: EventRecord[] = [];
  for await (const r of d.eventLog.query({ type })) out.push(r);
  return out;
}

/** Returns book→both-requests latencies (ms) of `n` sagas in a fresh daemon. */
async function run(dir: string, n: number): Promise<number[]> {
  const base = defaultConfig();
  const d = await startDaemon({
    config: {
      ...base,
      venues: { 'binance-usdm': { enabled: true, symbols: ['BTCUSDT'] }, 'bybit-linear': { enabled: true, symbols: ['BTCUSDT'] } },
      arbitrage: {
        ...base.arbitrage,
        routes: [{ asset: 'BTC', venueA: 'binance-usdm', venueB: 'bybit-linear' }],
        minNetEdgeBps: -20_000,
        exitEdgeBps: 5_000,
        cooldownMs: 0,
        maxTradeUsd: 200,
      },
      risk: { ...base.risk, dailyLossLimit: 1e9, maxDrawdown: 1 },
      log: { level: 'silent' },
    },
    overrides: { port: 0 },
    dataDir: dir,
    logger: silentLogger(),
    env: {},
    sim: { seed: 4, scenario: 'calm' },
  });
  const lastBook = new Map<string, number>();
  const decisions: { saga: string; bookAt: number }[] = [];
  const requestAt = new Map<string, number>();
  const market = d.market!.market;
  const ingest = market.ingest.bind(market);
  market.ingest = (ev, sync) => {
    const out = ingest(ev, sync);
    if (out === 'applied') lastBook.set(ev.instrument, performance.now());
    return out;
  };
  const append = d.eventLog.append.bind(d.eventLog);
  d.eventLog.append = (e) => {
    const now = performance.now();
    const data = e.data as Record<string, unknown> | undefined;
    if (e.type === 'arb.decision' && data) decisions.push({ saga: String(data.saga), bookAt: Math.max(lastBook.get(String(data.buy)) ?? NaN, lastBook.get(String(data.sell)) ?? NaN) });
    if (e.type === 'order.request' && data) requestAt.set(String(data.clientOrderId), now);
    return append(e);
  };
  try {
    const deadline = performance.now() + 60_000;
    while (decisions.length < n + 2 && performance.now() < deadline) await pause(200);
    await pause(500);
    const orders = await all(d, 'saga.order');
    const out: number[] = [];
    // The first two sagas warm up the JIT and the connections.
    for (const x of decisions.slice(2, n + 2)) {
      const legs = orders.filter((o) => o.actor === `twoleg:${x.saga}` && /:open$/.test((o.data as { key: string }).key));
      const sent = legs.map((o) => requestAt.get((o.data as { clientOrderId: string }).clientOrderId));
      if (sent.length === 2 && sent.every((t) => t !== undefined) && Number.isFinite(x.bookAt)) out.push(Math.max(...(sent as number[])) - x.bookAt);
    }
    return out;
  } finally {
    await d.close();
  }
}

/** Returns the rows of the in-process latency measurement. */
export async function benchArbitrageLatency(options: Partial<ArbitrageLatencyOptions> = {}): Promise<Row[]> {
  const o = { ...DEFAULTS, ...options };
  const p50: number[] = [];
  const p99: number[] = [];
  let samples = 0;
  await withTempDir('fleet-bench-arb-', async (baseDir) => {
    for (let k = 0; k < o.runs; k++) {
      const lat = await run(`${baseDir}/run${k}`, o.sagas);
      samples += lat.length;
      p50.push(quantile(lat, 0.5));
      p99.push(quantile(lat, 0.99));
      progress(`arbitrage: run ${k + 1}/${o.runs}: book→both legs sent p50 ${fmt(p50[k]!, 2)} ms, p99 ${fmt(p99[k]!, 2)} ms (${lat.length} sagas)`);
    }
  });
  return [
    {
      measurement: 'arbitrage book update→both legs sent p50',
      value: fmt(median(p50), 2),
      unit: 'ms',
      notes: `sim venues on localhost, tick → route → durable saga → 2 durable orders → requests; ${samples} sagas; ${spread(p50, 2)}`,
    },
    { measurement: '  p99', value: fmt(median(p99), 2), unit: 'ms', notes: spread(p99, 2) },
  ];
}
