/**
 * Bybit v5 linear frames → normalized events. One JSON.parse per frame; levels go straight into
 * flat [ticks, lots, …] arrays. Nothing here throws: every bad input becomes `{ok:false}`.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookSnapshot, Funding, MarketEvent, Ticker, Trade } from '../../model/market.ts';
import type { Scale } from '../../model/scale.ts';
import { control, fail, isFailure, isObject, notAnObject, ok, parseJson, readBook, SIGNED_DECIMAL, tradeOf, type Failure, type Json, type Mutable } from '../parseKit.ts';
import type { ParseOutcome } from '../types.ts';
import type { BybitRestOrderbookResult, BybitWsOpResponse } from './messages.ts';

/** Topics Bybit publishes that Fleet does not use: counted, not errors. */
const IGNORED_TOPICS: ReadonlySet<string> = new Set(['liquidation', 'allLiquidation', 'kline', 'tickers_lt', 'lt', 'insurance', 'adlAlert', 'priceLimit']);

/** Turns one Bybit public-linear text frame into events or a control message. */
export function parseBybitFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const msg = parseJson(text);
  if (!isObject(msg)) return notAnObject(msg, text);
  const topic = msg.topic;
  if (typeof topic === 'string') {
    const dot = topic.indexOf('.');
    const kind = dot < 0 ? topic : topic.slice(0, dot);
    switch (kind) {
      case 'orderbook':
        return parseBybitOrderbook(msg, tsRecv, lookup);
      case 'publicTrade':
        return parseBybitTrades(msg, tsRecv, lookup);
      case 'tickers':
        return parseBybitTicker(msg, tsRecv, lookup);
      default:
        return IGNORED_TOPICS.has(kind) ? control({ kind: 'ignored', what: kind }) : fail('unknown-type', `topic ${topic}`);
    }
  }
  if (typeof msg.op === 'string') return parseBybitOpResponse(msg as unknown as BybitWsOpResponse);
  return fail('unknown-type', 'no topic and no op');
}

/** Returns the control meaning of a subscribe/unsubscribe/ping answer. */
export function parseBybitOpResponse(msg: BybitWsOpResponse): ParseOutcome {
  const { op } = msg;
  // Public streams answer a ping with op "ping" and ret_msg "pong"; private ones with op "pong".
  if (op === 'pong' || (op === 'ping' && msg.ret_msg === 'pong')) return control({ kind: 'pong' });
  if (op === 'subscribe' || op === 'unsubscribe') {
    return control(msg.success === false ? { kind: 'ack', ok: false, detail: msg.ret_msg ?? op } : { kind: 'ack', ok: true });
  }
  if (msg.success === false) return control({ kind: 'error', message: msg.ret_msg || `op ${op} failed` });
  return control({ kind: 'ignored', what: `op:${op}` });
}

/** Parses an `orderbook.<depth>.<symbol>` push: a snapshot resets, a delta continues u. */
export function parseBybitOrderbook(msg: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const d = msg.data;
  if (!isObject(d)) return fail('missing-field', 'orderbook data');
  const { s, u } = d;
  if (typeof s !== 'string') return fail('missing-field', 'orderbook data.s');
  if (typeof u !== 'number' || !Number.isSafeInteger(u)) return fail('missing-field', 'orderbook data.u');
  if (typeof msg.ts !== 'number') return fail('missing-field', 'orderbook ts');
  const type = msg.type;
  if (type !== 'snapshot' && type !== 'delta') return fail('unknown-type', `orderbook type ${String(type)}`);
  const inst = lookup(s);
  if (!inst) return fail('unknown-instrument', `bybit-linear:${s}`);
  const sides = readBook(d.b, d.a, inst);
  if (isFailure(sides)) return sides;
  return ok([{ kind: type === 'snapshot' ? 'book.snapshot' : 'book.delta', instrument: inst.id, tsEvent: msg.ts, tsRecv, seq: u, bids: sides.bids, asks: sides.asks }]);
}

/** Parses a `publicTrade.<symbol>` push (`S` is the taker's side). */
export function parseBybitTrades(msg: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const data = msg.data;
  if (!Array.isArray(data)) return fail('missing-field', 'publicTrade data');
  const events: Trade[] = [];
  for (let i = 0; i < data.length; i++) {
    const t: unknown = data[i];
    if (!isObject(t)) return fail('missing-field', `publicTrade data[${i}]`);
    const { s, S, v, p, i: id, T } = t;
    if (typeof s !== 'string' || typeof v !== 'string' || typeof p !== 'string' || typeof id !== 'string' || typeof T !== 'number') {
      return fail('missing-field', `publicTrade data[${i}] needs s, S, v, p, i, T`);
    }
    if (S !== 'Buy' && S !== 'Sell') return fail('missing-field', `publicTrade data[${i}].S ${String(S)}`);
    const inst = lookup(s);
    if (!inst) return fail('unknown-instrument', `bybit-linear:${s}`);
    const trade = tradeOf(inst, id, p, v, S === 'Buy' ? 'buy' : 'sell', T, tsRecv);
    if (isFailure(trade)) return trade;
    events.push(trade);
  }
  return ok(events);
}

/** A field counts as sent when it is a non-empty string (futures send "" for funding fields). */
function sent(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** Sets a ticker field from a sent decimal on `scale`: returns 1 when set, 0 when not sent, NaN when off the grid. */
function setInt(ticker: Mutable<Ticker>, key: 'bidPrice' | 'askPrice' | 'last' | 'bidQty' | 'askQty', scale: Scale, text: unknown): number {
  if (!sent(text)) return 0;
  const v = scale.toInt(text);
  if (Number.isNaN(v)) return NaN;
  ticker[key] = v;
  return 1;
}

/** Sets a float ticker field (scoring only): returns 1 when set, 0 when not sent, NaN when not a number. */
function setFloat(ticker: Mutable<Ticker>, key: 'quoteVolume24h' | 'openInterest', text: unknown): number {
  if (!sent(text)) return 0;
  const v = Number(text);
  if (!Number.isFinite(v)) return NaN;
  ticker[key] = v;
  return 1;
}

/**
 * Parses a `tickers.<symbol>` push. A delta carries only what changed, so the ticker holds only
 * what was sent; a funding event comes along when the frame carries a funding rate (the model's
 * Funding needs one), with mark, index and next funding time when present.
 */
export function parseBybitTicker(msg: Json, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const d = msg.data;
  if (!isObject(d) || typeof d.symbol !== 'string') return fail('missing-field', 'tickers data.symbol');
  if (typeof msg.ts !== 'number') return fail('missing-field', 'tickers ts');
  const inst = lookup(d.symbol);
  if (!inst) return fail('unknown-instrument', `bybit-linear:${d.symbol}`);
  const base = { instrument: inst.id, tsEvent: msg.ts, tsRecv };
  const ticker: Mutable<Ticker> = { kind: 'ticker', ...base };
  const fields =
    setInt(ticker, 'bidPrice', inst.price, d.bid1Price) +
    setInt(ticker, 'askPrice', inst.price, d.ask1Price) +
    setInt(ticker, 'last', inst.price, d.lastPrice) +
    setInt(ticker, 'bidQty', inst.qty, d.bid1Size) +
    setInt(ticker, 'askQty', inst.qty, d.ask1Size) +
    setFloat(ticker, 'quoteVolume24h', d.turnover24h) +
    setFloat(ticker, 'openInterest', d.openInterest);
  if (Number.isNaN(fields)) return fail('bad-number', `${inst.id} ticker field off the grid or not a number`);
  const events: MarketEvent[] = [];
  if (fields > 0) events.push(ticker);
  if (sent(d.fundingRate)) {
    if (!SIGNED_DECIMAL.test(d.fundingRate)) return fail('bad-number', `${inst.id} fundingRate ${d.fundingRate}`);
    const funding: Mutable<Funding> = { kind: 'funding', ...base, rate: d.fundingRate };
    if (sent(d.nextFundingTime)) {
      const t = Number(d.nextFundingTime);
      if (!Number.isSafeInteger(t)) return fail('bad-number', `${inst.id} nextFundingTime ${d.nextFundingTime}`);
      funding.nextFundingTime = t;
    }
    if (sent(d.markPrice)) {
      const v = inst.price.toTicks(d.markPrice);
      if (Number.isNaN(v)) return fail('bad-number', `${inst.id} markPrice ${d.markPrice}`);
      funding.markPrice = v;
    }
    if (sent(d.indexPrice)) {
      const v = inst.price.toTicks(d.indexPrice);
      if (Number.isNaN(v)) return fail('bad-number', `${inst.id} indexPrice ${d.indexPrice}`);
      funding.indexPrice = v;
    }
    events.push(funding);
  }
  return ok(events);
}

/** Turns a REST `/v5/market/orderbook` result into a snapshot (seq = u), or says what is wrong. */
export function parseBybitRestOrderbook(result: BybitRestOrderbookResult, inst: Instrument, tsRecv: number): { readonly ok: true; readonly snapshot: BookSnapshot } | Failure {
  if (!isObject(result) || typeof result.u !== 'number' || typeof result.ts !== 'number') return fail('missing-field', `orderbook ${inst.id}: u or ts`);
  if (result.s !== inst.symbol) return fail('unknown-instrument', `orderbook for ${String(result.s)}, asked ${inst.symbol}`);
  const sides = readBook(result.b, result.a, inst);
  if (isFailure(sides)) return sides;
  return { ok: true, snapshot: { kind: 'book.snapshot', instrument: inst.id, tsEvent: result.ts, tsRecv, seq: result.u, bids: sides.bids, asks: sides.asks } };
}
