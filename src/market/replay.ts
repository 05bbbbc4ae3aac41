/**
 * Replays a `fleet record` file through the same path live frames take (frameRouter: parse →
 * per-connection BookSync → MarketData). A distrusted book waits for what the recording holds
 * next (the REST snapshot or resubscription the live connector fetched), exactly as it did live.
 * Bad lines are counted with their line number and skipped; nothing in the file can crash it.
 */
import type { VenueId } from '../config/schema.ts';
import { VENUE_IDS } from '../config/schema.ts';
import type { PublicAdapter } from '../adapters/types.ts';
import { makeInstrument, type Instrument, type InstrumentLookup, type InstrumentSpec } from '../model/instrument.ts';
import { errorMessage } from '../core/errors.ts';
import { BookSync } from './bookSync.ts';
import { routeFrame, type FrameHooks } from './frameRouter.ts';
import type { MarketData } from './marketData.ts';

type RecordLine =
  | { type: 'recording' }
  | { type: 'instruments'; venue: VenueId; specs: InstrumentSpec[] }
  | { type: 'ws'; ts: number; venue: VenueId; conn: number; frame: string }
  | { type: 'rest'; ts: number; venue: VenueId; url: string; status: number; body: string };

export interface ReplayStats {
  lines: number;
  frames: number;
  rest: number;
  badLines: number;
  firstBad?: string;
  /** Frame problems by kind (malformed JSON, unknown type, …), as the connector counts them. */
  problems: Record<string, number>;
  resyncs: number;
  firstTs?: number;
  lastTs?: number;
}

/** Books of one recorded connection, created on first use (the recording names no subscriptions). */
class ConnBooks {
  readonly books = new Map<string, BookSync>();
  constructor(
    private readonly adapter: PublicAdapter,
    private readonly market: MarketData,
  ) {}

  get(instrument: string): BookSync | undefined {
    let s = this.books.get(instrument);
    if (!s && this.market.feeds.has(instrument)) {
      s = new BookSync(instrument, this.adapter.syncRule);
      this.books.set(instrument, s);
      // The newest connection feeds the instrument, as after a live reconnect.
      this.market.adopt(s);
    }
    return s;
  }
}

export class RecordingReplayer {
  readonly stats: ReplayStats = { lines: 0, frames: 0, rest: 0, badLines: 0, problems: {}, resyncs: 0 };
  private readonly conns = new Map<string, ConnBooks>();
  private readonly latest = new Map<VenueId, ConnBooks>();
  private readonly lookups = new Map<VenueId, InstrumentLookup>();
  private readonly hooks: FrameHooks = {
    problem: (kind) => {
      this.stats.problems[kind] = (this.stats.problems[kind] ?? 0) + 1;
    },
    control: () => {},
    resync: () => {
      this.stats.resyncs++;
    },
  };

  constructor(
    private readonly market: MarketData,
    private readonly adapters: Readonly<Record<VenueId, PublicAdapter>>,
    /** A venue's recorded instruments are loaded (the daemon builds its paper adapters from them). */
    private readonly onInstruments?: (venue: VenueId, list: readonly Instrument[]) => void,
  ) {}

  /** Feeds one line of a recording; returns its timestamp when it carried one. */
  line(text: string, lineNo: number): number | undefined {
    this.stats.lines++;
    if (text.trim() === '') return undefined;
    let rec: RecordLine;
    try {
      rec = JSON.parse(text) as RecordLine;
    } catch (e) {
      return this.bad(lineNo, `not JSON (${errorMessage(e)})`);
    }
    if (!rec || typeof rec !== 'object') return this.bad(lineNo, 'not an object');
    if (rec.type === 'recording') return undefined;
    if (!('venue' in rec) || !(VENUE_IDS as readonly string[]).includes(rec.venue)) return this.bad(lineNo, `unknown venue ${JSON.stringify((rec as { venue?: unknown }).venue)}`);
    const adapter = this.adapters[rec.venue];
    switch (rec.type) {
      case 'instruments': {
        if (!Array.isArray(rec.specs)) return this.bad(lineNo, 'instruments without specs');
        const loaded: Instrument[] = [];
        for (const spec of rec.specs) {
          try {
            const inst = makeInstrument(spec);
            this.market.registry.upsert([inst]);
            this.market.feed(inst);
            loaded.push(inst);
          } catch (e) {
            this.bad(lineNo, `bad instrument ${JSON.stringify(spec).slice(0, 80)}: ${errorMessage(e)}`);
          }
        }
        this.onInstruments?.(rec.venue, loaded);
        return undefined;
      }
      case 'ws': {
        if (typeof rec.frame !== 'string' || typeof rec.ts !== 'number') return this.bad(lineNo, 'ws line needs ts and frame');
        this.stats.frames++;
        this.noteTs(rec.ts);
        const key = `${rec.venue}#${rec.conn}`;
        let books = this.conns.get(key);
        if (!books) {
          books = new ConnBooks(adapter, this.market);
          this.conns.set(key, books);
          this.latest.set(rec.venue, books);
        }
        routeFrame(adapter, this.market, this.lookup(rec.venue), books, rec.frame, rec.ts, this.hooks);
        return rec.ts;
      }
      case 'rest': {
        if (typeof rec.body !== 'string' || typeof rec.url !== 'string') return this.bad(lineNo, 'rest line needs url and body');
        this.stats.rest++;
        this.noteTs(rec.ts);
        const snap = rec.status === 200 ? adapter.parseRecordedSnapshot?.(rec.url, rec.body, rec.ts, this.lookup(rec.venue)) : undefined;
        // The snapshot belongs to the connection that carries the instrument (a venue may use several).
        const books = snap && ([...this.conns].find(([k, b]) => k.startsWith(`${rec.venue}#`) && b.books.has(snap.instrument))?.[1] ?? this.latest.get(rec.venue));
        const sync = snap && books?.get(snap.instrument);
        if (snap && sync && this.market.ingest(snap, sync) === 'resync') this.stats.resyncs++;
        return rec.ts;
      }
      default:
        return this.bad(lineNo, `unknown line type ${JSON.stringify((rec as { type?: unknown }).type)}`);
    }
  }

  private lookup(venue: VenueId): InstrumentLookup {
    let l = this.lookups.get(venue);
    if (!l) this.lookups.set(venue, (l = this.market.registry.lookup(venue)));
    return l;
  }

  private noteTs(ts: number): void {
    this.stats.firstTs ??= ts;
    this.stats.lastTs = ts;
  }

  private bad(lineNo: number, why: string): undefined {
    this.stats.badLines++;
    this.stats.firstBad ??= `line ${lineNo}: ${why}`;
    return undefined;
  }
}
