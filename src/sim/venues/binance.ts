/**
 * Simulated Binance (USD-M futures and spot) speaking the real public protocol on SimVenueServer:
 * exchangeInfo and depth snapshots over REST, SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS over
 * WebSocket with the venue's acks and errors, and pushes of diff depth (U/u, plus pu on futures),
 * aggTrade (and trade on spot) and bookTicker in combined (`/stream`) or raw (`/ws`) form. Like
 * Binance, it sends no snapshot on subscribe: clients fetch one over REST.
 */
import type { VenueId } from '../../config/schema.ts';
import type { InstrumentSpec, InstrumentStatus } from '../../model/instrument.ts';
import { parseDecimal } from '../../model/scale.ts';
import { BINANCE_SPOT, BINANCE_USDM, type BinanceMarket } from '../../adapters/binance/constants.ts';
import { depthTopic, streamSymbol } from '../../adapters/binance/symbols.ts';
import {
  SimVenueServer,
  type HttpAnswer,
  type PriceLevel,
  type SimBookChange,
  type SimConnection,
  type SimTrade,
  type VenueProtocol,
} from '../protocolServer.ts';

export interface BinanceSimOptions {
  readonly now?: () => number;
}

const FUTURES_STATUS: Record<InstrumentStatus, string> = { trading: 'TRADING', halted: 'SETTLING', 'pre-launch': 'PENDING_TRADING', delisted: 'CLOSE' };
const SPOT_STATUS: Record<InstrumentStatus, string> = { trading: 'TRADING', halted: 'HALT', 'pre-launch': 'PRE_TRADING', delisted: 'BREAK' };

const decimalsOf = (step: string): number => parseDecimal(step)?.decimals ?? 0;
const isFutures = (m: BinanceMarket): boolean => m.kind === 'perp';

/** exchangeInfo entry in the market's own format, from our spec. */
function symbolEntry(market: BinanceMarket, spec: InstrumentSpec): Record<string, unknown> {
  const status = (isFutures(market) ? FUTURES_STATUS : SPOT_STATUS)[spec.status ?? 'trading'];
  const minQty = spec.minQty ?? spec.lotSize;
  const priceFilter = { filterType: 'PRICE_FILTER', minPrice: spec.tickSize, maxPrice: '1000000', tickSize: spec.tickSize };
  const lotFilter = { filterType: 'LOT_SIZE', minQty, maxQty: '9000000', stepSize: spec.lotSize };
  if (isFutures(market)) {
    return {
      symbol: spec.symbol,
      pair: spec.symbol,
      contractType: 'PERPETUAL',
      deliveryDate: 4133404800000,
      onboardDate: spec.listedAt ?? 1569398400000,
      status,
      baseAsset: spec.base,
      quoteAsset: spec.quote,
      marginAsset: spec.quote,
      pricePrecision: decimalsOf(spec.tickSize),
      quantityPrecision: decimalsOf(spec.lotSize),
      baseAssetPrecision: 8,
      quotePrecision: 8,
      underlyingType: 'COIN',
      filters: [
        priceFilter,
        lotFilter,
        { filterType: 'MARKET_LOT_SIZE', minQty, maxQty: '9000000', stepSize: spec.lotSize },
        { filterType: 'MAX_NUM_ORDERS', limit: 200 },
        { filterType: 'MIN_NOTIONAL', notional: spec.minNotional ?? '5' },
      ],
      orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
      timeInForce: ['GTC', 'IOC', 'FOK', 'GTX'],
    };
  }
  return {
    symbol: spec.symbol,
    status,
    baseAsset: spec.base,
    baseAssetPrecision: 8,
    quoteAsset: spec.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      priceFilter,
      lotFilter,
      { filterType: 'NOTIONAL', minNotional: spec.minNotional ?? '5', applyMinToMarket: true, maxNotional: '9000000', applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
  };
}

function exchangeInfo(server: SimVenueServer, market: BinanceMarket): unknown {
  return {
    timezone: 'UTC',
    serverTime: server.now(),
    ...(isFutures(market) ? { futuresType: 'U_MARGINED' } : {}),
    rateLimits: [],
    exchangeFilters: [],
    symbols: server.instruments.map((spec) => symbolEntry(market, spec)),
  };
}

function depthSnapshot(server: SimVenueServer, market: BinanceMarket, query: URLSearchParams): HttpAnswer {
  const symbol = query.get('symbol');
  if (!symbol) return { status: 400, body: { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." } };
  if (!server.instruments.some((i) => i.symbol === symbol)) return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
  const limit = Number(query.get('limit') ?? (isFutures(market) ? 500 : 100));
  const book = server.book(symbol);
  const now = server.now();
  // Futures number a snapshot with the U of the diff that follows it (the 2021 SUSHIUSDT capture:
  // lastUpdateId == next U), which is why its rule is U ≤ L ≤ u; spot uses the last u sent (L + 1 == next U).
  return {
    status: 200,
    body: {
      lastUpdateId: isFutures(market) ? book.seq + 1 : book.seq,
      ...(isFutures(market) ? { E: now, T: now } : {}),
      bids: book.bids.top(limit),
      asks: book.asks.top(limit),
    },
  };
}

/** The protocol of one market; trade ids and last-sent tops are kept per server instance. */
class BinanceProtocol implements VenueProtocol {
  readonly venue: VenueId;
  private readonly tradeIds = new Map<string, number>();
  private readonly lastTop = new Map<string, string>();
  /** Connections whose `?streams=` URL has been read into their topics. */
  private readonly seeded = new WeakSet<SimConnection>();

  constructor(private readonly market: BinanceMarket) {
    this.venue = market.venue;
  }

  http(server: SimVenueServer, method: string, path: string, query: URLSearchParams): HttpAnswer | undefined {
    if (method !== 'GET') return undefined;
    if (path === this.market.paths.exchangeInfo) return { status: 200, body: exchangeInfo(server, this.market) };
    if (path === this.market.paths.depth) return depthSnapshot(server, this.market, query);
    return undefined;
  }

  message(server: SimVenueServer, conn: SimConnection, text: string): void {
    this.seed(server);
    let req: { method?: unknown; params?: unknown; id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      return conn.reply(JSON.stringify({ code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }));
    }
    const id = req.id;
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      return conn.reply(JSON.stringify({ code: 2, msg: 'Invalid request: request ID must be an unsigned integer', id: null }));
    }
    const params = Array.isArray(req.params) ? (req.params as unknown[]) : [];
    switch (req.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE':
        if (!params.every((p): p is string => typeof p === 'string')) {
          return conn.reply(JSON.stringify({ code: 2, msg: 'Invalid request: stream names must be strings', id }));
        }
        if (req.method === 'SUBSCRIBE') {
          if (conn.topics.size + params.length > this.market.limits.maxTopicsPerConnection) {
            return conn.reply(JSON.stringify({ code: 2, msg: `Invalid request: too many streams (max ${this.market.limits.maxTopicsPerConnection})`, id }));
          }
          for (const p of params) conn.topics.add(p);
        } else {
          for (const p of params) conn.topics.delete(p);
        }
        return conn.reply(JSON.stringify({ result: null, id }));
      case 'LIST_SUBSCRIPTIONS':
        return conn.reply(JSON.stringify({ result: [...conn.topics], id }));
      default:
        return conn.reply(
          JSON.stringify({
            code: 2,
            msg: `Invalid request: unknown variant ${JSON.stringify(req.method)}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY`,
            id,
          }),
        );
    }
  }

  publish(server: SimVenueServer, symbol: string, change: SimBookChange, trades: readonly SimTrade[]): void {
    this.seed(server);
    const book = server.book(symbol);
    book.apply(change);
    const s = streamSymbol(symbol);
    const now = server.now();
    const futures = isFutures(this.market);
    const bids = change.bids ?? [];
    const asks = change.asks ?? [];
    if (bids.length + asks.length > 0) {
      // Each level change takes one update id. A `gap` fault numbers an update that is never sent.
      let prev = book.seq;
      if (server.take('gap')) prev += 1;
      const first = prev + 1;
      book.seq = prev + bids.length + asks.length;
      const diff = futures
        ? { e: 'depthUpdate', E: now, T: now, s: symbol, U: first, u: book.seq, pu: prev, b: bids, a: asks }
        : { e: 'depthUpdate', E: now, s: symbol, U: first, u: book.seq, b: bids, a: asks };
      this.push(server, [depthTopic(symbol), `${s}@depth`], diff);
      this.pushTop(server, symbol, now);
    }
    for (const t of trades) this.pushTrade(server, symbol, t, now);
  }

  /** Sends a bookTicker when the best bid or ask (price or size) changed since the last one. */
  private pushTop(server: SimVenueServer, symbol: string, now: number): void {
    const topic = `${streamSymbol(symbol)}@bookTicker`;
    if (server.subscribers(topic).length === 0) return;
    const book = server.book(symbol);
    const [bid] = book.bids.top(1) as (PriceLevel | undefined)[];
    const [ask] = book.asks.top(1) as (PriceLevel | undefined)[];
    if (!bid || !ask) return;
    const key = `${bid[0]}:${bid[1]}:${ask[0]}:${ask[1]}`;
    if (this.lastTop.get(symbol) === key) return;
    this.lastTop.set(symbol, key);
    const top = { u: book.seq, s: symbol, b: bid[0], B: bid[1], a: ask[0], A: ask[1] };
    this.push(server, [topic], isFutures(this.market) ? { e: 'bookTicker', ...top, T: now, E: now } : top);
  }

  private pushTrade(server: SimVenueServer, symbol: string, t: SimTrade, now: number): void {
    const s = streamSymbol(symbol);
    const given = Number(t.id);
    const next = (this.tradeIds.get(symbol) ?? 0) + 1;
    const id = Number.isSafeInteger(given) && given > 0 ? given : next;
    this.tradeIds.set(symbol, Math.max(next, id));
    // `m`: the buyer was the maker, i.e. the aggressor sold.
    const m = t.side === 'sell';
    this.push(server, [`${s}@aggTrade`], { e: 'aggTrade', E: now, a: id, s: symbol, p: t.price, q: t.qty, f: id, l: id, T: t.ts, m, ...(isFutures(this.market) ? {} : { M: true }) });
    if (!isFutures(this.market)) this.push(server, [`${s}@trade`], { e: 'trade', E: now, s: symbol, t: id, p: t.price, q: t.qty, T: t.ts, m, M: true });
  }

  /** Sends one payload to every connection subscribed to any of `topics`, wrapped on `/stream`. */
  private push(server: SimVenueServer, topics: readonly string[], data: unknown): void {
    const raw = JSON.stringify(data);
    for (const topic of topics) {
      const subs = server.subscribers(topic);
      if (subs.length === 0) continue;
      const combined = `{"stream":${JSON.stringify(topic)},"data":${raw}}`;
      for (const c of subs) c.send(c.path.startsWith('/ws') ? raw : combined);
    }
  }

  /** Reads `/stream?streams=a/b` and `/ws/<a>/<b>` connect URLs into the connection's topics once. */
  private seed(server: SimVenueServer): void {
    for (const c of server.connections) {
      if (this.seeded.has(c)) continue;
      this.seeded.add(c);
      const url = new URL(c.path, 'http://sim');
      const names = url.pathname.startsWith('/ws/') ? url.pathname.slice(4).split('/') : (url.searchParams.get('streams') ?? '').split('/');
      for (const n of names) if (n) c.topics.add(n);
    }
  }
}

/** Returns an unstarted simulated Binance USD-M futures venue for these instruments. */
export function createBinanceUsdmSimServer(instruments: InstrumentSpec[], opts: BinanceSimOptions = {}): SimVenueServer {
  return new SimVenueServer({ protocol: new BinanceProtocol(BINANCE_USDM), instruments, ...(opts.now ? { now: opts.now } : {}) });
}

/** Returns an unstarted simulated Binance spot venue for these instruments. */
export function createBinanceSpotSimServer(instruments: InstrumentSpec[], opts: BinanceSimOptions = {}): SimVenueServer {
  return new SimVenueServer({ protocol: new BinanceProtocol(BINANCE_SPOT), instruments, ...(opts.now ? { now: opts.now } : {}) });
}
