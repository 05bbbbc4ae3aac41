/**
 * The CRC32 book checksum of OKX and Bitget: the first `depth` levels interleaved as
 * `bidPx:bidSz:askPx:askSz:…` (a side that runs out is skipped), over the exact strings the venue
 * sent ("20.20" is not "20.2"), as a signed 32-bit integer.
 */
import { crc32 } from 'node:zlib';
import type { OrderBook } from './orderBook.ts';

const bidText: string[] = [];
const askText: string[] = [];

/** Returns the checksum string of a book (exported for tests and diagnostics). */
export function checksumText(book: OrderBook, depth = 25): string | undefined {
  bidText.length = 0;
  askText.length = 0;
  let complete = true;
  book.bids.forEach(depth, (_p, _q, _i, px, qty) => {
    if (px === undefined || qty === undefined) return (complete = false);
    bidText.push(`${px}:${qty}`);
  });
  book.asks.forEach(depth, (_p, _q, _i, px, qty) => {
    if (px === undefined || qty === undefined) return (complete = false);
    askText.push(`${px}:${qty}`);
  });
  if (!complete) return undefined;
  const parts: string[] = [];
  const n = Math.max(bidText.length, askText.length);
  for (let i = 0; i < n; i++) {
    if (i < bidText.length) parts.push(bidText[i]!);
    if (i < askText.length) parts.push(askText[i]!);
  }
  return parts.join(':');
}

/** Returns the signed CRC32 of the book's checksum string, undefined when raw strings are missing. */
export function bookChecksum(book: OrderBook, depth = 25): number | undefined {
  const text = checksumText(book, depth);
  return text === undefined ? undefined : crc32(text) | 0;
}
