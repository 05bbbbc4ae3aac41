import { expect, it } from 'vitest';
import { binanceSpotAdapter, binanceUsdmAdapter } from '../../../src/adapters/binance/index.ts';
import { parseRestDepth } from '../../../src/adapters/binance/parse.ts';
import type { PublicAdapter } from '../../../src/adapters/types.ts';
import { BookSync, type SyncOutcome } from '../../../src/market/bookSync.ts';
import type { Instrument } from '../../../src/model/instrument.ts';
import type { BookDelta, BookEvent, BookSnapshot, Ticker } from '../../../src/model/market.ts';
import { describeFixtures, envelope, fixtureLines } from '../../support/fixtures.ts';
import { lookupOf, nknSpot, sushiUsdm } from './instruments.ts';

interface Capture {
  /** Book messages in receive order (the REST snapshot where it was received). */
  readonly book: BookEvent[];
  readonly snapshot: BookSnapshot;
  readonly tickers: Ticker[];
}

/** Reads a cryptofeed capture through the adapter (ws) and the REST depth parser (rest). */
function readCapture(adapter: PublicAdapter, inst: Instrument, venue: string, files: string[]): Capture {
  const lookup = lookupOf(inst);
  const book: BookEvent[] = [];
  const tickers: Ticker[] = [];
  let snapshot: BookSnapshot | undefined;
  for (const file of files) {
    for (const line of fixtureLines(venue, file)) {
      const env = envelope(line);
      if (env.source === 'rest') {
        const out = parseRestDepth(JSON.parse(env.text), inst, env.recvTs);
        if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
        snapshot = out.value;
        book.push(out.value);
        continue;
      }
      const out = adapter.parse(env.text, env.recvTs, lookup);
      if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
      for (const ev of out.events) {
        if (ev.kind === 'book.delta' || ev.kind === 'book.snapshot') book.push(ev);
        else if (ev.kind === 'ticker') tickers.push(ev);
      }
    }
  }
  if (!snapshot) throw new Error('no snapshot in capture');
  return { book, snapshot, tickers };
}

/** Feeds book events through a fresh BookSync; checks the book is never crossed while synced. */
function replay(inst: Instrument, rule: 'binance-usdm' | 'binance-spot', events: readonly BookEvent[]): { sync: BookSync; outcomes: SyncOutcome[]; deltaOutcomes: Record<string, number> } {
  const sync = new BookSync(inst.id, rule);
  const outcomes: SyncOutcome[] = [];
  const deltaOutcomes: Record<string, number> = {};
  for (const ev of events) {
    const out = sync.apply(ev);
    outcomes.push(out);
    if (ev.kind === 'book.delta') deltaOutcomes[out] = (deltaOutcomes[out] ?? 0) + 1;
    if (sync.status === 'synced') expect(sync.book.crossed()).toBe(false);
  }
  return { sync, outcomes, deltaOutcomes };
}

/** The index in `events` of the first delta the sync applied after the snapshot. */
function firstAppliedDelta(events: readonly BookEvent[], outcomes: readonly SyncOutcome[]): number {
  const snap = events.findIndex((e) => e.kind === 'book.snapshot');
  return events.findIndex((e, i) => i > snap && e.kind === 'book.delta' && outcomes[i] === 'applied');
}

const cases = [
  {
    name: 'binance-usdm SUSHIUSDT 2021-07-22',
    adapter: binanceUsdmAdapter,
    inst: sushiUsdm,
    rule: 'binance-usdm' as const,
    venue: 'binance-usdm',
    files: ['sushiusdt-depth-snapshot-and-diffs-2021-07-22.jsonl'],
    dropped: 3,
    applied: 252,
  },
  {
    name: 'binance-spot NKNUSDT 2021-10-11',
    adapter: binanceSpotAdapter,
    inst: nknSpot,
    rule: 'binance-spot' as const,
    venue: 'binance-spot',
    files: ['nknusdt-depth-snapshot-and-diffs-2021-10-11.jsonl'],
    dropped: 1,
    applied: 149,
  },
];

for (const c of cases) {
  describeFixtures(`binance conformance: ${c.name}`, () => {
    const cap = () => readCapture(c.adapter, c.inst, c.venue, c.files);

    it(`rebuilds: ${c.dropped} diffs dropped, ${c.applied} applied, no gap, never crossed`, () => {
      const { book, snapshot } = cap();
      const { sync, deltaOutcomes } = replay(c.inst, c.rule, book);
      expect(sync.counters.duplicates).toBe(c.dropped);
      expect(deltaOutcomes.applied).toBe(c.applied);
      expect(deltaOutcomes.resync).toBeUndefined();
      expect(sync.counters.gaps).toBe(0);
      expect(sync.counters.crossed).toBe(0);
      expect(sync.counters.resyncs).toBe(0);
      expect(sync.status).toBe('synced');
      const last = book.filter((e) => e.kind === 'book.delta').at(-1)!;
      expect(sync.seq).toBe(last.seq);
      expect(sync.seq).toBeGreaterThan(snapshot.seq);
      expect(sync.book.bids.size).toBeGreaterThan(100);
      expect(sync.book.asks.size).toBeGreaterThan(100);
    });

    it('a removed delta in a copy of the sequence is a gap: resync', () => {
      const { book } = cap();
      const first = firstAppliedDelta(book, replay(c.inst, c.rule, book).outcomes);
      const copy = [...book];
      copy.splice(first + 40, 1);
      const { sync, outcomes } = replay(c.inst, c.rule, copy);
      expect(outcomes[first + 40]).toBe('resync');
      expect(sync.counters.gaps).toBe(1);
      expect(sync.status).toBe('resyncing');
      expect(sync.book.bids.size).toBe(0);
    });

    it('two swapped deltas in a copy of the sequence are a gap: resync', () => {
      const { book } = cap();
      const first = firstAppliedDelta(book, replay(c.inst, c.rule, book).outcomes);
      const copy = [...book];
      const k = first + 60;
      [copy[k], copy[k + 1]] = [copy[k + 1]!, copy[k]!];
      const { outcomes, sync } = replay(c.inst, c.rule, copy);
      expect(outcomes.slice(0, k)).not.toContain('resync');
      expect(outcomes[k]).toBe('resync');
      expect(sync.reason).toBe('gap');
    });

    it('without the delta that straddles the snapshot id, the snapshot is too old: resync', () => {
      const { book } = cap();
      const first = firstAppliedDelta(book, replay(c.inst, c.rule, book).outcomes);
      const copy = [...book];
      copy.splice(first, 1);
      const { outcomes, sync } = replay(c.inst, c.rule, copy);
      expect(outcomes[first]).toBe('resync');
      expect(sync.reason).toBe('snapshot-too-old');
    });
  });
}

/**
 * Merges bookTickers with the diff stream by update id. A bookTicker is a check point when its u
 * is the u of the last applied diff, or falls strictly between that diff's u and the next diff's U
 * (PROVENANCE.md: no book update for this symbol happened in between). At each one the rebuilt top
 * of book must equal the ticker's best bid/ask price and size. Returns [points, mismatches].
 */
function bookTickerCheck(c: (typeof cases)[number], tickerFiles: string[]): { points: number; mismatches: string[] } {
  const { book } = readCapture(c.adapter, c.inst, c.venue, c.files);
  const { tickers } = readCapture(c.adapter, c.inst, c.venue, [...c.files, ...tickerFiles]);
  const snapAt = book.findIndex((e) => e.kind === 'book.snapshot');
  const sync = new BookSync(c.inst.id, c.rule);
  for (const ev of book.slice(0, snapAt + 1)) sync.apply(ev);
  const deltas = book.slice(snapAt + 1) as BookDelta[];
  const sorted = [...tickers].sort((a, b) => a.updateId! - b.updateId!);
  let di = 0;
  let points = 0;
  const mismatches: string[] = [];
  for (const t of sorted) {
    const u = t.updateId!;
    while (di < deltas.length && deltas[di]!.seq <= u) {
      expect(sync.apply(deltas[di]!)).not.toBe('resync');
      di++;
    }
    if (sync.status !== 'synced') continue;
    const next = deltas[di];
    const exact = u === sync.seq;
    const between = u > sync.seq && next !== undefined && u < (next.firstSeq ?? next.seq);
    if (!exact && !between) continue;
    points++;
    const b = sync.book;
    const mine = [b.bids.best(), b.bids.bestQty(), b.asks.best(), b.asks.bestQty()];
    const theirs = [t.bidPrice, t.bidQty, t.askPrice, t.askQty];
    if (mine.join() !== theirs.join()) mismatches.push(`u=${u}: book ${mine.join()} vs bookTicker ${theirs.join()}`);
  }
  return { points, mismatches };
}

describeFixtures('binance conformance: bookTicker check points equal the rebuilt top of book', () => {
  it('USD-M SUSHIUSDT: every check point (at least 12) matches price and size on both sides', () => {
    const { points, mismatches } = bookTickerCheck(cases[0]!, ['sushiusdt-bookticker-aggtrade-kline-2021-07-22.jsonl']);
    expect(mismatches).toEqual([]);
    expect(points).toBeGreaterThanOrEqual(12);
  });

  it('spot NKNUSDT (bookTickers in the same capture): every check point matches', () => {
    const { points, mismatches } = bookTickerCheck(cases[1]!, []);
    expect(mismatches).toEqual([]);
    expect(points).toBe(19);
  });
});
