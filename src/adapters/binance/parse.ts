/**
 * Binance frames (USD-M futures and spot share one format) → normalized market events. One
 * JSON.parse per frame; fields are checked before use so a bad frame becomes a `ParseOutcome`
 * problem, never an exception; levels go straight into flat [ticks, lots, …] arrays.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookDelta, BookSnapshot, Funding, MarketEvent, Ticker, Trade } from '../../model/market.ts';
import type { Control, FrameProblem, ParseOutcome } from '../types.ts';
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

type Obj = Record<string, unknown>;
type Problem = { readonly ok: false; readonly problem: FrameProblem; readonly detail: string };
/** The result of parsing one REST body. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | Problem;

/** Partial-book streams (`btcusdt@depth5`, `@depth20@100ms`): each message is a top-N snapshot. */
const PARTIAL_DEPTH = /@depth(5|10|20)(@|$)/;
const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;
const DECIMAL = /^\d+(\.\d+)?$/;

// Required fields per message (numbers, then strings), kept as constants off the hot path.
const DEPTH_NUMS = ['E', 'U', 'u'];
const PARTIAL_NUMS = ['E', 'u'];
const SYMBOL = ['s'];
const AGG_NUMS = ['a', 'T'];
const TRADE_NUMS = ['t', 'T'];
const TRADE_STRS = ['s', 'p', 'q'];
const TICKER_NUMS = ['u'];
const TICKER_STRS = ['s', 'b', 'B', 'a', 'A'];
const DAY_NUMS = ['E'];
const DAY_STRS = ['s', 'c', 'q'];
const MARK_NUMS = ['E', 'T'];
const MARK_STRS = ['s', 'p', 'i', 'r'];
const PREMIUM_NUMS = ['nextFundingTime', 'time'];
const PREMIUM_STRS = ['symbol', 'markPrice', 'indexPrice', 'lastFundingRate'];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const bad = (problem: FrameProblem, detail: string): Problem => ({ ok: false, problem, detail });
const ok = (events: readonly MarketEvent[], control?: Control): ParseOutcome => (control ? { ok: true, events, control } : { ok: true, events });

/** Returns the first field of `nums` (numbers) or `strs` (strings) that `o` lacks or holds with another type. */
function missing(o: Obj, nums: readonly string[], strs: readonly string[]): string | undefined {
  for (const k of nums) if (!isNum(o[k])) return k;
  for (const k of strs) if (!isStr(o[k])) return k;
  return undefined;
}

/** Turns one Binance text frame into events or a control message; never throws. */
export function parseBinanceFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    return bad('malformed-json', e instanceof Error ? e.message : 'not JSON');
  }
  if (!isObj(msg)) return bad('unknown-type', 'frame is not a JSON object');
  if (isStr(msg.stream) && isObj(msg.data)) return parseStreamData(msg.data, msg.stream, tsRecv, lookup);
  if (isStr(msg.stream) && Array.isArray(msg.data)) return parseAllMarket(msg.data as unknown[], msg.stream, tsRecv, lookup);
  if ('result' in msg && 'id' in msg) return parseResult(msg as unknown as BinanceWsResult);
  if (isObj(msg.error) || (isNum(msg.code) && isStr(msg.msg))) return parseWsError(msg as BinanceWsError);
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
    if (!isObj(item)) return bad('unknown-type', `${stream} entry is not an object`);
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
  return ok([], { kind: 'ack', ok: true, detail: `id=${String(msg.id)}` });
}

function parseWsError(msg: BinanceWsError): ParseOutcome {
  const err = msg.error ?? { code: msg.code, msg: msg.msg };
  const id = msg.id === undefined ? '' : ` (id=${String(msg.id)})`;
  return ok([], { kind: 'error', code: String(err.code), message: `${String(err.msg)}${id}` });
}

function parseStreamData(data: Obj, stream: string | undefined, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
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
      return ok([], { kind: 'error', code: 'serverShutdown', message: 'the server is about to shut down; reconnect' });
    case undefined:
      // Spot bookTicker and spot partial depth carry no event type: tell them by stream or shape.
      if (stream?.endsWith('@bookTicker') || (stream === undefined && 'u' in data && 'B' in data && 'A' in data)) {
        return parseBookTicker(data, tsRecv, lookup);
      }
      if (stream !== undefined && PARTIAL_DEPTH.test(stream) && 'lastUpdateId' in data) {
        return parsePartialDepthSpot(data, symbolOfTopic(stream), tsRecv, lookup);
      }
      return bad('unknown-type', 'payload without an event type');
    default:
      if (isStr(e) && IGNORED_EVENTS.has(e)) return ok([], { kind: 'ignored', what: e });
      return bad('unknown-type', `event type ${JSON.stringify(e)}`);
  }
}

/**
 * Appends [[px, qty], …] to `out` as flat ticks and lots; returns a problem for a bad shape or a
 * price or size that is not a decimal on the instrument's grid.
 */
function flatLevels(levels: unknown, inst: Instrument, side: string, out: number[]): Problem | undefined {
  if (!Array.isArray(levels)) return bad('missing-field', `${side} is not a list`);
  for (const lv of levels as unknown[]) {
    if (!Array.isArray(lv) || !isStr(lv[0]) || !isStr(lv[1])) return bad('missing-field', `${side} level ${JSON.stringify(lv)}`);
    const px = inst.price.toInt(lv[0]);
    const qty = inst.qty.toInt(lv[1]);
    if (Number.isNaN(px) || Number.isNaN(qty)) return bad('bad-number', `${side} level ${lv[0]} x ${lv[1]} off ${inst.tickSize} / ${inst.lotSize}`);
    out.push(px, qty);
  }
  return undefined;
}

function instrumentOf(symbol: string, lookup: InstrumentLookup): Instrument | Problem {
  return lookup(symbol) ?? bad('unknown-instrument', symbol);
}

function isProblem(v: object): v is Problem {
  return (v as { ok?: unknown }).ok === false;
}

/** Returns both sides of a book message as flat arrays, or the first problem found. */
function bookLevels(data: Obj, inst: Instrument, bidKey: string, askKey: string): { bids: number[]; asks: number[] } | Problem {
  const bids: number[] = [];
  const asks: number[] = [];
  return flatLevels(data[bidKey], inst, 'bids', bids) ?? flatLevels(data[askKey], inst, 'asks', asks) ?? { bids, asks };
}

/** Parses a diff depth update: seq = u, firstSeq = U, prevSeq = pu (futures only). */
export function parseDepthUpdate(data: Obj, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const miss = missing(data, DEPTH_NUMS, SYMBOL);
  if (miss) return bad('missing-field', `depthUpdate.${miss}`);
  const w = data as unknown as BinanceWsDepthUpdate;
  const inst = instrumentOf(w.s, lookup);
  if (isProblem(inst)) return inst;
  const lv = bookLevels(data, inst, 'b', 'a');
  if (isProblem(lv)) return lv;
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
function parsePartialDepthFutures(data: Obj, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const miss = missing(data, PARTIAL_NUMS, SYMBOL);
  if (miss) return bad('missing-field', `depthUpdate.${miss}`);
  const w = data as unknown as BinanceWsDepthUpdate;
  const inst = instrumentOf(w.s, lookup);
  if (isProblem(inst)) return inst;
  const lv = bookLevels(data, inst, 'b', 'a');
  if (isProblem(lv)) return lv;
  return ok([{ kind: 'book.snapshot', instrument: inst.id, tsEvent: w.E, tsRecv, bids: lv.bids, asks: lv.asks, seq: w.u }]);
}

/** Spot partial book (`@depth<N>`): `{lastUpdateId, bids, asks}`, the symbol only in the stream name. */
function parsePartialDepthSpot(data: Obj, symbol: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (!isNum(data.lastUpdateId)) return bad('missing-field', 'lastUpdateId');
  const w = data as unknown as BinanceWsPartialDepthSpot;
  const inst = instrumentOf(symbol, lookup);
  if (isProblem(inst)) return inst;
  const lv = bookLevels(data, inst, 'bids', 'asks');
  if (isProblem(lv)) return lv;
  return ok([{ kind: 'book.snapshot', instrument: inst.id, tsEvent: tsRecv, tsRecv, bids: lv.bids, asks: lv.asks, seq: w.lastUpdateId }]);
}

/** Parses a REST depth snapshot (the body names no symbol, so the caller passes the instrument). */
export function parseRestDepth(body: unknown, inst: Instrument, tsRecv: number): Parsed<BookSnapshot> {
  if (!isObj(body)) return bad('unknown-type', 'depth body is not an object');
  if (!isNum(body.lastUpdateId)) return bad('missing-field', 'lastUpdateId');
  const w = body as unknown as BinanceRestDepth;
  const lv = bookLevels(body, inst, 'bids', 'asks');
  if (isProblem(lv)) return lv;
  const tsEvent = isNum(w.E) ? w.E : tsRecv; // spot sends no time
  return { ok: true, value: { kind: 'book.snapshot', instrument: inst.id, tsEvent, tsRecv, bids: lv.bids, asks: lv.asks, seq: w.lastUpdateId } };
}

function tradeEvent(inst: Instrument, id: number, p: string, q: string, buyerIsMaker: boolean, ts: number, tsRecv: number): ParseOutcome {
  const price = inst.price.toInt(p);
  const qty = inst.qty.toInt(q);
  if (Number.isNaN(price) || Number.isNaN(qty)) return bad('bad-number', `trade ${p} x ${q} off ${inst.tickSize} / ${inst.lotSize}`);
  // The buyer made the market, so the seller took liquidity (and the other way round).
  const ev: Trade = { kind: 'trade', instrument: inst.id, tsEvent: ts, tsRecv, tradeId: String(id), price, qty, aggressor: buyerIsMaker ? 'sell' : 'buy' };
  return ok([ev]);
}

/** Parses an aggTrade (tradeId = the aggregate id `a`). */
export function parseAggTrade(data: Obj, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const miss = missing(data, AGG_NUMS, TRADE_STRS) ?? (typeof data.m === 'boolean' ? undefined : 'm');
  if (miss) return bad('missing-field', `aggTrade.${miss}`);
  const w = data as unknown as BinanceWsAggTrade;
  const inst = instrumentOf(w.s, lookup);
  if (isProblem(inst)) return inst;
  return tradeEvent(inst, w.a, w.p, w.q, w.m, w.T, tsRecv);
}

/** Parses a spot trade (tradeId = `t`). */
export function parseTrade(data: Obj, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const miss = missing(data, TRADE_NUMS, TRADE_STRS) ?? (typeof data.m === 'boolean' ? undefined : 'm');
  if (miss) return bad('missing-field', `trade.${miss}`);
  const w = data as unknown as BinanceWsTrade;
  const inst = instrumentOf(w.s, lookup);
  if (isProblem(inst)) return inst;
  return tradeEvent(inst, w.t, w.p, w.q, w.m, w.T, tsRecv);
}

/** Parses a bookTicker: best bid/ask at book update id u. */
export function parseBookTicker(data: Obj, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const miss = missing(data, TICKER_NUMS, TICKER_STRS);
  if (miss) return bad('missing-field', `bookTicker.${miss}`);
  const w = data as unknown as BinanceWsBookTicker;
  const inst = instrumentOf(w.s, lookup);
  if (isProblem(inst)) return inst;
  const bidPrice = inst.price.toInt(w.b);
  const bidQty = inst.qty.toInt(w.B);
  const askPrice = inst.price.toInt(w.a);
  const askQty = inst.qty.toInt(w.A);
  if (Number.isNaN(bidPrice + bidQty + askPrice + askQty)) return bad('bad-number', `bookTicker ${w.b} x ${w.B} / ${w.a} x ${w.A}`);
  const tsEvent = isNum(w.E) ? w.E : isNum(w.T) ? w.T : tsRecv;
  const ev: Ticker = { kind: 'ticker', instrument: inst.id, tsEvent, tsRecv, updateId: w.u, bidPrice, bidQty, askPrice, askQty };
  return ok([ev]);
}

/** Parses a 24 h rolling ticker into last price and quote volume. */
export function parse24hrTicker(data: Obj, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const miss = missing(data, DAY_NUMS, DAY_STRS);
  if (miss) return bad('missing-field', `24hrTicker.${miss}`);
  const w = data as unknown as BinanceWs24hrTicker;
  const inst = instrumentOf(w.s, lookup);
  if (isProblem(inst)) return inst;
  const last = inst.price.toInt(w.c);
  if (Number.isNaN(last) || !DECIMAL.test(w.q)) return bad('bad-number', `24hrTicker c=${w.c} q=${w.q}`);
  return ok([{ kind: 'ticker', instrument: inst.id, tsEvent: w.E, tsRecv, last, quoteVolume24h: Number(w.q) }]);
}


function fundingEvent(inst: Instrument, rate: string, next: number, mark: string, index: string, tsEvent: number, tsRecv: number): ParseOutcome {
  if (!SIGNED_DECIMAL.test(rate)) return bad('bad-number', `funding rate ${JSON.stringify(rate)}`);
  const markPrice = inst.price.toTicks(mark);
  const indexPrice = inst.price.toTicks(index);
  if (Number.isNaN(markPrice) || Number.isNaN(indexPrice)) return bad('bad-number', `mark ${mark} / index ${index}`);
  const ev: Funding = { kind: 'funding', instrument: inst.id, tsEvent, tsRecv, rate, nextFundingTime: next, markPrice, indexPrice };
  return ok([ev]);
}

/** Parses a futures markPriceUpdate into a funding event (rate, next funding time, mark, index). */
export function parseMarkPrice(data: Obj, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const miss = missing(data, MARK_NUMS, MARK_STRS);
  if (miss) return bad('missing-field', `markPriceUpdate.${miss}`);
  const w = data as unknown as BinanceWsMarkPrice;
  const inst = instrumentOf(w.s, lookup);
  if (isProblem(inst)) return inst;
  // Delivery contracts have no funding: the stream sends r = "".
  if (w.r === '') return ok([], { kind: 'ignored', what: 'markPriceUpdate without funding' });
  return fundingEvent(inst, w.r, w.T, w.p, w.i, w.E, tsRecv);
}

/** Parses `GET /fapi/v1/premiumIndex` (one object, or a list for every symbol: unknown ones are skipped). */
export function parsePremiumIndex(body: unknown, tsRecv: number, lookup: InstrumentLookup): Parsed<Funding[]> {
  const list = Array.isArray(body) ? (body as unknown[]) : [body];
  const out: Funding[] = [];
  for (const item of list) {
    if (!isObj(item)) return bad('unknown-type', 'premiumIndex entry is not an object');
    const miss = missing(item, PREMIUM_NUMS, PREMIUM_STRS);
    if (miss) return bad('missing-field', `premiumIndex.${miss}`);
    const w = item as unknown as BinanceRestPremiumIndex;
    const inst = lookup(w.symbol);
    if (!inst) {
      if (Array.isArray(body)) continue;
      return bad('unknown-instrument', w.symbol);
    }
    if (w.lastFundingRate === '') continue;
    const one = fundingEvent(inst, w.lastFundingRate, w.nextFundingTime, w.markPrice, w.indexPrice, w.time, tsRecv);
    if (!one.ok) return one;
    out.push(one.events[0] as Funding);
  }
  return { ok: true, value: out };
}

/** Returns the depth snapshot a recorded REST request answered (replay of `fleet record` files). */
export function parseRecordedDepth(url: string, body: string, tsRecv: number, lookup: InstrumentLookup): BookSnapshot | undefined {
  let u: URL;
  let json: unknown;
  try {
    u = new URL(url);
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!/\/depth$/.test(u.pathname)) return undefined;
  const inst = lookup(u.searchParams.get('symbol') ?? '');
  if (!inst) return undefined;
  const out = parseRestDepth(json, inst, tsRecv);
  return out.ok ? out.value : undefined;
}
