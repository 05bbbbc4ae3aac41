/**
 * Measurement `arbitrage`: opportunity evaluations/s across 100 routes. Each route pairs two
 * seeded 50-level books of the same asset (half spot-style 0.001 lots on both legs, half against
 * an OKX-like swap of 0.01-BTC contracts, so the pair grid is not trivial), the second venue's mid
 * dislocated on some routes so both the "trade" and the "no trade" paths run. One evaluation is
 * what a route does per book update: a probe size from the depth within the slippage cap, bestEdge
 * at that size (both directions walked through both books), the depth of the chosen direction and
 * sizeTrade (exact decimals). Books are static during a run: this times the engine, not the book.
 * Medians of repeated runs after untimed warm-ups.
 */
import { performance } from 'node:perf_hooks';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import { BookSide } from '../market/orderBook.ts';
import { bestEdge, type EdgeParams, type LegBook } from '../strategies/arbitrage/edge.ts';
import { pairGrid, type PairGrid } from '../strategies/arbitrage/pairGrid.ts';
import { sizeTrade } from '../strategies/arbitrage/sizing.ts';
import { depthWithin } from '../strategies/arbitrage/vwap.ts';
import { rngFn, synthBook } from './syntheticBook.ts';
import { fmt, median, pause, progress, spread, type Row } from './util.ts';

export interface ArbitrageBenchOptions {
  readonly routes: number;
  readonly evaluations: number;
  readonly runs: number;
  readonly warmupRuns: number;
}

const DEFAULTS: ArbitrageBenchOptions = { routes: 100, evaluations: 200_000, runs: 5, warmupRuns: 2 };

const PARAMS: EdgeParams = { slippageBufferBps: 2, latencyBufferBps: 1, latencyMs: 250, volMultiplier: 1, minNetEdgeBps: 5, calmVolBps: 5, maxVolBps: 50 };
const SLIPPAGE_CAP_BPS = 20;
const BUDGET_QUOTE = 1000;

interface Route {
  readonly a: LegBook;
  readonly b: LegBook;
  readonly grid: PairGrid;
}

const LINEAR = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001', minNotional: '5' });
const LINEAR2 = makeInstrument({ venue: 'binance-usdm', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001', minNotional: '5' });
const SWAP = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '1', contractSize: '0.01' });

/** A 50-level leg around `mid` (quote) within ±0.4% (at least 150 ticks: synthBook needs room for 50 levels), seeded. */
function legBook(inst: Instrument, mid: number, seed: number, takerFee: number): LegBook {
  const tick = Number(inst.tickSize);
  const book = synthBook(rngFn(seed), { levels: 50, deltas: 0, mid: Math.round(mid / tick), band: Math.max(150, Math.round((mid * 0.004) / tick)), maxChanges: 1 });
  // synthBook's sizes go up to 50 000 lots; a tenth keeps a few BTC near the touch on either grid.
  const load = (isBid: boolean, levels: readonly (readonly [number, number])[]): BookSide => {
    const side = new BookSide(isBid);
    side.load(levels.flatMap(([p, q]) => [p, Math.max(1, Math.round(q / (inst === SWAP ? 100 : 10)))]));
    return side;
  };
  return { inst, takerFee, bids: load(true, book.snapshot.bids), asks: load(false, book.snapshot.asks) };
}

function buildRoutes(n: number): Route[] {
  const routes: Route[] = [];
  for (let r = 0; r < n; r++) {
    const mid = 30_000 + 10 * r;
    // Every third route's B is 0.5% rich (a trade); the rest sit on A's mid (no trade).
    const bMid = r % 3 === 0 ? mid * 1.005 : mid;
    const a = legBook(LINEAR, mid, 1000 + r, 0.00055);
    const b = legBook(r % 2 === 0 ? SWAP : LINEAR2, bMid, 5000 + r, 0.0005);
    routes.push({ a, b, grid: pairGrid(a.inst, b.inst) });
  }
  return routes;
}

/** One evaluation; returns 1 when it ends in a tradable size, else 0. */
function evaluate(route: Route): number {
  const { a, b } = route;
  const mid = (a.asks.best() * Number(a.inst.tickSize) + b.bids.best() * Number(b.inst.tickSize)) / 2;
  const probe = Math.min(BUDGET_QUOTE / mid, Math.max(depthWithin(a.asks, a.inst, SLIPPAGE_CAP_BPS), depthWithin(b.asks, b.inst, SLIPPAGE_CAP_BPS)));
  const edge = bestEdge(a, b, probe, 3, PARAMS);
  if (!edge || edge.netBps < edge.thresholdBps) return 0;
  const [buy, sell] = edge.buy === 'a' ? [a, b] : [b, a];
  const s = sizeTrade({
    grid: route.grid,
    buy: buy.inst,
    sell: sell.inst,
    buyPrice: edge.buyVwap,
    sellPrice: edge.sellVwap,
    budgetQuote: BUDGET_QUOTE,
    depthBase: { buy: depthWithin(buy.asks, buy.inst, SLIPPAGE_CAP_BPS), sell: depthWithin(sell.bids, sell.inst, SLIPPAGE_CAP_BPS) },
    free: { buyQuote: 50_000, sellQuote: 50_000, sellBase: 0 },
    leverage: 3,
    headroom: { buy: 10, sell: 10 },
    minOrdersHeadroom: 2,
  });
  return s.ok ? 1 : 0;
}

function runOnce(routes: readonly Route[], evaluations: number): { rate: number; trades: number } {
  let trades = 0;
  const t0 = performance.now();
  for (let k = 0; k < evaluations; k++) trades += evaluate(routes[k % routes.length]!);
  const ms = performance.now() - t0;
  return { rate: evaluations / (ms / 1000), trades };
}

/** Returns the table row of the arbitrage measurement: opportunity evaluations per second over `routes` routes. */
export async function benchArbitrage(options: Partial<ArbitrageBenchOptions> = {}): Promise<Row[]> {
  const o = { ...DEFAULTS, ...options };
  const routes = buildRoutes(o.routes);
  for (let w = 0; w < o.warmupRuns; w++) runOnce(routes, o.evaluations); // the JIT settles over the first runs
  const rates: number[] = [];
  let last = { rate: 0, trades: 0 };
  for (let k = 0; k < o.runs; k++) {
    last = runOnce(routes, o.evaluations);
    rates.push(last.rate);
    progress(`arbitrage: run ${k + 1}/${o.runs}: ${fmt(last.rate)} evaluations/s`);
    await pause(20);
  }
  if (last.trades === 0) throw new Error('arbitrage bench: no evaluation reached a tradable size; the synthetic routes are wrong');
  return [
    {
      measurement: `arbitrage opportunity evaluations (${o.routes} routes)`,
      value: fmt(median(rates)),
      unit: 'evaluations/s',
      notes: `probe depth, bestEdge both directions (VWAP walks), depth + sizeTrade; ${fmt((100 * last.trades) / o.evaluations)}% sized to a trade; ${spread(rates)}`,
    },
  ];
}
