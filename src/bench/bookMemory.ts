/**
 * Measurement `memory`: what the market state of 500 instruments costs in RAM. 500 books filled
 * to 50 bids / 50 asks through the real path (adapter.parse → BookSync.apply, a snapshot then 20
 * deltas each), once on Bybit frames (no raw strings kept) and once on OKX frames (the exact
 * price/size strings kept for the CRC32 checksum, as OKX and Bitget books do); 500 TradeTapes at
 * the default capacity, empty and full; 500 Candles (four series of 300).
 *
 * Retained sizes are differences of `process.memoryUsage()` around building the objects, each
 * taken after forced full GCs. `fleet bench` runs without --expose-gc (bin/fleet.js starts the CLI
 * in-process), so this runs in a child `node --expose-gc --import tsx`, which also gives it a clean
 * heap; should that fail it measures in this process with gc enabled at runtime, or (last resort)
 * without forced GC, and the notes say which. Typed arrays are off the V8 heap (`external`), so
 * both heap and external are reported.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import type { PublicAdapter } from '../adapters/types.ts';
import { BookSync } from '../market/bookSync.ts';
import { Candles } from '../market/candles.ts';
import { DEFAULT_TAPE_CAPACITY, TradeTape } from '../market/tape.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../model/instrument.ts';
import type { Trade } from '../model/market.ts';
import { bybitFrames, decimalText, okxFrames, rngFn, synthBook } from './syntheticBook.ts';
import { fmt, median, progress, spread, type Row } from './util.ts';

const INSTRUMENTS = 500;
const LEVELS = 50;
const DELTAS = 20;
const RUNS = 5;
const CHILD_TIMEOUT_MS = 300_000;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Retained {
  /** V8 heap bytes (heapUsed delta). */
  heap: number;
  /** Off-heap bytes (external delta: typed-array backing stores). */
  external: number;
}

interface CaseResult {
  readonly runs: Retained[];
}

interface MemoryResult {
  readonly emptyBooks: CaseResult;
  readonly books: CaseResult;
  readonly rawBooks: CaseResult;
  readonly emptyTapes: CaseResult;
  readonly fullTapes: CaseResult;
  readonly candles: CaseResult;
  /** Average bytes of a raw price/size string pair as the OKX frames carried them. */
  readonly rawChars: number;
}

type Gc = () => void;

function usage(): Retained {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external };
}

function settle(gc: Gc): void {
  for (let i = 0; i < 3; i++) gc();
}

/** Returns what `build`'s result retains (after GC on both sides); `check` sees the result first. */
function retained<T>(gc: Gc, build: () => T, check: (v: T) => void): Retained {
  settle(gc);
  const before = usage();
  let value: T | undefined = build();
  settle(gc);
  const after = usage();
  check(value);
  value = undefined;
  return { heap: after.heap - before.heap, external: after.external - before.external };
}

function lookupOf(list: readonly Instrument[]): InstrumentLookup {
  const m = new Map(list.map((i) => [i.symbol, i]));
  return (s) => m.get(s);
}

/** Feeds frames through adapter.parse → BookSync.apply; throws unless the book ends synced at 50×50. */
function fill(adapter: PublicAdapter, inst: Instrument, lookup: InstrumentLookup, frames: readonly string[]): BookSync {
  const sync = new BookSync(inst.id, adapter.syncRule);
  for (const text of frames) {
    const out = adapter.parse(text, 0, lookup);
    if (!out.ok) throw new Error(`${inst.id}: ${out.problem}: ${out.detail}`);
    for (const ev of out.events) {
      if ((ev.kind === 'book.snapshot' || ev.kind === 'book.delta') && sync.apply(ev) === 'resync') throw new Error(`${inst.id}: resync (${sync.reason}: ${sync.detail})`);
    }
  }
  if (sync.status !== 'synced' || sync.book.bids.size !== LEVELS || sync.book.asks.size !== LEVELS) {
    throw new Error(`${inst.id}: ended ${sync.status} with ${sync.book.bids.size}×${sync.book.asks.size} levels`);
  }
  return sync;
}

/** One synthetic book per instrument: distinct prices per instrument (no shared strings between books). */
function bookOf(i: number): ReturnType<typeof synthBook> {
  return synthBook(rngFn(0xb00c + i), { levels: LEVELS, deltas: DELTAS, mid: 10_000 + 997 * i, band: 120, maxChanges: 4 });
}

function booksCase(gc: Gc, venue: 'bybit' | 'okx', results: Retained[], rawChars: number[]): void {
  const adapter = venue === 'bybit' ? PUBLIC_ADAPTERS['bybit-linear'] : PUBLIC_ADAPTERS.okx;
  const insts = Array.from({ length: INSTRUMENTS }, (_, i) =>
    venue === 'bybit'
      ? makeInstrument({ venue: 'bybit-linear', symbol: `M${i}USDT`, kind: 'perp', base: `M${i}`, quote: 'USDT', tickSize: '0.01', lotSize: '0.001' })
      : makeInstrument({ venue: 'okx', symbol: `M${i}-USDT-SWAP`, kind: 'perp', base: `M${i}`, quote: 'USDT', tickSize: '0.01', lotSize: '0.001' }),
  );
  const lookup = lookupOf(insts);
  const px = (t: number): string => decimalText(t, 2);
  const qty = (q: number): string => decimalText(q, 3);
  results.push(
    retained(
      gc,
      () =>
        insts.map((inst, i) => {
          const book = bookOf(i);
          const frames = venue === 'bybit' ? bybitFrames(inst.symbol, LEVELS, book, px, qty) : okxFrames(inst.symbol, book, px, qty);
          return fill(adapter, inst, lookup, frames);
        }),
      (syncs) => {
        if (venue !== 'okx') return;
        let chars = 0;
        let n = 0;
        for (const s of syncs) {
          s.book.bids.forEach(LEVELS, (_p, _q, _i, pxRaw, qtyRaw) => {
            if (pxRaw === undefined || qtyRaw === undefined) throw new Error(`${s.instrument}: raw strings not kept`);
            chars += pxRaw.length + qtyRaw.length;
            n++;
          });
        }
        rawChars.push(chars / n);
      },
    ),
  );
}

function tapesCase(gc: Gc, full: boolean, results: Retained[]): void {
  const ids = Array.from({ length: INSTRUMENTS }, (_, i) => `bybit-linear:M${i}USDT`);
  results.push(
    retained(
      gc,
      () =>
        ids.map((id, i) => {
          const tape = new TradeTape(id);
          if (full) {
            for (let k = 0; k < DEFAULT_TAPE_CAPACITY; k++) {
              // Binance-style numeric ids as text (10 digits), one new string per trade as parse makes.
              const trade: Trade = { kind: 'trade', instrument: id, tsEvent: 1_700_000_000_000 + k, tsRecv: 0, tradeId: String(4_000_000_000 + i * 10_000 + k), price: 10_000 + (k % 50), qty: 1 + (k % 7), aggressor: k % 3 === 0 ? 'sell' : 'buy' };
              tape.push(trade);
            }
          }
          return tape;
        }),
      (tapes) => {
        if (full && tapes.some((t) => t.size !== DEFAULT_TAPE_CAPACITY)) throw new Error('a tape is not full');
      },
    ),
  );
}

function candlesCase(gc: Gc, results: Retained[]): void {
  const ids = Array.from({ length: INSTRUMENTS }, (_, i) => `bybit-linear:M${i}USDT`);
  results.push(
    retained(
      gc,
      () =>
        ids.map((id) => {
          const c = new Candles(id);
          // A minute of trades, one every 250 ms: windows open and close (the rings are preallocated).
          for (let k = 0; k < 240; k++) c.onTrade({ kind: 'trade', instrument: id, tsEvent: 1_700_000_000_000 + 250 * k, tsRecv: 0, tradeId: '', price: 10_000 + (k % 9), qty: 1, aggressor: 'buy' });
          return c;
        }),
      () => undefined,
    ),
  );
}

/** Runs every case RUNS times with forced GC; returns the raw numbers. */
export function measureMemory(gc: Gc): MemoryResult {
  const r = { emptyBooks: [] as Retained[], books: [] as Retained[], rawBooks: [] as Retained[], emptyTapes: [] as Retained[], fullTapes: [] as Retained[], candles: [] as Retained[] };
  const rawChars: number[] = [];
  const ids = Array.from({ length: INSTRUMENTS }, (_, i) => `bybit-linear:M${i}USDT`);
  for (let k = 0; k < RUNS; k++) {
    r.emptyBooks.push(retained(gc, () => ids.map((id) => new BookSync(id, 'bybit')), () => undefined));
    booksCase(gc, 'bybit', r.books, rawChars);
    booksCase(gc, 'okx', r.rawBooks, rawChars);
    tapesCase(gc, false, r.emptyTapes);
    tapesCase(gc, true, r.fullTapes);
    candlesCase(gc, r.candles);
    process.stderr.write(`[bench] memory: run ${k + 1}/${RUNS}: books ${fmt(r.books[k]!.heap / 2 ** 20, 2)} MB, with raw ${fmt(r.rawBooks[k]!.heap / 2 ** 20, 2)} MB, full tapes ${fmt((r.fullTapes[k]!.heap + r.fullTapes[k]!.external) / 2 ** 20, 1)} MB\n`);
  }
  return {
    emptyBooks: { runs: r.emptyBooks },
    books: { runs: r.books },
    rawBooks: { runs: r.rawBooks },
    emptyTapes: { runs: r.emptyTapes },
    fullTapes: { runs: r.fullTapes },
    candles: { runs: r.candles },
    rawChars: median(rawChars),
  };
}

/** The child's entry: measures with the gc that `--expose-gc` gives and prints JSON on stdout. */
export function bookMemoryChild(): void {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (typeof gc !== 'function') throw new Error('run with --expose-gc');
  process.stdout.write(JSON.stringify(measureMemory(gc)));
}

/** Runs the measurement in `node --expose-gc --import tsx`; resolves with its JSON. */
function inChild(): Promise<MemoryResult> {
  const self = pathToFileURL(fileURLToPath(import.meta.url)).href;
  const code = `const m = await import(${JSON.stringify(self)}); m.bookMemoryChild();`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => child.kill(), CHILD_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => (out += s));
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return fail(new Error(`child exited with ${code ?? signal}`));
      try {
        done(JSON.parse(out) as MemoryResult);
      } catch (e) {
        fail(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** Returns a gc function in this process: the exposed one, or one enabled at runtime; undefined if neither works. */
function runtimeGc(): Gc | undefined {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Gc) : undefined;
  } catch {
    return undefined;
  }
}

const MB = 2 ** 20;

function total(r: Retained): number {
  return r.heap + r.external;
}

/** Returns the table rows of the `memory` measurement. */
export async function benchBookMemory(): Promise<Row[]> {
  let result: MemoryResult;
  let how: string;
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (typeof exposed === 'function') {
    result = measureMemory(exposed);
    how = 'in process, gc exposed';
  } else {
    try {
      progress('memory: measuring in a child node --expose-gc');
      result = await inChild();
      how = 'child node --expose-gc';
    } catch (e) {
      progress(`memory: child failed (${e instanceof Error ? e.message : String(e)}), measuring in process`);
      const gc = runtimeGc();
      result = measureMemory(gc ?? (() => undefined));
      how = gc ? 'in process, gc enabled at runtime' : 'in process, NO forced GC: heap deltas only, rough';
    }
  }
  const levels = INSTRUMENTS * 2 * LEVELS;
  const med = (c: CaseResult, f: (r: Retained) => number): number => median(c.runs.map(f));
  const heap = (r: Retained): number => r.heap;
  const empty = med(result.emptyBooks, heap);
  const books = med(result.books, heap);
  const raw = med(result.rawBooks, heap);
  const tapesEmpty = med(result.emptyTapes, total);
  const tapesFull = med(result.fullTapes, total);
  const candles = med(result.candles, total);
  const mbRuns = (c: CaseResult, f: (r: Retained) => number): string => spread(c.runs.map((r) => f(r) / MB), 2);
  return [
    {
      measurement: `memory: ${INSTRUMENTS} books × ${LEVELS}+${LEVELS} levels (bybit path)`,
      value: fmt(books / MB, 2),
      unit: 'MB heap',
      notes: `${fmt(books / levels)} B/level all-in, ${fmt((books - empty) / levels)} B/level over an empty BookSync (${fmt(empty / INSTRUMENTS)} B each); ${fmt(books / INSTRUMENTS / 1024, 1)} KB/book; snapshot + ${DELTAS} deltas each; ${mbRuns(result.books, heap)} MB; ${how}`,
    },
    {
      measurement: `memory: same, raw strings kept (okx path)`,
      value: fmt(raw / MB, 2),
      unit: 'MB heap',
      notes: `${fmt(raw / levels)} B/level all-in, +${fmt((raw - books) / levels)} B/level for the px/sz strings (avg ${fmt(result.rawChars, 1)} chars a pair); ${fmt(raw / INSTRUMENTS / 1024, 1)} KB/book; ${mbRuns(result.rawBooks, heap)} MB`,
    },
    {
      measurement: `memory: ${INSTRUMENTS} trade tapes (cap ${fmt(DEFAULT_TAPE_CAPACITY)}), full`,
      value: fmt(tapesFull / MB, 2),
      unit: 'MB',
      notes: `heap + external; ${fmt(tapesFull / INSTRUMENTS / 1024, 1)} KB/tape (10-char trade ids); empty ${fmt(tapesEmpty / MB, 2)} MB (typed arrays preallocated: ${fmt(med(result.emptyTapes, (r) => r.external) / MB, 2)} MB external); ${mbRuns(result.fullTapes, total)} MB`,
    },
    {
      measurement: `memory: ${INSTRUMENTS} candle sets (4 series × 300)`,
      value: fmt(candles / MB, 2),
      unit: 'MB',
      notes: `heap + external (${fmt(med(result.candles, (r) => r.external) / MB, 2)} MB external); ${fmt(candles / INSTRUMENTS / 1024, 1)} KB/instrument; ${mbRuns(result.candles, total)} MB`,
    },
  ];
}
