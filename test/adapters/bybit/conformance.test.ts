import { describe, expect, it } from 'vitest';
import { bybitLinearAdapter } from '../../../src/adapters/bybit/index.ts';
import { bybitInstrumentSpec } from '../../../src/adapters/bybit/symbols.ts';
import type { BybitRestEnvelope, BybitRestInstrumentsResult } from '../../../src/adapters/bybit/messages.ts';
import { BookSync, type SyncOutcome } from '../../../src/market/bookSync.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import type { BookEvent } from '../../../src/model/market.ts';
import { describeFixtures, fixtureJson, fixtureLines, fixtureText } from '../../support/fixtures.ts';

const V = 'bybit-linear';
const OB500 = 'xrpusdt-orderbook500-snapshot-and-49-deltas-2024-12-01.jsonl';
const LIVE = 'ws-live-messages-2023-04-05.jsonl';

function inst(symbol: string, tickSize: string, lotSize: string): Instrument {
  return makeInstrument({ venue: V, symbol, kind: 'perp', base: symbol.slice(0, 3), quote: 'USDT', tickSize, lotSize });
}
function lookupOf(...list: Instrument[]): InstrumentLookup {
  const m = new Map(list.map((i) => [i.symbol, i]));
  return (s) => m.get(s);
}
function bookEvent(text: string, lookup: InstrumentLookup): BookEvent {
  const out = bybitLinearAdapter.parse(text, 0, lookup);
  if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
  const ev = out.events[0];
  if (!ev || (ev.kind !== 'book.snapshot' && ev.kind !== 'book.delta')) throw new Error('not a book event');
  return ev;
}
/** Rewrites one JSON line's data.u (the only edit the sequence tests make to a real message). */
function withU(line: string, u: number): string {
  const o = JSON.parse(line) as { data: { u: number } };
  o.data.u = u;
  return JSON.stringify(o);
}

// Real XRPUSDT: tick 0.0001, qty step 1; every price and size in the file lies on it.
const XRP = lookupOf(inst('XRPUSDT', '0.0001', '1'));

describeFixtures('bybit conformance: xrpusdt orderbook.500 snapshot + 49 deltas', () => {
  const lines = (): string[] => fixtureLines(V, OB500);

  it('rebuilds with every delta applied, no gap, uncrossed, exactly 500 levels a side', () => {
    const sync = new BookSync('bybit-linear:XRPUSDT', bybitLinearAdapter.syncRule);
    const outcomes: SyncOutcome[] = [];
    for (const l of lines()) {
      outcomes.push(sync.apply(bookEvent(l, XRP)));
      expect(sync.book.crossed()).toBe(false);
      expect(sync.book.bids.size).toBe(500);
      expect(sync.book.asks.size).toBe(500);
    }
    expect(outcomes).toEqual(Array(50).fill('applied'));
    expect(sync.status).toBe('synced');
    expect(sync.seq).toBe(20254918);
    expect(sync.counters).toMatchObject({ applied: 50, gaps: 0, crossed: 0, missingDeletes: 0, resyncs: 0, duplicates: 0 });
    // An independent rebuild from the raw strings (a plain map per side) agrees level by level.
    const ref = { b: new Map<string, string>(), a: new Map<string, string>() };
    for (const l of lines()) {
      const m = JSON.parse(l) as { type: string; data: { b: [string, string][]; a: [string, string][] } };
      if (m.type === 'snapshot') (ref.b.clear(), ref.a.clear());
      for (const side of ['b', 'a'] as const) for (const [p, q] of m.data[side]) (q === '0' ? ref[side].delete(p) : ref[side].set(p, q));
    }
    const ticks = (side: Map<string, string>, desc: boolean): [number, number][] =>
      [...side].map(([p, q]): [number, number] => [Math.round(Number(p) * 1e4), Number(q)]).sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0]));
    expect(sync.book.top('bids', 1000)).toEqual(ticks(ref.b, true));
    expect(sync.book.top('asks', 1000)).toEqual(ticks(ref.a, false));
  });

  it('detects a removed delta', () => {
    const l = lines();
    const sync = new BookSync('bybit-linear:XRPUSDT', 'bybit');
    const seq = [...l.slice(0, 10), ...l.slice(11)];
    const outcomes = seq.map((x) => sync.apply(bookEvent(x, XRP)));
    expect(outcomes.slice(0, 10)).toEqual(Array(10).fill('applied'));
    expect(outcomes[10]).toBe('resync');
    expect(sync.reason).toBe('gap');
    // With no snapshot after the resync the rest are not applied.
    expect(outcomes.slice(11).every((o) => o === 'ignored')).toBe(true);
    expect(sync.status).toBe('resyncing');
  });

  it('detects reordered deltas', () => {
    const l = lines();
    const sync = new BookSync('bybit-linear:XRPUSDT', 'bybit');
    const seq = [...l.slice(0, 5), l[6]!, l[5]!, ...l.slice(7)];
    const outcomes = seq.map((x) => sync.apply(bookEvent(x, XRP)));
    expect(outcomes[5]).toBe('resync');
    expect(sync.counters.gaps).toBe(1);
  });

  it('ignores a repeated delta and carries on', () => {
    const l = lines();
    const sync = new BookSync('bybit-linear:XRPUSDT', 'bybit');
    const seq = [...l.slice(0, 6), l[5]!, ...l.slice(6)];
    const outcomes = seq.map((x) => sync.apply(bookEvent(x, XRP)));
    expect(outcomes[6]).toBe('ignored');
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(50);
    expect(sync.status).toBe('synced');
  });

  it('u == 1 (a service restart) replaces the book', () => {
    const l = lines();
    const sync = new BookSync('bybit-linear:XRPUSDT', 'bybit');
    for (const x of l.slice(0, 3)) sync.apply(bookEvent(x, XRP));
    const restart = bookEvent(withU(l[3]!, 1), XRP);
    expect(sync.apply(restart)).toBe('applied');
    expect(sync.seq).toBe(1);
    expect(sync.book.bids.size).toBe(restart.bids.length / 2);
    expect(sync.book.asks.size).toBe(restart.asks.length / 2);
    expect(sync.apply(bookEvent(withU(l[4]!, 2), XRP))).toBe('applied');
    expect(sync.apply(bookEvent(withU(l[5]!, 4), XRP))).toBe('resync');
  });

  it('a second snapshot resets the book', () => {
    const l = lines();
    const sync = new BookSync('bybit-linear:XRPUSDT', 'bybit');
    for (const x of l.slice(0, 20)) sync.apply(bookEvent(x, XRP));
    expect(sync.apply(bookEvent(l[0]!, XRP))).toBe('applied');
    expect(sync.seq).toBe(20254869);
    expect(sync.apply(bookEvent(l[1]!, XRP))).toBe('applied');
  });
});

describeFixtures('bybit conformance: ws-live-messages-2023-04-05', () => {
  const live = (): InstrumentLookup => lookupOf(inst('BTCUSDT', '0.10', '0.001'), inst('BTCPERP', '0.01', '0.001'));
  const books = (): string[] => fixtureLines(V, LIVE).filter((l) => l.includes('"topic":"orderbook.'));

  it('orderbook.1 snapshot u 7003305 then delta u 7003306 applies', () => {
    const [snap, delta] = books();
    const sync = new BookSync('bybit-linear:BTCUSDT', 'bybit');
    expect(sync.apply(bookEvent(snap!, live()))).toBe('applied');
    expect(sync.apply(bookEvent(delta!, live()))).toBe('applied');
    expect(sync.seq).toBe(7003306);
    expect(sync.book.top('bids', 5)).toEqual([[285520, 12]]);
    expect(sync.book.top('asks', 5)).toEqual([[285521, 25433]]);
  });

  it('orderbook.50 BTCPERP snapshot then delta applies', () => {
    const perp = books().filter((l) => l.includes('BTCPERP'));
    const sync = new BookSync('bybit-linear:BTCPERP', 'bybit');
    expect(perp.map((l) => sync.apply(bookEvent(l, live())))).toEqual(['applied', 'applied']);
    expect(sync.book.top('bids', 1)).toEqual([[2855520, 677]]);
    expect(sync.book.top('asks', 1)).toEqual([[2855530, 29]]);
  });

  it('the later-session orderbook.1 delta is not applied to the earlier book, nor without a snapshot', () => {
    const [snap, delta, , , later] = books();
    const sync = new BookSync('bybit-linear:BTCUSDT', 'bybit');
    sync.apply(bookEvent(snap!, live()));
    sync.apply(bookEvent(delta!, live()));
    expect(sync.apply(bookEvent(later!, live()))).toBe('ignored');
    expect(sync.seq).toBe(7003306);
    const fresh = new BookSync('bybit-linear:BTCUSDT', 'bybit');
    expect(fresh.apply(bookEvent(later!, live()))).toBe('ignored');
    expect(fresh.counters.beforeSnapshot).toBe(1);
  });
});

describeFixtures('bybit conformance: docs examples', () => {
  const lookup = (): InstrumentLookup => {
    const env = fixtureJson<BybitRestEnvelope<BybitRestInstrumentsResult>>(V, 'rest-instruments-info-linear.docs.json');
    return lookupOf(...env.result.list.map((r) => makeInstrument(bybitInstrumentSpec(r))));
  };

  it('the orderbook.50 snapshot example builds an uncrossed book', () => {
    const sync = new BookSync('bybit-linear:BTCUSDT', 'bybit');
    expect(sync.apply(bookEvent(fixtureText(V, 'ws-orderbook50-snapshot.docs.json'), lookup()))).toBe('applied');
    expect(sync.book.top('bids', 5)).toEqual([[164935, 6], [164930, 100]]);
    expect(sync.book.top('asks', 5)).toEqual([[166110, 29], [166120, 213]]);
  });

  it('the delta example (illustrative u, another day) does not chain onto the snapshot example', () => {
    const sync = new BookSync('bybit-linear:BTCUSDT', 'bybit');
    sync.apply(bookEvent(fixtureText(V, 'ws-orderbook50-snapshot.docs.json'), lookup()));
    expect(sync.apply(bookEvent(fixtureText(V, 'ws-orderbook50-delta.docs.json'), lookup()))).toBe('resync');
    expect(sync.reason).toBe('gap');
  });
});

describe('bybit adapter shape', () => {
  const btc = inst('BTCUSDT', '0.10', '0.001');
  it('subscribes book, trades and tickers; rounds depth up to an offered one', () => {
    expect(bybitLinearAdapter.topics(btc, 50)).toEqual(['orderbook.50.BTCUSDT', 'publicTrade.BTCUSDT', 'tickers.BTCUSDT']);
    expect(bybitLinearAdapter.bookTopic(btc, 20)).toBe('orderbook.50.BTCUSDT');
    expect(bybitLinearAdapter.bookTopic(btc, 1)).toBe('orderbook.1.BTCUSDT');
    expect(bybitLinearAdapter.bookTopic(btc, 400)).toBe('orderbook.500.BTCUSDT');
    expect(bybitLinearAdapter.bookTopic(btc, 5000)).toBe('orderbook.1000.BTCUSDT');
  });

  it('batches at most 10 args per request, each with its own req_id', () => {
    const topics = Array.from({ length: 23 }, (_, i) => `publicTrade.S${i}USDT`);
    const frames = bybitLinearAdapter.subscribeFrames(topics, 7).map((f) => JSON.parse(f) as { op: string; args: string[]; req_id: string });
    expect(frames.map((f) => f.args.length)).toEqual([10, 10, 3]);
    expect(frames.every((f) => f.op === 'subscribe')).toBe(true);
    expect(new Set(frames.map((f) => f.req_id)).size).toBe(3);
    expect(frames.flatMap((f) => f.args)).toEqual(topics);
    expect(JSON.parse(bybitLinearAdapter.unsubscribeFrames(['tickers.BTCUSDT'], 8)[0]!)).toEqual({ op: 'unsubscribe', args: ['tickers.BTCUSDT'], req_id: '8' });
  });

  it('pings with {"op":"ping"} and connects to /v5/public/linear', () => {
    expect(bybitLinearAdapter.pingFrame()).toBe('{"op":"ping"}');
    expect(bybitLinearAdapter.connectUrl(bybitLinearAdapter.defaultUrls.ws)).toBe('wss://stream.bybit.com/v5/public/linear');
    expect(bybitLinearAdapter.connectUrl('ws://127.0.0.1:9/')).toBe('ws://127.0.0.1:9/v5/public/linear');
    expect(bybitLinearAdapter.connectUrl('wss://stream.bybit.com/v5/public/linear')).toBe('wss://stream.bybit.com/v5/public/linear');
    expect(bybitLinearAdapter.resync).toBe('resubscribe');
    expect(bybitLinearAdapter.defaultDepth).toBe(50);
  });
});
