/**
 * Bitget frames → normalized market events. Fleet subscribes v2, but recorded captures hold the
 * v1 mix shape (the 2022 books with verifiable checksums) and the v3/UTA shape (seq/pseq), so all
 * three are read: v1/v2 say `channel`/`instId`/`asks`/`bids`, v3 says `topic`/`symbol`/`a`/`b`.
 * One JSON.parse per frame; book levels go straight into flat arrays, with the exact strings kept
 * because the CRC32 checksum is computed over them ("20.20" is not "20.2"). Never throws.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookDelta, BookSnapshot, Funding, MarketEvent, Ticker, Trade } from '../../model/market.ts';
import type { Scale } from '../../model/scale.ts';
import { control, fail, isFailure, isObject, notAnObject, ok, optionalInt, parseJson, PONG, readTextBook, timestamp, tradeOf } from '../parseKit.ts';
import type { ParseOutcome } from '../types.ts';
import { BITGET_BOOK_CHANNELS, BITGET_IGNORED_CHANNELS } from './constants.ts';
import type { BitgetWsEvent } from './messages.ts';
import { bitgetSymbol } from './symbols.ts';
import { BITGET_PONG } from './ws.ts';

/** A push after the envelope checks: the channel, its action, the data rows and the instrument. */
interface Push {
  readonly channel: string;
  readonly action: unknown;
  readonly data: readonly unknown[];
  readonly ts: number;
  readonly inst: Instrument;
}

/** Turns one Bitget public frame into events or a control message; never throws. */
export function parseBitgetFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (text === BITGET_PONG) return PONG;
  const msg = parseJson(text);
  if (!isObject(msg)) return notAnObject(msg, text);
  if (typeof msg.event === 'string') return parseBitgetEvent(msg as unknown as BitgetWsEvent);
  const arg = msg.arg;
  if (!isObject(arg)) return fail('unknown-type', 'neither event nor arg');
  const channel = arg.channel ?? arg.topic;
  if (typeof channel !== 'string') return fail('unknown-type', 'arg has no channel');
  if (BITGET_IGNORED_CHANNELS.has(channel) || channel.startsWith('candle')) return control({ kind: 'ignored', what: channel });
  const isBook = BITGET_BOOK_CHANNELS.has(channel);
  const isTrade = channel === 'trade' || channel === 'publicTrade';
  if (!isBook && !isTrade && channel !== 'ticker') return fail('unknown-type', `channel ${channel}`);
  if (!Array.isArray(msg.data) || msg.data.length === 0) return fail('missing-field', `${channel}: data`);
  const wire = arg.instId ?? arg.symbol;
  if (typeof wire !== 'string' || typeof arg.instType !== 'string') return fail('missing-field', `${channel}: arg.instType/instId`);
  const symbol = bitgetSymbol(arg.instType, wire);
  const inst = symbol === undefined ? undefined : lookup(symbol);
  if (!inst) return fail('unknown-instrument', `${channel}: ${arg.instType} ${wire}`);
  const push: Push = { channel, action: msg.action, data: msg.data, ts: timestamp(msg.ts), inst };
  if (isBook) return parseBitgetBook(push, tsRecv);
  if (isTrade) return parseBitgetTrades(push, tsRecv);
  return parseBitgetTicker(push, tsRecv);
}

/** Returns the control message of an `event` frame (acks, errors). */
export function parseBitgetEvent(e: BitgetWsEvent): ParseOutcome {
  switch (e.event) {
    case 'subscribe':
    case 'unsubscribe': {
      const a = e.arg;
      return control({ kind: 'ack', ok: true, detail: `${e.event} ${a?.instType ?? '?'}:${a?.channel ?? a?.topic ?? '?'}:${a?.instId ?? a?.symbol ?? '?'}` });
    }
    case 'error':
      return control({ kind: 'error', ...(e.code !== undefined ? { code: String(e.code) } : {}), message: e.msg ?? 'error' });
    case 'login':
      return control({ kind: 'ignored', what: 'login' });
    default:
      return fail('unknown-type', `event ${e.event}`);
  }
}

/**
 * Returns a book snapshot or delta. `seq` is the venue's `seq` where sent, else the timestamp;
 * `prevSeq` is v3's `pseq` on updates. Without pseq (v1, v2) only the checksum can catch a loss.
 */
export function parseBitgetBook(p: Push, tsRecv: number): ParseOutcome {
  const d = p.data[0];
  if (!isObject(d)) return fail('missing-field', `${p.channel}: data[0]`);
  // Only `books` is incremental; books1/5/15 replace the whole book on every push.
  if (p.channel === 'books' && p.action !== 'snapshot' && p.action !== 'update') return fail('missing-field', 'books: action');
  const delta = p.channel === 'books' && p.action === 'update';
  const ts = timestamp(d.ts);
  if (!Number.isFinite(ts)) return fail(d.ts === undefined ? 'missing-field' : 'bad-number', `${p.channel}: ts`);
  const sides = readTextBook(d.bids ?? d.b, d.asks ?? d.a, p.inst);
  if (isFailure(sides)) return sides;
  const ev: BookSnapshot | BookDelta = {
    kind: delta ? 'book.delta' : 'book.snapshot',
    instrument: p.inst.id,
    tsEvent: ts,
    tsRecv,
    bids: sides.bids,
    asks: sides.asks,
    raw: sides.raw,
    checksum: typeof d.checksum === 'number' ? d.checksum : undefined,
    seq: typeof d.seq === 'number' ? d.seq : ts,
    prevSeq: delta && typeof d.pseq === 'number' ? d.pseq : undefined,
  };
  return ok([ev]);
}

/** Returns one trade per `update` row (v1 arrays, v2 objects, v3 letters); side is the taker's. */
export function parseBitgetTrades(p: Push, tsRecv: number): ParseOutcome {
  // The snapshot on subscribe replays the last 50 trades: already past, and replayed again after
  // every reconnect, so feeding them to trade-flow features would count them twice.
  if (p.action === 'snapshot') return control({ kind: 'ignored', what: `${p.channel} snapshot (recent history)` });
  const events: Trade[] = [];
  for (const row of p.data) {
    let ts: unknown, px: unknown, sz: unknown, side: unknown, id: unknown;
    if (Array.isArray(row)) [ts, px, sz, side] = row as unknown[];
    else if (isObject(row) && row.p !== undefined) ({ T: ts, p: px, v: sz, S: side, i: id } = row);
    else if (isObject(row)) ({ ts, price: px, size: sz, side, tradeId: id } = row);
    if (typeof px !== 'string' || typeof sz !== 'string') return fail('missing-field', `${p.channel}: price/size`);
    if (side !== 'buy' && side !== 'sell') return fail('missing-field', `${p.channel}: side ${String(side)}`);
    const t = timestamp(ts);
    if (!Number.isFinite(t)) return fail('bad-number', `${p.channel}: ts ${String(ts)}`);
    // v1 trades carry no id: time, price, size and side together name the print.
    const tradeId = typeof id === 'string' ? id : `${String(ts)}:${px}:${sz}:${side}`;
    const trade = tradeOf(p.inst, tradeId, px, sz, side, t, tsRecv);
    if (isFailure(trade)) return trade;
    events.push(trade);
  }
  return ok(events);
}

/** Returns an optional computed price (mark, index) in possibly fractional ticks (Scale.toTicks). */
function computed(scale: Scale, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? scale.toTicks(v) : NaN;
}

/** Returns a finite float of an optional field (volumes, open interest: scoring only). */
function float(v: unknown): number | undefined {
  const n = typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Returns the ticker, and for a perpetual the funding too (v2 futures, v1 mix and v3 tickers
 * carry fundingRate/nextFundingTime/markPrice/indexPrice).
 */
export function parseBitgetTicker(p: Push, tsRecv: number): ParseOutcome {
  const d = p.data[0];
  if (!isObject(d)) return fail('missing-field', 'ticker: data[0]');
  const { inst } = p;
  const fields = {
    bidPrice: optionalInt(inst.price, d.bidPr ?? d.bestBid ?? d.bid1Price),
    bidQty: optionalInt(inst.qty, d.bidSz ?? d.bid1Size),
    askPrice: optionalInt(inst.price, d.askPr ?? d.bestAsk ?? d.ask1Price),
    askQty: optionalInt(inst.qty, d.askSz ?? d.ask1Size),
    last: optionalInt(inst.price, d.lastPr ?? d.last ?? d.lastPrice),
  };
  for (const [k, v] of Object.entries(fields)) if (Number.isNaN(v)) return fail('bad-number', `ticker: ${k}`);
  let ts = timestamp(d.ts ?? d.systemTime);
  if (!Number.isFinite(ts)) ts = Number.isFinite(p.ts) ? p.ts : tsRecv;
  const quoteVolume24h = float(d.quoteVolume ?? d.turnover24h);
  const openInterest = float(d.holdingAmount ?? d.holding ?? d.openInterest);
  const ticker: Ticker = {
    kind: 'ticker',
    instrument: inst.id,
    tsEvent: ts,
    tsRecv,
    ...fields,
    ...(quoteVolume24h !== undefined ? { quoteVolume24h } : {}),
    ...(openInterest !== undefined ? { openInterest } : {}),
  };
  const events: MarketEvent[] = [ticker];
  const rate = d.fundingRate ?? d.capitalRate;
  if (inst.kind === 'perp' && typeof rate === 'string' && rate !== '') {
    if (!Number.isFinite(Number(rate))) return fail('bad-number', `ticker: fundingRate ${rate}`);
    const next = timestamp(d.nextFundingTime ?? d.nextSettleTime);
    // Mark and index prices are often finer than the tick (113.381 on a 0.01 grid); as ticks
    // they cannot be held exactly, so an off-grid value is left out rather than rounded.
    const mark = computed(inst.price, d.markPrice);
    const index = computed(inst.price, d.indexPrice);
    const funding: Funding = {
      kind: 'funding',
      instrument: inst.id,
      tsEvent: ts,
      tsRecv,
      rate,
      ...(next > 0 ? { nextFundingTime: next } : {}),
      ...(mark !== undefined && !Number.isNaN(mark) ? { markPrice: mark } : {}),
      ...(index !== undefined && !Number.isNaN(index) ? { indexPrice: index } : {}),
    };
    events.push(funding);
  }
  return ok(events);
}
