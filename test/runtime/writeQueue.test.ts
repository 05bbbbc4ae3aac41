import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { openStore, type Store } from '../../src/runtime/store.ts';
import { WriteQueue } from '../../src/runtime/writeQueue.ts';
import { tempDir } from '../helpers.ts';

describe('WriteQueue', () => {
  let dir: { dir: string; cleanup: () => void };
  let store: Store;
  let clock: ManualClock;
  let q: WriteQueue;
  let commits: number;

  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(dir.dir);
    clock = new ManualClock(0);
    q = new WriteQueue(store, { clock, flushIntervalMs: 200, logger: silentLogger(), maxBuffered: 1_000 });
    commits = 0;
    q.onCommit(() => commits++);
  });
  afterEach(async () => {
    await q.close();
    await store.close();
    dir.cleanup();
  });

  const put = (key: string, value: string) => ({ sublevel: store.meta, key, value });

  it('shares one fsynced batch among all durable requests of one turn', async () => {
    const waits = Array.from({ length: 100 }, (_, i) => q.durable(put(`k${i}`, String(i))));
    await Promise.all(waits);
    expect(commits).toBe(1);
    expect(await store.meta.get('k99')).toBe('99');
  });

  it('writes behind on one timer per window, last write to a key winning', async () => {
    q.enqueue(put('a', '1'));
    q.enqueue(put('a', '2'), put('b', '1'));
    expect(clock.pending()).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(await store.meta.get('a')).toBeUndefined();
    clock.advance(200);
    await q.flush();
    expect(await store.meta.get('a')).toBe('2');
    expect(commits).toBeGreaterThanOrEqual(1);
  });

  it('commits early when the buffer is full, bounding memory under a burst', async () => {
    for (let i = 0; i < 1_000; i++) q.enqueue(put(`k${i}`, 'x'));
    await q.flush();
    expect(await store.meta.get('k999')).toBe('x');
    expect(commits).toBeGreaterThanOrEqual(1);
  });

  it('keeps the order of commits: a later delete is not undone by an earlier put', async () => {
    q.enqueue(put('x', 'old'));
    const first = q.flush();
    q.enqueue({ sublevel: store.meta, key: 'x', value: undefined });
    await Promise.all([first, q.durable()]);
    expect(await store.meta.get('x')).toBeUndefined();
  });
});
