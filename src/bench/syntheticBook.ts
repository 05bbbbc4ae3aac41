/**
 * Synthetic books for the bench: a seeded constant-depth book and its delta stream, written as
 * Bybit v5 `orderbook.<depth>` or OKX v5 `books` frames in the venues' documented formats.
 */
import { seededRng } from '../core/rng.ts';

/** Returns the seeded generator as a bare function (the same frames on every run and machine). */
export function rngFn(seed: number): () => number {
  const rng = seededRng(seed);
  return () => rng.next();
}

/** Levels as [ticks, lots] best first; lots 0 deletes. */
export interface SynthLevels {
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
}

export interface SynthBook {
  readonly snapshot: SynthLevels;
  readonly deltas: readonly SynthLevels[];
  /** The book after the last delta (for verification). */
  readonly final: SynthLevels;
}

export interface SynthOptions {
  /** Levels per side, kept constant (as Bybit's orderbook.50 does: a level leaving the top 50 is deleted). */
  readonly levels: number;
  readonly deltas: number;
  /** Mid price in ticks; bids lie below, asks above, within `band` ticks, so the book never crosses. */
  readonly mid: number;
  readonly band: number;
  /** Changes per delta: 1..maxChanges (a size change, or a level deleted and another inserted). */
  readonly maxChanges: number;
}

function sortedLevels(m: ReadonlyMap<number, number>, bid: boolean): [number, number][] {
  return [...m].sort((x, y) => (bid ? y[0] - x[0] : x[0] - y[0]));
}

/** Generates a constant-depth book and its delta stream: most changes near the top, as in real books. */
export function synthBook(rng: () => number, o: SynthOptions): SynthBook {
  const bids = new Map<number, number>();
  const asks = new Map<number, number>();
  const lots = (): number => 1 + Math.floor(rng() ** 3 * 50_000);
  const priceOf = (bid: boolean): number => o.mid + (bid ? -1 : 1) * (1 + Math.floor(rng() * o.band));
  for (const [side, bid] of [[bids, true], [asks, false]] as const) {
    while (side.size < o.levels) side.set(priceOf(bid), lots());
  }
  const snapshot = { bids: sortedLevels(bids, true), asks: sortedLevels(asks, false) };
  const deltas: SynthLevels[] = [];
  for (let d = 0; d < o.deltas; d++) {
    const ch = { bids: new Map<number, number>(), asks: new Map<number, number>() };
    const n = 1 + Math.floor(rng() * o.maxChanges);
    for (let j = 0; j < n; j++) {
      const bid = rng() < 0.5;
      const side = bid ? bids : asks;
      const changes = bid ? ch.bids : ch.asks;
      const prices = sortedLevels(side, bid).map((l) => l[0]);
      if (rng() < 0.75) {
        const p = prices[Math.floor(rng() ** 2 * prices.length)]!;
        const q = lots();
        side.set(p, q);
        changes.set(p, q);
      } else {
        const p = prices[Math.floor(rng() * prices.length)]!;
        side.delete(p);
        changes.set(p, 0);
        let np = priceOf(bid);
        while (side.has(np) || np === p) np = priceOf(bid);
        const q = lots();
        side.set(np, q);
        changes.set(np, q);
      }
    }
    deltas.push({ bids: sortedLevels(ch.bids, true), asks: sortedLevels(ch.asks, false) });
  }
  return { snapshot, deltas, final: { bids: sortedLevels(bids, true), asks: sortedLevels(asks, false) } };
}

/** Returns `units` at `decimals` fractional digits as exact decimal text (12345, 2 → "123.45"). */
export function decimalText(units: number, decimals: number): string {
  if (decimals === 0) return String(units);
  const s = String(units).padStart(decimals + 1, '0');
  return `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}

/**
 * Returns a synthetic book as Bybit v5 `orderbook.<depth>` frames in the documented format
 * (docs/v5/websocket/public/orderbook: topic, type, ts, data {s, b, a, u, seq}, cts).
 * `px`/`qty` turn ticks and lots into the venue's text.
 */
export function bybitFrames(symbol: string, depth: number, book: SynthBook, px: (ticks: number) => string, qty: (lots: number) => string, t0 = 1_733_011_200_000): string[] {
  const side = (ls: SynthLevels['bids']): string => `[${ls.map(([p, q]) => `["${px(p)}","${qty(q)}"]`).join(',')}]`;
  const frame = (type: string, l: SynthLevels, k: number): string =>
    `{"topic":"orderbook.${depth}.${symbol}","type":"${type}","ts":${t0 + 20 * k},"data":{"s":"${symbol}","b":${side(l.bids)},"a":${side(l.asks)},"u":${1000 + k},"seq":${130020238981 + 7 * k}},"cts":${t0 + 20 * k - 2}}`;
  return [frame('snapshot', book.snapshot, 0), ...book.deltas.map((d, i) => frame('delta', d, i + 1))];
}

/**
 * Returns a synthetic book as OKX v5 `books` frames (snapshot then updates, seqId/prevSeqId
 * chained, levels [px, sz, "0", orders]). The checksum is 0 (none): these feed the memory
 * measurement, which needs the raw strings kept, not verified.
 */
export function okxFrames(instId: string, book: SynthBook, px: (ticks: number) => string, qty: (lots: number) => string, t0 = 1_652_459_225_000): string[] {
  const side = (ls: SynthLevels['bids']): string => `[${ls.map(([p, q]) => `["${px(p)}","${qty(q)}","0","${q === 0 ? 0 : 1 + (p % 7)}"]`).join(',')}]`;
  const frame = (action: string, l: SynthLevels, k: number): string =>
    `{"arg":{"channel":"books","instId":"${instId}"},"action":"${action}","data":[{"asks":${side(l.asks)},"bids":${side(l.bids)},"ts":"${t0 + 10 * k}","checksum":0,"prevSeqId":${k === 0 ? -1 : 5000 + k - 1},"seqId":${5000 + k}}]}`;
  return [frame('snapshot', book.snapshot, 0), ...book.deltas.map((d, i) => frame('update', d, i + 1))];
}
