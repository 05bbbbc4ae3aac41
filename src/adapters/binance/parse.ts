/**
 * Binance frames (USD-M futures and spot share one format) → normalized market events. One
 * JSON.parse per frame; fields are checked before use so a bad frame becomes a `ParseOutcome`
 * problem, never an exception; levels go straight into flat [ticks, lots, …] arrays.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookDelta, BookSnapshot, Funding, MarketEvent, Ticker } from '../../model/market.ts';
import { control, fail, isFailure, isObject, notAnObject, NOT_JSON, ok, parseJson, readBook, SIGNED_DECIMAL, tradeOf, type Failure, type Json } from '../parseKit.ts';
import type { ParseOutcome } from '../types.ts';
import { IGNORED_EVENTS } from './constants.ts';
import type {
  BinanceRestDepth,
  BinanceRestPremiumIndex,
  BinanceWs24hrTicker,
  BinanceWsAggTrade,
  BinanceWsBookTicker,
  BinanceWsDepthUpdate,
  BinanceWsError,
  BinanceWsMarkPrice,
  BinanceWsPartialDepthSpot,
  BinanceWsResult,
  BinanceWsTrade,
} from './messages.ts';
import { symbolOfTopic } from './symbols.ts';

/** The result of parsing one REST body. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | Failure;

/** Partial-book streams (`btcusdt@depth5`, `@depth20@100ms`): each message is a top-N snapshot. */
const PARTIAL_DEPTH = /@depth(5|10|20)(@|$)/;
const DECIMAL = /^\d+(\.\d+)?$/;

// Required fields per message (numbers, then strings, then booleans), kept as constants off the hot path.
const NONE: readonly string[] = [];
const DEPTH_NUMS = ['E', 'U', 'u'];
const PARTIAL_NUMS = ['E', 'u'];
const SYMBOL = ['s'];
const TRADE_STRS = ['s', 'p', 'q'];
const BUYER_MAKER = ['m'];
const TICKER_NUMS = ['u'];
const TICKER_STRS = ['s', 'b', 'B', 'a', 'A'];
const DAY_NUMS = ['E'];
const DAY_STRS = ['s', 'c', 'q'];
const MARK_NUMS = ['E', 'T'];
const MARK_STRS = ['s', 'p', 'i', 'r'];
const PREMIUM_NUMS = ['nextFundingTime', 'time'];
const PREMIUM_STRS = ['symbol', 'markPrice', 'indexPrice', 'lastFundingRate'];

/** The two trade payloads differ only in their name and the field holding the trade id. */
const AGG_TRADE = { what: 'aggTrade', id: 'a', nums: ['a', 'T'] } as const;
const SPOT_TRADE = { what: 'trade', id: 't', nums: ['t', 'T'] } as const;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** Returns the first field of `nums` (numbers), `strs` (strings) or `bools` that `o` lacks or holds with another type. */
function missing(o: Json, nums: readonly string[], strs: readonly string[], bools: readonly string[] = NONE): string | undefined {
  for (const k of nums) if (!isNum(o[k])) return k;
  for (const k of strs) if (!isStr(o[k])) return k;
  for (const k of bools) if (typeof o[k] !== 'boolean') return k;
  return undefined;
}

/** Returns the instrument a payload names in `s` once it holds its required fields, or the first problem. */
function instrumentFor(data: Json, what: string, lookup: InstrumentLookup, nums: readonly string[], strs: readonly string[], bools?: readonly string[]): Instrument | Failure {
  const miss = missing(data, nums, strs, bools);
  if (miss) return fail('missing-field', `${what}.${miss}`);
  const symbol = data.s as string;
  return lookup(symbol) ?? fail('unknown-instrument', symbol);
}

/** Turns one Binance text frame into events or a control message; never throws. */
export function parseBinanceFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const msg = parseJson(text);
  if (!isObject(msg)) return notAnObject(msg, text);
  if (isStr(msg.stream) && isObject(msg.data)) return parseStreamData(msg.data, msg.stream, tsRecv, lookup);
  if (isStr(msg.stream) && Array.isArray(msg.data)) return parseAllMarket(msg.data as unknown[], msg.stream, tsRecv, lookup);
  if ('result' in msg && 'id' in msg) return parseResult(msg as unknown as BinanceWsResult);
  if (isObject(msg.error) || (isNum(msg.code) && isStr(msg.msg))) return parseWsError(msg as BinanceWsError);
  // A raw stream (`/ws/<stream>`) sends the payload without the wrapper.
  return parseStreamData(msg, undefined, tsRecv, lookup);
}

/**
 * All-market streams (`!markPrice@arr@1s`, `!ticker@arr`) carry one payload per symbol; symbols
 * not in the lookup are skipped (the venue lists more than we follow), any other problem fails the frame.
 */
function parseAllMarket(items: unknown[], stream: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const events: MarketEvent[] = [];
  for (const item of items) {
    if (!isObject(item)) return fail('unknown-type', `${stream} entry is not an object`);
    const out = parseStreamData(item, undefined, tsRecv, lookup);
    if (!out.ok) {
      if (out.problem === 'unknown-instrument') continue;
      return out;
    }
    for (const ev of out.events) events.push(ev);
  }
  return ok(events);
}

function parseResult(msg: BinanceWsResult): ParseOutcome {
  return control({ kind: 'ack', ok: true, detail: `id=${String(msg.id)}` });
}

function parseWsError(msg: BinanceWsError): ParseOutcome {
  const err = msg.error ?? { code: msg.code, msg: msg.msg };
  const id = msg.id === undefined ? '' : ` (id=${String(msg.id)})`;
  return control({ kind: 'error', code: String(err.code), message: `${String(err.msg)}${id}` });
}

function parseStreamData(data: Json, stream: string | undefined, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const e = data.e;
  switch (e) {
    case 'depthUpdate':
      if (stream !== undefined && PARTIAL_DEPTH.test(stream)) return parsePartialDepthFutures(data, tsRecv, lookup);
      return parseDepthUpdate(data, tsRecv, lookup);
    case 'aggTrade':
      return parseAggTrade(data, tsRecv, lookup);
    case 'trade':
      return parseTrade(data, tsRecv, lookup);
    case 'bookTicker':
      return parseBookTicker(data, tsRecv, lookup);
    case 'markPriceUpdate':
      return parseMarkPrice(data, tsRecv, lookup);
    case '24hrTicker':
      return parse24hrTicker(data, tsRecv, lookup);
    case 'serverShutdown':
      return control({ kind: 'error', code: 'serverShutdown', message: 'the server is about to shut down; reconnect' });
    case undefined:
      // Spot bookTicker and spot partial depth carry no event type: tell them by stream or shape.
      if (stream?.endsWith('@bookTicker') || (stream === undefined && 'u' in data && 'B' in data && 'A' in data)) {
        return parseBookTicker(data, tsRecv, lookup);
      }
      if (stream !== undefined && PARTIAL_DEPTH.test(stream) && 'lastUpdateId' in data) {
        return parsePartialDepthSpot(data, symbolOfTopic(stream), tsRecv, lookup);
      }
      return fail('unknown-type', 'payload without an event type');
    default:
      if (isStr(e) && IGNORED_EVENTS.has(e)) return control({ kind: 'ignored', what: e });
      return fail('unknown-type', `event type ${JSON.stringify(e)}`);
  }
}

/** Parses a diff depth update: seq = u, firstSeq = U, prevSeq = pu (futures only). */
export function parseDepthUpdate(data: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const inst = instrumentFor(data, 'depthUpdate', lookup, DEPTH_NUMS, SYMBOL);
  if (isFailure(inst)) return inst;
  const w = data as unknown as BinanceWsDepthUpdate;
  const lv = readBook(data.b, data.a, inst);
  if (isFailure(lv)) return lv;
  const ev: BookDelta = {
    kind: 'book.delta',
    instrument: inst.id,
    tsEvent: w.E,
    tsRecv,
    bids: lv.bids,
    asks: lv.asks,
    seq: w.u,
    firstSeq: w.U,
    ...(isNum(w.pu) ? { prevSeq: w.pu } : {}),
  };
  return ok([ev]);
}

/** Futures partial book (`@depth<N>`): a top-N snapshot at update id u. */
function parsePartialDepthFutures(data: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const inst = instrumentFor(data, 'depthUpdate', lookup, PARTIAL_NUMS, SYMBOL);
  if (isFailure(inst)) return inst;
  const w = data as unknown as BinanceWsDepthUpdate;
  const lv = readBook(data.b, data.a, inst);
  if (isFailure(lv)) return lv;
  return ok([{ kind: 'book.snapshot', instrument: inst.id, tsEvent: w.E, tsRecv, bids: lv.bids, asks: lv.asks, seq: w.u }]);
}

/** Spot partial book (`@depth<N>`): `{lastUpdateId, bids, asks}`, the symbol only in the stream name. */
function parsePartialDepthSpot(data: Json, symbol: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (!isNum(data.lastUpdateId)) return fail('missing-field', 'lastUpdateId');
  const w = data as unknown as BinanceWsPartialDepthSpot;
  const inst = lookup(symbol);
  if (!inst) return fail('unknown-instrument', symbol);
  const lv = readBook(data.bids, data.asks, inst);
  if (isFailure(lv)) return lv;
  return ok([{ kind: 'book.snapshot', instrument: inst.id, tsEvent: tsRecv, tsRecv, bids: lv.bids, asks: lv.asks, seq: w.lastUpdateId }]);
}

/** Parses a REST depth snapshot (the body names no symbol, so the caller passes the instrument). */
export function parseRestDepth(body: unknown, inst: Instrument, tsRecv: number): Parsed<BookSnapshot> {
  if (!isObject(body)) return fail('unknown-type', 'depth body is not an object');
  if (!isNum(body.lastUpdateId)) return fail('missing-field', 'lastUpdateId');
  const w = body as unknown as BinanceRestDepth;
  const lv = readBook(body.bids, body.asks, inst);
  if (isFailure(lv)) return lv;
  const tsEvent = isNum(w.E) ? w.E : tsRecv; // spot sends no time
  return { ok: true, value: { kind: 'book.snapshot', instrument: inst.id, tsEvent, tsRecv, bids: lv.bids, asks: lv.asks, seq: w.lastUpdateId } };
}

/** Parses either trade payload; the buyer made the market when `m`, so the seller took liquidity. */
function parseAnyTrade(data: Json, kind: typeof AGG_TRADE | typeof SPOT_TRADE, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const inst = instrumentFor(data, kind.what, lookup, kind.nums, TRADE_STRS, BUYER_MAKER);
  if (isFailure(inst)) return inst;
  const w = data as unknown as BinanceWsAggTrade | BinanceWsTrade;
  const trade = tradeOf(inst, String(data[kind.id]), w.p, w.q, w.m ? 'sell' : 'buy', w.T, tsRecv);
  return isFailure(trade) ? trade : ok([trade]);
}

/** Parses an aggTrade (tradeId = the aggregate id `a`). */
export function parseAggTrade(data: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  return parseAnyTrade(data, AGG_TRADE, tsRecv, lookup);
}

/** Parses a spot trade (tradeId = `t`). */
export function parseTrade(data: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  return parseAnyTrade(data, SPOT_TRADE, tsRecv, lookup);
}

/** Parses a bookTicker: best bid/ask at book update id u. */
export function parseBookTicker(data: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const inst = instrumentFor(data, 'bookTicker', lookup, TICKER_NUMS, TICKER_STRS);
  if (isFailure(inst)) return inst;
  const w = data as unknown as BinanceWsBookTicker;
  const bidPrice = inst.price.toInt(w.b);
  const bidQty = inst.qty.toInt(w.B);
  const askPrice = inst.price.toInt(w.a);
  const askQty = inst.qty.toInt(w.A);
  if (Number.isNaN(bidPrice + bidQty + askPrice + askQty)) return fail('bad-number', `bookTicker ${w.b} x ${w.B} / ${w.a} x ${w.A}`);
  const tsEvent = isNum(w.E) ? w.E : isNum(w.T) ? w.T : tsRecv;
  const ev: Ticker = { kind: 'ticker', instrument: inst.id, tsEvent, tsRecv, updateId: w.u, bidPrice, bidQty, askPrice, askQty };
  return ok([ev]);
}

/** Parses a 24 h rolling ticker into last price and quote volume. */
export function parse24hrTicker(data: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const inst = instrumentFor(data, '24hrTicker', lookup, DAY_NUMS, DAY_STRS);
  if (isFailure(inst)) return inst;
  const w = data as unknown as BinanceWs24hrTicker;
  const last = inst.price.toInt(w.c);
  if (Number.isNaN(last) || !DECIMAL.test(w.q)) return fail('bad-number', `24hrTicker c=${w.c} q=${w.q}`);
  return ok([{ kind: 'ticker', instrument: inst.id, tsEvent: w.E, tsRecv, last, quoteVolume24h: Number(w.q) }]);
}

/** Returns a funding event (rate as text, mark and index as possibly fractional ticks) or a bad-number failure. */
function fundingOf(inst: Instrument, rate: string, next: number, mark: string, index: string, tsEvent: number, tsRecv: number): Funding | Failure {
  if (!SIGNED_DECIMAL.test(rate)) return fail('bad-number', `funding rate ${JSON.stringify(rate)}`);
  const markPrice = inst.price.toTicks(mark);
  const indexPrice = inst.price.toTicks(index);
  if (Number.isNaN(markPrice) || Number.isNaN(indexPrice)) return fail('bad-number', `mark ${mark} / index ${index}`);
  return { kind: 'funding', instrument: inst.id, tsEvent, tsRecv, rate, nextFundingTime: next, markPrice, indexPrice };
}

/** Parses a futures markPriceUpdate into a funding event (rate, next funding time, mark, index). */
export function parseMarkPrice(data: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const inst = instrumentFor(data, 'markPriceUpdate', lookup, MARK_NUMS, MARK_STRS);
  if (isFailure(inst)) return inst;
  const w = data as unknown as BinanceWsMarkPrice;
  // Delivery contracts have no funding: the stream sends r = "".
  if (w.r === '') return control({ kind: 'ignored', what: 'markPriceUpdate without funding' });
  const funding = fundingOf(inst, w.r, w.T, w.p, w.i, w.E, tsRecv);
  return isFailure(funding) ? funding : ok([funding]);
}

/** Parses `GET /fapi/v1/premiumIndex` (one object, or a list for every symbol: unknown ones are skipped). */
export function parsePremiumIndex(body: unknown, tsRecv: number, lookup: InstrumentLookup): Parsed<Funding[]> {
  const list = Array.isArray(body) ? (body as unknown[]) : [body];
  const out: Funding[] = [];
  for (const item of list) {
    if (!isObject(item)) return fail('unknown-type', 'premiumIndex entry is not an object');
    const miss = missing(item, PREMIUM_NUMS, PREMIUM_STRS);
    if (miss) return fail('missing-field', `premiumIndex.${miss}`);
    const w = item as unknown as BinanceRestPremiumIndex;
    const inst = lookup(w.symbol);
    if (!inst) {
      if (Array.isArray(body)) continue;
      return fail('unknown-instrument', w.symbol);
    }
    if (w.lastFundingRate === '') continue;
    const one = fundingOf(inst, w.lastFundingRate, w.nextFundingTime, w.markPrice, w.indexPrice, w.time, tsRecv);
    if (isFailure(one)) return one;
    out.push(one);
  }
  return { ok: true, value: out };
}

/** Returns the depth snapshot a recorded REST request answered (replay of `fleet record` files). */
export function parseRecordedDepth(url: string, body: string, tsRecv: number, lookup: InstrumentLookup): BookSnapshot | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const json = parseJson(body);
  if (json === NOT_JSON || !/\/depth$/.test(u.pathname)) return undefined;
  const inst = lookup(u.searchParams.get('symbol') ?? '');
  if (!inst) return undefined;
  const out = parseRestDepth(json, inst, tsRecv);
  return out.ok ? out.value : undefined;
}
