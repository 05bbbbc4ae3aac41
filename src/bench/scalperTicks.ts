/**
 * Measurement `scalper`: conflated ticks delivered to symbol actors per second, tick-to-decision
 * latency, and the memory each symbol actor holds, through the real path: MarketData (Bybit book
 * sync rules) → FeatureService (features, regime, scores on each conflated tick) → the scalper's
 * decision (a `market.tick` built from the reading the way src/strategies/scalper/service.ts
 * builds it) → `runtime.send` to `symbol:<id>`, a real symbol chart hosted by the ActorRuntime
 * with LevelDB persistence (write-behind) and the event log in a temp dir.
 *
 * The decision path is driven here rather than through ScalperService, whose internals are being
 * rewritten: the bench follows its wiring (features.read$ → reading → tick → send, `symbol.armed`
 * record on arming; a placed entry is refused as SIGNAL mode's limits would, back to FLAT).
 *
 * The flood: every event-loop turn (one setImmediate, as a socket read) carries `deltasPerTurn`
 * book deltas spread round-robin over the symbols, with a trade every `tradeEvery` deltas; the
 * next turn is queued at once, so the market always has frames waiting. MarketData conflates a
 * symbol's events of a turn into one tick (setImmediate, as the daemon schedules it).
 * Latency per tick: from the arrival (hand-off to `ingest`) of the oldest delta conflated into
 * the tick to the return of `runtime.send` with the chart's new snapshot taken; the newest
 * delta's latency is in the notes. Memory: heap after the runs with the actors running minus heap
 * after their runtime is closed and dropped, after forced GCs, divided by the actor count.
 */
import { performance } from 'node:perf_hooks';
import type { Subscription } from 'rxjs';
import { symbolMachine, symbolActorId } from '../../machines/symbol.machine.ts';
import { defaultConfig } from '../config/load.ts';
import { SystemClock } from '../core/clock.ts';
import { FeatureService } from '../features/service.ts';
import { NewsBoard } from '../features/news.ts';
import type { MarketData } from '../market/marketData.ts';
import type { BookDelta } from '../model/market.ts';
import { buildMarket, findGc, heapAfterGc, tickOf, type BenchSymbol } from './scalperPath.ts';
import { fmt, median, openFleet, pause, progress, quantile, spread, withTempDir, type Fleet, type Row } from './util.ts';

/** The size of the synthetic market and of the flood, and how long to run it. */
export interface ScalperTicksOptions {
  readonly symbols: number;
  /** Book deltas per event-loop turn, spread round-robin over the symbols. */
  readonly deltasPerTurn: number;
  /** One trade after every this many deltas (0: none). */
  readonly tradeEvery: number;
  readonly warmupTurns: number;
  readonly turnsPerRun: number;
  readonly runs: number;
}

/** What one measurement found (the rows are made from it). */
export interface ScalperTicksResult {
  readonly symbols: number;
  /** Median over runs of conflated ticks decided by the actors per second of wall time. */
  readonly ticksPerSec: number;
  readonly deltasPerSec: number;
  /** Book deltas applied per tick delivered (the conflation factor). */
  readonly deltasPerTick: number;
  /** Shares of wall time spent ingesting the deltas and trades, and inside runtime.send. */
  readonly ingestShare: number;
  readonly sendShare: number;
  /** Latency (ms) from the oldest / newest delta of a tick to its decision, medians over runs. */
  readonly p50: number;
  readonly p99: number;
  readonly newestP50: number;
  readonly newestP99: number;
  readonly max: number;
  readonly ticksPerSecRuns: readonly number[];
  readonly p99Runs: readonly number[];
  /** Ticks delivered in the measured runs and how many of them the actors processed. */
  readonly ticks: number;
  readonly decisions: number;
  /** State changes of the charts (transition records) during the measured runs. */
  readonly transitions: number;
  readonly states: Readonly<Record<string, number>>;
  readonly bytesPerActor: number;
  readonly gc: string;
}

const DEFAULTS: ScalperTicksOptions = { symbols: 500, deltasPerTurn: 5_000, tradeEvery: 4, warmupTurns: 8, turnsPerRun: 15, runs: 3 };
/** As ScalperService gives its charts. */
const COOLDOWN_MS = 30_000;

interface Probe {
  /** Per symbol: arrival of the oldest and newest delta not yet decided on (NaN: none). */
  readonly oldest: Float64Array;
  readonly newest: Float64Array;
  lat: number[];
  latNewest: number[];
  ticks: number;
  decisions: number;
  /** Time spent inside runtime.send (the chart taking its ticks). */
  sendMs: number;
}

/** Subscribes the decision path: each fresh reading becomes a tick sent to the symbol's actor. */
function decide(features: FeatureService, fleet: Fleet, clock: SystemClock, index: ReadonlyMap<string, number>, probe: Probe): Subscription {
  const { runtime, eventLog } = fleet;
  return features.read$.subscribe((id) => {
    const i = index.get(id);
    const tick = tickOf(features, id, clock.now());
    if (i === undefined || !tick) return;
    const actor = symbolActorId(id);
    const before = runtime.snapshot(actor);
    probe.ticks++;
    const sent = performance.now();
    runtime.send(actor, tick);
    const t = performance.now();
    probe.sendMs += t - sent;
    const after = runtime.snapshot(actor);
    // A new snapshot object is the chart having taken this tick (every tick assigns to context).
    if (after === before || after === undefined) return;
    probe.decisions++;
    const state = String(after.value);
    if (state !== String(before?.value) && state.startsWith('ARMED_')) {
      // As the service does: what the chart armed on is kept with the decision.
      eventLog.append({ type: 'symbol.armed', actor, data: { side: state === 'ARMED_LONG' ? 'long' : 'short', scoreLong: tick.scoreLong, scoreShort: tick.scoreShort, regime: tick.regime } });
    }
    if (!Number.isNaN(probe.oldest[i]!)) {
      probe.lat.push(t - probe.oldest[i]!);
      probe.latNewest.push(t - probe.newest[i]!);
    }
    probe.oldest[i] = Number.NaN;
    probe.newest[i] = Number.NaN;
  });
}

/** Runs `turns` event-loop turns of the flood; resolves after the last turn's ticks were decided. */
function flood(market: MarketData, syms: BenchSymbol[], clock: SystemClock, probe: Probe, o: ScalperTicksOptions, turns: number, cursor: { k: number; trades: number }): Promise<{ ms: number; deltas: number; ingestMs: number }> {
  return new Promise((done, fail) => {
    let turn = 0;
    let deltas = 0;
    let ingestMs = 0;
    const t0 = performance.now();
    const step = (): void => {
      // The previous turn's conflated flush was queued before this step, so it has run.
      if (turn === turns) return done({ ms: performance.now() - t0, deltas, ingestMs });
      turn++;
      const now = clock.now();
      const start = performance.now();
      for (let d = 0; d < o.deltasPerTurn; d++) {
        const i = cursor.k++ % syms.length;
        const s = syms[i]!;
        const levels = s.deltas[s.next]!;
        s.next = (s.next + 1) % s.deltas.length;
        const ev: BookDelta = { kind: 'book.delta', instrument: s.inst.id, tsEvent: now, tsRecv: now, seq: ++s.seq, bids: levels.bids, asks: levels.asks };
        const arrived = performance.now();
        if (Number.isNaN(probe.oldest[i]!)) probe.oldest[i] = arrived;
        probe.newest[i] = arrived;
        if (market.ingest(ev, s.sync) !== 'applied') return fail(new Error(`scalper bench: delta ${s.seq} of ${s.inst.id} was not applied (${s.sync.reason})`));
        deltas++;
        if (o.tradeEvery > 0 && deltas % o.tradeEvery === 0) {
          const buy = (cursor.trades & 1) === 0;
          const price = buy ? s.sync.book.asks.best() : s.sync.book.bids.best();
          market.ingest({ kind: 'trade', instrument: s.inst.id, tsEvent: now, tsRecv: now, tradeId: String(++cursor.trades), price, qty: 1 + (cursor.trades % 50), aggressor: buy ? 'buy' : 'sell' }, s.sync);
        }
      }
      ingestMs += performance.now() - start;
      setImmediate(step);
    };
    setImmediate(step);
  });
}

/** Measures the scalper's tick path; see the file comment for what is timed. */
export async function measureScalperTicks(options: Partial<ScalperTicksOptions> = {}): Promise<ScalperTicksResult> {
  const o = { ...DEFAULTS, ...options };
  const config = defaultConfig();
  const clock = new SystemClock();
  const { gc, how } = findGc();
  const { market, syms } = buildMarket(o.symbols, config.market.tapeSize, () => clock.now());
  const index = new Map(syms.map((s, i) => [s.inst.id, i]));
  let log: ((type: string, actor: string, data: Record<string, unknown>) => void) | undefined;
  const features = new FeatureService({ market, clock, news: new NewsBoard(), fees: () => ({ maker: 0.0002, taker: 0.00055 }), leverage: config.execution.leverage, log: (t, a, d) => log?.(t, a, d) });
  features.start();
  const probe: Probe = { oldest: new Float64Array(o.symbols).fill(Number.NaN), newest: new Float64Array(o.symbols).fill(Number.NaN), lat: [], latNewest: [], ticks: 0, decisions: 0, sendMs: 0 };
  const cursor = { k: 0, trades: 0 };
  const rates: number[] = [];
  const dRates: number[] = [];
  const perTick: number[] = [];
  const ingestShare: number[] = [];
  const sendShare: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  const n50: number[] = [];
  const n99: number[] = [];
  let max = 0;
  let ticks = 0;
  let decisions = 0;
  let transitions = 0;
  const states: Record<string, number> = {};
  let withActors = 0;
  try {
    await withTempDir('scalper', async (dir) => {
      const fleet = await openFleet(dir);
      log = (type, actor, data) => void fleet.eventLog.append({ type, actor, data });
      const { runtime } = fleet;
      // A placed entry is refused at once, as SIGNAL mode's limits may: the chart goes back to FLAT.
      const logic = symbolMachine.provide({ actions: { placeEntry: ({ context }) => queueMicrotask(() => runtime.send(context.id, { type: 'entry.failed', at: clock.now(), reason: 'bench: no orders' })), cancelEntry: () => undefined } });
      const subs: Subscription[] = [];
      try {
        await runtime.start();
        const input = (id: string) => ({ id, watchThreshold: config.scalper.watchThreshold, armThreshold: config.scalper.armThreshold, cooldownMs: COOLDOWN_MS });
        await runtime.spawnAll(syms.map((s) => ({ id: symbolActorId(s.inst.id), spec: { kind: 'symbol', logic, durable: false, input: input(symbolActorId(s.inst.id)) } })));
        subs.push(decide(features, fleet, clock, index, probe));
        await flood(market, syms, clock, probe, o, o.warmupTurns, cursor);
        subs.push(runtime.transitions$.subscribe((t) => void (t.actor.startsWith('symbol:') && transitions++)));
        for (let r = 0; r < o.runs; r++) {
          Object.assign(probe, { lat: [], latNewest: [], ticks: 0, decisions: 0, sendMs: 0 });
          const { ms, deltas, ingestMs } = await flood(market, syms, clock, probe, o, o.turnsPerRun, cursor);
          rates.push((probe.decisions / ms) * 1000);
          dRates.push((deltas / ms) * 1000);
          ingestShare.push(ingestMs / ms);
          sendShare.push(probe.sendMs / ms);
          perTick.push(deltas / probe.ticks);
          p50.push(quantile(probe.lat, 0.5));
          p99.push(quantile(probe.lat, 0.99));
          n50.push(quantile(probe.latNewest, 0.5));
          n99.push(quantile(probe.latNewest, 0.99));
          for (const x of probe.lat) if (x > max) max = x;
          ticks += probe.ticks;
          decisions += probe.decisions;
          progress(`scalper: run ${r + 1}/${o.runs}: ${fmt(rates[r]!)} ticks/s to ${o.symbols} actors, ${fmt(perTick[r]!, 1)} deltas/tick, p50 ${fmt(p50[r]!, 2)} ms, p99 ${fmt(p99[r]!, 2)} ms`);
          await pause(20);
        }
        for (const a of runtime.list()) if (a.kind === 'symbol') states[a.state] = (states[a.state] ?? 0) + 1;
        Object.assign(probe, { lat: [], latNewest: [] });
        await runtime.settle();
        withActors = heapAfterGc(gc);
      } finally {
        for (const s of subs) s.unsubscribe();
        log = undefined;
        await fleet.close();
      }
    });
    // The runtime, its actors and the store are unreachable now; the market and features remain.
    const without = heapAfterGc(gc);
    return {
      symbols: o.symbols,
      ticksPerSec: median(rates),
      deltasPerSec: median(dRates),
      deltasPerTick: median(perTick),
      ingestShare: median(ingestShare),
      sendShare: median(sendShare),
      p50: median(p50),
      p99: median(p99),
      newestP50: median(n50),
      newestP99: median(n99),
      max,
      ticksPerSecRuns: rates,
      p99Runs: p99,
      ticks,
      decisions,
      transitions,
      states,
      bytesPerActor: (withActors - without) / o.symbols,
      gc: how,
    };
  } finally {
    features.stop();
  }
}

/** Returns the rows of the scalper measurement. */
export async function benchScalperTicks(options: Partial<ScalperTicksOptions> = {}): Promise<Row[]> {
  const o = { ...DEFAULTS, ...options };
  const r = await measureScalperTicks(o);
  const pct = (x: number): string => `${fmt(x * 100)}%`;
  const stateList = Object.entries(r.states).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ');
  return [
    {
      measurement: `scalper: conflated ticks → ${r.symbols} symbol actors`,
      value: fmt(r.ticksPerSec),
      unit: 'ticks/s',
      notes: `flood of ${fmt(r.deltasPerSec)} book deltas/s (+1 trade per ${o.tradeEvery}), ${fmt(r.deltasPerTick, 1)} deltas conflated per tick; wall time: ${pct(r.ingestShare)} ingest (book sync, features onBook, tape), ${pct(r.sendShare)} in runtime.send (the chart), the rest reading features/regime/scores; ${spread(r.ticksPerSecRuns)}`,
    },
    {
      measurement: '  tick-to-decision p50',
      value: fmt(r.p50, 2),
      unit: 'ms',
      notes: `oldest delta of the tick at ingest → actor took the tick; from the newest delta ${fmt(r.newestP50, 2)} ms; ${fmt(r.decisions)}/${fmt(r.ticks)} ticks taken`,
    },
    {
      measurement: '  tick-to-decision p99',
      value: fmt(r.p99, 2),
      unit: 'ms',
      notes: `from the newest delta ${fmt(r.newestP99, 2)} ms; max ${fmt(r.max, 2)} ms; ${spread(r.p99Runs, 2)}; ${fmt(r.transitions)} chart transitions; end states: ${stateList}`,
    },
    {
      measurement: '  memory per symbol actor',
      value: fmt(r.bytesPerActor / 1024, 1),
      unit: 'KiB',
      notes: `heap with the ${r.symbols} actors running (after the runs, settled) minus heap after their runtime closed, ÷ ${r.symbols}; each actor's XState actor, snapshot, runtime entry and ring of recent transitions, plus the runtime's fixed parts (store, queue, log) spread over them; ${r.gc}`,
    },
  ];
}
