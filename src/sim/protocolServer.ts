/**
 * A simulated venue's public side on 127.0.0.1: one HTTP server and one WebSocket server on the
 * same port, a book per symbol held as the venue's own decimal strings, and fault injection. The
 * venue's wire format lives in a `VenueProtocol` (src/sim/venues/<venue>.ts); this file knows
 * none. Tests and the simulator drive it with `publish()`; the real adapters connect to it as to
 * the venue itself.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SIM_FAULT_KINDS, type VenueId } from '../config/schema.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import type { SimExchange } from './matching/types.ts';
import { SystemClock, type Clock } from '../core/clock.ts';

export type PriceLevel = readonly [price: string, qty: string];

export interface SimBookChange {
  /** Levels to set; a quantity of "0" removes the level. */
  readonly bids?: readonly PriceLevel[];
  readonly asks?: readonly PriceLevel[];
}

export interface SimTrade {
  readonly id: string;
  readonly price: string;
  readonly qty: string;
  /** The aggressor. */
  readonly side: 'buy' | 'sell';
  readonly ts: number;
}

/**
 * Faults on purpose. Public side: `drop` (the next data frame), `duplicate` (sent twice), `gap`
 * (a skipped sequence id), `checksum` (a wrong one), `disconnect` (every socket), `http429`,
 * `http5xx`. Private side (the matching engine's venue): `delay-fill`, `duplicate-fill`,
 * `fill-after-cancel`, `reject-next-order`.
 */
export type SimFault = (typeof SIM_FAULT_KINDS)[number];
export { SIM_FAULT_KINDS };

/** One side's levels as decimal strings, ordered best first on demand. */
export class SimBookSide {
  readonly levels = new Map<string, string>();
  /** Prices best first, kept sorted on insert and delete (a snapshot or checksum needs the order every publish). */
  private readonly order: string[] = [];
  private readonly values: number[] = [];
  constructor(readonly isBid: boolean) {}

  apply(levels: readonly PriceLevel[] | undefined): void {
    for (const [px, qty] of levels ?? []) {
      if (Number(qty) === 0) {
        if (this.levels.delete(px)) this.unindex(px);
      } else {
        if (!this.levels.has(px)) this.index(px);
        this.levels.set(px, qty);
      }
    }
  }

  /** Returns up to `n` levels, best first, with the exact strings stored. */
  top(n = Infinity): PriceLevel[] {
    const out: PriceLevel[] = [];
    const end = Math.min(n, this.order.length);
    for (let i = 0; i < end; i++) out.push([this.order[i]!, this.levels.get(this.order[i]!)!]);
    return out;
  }

  /** Returns where a price goes: the first position whose price is worse than it. */
  private position(value: number): number {
    let lo = 0;
    let hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.isBid ? this.values[mid]! > value : this.values[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private index(px: string): void {
    const v = Number(px);
    const at = this.position(v);
    this.order.splice(at, 0, px);
    this.values.splice(at, 0, v);
  }

  private unindex(px: string): void {
    const v = Number(px);
    let at = this.position(v);
    while (at < this.order.length && this.order[at] !== px) at++;
    if (at < this.order.length) {
      this.order.splice(at, 1);
      this.values.splice(at, 1);
    }
  }
}

export class SimBook {
  readonly bids = new SimBookSide(true);
  readonly asks = new SimBookSide(false);
  /** The venue's update id for this book (each protocol advances it its own way). */
  seq = 1000;
  apply(change: SimBookChange): void {
    this.bids.apply(change.bids);
    this.asks.apply(change.asks);
  }
}

export interface SimConnection {
  readonly id: number;
  readonly path: string;
  readonly ws: WebSocket;
  /** Topics this connection subscribed, as the venue names them. */
  readonly topics: Set<string>;
  /** Sends a data frame (subject to `drop` faults and to silence). */
  send(frame: string): void;
  /** Sends a control frame (acks, pongs) that faults never drop. */
  reply(frame: string): void;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** A venue's wire format, served by SimVenueServer. */
export interface VenueProtocol {
  readonly venue: VenueId;
  /** Answers a REST request; undefined means 404. */
  http(server: SimVenueServer, method: string, path: string, query: URLSearchParams, body: string): HttpAnswer | undefined;
  /** Handles one client frame (subscribe, unsubscribe, ping). */
  message(server: SimVenueServer, conn: SimConnection, text: string): void;
  /** Applies a change to the symbol's book and pushes it (and any trades) to subscribers. */
  publish(server: SimVenueServer, symbol: string, change: SimBookChange, trades: readonly SimTrade[]): void;
  /** Pushes a full snapshot of the symbol's book to its subscribers (on subscribe, on demand). */
  snapshot?(server: SimVenueServer, conn: SimConnection, symbol: string): void;
}

export interface SimHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The query string exactly as sent (without "?"): signatures are computed over it. */
  readonly rawQuery: string;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** A venue's private (trading) side: signed REST and private streams over a matching engine. */
export interface VenuePrivateSide {
  /** Answers a private REST request; undefined when the path is not private (the public side answers). */
  http(server: SimVenueServer, req: SimHttpRequest): HttpAnswer | undefined;
  /** Handles a frame on a private connection; returns false for a public connection's frame. */
  message(server: SimVenueServer, conn: SimConnection, text: string): boolean;
  closed?(conn: SimConnection): void;
}

export interface SimVenueOptions {
  readonly protocol: VenueProtocol;
  readonly instruments: readonly InstrumentSpec[];
  readonly now?: () => number;
  readonly clock?: Clock;
}

export class SimVenueServer {
  readonly protocol: VenueProtocol;
  /** What the venue lists; grows when a symbol is listed while running (`list`). */
  readonly instruments: InstrumentSpec[];
  readonly books = new Map<string, SimBook>();
  readonly connections = new Set<SimConnection>();
  /** The last client frames received, in order (tests read them to check subscriptions); bounded. */
  readonly received: { conn: number; text: string }[] = [];
  /** The last HTTP requests received: method and path with query; bounded. */
  readonly requests: string[] = [];
  /** The trading side, when the venue has an account and a matching engine behind it. */
  privateSide: VenuePrivateSide | undefined;
  /** The venue's matching engine: sees every market change, so resting orders fill by queue position. */
  exchange: SimExchange | undefined;
  /** While true, nothing at all is sent (a venue gone quiet; sockets stay open). */
  silent = false;
  readonly now: () => number;
  /** Delay of every REST answer (the way back from the venue), in ms of `clock`. */
  latencyMs = 0;
  private readonly clock: Clock;
  private readonly faults = new Map<SimFault, number>();
  private readonly delisted = new Set<string>();
  private http?: Server;
  private wss?: WebSocketServer;
  private nextConn = 1;
  private port = 0;

  constructor(opts: SimVenueOptions) {
    this.protocol = opts.protocol;
    this.instruments = [...opts.instruments];
    this.clock = opts.clock ?? new SystemClock();
    this.now = opts.now ?? (() => this.clock.now());
    for (const i of opts.instruments) this.books.set(i.symbol, new SimBook());
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  book(symbol: string): SimBook {
    let b = this.books.get(symbol);
    if (!b) this.books.set(symbol, (b = new SimBook()));
    return b;
  }

  /** Lists a new symbol: it appears in the venue's instruments endpoint and gets a book. */
  list(spec: InstrumentSpec): void {
    this.delisted.delete(spec.symbol);
    if (this.instruments.some((i) => i.symbol === spec.symbol)) return;
    this.instruments.push(spec);
    this.book(spec.symbol);
  }

  /**
   * Delists a symbol: it leaves the instruments endpoint and its streams go quiet (nothing more is
   * published for it; sockets stay open, as on the venue). Returns false when it was not listed.
   */
  delist(symbol: string): boolean {
    const at = this.instruments.findIndex((i) => i.symbol === symbol);
    if (at < 0) return false;
    this.instruments.splice(at, 1);
    this.delisted.add(symbol);
    return true;
  }

  /** Arms a fault for the next `count` occasions it applies to. */
  inject(kind: SimFault, count = 1): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + count);
    if (kind === 'disconnect') {
      this.faults.delete('disconnect');
      for (const c of this.connections) c.ws.terminate();
    }
  }

  /** Consumes one armed fault of this kind; returns whether there was one. */
  take(kind: SimFault): boolean {
    const n = this.faults.get(kind) ?? 0;
    if (n <= 0) return false;
    if (n === 1) this.faults.delete(kind);
    else this.faults.set(kind, n - 1);
    return true;
  }

  /** Applies a change to a symbol's book and pushes it in the venue's format. */
  publish(symbol: string, change: SimBookChange, trades: readonly SimTrade[] = []): void {
    if (this.delisted.has(symbol)) return;
    this.protocol.publish(this, symbol, change, trades);
    this.exchange?.onMarket(symbol, change, trades);
  }

  /** Settles perp funding on the venue's matching engine (when it has one). */
  settleFunding(symbol: string, rate: string, markPrice: string): void {
    this.exchange?.settleFunding(symbol, rate, markPrice);
  }

  /** Returns the connections subscribed to a topic. */
  subscribers(topic: string): SimConnection[] {
    return [...this.connections].filter((c) => c.topics.has(topic));
  }

  /** Sends the frame `make` builds to every connection subscribed to `topic`; builds nothing when none is. */
  push(topic: string, make: () => string): void {
    const subs = this.subscribers(topic);
    if (subs.length === 0) return;
    const frame = make();
    for (const c of subs) c.send(frame);
  }

  async listen(port = 0): Promise<this> {
    this.http = createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
    await new Promise<void>((resolve, reject) => {
      this.http!.once('error', reject);
      this.http!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    this.connections.clear();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    // A venue that shuts down drops every connection, including one whose request or upgrade is
    // still arriving: `close()` alone waits for those, and a client mid-handshake kept it open.
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => (this.http ? this.http.close(() => resolve()) : resolve()));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const id = this.nextConn++;
    const conn: SimConnection = {
      id,
      path: req.url ?? '/',
      ws,
      topics: new Set(),
      send: (frame) => {
        if (this.silent || ws.readyState !== ws.OPEN) return;
        if (this.take('drop')) return;
        ws.send(frame);
        if (this.take('duplicate')) ws.send(frame);
      },
      reply: (frame) => {
        if (!this.silent && ws.readyState === ws.OPEN) ws.send(frame);
      },
    };
    this.connections.add(conn);
    ws.on('message', (data) => {
      const text = String(data);
      keepLast(this.received, { conn: id, text });
      if (this.privateSide?.message(this, conn, text)) return;
      this.protocol.message(this, conn, text);
    });
    const gone = (): void => {
      this.connections.delete(conn);
      this.privateSide?.closed?.(conn);
    };
    ws.on('close', gone);
    ws.on('error', gone);
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      keepLast(this.requests, `${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        const write = (): void => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
        };
        // The venue acts on arrival; its answer travels back `latencyMs` later.
        if (this.latencyMs > 0) this.clock.setTimeout(write, this.latencyMs);
        else write();
      };
      if (this.take('http429')) return send(429, { code: -1003, msg: 'Too many requests; simulated.' }, { 'retry-after': '1' });
      if (this.take('http5xx')) return send(503, { code: -1001, msg: 'Service unavailable; simulated.' });
      const method = req.method ?? 'GET';
      const answer =
        this.privateSide?.http(this, { method, path: url.pathname, query: url.searchParams, rawQuery: url.search.slice(1), body, headers: req.headers }) ??
        this.protocol.http(this, method, url.pathname, url.searchParams, body);
      if (!answer) return send(404, { msg: `no route ${url.pathname}` });
      send(answer.status, answer.body, answer.headers);
    });
  }
}

const TRAFFIC_KEPT = 2000;

/** Appends to a traffic log kept to its last TRAFFIC_KEPT entries (a long-running venue must not grow). */
function keepLast<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > TRAFFIC_KEPT) list.splice(0, list.length - TRAFFIC_KEPT);
}
