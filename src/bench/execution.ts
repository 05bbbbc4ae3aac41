/**
 * Measurement `execution`: the order path in-process, with the real components: ActorRuntime,
 * LevelDB write queue and event log on the wall clock, the real OrderManager (durable order
 * actors: the SUBMITTED snapshot is fsynced before the request leaves), the real pre-trade checks
 * (src/risk/preTrade.ts) over a context built as the execution service builds it (ledger
 * balance and equity, risk engine heat and blocks, open orders, default limits), and the paper
 * adapter at latency 0 over a deep book, so market orders fill at once. The adapter is wrapped
 * to time when `place()` is invoked: decision-to-request latency runs from `submit()` called to
 * that moment. Paths: market orders one at a time and in concurrent batches (latency and
 * orders/s), orders denied by the checks (orders/s), and checkOrder alone. The store's `batch`
 * is wrapped too, to count fsynced commits and the wall time they take (the notes column).
 * Every path of every run gets a fresh data dir and an untimed warm-up; medians of the runs.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { SystemClock } from '../core/clock.ts';
import { silentLogger } from '../core/logger.ts';
import { defaultConfig } from '../config/load.ts';
import { makeInstrument } from '../model/instrument.ts';
import { Ledger } from '../risk/ledger.ts';
import { RiskEngine } from '../risk/riskEngine.ts';
import { checkOrder, type PreTradeContext, type PreTradeOrder } from '../risk/preTrade.ts';
import { riskLimits } from '../execution/service.ts';
import { createPaperAdapter } from '../execution/paper.ts';
import { OrderManager, type OrderIntent, type PreTradeInput, type PreTradeVerdict } from '../execution/orderManager.ts';
import type { PrivateAdapter } from '../execution/types.ts';
import type { Store } from '../runtime/store.ts';
import { fmt, median, openFleet, pause, progress, quantile, spread, withTempDir, type Fleet, type Row } from './util.ts';

export interface ExecutionBenchOptions {
  /** Orders per run in each path (sequential, concurrent, denied). */
  readonly orders?: number;
  /** Orders submitted together in the concurrent path. */
  readonly concurrency?: number;
  readonly runs?: number;
  /** checkOrder calls per run of the pure pre-trade measurement. */
  readonly checks?: number;
}

const DEFAULTS: Required<ExecutionBenchOptions> = { orders: 2_000, concurrency: 50, runs: 3, checks: 200_000 };
/** Untimed orders before each timed path. */
const WARMUP_ORDERS = 50;

const CONFIG = defaultConfig();
const VENUE = 'bybit-linear' as const;
const SPEC = { venue: VENUE, symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', minNotional: '5' } as const;
const INST = makeInstrument(SPEC);
const FEES = { maker: 0.0002, taker: 0.00055 };
const BALANCE = 100_000;
/** The book: best bid 49,999.9, best ask 50,000.0, 50 levels a side of 100 BTC, so no run drains it. */
const BEST_BID = 499_999;
const BEST_ASK = 500_000;
const LEVELS = 50;
const LEVEL_LOTS = 100_000;
const MARK = '50000.0';

type Path = 'fill' | 'deny';

/** One run's numbers: latencies (ms) from submit() to place(), the rate until the last write is on disk, and the fsynced commits. */
interface PathResult {
  readonly latencies: number[];
  readonly rate: number;
  readonly fsyncsPerOrder: number;
  /** Share of the path's wall time with an fsynced LevelDB commit in flight (they run one after another). */
  readonly fsyncShare: number;
}

/** Fsynced commits seen at the store (a `batch` with `sync: true`) and the time they took. */
interface DiskStats {
  fsyncs: number;
  fsyncMs: number;
}

/** Wraps the store's `batch` to count and time fsynced commits; the write queue's calls go through it. */
function watchDisk(db: Store['db']): DiskStats {
  const stats: DiskStats = { fsyncs: 0, fsyncMs: 0 };
  type Batch = (ops: unknown, opts?: { sync?: boolean }) => Promise<void>;
  const batch = db.batch.bind(db) as Batch;
  const timed: Batch = async (ops, opts) => {
    if (!opts?.sync) return opts ? batch(ops, opts) : batch(ops);
    const t = performance.now();
    try {
      return await batch(ops, opts);
    } finally {
      stats.fsyncs++;
      stats.fsyncMs += performance.now() - t;
    }
  };
  (db as unknown as { batch: Batch }).batch = timed;
  return stats;
}

/** The execution service's order path, composed as src/execution/service.ts composes it. */
interface Rig {
  readonly fleet: Fleet;
  readonly om: OrderManager;
  /** performance.now() when place() was invoked, by client order id. */
  readonly placedAt: Map<string, number>;
  readonly disk: DiskStats;
  close(): Promise<void>;
}

async function openRig(dir: string): Promise<Rig> {
  const fleet = await openFleet(dir);
  await fleet.runtime.start();
  const clock = new SystemClock();
  const paper = createPaperAdapter({ venue: VENUE, instruments: [SPEC], fees: FEES, clock, latencyMs: 0, startingBalance: BALANCE });
  const side = (best: number, step: number): number[] => Array.from({ length: LEVELS }, (_, k) => [best + step * k, LEVEL_LOTS]).flat();
  const now = clock.now();
  paper.onMarket({ kind: 'book.snapshot', instrument: INST.id, tsEvent: now, tsRecv: now, seq: 1, bids: side(BEST_BID, -1), asks: side(BEST_ASK, 1) });
  const placedAt = new Map<string, number>();
  const timed = new Proxy(paper, {
    get(target, key) {
      if (key === 'place') return (req: Parameters<PrivateAdapter['place']>[0]) => (placedAt.set(req.clientOrderId, performance.now()), target.place(req));
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const ledger = new Ledger();
  ledger.deposit(VENUE, INST.quote, String(BALANCE));
  const limits = riskLimits(CONFIG);
  const risk = new RiskEngine(limits);
  const om: OrderManager = new OrderManager({
    runtime: fleet.runtime,
    eventLog: fleet.eventLog,
    clock,
    logger: silentLogger(),
    instrument: (id) => (id === INST.id ? INST : undefined),
    instrumentOf: (v, s) => (v === VENUE && s === INST.symbol ? INST : undefined),
    adapter: (v) => (v === VENUE ? timed : undefined),
    preTrade: (input) => preTrade(input, { ledger, risk, limits, openOrders: () => om.open().length, now: () => clock.now() }),
    applyFill: (f) =>
      ledger.applyFill({
        venue: f.venue, instrument: f.instrument.id, kind: f.instrument.kind, base: f.instrument.base, quote: f.instrument.quote, side: f.fill.side,
        qty: f.fill.qty, price: f.fill.price, contractSize: f.instrument.contractSize, fee: f.fill.fee, feeAsset: f.fill.feeAsset, tradeId: f.fill.tradeId, ts: f.fill.ts,
      }),
    outcome: (v, instrument, ok, reason) => (ok ? risk.orderSucceeded(v, instrument) : void risk.orderFailed(clock.now(), v, instrument, reason ?? '')),
    unknownNotFoundMs: CONFIG.execution.unknownNotFoundMs,
    retireAfterMs: CONFIG.execution.retireAfterMs,
  });
  const sub = paper.events$.subscribe((ev) => {
    if (ev.kind === 'order') om.onOrderUpdate(VENUE, ev.order);
    else if (ev.kind === 'fill') om.onFill(VENUE, ev.fill);
    else if (ev.kind === 'balance' && ledger.balance(VENUE, ev.balance.asset) !== ev.balance.total) ledger.setBalance(VENUE, ev.balance.asset, ev.balance.total);
  });
  await paper.start();
  await fleet.runtime.settle();
  return {
    fleet,
    om,
    placedAt,
    disk: watchDisk(fleet.store.db),
    close: async () => {
      om.stop();
      await paper.stop();
      sub.unsubscribe();
      await fleet.close();
    },
  };
}

interface PreTradeState {
  readonly ledger: Ledger;
  readonly risk: RiskEngine;
  readonly limits: ReturnType<typeof riskLimits>;
  openOrders(): number;
  now(): number;
}

/** The service's pre-trade gate (ExecutionService.preTrade) in DRY mode with a normal portfolio. */
function preTrade({ intent, instrument, qtyLots, priceTicks }: PreTradeInput, s: PreTradeState): PreTradeVerdict {
  const equity = s.ledger.equity(() => MARK);
  const res = checkOrder(
    {
      venue: instrument.venue,
      instrument,
      side: intent.side,
      type: intent.type,
      qtyLots,
      ...(priceTicks !== null ? { priceTicks } : {}),
      refPriceTicks: priceTicks ?? (intent.side === 'buy' ? BEST_ASK : BEST_BID),
      reduceOnly: intent.reduceOnly ?? false,
      ...(intent.riskQuote ? { riskQuote: intent.riskQuote } : {}),
      leverage: CONFIG.execution.leverage,
    },
    context(s, equity),
  );
  if (res.ok && intent.riskQuote && !intent.reduceOnly) s.risk.setPositionRisk(instrument.id, intent.riskQuote);
  return res;
}

function context(s: PreTradeState, equity: string): PreTradeContext {
  return {
    mode: 'dry',
    armed: false,
    portfolioState: 'normal',
    blocked: (v, i, ro) => s.risk.blocked(v, i, s.now(), ro),
    limits: s.limits,
    openOrders: s.openOrders(),
    heat: s.risk.heat(equity),
    equity,
    free: (v, asset) => s.ledger.balance(v, asset),
    takerFee: () => String(FEES.taker),
  };
}

/** A market order that fills (0.01 BTC, sides alternating so the position stays small) or one above maxOrderNotional (1 BTC ≈ 50,000 USDT). */
function intent(path: Path, tag: string, i: number): OrderIntent {
  return {
    strategy: 'bench',
    intentId: `${tag}-${i}`,
    leg: 0,
    instrument: INST.id,
    side: i % 2 === 0 ? 'buy' : 'sell',
    type: 'market',
    qty: path === 'fill' ? '0.010' : '1.000',
    riskQuote: '5',
  };
}

/** What submit() resolves with: the paper ack (or the fill that overtook it), or the denial. */
const ANSWERED: Record<Path, readonly string[]> = { fill: ['ACCEPTED', 'PARTIALLY_FILLED', 'FILLED'], deny: ['DENIED'] };

/**
 * Submits `orders` orders, `concurrency` at a time (1: each awaited before the next); the rate
 * counts until the last write is on disk. Afterwards (untimed) every order must have ended as the
 * path says: FILLED through the paper engine, or DENIED without reaching it.
 */
async function runPath(rig: Rig, path: Path, tag: string, orders: number, concurrency: number): Promise<PathResult> {
  const latencies: number[] = [];
  const cids: string[] = [];
  const one = async (i: number): Promise<void> => {
    const t = performance.now();
    const out = await rig.om.submit(intent(path, tag, i));
    if (!ANSWERED[path].includes(out.status)) throw new Error(`bench order ${out.clientOrderId} answered ${out.status} (${out.reason ?? 'no reason'})`);
    cids.push(out.clientOrderId);
    const placed = rig.placedAt.get(out.clientOrderId);
    if (placed !== undefined) latencies.push(placed - t);
  };
  const disk0 = { ...rig.disk };
  const t0 = performance.now();
  for (let i = 0; i < orders; i += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, orders - i) }, (_, k) => one(i + k)));
  }
  await rig.fleet.runtime.settle();
  const ms = performance.now() - t0;
  const fsyncs = rig.disk.fsyncs - disk0.fsyncs;
  const fsyncMs = rig.disk.fsyncMs - disk0.fsyncMs;
  const final = path === 'fill' ? 'FILLED' : 'DENIED';
  const wrong = cids.filter((cid) => rig.om.status(cid) !== final);
  if (wrong.length > 0) throw new Error(`bench: ${wrong.length} of ${orders} orders did not end ${final} (first: ${rig.om.status(wrong[0]!)})`);
  if (latencies.length !== (path === 'fill' ? orders : 0)) throw new Error(`bench: ${latencies.length} of ${orders} ${path} orders reached place()`);
  return { latencies, rate: orders / (ms / 1000), fsyncsPerOrder: fsyncs / orders, fsyncShare: fsyncMs / ms };
}

/** Returns checkOrder calls per second over a fixed realistic context (the context's own cost excluded). */
function checksPerSecond(checks: number): number {
  const ledger = new Ledger();
  ledger.deposit(VENUE, INST.quote, String(BALANCE));
  const limits = riskLimits(CONFIG);
  const risk = new RiskEngine(limits);
  risk.setPositionRisk(INST.id, '5');
  const ctx = context({ ledger, risk, limits, openOrders: () => 3, now: () => 0 }, ledger.equity(() => MARK));
  const orders: PreTradeOrder[] = (['buy', 'sell'] as const).map((side) => ({
    venue: VENUE, instrument: INST, side, type: 'market', qtyLots: 10, refPriceTicks: side === 'buy' ? BEST_ASK : BEST_BID, reduceOnly: false, riskQuote: '5', leverage: 1,
  }));
  let passed = 0;
  const t0 = performance.now();
  for (let i = 0; i < checks; i++) if (checkOrder(orders[i & 1]!, ctx).ok) passed++;
  const ms = performance.now() - t0;
  if (passed !== checks) throw new Error(`bench pre-trade: ${checks - passed} of ${checks} realistic orders refused`);
  return checks / (ms / 1000);
}

/** Runs one path on a fresh rig (its own data dir), after an untimed warm-up of the same path. */
async function onFreshRig(dir: string, path: Path, tag: string, orders: number, concurrency: number): Promise<PathResult> {
  const rig = await openRig(dir);
  try {
    await runPath(rig, path, `${tag}-warm`, Math.min(WARMUP_ORDERS, orders), concurrency); // JIT, LevelDB files and caches settle
    return await runPath(rig, path, tag, orders, concurrency);
  } finally {
    await rig.close();
  }
}

/** Returns the table rows of the execution measurement. */
export async function benchExecution(options: ExecutionBenchOptions = {}): Promise<Row[]> {
  const o = { ...DEFAULTS, ...options };
  const seq: PathResult[] = [];
  const conc: PathResult[] = [];
  const deny: PathResult[] = [];
  const checks: number[] = [];
  await withTempDir('execution', async (base) => {
    for (let k = 0; k < o.runs; k++) {
      seq.push(await onFreshRig(join(base, `seq${k}`), 'fill', `seq${k}`, o.orders, 1));
      await pause(20);
      conc.push(await onFreshRig(join(base, `conc${k}`), 'fill', `conc${k}`, o.orders, o.concurrency));
      await pause(20);
      deny.push(await onFreshRig(join(base, `deny${k}`), 'deny', `deny${k}`, o.orders, 1));
      const [s, c, d] = [seq[k]!, conc[k]!, deny[k]!];
      progress(
        `execution: run ${k + 1}/${o.runs}: sequential p50 ${fmt(quantile(s.latencies, 0.5), 2)} ms, ${fmt(s.rate)} orders/s; ` +
          `${o.concurrency} concurrent p50 ${fmt(quantile(c.latencies, 0.5), 2)} ms, ${fmt(c.rate)} orders/s; denied ${fmt(d.rate)} orders/s`,
      );
      await pause(50);
    }
  });
  checksPerSecond(o.checks); // warm-up: the JIT settles
  for (let k = 0; k < o.runs; k++) {
    checks.push(checksPerSecond(o.checks));
    progress(`execution: checkOrder run ${k + 1}/${o.runs}: ${fmt(checks[k]!)} checks/s`);
  }

  const p = (rs: PathResult[], q: number): number[] => rs.map((r) => quantile(r.latencies, q));
  const rates = (rs: PathResult[]): number[] => rs.map((r) => r.rate);
  const disk = (rs: PathResult[]): string =>
    `${fmt(median(rs.map((r) => r.fsyncsPerOrder)), 2)} fsynced commits/order, one in flight ${fmt(100 * median(rs.map((r) => r.fsyncShare)))}% of wall time`;
  const cores = `${cpus().length} cores`;
  const N = fmt(o.orders);
  return [
    {
      measurement: `order decision→request p50, sequential (${N} orders)`,
      value: fmt(median(p(seq, 0.5)), 2),
      unit: 'ms',
      notes: `submit() → paper place(): pre-trade, order actor, fsynced intent; ${cores}; ${disk(seq)}; ${spread(p(seq, 0.5), 2)}`,
    },
    { measurement: '  p99', value: fmt(median(p(seq, 0.99)), 2), unit: 'ms', notes: spread(p(seq, 0.99), 2) },
    {
      measurement: `order decision→request p50, ${o.concurrency} concurrent (${N} orders)`,
      value: fmt(median(p(conc, 0.5)), 2),
      unit: 'ms',
      notes: `batches of ${o.concurrency} submitted at once (group commit); ${disk(conc)}; ${spread(p(conc, 0.5), 2)}`,
    },
    { measurement: '  p99', value: fmt(median(p(conc, 0.99)), 2), unit: 'ms', notes: spread(p(conc, 0.99), 2) },
    {
      measurement: `  throughput, ${o.concurrency} concurrent (full path)`,
      value: fmt(median(rates(conc))),
      unit: 'orders/s',
      notes: `submit → pre-trade → durable → paper ack and fill, until the last write is on disk; ${spread(rates(conc))}`,
    },
    {
      measurement: `pre-trade checkOrder (pure, ${fmt(o.checks)} calls)`,
      value: fmt(median(checks)),
      unit: 'checks/s',
      notes: `all six checks pass (perp market order, exact decimals); context built once; ${spread(checks)}`,
    },
    {
      measurement: 'submit → pre-trade → DENIED, sequential',
      value: fmt(median(rates(deny))),
      unit: 'orders/s',
      notes: `notional above maxOrderNotional: no venue call, still a durable actor + log records; ${disk(deny)}; ${spread(rates(deny))}`,
    },
    {
      measurement: 'submit → paper ack, sequential (full path)',
      value: fmt(median(rates(seq))),
      unit: 'orders/s',
      notes: `each awaited until the paper engine answered (latency 0), fills applied; ${spread(rates(seq))}`,
    },
  ];
}
