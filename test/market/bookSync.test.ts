import { describe, expect, it } from 'vitest';
import { BookSync, type SyncRuleId } from '../../src/market/bookSync.ts';
import { ASKS, BIDS, INST, bestOf, delta, expectResync, run, snap, type Extra } from './bookEvents.ts';

describe('BookSync binance-usdm (U/u/pu)', () => {
  it('buffers deltas before the snapshot, drops u < L, applies the straddling one and the pu chain', () => {
    const sync = run('binance-usdm', [
      ['old, before snapshot', delta(95, [[9990, 1]], [], { firstSeq: 90, prevSeq: 89 }), 'buffered'],
      ['straddles L=100', delta(103, [[9999, 9]], [], { firstSeq: 96, prevSeq: 95 }), 'buffered'],
      ['chains on 103', delta(110, [], [[10001, 0]], { firstSeq: 104, prevSeq: 103 }), 'buffered'],
      ['snapshot L=100', snap(100, BIDS, ASKS), 'applied'],
    ]);
    expect(sync.status).toBe('synced');
    expect(sync.seq).toBe(110);
    expect(sync.book.bids.qtyAt(9999)).toBe(9);
    expect(sync.book.bids.qtyAt(9990)).toBe(0); // the u < L delta was dropped
    expect(bestOf(sync)).toEqual([9999, 10002]);
    expect(sync.counters).toMatchObject({ buffered: 3, duplicates: 1, applied: 3, gaps: 0, resyncs: 0 });
    expect(sync.apply(delta(115, [[9998, 1]], [], { firstSeq: 111, prevSeq: 110 }))).toBe('applied');
    expect(sync.seq).toBe(115);
  });

  it('accepts a first delta with U == L or u == L (both edges of the straddle)', () => {
    const a = run('binance-usdm', [
      ['snapshot', snap(100, BIDS, ASKS), 'applied'],
      ['U == L', delta(105, [], [], { firstSeq: 100, prevSeq: 99 }), 'applied'],
    ]);
    expect(a.seq).toBe(105);
    const b = run('binance-usdm', [
      ['snapshot', snap(100, BIDS, ASKS), 'applied'],
      ['u == L', delta(100, [[9999, 1]], [], { firstSeq: 97, prevSeq: 96 }), 'applied'],
      ['next chains on 100', delta(104, [], [], { firstSeq: 101, prevSeq: 100 }), 'applied'],
    ]);
    expect(b.book.bids.qtyAt(9999)).toBe(1);
  });

  it('snapshot too old: the first delta after it starts past L', () => {
    const sync = run('binance-usdm', [
      ['buffered, starts after L', delta(120, [], [], { firstSeq: 105, prevSeq: 104 }), 'buffered'],
      ['snapshot L=100', snap(100, BIDS, ASKS), 'resync'],
    ]);
    expectResync(sync, 'snapshot-too-old');
    expect(sync.counters.resyncs).toBe(1);
    // Back to buffering for the next snapshot.
    expect(sync.apply(delta(125, [], [], { firstSeq: 121, prevSeq: 120 }))).toBe('buffered');
    expect(sync.apply(snap(122, BIDS, ASKS))).toBe('applied');
    expect(sync.status).toBe('synced');
    expect(sync.seq).toBe(125);
  });

  it('a live first delta past L after an empty buffer is also too old', () => {
    const sync = run('binance-usdm', [
      ['snapshot', snap(100, BIDS, ASKS), 'applied'],
      ['starts at 101', delta(104, [], [], { firstSeq: 101, prevSeq: 100 }), 'resync'],
    ]);
    expectResync(sync, 'snapshot-too-old');
  });

  it('a broken pu chain is a gap: resync, book cleared, buffering again', () => {
    const sync = run('binance-usdm', [
      ['snapshot', snap(100, BIDS, ASKS), 'applied'],
      ['first', delta(102, [], [], { firstSeq: 99, prevSeq: 98 }), 'applied'],
      ['pu 103 ≠ 102', delta(110, [], [], { firstSeq: 104, prevSeq: 103 }), 'resync'],
      ['after the gap', delta(115, [], [], { firstSeq: 111, prevSeq: 110 }), 'buffered'],
    ]);
    expectResync(sync, 'gap');
    expect(sync.counters).toMatchObject({ gaps: 1, resyncs: 1, buffered: 1 });
  });

  it('ignores a resent delta (u == previous u, or older)', () => {
    const sync = run('binance-usdm', [
      ['snapshot', snap(100, BIDS, ASKS), 'applied'],
      ['first', delta(102, [], [], { firstSeq: 99, prevSeq: 98 }), 'applied'],
      ['second', delta(105, [[9999, 1]], [], { firstSeq: 103, prevSeq: 102 }), 'applied'],
      ['second again', delta(105, [[9999, 50]], [], { firstSeq: 103, prevSeq: 102 }), 'ignored'],
      ['first again', delta(102, [[9999, 60]], [], { firstSeq: 99, prevSeq: 98 }), 'ignored'],
      ['third', delta(107, [], [], { firstSeq: 106, prevSeq: 105 }), 'applied'],
    ]);
    expect(sync.book.bids.qtyAt(9999)).toBe(1);
    expect(sync.counters.duplicates).toBe(2);
    expect(sync.status).toBe('synced');
  });

  it('drops the oldest buffered delta when the buffer is full', () => {
    const sync = new BookSync(INST, 'binance-usdm', { bufferLimit: 2 });
    for (let u = 1; u <= 3; u++) expect(sync.apply(delta(u * 10, [], [], { firstSeq: u * 10 - 9, prevSeq: u * 10 - 10 }))).toBe('buffered');
    expect(sync.counters).toMatchObject({ buffered: 3, beforeSnapshot: 1 });
    // Snapshot 15: delta 10 (dropped from the buffer) no longer matters; 20 straddles, 30 chains.
    expect(sync.apply(snap(15, BIDS, ASKS))).toBe('applied');
    expect(sync.seq).toBe(30);
  });
});

describe('BookSync binance-spot (U/u, no pu)', () => {
  it('drops u ≤ L, then needs U ≤ L+1 ≤ u, then U == previous u + 1', () => {
    const sync = run('binance-spot', [
      ['u == L, before snapshot', delta(100, [[9990, 1]], [], { firstSeq: 98 }), 'buffered'],
      ['U == L+1', delta(103, [[9999, 2]], [], { firstSeq: 101 }), 'buffered'],
      ['snapshot L=100', snap(100, BIDS, ASKS), 'applied'],
      ['U == 104', delta(106, [], [[10001, 8]], { firstSeq: 104 }), 'applied'],
      ['u ≤ previous u', delta(106, [], [[10001, 99]], { firstSeq: 104 }), 'ignored'],
      ['U == 108 skips 107', delta(110, [], [], { firstSeq: 108 }), 'resync'],
    ]);
    expectResync(sync, 'gap');
    expect(sync.counters).toMatchObject({ duplicates: 2, gaps: 1, applied: 3 });
  });

  it('a first delta with U == L (not L+1) still straddles; U > L+1 is too old a snapshot', () => {
    run('binance-spot', [
      ['snapshot', snap(100, BIDS, ASKS), 'applied'],
      ['U == L', delta(102, [], [], { firstSeq: 100 }), 'applied'],
    ]);
    const sync = run('binance-spot', [
      ['snapshot', snap(100, BIDS, ASKS), 'applied'],
      ['U == L+2', delta(105, [], [], { firstSeq: 102 }), 'resync'],
    ]);
    expectResync(sync, 'snapshot-too-old');
  });
});

describe('BookSync bybit (u)', () => {
  it('ignores deltas before the snapshot, then chains u + 1, a jump is a gap', () => {
    const sync = run('bybit', [
      ['delta before snapshot', delta(7, [[9999, 1]], [], {}), 'ignored'],
      ['snapshot', snap(10, BIDS, ASKS), 'applied'],
      ['u 11', delta(11, [[9999, 2]], [], {}), 'applied'],
      ['u 11 again', delta(11, [[9999, 3]], [], {}), 'ignored'],
      ['u 9', delta(9, [[9999, 4]], [], {}), 'ignored'],
      ['u 12', delta(12, [[9998, 0]], [], {}), 'applied'],
    ]);
    expect(sync.book.bids.qtyAt(9999)).toBe(2);
    expect(sync.book.bids.size).toBe(1);
    expect(sync.counters).toMatchObject({ beforeSnapshot: 1, duplicates: 2, applied: 3 });
    expect(sync.apply(delta(14, [], [], {}))).toBe('resync');
    expectResync(sync, 'gap');
    expect(sync.apply(delta(15, [], [], {}))).toBe('ignored'); // waits for a snapshot
  });

  it('a new snapshot resets the book whatever came before', () => {
    const sync = run('bybit', [
      ['snapshot', snap(10, BIDS, ASKS), 'applied'],
      ['u 11', delta(11, [[9000, 1]], [], {}), 'applied'],
      ['snapshot at a lower u', snap(5, [[9500, 1]], [[9600, 1]]), 'applied'],
      ['u 6', delta(6, [[9501, 1]], [], {}), 'applied'],
    ]);
    expect(sync.book.top('bids', 5)).toEqual([
      [9501, 1],
      [9500, 1],
    ]);
    expect(sync.book.top('asks', 5)).toEqual([[9600, 1]]);
  });

  it('u == 1 is a snapshot: it overwrites the book, before or after a snapshot', () => {
    const sync = run('bybit', [
      ['snapshot', snap(500, BIDS, ASKS), 'applied'],
      ['service restart, u 1', delta(1, [[9000, 1]], [[9100, 1]], {}), 'applied'],
      ['u 2', delta(2, [[9001, 1]], [], {}), 'applied'],
    ]);
    expect(sync.book.top('bids', 5)).toEqual([
      [9001, 1],
      [9000, 1],
    ]);
    expect(sync.book.top('asks', 5)).toEqual([[9100, 1]]);
    const fresh = run('bybit', [['u 1 with no snapshot yet', delta(1, BIDS, ASKS, {}), 'applied']]);
    expect(fresh.status).toBe('synced');
    expect(fresh.seq).toBe(1);
  });
});

describe('BookSync crossed books', () => {
  it.each<[SyncRuleId, Extra]>([
    ['bybit', {}],
    ['okx', { prevSeq: -1 }],
    ['hyperliquid', {}],
  ])('%s: a crossed snapshot resyncs', (rule, x) => {
    const sync = new BookSync(INST, rule);
    expect(sync.apply(snap(1, [[10001, 1]], [[10000, 1]], x))).toBe('resync');
    expectResync(sync, 'crossed');
    expect(sync.counters.crossed).toBe(1);
  });

  it('a delta that crosses the book resyncs (locked counts as crossed)', () => {
    const sync = run('bybit', [
      ['snapshot', snap(1, BIDS, ASKS), 'applied'],
      ['bid at the ask', delta(2, [[10001, 1]], [], {}), 'resync'],
    ]);
    expectResync(sync, 'crossed');
  });

  it('binance: a buffered delta that crosses the book resyncs when the snapshot replays it', () => {
    const sync = run('binance-usdm', [
      ['crossing, buffered', delta(101, [[10005, 1]], [], { firstSeq: 99, prevSeq: 98 }), 'buffered'],
      ['snapshot', snap(100, BIDS, ASKS), 'resync'],
    ]);
    expectResync(sync, 'crossed');
  });
});

describe('BookSync staleness', () => {
  it('marks a quiet synced book stale once past the limit, and a good message restores it', () => {
    const sync = new BookSync(INST, 'bybit');
    sync.apply(snap(1, BIDS, ASKS, { tsRecv: 10_000 }));
    expect(sync.checkStale(15_000, 5_000)).toBe(false); // exactly at the limit: not yet
    expect(sync.checkStale(15_001, 5_000)).toBe(true);
    expect(sync.status).toBe('stale');
    expect(sync.usable).toBe(false);
    expect(sync.reason).toBe('stale');
    expect(sync.checkStale(20_000, 5_000)).toBe(false); // already stale: no second change
    expect(sync.book.bids.size).toBe(2); // kept, only distrusted
    expect(sync.apply(delta(2, [[9999, 1]], [], { tsRecv: 20_100 }))).toBe('applied');
    expect(sync.status).toBe('synced');
    expect(sync.lastMessageAt).toBe(20_100);
  });

  it('an ignored message refreshes the clock but does not restore a stale book', () => {
    const sync = new BookSync(INST, 'bybit');
    sync.apply(snap(5, BIDS, ASKS, { tsRecv: 0 }));
    sync.checkStale(10_000, 1_000);
    expect(sync.apply(delta(4, [], [], { tsRecv: 10_050 }))).toBe('ignored');
    expect(sync.status).toBe('stale');
    expect(sync.lastMessageAt).toBe(10_050);
  });

  it('an OKX heartbeat is a good message', () => {
    const sync = new BookSync(INST, 'okx');
    sync.apply(snap(7, BIDS, ASKS, { prevSeq: -1, tsRecv: 0 }));
    sync.checkStale(40_000, 30_000);
    expect(sync.apply(delta(7, [], [], { prevSeq: 7, tsRecv: 40_010 }))).toBe('applied');
    expect(sync.status).toBe('synced');
  });

  it('a book that is not synced never goes stale', () => {
    const sync = new BookSync(INST, 'bybit');
    expect(sync.checkStale(1e9, 1)).toBe(false);
    expect(sync.status).toBe('resyncing');
    expect(sync.reason).toBe('awaiting-snapshot');
  });
});

describe('BookSync counters and invalidate', () => {
  it('counts deletes of absent levels without failing', () => {
    const sync = run('bybit', [
      ['snapshot', snap(1, BIDS, ASKS), 'applied'],
      ['two absent deletes', delta(2, [[9000, 0]], [[11000, 0]], {}), 'applied'],
    ]);
    expect(sync.counters.missingDeletes).toBe(2);
    expect(sync.status).toBe('synced');
  });

  it('invalidate clears the book, counts a resync and waits for a snapshot', () => {
    const sync = run('bybit', [['snapshot', snap(1, BIDS, ASKS), 'applied']]);
    sync.invalidate('reconnect', 'socket closed');
    expectResync(sync, 'reconnect');
    expect(sync.detail).toBe('socket closed');
    expect(sync.counters.resyncs).toBe(1);
    expect(sync.apply(delta(2, [], [], {}))).toBe('ignored');
  });

  it('adds up over a mixed session', () => {
    const sync = run('binance-spot', [
      ['buffered', delta(10, [], [], { firstSeq: 8 }), 'buffered'],
      ['snapshot', snap(9, BIDS, ASKS), 'applied'],
      ['dup', delta(10, [], [], { firstSeq: 8 }), 'ignored'],
      ['ok', delta(12, [[1, 0]], [], { firstSeq: 11 }), 'applied'],
      ['gap', delta(20, [], [], { firstSeq: 15 }), 'resync'],
    ]);
    expect(sync.counters).toEqual({
      applied: 3,
      buffered: 1,
      duplicates: 1,
      beforeSnapshot: 0,
      gaps: 1,
      checksumFailures: 0,
      crossed: 0,
      missingDeletes: 1,
      resyncs: 1,
    });
  });
});
