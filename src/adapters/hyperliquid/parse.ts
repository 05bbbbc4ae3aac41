/**
 * Hyperliquid frames → normalized events. Every l2Book message is a full book (a snapshot whose
 * seq is the venue's `time`); trades carry the aggressor as B/A. One JSON.parse per frame; nothing
 * here throws.
 */
import type { Instrument, InstrumentLookup } from '../../model/instrument.ts';
import type { BookSnapshot, Funding, Ticker, Trade } from '../../model/market.ts';
import { control, fail, isFailure, isObject, notAnObject, ok, parseJson, SIGNED_DECIMAL, tradeOf, type Failure, type Mutable } from '../parseKit.ts';
import type { ParseOutcome } from '../types.ts';
import { HYPERLIQUID_IGNORED_CHANNELS } from './constants.ts';

const HOUR_MS = 60 * 60 * 1000;

/** Turns one Hyperliquid WebSocket text frame into events or a control message. */
export function parseHyperliquidFrame(text: string, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  const msg = parseJson(text);
  if (!isObject(msg)) return notAnObject(msg, text);
  if (typeof msg.channel !== 'string') return fail('unknown-type', 'no channel');
  const { channel, data } = msg;
  switch (channel) {
    case 'l2Book': {
      const out = parseHyperliquidL2Book(data, tsRecv, lookup);
      return out.ok ? ok([out.snapshot]) : out;
    }
    case 'trades':
      return parseHyperliquidTrades(data, tsRecv, lookup);
    case 'allMids':
      return parseHyperliquidAllMids(data, tsRecv, lookup);
    case 'activeAssetCtx':
      return parseHyperliquidActiveAssetCtx(data, tsRecv, lookup);
    case 'bbo':
      return parseHyperliquidBbo(data, tsRecv, lookup);
    case 'subscriptionResponse':
      return control({ kind: 'ack', ok: true });
    case 'pong':
      return control({ kind: 'pong' });
    case 'error':
      return control({ kind: 'error', message: typeof data === 'string' ? data : JSON.stringify(data ?? null) });
    default:
      return HYPERLIQUID_IGNORED_CHANNELS.has(channel) ? control({ kind: 'ignored', what: channel }) : fail('unknown-type', `channel ${channel}`);
  }
}

/** Appends one side's `{px, sz}` levels to `out`; returns a failure or undefined. */
function flatten(levels: unknown, inst: Instrument, side: string, out: number[]): Failure | undefined {
  if (!Array.isArray(levels)) return fail('missing-field', `${side} levels`);
  for (let i = 0; i < levels.length; i++) {
    const lv: unknown = levels[i];
    if (!isObject(lv) || typeof lv.px !== 'string' || typeof lv.sz !== 'string') return fail('missing-field', `${side}[${i}] needs px and sz`);
    const px = inst.price.toInt(lv.px);
    const qty = inst.qty.toInt(lv.sz);
    if (Number.isNaN(px) || Number.isNaN(qty)) return fail('bad-number', `${inst.id} ${side}[${i}] ${lv.px} × ${lv.sz} (tick ${inst.tickSize}, lot ${inst.lotSize})`);
    out.push(px, qty);
  }
  return undefined;
}

/**
 * Parses an l2Book body (the WebSocket `data` or the POST /info answer) into a full-book snapshot
 * with seq = time, so the sync can drop an older book arriving after a newer one.
 */
export function parseHyperliquidL2Book(data: unknown, tsRecv: number, lookup: InstrumentLookup): { readonly ok: true; readonly snapshot: BookSnapshot } | Failure {
  if (!isObject(data)) return fail('missing-field', 'l2Book data');
  const { coin, time, levels } = data;
  if (typeof coin !== 'string') return fail('missing-field', 'l2Book coin');
  if (typeof time !== 'number' || !Number.isSafeInteger(time)) return fail('missing-field', 'l2Book time');
  if (!Array.isArray(levels) || levels.length !== 2) return fail('missing-field', 'l2Book levels [bids, asks]');
  const inst = lookup(coin);
  if (!inst) return fail('unknown-instrument', `hyperliquid:${coin}`);
  const bids: number[] = [];
  const asks: number[] = [];
  const bad = flatten(levels[0], inst, 'bids', bids) ?? flatten(levels[1], inst, 'asks', asks);
  if (bad) return bad;
  return { ok: true, snapshot: { kind: 'book.snapshot', instrument: inst.id, tsEvent: time, tsRecv, seq: time, bids, asks } };
}

/** Parses a `trades` push: side B means the buyer was the aggressor, A the seller; tid is the id. */
export function parseHyperliquidTrades(data: unknown, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (!Array.isArray(data)) return fail('missing-field', 'trades data');
  const events: Trade[] = [];
  for (let i = 0; i < data.length; i++) {
    const t: unknown = data[i];
    if (!isObject(t)) return fail('missing-field', `trades[${i}]`);
    const { coin, side, px, sz, time, tid } = t;
    if (typeof coin !== 'string' || typeof px !== 'string' || typeof sz !== 'string' || typeof time !== 'number' || typeof tid !== 'number') {
      return fail('missing-field', `trades[${i}] needs coin, px, sz, time, tid`);
    }
    if (side !== 'B' && side !== 'A') return fail('missing-field', `trades[${i}].side ${String(side)}`);
    const inst = lookup(coin);
    if (!inst) return fail('unknown-instrument', `hyperliquid:${coin}`);
    const trade = tradeOf(inst, String(tid), px, sz, side === 'B' ? 'buy' : 'sell', time, tsRecv);
    if (isFailure(trade)) return trade;
    events.push(trade);
  }
  return ok(events);
}

/**
 * Parses `allMids` into one ticker per known instrument with `last` = the mid (the venue's only
 * per-connection price feed for the whole universe). Coins we do not know (spot `@142`,
 * `PURR/USDC`, perps outside the universe) are skipped; allMids has no time, so tsEvent = tsRecv.
 */
export function parseHyperliquidAllMids(data: unknown, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (!isObject(data) || !isObject(data.mids)) return fail('missing-field', 'allMids data.mids');
  const events: Ticker[] = [];
  for (const coin in data.mids) {
    const inst = lookup(coin);
    if (!inst) continue;
    const mid = data.mids[coin];
    const last = typeof mid === 'string' ? inst.price.toTicks(mid) : NaN;
    if (Number.isNaN(last)) return fail('bad-number', `${inst.id} mid ${String(mid)}`);
    events.push({ kind: 'ticker', instrument: inst.id, tsEvent: tsRecv, tsRecv, last });
  }
  return ok(events);
}

/**
 * Parses `activeAssetCtx` (a perp's context): a funding event (rate per hour, mark, oracle as the
 * index, next funding on the next hour: Hyperliquid funds hourly) and a ticker with open interest
 * and the day's notional volume. The spot variant has no funding and is ignored by the caller.
 */
export function parseHyperliquidActiveAssetCtx(data: unknown, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (!isObject(data) || typeof data.coin !== 'string' || !isObject(data.ctx)) return fail('missing-field', 'activeAssetCtx coin/ctx');
  const inst = lookup(data.coin);
  if (!inst) return fail('unknown-instrument', `hyperliquid:${data.coin}`);
  const ctx = data.ctx;
  if (typeof ctx.funding !== 'string' || typeof ctx.markPx !== 'string' || typeof ctx.oraclePx !== 'string') return fail('missing-field', 'activeAssetCtx ctx.funding/markPx/oraclePx');
  if (!SIGNED_DECIMAL.test(ctx.funding)) return fail('bad-number', `${inst.id} funding ${ctx.funding}`);
  const markPrice = inst.price.toTicks(ctx.markPx);
  const indexPrice = inst.price.toTicks(ctx.oraclePx);
  if (Number.isNaN(markPrice) || Number.isNaN(indexPrice)) return fail('bad-number', `${inst.id} markPx ${ctx.markPx} oraclePx ${ctx.oraclePx}`);
  const funding: Funding = { kind: 'funding', instrument: inst.id, tsEvent: tsRecv, tsRecv, rate: ctx.funding, nextFundingTime: (Math.floor(tsRecv / HOUR_MS) + 1) * HOUR_MS, markPrice, indexPrice };
  const ticker: Mutable<Ticker> = { kind: 'ticker', instrument: inst.id, tsEvent: tsRecv, tsRecv };
  const oi = Number(ctx.openInterest);
  const vol = Number(ctx.dayNtlVlm);
  if (typeof ctx.openInterest === 'string' && Number.isFinite(oi)) ticker.openInterest = oi;
  if (typeof ctx.dayNtlVlm === 'string' && Number.isFinite(vol)) ticker.quoteVolume24h = vol;
  return ok(ticker.openInterest === undefined && ticker.quoteVolume24h === undefined ? [funding] : [funding, ticker]);
}

/** Parses a `bbo` push into a ticker; a side with no orders (null or absent) is left out. */
export function parseHyperliquidBbo(data: unknown, tsRecv: number, lookup: InstrumentLookup): ParseOutcome {
  if (!isObject(data) || typeof data.coin !== 'string' || typeof data.time !== 'number' || !Array.isArray(data.bbo)) return fail('missing-field', 'bbo coin/time/bbo');
  const inst = lookup(data.coin);
  if (!inst) return fail('unknown-instrument', `hyperliquid:${data.coin}`);
  const ticker: Mutable<Ticker> = { kind: 'ticker', instrument: inst.id, tsEvent: data.time, tsRecv };
  const [bid, ask] = data.bbo as unknown[];
  for (const [lv, p, q] of [[bid, 'bidPrice', 'bidQty'], [ask, 'askPrice', 'askQty']] as const) {
    if (lv === null || lv === undefined) continue;
    if (!isObject(lv) || typeof lv.px !== 'string' || typeof lv.sz !== 'string') return fail('missing-field', 'bbo level px/sz');
    const px = inst.price.toInt(lv.px);
    const sz = inst.qty.toInt(lv.sz);
    if (Number.isNaN(px) || Number.isNaN(sz)) return fail('bad-number', `${inst.id} bbo ${lv.px} × ${lv.sz}`);
    ticker[p] = px;
    ticker[q] = sz;
  }
  return ok([ticker]);
}
