/**
 * Depth walks in base units and quote prices over a book side kept in ticks and lots. Decisions
 * run in floats (prices = ticks × tickSize, base = lots × lotSize × contractSize); the exact grid
 * matters only where an order leaves (sizing). Each call allocates its one result object and
 * nothing per level: this runs for every route on every tick.
 */
import type { Instrument } from '../../model/instrument.ts';
import type { BookSide } from '../../market/orderBook.ts';
import { decText } from '../../model/decimal.ts';
import { lotBase } from './pairGrid.ts';

/** An instrument's steps as floats: quote per tick and base per lot. */
export interface FloatSteps {
  readonly tick: number;
  readonly lotBase: number;
}

const stepsCache = new WeakMap<Instrument, FloatSteps>();

/** Returns the instrument's tick and lot-in-base as floats (cached per instrument object). */
export function floatSteps(inst: Instrument): FloatSteps {
  let s = stepsCache.get(inst);
  if (!s) {
    // Through exact text, so 0.1 lot × 0.01 contract is the double nearest 0.001, not 0.1*0.01's.
    s = { tick: Number(inst.tickSize), lotBase: Number(decText(lotBase(inst))) };
    stepsCache.set(inst, s);
  }
  return s;
}

/** What a walk covered: base filled, its VWAP and the worst price touched (quote per base; NaN when nothing). */
export interface BaseWalk {
  readonly filledBase: number;
  readonly vwap: number;
  readonly worst: number;
  readonly levels: number;
}

/** Returns the base size, VWAP and worst price of taking `baseQty` base from the best level on. */
export function walkBase(side: BookSide, inst: Instrument, baseQty: number): BaseWalk {
  const { tick, lotBase: lot } = floatSteps(inst);
  let want = baseQty / lot;
  // 0.3 / 0.001 is 299.99999999999994: snap to the whole lot the caller meant.
  const whole = Math.round(want);
  if (Math.abs(want - whole) < 1e-9 * Math.max(1, whole)) want = whole;
  if (!(want > 0)) return { filledBase: 0, vwap: NaN, worst: NaN, levels: 0 };
  const w = side.walk(want);
  if (w.filled <= 0) return { filledBase: 0, vwap: NaN, worst: NaN, levels: 0 };
  return { filledBase: w.filled * lot, vwap: (w.notional / w.filled) * tick, worst: w.worst * tick, levels: w.levels };
}

/**
 * Returns the base size resting within `capBps` of the best price: asks priced at most
 * best × (1 + cap/1e4), bids at least best × (1 − cap/1e4), the boundary included; 0 when empty.
 */
export function depthWithin(side: BookSide, inst: Instrument, capBps: number): number {
  const best = side.best();
  if (Number.isNaN(best) || !(capBps >= 0)) return 0;
  // A relative hair of slack so a level exactly on the cap is not lost to float rounding.
  const limit = side.isBid ? best * (1 - capBps / 1e4) * (1 - 1e-12) : best * (1 + capBps / 1e4) * (1 + 1e-12);
  let lots = 0;
  for (let node = side.first(); node !== null; node = node.next[0] ?? null) {
    if (side.isBid ? node.price < limit : node.price > limit) break;
    lots += node.qty;
  }
  return lots * floatSteps(inst).lotBase;
}
