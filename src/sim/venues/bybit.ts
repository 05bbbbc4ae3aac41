/**
 * Simulated Bybit v5 linear public side: `/v5/market/instruments-info` (paged by cursor),
 * `/v5/market/orderbook`, and the `/v5/public/linear` stream with `orderbook.<depth>.<symbol>`
 * (a snapshot on subscribe, then deltas with u + 1 per publish, depth-limited like the venue's),
 * `publicTrade.<symbol>` and `tickers.<symbol>` (snapshot, then deltas of what changed).
 * The ticker's `turnover24h` is the quote traded since the symbol's first trade here as a rate per
 * day (at least a minute counted, so a first trade does not read as a huge day), to 3 significant
 * digits; `openInterest` (base) is a quarter of that turnover
 * at the last price, the order of the real venue's majors.
 */
import type { InstrumentSpec, InstrumentStatus } from '../../model/instrument.ts';
import { writtenDecimals } from '../../model/scale.ts';
import { SimVenueServer, type HttpAnswer, type PriceLevel, type SimBook, type SimBookChange, type SimConnection, type SimTrade, type VenueProtocol } from '../protocolServer.ts';

export interface BybitSimOptions {
  /** Rows per instruments-info page (the venue's is up to 1000); small values exercise paging. */
  readonly pageSize?: number;
  readonly now?: () => number;
}

const DEPTHS = new Set([1, 50, 200, 500, 1000]);
const TOPIC = /^(orderbook)\.(\d+)\.([A-Z0-9]+)$|^(publicTrade|tickers)\.([A-Z0-9]+)$/;
const STATUS: Record<InstrumentStatus, string> = { trading: 'Trading', 'pre-launch': 'PreLaunch', halted: 'Delivering', delisted: 'Closed' };
const FUNDING_INTERVAL_MS = 8 * 60 * 60 * 1000;

interface TickerState {
  last?: string;
  fields: Record<string, string>;
  /** Quote traded since `since` (the first trade seen). */
  traded: number;
  since?: number;
}

const DAY_MS = 86_400_000;

/** Returns a float as a decimal string with 3 significant digits (fewer ticker deltas than every trade). */
function rounded(x: number): string {
  if (!(x > 0)) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(x)));
  return Number(x.toPrecision(3)).toFixed(Math.min(digits, 8));
}


function envelope(result: unknown, now: number, retCode = 0, retMsg = 'OK'): HttpAnswer {
  return { status: 200, body: { retCode, retMsg, result, retExtInfo: {}, time: now } };
}

function instrumentRow(spec: InstrumentSpec): Record<string, unknown> {
  return {
    symbol: spec.symbol,
    contractType: spec.kind === 'perp' ? 'LinearPerpetual' : 'LinearFutures',
    status: STATUS[spec.status ?? 'trading'],
    baseCoin: spec.base,
    quoteCoin: spec.quote,
    launchTime: String(spec.listedAt ?? 1585526400000),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(writtenDecimals(spec.tickSize)),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: spec.tickSize, maxPrice: '1999999.80', tickSize: spec.tickSize },
    lotSizeFilter: {
      maxOrderQty: '1000000',
      minOrderQty: spec.minQty ?? spec.lotSize,
      qtyStep: spec.lotSize,
      postOnlyMaxOrderQty: '1000000',
      maxMktOrderQty: '100000',
      minNotionalValue: spec.minNotional ?? '5',
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: spec.quote,
    copyTrading: 'both',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
    isPreListing: spec.status === 'pre-launch',
    preListingInfo: null,
  };
}

/** Returns the levels that differ between two top-N views, deletions as size "0". */
function diff(before: readonly PriceLevel[], after: readonly PriceLevel[]): PriceLevel[] {
  const was = new Map(before);
  const now = new Map(after);
  const out: PriceLevel[] = [];
  for (const [px, qty] of after) if (was.get(px) !== qty) out.push([px, qty]);
  for (const [px] of before) if (!now.has(px)) out.push([px, '0']);
  return out;
}

class BybitLinearProtocol implements VenueProtocol {
  readonly venue = 'bybit-linear' as const;
  private crossSeq = 1;
  private readonly tickers = new Map<string, TickerState>();

  constructor(private readonly opts: BybitSimOptions) {}

  http(server: SimVenueServer, method: string, path: string, query: URLSearchParams): HttpAnswer | undefined {
    if (method !== 'GET') return undefined;
    const now = server.now();
    if (query.get('category') !== 'linear') return envelope({}, now, 10001, 'params error: category only supports linear here');
    if (path === '/v5/market/instruments-info') return this.instruments(server, query, now);
    if (path === '/v5/market/orderbook') {
      const symbol = query.get('symbol') ?? '';
      if (!server.instruments.some((i) => i.symbol === symbol)) return envelope({}, now, 10001, 'params error: symbol invalid');
      const limit = Math.min(Math.max(Number(query.get('limit') ?? 25) || 25, 1), 500);
      const book = server.book(symbol);
      return envelope({ s: symbol, b: book.bids.top(limit), a: book.asks.top(limit), ts: now, u: book.seq, seq: this.crossSeq, cts: now }, now);
    }
    return undefined;
  }

  private instruments(server: SimVenueServer, query: URLSearchParams, now: number): HttpAnswer {
    const symbol = query.get('symbol');
    const rows = server.instruments.filter((i) => !symbol || i.symbol === symbol);
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 500) || 500, 1), 1000, this.opts.pageSize ?? 1000);
    const cursor = query.get('cursor');
    const start = cursor?.startsWith('next:') ? Number(cursor.slice(5)) : 0;
    const page = rows.slice(start, start + limit).map(instrumentRow);
    const nextPageCursor = start + limit < rows.length ? `next:${start + limit}` : '';
    return envelope({ category: 'linear', list: page, nextPageCursor }, now);
  }

  message(server: SimVenueServer, conn: SimConnection, text: string): void {
    let req: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.reply(JSON.stringify({ success: false, ret_msg: 'error:request not json', conn_id: `sim-${conn.id}`, op: '' }));
      return;
    }
    const reqId = typeof req.req_id === 'string' ? req.req_id : '';
    const answer = (op: string, ok: boolean, msg: string): void =>
      conn.reply(JSON.stringify({ success: ok, ret_msg: msg, conn_id: `sim-${conn.id}`, req_id: reqId, op }));
    if (req.op === 'ping') return answer('ping', true, 'pong');
    if (req.op !== 'subscribe' && req.op !== 'unsubscribe') return answer(String(req.op ?? ''), false, `error:unknown op ${String(req.op)}`);
    const args = Array.isArray(req.args) ? req.args.filter((a): a is string => typeof a === 'string') : [];
    const bad: string[] = [];
    const added: string[] = [];
    for (const topic of args) {
      if (req.op === 'unsubscribe') {
        if (!conn.topics.delete(topic)) bad.push(`not subscribed,topic:${topic}`);
        continue;
      }
      if (!this.valid(server, topic)) bad.push(`handler not found,topic:${topic}`);
      else if (conn.topics.has(topic)) bad.push(`already subscribed,topic:${topic}`);
      else {
        conn.topics.add(topic);
        added.push(topic);
      }
    }
    answer(req.op, bad.length === 0, bad.length ? `error:${bad.join(';')}` : '');
    for (const topic of added) this.initial(server, conn, topic);
  }

  private valid(server: SimVenueServer, topic: string): boolean {
    const m = TOPIC.exec(topic);
    if (!m) return false;
    const symbol = m[3] ?? m[5]!;
    if (m[1] && !DEPTHS.has(Number(m[2]))) return false;
    return server.instruments.some((i) => i.symbol === symbol);
  }

  /** Sends what a new subscription starts with: the book or the ticker in full. */
  private initial(server: SimVenueServer, conn: SimConnection, topic: string): void {
    const m = TOPIC.exec(topic)!;
    if (m[1]) conn.send(this.bookFrame(server, topic, m[3]!, Number(m[2]), 'snapshot'));
    else if (m[4] === 'tickers') conn.send(this.tickerFrame(server, m[5]!, 'snapshot', this.tickerFields(server, m[5]!)));
  }

  snapshot(server: SimVenueServer, conn: SimConnection, symbol: string): void {
    for (const topic of conn.topics) if (topic.startsWith('orderbook.') && topic.endsWith(`.${symbol}`)) this.initial(server, conn, topic);
  }

  private bookFrame(server: SimVenueServer, topic: string, symbol: string, depth: number, type: 'snapshot' | 'delta', levels?: { b: PriceLevel[]; a: PriceLevel[] }): string {
    const book = server.book(symbol);
    const now = server.now();
    const b = levels?.b ?? book.bids.top(depth);
    const a = levels?.a ?? book.asks.top(depth);
    return JSON.stringify({ topic, type, ts: now, data: { s: symbol, b, a, u: book.seq, seq: this.crossSeq++ }, cts: now });
  }

  publish(server: SimVenueServer, symbol: string, change: SimBookChange, trades: readonly SimTrade[]): void {
    const book = server.book(symbol);
    const topics = new Map<string, SimConnection[]>();
    for (const conn of server.connections) {
      for (const t of conn.topics) {
        if (!t.endsWith(`.${symbol}`) || !t.startsWith('orderbook.')) continue;
        let list = topics.get(t);
        if (!list) topics.set(t, (list = []));
        list.push(conn);
      }
    }
    const before = new Map<string, { b: PriceLevel[]; a: PriceLevel[] }>();
    for (const t of topics.keys()) {
      const depth = Number(t.split('.')[1]);
      before.set(t, { b: book.bids.top(depth), a: book.asks.top(depth) });
    }
    const changed = (change.bids?.length ?? 0) + (change.asks?.length ?? 0) > 0;
    book.apply(change);
    if (changed) {
      // A gap fault skips one update id: the client sees u jump by 2.
      book.seq += server.take('gap') ? 2 : 1;
      for (const [t, conns] of topics) {
        const depth = Number(t.split('.')[1]);
        // Level 1 is snapshot-only on linear today; deeper books send what changed in their top N.
        const frame =
          depth === 1
            ? this.bookFrame(server, t, symbol, depth, 'snapshot')
            : this.bookFrame(server, t, symbol, depth, 'delta', this.depthDiff(book, depth, before.get(t)!));
        for (const c of conns) c.send(frame);
      }
    }
    this.pushTrades(server, symbol, trades);
    this.pushTicker(server, symbol);
  }

  private depthDiff(book: SimBook, depth: number, was: { b: PriceLevel[]; a: PriceLevel[] }): { b: PriceLevel[]; a: PriceLevel[] } {
    return { b: diff(was.b, book.bids.top(depth)), a: diff(was.a, book.asks.top(depth)) };
  }

  private pushTrades(server: SimVenueServer, symbol: string, trades: readonly SimTrade[]): void {
    if (trades.length === 0) return;
    const state = this.ticker(symbol);
    state.last = trades[trades.length - 1]!.price;
    state.since ??= trades[0]!.ts;
    for (const t of trades) state.traded += Number(t.price) * Number(t.qty);
    const conns = server.subscribers(`publicTrade.${symbol}`);
    if (conns.length === 0) return;
    const data = trades.map((t) => ({ T: t.ts, s: symbol, S: t.side === 'buy' ? 'Buy' : 'Sell', v: t.qty, p: t.price, L: 'ZeroPlusTick', i: t.id, BT: false, seq: this.crossSeq++ }));
    const frame = JSON.stringify({ topic: `publicTrade.${symbol}`, type: 'snapshot', ts: server.now(), data });
    for (const c of conns) c.send(frame);
  }

  private ticker(symbol: string): TickerState {
    let s = this.tickers.get(symbol);
    if (!s) this.tickers.set(symbol, (s = { fields: {}, traded: 0 }));
    return s;
  }

  /** The ticker's current fields; marks and index follow the last trade (or the best bid). */
  private tickerFields(server: SimVenueServer, symbol: string): Record<string, string> {
    const book = server.book(symbol);
    const [bid] = book.bids.top(1);
    const [ask] = book.asks.top(1);
    const state = this.ticker(symbol);
    const last = state.last ?? bid?.[0] ?? ask?.[0] ?? '';
    const now = server.now();
    const elapsed = state.since === undefined ? 0 : Math.max(60_000, now - state.since);
    const turnover = elapsed === 0 ? 0 : (state.traded * DAY_MS) / elapsed;
    const oi = Number(last) > 0 ? (turnover * 0.25) / Number(last) : 0;
    return {
      symbol,
      lastPrice: last,
      markPrice: last,
      indexPrice: last,
      bid1Price: bid?.[0] ?? '',
      bid1Size: bid?.[1] ?? '',
      ask1Price: ask?.[0] ?? '',
      ask1Size: ask?.[1] ?? '',
      fundingRate: '0.0001',
      nextFundingTime: String(Math.ceil((now + 1) / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS),
      turnover24h: rounded(turnover),
      volume24h: Number(last) > 0 ? rounded(turnover / Number(last)) : '0',
      openInterest: rounded(oi),
    };
  }

  private tickerFrame(server: SimVenueServer, symbol: string, type: 'snapshot' | 'delta', data: Record<string, string>): string {
    if (type === 'snapshot') this.ticker(symbol).fields = { ...data };
    return JSON.stringify({ topic: `tickers.${symbol}`, type, data, cs: this.crossSeq++, ts: server.now() });
  }

  /** Sends a delta holding only the fields that changed since the last ticker frame. */
  private pushTicker(server: SimVenueServer, symbol: string): void {
    const conns = server.subscribers(`tickers.${symbol}`);
    if (conns.length === 0) return;
    const state = this.ticker(symbol);
    const now = this.tickerFields(server, symbol);
    const delta: Record<string, string> = { symbol };
    let n = 0;
    for (const [k, v] of Object.entries(now)) {
      if (k !== 'symbol' && state.fields[k] !== v) {
        delta[k] = v;
        state.fields[k] = v;
        n++;
      }
    }
    if (n === 0) return;
    const frame = this.tickerFrame(server, symbol, 'delta', delta);
    for (const c of conns) c.send(frame);
  }
}

/** Returns an unstarted simulated Bybit linear venue serving these instruments. */
export function createBybitLinearSimServer(instruments: InstrumentSpec[], opts: BybitSimOptions = {}): SimVenueServer {
  return new SimVenueServer({ protocol: new BybitLinearProtocol(opts), instruments, ...(opts.now ? { now: opts.now } : {}) });
}
