/**
 * Rounding an order to its instrument's grid, in one place: the size down to a whole lot, the price
 * to a tick in the direction the caller asks (passive: away from the spread, so a buy rounds down
 * and a sell up; aggressive: through it), then the instrument's minimum quantity and minimum
 * notional checked with exact decimals. Strategies size in floats or off-grid text; what leaves
 * here is integer lots and ticks with their exact decimal text.
 */
import type { Instrument } from '../model/instrument.ts';
import { cmp, decOf, decOfNumber, decText, div, mul, parseDec, sign, type Dec, type Rounding } from '../model/decimal.ts';

export type RoundingMode = 'passive' | 'aggressive';

/** An order as a strategy sized it: size in the instrument's size unit, price in quote. */
export interface RawOrder {
  readonly side: 'buy' | 'sell';
  readonly qty: string | number;
  readonly price?: string | number;
}

export type RoundedOrder =
  | { readonly ok: true; readonly qtyLots: number; readonly priceTicks?: number; readonly qty: string; readonly price?: string }
  | { readonly ok: false; readonly reason: string };

function toDec(v: string | number): Dec | undefined {
  if (typeof v === 'string') return parseDec(v);
  return Number.isFinite(v) ? decOfNumber(v) : undefined;
}

function stepDec(text: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`not a decimal step: ${text}`);
  return d;
}

/** Returns a number of lots as an exact decimal size. */
export function qtyOfLots(inst: Instrument, lots: number): Dec {
  return mul(decOf(lots, 0), stepDec(inst.lotSize));
}

/** Returns a number of ticks as an exact decimal price. */
export function priceOfTicks(inst: Instrument, ticks: number): Dec {
  return mul(decOf(ticks, 0), stepDec(inst.tickSize));
}

/** Returns the exact notional in quote of `lots` at `ticks`: qty × price × contractSize. */
export function notionalOf(inst: Instrument, lots: number, ticks: number): Dec {
  return mul(mul(qtyOfLots(inst, lots), priceOfTicks(inst, ticks)), stepDec(inst.contractSize));
}

/** Rounds an order onto the instrument's grid and checks its minimum quantity and notional. */
export function roundOrder(inst: Instrument, o: RawOrder, mode: RoundingMode = 'passive'): RoundedOrder {
  const qty = toDec(o.qty);
  if (!qty || sign(qty) <= 0) return { ok: false, reason: `qty ${String(o.qty)} is not a positive number` };
  const lots = Number(div(qty, stepDec(inst.lotSize), 0, 'floor').v);
  if (lots === 0) return { ok: false, reason: `qty ${decText(qty)} is below one lot of ${inst.lotSize} on ${inst.id}` };
  if (!Number.isSafeInteger(lots)) return { ok: false, reason: `qty ${decText(qty)} is too large for ${inst.id}` };
  const qtyText = inst.qty.toText(lots);
  const minQty = stepDec(inst.minQty);
  if (cmp(qtyOfLots(inst, lots), minQty) < 0) {
    return { ok: false, reason: `qty ${qtyText} is below the minimum ${inst.minQty} on ${inst.id}` };
  }
  if (o.price === undefined) return { ok: true, qtyLots: lots, qty: qtyText };

  const price = toDec(o.price);
  if (!price || sign(price) <= 0) return { ok: false, reason: `price ${String(o.price)} is not a positive number` };
  const up = (o.side === 'buy') === (mode === 'aggressive');
  const rounding: Rounding = up ? 'ceil' : 'floor';
  const ticks = Number(div(price, stepDec(inst.tickSize), 0, rounding).v);
  if (ticks === 0) return { ok: false, reason: `price ${decText(price)} is below one tick of ${inst.tickSize} on ${inst.id}` };
  if (!Number.isSafeInteger(ticks)) return { ok: false, reason: `price ${decText(price)} is too large for ${inst.id}` };
  const priceText = inst.price.toText(ticks);
  const notional = notionalOf(inst, lots, ticks);
  if (cmp(notional, stepDec(inst.minNotional)) < 0) {
    return {
      ok: false,
      reason: `notional ${decText(notional)} ${inst.quote} (${qtyText} at ${priceText}) is below the minimum ${inst.minNotional} ${inst.quote} on ${inst.id}`,
    };
  }
  return { ok: true, qtyLots: lots, priceTicks: ticks, qty: qtyText, price: priceText };
}
