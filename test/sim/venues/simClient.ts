/**
 * The client side of the simulated-venue tests: start a venue and read its instruments through the
 * real adapter, open a real socket whose every frame goes through `adapter.parse` into one
 * BookSync per instrument, wait for a condition, and compare a client book with the server's.
 */
import { expect } from 'vitest';
import WebSocket from 'ws';
import { RestClient } from '../../../src/adapters/rest.ts';
import type { Control, PublicAdapter } from '../../../src/adapters/types.ts';
import { SystemClock } from '../../../src/core/clock.ts';
import { BookSync, type SyncOutcome } from '../../../src/market/bookSync.ts';
import type { Instrument } from '../../../src/model/instrument.ts';
import type { MarketEvent, Ticker, Trade } from '../../../src/model/market.ts';
import type { PriceLevel, SimBook, SimVenueServer } from '../../../src/sim/protocolServer.ts';

export const clock = new SystemClock();

/** A started simulated venue with a REST client on it and the instruments the adapter read back. */
export interface SimVenue {
  readonly server: SimVenueServer;
  readonly rest: RestClient;
  readonly instruments: Instrument[];
  /** The instruments by id (`<venue>:<symbol>`). */
  readonly byId: Map<string, Instrument>;
}

/** Starts `server` on a free port and fetches its instruments through the adapter. */
export async function startSimVenue(server: SimVenueServer, adapter: PublicAdapter, timeoutMs?: number): Promise<SimVenue> {
  await server.listen();
  const rest = new RestClient(server.restUrl, { clock, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  const instruments = await adapter.fetchInstruments(rest);
  return { server, rest, instruments, byId: new Map(instruments.map((i) => [i.id, i])) };
}

/** A client on a real socket: every frame parsed, book events fed to one BookSync per instrument. */
export class SimClient {
  readonly events: MarketEvent[] = [];
  readonly controls: Control[] = [];
  readonly problems: string[] = [];
  /** Every book event's sync outcome, in arrival order, whatever the instrument. */
  readonly outcomes: SyncOutcome[] = [];
  readonly syncs = new Map<string, BookSync>();
  /** The seq of the last book message received, applied or not. */
  lastSeen = 0;
  private readonly outcomesById = new Map<string, SyncOutcome[]>();
  private ws!: WebSocket;

  /** `known` maps instrument ids to instruments; symbols the client does not know are unknown instruments. */
  constructor(
    readonly adapter: PublicAdapter,
    private readonly known: ReadonlyMap<string, Instrument>,
  ) {}

  async open(url: string): Promise<void> {
    this.ws = new WebSocket(url);
    const lookup = (s: string) => this.known.get(`${this.adapter.venue}:${s}`);
    this.ws.on('message', (data) => {
      const out = this.adapter.parse(String(data), clock.now(), lookup);
      if (!out.ok) return void this.problems.push(`${out.problem} ${out.detail}`);
      if (out.control) this.controls.push(out.control);
      for (const ev of out.events) {
        this.events.push(ev);
        if (ev.kind !== 'book.snapshot' && ev.kind !== 'book.delta') continue;
        this.lastSeen = ev.seq;
        const outcome = this.sync(ev.instrument).apply(ev);
        this.outcomes.push(outcome);
        this.outcomesOf(ev.instrument).push(outcome);
      }
    });
    await new Promise<void>((resolve, reject) => this.ws.once('open', () => resolve()).once('error', reject));
  }

  /** Returns the instrument's BookSync, created on first use. */
  sync(id: string): BookSync {
    let s = this.syncs.get(id);
    if (!s) this.syncs.set(id, (s = new BookSync(id, this.adapter.syncRule)));
    return s;
  }

  /** Returns the sync outcomes of one instrument's book events, in arrival order. */
  outcomesOf(id: string): SyncOutcome[] {
    let list = this.outcomesById.get(id);
    if (!list) this.outcomesById.set(id, (list = []));
    return list;
  }

  get trades(): Trade[] {
    return this.events.filter((e): e is Trade => e.kind === 'trade');
  }

  get tickers(): Ticker[] {
    return this.events.filter((e): e is Ticker => e.kind === 'ticker');
  }

  send(frames: readonly string[]): void {
    for (const f of frames) this.ws.send(f);
  }

  /** Sends frames and waits for one control answer (ack or error) each. */
  async request(frames: readonly string[]): Promise<void> {
    const answers = this.controls.length + frames.length;
    this.send(frames);
    await until('acks', () => this.controls.length >= answers);
  }

  close(): void {
    this.ws.close();
  }
}

/** Resolves once `cond` holds, polling every 5 ms; throws naming `what` after `ms`. */
export async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const end = clock.now() + ms;
  while (!cond()) {
    if (clock.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Returns a side as the client holds it: [price text, size text] best first. */
export function clientSide(sync: BookSync, side: 'bids' | 'asks'): PriceLevel[] {
  const out: PriceLevel[] = [];
  sync.book[side].forEach(Infinity, (_p, _q, _i, px, qty) => {
    out.push([px!, qty!]);
  });
  return out;
}

/** Expects the sync to be live and to hold exactly the server's book, level texts included. */
export function expectSameBook(sync: BookSync, book: SimBook): void {
  expect(sync.status).toBe('synced');
  expect(clientSide(sync, 'bids')).toEqual(book.bids.top());
  expect(clientSide(sync, 'asks')).toEqual(book.asks.top());
}

/** Returns the server's top `n` levels of a side in the instrument's ticks and lots. */
export function serverTop(server: SimVenueServer, inst: Instrument, side: 'bids' | 'asks', n = Infinity): [number, number][] {
  return server.book(inst.symbol)[side].top(n).map(([p, q]): [number, number] => [inst.price.toInt(p), inst.qty.toInt(q)]);
}
