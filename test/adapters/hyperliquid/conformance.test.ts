import { describe, expect, it } from 'vitest';
import { hyperliquidAdapter } from '../../../src/adapters/hyperliquid/index.ts';
import type { HyperliquidRestMeta } from '../../../src/adapters/hyperliquid/messages.ts';
import { parseHyperliquidL2Book } from '../../../src/adapters/hyperliquid/parse.ts';
import { hyperliquidInstrumentSpec } from '../../../src/adapters/hyperliquid/symbols.ts';
import { BookSync } from '../../../src/market/bookSync.ts';
import { makeInstrument, type Instrument, type InstrumentLookup } from '../../../src/model/instrument.ts';
import type { BookSnapshot } from '../../../src/model/market.ts';
import { describeFixtures, fixtureJson, fixtureLines } from '../../support/fixtures.ts';

const V = 'hyperliquid';
const LIVE = 'ws-live-messages-2024-10-29.jsonl';

function lookupOf(...list: Instrument[]): InstrumentLookup {
  const m = new Map(list.map((i) => [i.symbol, i]));
  return (s) => m.get(s);
}
function coin(name: string, szDecimals: number): Instrument {
  return makeInstrument(hyperliquidInstrumentSpec({ name, szDecimals }, 'USDC'));
}
function wsBook(text: string, lookup: InstrumentLookup): BookSnapshot {
  const out = hyperliquidAdapter.parse(text, 0, lookup);
  if (!out.ok || out.events[0]?.kind !== 'book.snapshot') throw new Error(`not a book: ${JSON.stringify(out)}`);
  return out.events[0];
}
/** A copy of a recorded l2Book frame with another time (the only field the order tests change). */
function withTime(text: string, time: number): string {
  const o = JSON.parse(text) as { data: { time: number } };
  o.data.time = time;
  return JSON.stringify(o);
}

describeFixtures('hyperliquid conformance', () => {
  const metaLookup = (): InstrumentLookup =>
    lookupOf(...fixtureJson<{ response: HyperliquidRestMeta }>(V, 'rest-meta-2023-07-17.json').response.universe.map((a) => makeInstrument(hyperliquidInstrumentSpec(a, 'USDC'))));
  const live = (): InstrumentLookup => lookupOf(coin('SHIA', 0), coin('BANANA', 1));
  const books = (): string[] => fixtureLines(V, LIVE).filter((l) => l.startsWith('{"channel":"l2Book"'));

  it('the REST l2Book fixtures are full books: uncrossed, 20×20 and 5×5, best first', () => {
    for (const [file, levels] of [['rest-l2book-dydx-2023-07-17.json', 20], ['rest-l2book-btc-2025-10-30.json', 5]] as const) {
      const json = fixtureJson<Record<string, unknown>>(V, file);
      const out = parseHyperliquidL2Book('response' in json ? json.response : json, 0, metaLookup());
      if (!out.ok) throw new Error(out.detail);
      const sync = new BookSync(out.snapshot.instrument, hyperliquidAdapter.syncRule);
      expect(sync.apply(out.snapshot)).toBe('applied');
      expect(sync.status).toBe('synced');
      expect(sync.book.bids.size).toBe(levels);
      expect(sync.book.asks.size).toBe(levels);
      expect(sync.book.crossed()).toBe(false);
      // Levels arrive best first and the book keeps that order: the rebuilt top equals the message.
      expect(sync.book.top('bids', levels).flat()).toEqual(out.snapshot.bids);
      expect(sync.book.top('asks', levels).flat()).toEqual(out.snapshot.asks);
    }
  });

  it('ws l2Book: an empty book is a valid (synced, empty) book; BANANA rebuilds as sent', () => {
    const [shia, banana] = books();
    const s1 = new BookSync('hyperliquid:SHIA', 'hyperliquid');
    expect(s1.apply(wsBook(shia!, live()))).toBe('applied');
    expect(s1.book.bids.size + s1.book.asks.size).toBe(0);
    const s2 = new BookSync('hyperliquid:BANANA', 'hyperliquid');
    expect(s2.apply(wsBook(banana!, live()))).toBe('applied');
    expect(s2.book.top('bids', 5)).toEqual([[5980000, 34], [5977800, 16]]);
    expect(s2.book.top('asks', 5)).toEqual([[5981100, 29], [5983200, 176]]);
  });

  it('each book replaces the last: levels absent from the newer book are gone', () => {
    const [shia, banana] = books();
    const empty = withTime(shia!.replace('"SHIA"', '"BANANA"'), 1730160007688);
    const sync = new BookSync('hyperliquid:BANANA', 'hyperliquid');
    sync.apply(wsBook(banana!, live()));
    expect(sync.apply(wsBook(empty, live()))).toBe('applied');
    expect(sync.book.bids.size + sync.book.asks.size).toBe(0);
    expect(sync.seq).toBe(1730160007688);
  });

  it('an older book after a newer one is ignored (the reordered-delta case of a snapshot-only venue)', () => {
    const [, banana] = books();
    const newer = withTime(banana!, 1730160007700);
    const older = withTime(banana!.replace('"sz":"3.4"', '"sz":"9.9"'), 1730160007650);
    const sync = new BookSync('hyperliquid:BANANA', 'hyperliquid');
    expect(sync.apply(wsBook(newer, live()))).toBe('applied');
    expect(sync.apply(wsBook(older, live()))).toBe('ignored');
    expect(sync.book.top('bids', 1)).toEqual([[5980000, 34]]);
    expect(sync.seq).toBe(1730160007700);
    expect(sync.counters.duplicates).toBe(1);
    // The same book repeated (a duplicate frame) replaces harmlessly.
    expect(sync.apply(wsBook(newer, live()))).toBe('applied');
    expect(sync.status).toBe('synced');
  });

  it('a crossed full book is not trusted', () => {
    const [, banana] = books();
    const crossed = withTime(banana!.replace('"px":"59.811"', '"px":"59.700"'), 1730160007701);
    const sync = new BookSync('hyperliquid:BANANA', 'hyperliquid');
    expect(sync.apply(wsBook(crossed, live()))).toBe('resync');
    expect(sync.reason).toBe('crossed');
  });
});

describe('hyperliquid adapter shape', () => {
  it('adapter shape: full books, nothing to resync', () => {
    expect(hyperliquidAdapter.syncRule).toBe('hyperliquid');
    expect(hyperliquidAdapter.resync).toBe('none');
    expect(hyperliquidAdapter.defaultDepth).toBe(20);
    expect(hyperliquidAdapter.limits.maxTopicsPerRequest).toBe(1);
    expect(hyperliquidAdapter.limits.pingIntervalMs).toBeLessThan(60_000);
  });
});
