/**
 * Measurement `features`: ticks per second through one symbol's features and scores, across 500
 * symbols, and the memory each symbol's feature state holds. Each symbol has a 50-level seeded
 * book and its delta stream (src/bench/syntheticBook.ts); one tick = a book delta applied, a
 * trade, then what a symbol actor's conflated tick costs: the wall tracker's update, the flow,
 * the FeatureView (imbalance, walls, flow, micro-volatility, pump engine, fees, news), the
 * symbol regime and both scores. Symbols are visited round-robin so caches see 500 working sets.
 * Memory: heap growth from giving 500 symbols their feature state and candles (their books and
 * the bench's delta streams exist before the first reading) through a warm-up of a few minutes
 * of market each, divided by 500, after a forced GC when the runtime exposes one.
 */
import { performance } from 'node:perf_hooks';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import type { Trade } from '../model/market.ts';
import { OrderBook } from '../market/orderBook.ts';
import { Candles } from '../market/candles.ts';
import { NewsBoard } from '../features/news.ts';
import { SymbolFeatures } from '../features/symbolFeatures.ts';
import { symbolRegime } from '../strategies/scalper/regime.ts';
import { scalpScores } from '../strategies/scalper/score.ts';
import { rngFn, synthBook, type SynthLevels } from './syntheticBook.ts';
import { fmt, median, pause, progress, spread, type Row } from './util.ts';

export interface FeaturesBenchOptions {
  readonly symbols: number;
  readonly ticksPerRun: number;
  readonly runs: number;
}

const DEFAULTS: FeaturesBenchOptions = { symbols: 500, ticksPerRun: 200_000, runs: 5 };
const DELTAS = 400;

interface Sym {
  readonly inst: Instrument;
  readonly book: OrderBook;
  candles: Candles;
  features: SymbolFeatures;
  readonly deltas: readonly SynthLevels[];
  next: number;
}

const flat = (levels: readonly (readonly [number, number])[]): number[] => levels.flatMap(([p, q]) => [p, q]);

function build(n: number): Sym[] {
  const out: Sym[] = [];
  for (let i = 0; i < n; i++) {
    const inst = makeInstrument({ venue: 'bybit-linear', symbol: `S${i}USDT`, kind: 'perp', base: `S${i}`, quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
    const synth = synthBook(rngFn(1000 + i), { levels: 50, deltas: DELTAS, mid: 1_000_000 + i, band: 400, maxChanges: 3 });
    const book = new OrderBook(inst.id);
    book.loadSnapshot(flat(synth.snapshot.bids), flat(synth.snapshot.asks));
    out.push({ inst, book, candles: undefined as unknown as Candles, features: undefined as unknown as SymbolFeatures, deltas: synth.deltas, next: 0 });
  }
  return out;
}

/** Gives each symbol its feature state (built apart from the books so its memory can be told apart). */
function attach(syms: Sym[], news: NewsBoard): void {
  for (const s of syms) {
    s.candles = new Candles(s.inst.id, { history: 120 });
    s.features = new SymbolFeatures(s.inst, { schedule: { maker: 0.0002, taker: 0.00055 }, leverage: 5 }, news);
  }
}

/** One tick of one symbol: a delta, a trade, the view, the regime and the scores. */
function tick(s: Sym, ts: number, seq: number): number {
  const d = s.deltas[s.next]!;
  s.next = (s.next + 1) % s.deltas.length;
  s.book.applyLevels(s.book.bids, flat(d.bids));
  s.book.applyLevels(s.book.asks, flat(d.asks));
  const bid = s.book.bids.best();
  const t: Trade = { kind: 'trade', instrument: s.inst.id, tsEvent: ts, tsRecv: ts, tradeId: String(seq), price: (seq & 1) === 0 ? s.book.asks.best() : bid, qty: 1 + (seq % 50), aggressor: (seq & 1) === 0 ? 'buy' : 'sell' };
  s.candles.onTrade(t);
  s.features.onTrade(t);
  s.features.onBook(s.book, ts);
  const view = s.features.view(s.book, s.candles, ts);
  const { regime } = symbolRegime(view);
  const scores = scalpScores(view, { regime, global: 'GLOBAL_NORMAL' });
  return scores.long + scores.short;
}

function run(syms: Sym[], ticks: number, startTs: number): { rate: number; ts: number } {
  let ts = startTs;
  let sink = 0;
  const t0 = performance.now();
  for (let k = 0; k < ticks; k++) {
    // 500 symbols each ticking about every 50 ms of market time.
    ts += 0.1;
    sink += tick(syms[k % syms.length]!, Math.floor(ts), k);
  }
  const ms = performance.now() - t0;
  if (Number.isNaN(sink)) progress('features: a score was NaN');
  return { rate: (ticks / ms) * 1000, ts };
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** Returns the rows of the features measurement. */
export async function benchFeatures(options: Partial<FeaturesBenchOptions> = {}): Promise<Row[]> {
  const o = { ...DEFAULTS, ...options };
  const news = new NewsBoard();
  const syms = build(o.symbols);
  const before = heapUsed();
  attach(syms, news);
  // Warm up: a few minutes of market per symbol (baselines, candles, walls), untimed.
  let { ts } = run(syms, o.symbols * 400, 1_000_000);
  const warmed = heapUsed();
  const rates: number[] = [];
  for (let k = 0; k < o.runs; k++) {
    const r = run(syms, o.ticksPerRun, ts);
    ts = r.ts;
    rates.push(r.rate);
    progress(`features: run ${k + 1}/${o.runs}: ${fmt(r.rate)} ticks/s over ${o.symbols} symbols`);
    await pause(20);
  }
  const perSymbol = (warmed - before) / o.symbols;
  return [
    {
      measurement: `features + regime + scores, ${o.symbols} symbols`,
      value: fmt(median(rates)),
      unit: 'ticks/s',
      notes: `one tick = book delta + trade + walls + FeatureView + regime + both scores, round-robin; ${spread(rates)}`,
    },
    {
      measurement: '  memory per symbol',
      value: fmt(perSymbol / 1024, 1),
      unit: 'KiB',
      notes: `feature state (walls, flow window, volatility, pump history, baselines) and 2 min of 1s-15s candles, heap growth ÷ ${o.symbols} after warm-up, books not included; ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'after GC' : 'no --expose-gc: an upper bound'}`,
    },
  ];
}
