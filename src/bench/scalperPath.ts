/**
 * Pieces of the `scalper` measurement (scalperTicks.ts): the synthetic market of N Bybit perps
 * fed through the real MarketData with synced books, the scalper's `market.tick` built from a
 * feature reading, and a forced GC for the memory figure.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SymbolTick } from '../../machines/symbol.machine.ts';
import type { FeatureService } from '../features/service.ts';
import { BookSync } from '../market/bookSync.ts';
import { MarketData } from '../market/marketData.ts';
import { makeInstrument, type Instrument } from '../model/instrument.ts';
import { highRiskNews, mayOpen } from '../strategies/scalper/regime.ts';
import { rngFn, synthBook, type SynthLevels } from './syntheticBook.ts';

/** Deltas generated per symbol; the stream is replayed in a loop (deleting an absent level is tolerated). */
const DELTAS = 200;
/** As ScalperService: a side whose walls were mostly pulled before touch is not one to arm on. */
const MAX_SIDE_SPOOF = 0.5;

/** A forced full garbage collection. */
export type Gc = () => void;

/** One symbol of the synthetic market: its instrument, its synced book and its delta stream. */
export interface BenchSymbol {
  readonly inst: Instrument;
  readonly sync: BookSync;
  /** Flat [ticks, lots, …] pairs per delta, as a parser hands them over. */
  readonly deltas: readonly { readonly bids: readonly number[]; readonly asks: readonly number[] }[];
  next: number;
  /** Bybit `u` of the last delta sent (each delta is the previous + 1). */
  seq: number;
}

const flat = (levels: SynthLevels['bids']): number[] => levels.flatMap(([p, q]) => [p, q]);

/** Returns a gc function and how it was had: the exposed one, else one enabled at runtime (as bookMemory.ts falls back to). */
export function findGc(): { gc: Gc | undefined; how: string } {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (typeof exposed === 'function') return { gc: exposed, how: 'gc exposed' };
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return { gc: gc as Gc, how: 'gc enabled at runtime' };
  } catch {
    // falls through: no forced GC, and the notes say so
  }
  return { gc: undefined, how: 'NO forced GC: rough' };
}

/** Returns heapUsed after three forced GCs (when a gc is at hand). */
export function heapAfterGc(gc: Gc | undefined): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

/** Returns market data following `n` Bybit perps, each book synced from a 50-level seeded snapshot. */
export function buildMarket(n: number, tapeSize: number, now: () => number): { market: MarketData; syms: BenchSymbol[] } {
  // setImmediate, as the daemon's MarketService schedules the conflated flush.
  const market = new MarketData({ tapeSize, schedule: (fn) => void setImmediate(fn) });
  const syms: BenchSymbol[] = [];
  for (let i = 0; i < n; i++) {
    const inst = makeInstrument({ venue: 'bybit-linear', symbol: `S${i}USDT`, kind: 'perp', base: `S${i}`, quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
    market.registry.upsert([inst]);
    market.feed(inst);
    const synth = synthBook(rngFn(2000 + i), { levels: 50, deltas: DELTAS, mid: 1_000_000 + i, band: 400, maxChanges: 3 });
    const sync = new BookSync(inst.id, 'bybit');
    market.adopt(sync);
    const ts = now();
    const outcome = market.ingest({ kind: 'book.snapshot', instrument: inst.id, tsEvent: ts, tsRecv: ts, seq: 1, bids: flat(synth.snapshot.bids), asks: flat(synth.snapshot.asks) }, sync);
    if (outcome !== 'applied' || !sync.usable) throw new Error(`scalper bench: the snapshot of ${inst.id} did not sync (${outcome}, ${sync.reason})`);
    syms.push({ inst, sync, deltas: synth.deltas.map((d) => ({ bids: flat(d.bids), asks: flat(d.asks) })), next: 0, seq: 1 });
  }
  return { market, syms };
}

/** Returns the scalper's `market.tick` for the latest reading of `id`, built as ScalperService builds it. */
export function tickOf(features: FeatureService, id: string, at: number): SymbolTick | undefined {
  const r = features.reading(id);
  if (!r) return undefined;
  const open = mayOpen(features.globalRegime()?.regime ?? 'GLOBAL_NORMAL') && !r.view.news.fresh;
  const share = (side: 'bid' | 'ask'): number => {
    const p = r.view.walls.pulled[side];
    const a = r.view.walls.absorbed[side];
    return p + a === 0 ? 0 : p / (p + a);
  };
  const flow = r.view.flow.deltaRatio;
  const lean = r.view.imbalance.zonal;
  return {
    type: 'market.tick',
    at,
    regime: r.regime,
    bookSynced: true,
    scoreLong: r.scores.long,
    scoreShort: r.scores.short,
    agreeLong: open && flow > 0 && lean > 0 && share('bid') < MAX_SIDE_SPOOF,
    agreeShort: open && flow < 0 && lean < 0 && share('ask') < MAX_SIDE_SPOOF,
    newsBlock: highRiskNews(r.view),
  };
}
