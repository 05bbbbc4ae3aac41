/**
 * OKX v5 frames → normalized market events. One JSON.parse per frame; book levels go straight
 * into flat [ticks, lots, …] arrays with the exact strings kept alongside for the CRC32 checksum.
 * Nothing here throws: every malformed or unknown frame becomes `{ok:false, problem, detail}`.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookDelta, BookSnapshot, Funding, Ticker, Trade } from '../../model/market.ts';
import { control, fail, isFailure, isObject, notAnObject, ok, optionalInt, parseJson, PONG, readTextBook, timestamp, tradeOf } from '../parseKit.ts';
import type { ParseOutcome } from '../types.ts';
import { OKX_BOOK_CHANNELS, OKX_IGNORED_CHANNELS } from './constants.ts';
import type { OkxWsBook, OkxWsEvent, OkxWsFundingRate, OkxWsPush, OkxWsTicker, OkxWsTrade } from './messages.ts';
import { OKX_PONG } from './ws.ts';

/** Turns one OKX public frame into events or a control message; never throws. */
export function parseOkxFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (text === OKX_PONG) return PONG;
  const msg = parseJson(text);
  if (!isObject(msg)) return notAnObject(msg, text);
  if (typeof msg.event === 'string') return parseOkxEvent(msg as unknown as OkxWsEvent);
  const arg = msg.arg;
  if (!isObject(arg) || typeof arg.channel !== 'string') return fail('unknown-type', 'neither event nor arg.channel');
  const channel = arg.channel;
  if (OKX_IGNORED_CHANNELS.has(channel) || channel.includes('candle')) return control({ kind: 'ignored', what: channel });
  const isBook = OKX_BOOK_CHANNELS.has(channel);
  const isTrades = channel === 'trades' || channel === 'trades-all';
  if (!isBook && !isTrades && channel !== 'tickers' && channel !== 'funding-rate') return fail('unknown-type', `channel ${channel}`);
  if (!Array.isArray(msg.data) || msg.data.length === 0) return fail('missing-field', `${channel}: data`);
  if (typeof arg.instId !== 'string') return fail('missing-field', `${channel}: arg.instId`);
  const inst = lookup(arg.instId);
  if (!inst) return fail('unknown-instrument', `${channel}: ${arg.instId}`);
  if (isBook) return parseOkxBook(msg as unknown as OkxWsPush<OkxWsBook>, inst, tsRecv);
  if (isTrades) return parseOkxTrades(msg as unknown as OkxWsPush<OkxWsTrade>, inst, tsRecv);
  if (channel === 'tickers') return parseOkxTicker(msg as unknown as OkxWsPush<OkxWsTicker>, inst, tsRecv);
  return parseOkxFunding(msg as unknown as OkxWsPush<OkxWsFundingRate>, inst, tsRecv);
}

/** Returns the control message of an `event` frame (acks, errors, notices). */
export function parseOkxEvent(e: OkxWsEvent): ParseOutcome {
  switch (e.event) {
    case 'subscribe':
    case 'unsubscribe':
      return control({ kind: 'ack', ok: true, detail: `${e.event} ${e.arg?.channel ?? '?'}:${e.arg?.instId ?? e.arg?.instType ?? '?'}` });
    case 'error':
    case 'notice': // 64008: the connection will be closed for a service upgrade
    case 'channel-conn-count-error':
      return control({ kind: 'error', ...(e.code !== undefined ? { code: String(e.code) } : {}), message: e.msg ?? e.event });
    case 'login':
    case 'channel-conn-count':
      return control({ kind: 'ignored', what: e.event });
    default:
      return fail('unknown-type', `event ${e.event}`);
  }
}

/**
 * Returns a book snapshot or delta. `seq` is the seqId; captures from before seqId existed get
 * the venue timestamp as `seq` and no `prevSeq`, so only the checksum guards them.
 */
export function parseOkxBook(msg: OkxWsPush<OkxWsBook>, inst: Instrument, tsRecv: number): ParseOutcome {
  const d: unknown = msg.data[0];
  const channel = msg.arg.channel;
  if (!isObject(d)) return fail('missing-field', `${channel}: data[0]`);
  // `books` and the l2-tbt channels say snapshot/update; books5 and bbo-tbt push whole books.
  const incremental = channel === 'books' || channel.endsWith('l2-tbt');
  if (incremental && msg.action !== 'snapshot' && msg.action !== 'update') return fail('missing-field', `${channel}: action`);
  const ts = timestamp(d.ts);
  if (!Number.isFinite(ts)) return fail(d.ts === undefined ? 'missing-field' : 'bad-number', `${channel}: ts`);
  const sides = readTextBook(d.bids, d.asks, inst);
  if (isFailure(sides)) return sides;
  const ev: BookSnapshot | BookDelta = {
    kind: msg.action === 'update' ? 'book.delta' : 'book.snapshot',
    instrument: inst.id,
    tsEvent: ts,
    tsRecv,
    bids: sides.bids,
    asks: sides.asks,
    raw: sides.raw,
    checksum: typeof d.checksum === 'number' ? d.checksum : undefined,
    seq: typeof d.seqId === 'number' ? d.seqId : ts,
    prevSeq: typeof d.prevSeqId === 'number' ? d.prevSeqId : undefined,
  };
  return ok([ev]);
}

/** Returns one trade event per pushed trade; `side` is the taker's. */
export function parseOkxTrades(msg: OkxWsPush<OkxWsTrade>, inst: Instrument, tsRecv: number): ParseOutcome {
  const events: Trade[] = [];
  for (const t of msg.data as readonly unknown[]) {
    if (!isObject(t) || typeof t.tradeId !== 'string' || typeof t.px !== 'string' || typeof t.sz !== 'string') {
      return fail('missing-field', 'trades: tradeId/px/sz');
    }
    if (t.side !== 'buy' && t.side !== 'sell') return fail('missing-field', `trades: side ${String(t.side)}`);
    const ts = timestamp(t.ts);
    if (!Number.isFinite(ts)) return fail('bad-number', `trades: ts ${String(t.ts)}`);
    const trade = tradeOf(inst, t.tradeId, t.px, t.sz, t.side, ts, tsRecv);
    if (isFailure(trade)) return trade;
    events.push(trade);
  }
  return ok(events);
}

/** Returns the best bid/offer and 24 h statistics of a `tickers` push. */
export function parseOkxTicker(msg: OkxWsPush<OkxWsTicker>, inst: Instrument, tsRecv: number): ParseOutcome {
  const d: unknown = msg.data[0];
  if (!isObject(d)) return fail('missing-field', 'tickers: data[0]');
  const ts = timestamp(d.ts);
  if (!Number.isFinite(ts)) return fail('missing-field', 'tickers: ts');
  const fields = {
    bidPrice: optionalInt(inst.price, d.bidPx),
    bidQty: optionalInt(inst.qty, d.bidSz),
    askPrice: optionalInt(inst.price, d.askPx),
    askQty: optionalInt(inst.qty, d.askSz),
    last: optionalInt(inst.price, d.last),
  };
  for (const [k, v] of Object.entries(fields)) if (Number.isNaN(v)) return fail('bad-number', `tickers: ${k}`);
  // volCcy24h is quote currency for spot but base currency for derivatives (a float for scoring).
  const volCcy = Number(d.volCcy24h);
  const quoteVolume24h = inst.kind === 'spot' ? volCcy : volCcy * Number(d.last);
  const ev: Ticker = {
    kind: 'ticker',
    instrument: inst.id,
    tsEvent: ts,
    tsRecv,
    ...fields,
    ...(Number.isFinite(quoteVolume24h) ? { quoteVolume24h } : {}),
  };
  return ok([ev]);
}

/** Returns the funding rate of a `funding-rate` push (SWAP only); `fundingTime` is when it settles. */
export function parseOkxFunding(msg: OkxWsPush<OkxWsFundingRate>, inst: Instrument, tsRecv: number): ParseOutcome {
  const d: unknown = msg.data[0];
  if (!isObject(d) || typeof d.fundingRate !== 'string' || d.fundingRate === '') return fail('missing-field', 'funding-rate: fundingRate');
  if (!Number.isFinite(Number(d.fundingRate))) return fail('bad-number', `funding-rate: ${d.fundingRate}`);
  const ts = timestamp(d.ts);
  const next = timestamp(d.fundingTime);
  const ev: Funding = {
    kind: 'funding',
    instrument: inst.id,
    tsEvent: Number.isFinite(ts) ? ts : tsRecv,
    tsRecv,
    rate: d.fundingRate,
    ...(next > 0 ? { nextFundingTime: next } : {}),
  };
  return ok([ev]);
}
