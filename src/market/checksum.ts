/**
 * The CRC32 book checksum of OKX and Bitget: the first `depth` levels interleaved as
 * `bidPx:bidSz:askPx:askSz:…` (a side that runs out is skipped), over the exact strings the venue
 * sent ("20.20" is not "20.2"), as a signed 32-bit integer. Computed straight from the stored
 * strings' character codes with a table (no joined string, no zlib call): about half the cost.
 */
import type { BookLevel, OrderBook } from './orderBook.ts';

const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

const COLON = 58;

function update(crc: number, s: string): number {
  for (let i = 0; i < s.length; i++) crc = TABLE[(crc ^ s.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return crc;
}

/** True when the first `depth` levels of both sides carry their raw strings. */
function hasRaw(book: OrderBook, depth: number): boolean {
  for (const side of [book.bids, book.asks]) {
    let l = side.first();
    for (let i = 0; l !== null && i < depth; i++, l = l.next[0] ?? null) if (l.pxRaw === undefined || l.qtyRaw === undefined) return false;
  }
  return true;
}

function pair(crc: number, l: BookLevel, first: boolean): number {
  if (!first) crc = TABLE[(crc ^ COLON) & 0xff]! ^ (crc >>> 8);
  crc = update(crc, l.pxRaw!);
  crc = TABLE[(crc ^ COLON) & 0xff]! ^ (crc >>> 8);
  return update(crc, l.qtyRaw!);
}

/** Returns the checksum string of a book (for tests and diagnostics; the checksum itself does not build it). */
export function checksumText(book: OrderBook, depth = 25): string | undefined {
  if (!hasRaw(book, depth)) return undefined;
  const parts: string[] = [];
  let b = book.bids.first();
  let a = book.asks.first();
  for (let i = 0; i < depth && (b !== null || a !== null); i++) {
    if (b !== null) parts.push(`${b.pxRaw}:${b.qtyRaw}`);
    if (a !== null) parts.push(`${a.pxRaw}:${a.qtyRaw}`);
    b = b?.next[0] ?? null;
    a = a?.next[0] ?? null;
  }
  return parts.join(':');
}

/** Returns the signed CRC32 of the book's checksum string, undefined when raw strings are missing. */
export function bookChecksum(book: OrderBook, depth = 25): number | undefined {
  if (!hasRaw(book, depth)) return undefined;
  let crc = -1;
  let first = true;
  let b = book.bids.first();
  let a = book.asks.first();
  for (let i = 0; i < depth && (b !== null || a !== null); i++) {
    if (b !== null) {
      crc = pair(crc, b, first);
      first = false;
      b = b.next[0] ?? null;
    }
    if (a !== null) {
      crc = pair(crc, a, first);
      first = false;
      a = a.next[0] ?? null;
    }
  }
  return (crc ^ -1) | 0;
}
