/**
 * A simulated Bitget v2 public venue: `/api/v2/mix/market/contracts?productType=USDT-FUTURES` and
 * `/api/v2/spot/public/symbols` built from the server's instruments, and `/v2/ws/public` with text
 * ping/pong, the real subscribe acks and errors, `books` (full snapshot on subscribe, then updates
 * with `seq` and the CRC32 checksum over the top 25 levels' exact strings), `books1/5/15`,
 * `trade` and `ticker` (with funding for futures). Spot instruments are named `BTCUSDT_SPBL` in
 * Fleet (see adapters/bitget/symbols.ts); on the wire they are `BTCUSDT` with instType SPOT.
 * Faults: v2 has no pseq, so a lost update can only show in the next checksum: `gap` drops the
 * update silently (its seq is used up); `checksum` sends a wrong checksum.
 */
import { BITGET_CONTRACTS_PATH, BITGET_PRODUCT_TYPE, BITGET_SPOT_SYMBOLS_PATH } from '../../adapters/bitget/constants.ts';
import { bitgetSymbol, bitgetWire } from '../../adapters/bitget/symbols.ts';
import type { InstrumentSpec, InstrumentStatus } from '../../model/instrument.ts';
import { parseDecimal } from '../../model/scale.ts';
import { SimVenueServer, type HttpAnswer, type PriceLevel, type SimTrade, type VenueProtocol } from '../protocolServer.ts';
import { readOpRequest, simBookChecksum, wrongChecksum } from './okx.ts';

export interface BitgetSimOptions {
  readonly now?: () => number;
  /** The funding rate pushed on futures tickers (a decimal string). */
  readonly fundingRate?: string;
}

const FUTURES_STATUS: Record<InstrumentStatus, string> = { trading: 'normal', halted: 'maintain', 'pre-launch': 'listed', delisted: 'off' };
const SPOT_STATUS: Record<InstrumentStatus, string> = { trading: 'online', halted: 'halt', 'pre-launch': 'gray', delisted: 'offline' };
const EIGHT_HOURS = 8 * 3_600_000;
/** Whole-book channels and their depth; `books` is the incremental full book. */
const WHOLE: Record<string, number> = { books1: 1, books5: 5, books15: 15 };
const CHANNELS = new Set(['books', 'books1', 'books5', 'books15', 'trade', 'ticker']);
const RECENT_TRADES = 50;

function decimalsOf(step: string): { units: number; decimals: number } {
  return parseDecimal(step) ?? { units: 1, decimals: 0 };
}

function contractRow(s: InstrumentSpec): Record<string, unknown> {
  const tick = decimalsOf(s.tickSize);
  return {
    symbol: s.symbol,
    baseCoin: s.base,
    quoteCoin: s.quote,
    buyLimitPriceRatio: '0.05',
    sellLimitPriceRatio: '0.05',
    feeRateUpRatio: '0.005',
    makerFeeRate: '0.0002',
    takerFeeRate: '0.0006',
    openCostUpRatio: '0.01',
    supportMarginCoins: [s.quote],
    minTradeNum: s.minQty ?? s.lotSize,
    // tick = priceEndStep × 10^-pricePlace
    priceEndStep: String(tick.units),
    pricePlace: String(tick.decimals),
    volumePlace: String(decimalsOf(s.lotSize).decimals),
    sizeMultiplier: s.lotSize,
    symbolType: 'perpetual',
    minTradeUSDT: s.minNotional ?? '5',
    maxSymbolOrderNum: '200',
    maxProductOrderNum: '400',
    maxPositionNum: '150',
    symbolStatus: FUTURES_STATUS[s.status ?? 'trading'],
    offTime: '-1',
    limitOpenTime: '-1',
    deliveryTime: '',
    deliveryStartTime: '',
    launchTime: s.listedAt !== undefined ? String(s.listedAt) : '',
    fundInterval: '8',
    minLever: '1',
    maxLever: '125',
    posLimit: '0.05',
    maintainTime: '',
  };
}

/** Spot precision is a count of decimals, so a tick that is not a power of ten is advertised at its decimals. */
function spotRow(s: InstrumentSpec): Record<string, unknown> {
  return {
    symbol: bitgetWire(s.symbol).instId,
    baseCoin: s.base,
    quoteCoin: s.quote,
    minTradeAmount: s.minQty ?? '0',
    maxTradeAmount: '10000000000',
    takerFeeRate: '0.001',
    makerFeeRate: '0.001',
    pricePrecision: String(decimalsOf(s.tickSize).decimals),
    quantityPrecision: String(decimalsOf(s.lotSize).decimals),
    quotePrecision: String(decimalsOf(s.tickSize).decimals),
    minTradeUSDTAmount: s.minNotional ?? '1',
    status: SPOT_STATUS[s.status ?? 'trading'],
    buyLimitPriceRatio: '0.05',
    sellLimitPriceRatio: '0.05',
    areaSymbol: 'no',
    orderQuantity: '200',
    openTime: s.listedAt !== undefined ? String(s.listedAt) : '',
  };
}

function bitgetProtocol(specs: ReadonlyMap<string, InstrumentSpec>, opts: BitgetSimOptions): VenueProtocol {
  const recent = new Map<string, SimTrade[]>();

  const envelope = (server: SimVenueServer, action: 'snapshot' | 'update', channel: string, symbol: string, data: unknown[]): string => {
    const w = bitgetWire(symbol);
    return JSON.stringify({ action, arg: { instType: w.instType, channel, instId: w.instId }, data, ts: server.now() });
  };

  const bookFrame = (server: SimVenueServer, channel: string, symbol: string): string => {
    const book = server.book(symbol);
    const depth = WHOLE[channel] ?? Infinity;
    const whole = channel !== 'books';
    const data = {
      asks: book.asks.top(depth),
      bids: book.bids.top(depth),
      // Whole-book channels send checksum 0 (nothing to verify); `books` sends the real one.
      checksum: whole ? 0 : simBookChecksum(book),
      seq: book.seq,
      ts: String(server.now()),
    };
    return envelope(server, 'snapshot', channel, symbol, [data]);
  };

  const tradeRow = (t: SimTrade) => ({ ts: String(t.ts), price: t.price, size: t.qty, side: t.side, tradeId: t.id });

  const ticker = (server: SimVenueServer, symbol: string): string => {
    const book = server.book(symbol);
    const [bid] = book.bids.top(1);
    const [ask] = book.asks.top(1);
    const last = recent.get(symbol)?.at(-1)?.price ?? bid?.[0] ?? '';
    const now = server.now();
    const w = bitgetWire(symbol);
    const data: Record<string, unknown> = {
      instId: w.instId,
      lastPr: last,
      bidPr: bid?.[0] ?? '',
      askPr: ask?.[0] ?? '',
      bidSz: bid?.[1] ?? '',
      askSz: ask?.[1] ?? '',
      open24h: last,
      high24h: last,
      low24h: last,
      change24h: '0',
      baseVolume: '0',
      quoteVolume: '0',
      openUtc: last,
      ts: String(now),
    };
    if (w.instType === 'USDT-FUTURES') {
      Object.assign(data, {
        fundingRate: opts.fundingRate ?? '0.0001',
        nextFundingTime: String(Math.floor(now / EIGHT_HOURS + 1) * EIGHT_HOURS),
        markPrice: last,
        indexPrice: last,
        holdingAmount: '0',
        symbolType: '1',
        symbol: w.instId,
        deliveryPrice: '0',
      });
    } else {
      data.changeUtc24h = '0';
    }
    return envelope(server, 'snapshot', 'ticker', symbol, [data]);
  };

  const protocol: VenueProtocol = {
    venue: 'bitget',

    http(server, method, path, query): HttpAnswer | undefined {
      if (method !== 'GET') return undefined;
      const ok = (data: unknown[]): HttpAnswer => ({ status: 200, body: { code: '00000', msg: 'success', requestTime: server.now(), data } });
      if (path === BITGET_CONTRACTS_PATH) {
        const productType = query.get('productType');
        if (!productType) return { status: 400, body: { code: '40019', msg: 'Parameter productType cannot be empty', requestTime: server.now(), data: null } };
        if (productType.toUpperCase() !== BITGET_PRODUCT_TYPE) return ok([]);
        return ok(server.instruments.filter((s) => s.kind === 'perp').map(contractRow));
      }
      if (path === BITGET_SPOT_SYMBOLS_PATH) return ok(server.instruments.filter((s) => s.kind === 'spot').map(spotRow));
      return undefined;
    },

    message(server, conn, text) {
      if (text === 'ping') return conn.reply('pong');
      const req = readOpRequest(text);
      if (!req) return conn.reply(JSON.stringify({ event: 'error', code: 30012, msg: 'param error' }));
      for (const a of req.args as { instType?: string; channel?: string; instId?: string }[]) {
        const arg = { instType: String(a?.instType), channel: String(a?.channel), instId: String(a?.instId) };
        const symbol = bitgetSymbol(arg.instType, arg.instId);
        const spec = symbol === undefined ? undefined : specs.get(symbol);
        if (!CHANNELS.has(arg.channel) || !spec || !/^[A-Z]/.test(arg.instType)) {
          conn.reply(JSON.stringify({ event: 'error', arg, code: 30001, msg: `instType:${arg.instType},channel:${arg.channel},instId:${arg.instId} doesn't exist`, op: req.op }));
          continue;
        }
        const topic = `${arg.instType}:${arg.channel}:${arg.instId}`;
        conn.reply(JSON.stringify({ event: req.op, arg }));
        if (req.op === 'unsubscribe') {
          conn.topics.delete(topic);
          continue;
        }
        conn.topics.add(topic);
        if (arg.channel.startsWith('books')) conn.send(bookFrame(server, arg.channel, spec.symbol));
        else if (arg.channel === 'ticker') conn.send(ticker(server, spec.symbol));
        else if ((recent.get(spec.symbol)?.length ?? 0) > 0) {
          conn.send(envelope(server, 'snapshot', 'trade', spec.symbol, recent.get(spec.symbol)!.slice().reverse().map(tradeRow)));
        }
      }
    },

    snapshot(server, conn, symbol) {
      const w = bitgetWire(symbol);
      for (const channel of ['books', ...Object.keys(WHOLE)]) {
        if (conn.topics.has(`${w.instType}:${channel}:${w.instId}`)) conn.send(bookFrame(server, channel, symbol));
      }
    },

    publish(server, symbol, change, trades) {
      const book = server.book(symbol);
      book.apply(change);
      const w = bitgetWire(symbol);
      const prefix = `${w.instType}:`;
      const bids: readonly PriceLevel[] = change.bids ?? [];
      const asks: readonly PriceLevel[] = change.asks ?? [];
      if (bids.length + asks.length > 0) {
        book.seq += 1;
        // No pseq in v2: a lost update is dropped without a trace; the next checksum catches it.
        if (!server.take('gap')) {
          const correct = simBookChecksum(book);
          const checksum = server.take('checksum') ? wrongChecksum(correct) : correct;
          server.push(`${prefix}books:${w.instId}`, () =>
            envelope(server, 'update', 'books', symbol, [{ asks, bids, checksum, seq: book.seq, ts: String(server.now()) }]),
          );
        }
        for (const channel of Object.keys(WHOLE)) server.push(`${prefix}${channel}:${w.instId}`, () => bookFrame(server, channel, symbol));
      }
      if (trades.length > 0) {
        const list = recent.get(symbol) ?? [];
        list.push(...trades);
        recent.set(symbol, list.slice(-RECENT_TRADES));
        server.push(`${prefix}trade:${w.instId}`, () => envelope(server, 'update', 'trade', symbol, trades.map(tradeRow)));
      }
      server.push(`${prefix}ticker:${w.instId}`, () => ticker(server, symbol));
    },
  };
  return protocol;
}

/** Returns an unstarted simulated Bitget venue (perps as USDT-FUTURES, `_SPBL` spot pairs as SPOT). */
export function createBitgetSimServer(instruments: InstrumentSpec[], opts: BitgetSimOptions = {}): SimVenueServer {
  const specs = new Map(instruments.map((s) => [s.symbol, s]));
  return new SimVenueServer({ protocol: bitgetProtocol(specs, opts), instruments, ...(opts.now ? { now: opts.now } : {}) });
}

