/**
 * The one path a venue frame takes, live and in replay: parse → each event to the book of the
 * connection it came on (or the tape, candles, ticker) → what the caller must do about a book that
 * lost sync. The connector and `fleet replay` differ only in how they react.
 */
import type { Control, PublicAdapter } from '../adapters/types.ts';
import type { InstrumentLookup } from '../model/instrument.ts';
import type { BookSync } from './bookSync.ts';
import type { MarketData } from './marketData.ts';

export interface FrameHooks {
  problem(kind: string, detail: string): void;
  control(c: Control): void;
  /** A book of this connection lost sync (gap, checksum, crossed) and is cleared. */
  resync(sync: BookSync): void;
  /** A book message was applied. */
  applied?(sync: BookSync): void;
}

/** Routes one raw frame through parse and the books of its connection. */
export function routeFrame(
  adapter: PublicAdapter,
  market: MarketData,
  lookup: InstrumentLookup,
  books: { get(instrument: string): BookSync | undefined },
  text: string,
  tsRecv: number,
  hooks: FrameHooks,
): void {
  const out = adapter.parse(text, tsRecv, lookup);
  if (!out.ok) {
    hooks.problem(out.problem, out.detail);
    return;
  }
  if (out.control) hooks.control(out.control);
  const events = out.events;
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    const sync = books.get(ev.instrument);
    const outcome = market.ingest(ev, sync);
    if (sync === undefined) continue;
    if (outcome === 'resync') hooks.resync(sync);
    else if (outcome === 'applied') hooks.applied?.(sync);
  }
}
