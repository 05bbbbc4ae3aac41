/** Synthetic book events and helpers shared by the BookSync suites. */
import { crc32 } from 'node:zlib';
import { expect } from 'vitest';
import { BookSync, type SyncOutcome, type SyncRuleId } from '../../src/market/bookSync.ts';
import { Scale } from '../../src/model/scale.ts';
import type { BookDelta, BookSnapshot } from '../../src/model/market.ts';

export const INST = 'test:BTCUSDT';
const PX = new Scale('0.01');
const QTY = new Scale('0.001');

/** A level as numbers (ticks, lots), or as the strings a checksum venue sends. */
export type Lv = readonly [number, number] | readonly [string, string];

export interface Extra {
  firstSeq?: number;
  prevSeq?: number;
  checksum?: number;
  tsRecv?: number;
}

let clock = 1_000;

function levels(list: readonly Lv[]): { flat: number[]; raw: string[] | undefined } {
  const flat: number[] = [];
  const raw: string[] = [];
  let strings = false;
  for (const [p, q] of list) {
    if (typeof p === 'string') {
      strings = true;
      flat.push(PX.toInt(p), QTY.toInt(q as string));
      raw.push(p, q as string);
    } else flat.push(p, q as number);
  }
  return { flat, raw: strings ? raw : undefined };
}

function event<K extends 'book.snapshot' | 'book.delta'>(kind: K, seq: number, bids: readonly Lv[], asks: readonly Lv[], x: Extra = {}) {
  const b = levels(bids);
  const a = levels(asks);
  const tsRecv = x.tsRecv ?? (clock += 10);
  return {
    kind,
    instrument: INST,
    tsEvent: tsRecv - 5,
    tsRecv,
    seq,
    bids: b.flat,
    asks: a.flat,
    ...(b.raw || a.raw ? { raw: { bids: b.raw ?? [], asks: a.raw ?? [] } } : {}),
    ...(x.firstSeq !== undefined ? { firstSeq: x.firstSeq } : {}),
    ...(x.prevSeq !== undefined ? { prevSeq: x.prevSeq } : {}),
    ...(x.checksum !== undefined ? { checksum: x.checksum } : {}),
  };
}

export function snap(seq: number, bids: readonly Lv[], asks: readonly Lv[], x?: Extra): BookSnapshot {
  return event('book.snapshot', seq, bids, asks, x);
}

export function delta(seq: number, bids: readonly Lv[], asks: readonly Lv[], x?: Extra): BookDelta {
  return event('book.delta', seq, bids, asks, x);
}

/** A plain two-sided book around 100.00 (ticks 10000). */
export const BIDS: Lv[] = [
  [9999, 5],
  [9998, 7],
];
export const ASKS: Lv[] = [
  [10001, 3],
  [10002, 4],
];

export type Step = readonly [label: string, ev: BookSnapshot | BookDelta, outcome: SyncOutcome];

export function run(rule: SyncRuleId, steps: readonly Step[]): BookSync {
  const sync = new BookSync(INST, rule);
  for (const [label, ev, outcome] of steps) {
    expect(sync.apply(ev), label).toBe(outcome);
  }
  return sync;
}

export function bestOf(sync: BookSync): [number, number] {
  return [sync.book.bids.best(), sync.book.asks.best()];
}

/** Expects the book to have been distrusted: cleared, resyncing, for `reason`. */
export function expectResync(sync: BookSync, reason: string): void {
  expect(sync.status).toBe('resyncing');
  expect(sync.reason).toBe(reason);
  expect(sync.usable).toBe(false);
  expect(sync.book.bids.size + sync.book.asks.size).toBe(0);
}

/** OKX/Bitget checksum, written here from the venues' docs independently of src/market/checksum.ts. */
export function venueChecksum(bids: readonly (readonly [string, string])[], asks: readonly (readonly [string, string])[], depth = 25): number {
  const parts: string[] = [];
  for (let i = 0; i < depth; i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(`${b[0]}:${b[1]}`);
    if (a) parts.push(`${a[0]}:${a[1]}`);
  }
  return crc32(parts.join(':')) | 0;
}
