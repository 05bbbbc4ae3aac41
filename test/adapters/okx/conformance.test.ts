import { describe, expect, it } from 'vitest';
import { okxAdapter } from '../../../src/adapters/okx/index.ts';
import type { Instrument } from '../../../src/model/instrument.ts';
import type { BookEvent } from '../../../src/model/market.ts';
import { BookSync, type SyncOutcome } from '../../../src/market/bookSync.ts';
import { bookChecksum } from '../../../src/market/checksum.ts';
import { describeFixtures, envelope, fixtureJson, fixtureLines } from '../../support/fixtures.ts';
import { BTC_USDT_SPOT, DOCS_BTC_USDT, UNI_USD_SWAP, lookupOf } from './instruments.ts';

/** Returns the book events of a capture, parsed through the adapter. */
function bookEvents(file: string, inst: Instrument): BookEvent[] {
  return fixtureLines('okx', file).map((line) => {
    const e = envelope(line);
    const out = okxAdapter.parse(e.text, e.recvTs, lookupOf(inst));
    if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
    return out.events[0] as BookEvent;
  });
}

function feed(inst: Instrument, evs: readonly BookEvent[]): { sync: BookSync; outcomes: SyncOutcome[] } {
  const sync = new BookSync(inst.id, okxAdapter.syncRule);
  return { sync, outcomes: evs.map((e) => sync.apply(e)) };
}

const CAPTURES = [
  { file: 'btc-usdt-books-snapshot-and-97-updates-2022-05-13.jsonl', inst: BTC_USDT_SPOT, messages: 98 },
  { file: 'uni-usd-swap-books-snapshot-and-92-updates-2022-05-13.jsonl', inst: UNI_USD_SWAP, messages: 93 },
] as const;

describeFixtures('okx conformance: the 2022 books captures', () => {
  it.each(CAPTURES)('$file: every checksum matches ($messages/$messages), no gap, never crossed', ({ file, inst, messages }) => {
    const evs = bookEvents(file, inst);
    const sync = new BookSync(inst.id, okxAdapter.syncRule);
    let matched = 0;
    for (const ev of evs) {
      expect(sync.apply(ev)).toBe('applied');
      expect(sync.book.crossed()).toBe(false);
      // Our own CRC32 over the rebuilt top 25, compared with the venue's number for the same moment.
      if (bookChecksum(sync.book, 25) === ev.checksum) matched++;
    }
    expect(evs).toHaveLength(messages);
    expect(matched).toBe(messages);
    expect(sync.counters).toMatchObject({ applied: messages, gaps: 0, checksumFailures: 0, crossed: 0, resyncs: 0 });
    expect(sync.status).toBe('synced');
  });

  it('BTC-USDT: removing any one update but the last is caught by the next checksum', () => {
    const evs = bookEvents(CAPTURES[0].file, BTC_USDT_SPOT);
    for (let k = 1; k < evs.length - 1; k++) {
      const { sync, outcomes } = feed(BTC_USDT_SPOT, evs.filter((_, i) => i !== k));
      expect(outcomes.indexOf('resync'), `removed update ${k}`).toBe(k);
      expect(sync.counters.checksumFailures).toBe(1);
    }
  });

  it('BTC-USDT: swapping any two neighbouring updates is caught', () => {
    const evs = bookEvents(CAPTURES[0].file, BTC_USDT_SPOT);
    for (let k = 1; k < evs.length - 1; k++) {
      const swapped = [...evs];
      [swapped[k], swapped[k + 1]] = [swapped[k + 1]!, swapped[k]!];
      expect(feed(BTC_USDT_SPOT, swapped).outcomes, `swapped ${k}`).toContain('resync');
    }
  });

  it('UNI-USD-SWAP: a removed update is caught when it touched the top 25 levels the checksum covers', () => {
    // Without seqIds (2022) only the checksum can see a loss; updates that change deep levels only
    // (11 of 92 here) are invisible to it until those levels rise into the top 25.
    const evs = bookEvents(CAPTURES[1].file, UNI_USD_SWAP);
    let caught = 0;
    for (let k = 1; k < evs.length; k++) if (feed(UNI_USD_SWAP, evs.filter((_, i) => i !== k)).outcomes.includes('resync')) caught++;
    expect(caught).toBe(81);
    expect(feed(UNI_USD_SWAP, evs.filter((_, i) => i !== 10)).outcomes.indexOf('resync')).toBe(10);
  });
});

/** Parses a docs example with some `data[0]` fields replaced (seqId chains are what is tested). */
function docsEvent(file: string, over: Record<string, unknown>): BookEvent {
  const msg = fixtureJson<{ data: Record<string, unknown>[] }>('okx', file);
  const text = JSON.stringify({ ...msg, data: [{ ...msg.data[0], ...over }] });
  const out = okxAdapter.parse(text, 1, lookupOf(DOCS_BTC_USDT));
  if (!out.ok) throw new Error(`${out.problem}: ${out.detail}`);
  return out.events[0] as BookEvent;
}

describeFixtures('okx conformance: seqId/prevSeqId rules on the docs examples', () => {
  // The docs' checksum (-855196043) is illustrative, so the chain is tested with it removed.
  const snap = () => docsEvent('ws-books-snapshot.docs.json', { checksum: 0 });
  const update = (over: Record<string, unknown>) => docsEvent('ws-books-update.docs.json', { checksum: 0, ...over });
  const empty = { asks: [], bids: [] };

  it('with the illustrative checksum kept, the sync flags it', () => {
    const sync = new BookSync(DOCS_BTC_USDT.id, 'okx');
    expect(sync.apply(docsEvent('ws-books-snapshot.docs.json', {}))).toBe('resync');
    expect(sync.reason).toBe('checksum');
  });

  it('snapshot 123456 then update prevSeqId 123456 → seqId 123457 applies', () => {
    const { sync, outcomes } = feed(DOCS_BTC_USDT, [snap(), update({})]);
    expect(outcomes).toEqual(['applied', 'applied']);
    expect(sync.seq).toBe(123457);
    expect(sync.book.bids.best()).toBe(847697);
  });

  it('a heartbeat (no levels, seqId == prevSeqId == the last seqId) is accepted and changes nothing', () => {
    const { sync, outcomes } = feed(DOCS_BTC_USDT, [snap(), update({ ...empty, seqId: 123456, prevSeqId: 123456 }), update({ seqId: 123460, prevSeqId: 123456 })]);
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(sync.seq).toBe(123460);
    expect(sync.counters.gaps).toBe(0);
  });

  it('a maintenance reset (seqId smaller than prevSeqId, prevSeqId == the last seqId) is accepted and the chain goes on from it', () => {
    const { sync, outcomes } = feed(DOCS_BTC_USDT, [snap(), update({ seqId: 15, prevSeqId: 123456 }), update({ seqId: 16, prevSeqId: 15 })]);
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(sync.seq).toBe(16);
  });

  it('a prevSeqId that does not name the last seqId is a gap', () => {
    const { sync, outcomes } = feed(DOCS_BTC_USDT, [snap(), update({ seqId: 123459, prevSeqId: 123458 })]);
    expect(outcomes).toEqual(['applied', 'resync']);
    expect(sync.reason).toBe('gap');
    expect(sync.counters.gaps).toBe(1);
  });

  it('a repeated update (seqId == the last seqId) is a duplicate, not a gap', () => {
    const { sync, outcomes } = feed(DOCS_BTC_USDT, [snap(), update({}), update({})]);
    expect(outcomes).toEqual(['applied', 'applied', 'ignored']);
    expect(sync.counters.duplicates).toBe(1);
  });

  it('updates swapped in order: the later one names a prevSeqId not yet seen → gap; the rest wait for a snapshot', () => {
    const a = update({ seqId: 123457, prevSeqId: 123456 });
    const b = update({ seqId: 123458, prevSeqId: 123457 });
    expect(feed(DOCS_BTC_USDT, [snap(), b, a]).outcomes).toEqual(['applied', 'resync', 'ignored']);
  });
});

describe('okx conformance: limits are data', () => {
  it('pings faster than the venue drops an idle connection (30 s)', () => {
    expect(okxAdapter.limits.pingIntervalMs).toBeLessThan(30_000);
    expect(okxAdapter.resync).toBe('resubscribe');
    expect(okxAdapter.syncRule).toBe('okx');
  });
});
