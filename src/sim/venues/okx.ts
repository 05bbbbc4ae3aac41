/**
 * A simulated OKX v5 public venue: `/api/v5/public/instruments` (SWAP and SPOT) built from the
 * server's instruments, and `/ws/v5/public` with text ping/pong, the real subscribe acks and
 * errors, `books` (400-level snapshot on subscribe, then updates chained by seqId/prevSeqId with
 * the CRC32 checksum over the top 25 levels' exact strings), `books5`, `bbo-tbt`, `trades`,
 * `tickers` and `funding-rate`. Faults: `gap` skips one seqId (prevSeqId names an update that
 * never came), `checksum` sends a wrong checksum.
 */
import { crc32 } from 'node:zlib';
import { OKX_CHECKSUM_DEPTH, OKX_DEFAULT_DEPTH, OKX_INSTRUMENTS_PATH } from '../../adapters/okx/constants.ts';
import type { InstrumentSpec, InstrumentStatus } from '../../model/instrument.ts';
import { SimVenueServer, type HttpAnswer, type PriceLevel, type SimBook, type SimConnection, type SimTrade, type VenueProtocol } from '../protocolServer.ts';

export interface OkxSimOptions {
  readonly now?: () => number;
  /** The funding rate pushed on `funding-rate` (a decimal string). */
  readonly fundingRate?: string;
}

const STATE: Record<InstrumentStatus, string | undefined> = { trading: 'live', halted: 'suspend', 'pre-launch': 'preopen', delisted: undefined };
const EIGHT_HOURS = 8 * 3_600_000;

/**
 * Returns the venue-side CRC32 (signed) of a book's top levels interleaved as
 * `bidPx:bidSz:askPx:askSz:…` over the stored strings: the scheme OKX and Bitget share.
 */
export function simBookChecksum(book: SimBook, depth = OKX_CHECKSUM_DEPTH): number {
  const bids = book.bids.top(depth);
  const asks = book.asks.top(depth);
  const parts: string[] = [];
  for (let i = 0; i < Math.max(bids.length, asks.length); i++) {
    const b = bids[i];
    const a = asks[i];
    if (b) parts.push(b[0], b[1]);
    if (a) parts.push(a[0], a[1]);
  }
  return crc32(parts.join(':')) | 0;
}

/** Returns a checksum that is certainly wrong and non-zero (0 means "none" to clients). */
export function wrongChecksum(correct: number): number {
  return (correct ^ 0x5a5a) | 0 || 1;
}

/** A subscribe or unsubscribe request in the `{"op", "args": [...]}` form OKX and Bitget share. */
export interface OpRequest {
  readonly op: 'subscribe' | 'unsubscribe';
  readonly args: readonly unknown[];
}

/** Returns the request a client frame holds; undefined when it is not JSON or not a (un)subscribe with a list of args. */
export function readOpRequest(text: string): OpRequest | undefined {
  let req: { op?: unknown; args?: unknown } | null;
  try {
    req = JSON.parse(text) as typeof req;
  } catch {
    return undefined;
  }
  if ((req?.op !== 'subscribe' && req?.op !== 'unsubscribe') || !Array.isArray(req.args)) return undefined;
  return { op: req.op, args: req.args as unknown[] };
}

function okxRow(s: InstrumentSpec): Record<string, unknown> | undefined {
  const state = STATE[s.status ?? 'trading'];
  if (!state) return undefined; // OKX does not list delisted instruments
  const perp = s.kind === 'perp';
  const family = perp ? `${s.base}-${s.quote}` : '';
  return {
    instType: perp ? 'SWAP' : 'SPOT',
    instId: s.symbol,
    uly: family,
    instFamily: family,
    baseCcy: perp ? '' : s.base,
    quoteCcy: perp ? '' : s.quote,
    settleCcy: perp ? s.quote : '',
    ctVal: perp ? (s.contractSize ?? '1') : '',
    ctMult: perp ? '1' : '',
    ctValCcy: perp ? s.base : '',
    ctType: perp ? 'linear' : '',
    category: '1',
    lever: perp ? '100' : '10',
    tickSz: s.tickSize,
    lotSz: s.lotSize,
    minSz: s.minQty ?? s.lotSize,
    maxLmtSz: '100000000',
    maxMktSz: '1000000',
    state,
    listTime: s.listedAt !== undefined ? String(s.listedAt) : '',
    expTime: '',
    alias: '',
    ruleType: 'normal',
  };
}

/** OKX levels: [px, sz, "0" (deprecated liquidated orders), number of orders]. */
function levels(rows: readonly PriceLevel[]): string[][] {
  return rows.map(([px, sz]) => [px, sz, '0', Number(sz) === 0 ? '0' : '1']);
}

const BOOK_DEPTH: Record<string, number> = { books: OKX_DEFAULT_DEPTH, books5: 5, 'bbo-tbt': 1 };
const CHANNELS = new Set(['books', 'books5', 'bbo-tbt', 'trades', 'tickers', 'funding-rate']);

function okxProtocol(specs: ReadonlyMap<string, InstrumentSpec>, opts: OkxSimOptions): VenueProtocol {
  const lastTrade = new Map<string, SimTrade>();

  /** A whole-book push: the `books` snapshot, or a books5/bbo-tbt message (no action). */
  const wholeBook = (server: SimVenueServer, channel: string, symbol: string): string => {
    const book = server.book(symbol);
    const depth = BOOK_DEPTH[channel]!;
    const data: Record<string, unknown> = {
      asks: levels(book.asks.top(depth)),
      bids: levels(book.bids.top(depth)),
      instId: symbol,
      ts: String(server.now()),
      seqId: book.seq,
    };
    if (channel !== 'books') return JSON.stringify({ arg: { channel, instId: symbol }, data: [data] });
    data.checksum = simBookChecksum(book);
    data.prevSeqId = -1;
    return JSON.stringify({ arg: { channel, instId: symbol }, action: 'snapshot', data: [data] });
  };

  const ticker = (server: SimVenueServer, symbol: string): string => {
    const book = server.book(symbol);
    const [bid] = book.bids.top(1);
    const [ask] = book.asks.top(1);
    const t = lastTrade.get(symbol);
    const last = t?.price ?? bid?.[0] ?? '';
    const data = {
      instType: specs.get(symbol)?.kind === 'perp' ? 'SWAP' : 'SPOT',
      instId: symbol,
      last,
      lastSz: t?.qty ?? '',
      askPx: ask?.[0] ?? '',
      askSz: ask?.[1] ?? '',
      bidPx: bid?.[0] ?? '',
      bidSz: bid?.[1] ?? '',
      open24h: last,
      high24h: last,
      low24h: last,
      sodUtc0: last,
      sodUtc8: last,
      volCcy24h: '0',
      vol24h: '0',
      ts: String(server.now()),
    };
    return JSON.stringify({ arg: { channel: 'tickers', instId: symbol }, data: [data] });
  };

  const funding = (server: SimVenueServer, symbol: string): string => {
    const now = server.now();
    const next = Math.floor(now / EIGHT_HOURS + 1) * EIGHT_HOURS;
    const rate = opts.fundingRate ?? '0.0001';
    const data = { instType: 'SWAP', instId: symbol, fundingRate: rate, fundingTime: String(next), nextFundingRate: '', nextFundingTime: String(next + EIGHT_HOURS), method: 'current_period', ts: String(now) };
    return JSON.stringify({ arg: { channel: 'funding-rate', instId: symbol }, data: [data] });
  };

  const error = (conn: SimConnection, code: string, msg: string): void => {
    conn.reply(JSON.stringify({ event: 'error', code, msg, connId: connId(conn) }));
  };

  const protocol: VenueProtocol = {
    venue: 'okx',

    http(server, method, path, query): HttpAnswer | undefined {
      if (method !== 'GET' || path !== OKX_INSTRUMENTS_PATH) return undefined;
      const instType = query.get('instType');
      if (instType !== 'SWAP' && instType !== 'SPOT') {
        return { status: 400, body: { code: '51000', msg: 'Parameter instType error', data: [] } };
      }
      const kind = instType === 'SWAP' ? 'perp' : 'spot';
      const data = server.instruments.filter((s) => s.kind === kind).map(okxRow).filter((r) => r !== undefined);
      return { status: 200, body: { code: '0', msg: '', data } };
    },

    message(server, conn, text) {
      if (text === 'ping') return conn.reply('pong');
      const req = readOpRequest(text);
      if (!req) return error(conn, '60012', `Invalid request: ${text.slice(0, 100)}`);
      for (const a of req.args as { channel?: string; instId?: string }[]) {
        const channel = String(a?.channel);
        const instId = String(a?.instId);
        const spec = specs.get(instId);
        if (!CHANNELS.has(channel) || !spec || (channel === 'funding-rate' && spec.kind !== 'perp')) {
          error(conn, '60018', `Wrong URL or channel:${channel},instId:${instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`);
          continue;
        }
        const topic = `${channel}:${instId}`;
        conn.reply(JSON.stringify({ event: req.op, arg: { channel, instId }, connId: connId(conn) }));
        if (req.op === 'unsubscribe') {
          conn.topics.delete(topic);
          continue;
        }
        conn.topics.add(topic);
        if (channel in BOOK_DEPTH) conn.send(wholeBook(server, channel, instId));
        else if (channel === 'funding-rate') conn.send(funding(server, instId));
        else if (channel === 'tickers') conn.send(ticker(server, instId));
      }
    },

    snapshot(server, conn, symbol) {
      for (const channel of Object.keys(BOOK_DEPTH)) {
        if (conn.topics.has(`${channel}:${symbol}`)) conn.send(wholeBook(server, channel, symbol));
      }
    },

    publish(server, symbol, change, trades) {
      const book = server.book(symbol);
      book.apply(change);
      const bids = change.bids ?? [];
      const asks = change.asks ?? [];
      const ts = String(server.now());
      // An empty change is OKX's heartbeat: seqId == prevSeqId == the last seqId, no levels.
      let prevSeqId = book.seq;
      if (bids.length + asks.length > 0) {
        if (server.take('gap')) prevSeqId += 1; // the update numbered prev + 1 is lost
        book.seq = prevSeqId + 1;
      }
      // A trades-only publish leaves the book alone and sends no book message.
      if (bids.length + asks.length > 0 || trades.length === 0) {
        const correct = simBookChecksum(book);
        const checksum = server.take('checksum') ? wrongChecksum(correct) : correct;
        server.push(`books:${symbol}`, () =>
          JSON.stringify({ arg: { channel: 'books', instId: symbol }, action: 'update', data: [{ asks: levels(asks), bids: levels(bids), ts, checksum, prevSeqId, seqId: book.seq }] }),
        );
      }
      if (bids.length + asks.length > 0) {
        server.push(`books5:${symbol}`, () => wholeBook(server, 'books5', symbol));
        server.push(`bbo-tbt:${symbol}`, () => wholeBook(server, 'bbo-tbt', symbol));
      }
      for (const t of trades) {
        lastTrade.set(symbol, t);
        server.push(`trades:${symbol}`, () =>
          JSON.stringify({ arg: { channel: 'trades', instId: symbol }, data: [{ instId: symbol, tradeId: t.id, px: t.price, sz: t.qty, side: t.side, ts: String(t.ts), count: '1' }] }),
        );
      }
      server.push(`tickers:${symbol}`, () => ticker(server, symbol));
    },
  };
  return protocol;
}

function connId(conn: SimConnection): string {
  return conn.id.toString(16).padStart(8, '0');
}

/** Returns an unstarted simulated OKX venue serving these instruments (SWAP for perps, SPOT for spot). */
export function createOkxSimServer(instruments: InstrumentSpec[], opts: OkxSimOptions = {}): SimVenueServer {
  const specs = new Map(instruments.map((s) => [s.symbol, s]));
  return new SimVenueServer({ protocol: okxProtocol(specs, opts), instruments, ...(opts.now ? { now: opts.now } : {}) });
}
