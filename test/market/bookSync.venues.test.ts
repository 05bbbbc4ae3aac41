import { describe, expect, it } from 'vitest';
import { ASKS, BIDS, delta, expectResync, run, snap, venueChecksum } from './bookEvents.ts';

describe('BookSync okx (seqId/prevSeqId, checksum)', () => {
  it('chains prevSeqId, applies heartbeats, ignores repeats, and a broken chain is a gap', () => {
    const sync = run('okx', [
      ['update before snapshot', delta(9, [], [], { prevSeq: 8 }), 'ignored'],
      ['snapshot', snap(10, BIDS, ASKS, { prevSeq: -1 }), 'applied'],
      ['update', delta(12, [[9999, 1]], [], { prevSeq: 10 }), 'applied'],
      ['heartbeat (seqId == prevSeqId)', delta(12, [], [], { prevSeq: 12 }), 'applied'],
      ['update repeated', delta(12, [[9999, 50]], [], { prevSeq: 10 }), 'ignored'],
      ['update', delta(15, [[9999, 2]], [], { prevSeq: 12 }), 'applied'],
      ['older update resent', delta(12, [[9999, 60]], [], { prevSeq: 10 }), 'ignored'],
    ]);
    expect(sync.book.bids.qtyAt(9999)).toBe(2);
    expect(sync.seq).toBe(15);
    expect(sync.counters).toMatchObject({ beforeSnapshot: 1, duplicates: 2 });
    expect(sync.apply(delta(20, [], [], { prevSeq: 17 }))).toBe('resync');
    expectResync(sync, 'gap');
  });

  it('after maintenance seqId drops below prevSeqId and the chain goes on from there', () => {
    const sync = run('okx', [
      ['snapshot', snap(1000, BIDS, ASKS, { prevSeq: -1 }), 'applied'],
      ['reset: seqId 3 < prevSeqId 1000', delta(3, [[9999, 1]], [], { prevSeq: 1000 }), 'applied'],
      ['next', delta(4, [[9999, 2]], [], { prevSeq: 3 }), 'applied'],
    ]);
    expect(sync.seq).toBe(4);
    expect(sync.status).toBe('synced');
    expect(sync.book.bids.qtyAt(9999)).toBe(2);
  });

  it('verifies the CRC32 over the exact strings and resyncs on a mismatch', () => {
    const bids = [
      ['100.10', '1.500'],
      ['100.00', '2'],
      ['99.90', '0.010'],
    ] as const;
    const asks = [
      ['100.20', '0.50'],
      ['100.30', '3.000'],
    ] as const;
    const sync = run('okx', [['snapshot', snap(1, bids, asks, { prevSeq: -1, checksum: venueChecksum(bids, asks) }), 'applied']]);
    // "20.20" is not "20.2": a checksum from normalised numbers would not match.
    expect(venueChecksum(bids, asks)).not.toBe(venueChecksum([['100.1', '1.5'], ...bids.slice(1)], asks));
    const after = {
      bids: [['100.10', '1.500'], ['100.05', '4.20'], ['99.90', '0.010']] as [string, string][],
      asks: [['100.30', '3.000']] as [string, string][],
    };
    const up = delta(
      2,
      [
        ['100.05', '4.20'],
        ['100.00', '0'],
      ],
      [['100.20', '0']],
      { prevSeq: 1, checksum: venueChecksum(after.bids, after.asks) },
    );
    expect(sync.apply(up)).toBe('applied');
    expect(sync.counters.checksumFailures).toBe(0);
    const bad = delta(3, [['100.05', '4.30']], [], { prevSeq: 2, checksum: venueChecksum(after.bids, after.asks) });
    expect(sync.apply(bad)).toBe('resync');
    expectResync(sync, 'checksum');
    expect(sync.counters).toMatchObject({ checksumFailures: 1, resyncs: 1 });
  });

  it('checksums only the first 25 levels, skipping a side that runs out', () => {
    const bids: [string, string][] = [];
    const asks: [string, string][] = [];
    for (let i = 0; i < 30; i++) asks.push([`${200 + i}.50`, `${i + 1}.0`]);
    for (let i = 0; i < 3; i++) bids.push([`${100 - i}.00`, '1']);
    const sync = run('okx', [['snapshot', snap(1, bids, asks, { prevSeq: -1, checksum: venueChecksum(bids, asks) }), 'applied']]);
    // A change at level 27 leaves the checksum as it was.
    expect(sync.apply(delta(2, [], [['226.50', '9.9']], { prevSeq: 1, checksum: venueChecksum(bids, asks) }))).toBe('applied');
    expect(sync.status).toBe('synced');
  });

  it('a checksum of 0 means none', () => {
    const sync = run('okx', [['snapshot', snap(1, [['1.00', '1']], [['2.00', '1']], { prevSeq: -1, checksum: 0 }), 'applied']]);
    expect(sync.counters.checksumFailures).toBe(0);
  });
});

describe('BookSync bitget (snapshot, checksum, pseq)', () => {
  const bids = [['113.41', '20.20']] as const;
  const asks = [['113.42', '6.40']] as const;

  it('verifies the checksum over the strings as sent', () => {
    const sync = run('bitget', [
      ['snapshot', snap(1, bids, asks, { checksum: venueChecksum(bids, asks) }), 'applied'],
      ['update, no pseq', delta(2, [['113.41', '20.30']], [], { checksum: venueChecksum([['113.41', '20.30']], asks) }), 'applied'],
      ['wrong checksum', delta(3, [['113.40', '1.00']], [], { checksum: venueChecksum(bids, asks) }), 'resync'],
    ]);
    expectResync(sync, 'checksum');
    expect(sync.apply(delta(4, [], [], {}))).toBe('ignored');
    expect(sync.apply(snap(5, bids, asks, { checksum: venueChecksum(bids, asks) }))).toBe('applied');
    expect(sync.status).toBe('synced');
  });

  it('chains pseq where the feed sends it', () => {
    const sync = run('bitget', [
      ['snapshot', snap(10, bids, asks), 'applied'],
      ['pseq 10', delta(11, [['113.41', '1']], [], { prevSeq: 10 }), 'applied'],
      ['pseq 13 ≠ 11', delta(14, [], [], { prevSeq: 13 }), 'resync'],
    ]);
    expectResync(sync, 'gap');
  });
});

describe('BookSync hyperliquid (full books)', () => {
  it('each snapshot replaces the book; an older one is ignored', () => {
    const sync = run('hyperliquid', [
      ['t=100', snap(100, BIDS, ASKS), 'applied'],
      ['t=200', snap(200, [[5000, 1]], [[5001, 2]]), 'applied'],
      ['t=150 arrives late', snap(150, BIDS, ASKS), 'ignored'],
    ]);
    expect(sync.book.top('bids', 10)).toEqual([[5000, 1]]);
    expect(sync.book.top('asks', 10)).toEqual([[5001, 2]]);
    expect(sync.seq).toBe(200);
    expect(sync.counters.duplicates).toBe(1);
  });

  it('an empty book is a synced, empty book', () => {
    const sync = run('hyperliquid', [['empty', snap(100, [], []), 'applied']]);
    expect(sync.status).toBe('synced');
    expect(sync.book.bids.size).toBe(0);
  });
});

describe('book checksum', () => {
  it('equals zlib.crc32 of the checksum text for books of every shape, raw strings kept exactly', async () => {
    const { crc32 } = await import('node:zlib');
    const { OrderBook } = await import('../../src/market/orderBook.ts');
    const { bookChecksum, checksumText } = await import('../../src/market/checksum.ts');
    for (const [nb, na] of [[0, 0], [1, 0], [0, 3], [5, 30], [30, 30], [40, 2]] as const) {
      const book = new OrderBook('x');
      for (let i = 0; i < nb; i++) book.bids.set(1000 - i, i + 1, `${(100 - i / 10).toFixed(2)}`, `${i + 1}.0`);
      for (let i = 0; i < na; i++) book.asks.set(1001 + i, i + 2, `${(100.1 + i / 10).toFixed(2)}`, `${i + 2}.50`);
      const text = checksumText(book, 25)!;
      expect(bookChecksum(book, 25)).toBe(crc32(text) | 0);
    }
    const bare = new OrderBook('y');
    bare.bids.set(1, 1);
    expect(bookChecksum(bare)).toBeUndefined();
  });
});
