import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { seqKey } from '../../src/runtime/store.ts';
import type { CorruptRecord, EventRecord } from '../../src/runtime/eventLog.ts';
import { collect, openPersistence, tempDir, type Persistence } from '../helpers.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('EventLog', () => {
  let dir: { dir: string; cleanup: () => void };
  let clock: ManualClock;
  let p: Persistence;

  beforeEach(async () => {
    dir = tempDir();
    clock = new ManualClock(T0);
    p = await openPersistence(dir.dir, clock);
  });
  afterEach(async () => {
    await p.close().catch(() => {});
    dir.cleanup();
  });

  it('assigns strictly increasing seqs and keeps append order on disk', async () => {
    const seqs = [];
    for (let i = 0; i < 50; i++) {
      seqs.push(p.log.append({ type: i % 2 ? 'a' : 'b', actor: `x:${i % 3}` }).seq);
      clock.advance(7);
    }
    await p.queue.flush();
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const all = await collect(p.log.query());
    expect(all.map((r) => r.seq)).toEqual(seqs);
    expect(all[3]).toMatchObject({ seq: 4, ts: T0 + 21, type: 'a', actor: 'x:0' });
  });

  it('writes behind: nothing is on disk or published before the flush interval', async () => {
    const published: number[] = [];
    p.log.committed$.subscribe((r) => published.push(r.seq));
    p.log.append({ type: 't' });
    await new Promise((r) => setImmediate(r));
    expect(await p.store.events.get(seqKey(1))).toBeUndefined();
    expect(published).toEqual([]);
    clock.advance(150);
    await p.queue.flush();
    expect(JSON.parse((await p.store.events.get(seqKey(1)))!)).toMatchObject({ seq: 1, type: 't' });
    expect(published).toEqual([1]);
  });

  it('appendDurable commits earlier buffered records with it, in order', async () => {
    p.log.append({ type: 'first' });
    const r = await p.log.appendDurable({ type: 'second' });
    expect(r.seq).toBe(2);
    expect((await collect(p.log.query())).map((x) => x.type)).toEqual(['first', 'second']);
  });

  it('continues seq after reopening, never reusing one', async () => {
    for (let i = 0; i < 5; i++) p.log.append({ type: 't' });
    await p.close();
    p = await openPersistence(dir.dir, clock);
    expect(p.log.lastSeq).toBe(5);
    expect(p.log.append({ type: 't' }).seq).toBe(6);
  });

  it('queries by exact actor, actor prefix, type, time range, cursor and newest first', async () => {
    const actors = ['symbol:bybit-linear:BTCUSDT', 'symbol:okx:BTC-USDT-SWAP', 'portfolio'];
    for (let i = 0; i < 60; i++) {
      p.log.append({ type: i % 4 === 0 ? 'transition' : 'signal', actor: actors[i % 3]! });
      clock.advance(500);
    }
    await p.queue.flush();
    const seqs = (rs: EventRecord[]) => rs.map((r) => r.seq);

    const exact = await collect(p.log.query({ actor: 'portfolio' }));
    expect(seqs(exact)).toEqual(Array.from({ length: 20 }, (_, i) => 3 + 3 * i));

    const prefix = await collect(p.log.query({ actor: 'symbol:*' }));
    expect(prefix).toHaveLength(40);
    expect(seqs(prefix)).toEqual([...seqs(prefix)].sort((a, b) => a - b));
    expect(prefix.every((r) => r.actor!.startsWith('symbol:'))).toBe(true);

    const byType = await collect(p.log.query({ type: 'transition' }));
    expect(seqs(byType)).toEqual(Array.from({ length: 15 }, (_, i) => 1 + 4 * i));

    const both = await collect(p.log.query({ type: 'transition', actor: 'portfolio' }));
    expect(seqs(both)).toEqual([9, 21, 33, 45, 57]);

    // seq n has ts T0 + (n-1)*500: the window [T0+5000, T0+7000] holds seqs 11..15
    const window = await collect(p.log.query({ since: T0 + 5_000, until: T0 + 7_000 }));
    expect(seqs(window)).toEqual([11, 12, 13, 14, 15]);
    const windowedActor = await collect(p.log.query({ actor: 'symbol:*', since: T0 + 5_000, until: T0 + 7_000 }));
    expect(seqs(windowedActor)).toEqual([11, 13, 14]);

    expect(seqs(await collect(p.log.query({ afterSeq: 57 })))).toEqual([58, 59, 60]);
    expect(seqs(await collect(p.log.query({ order: 'desc', limit: 3 })))).toEqual([60, 59, 58]);
    expect(seqs(await collect(p.log.query({ actor: 'portfolio', order: 'desc', limit: 2 })))).toEqual([60, 57]);
    expect(await collect(p.log.query({ since: T0 + 1e9 }))).toEqual([]);

    // a prefix across actors, newest first, limited, and paged with a cursor
    expect(seqs(await collect(p.log.query({ actor: 'symbol:*', order: 'desc', limit: 4 })))).toEqual([59, 58, 56, 55]);
    expect(seqs(await collect(p.log.query({ actor: 'symbol:*', afterSeq: 53, limit: 3 })))).toEqual([55, 56, 58]);
    expect(seqs(await collect(p.log.query({ type: 'signal', order: 'desc', limit: 2 })))).toEqual([60, 59]);
    // the prefix must not match an actor that merely shares leading characters with another
    expect(await collect(p.log.query({ actor: 'portfolio*' }))).toHaveLength(20);
    expect(await collect(p.log.query({ actor: 'portfoli' }))).toHaveLength(0);
  });

  it('finds records after a backwards clock jump with a since query', async () => {
    p.log.append({ type: 'a', ts: T0 + 10_000 });
    p.log.append({ type: 'b', ts: T0 + 2_000 }); // the wall clock went back
    p.log.append({ type: 'c', ts: T0 + 11_000 });
    await p.queue.flush();
    expect((await collect(p.log.query({ since: T0 + 9_000 }))).map((r) => r.type)).toEqual(['a', 'c']);
    expect((await collect(p.log.query({ since: T0 + 1_000 }))).map((r) => r.type)).toEqual(['a', 'b', 'c']);
  });

  it('reports and skips unreadable records instead of dropping them silently', async () => {
    for (let i = 0; i < 4; i++) p.log.append({ type: 't', actor: 'a' });
    await p.queue.flush();
    await p.store.events.put(seqKey(2), '{not json');
    await p.store.events.put(seqKey(3), JSON.stringify({ hello: 'world' }));
    const corrupt: CorruptRecord[] = [];
    const ok = await collect(p.log.query({}, (c) => corrupt.push(c)));
    expect(ok.map((r) => r.seq)).toEqual([1, 4]);
    expect(corrupt.map((c) => c.seq)).toEqual([2, 3]);
    expect(corrupt[0]!.reason).toMatch(/not valid JSON/);
    expect(corrupt[1]!.reason).toMatch(/event shape/);
    // the same through an index
    const viaIndex: CorruptRecord[] = [];
    expect((await collect(p.log.query({ actor: 'a' }, (c) => viaIndex.push(c)))).map((r) => r.seq)).toEqual([1, 4]);
    expect(viaIndex).toHaveLength(2);
    expect(p.log.corruptSeen).toBe(4);
  });
});
