import { describe, expect, it } from 'vitest';
import { bitgetAdapter } from '../../../src/adapters/bitget/index.ts';
import type { BookEvent } from '../../../src/model/market.ts';
import { BookSync, type SyncOutcome } from '../../../src/market/bookSync.ts';
import { bookChecksum } from '../../../src/market/checksum.ts';
import { OrderBook } from '../../../src/market/orderBook.ts';
import { describeFixtures, envelope, fixtureLines } from '../../support/fixtures.ts';
import { fixtureLookup } from './instruments.ts';

const lookup = fixtureLookup();
const DASH_FILE = 'mix-v1-dashusdt-books-snapshot-and-45-updates-2022-04-07.jsonl';

function parseBook(text: string): BookEvent {
  const out = bitgetAdapter.parse(text, 1, lookup);
  if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
  return out.events[0] as BookEvent;
}

function dashEvents(): BookEvent[] {
  return fixtureLines('bitget', DASH_FILE).map((l) => parseBook(envelope(l).text));
}

function feed(evs: readonly BookEvent[]): { sync: BookSync; outcomes: SyncOutcome[] } {
  const sync = new BookSync(evs[0]!.instrument, bitgetAdapter.syncRule);
  return { sync, outcomes: evs.map((e) => sync.apply(e)) };
}

describeFixtures('bitget conformance: v1 DASHUSDT books (the checksum scheme v2 keeps)', () => {
  it('every checksum matches over the exact strings (46/46), no gap, never crossed', () => {
    const evs = dashEvents();
    const sync = new BookSync('bitget:DASHUSDT', bitgetAdapter.syncRule);
    let matched = 0;
    for (const ev of evs) {
      expect(sync.apply(ev)).toBe('applied');
      expect(sync.book.crossed()).toBe(false);
      if (bookChecksum(sync.book, 25) === ev.checksum) matched++;
    }
    expect(evs).toHaveLength(46);
    expect(matched).toBe(46);
    expect(sync.counters).toMatchObject({ applied: 46, gaps: 0, checksumFailures: 0, crossed: 0, resyncs: 0 });
  });

  it('with normalised numbers ("6.40" → "6.4") the checksum matches 0/46, and the sync refuses the snapshot', () => {
    const norm = (xs: readonly string[]) => xs.map((s) => String(Number(s)));
    const evs = dashEvents().map((e) => ({ ...e, raw: { bids: norm(e.raw!.bids), asks: norm(e.raw!.asks) } }));
    const book = new OrderBook('bitget:DASHUSDT');
    let matched = 0;
    for (const ev of evs) {
      book.applyLevels(book.bids, ev.bids, ev.raw.bids);
      book.applyLevels(book.asks, ev.asks, ev.raw.asks);
      if (bookChecksum(book, 25) === ev.checksum) matched++;
    }
    expect(matched).toBe(0);
    const { sync, outcomes } = feed(evs.slice(0, 1));
    expect(outcomes).toEqual(['resync']);
    expect(sync.reason).toBe('checksum');
  });

  it('removing any one update but the last is caught by the next checksum', () => {
    const evs = dashEvents();
    for (let k = 1; k < evs.length - 1; k++) {
      const { outcomes } = feed(evs.filter((_, i) => i !== k));
      expect(outcomes.indexOf('resync'), `removed update ${k}`).toBe(k);
    }
  });

  it('swapping any two neighbouring updates is caught', () => {
    const evs = dashEvents();
    for (let k = 1; k < evs.length - 1; k++) {
      const swapped = [...evs];
      [swapped[k], swapped[k + 1]] = [swapped[k + 1]!, swapped[k]!];
      expect(feed(swapped).outcomes, `swapped ${k}`).toContain('resync');
    }
  });
});

describeFixtures('bitget conformance: v3 seq/pseq chain', () => {
  const lines = () => fixtureLines('bitget', 'v3-uta-live-messages-2026-04-28.jsonl');
  /** The v3 update with data fields replaced; its levels were trimmed upstream, so checksum 0. */
  const update = (over: Record<string, unknown>): BookEvent => {
    const msg = JSON.parse(lines()[3]!) as { data: Record<string, unknown>[] };
    return parseBook(JSON.stringify({ ...msg, data: [{ ...msg.data[0], checksum: 0, ...over }] }));
  };
  const snapshot = () => parseBook(lines()[2]!);

  it('the recorded update is older than the recorded snapshot: ignored, not a gap', () => {
    const { sync, outcomes } = feed([snapshot(), update({})]);
    expect(outcomes).toEqual(['applied', 'ignored']);
    expect(sync.counters.duplicates).toBe(1);
    expect(sync.seq).toBe(483814309734);
  });

  it('pseq == the snapshot seq chains; the next pseq must name that update', () => {
    const { sync, outcomes } = feed([snapshot(), update({ pseq: 483814309734, seq: 483814309800 }), update({ pseq: 483814309800, seq: 483814309901 })]);
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(sync.seq).toBe(483814309901);
  });

  it('a pseq naming an update never received is a gap', () => {
    const { sync, outcomes } = feed([snapshot(), update({ pseq: 483814309750, seq: 483814309800 })]);
    expect(outcomes).toEqual(['applied', 'resync']);
    expect(sync.reason).toBe('gap');
  });

  it('the real v3 checksum is checked where sent (trimmed levels cannot match it)', () => {
    const { sync, outcomes } = feed([snapshot(), update({ pseq: 483814309734, seq: 483814309800, checksum: -431745958 })]);
    expect(outcomes).toEqual(['applied', 'resync']);
    expect(sync.reason).toBe('checksum');
  });
});

describe('bitget conformance: limits are data', () => {
  it('pings every 30 s as the venue asks, resyncs by resubscribing', () => {
    expect(bitgetAdapter.limits.pingIntervalMs).toBe(30_000);
    expect(bitgetAdapter.limits.maxFramesPerSecond).toBe(10);
    expect(bitgetAdapter.resync).toBe('resubscribe');
    expect(bitgetAdapter.syncRule).toBe('bitget');
  });
});
