/**
 * Replays the shared LIVE venue captures through BookSync (PROVENANCE.md says what each holds and
 * what was verified upstream). The wire → event mapping here is a minimal stand-in for the
 * adapters' parse functions, kept to what the sync rules read.
 */
import { expect, it } from 'vitest';
import { BookSync, type SyncOutcome, type SyncRuleId } from '../../src/market/bookSync.ts';
import { Scale, stepOfDecimals } from '../../src/model/scale.ts';
import type { BookDelta, BookSnapshot } from '../../src/model/market.ts';
import { describeFixtures, envelope, fixtureLines } from '../support/fixtures.ts';

type Pair = readonly [string, string, ...unknown[]];

/** A scale fine enough for every string of the capture (its real tick may be coarser). */
function scaleFor(values: Iterable<string>): Scale {
  let d = 0;
  for (const v of values) {
    const dot = v.indexOf('.');
    if (dot >= 0) d = Math.max(d, v.length - dot - 1);
  }
  return new Scale(stepOfDecimals(d));
}

function allStrings(msgs: unknown[]): { px: string[]; qty: string[] } {
  const px: string[] = [];
  const qty: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (v.length >= 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && !Array.isArray(v[0])) {
        px.push(v[0]);
        qty.push(v[1]);
      } else v.forEach(walk);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  msgs.forEach(walk);
  return { px, qty };
}

interface Mapper {
  px: Scale;
  qty: Scale;
}

function flat(m: Mapper, levels: readonly Pair[]): { flat: number[]; raw: string[] } {
  const out: number[] = [];
  const raw: string[] = [];
  for (const [p, q] of levels) {
    out.push(m.px.toInt(p), m.qty.toInt(q));
    raw.push(p, q);
  }
  return { flat: out, raw };
}

function bookEvent(
  m: Mapper,
  kind: 'book.snapshot' | 'book.delta',
  tsRecv: number,
  bids: readonly Pair[],
  asks: readonly Pair[],
  seq: { seq: number; firstSeq?: number; prevSeq?: number },
  checksum?: number,
): BookSnapshot | BookDelta {
  const b = flat(m, bids);
  const a = flat(m, asks);
  return { kind, instrument: 'fixture', tsEvent: tsRecv, tsRecv, bids: b.flat, asks: a.flat, raw: { bids: b.raw, asks: a.raw }, ...seq, ...(checksum !== undefined ? { checksum } : {}) };
}

function replay(rule: SyncRuleId, events: (BookSnapshot | BookDelta)[]): { sync: BookSync; outcomes: SyncOutcome[] } {
  const sync = new BookSync('fixture', rule);
  const outcomes = events.map((e) => sync.apply(e));
  return { sync, outcomes };
}

function tally(outcomes: SyncOutcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o] = (t[o] ?? 0) + 1;
  return t;
}

describeFixtures('BookSync replays of live captures', () => {
  it('binance-usdm SUSHIUSDT: 3 diffs dropped, 252 applied, and best bid/ask match the bookTickers', () => {
    const lines = fixtureLines('binance-usdm', 'sushiusdt-depth-snapshot-and-diffs-2021-07-22.jsonl').map(envelope);
    const msgs = lines.map((l) => JSON.parse(l.text) as Record<string, any>);
    const m = { px: scaleFor(allStrings(msgs).px), qty: scaleFor(allStrings(msgs).qty) };
    const events = lines.map((l, i) => {
      const msg = msgs[i]!;
      if (l.source === 'rest') return bookEvent(m, 'book.snapshot', l.recvTs, msg.bids, msg.asks, { seq: msg.lastUpdateId });
      const d = msg.data;
      return bookEvent(m, 'book.delta', l.recvTs, d.b, d.a, { seq: d.u, firstSeq: d.U, prevSeq: d.pu });
    });
    const sync = new BookSync('fixture', 'binance-usdm');
    const tickers = fixtureLines('binance-usdm', 'sushiusdt-bookticker-aggtrade-kline-2021-07-22.jsonl')
      .map((l) => JSON.parse(envelope(l).text) as { stream: string; data: Record<string, any> })
      .filter((x) => x.stream.endsWith('@bookTicker'))
      .map((x) => x.data);
    const outcomes: SyncOutcome[] = [];
    let checked = 0;
    events.forEach((e, i) => {
      outcomes.push(sync.apply(e));
      const next = events[i + 1];
      if (!sync.usable || e.kind !== 'book.delta' || !next) return;
      // A bookTicker whose u lies between this diff's u and the next diff's U saw this very book.
      for (const t of tickers) {
        if (t.u >= e.seq && t.u < (next.firstSeq ?? next.seq)) {
          expect([sync.book.bids.best(), sync.book.bids.bestQty(), sync.book.asks.best(), sync.book.asks.bestQty()]).toEqual([
            m.px.toInt(t.b),
            m.qty.toInt(t.B),
            m.px.toInt(t.a),
            m.qty.toInt(t.A),
          ]);
          checked++;
        }
      }
    });
    // One diff came before the REST snapshot (buffered, then dropped), two after it with u < L.
    expect(tally(outcomes)).toEqual({ buffered: 1, ignored: 2, applied: 253 });
    expect(sync.counters).toMatchObject({ duplicates: 3, gaps: 0, crossed: 0, resyncs: 0 });
    expect(sync.counters.applied).toBe(253); // the snapshot and 252 diffs
    expect(sync.status).toBe('synced');
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('binance-spot NKNUSDT: u == L dropped, 149 diffs chain on U == u + 1', () => {
    const lines = fixtureLines('binance-spot', 'nknusdt-depth-snapshot-and-diffs-2021-10-11.jsonl').map(envelope);
    const depth = lines.map((l) => ({ l, msg: JSON.parse(l.text) as Record<string, any> })).filter(({ l, msg }) => l.source === 'rest' || msg.data?.e === 'depthUpdate');
    const m = { px: scaleFor(allStrings(depth.map((x) => x.msg)).px), qty: scaleFor(allStrings(depth.map((x) => x.msg)).qty) };
    const events = depth.map(({ l, msg }) =>
      l.source === 'rest'
        ? bookEvent(m, 'book.snapshot', l.recvTs, msg.bids, msg.asks, { seq: msg.lastUpdateId })
        : bookEvent(m, 'book.delta', l.recvTs, msg.data.b, msg.data.a, { seq: msg.data.u, firstSeq: msg.data.U }),
    );
    const { sync } = replay('binance-spot', events);
    expect(sync.counters).toMatchObject({ applied: 150, duplicates: 1, gaps: 0, crossed: 0, resyncs: 0 });
    expect(sync.status).toBe('synced');
  });

  it('bybit XRPUSDT ob500: snapshot and 49 deltas, 500 levels a side throughout', () => {
    const msgs = fixtureLines('bybit-linear', 'xrpusdt-orderbook500-snapshot-and-49-deltas-2024-12-01.jsonl').map((l) => JSON.parse(l) as Record<string, any>);
    const m = { px: scaleFor(allStrings(msgs).px), qty: scaleFor(allStrings(msgs).qty) };
    const sync = new BookSync('fixture', 'bybit');
    for (const msg of msgs) {
      const kind = msg.type === 'snapshot' ? 'book.snapshot' : 'book.delta';
      expect(sync.apply(bookEvent(m, kind, msg.ts, msg.data.b, msg.data.a, { seq: msg.data.u }))).toBe('applied');
      expect([sync.book.bids.size, sync.book.asks.size]).toEqual([500, 500]);
    }
    expect(sync.counters).toMatchObject({ applied: 50, missingDeletes: 0, gaps: 0, crossed: 0 });
  });

  const checksumFeeds: [SyncRuleId, string, string, number][] = [
    ['okx', 'okx', 'btc-usdt-books-snapshot-and-97-updates-2022-05-13.jsonl', 98],
    ['okx', 'okx', 'uni-usd-swap-books-snapshot-and-92-updates-2022-05-13.jsonl', 93],
    ['bitget', 'bitget', 'mix-v1-dashusdt-books-snapshot-and-45-updates-2022-04-07.jsonl', 46],
  ];

  function checksumEvents(venue: string, file: string): (BookSnapshot | BookDelta)[] {
    const lines = fixtureLines(venue, file).map(envelope);
    const msgs = lines.map((l) => JSON.parse(l.text) as Record<string, any>);
    const m = { px: scaleFor(allStrings(msgs).px), qty: scaleFor(allStrings(msgs).qty) };
    return msgs.map((msg, i) => {
      const d = msg.data[0];
      const kind = msg.action === 'snapshot' ? 'book.snapshot' : 'book.delta';
      // These captures predate seqId/pseq: sequence by arrival, no chain to check.
      return bookEvent(m, kind, lines[i]!.recvTs, d.bids, d.asks, { seq: i + 1 }, d.checksum);
    });
  }

  it.each(checksumFeeds)('%s %s: the CRC32 matches on every message', (rule, venue, file, count) => {
    const events = checksumEvents(venue, file);
    expect(events.filter((e) => e.checksum).length).toBe(count);
    const { sync, outcomes } = replay(rule, events);
    expect(tally(outcomes)).toEqual({ applied: count });
    expect(sync.counters.checksumFailures).toBe(0);
  });

  it.each(checksumFeeds)('%s %s: one normalised quantity string breaks the checksum', (rule, venue, file) => {
    const events = checksumEvents(venue, file);
    const first = events[0]!;
    const raw = first.raw!;
    // Re-spell the best bid's size with one more trailing zero (same number, other text).
    const bids = [...raw.bids];
    bids[1] = bids[1]!.includes('.') ? `${bids[1]}0` : `${bids[1]}.0`;
    const broken = { ...first, raw: { bids, asks: raw.asks } };
    const { sync, outcomes } = replay(rule, [broken]);
    expect(outcomes).toEqual(['resync']);
    expect(sync.reason).toBe('checksum');
  });
});
