/**
 * Measurement `matching`: requests/s through the simulator's matching engine for a realistic mix
 * on one symbol and spread over 50: GTC limits resting away from the touch (35%), cancels of
 * open ones (30%), IOC takers through the touch (15%), and market updates (20%: three level
 * changes and often a trade, which fill resting orders by queue position). The script is seeded
 * and built before timing, so a run times only the engine; one subscriber listens, as a venue's
 * private side does, so event snapshots are paid for. Medians of repeated runs, a fresh engine
 * each, after two untimed warm-up runs.
 */
import { performance } from 'node:perf_hooks';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { SimBookChange, SimTrade } from '../sim/protocolServer.ts';
import { createMatchingEngine } from '../sim/matching/engine.ts';
import type { SimOrderRequest } from '../sim/matching/types.ts';
import { fmt, median, pause, progress, spread, type Row } from './util.ts';
import { rngFn } from './syntheticBook.ts';

const OPS = 100_000;
const RUNS = 5;
const WARMUP_RUNS = 2;
const ACCOUNTS = 20;
/** Market levels per side kept around the mid, in ticks. */
const BAND = 25;

type Op =
  | { readonly kind: 'place'; readonly req: SimOrderRequest; readonly rests: boolean }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'market'; readonly symbol: string; readonly change: SimBookChange; readonly trades: readonly SimTrade[] };

function spec(i: number): InstrumentSpec {
  return { venue: 'binance-spot', symbol: `S${i}USDT`, kind: 'spot', base: `S${i}`, quote: 'USDT', tickSize: '0.01', lotSize: '0.001' };
}

const px = (ticks: number): string => (ticks / 100).toFixed(2);
const qty = (lots: number): string => (lots / 1000).toFixed(3);

/** Builds the seeded op script over `symbols` symbols, plus the books to start from. */
function script(symbols: number, seed: number): { specs: InstrumentSpec[]; seeds: SimBookChange[]; ops: Op[] } {
  const rnd = rngFn(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const specs = Array.from({ length: symbols }, (_, i) => spec(i));
  const mids = specs.map(() => 10_000);
  const books = specs.map(() => ({ bids: new Map<number, number>(), asks: new Map<number, number>() }));
  const seeds = specs.map((_, i) => {
    const change: SimBookChange = {
      bids: Array.from({ length: BAND }, (_, k) => [px(mids[i]! - 1 - k), qty(int(100, 5000))] as const),
      asks: Array.from({ length: BAND }, (_, k) => [px(mids[i]! + 1 + k), qty(int(100, 5000))] as const),
    };
    for (const [p, q] of change.bids!) books[i]!.bids.set(Math.round(Number(p) * 100), Number(q));
    for (const [p, q] of change.asks!) books[i]!.asks.set(Math.round(Number(p) * 100), Number(q));
    return change;
  });
  const ops: Op[] = [];
  let tradeId = 0;
  for (let n = 0; n < OPS; n++) {
    const s = int(0, symbols - 1);
    const symbol = specs[s]!.symbol;
    const mid = mids[s]!;
    const account = `acct${int(0, ACCOUNTS - 1)}`;
    const r = rnd();
    if (r < 0.35) {
      const buy = rnd() < 0.5;
      const price = buy ? mid - int(1, BAND) : mid + int(1, BAND);
      ops.push({ kind: 'place', rests: true, req: { account, symbol, side: buy ? 'buy' : 'sell', type: 'limit', tif: 'GTC', price: px(price), qty: qty(int(1, 2000)) } });
    } else if (r < 0.65) {
      ops.push({ kind: 'cancel', pick: rnd() });
    } else if (r < 0.8) {
      const buy = rnd() < 0.5;
      const price = buy ? mid + int(0, 3) : mid - int(0, 3);
      ops.push({ kind: 'place', rests: false, req: { account, symbol, side: buy ? 'buy' : 'sell', type: 'limit', tif: 'IOC', price: px(price), qty: qty(int(1, 3000)) } });
    } else {
      ops.push(marketOp(s, symbol, mids, books[s]!, int, rnd, () => `m${++tradeId}`));
    }
  }
  return { specs, seeds, ops };
}

/** A market update: the mid may step, levels change within the band, and often a trade prints at the touch. */
function marketOp(
  s: number,
  symbol: string,
  mids: number[],
  book: { bids: Map<number, number>; asks: Map<number, number> },
  int: (lo: number, hi: number) => number,
  rnd: () => number,
  nextId: () => string,
): Op {
  const bids: [string, string][] = [];
  const asks: [string, string][] = [];
  const step = rnd() < 0.3 ? (rnd() < 0.5 ? -1 : 1) : 0;
  const mid = (mids[s] = mids[s]! + step);
  // Keep the market uncrossed: the new mid's side loses what the step left on the wrong side.
  for (const p of [...book.bids.keys()]) if (p >= mid) (book.bids.delete(p), bids.push([px(p), '0']));
  for (const p of [...book.asks.keys()]) if (p <= mid) (book.asks.delete(p), asks.push([px(p), '0']));
  for (let k = 0; k < 3; k++) {
    const buy = rnd() < 0.5;
    const p = buy ? mid - int(1, BAND) : mid + int(1, BAND);
    const lots = rnd() < 0.2 ? 0 : int(100, 5000);
    (buy ? book.bids : book.asks)[lots === 0 ? 'delete' : 'set'](p, lots);
    (buy ? bids : asks).push([px(p), qty(lots)]);
  }
  const trades: SimTrade[] = [];
  if (rnd() < 0.6) {
    const buy = rnd() < 0.5;
    trades.push({ id: nextId(), side: buy ? 'buy' : 'sell', price: px(buy ? mid + int(1, 2) : mid - int(1, 2)), qty: qty(int(1, 3000)), ts: 0 });
  }
  return { kind: 'market', symbol, change: { bids, asks }, trades };
}

/** Runs the script once on a fresh engine; returns requests (places + cancels) per second and the fills seen. */
function runOnce(s: ReturnType<typeof script>): { rate: number; fills: number; requests: number } {
  let clock = 0;
  const e = createMatchingEngine({ venue: 'binance-spot', instruments: s.specs, fees: { maker: 0.0002, taker: 0.0005 }, now: () => clock });
  let fills = 0;
  e.subscribe((ev) => {
    if (ev.kind === 'fill') fills++;
  });
  for (let a = 0; a < ACCOUNTS; a++) {
    e.deposit(`acct${a}`, 'USDT', '1000000000');
    for (const sp of s.specs) e.deposit(`acct${a}`, sp.base, '1000000');
  }
  s.specs.forEach((sp, i) => e.onMarket(sp.symbol, s.seeds[i]!, []));
  const open: { account: string; symbol: string; orderId: string }[] = [];
  let requests = 0;
  const t0 = performance.now();
  for (const op of s.ops) {
    clock++;
    if (op.kind === 'market') {
      e.onMarket(op.symbol, op.change, op.trades);
      continue;
    }
    requests++;
    if (op.kind === 'cancel') {
      if (open.length === 0) continue;
      const i = Math.floor(op.pick * open.length);
      const o = open[i]!;
      open[i] = open[open.length - 1]!;
      open.pop();
      e.cancel(o.account, o.symbol, { orderId: o.orderId });
      continue;
    }
    const r = e.place(op.req);
    if ('reject' in r) throw new Error(`bench order rejected: ${r.reject.code} ${r.reject.message}`);
    if (op.rests && r.order.status !== 'filled') open.push({ account: op.req.account, symbol: op.req.symbol, orderId: r.order.orderId });
  }
  const ms = performance.now() - t0;
  return { rate: requests / (ms / 1000), fills, requests };
}

/** Returns the table rows of the matching measurement. */
export async function benchMatching(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const symbols of [1, 50]) {
    const s = script(symbols, 7 + symbols);
    for (let w = 0; w < WARMUP_RUNS; w++) runOnce(s); // the JIT settles over the first runs
    const rates: number[] = [];
    let last = { fills: 0, requests: 0 };
    for (let k = 0; k < RUNS; k++) {
      const r = runOnce(s);
      rates.push(r.rate);
      last = r;
      progress(`matching: ${symbols} symbol(s), run ${k + 1}/${RUNS}: ${fmt(r.rate)} requests/s`);
      await pause(20);
    }
    rows.push({
      measurement: `matching engine, ${symbols === 1 ? '1 symbol' : `${symbols} symbols`} (${fmt(OPS)} ops)`,
      value: fmt(median(rates)),
      unit: 'requests/s',
      notes: `place+cancel per s incl. market updates (35% GTC, 30% cancel, 15% IOC, 20% updates); ${fmt(last.requests)} requests, ${fmt(last.fills)} fills per run; ${spread(rates)}`,
    });
  }
  return rows;
}
