/**
 * OKX v5 frames → normalized market events. One JSON.parse per frame; book levels go straight
 * into flat [ticks, lots, …] arrays with the exact strings kept alongside for the CRC32 checksum.
 * Nothing here throws: every malformed or unknown frame becomes `{ok:false, problem, detail}`.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookDelta, BookSnapshot, Funding, Ticker, Trade } from '../../model/market.ts';
import type { Scale } from '../../model/scale.ts';
import type { Control, FrameProblem, ParseOutcome } from '../types.ts';
import { OKX_BOOK_CHANNELS, OKX_IGNORED_CHANNELS } from './constants.ts';
import type { OkxWsBook, OkxWsEvent, OkxWsFundingRate, OkxWsPush, OkxWsTicker, OkxWsTrade } from './messages.ts';
import { OKX_PONG } from './ws.ts';

type Failure = Extract<ParseOutcome, { ok: false }>;
type Obj = Record<string, unknown>;

function fail(problem: FrameProblem, detail: string): Failure {
  return { ok: false, problem, detail };
}

function control(c: Control): ParseOutcome {
  return { ok: true, events: [], control: c };
}

const PONG: ParseOutcome = { ok: true, events: [], control: { kind: 'pong' } };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns one OKX public frame into events or a control message; never throws. */
export function parseOkxFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (text === OKX_PONG) return PONG;
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return fail('malformed-json', `not JSON: ${text.slice(0, 80)}`);
  }
  if (!isObj(msg)) return fail('unknown-type', `not an object: ${text.slice(0, 80)}`);
  if (typeof msg.event === 'string') return parseOkxEvent(msg as unknown as OkxWsEvent);
  const arg = msg.arg;
  if (!isObj(arg) || typeof arg.channel !== 'string') return fail('unknown-type', 'neither event nor arg.channel');
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

interface Levels {
  readonly flat: number[];
  readonly raw: string[];
}

/** Reads [[px, sz, …], …] into flat ticks/lots plus the exact strings. */
function readLevels(rows: unknown, inst: Instrument, side: string): Levels | Failure {
  if (!Array.isArray(rows)) return fail('missing-field', `${side} missing`);
  const n = rows.length;
  const flat = new Array<number>(2 * n);
  const raw = new Array<string>(2 * n);
  for (let i = 0; i < n; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row) || row.length < 2) return fail('missing-field', `${side}[${i}] is not [price, size, …]`);
    const px: unknown = row[0];
    const sz: unknown = row[1];
    if (typeof px !== 'string' || typeof sz !== 'string') return fail('bad-number', `${side}[${i}] price/size not strings`);
    const p = inst.price.toInt(px);
    const q = inst.qty.toInt(sz);
    if (p !== p || q !== q) return fail('bad-number', `${side}[${i}] ${px} × ${sz} is off the ${inst.tickSize} / ${inst.lotSize} grid`);
    flat[2 * i] = p;
    flat[2 * i + 1] = q;
    raw[2 * i] = px;
    raw[2 * i + 1] = sz;
  }
  return { flat, raw };
}

function timestamp(v: unknown): number {
  return typeof v === 'string' && v !== '' ? Number(v) : typeof v === 'number' ? v : NaN;
}

/**
 * Returns a book snapshot or delta. `seq` is the seqId; captures from before seqId existed get
 * the venue timestamp as `seq` and no `prevSeq`, so only the checksum guards them.
 */
export function parseOkxBook(msg: OkxWsPush<OkxWsBook>, inst: Instrument, tsRecv: number): ParseOutcome {
  const d: unknown = msg.data[0];
  const channel = msg.arg.channel;
  if (!isObj(d)) return fail('missing-field', `${channel}: data[0]`);
  // `books` and the l2-tbt channels say snapshot/update; books5 and bbo-tbt push whole books.
  const incremental = channel === 'books' || channel.endsWith('l2-tbt');
  if (incremental && msg.action !== 'snapshot' && msg.action !== 'update') return fail('missing-field', `${channel}: action`);
  const ts = timestamp(d.ts);
  if (!Number.isFinite(ts)) return fail(d.ts === undefined ? 'missing-field' : 'bad-number', `${channel}: ts`);
  const bids = readLevels(d.bids, inst, 'bids');
  if ('problem' in bids) return bids;
  const asks = readLevels(d.asks, inst, 'asks');
  if ('problem' in asks) return asks;
  const ev: BookSnapshot | BookDelta = {
    kind: msg.action === 'update' ? 'book.delta' : 'book.snapshot',
    instrument: inst.id,
    tsEvent: ts,
    tsRecv,
    bids: bids.flat,
    asks: asks.flat,
    raw: { bids: bids.raw, asks: asks.raw },
    checksum: typeof d.checksum === 'number' ? d.checksum : undefined,
    seq: typeof d.seqId === 'number' ? d.seqId : ts,
    prevSeq: typeof d.prevSeqId === 'number' ? d.prevSeqId : undefined,
  };
  return { ok: true, events: [ev] };
}

/** Returns one trade event per pushed trade; `side` is the taker's. */
export function parseOkxTrades(msg: OkxWsPush<OkxWsTrade>, inst: Instrument, tsRecv: number): ParseOutcome {
  const events: Trade[] = [];
  for (const t of msg.data as readonly unknown[]) {
    if (!isObj(t) || typeof t.tradeId !== 'string' || typeof t.px !== 'string' || typeof t.sz !== 'string') {
      return fail('missing-field', 'trades: tradeId/px/sz');
    }
    if (t.side !== 'buy' && t.side !== 'sell') return fail('missing-field', `trades: side ${String(t.side)}`);
    const price = inst.price.toInt(t.px);
    const qty = inst.qty.toInt(t.sz);
    const ts = timestamp(t.ts);
    if (price !== price || qty !== qty || !Number.isFinite(ts)) return fail('bad-number', `trades: ${t.px} × ${t.sz} at ${String(t.ts)}`);
    events.push({ kind: 'trade', instrument: inst.id, tsEvent: ts, tsRecv, tradeId: t.tradeId, price, qty, aggressor: t.side });
  }
  return { ok: true, events };
}

/** Returns ticks/lots of an optional field: undefined when absent or empty, NaN when bad. */
function optional(scale: Scale, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? scale.toInt(v) : NaN;
}

/** Returns the best bid/offer and 24 h statistics of a `tickers` push. */
export function parseOkxTicker(msg: OkxWsPush<OkxWsTicker>, inst: Instrument, tsRecv: number): ParseOutcome {
  const d: unknown = msg.data[0];
  if (!isObj(d)) return fail('missing-field', 'tickers: data[0]');
  const ts = timestamp(d.ts);
  if (!Number.isFinite(ts)) return fail('missing-field', 'tickers: ts');
  const fields = {
    bidPrice: optional(inst.price, d.bidPx),
    bidQty: optional(inst.qty, d.bidSz),
    askPrice: optional(inst.price, d.askPx),
    askQty: optional(inst.qty, d.askSz),
    last: optional(inst.price, d.last),
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
  return { ok: true, events: [ev] };
}

/** Returns the funding rate of a `funding-rate` push (SWAP only); `fundingTime` is when it settles. */
export function parseOkxFunding(msg: OkxWsPush<OkxWsFundingRate>, inst: Instrument, tsRecv: number): ParseOutcome {
  const d: unknown = msg.data[0];
  if (!isObj(d) || typeof d.fundingRate !== 'string' || d.fundingRate === '') return fail('missing-field', 'funding-rate: fundingRate');
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
  return { ok: true, events: [ev] };
}
