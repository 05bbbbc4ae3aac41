/**
 * What a venue's public adapter provides: the same shape for all six, so one connector, one sync
 * layer and one contract test suite serve every venue. Venue folders hold the data and the
 * parsing; nothing here knows a venue by name.
 */
import type { VenueId } from '../config/schema.ts';
import type { Instrument, InstrumentLookup } from '../model/instrument.ts';
import type { BookSnapshot, MarketEvent } from '../model/market.ts';
import type { SyncRuleId } from '../market/bookSync.ts';
import type { RestClient } from './rest.ts';

export interface VenueLimits {
  /** A book with no message for longer than this is `stale`. */
  readonly staleAfterMs: number;
  /** App-level ping cadence; 0 when the venue pings at the WebSocket protocol level. */
  readonly pingIntervalMs: number;
  /** A connection with no frame at all (data, pong, ping) for this long is dead. */
  readonly silenceTimeoutMs: number;
  /** Topics (streams, channels) one connection may carry. */
  readonly maxTopicsPerConnection: number;
  /** Topics in one subscribe request. */
  readonly maxTopicsPerRequest: number;
  /** Outgoing frames per second one connection may send. */
  readonly maxFramesPerSecond: number;
  /** The venue cuts a connection after this long; we reconnect before it. */
  readonly connectionLifetimeMs: number;
}

/** A frame that is not market data but matters to the connection. */
export type Control =
  | { readonly kind: 'ack'; readonly ok: boolean; readonly detail?: string }
  | { readonly kind: 'pong' }
  /** The venue pinged at the application level and expects this frame back. */
  | { readonly kind: 'reply'; readonly frame: string }
  /** A venue error frame (bad subscription, maintenance notice, …). */
  | { readonly kind: 'error'; readonly code?: string; readonly message: string }
  /** A known message type we do not use (counted, not an error). */
  | { readonly kind: 'ignored'; readonly what: string };

export type FrameProblem = 'malformed-json' | 'unknown-type' | 'missing-field' | 'bad-number' | 'unknown-instrument';

export type ParseOutcome =
  | { readonly ok: true; readonly events: readonly MarketEvent[]; readonly control?: Control }
  | { readonly ok: false; readonly problem: FrameProblem; readonly detail: string };

export interface PublicAdapter {
  readonly venue: VenueId;
  readonly defaultUrls: { readonly ws: string; readonly rest: string };
  readonly limits: VenueLimits;
  readonly syncRule: SyncRuleId;
  /** How a distrusted book is rebuilt: a REST snapshot, a fresh subscription, or the next message. */
  readonly resync: 'rest-snapshot' | 'resubscribe' | 'none';
  /** The book depth subscribed when the config does not say. */
  readonly defaultDepth: number;
  /** Returns the URL a public connection opens, given the configured (or default) base. */
  connectUrl(wsBase: string): string;
  /** Returns the topics to subscribe for one instrument (book, trades, ticker, funding, …). */
  topics(inst: Instrument, depth: number): readonly string[];
  /** Returns the topic carrying the instrument's book (resubscribed on a resync). */
  bookTopic(inst: Instrument, depth: number): string;
  /** Returns topics that are per connection rather than per instrument (Hyperliquid allMids). */
  sharedTopics?(): readonly string[];
  /** Returns the frames that subscribe these topics (at most `maxTopicsPerRequest` each). */
  subscribeFrames(topics: readonly string[], requestId: number): readonly string[];
  unsubscribeFrames(topics: readonly string[], requestId: number): readonly string[];
  /** Returns the app-level ping frame, undefined where protocol pings suffice. */
  pingFrame(): string | undefined;
  /** Turns one text frame into normalized events or a control message; never throws. */
  parse(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome;
  /** Returns the venue's instruments (the whole universe, paginated where the venue pages). */
  fetchInstruments(rest: RestClient): Promise<Instrument[]>;
  /** Returns a REST book snapshot (venues whose resync is `rest-snapshot`). */
  fetchSnapshot?(rest: RestClient, inst: Instrument, depth: number, tsRecv: () => number): Promise<BookSnapshot>;
  /** Returns the snapshot a recorded REST response holds, undefined for other responses (replay). */
  parseRecordedSnapshot?(url: string, body: string, tsRecv: number, lookup: InstrumentLookup): BookSnapshot | undefined;
}
