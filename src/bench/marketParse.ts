/**
 * Measurement `market`: frames/s through the market-data hot path, adapter.parse → BookSync.apply,
 * for each venue's recorded depth stream in the shared captures (../shared/fixtures/exchanges,
 * FLEET_FIXTURES overrides), next to bare `JSON.parse` over the same frame texts: the floor every
 * parser pays. Both are timed interleaved in the same run, medians of repeated runs. Plus a
 * synthetic Bybit orderbook.50 delta stream (seeded), the usual steady-state case, which needs
 * no fixtures. A pass that does not end with a synced book throws: a bench of a broken path is
 * worthless.
 *
 * JIT state matters (the code is shared by all venues): the synthetic stream is timed once alone,
 * before any other venue ran, then every stream round-robin warms the shared code, and each
 * stream is timed in that mixed state, which is a daemon's with several venues live.
 *
 * The frame texts are extracted once, byte for byte as recorded (the envelope's `msg` is sliced
 * out of the line, not re-serialised). Instruments are the grids the conformance tests use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PUBLIC_ADAPTERS } from '../adapters/registry.ts';
import type { PublicAdapter } from '../adapters/types.ts';
import { parseRestDepth } from '../adapters/binance/parse.ts';
import { hyperliquidInstrumentSpec } from '../adapters/hyperliquid/symbols.ts';
import { BookSync } from '../market/bookSync.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../model/instrument.ts';
import { fmt, median, pause, progress, spread, type Row } from './util.ts';
import { fixtureLines, fixturesDir, rawMsg } from './fixtures.ts';
import { bybitFrames, decimalText, rngFn, synthBook, type SynthBook } from './syntheticBook.ts';

/** Each timed run lasts at least this long (passes are counted to reach it). */
const TARGET_MS = 300;
const RUNS = 7;
/** The synthetic stream: one snapshot then this many deltas on a 50-level book. */
const SYNTH_DELTAS = 1_999;
/** Hyperliquid: the one recorded 20×20 l2Book repeated as this many ws frames. */
const HL_FRAMES = 50;
/** Every stream round-robin for this long before the per-stream timing (see benchMarketParse). */
const WARM_ALL_MS = 1_500;

interface Frame {
  readonly text: string;
  readonly tsRecv: number;
  /** A Binance REST depth body: fed through parseRestDepth at its place in the stream. */
  readonly rest: boolean;
}

interface Stream {
  readonly label: string;
  readonly adapter: PublicAdapter;
  readonly inst: Instrument;
  readonly frames: readonly Frame[];
  readonly source: string;
}

// The grids the conformance tests use for the fixture symbols (test/adapters/*), copied here.
const SUSHI_USDM = makeInstrument({ venue: 'binance-usdm', symbol: 'SUSHIUSDT', kind: 'perp', base: 'SUSHI', quote: 'USDT', tickSize: '0.001', lotSize: '1' });
const NKN_SPOT = makeInstrument({ venue: 'binance-spot', symbol: 'NKNUSDT', kind: 'spot', base: 'NKN', quote: 'USDT', tickSize: '0.00001', lotSize: '0.1' });
const XRP_BYBIT = makeInstrument({ venue: 'bybit-linear', symbol: 'XRPUSDT', kind: 'perp', base: 'XRP', quote: 'USDT', tickSize: '0.0001', lotSize: '1' });
const BTC_USDT_OKX = makeInstrument({ venue: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.00000001' });
const UNI_SWAP_OKX = makeInstrument({ venue: 'okx', symbol: 'UNI-USD-SWAP', kind: 'perp', base: 'UNI', quote: 'USD', tickSize: '0.001', lotSize: '1' });
const DASH_BITGET = makeInstrument({ venue: 'bitget', symbol: 'DASHUSDT', kind: 'perp', base: 'DASH', quote: 'USDT', tickSize: '0.01', lotSize: '0.01' });
/** DYDX in the 2023-07-17 meta: szDecimals 1 (tick 0.00001, lot 0.1 by Fleet's rule). */
const DYDX_HL = makeInstrument(hyperliquidInstrumentSpec({ name: 'DYDX', szDecimals: 1 }, 'USDC'));
/** The synthetic stream's instrument: Bybit's real BTCUSDT grid. */
const BTC_BYBIT = makeInstrument({ venue: 'bybit-linear', symbol: 'BTCUSDT', kind: 'perp', base: 'BTC', quote: 'USDT', tickSize: '0.10', lotSize: '0.001' });

function lookupOf(inst: Instrument): InstrumentLookup {
  return (s) => (s === inst.symbol ? inst : undefined);
}

function envelopeFrames(venue: string, file: string, keep: (url: string, source: string) => boolean = () => true): Frame[] {
  const out: Frame[] = [];
  for (const line of fixtureLines(venue, file)) {
    const o = JSON.parse(line) as { recv_ts: number; source: string; url: string; msg: unknown };
    if (!keep(o.url, o.source)) continue;
    out.push({ text: rawMsg(line, o.msg), tsRecv: Math.round(o.recv_ts * 1000), rest: o.source === 'rest' });
  }
  return out;
}

/** Returns the recorded depth streams (throws when a listed capture is missing from the folder). */
function recordedStreams(): Stream[] {
  const binanceDepth = (url: string, source: string): boolean => source === 'rest' || url.includes('@depth');
  const hl = JSON.parse(readFileSync(join(fixturesDir(), 'hyperliquid', 'rest-l2book-dydx-2023-07-17.json'), 'utf8')) as {
    response: { coin: string; time: number; levels: unknown };
  };
  const hlFrames: Frame[] = [];
  for (let k = 0; k < HL_FRAMES; k++) {
    const data = { coin: hl.response.coin, time: hl.response.time + k * 500, levels: hl.response.levels };
    hlFrames.push({ text: JSON.stringify({ channel: 'l2Book', data }), tsRecv: data.time, rest: false });
  }
  return [
    {
      label: 'binance-usdm SUSHIUSDT depth@100ms',
      adapter: PUBLIC_ADAPTERS['binance-usdm'],
      inst: SUSHI_USDM,
      frames: envelopeFrames('binance-usdm', 'sushiusdt-depth-snapshot-and-diffs-2021-07-22.jsonl', binanceDepth),
      source: 'REST snapshot 1000×1000 at its place + 255 diffs',
    },
    {
      label: 'binance-spot NKNUSDT depth@100ms',
      adapter: PUBLIC_ADAPTERS['binance-spot'],
      inst: NKN_SPOT,
      frames: envelopeFrames('binance-spot', 'nknusdt-depth-snapshot-and-diffs-2021-10-11.jsonl', binanceDepth),
      source: 'REST snapshot 1000×1000 at its place + 150 diffs',
    },
    {
      label: 'bybit-linear XRPUSDT orderbook.500',
      adapter: PUBLIC_ADAPTERS['bybit-linear'],
      inst: XRP_BYBIT,
      frames: fixtureLines('bybit-linear', 'xrpusdt-orderbook500-snapshot-and-49-deltas-2024-12-01.jsonl').map((text) => ({ text, tsRecv: 0, rest: false })),
      source: 'snapshot 500×500 + 49 deltas',
    },
    {
      label: 'okx BTC-USDT books',
      adapter: PUBLIC_ADAPTERS.okx,
      inst: BTC_USDT_OKX,
      frames: envelopeFrames('okx', 'btc-usdt-books-snapshot-and-97-updates-2022-05-13.jsonl'),
      source: 'snapshot 400×400 + 97 updates, CRC32 checked on each',
    },
    {
      label: 'okx UNI-USD-SWAP books',
      adapter: PUBLIC_ADAPTERS.okx,
      inst: UNI_SWAP_OKX,
      frames: envelopeFrames('okx', 'uni-usd-swap-books-snapshot-and-92-updates-2022-05-13.jsonl'),
      source: 'snapshot + 92 updates, CRC32 checked on each',
    },
    {
      label: 'bitget DASHUSDT books (v1 mix)',
      adapter: PUBLIC_ADAPTERS.bitget,
      inst: DASH_BITGET,
      frames: envelopeFrames('bitget', 'mix-v1-dashusdt-books-snapshot-and-45-updates-2022-04-07.jsonl'),
      source: 'snapshot + 45 updates, CRC32 checked on each',
    },
    {
      label: 'hyperliquid DYDX l2Book',
      adapter: PUBLIC_ADAPTERS.hyperliquid,
      inst: DYDX_HL,
      frames: hlFrames,
      source: `no recorded ws l2Book stream: the REST l2Book (20×20, 2023-07-17) as ${HL_FRAMES} ws frames, time +500 ms each`,
    },
  ];
}

function syntheticStream(): { stream: Stream; book: SynthBook } {
  const book = synthBook(rngFn(0x5eed), { levels: 50, deltas: SYNTH_DELTAS, mid: 302_470, band: 120, maxChanges: 4 });
  // BTCUSDT tick 0.10 written with 2 decimals as Bybit does ("30247.20"), lot 0.001.
  const texts = bybitFrames('BTCUSDT', 50, book, (t) => decimalText(t * 10, 2), (q) => decimalText(q, 3));
  return {
    book,
    stream: {
      label: 'synthetic bybit orderbook.50 BTCUSDT',
      adapter: PUBLIC_ADAPTERS['bybit-linear'],
      inst: BTC_BYBIT,
      frames: texts.map((text, i) => ({ text, tsRecv: 1_733_011_200_000 + 20 * i, rest: false })),
      source: `seeded; snapshot 50×50 + ${fmt(SYNTH_DELTAS)} deltas of 1-4 changes (75% size, 25% delete+insert)`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The two passes

/** Keeps results alive so the optimiser cannot drop the work. */
let sink: unknown;

function jsonPass(frames: readonly Frame[]): void {
  let last: unknown;
  for (let i = 0; i < frames.length; i++) last = JSON.parse(frames[i]!.text);
  sink = last;
}

/** adapter.parse → BookSync.apply over the whole stream with a fresh book; throws on any problem. */
function bookPass(s: Stream, lookup: InstrumentLookup): BookSync {
  const sync = new BookSync(s.inst.id, s.adapter.syncRule);
  const frames = s.frames;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    if (f.rest) {
      const out = parseRestDepth(JSON.parse(f.text), s.inst, f.tsRecv);
      if (!out.ok) throw new Error(`${s.label}: REST depth ${out.problem}: ${out.detail}`);
      if (sync.apply(out.value) === 'resync') throw new Error(`${s.label}: resync at REST snapshot: ${sync.reason} ${sync.detail}`);
      continue;
    }
    const out = s.adapter.parse(f.text, f.tsRecv, lookup);
    if (!out.ok) throw new Error(`${s.label}: frame ${i}: ${out.problem}: ${out.detail}`);
    const events = out.events;
    for (let j = 0; j < events.length; j++) {
      const ev = events[j]!;
      if (ev.kind !== 'book.snapshot' && ev.kind !== 'book.delta') continue;
      if (sync.apply(ev) === 'resync') throw new Error(`${s.label}: frame ${i}: resync (${sync.reason}: ${sync.detail})`);
    }
  }
  sink = sync;
  return sync;
}

interface EndState {
  seq: number;
  applied: number;
  bids: number;
  asks: number;
}

function endState(sync: BookSync): EndState {
  return { seq: sync.seq, applied: sync.counters.applied, bids: sync.book.bids.size, asks: sync.book.asks.size };
}

/** Throws unless the pass ended synced, with no resync, with the same book as the first pass. */
function verify(s: Stream, sync: BookSync, expected: EndState | undefined): EndState {
  const c = sync.counters;
  if (sync.status !== 'synced' || c.resyncs !== 0 || c.gaps !== 0 || c.checksumFailures !== 0 || c.crossed !== 0) {
    throw new Error(`${s.label}: the pass did not end with a synced book (status ${sync.status}, ${sync.reason}: ${sync.detail}, counters ${JSON.stringify(c)})`);
  }
  if (sync.book.bids.size === 0 || sync.book.asks.size === 0) throw new Error(`${s.label}: the pass ended with an empty side`);
  const got = endState(sync);
  if (expected && (got.seq !== expected.seq || got.applied !== expected.applied || got.bids !== expected.bids || got.asks !== expected.asks)) {
    throw new Error(`${s.label}: the pass ended differently (${JSON.stringify(got)}, first pass ${JSON.stringify(expected)})`);
  }
  return got;
}

/** Returns how many passes of `fn` take about TARGET_MS, timed after a warm-up (JIT) of ≥ 100 ms. */
function passesFor(fn: () => void): number {
  const window = (ms: number): number => {
    let n = 0;
    const t0 = performance.now();
    while (n < 3 || performance.now() - t0 < ms) {
      fn();
      n++;
    }
    return (performance.now() - t0) / n;
  };
  window(100);
  return Math.max(1, Math.ceil(TARGET_MS / window(100)));
}

function timed(fn: () => void, passes: number): number {
  const t0 = performance.now();
  for (let p = 0; p < passes; p++) fn();
  return performance.now() - t0;
}

interface StreamResult {
  readonly jsonRates: number[];
  readonly bookRates: number[];
  readonly ratios: number[];
  readonly jsonPasses: number;
  readonly bookPasses: number;
  readonly end: EndState;
}

async function measure(s: Stream): Promise<StreamResult> {
  const lookup = lookupOf(s.inst);
  const n = s.frames.length;
  const end = verify(s, bookPass(s, lookup), undefined);
  let checks = 0;
  const book = (): void => {
    verify(s, bookPass(s, lookup), end);
    checks++;
  };
  const json = (): void => jsonPass(s.frames);
  const jsonPasses = passesFor(json);
  const bookPasses = passesFor(book);
  const jsonRates: number[] = [];
  const bookRates: number[] = [];
  const ratios: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    // Interleaved, alternating which goes first, so drift (thermal, GC) hits both alike.
    let jsonMs: number;
    let bookMs: number;
    if (k % 2 === 0) {
      jsonMs = timed(json, jsonPasses);
      bookMs = timed(book, bookPasses);
    } else {
      bookMs = timed(book, bookPasses);
      jsonMs = timed(json, jsonPasses);
    }
    const jr = (n * jsonPasses) / (jsonMs / 1000);
    const br = (n * bookPasses) / (bookMs / 1000);
    jsonRates.push(jr);
    bookRates.push(br);
    ratios.push((100 * br) / jr);
    await pause(10);
  }
  if (checks < RUNS * bookPasses) throw new Error(`${s.label}: verification skipped`);
  return { jsonRates, bookRates, ratios, jsonPasses, bookPasses, end };
}

function rowsOf(s: Stream, r: StreamResult): Row[] {
  const n = s.frames.length;
  const bytes = s.frames.reduce((a, f) => a + f.text.length, 0);
  const book = median(r.bookRates);
  const json = median(r.jsonRates);
  const ratio = median(r.ratios);
  return [
    {
      measurement: `market: ${s.label}, parse→book`,
      value: fmt(book),
      unit: 'frames/s',
      notes: `${fmt(1e6 / book, 2)} µs/frame; ${fmt(n)} frames, ${fmt(bytes / n / 1024, 1)} KB avg (${s.source}); ends synced ${r.end.bids}×${r.end.asks}; ${spread(r.bookRates)}`,
    },
    {
      measurement: '  JSON.parse alone, same frames (floor)',
      value: fmt(json),
      unit: 'frames/s',
      notes: `${fmt(1e6 / json, 2)} µs/frame, ${fmt((json * bytes) / n / 2 ** 20)} MB/s; ${spread(r.jsonRates)}`,
    },
    {
      measurement: '  parse→book / JSON.parse',
      value: fmt(ratio, 0),
      unit: '%',
      notes: `${ratio >= 50 ? 'meets' : 'BELOW'} the 50% aim; per-run ratio ${spread(r.ratios, 0)}; ${r.bookPasses}/${r.jsonPasses} passes per run`,
    },
  ];
}

/**
 * Returns one parse→book pass per stream this measurement times, for a profiler, e.g.
 * `node --cpu-prof --import tsx -e "…profileTargets().find(…).pass() in a loop"`.
 */
export function profileTargets(): { label: string; pass: () => void }[] {
  const streams = [...(existsSync(fixturesDir()) ? recordedStreams() : []), syntheticStream().stream];
  return streams.map((s) => {
    const lookup = lookupOf(s.inst);
    return { label: s.label, pass: () => void verify(s, bookPass(s, lookup), undefined) };
  });
}

/** Returns the table rows of the `market` measurement. */
export async function benchMarketParse(): Promise<Row[]> {
  const rows: Row[] = [];
  const streams: Stream[] = [];
  const dir = fixturesDir();
  if (existsSync(dir)) {
    streams.push(...recordedStreams());
  } else {
    rows.push({ measurement: 'market: recorded venue depth streams', value: 'skipped', unit: '', notes: `${dir} is absent (FLEET_FIXTURES overrides the path)` });
  }
  const synth = syntheticStream();
  streams.push(synth.stream);
  // The synthetic book must end exactly as generated (an independent model of the same deltas).
  const check = bookPass(synth.stream, lookupOf(BTC_BYBIT));
  const top = (side: 'bids' | 'asks'): string => JSON.stringify(check.book.top(side, 1000));
  if (top('bids') !== JSON.stringify(synth.book.final.bids) || top('asks') !== JSON.stringify(synth.book.final.asks)) {
    throw new Error('synthetic bybit stream: the rebuilt book differs from the generated one');
  }
  // The synthetic stream first, alone: only its own venue's shapes seen so far (a one-venue process).
  progress(`market: ${synth.stream.label}, timed alone first`);
  const alone = await measure(synth.stream);
  // Then every stream round-robin for a while before anything else is timed, so the code all
  // venues share (this loop, BookSync, OrderBook, Scale, the adapters' common readers) has seen
  // every venue's shapes: the state of a daemon with all venues live, whatever order the streams
  // are timed in. Without it a stream timed right after another one ran up to a third slower
  // (the shared code deoptimised and re-specialised for the previous venue).
  const lookups = streams.map((s) => lookupOf(s.inst));
  const t0 = performance.now();
  while (performance.now() - t0 < WARM_ALL_MS) {
    streams.forEach((s, i) => {
      verify(s, bookPass(s, lookups[i]!), undefined);
      jsonPass(s.frames);
    });
  }
  for (const s of streams) {
    progress(`market: ${s.label}: ${fmt(s.frames.length)} frames`);
    const r = await measure(s);
    progress(`market: ${s.label}: parse→book ${fmt(median(r.bookRates))}/s, JSON.parse ${fmt(median(r.jsonRates))}/s, ${fmt(median(r.ratios))}%`);
    rows.push(...rowsOf(s, r));
  }
  const aloneBook = median(alone.bookRates);
  rows.push({
    measurement: '  same, timed alone before any other venue ran',
    value: fmt(aloneBook),
    unit: 'frames/s',
    notes: `${fmt(1e6 / aloneBook, 2)} µs/frame, ${fmt(median(alone.ratios))}% of JSON.parse (${fmt(median(alone.jsonRates))}/s); the one-venue JIT state; ${spread(alone.bookRates)}`,
  });
  if (sink === undefined) progress('market: nothing measured');
  return rows;
}
