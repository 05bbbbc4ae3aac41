/**
 * Bybit v5 linear frames → normalized events. One JSON.parse per frame; levels go straight into
 * flat [ticks, lots, …] arrays. Nothing here throws: every bad input becomes `{ok:false}`.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookSnapshot, Funding, MarketEvent, Ticker, Trade } from '../../model/market.ts';

import type { Control, FrameProblem, ParseOutcome } from '../types.ts';
import type { BybitRestOrderbookResult, BybitWsOpResponse } from './messages.ts';

type Failure = { readonly ok: false; readonly problem: FrameProblem; readonly detail: string };
type Json = Record<string, unknown>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_EVENTS: readonly MarketEvent[] = [];

function fail(problem: FrameProblem, detail: string): Failure {
  return { ok: false, problem, detail };
}

function control(c: Control): ParseOutcome {
  return { ok: true, events: NO_EVENTS, control: c };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Topics Bybit publishes that Fleet does not use: counted, not errors. */
const IGNORED_TOPICS: ReadonlySet<string> = new Set(['liquidation', 'allLiquidation', 'kline', 'tickers_lt', 'lt', 'insurance', 'adlAlert', 'priceLimit']);

/** Turns one Bybit public-linear text frame into events or a control message. */
export function parseBybitFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return fail('malformed-json', text.slice(0, 80));
  }
  if (!isObject(msg)) return fail('unknown-type', 'frame is not an object');
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

/**
 * Appends one side's levels to `out`; returns a failure or undefined. The common path allocates
 * nothing besides the growing flat array.
 */
function flatten(levels: unknown, inst: Instrument, side: string, out: number[]): Failure | undefined {
  if (!Array.isArray(levels)) return fail('missing-field', `${side} levels`);
  for (let i = 0; i < levels.length; i++) {
    const lv: unknown = levels[i];
    if (!Array.isArray(lv) || typeof lv[0] !== 'string' || typeof lv[1] !== 'string') return fail('missing-field', `${side}[${i}] is not [price, size]`);
    const px = inst.price.toInt(lv[0]);
    const qty = inst.qty.toInt(lv[1]);
    if (Number.isNaN(px) || Number.isNaN(qty)) return fail('bad-number', `${inst.id} ${side}[${i}] ${lv[0]} × ${lv[1]} (tick ${inst.tickSize}, lot ${inst.lotSize})`);
    out.push(px, qty);
  }
  return undefined;
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
  const bids: number[] = [];
  const asks: number[] = [];
  const bad = flatten(d.b, inst, 'bids', bids) ?? flatten(d.a, inst, 'asks', asks);
  if (bad) return bad;
  const ev = { kind: type === 'snapshot' ? 'book.snapshot' : 'book.delta', instrument: inst.id, tsEvent: msg.ts, tsRecv, seq: u, bids, asks } as const;
  return { ok: true, events: [ev] };
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
    const price = inst.price.toInt(p);
    const qty = inst.qty.toInt(v);
    if (Number.isNaN(price) || Number.isNaN(qty)) return fail('bad-number', `${inst.id} trade ${p} × ${v}`);
    events.push({ kind: 'trade', instrument: inst.id, tsEvent: T, tsRecv, tradeId: id, price, qty, aggressor: S === 'Buy' ? 'buy' : 'sell' });
  }
  return { ok: true, events };
}


const RATE = /^-?\d+(\.\d+)?$/;

/** A field counts as sent when it is a non-empty string (futures send "" for funding fields). */
function sent(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
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
  let fields = 0;
  const quoted = (key: 'bidPrice' | 'askPrice' | 'last', text: unknown): boolean => {
    if (!sent(text)) return true;
    const v = inst.price.toInt(text);
    if (Number.isNaN(v)) return false;
    ticker[key] = v;
    fields++;
    return true;
  };
  const sized = (key: 'bidQty' | 'askQty', text: unknown): boolean => {
    if (!sent(text)) return true;
    const v = inst.qty.toInt(text);
    if (Number.isNaN(v)) return false;
    ticker[key] = v;
    fields++;
    return true;
  };
  const floaty = (key: 'quoteVolume24h' | 'openInterest', text: unknown): boolean => {
    if (!sent(text)) return true;
    const v = Number(text);
    if (!Number.isFinite(v)) return false;
    ticker[key] = v;
    fields++;
    return true;
  };
  if (
    !quoted('bidPrice', d.bid1Price) ||
    !quoted('askPrice', d.ask1Price) ||
    !quoted('last', d.lastPrice) ||
    !sized('bidQty', d.bid1Size) ||
    !sized('askQty', d.ask1Size) ||
    !floaty('quoteVolume24h', d.turnover24h) ||
    !floaty('openInterest', d.openInterest)
  ) {
    return fail('bad-number', `${inst.id} ticker field off the grid or not a number`);
  }
  const events: MarketEvent[] = [];
  if (fields > 0) events.push(ticker);
  if (sent(d.fundingRate)) {
    if (!RATE.test(d.fundingRate)) return fail('bad-number', `${inst.id} fundingRate ${d.fundingRate}`);
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
  return { ok: true, events };
}

/** Turns a REST `/v5/market/orderbook` result into a snapshot (seq = u), or says what is wrong. */
export function parseBybitRestOrderbook(result: BybitRestOrderbookResult, inst: Instrument, tsRecv: number): { readonly ok: true; readonly snapshot: BookSnapshot } | Failure {
  if (!isObject(result) || typeof result.u !== 'number' || typeof result.ts !== 'number') return fail('missing-field', `orderbook ${inst.id}: u or ts`);
  if (result.s !== inst.symbol) return fail('unknown-instrument', `orderbook for ${String(result.s)}, asked ${inst.symbol}`);
  const bids: number[] = [];
  const asks: number[] = [];
  const bad = flatten(result.b, inst, 'bids', bids) ?? flatten(result.a, inst, 'asks', asks);
  if (bad) return bad;
  return { ok: true, snapshot: { kind: 'book.snapshot', instrument: inst.id, tsEvent: result.ts, tsRecv, seq: result.u, bids, asks } };
}
