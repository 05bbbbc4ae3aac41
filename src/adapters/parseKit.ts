/**
 * Frame-parsing building blocks shared by every venue's `parse.ts`: outcome constructors, the one
 * JSON.parse per frame, field checks, and the readers that turn `[[px, sz, …], …]` book sides and
 * trades into ticks and lots. Nothing here knows a venue's wire format; nothing here throws; the
 * book readers allocate nothing per level beyond growing their flat arrays.
 */
import type { Instrument } from '../model/instrument.ts';
import type { MarketEvent, Side, Trade } from '../model/market.ts';
import type { Scale } from '../model/scale.ts';
import type { Control, FrameProblem, ParseOutcome } from './types.ts';

/** A parse that failed: what went wrong and a detail for the log. */
export type Failure = Extract<ParseOutcome, { ok: false }>;
/** A JSON object as parsed, before its fields are checked. */
export type Json = Record<string, unknown>;
/** An event under construction (fields set one by one as the frame is read). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The events of a frame that carries none: shared, never mutated. */
export const NO_EVENTS: readonly MarketEvent[] = [];
/** A signed decimal in plain notation, no exponent (funding rates are kept as this text). */
export const SIGNED_DECIMAL = /^-?\d+(\.\d+)?$/;
/** What `parseJson` returns for text that is not JSON (JSON.parse never returns it). */
export const NOT_JSON: unique symbol = Symbol('not JSON');

/** Returns a failed outcome. */
export function fail(problem: FrameProblem, detail: string): Failure {
  return { ok: false, problem, detail };
}

/** Returns a successful outcome carrying these events. */
export function ok(events: readonly MarketEvent[]): ParseOutcome {
  return { ok: true, events };
}

/** Returns an outcome with no events and a control message. */
export function control(c: Control): ParseOutcome {
  return { ok: true, events: NO_EVENTS, control: c };
}

/** The outcome of a text `pong` frame (OKX, Bitget): one shared object. */
export const PONG: ParseOutcome = control({ kind: 'pong' });

/** Returns whether a value is a failed outcome (a problem, rather than the value asked for). */
export function isFailure(v: object): v is Failure {
  return (v as { ok?: unknown }).ok === false;
}

/** Returns whether a parsed value is a JSON object (not null, not an array). */
export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns the parsed text, or NOT_JSON when it is not JSON; the frame's only JSON.parse. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** Returns the failure for a frame that did not parse to a JSON object: not JSON at all, or another JSON value. */
export function notAnObject(parsed: unknown, text: string): Failure {
  return parsed === NOT_JSON ? fail('malformed-json', `not JSON: ${text.slice(0, 80)}`) : fail('unknown-type', `not an object: ${text.slice(0, 80)}`);
}

/** Returns a millisecond time sent as a number or a non-empty numeric string; NaN otherwise. */
export function timestamp(v: unknown): number {
  return typeof v === 'string' && v !== '' ? Number(v) : typeof v === 'number' ? v : NaN;
}

/** Returns ticks or lots of an optional field: undefined when absent or empty, NaN when bad. */
export function optionalInt(scale: Scale, v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' ? scale.toInt(v) : NaN;
}

/**
 * Appends one side's `[[px, sz, …], …]` rows to `out` as flat [ticks, lots, …], and the exact
 * strings to `raw` when given. Returns the first problem, or undefined; `notText` is what a price
 * or size that is not a JSON string counts as.
 */
function readLevels(rows: unknown, inst: Instrument, side: 'bids' | 'asks', out: number[], raw: string[] | undefined, notText: FrameProblem): Failure | undefined {
  if (!Array.isArray(rows)) return fail('missing-field', `${inst.id} ${side} is not a list`);
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!Array.isArray(row) || row.length < 2) return fail('missing-field', `${inst.id} ${side}[${i}] is not [price, size, …]`);
    const px: unknown = row[0];
    const sz: unknown = row[1];
    if (typeof px !== 'string' || typeof sz !== 'string') return fail(notText, `${inst.id} ${side}[${i}] price or size is not a string`);
    const p = inst.price.toInt(px);
    const q = inst.qty.toInt(sz);
    if (p !== p || q !== q) return fail('bad-number', `${inst.id} ${side}[${i}] ${px} × ${sz} is off the ${inst.tickSize} / ${inst.lotSize} grid`);
    out.push(p, q);
    if (raw !== undefined) raw.push(px, sz);
  }
  return undefined;
}

/** Both sides of a book message as flat [ticks, lots, …], best first as sent. */
export interface BookSides {
  readonly bids: number[];
  readonly asks: number[];
}

/** Both sides plus the exact strings, in the same order, for a checksum computed over the text. */
export interface TextBookSides extends BookSides {
  readonly raw: { readonly bids: string[]; readonly asks: string[] };
}

/**
 * Reads `[[px, sz, …], …]` bids and asks (Binance, Bybit); returns the first problem, a price or
 * size that is not a string counting as a missing field.
 */
export function readBook(bidRows: unknown, askRows: unknown, inst: Instrument): BookSides | Failure {
  const bids: number[] = [];
  const asks: number[] = [];
  return readLevels(bidRows, inst, 'bids', bids, undefined, 'missing-field') ?? readLevels(askRows, inst, 'asks', asks, undefined, 'missing-field') ?? { bids, asks };
}

/**
 * Reads `[[px, sz, …], …]` bids and asks keeping the exact strings (OKX, Bitget: their CRC32 runs
 * over the text, "20.20" is not "20.2"); returns the first problem, a price or size that is not a
 * string counting as a bad number.
 */
export function readTextBook(bidRows: unknown, askRows: unknown, inst: Instrument): TextBookSides | Failure {
  const bids: number[] = [];
  const asks: number[] = [];
  const raw = { bids: [] as string[], asks: [] as string[] };
  return readLevels(bidRows, inst, 'bids', bids, raw.bids, 'bad-number') ?? readLevels(askRows, inst, 'asks', asks, raw.asks, 'bad-number') ?? { bids, asks, raw };
}

/** Returns a trade with its price and size in ticks and lots, or a bad-number failure off the grid. */
export function tradeOf(inst: Instrument, tradeId: string, px: string, sz: string, aggressor: Side, tsEvent: number, tsRecv: number): Trade | Failure {
  const price = inst.price.toInt(px);
  const qty = inst.qty.toInt(sz);
  if (price !== price || qty !== qty) return fail('bad-number', `${inst.id} trade ${px} × ${sz} is off the ${inst.tickSize} / ${inst.lotSize} grid`);
  return { kind: 'trade', instrument: inst.id, tsEvent, tsRecv, tradeId, price, qty, aggressor };
}
