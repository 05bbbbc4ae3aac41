/**
 * The market's own activity meeting the own resting orders. Per `onMarket` call, in this order:
 *  1. Trades (the aggressor hits the other side). Resting own orders at a price better for the
 *     aggressor than the trade's (a trade through them) fill completely at their own price. At the
 *     trade's price the trade's size walks the level's queue: market lots ahead go first, then
 *     own orders in arrival order.
 *  2. The book change: each level's market size is set to the market's value, which also resets
 *     whatever own takers had used up there. A size below an own order's queue ahead lowers that
 *     queue to the size (pulled orders are assumed to have been ahead). Trades come first so that
 *     the change that reflects a trade does not shrink the queue twice.
 *  3. Crossing: an own resting order that the market's other side now reaches (a bid at or above
 *     a market ask) fills as maker at its own price against that liquidity, which it uses up;
 *     those asks would have traded with it.
 * All these fills are maker fills against `@market`.
 */
import { Executor } from './exec.ts';
import { walkLevel, type BookSide, type Level, type SymbolBook } from './book.ts';
import { isOpen, remaining, type OwnOrder } from './orders.ts';
import type { SimBookChange, SimTrade } from '../protocolServer.ts';
import type { SimFill } from './types.ts';

/** Applies one market update to a symbol; returns the own fills it caused. */
export function applyMarket(ex: Executor, book: SymbolBook, change: SimBookChange, trades: readonly SimTrade[]): SimFill[] {
  const fills: SimFill[] = [];
  const { price: ps, qty: qs } = book.inst;
  for (const t of trades) {
    const ticks = ps.toInt(t.price);
    const lots = qs.toInt(t.qty);
    if (!(ticks > 0) || !(lots > 0)) continue;
    const hit = t.side === 'buy' ? book.asks : book.bids;
    hit.sweep(
      (p) => p === ticks || hit.better(p, ticks),
      (lv) => {
        if (lv.own.length === 0) return;
        if (lv.price === ticks) walkLevel(lv, lots, (o, offered) => makerFill(ex, book, lv, o, offered, fills));
        else fillAll(ex, book, lv, fills);
      },
    );
  }
  setLevels(book.bids, change.bids, ps, qs);
  setLevels(book.asks, change.asks, ps, qs);
  cross(ex, book, book.bids, book.asks, fills);
  cross(ex, book, book.asks, book.bids, fills);
  return fills;
}

function setLevels(side: BookSide, levels: SimBookChange['bids'], ps: SymbolBook['inst']['price'], qs: SymbolBook['inst']['qty']): void {
  if (!levels) return;
  for (const [px, qty] of levels) {
    const ticks = ps.toInt(px);
    if (!(ticks > 0)) continue;
    const lots = qs.toInt(qty);
    // A size off the lot grid still counts, rounded down to whole lots.
    side.setMarket(ticks, Number.isNaN(lots) ? Math.max(0, Math.floor(qs.toTicks(qty))) || 0 : lots);
  }
}

/** Fills every open own order at a level completely (a trade went through its price). */
function fillAll(ex: Executor, book: SymbolBook, lv: Level, fills: SimFill[]): void {
  for (const o of lv.own) if (isOpen(o)) makerFill(ex, book, lv, o, remaining(o), fills);
  lv.own = lv.own.filter(isOpen);
}

/**
 * Fills up to `offered` lots of a resting order against the market, at the level's price; a
 * reduce-only order is capped by its position (and canceled when there is none). Returns the lots.
 */
function makerFill(ex: Executor, book: SymbolBook, lv: Level, o: OwnOrder, offered: number, fills: SimFill[]): number {
  const cap = ex.capacity(o);
  if (cap < remaining(o)) {
    if (cap === 0) {
      ex.end(book, o, 'canceled', 'REDUCE_ONLY_REJECTED', false);
      return 0;
    }
    o.qty = o.filled + cap;
  }
  const lots = Math.min(offered, cap);
  if (lots <= 0) return 0;
  fills.push(...ex.trade(book, lv.price, lots, undefined, o));
  return lots;
}

/** Fills own orders resting on `own` that the market's `other` side has crossed, at the own price. */
function cross(ex: Executor, book: SymbolBook, own: BookSide, other: BookSide, fills: SimFill[]): void {
  const reach = other.bestMarket();
  if (Number.isNaN(reach)) return;
  own.sweep(
    // A bid level at or above the best market ask (an ask at or below the best market bid) is crossed.
    (p) => p === reach || own.better(p, reach),
    (lv) => {
      if (lv.own.length === 0) return;
      other.sweep(
        (q) => q === lv.price || other.better(q, lv.price),
        (against) => {
          for (const o of lv.own) {
            if (against.market === 0) break;
            if (!isOpen(o)) continue;
            const lots = makerFill(ex, book, lv, o, Math.min(against.market, remaining(o)), fills);
            against.market -= lots;
          }
          for (const o of against.own) if (o.ahead > against.market) o.ahead = against.market;
          lv.own = lv.own.filter(isOpen);
          if (lv.own.length === 0) return false;
        },
      );
    },
  );
}
