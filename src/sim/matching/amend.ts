/**
 * Amending an open limit order (new total qty and/or new price), the way venues' amend endpoints
 * behave: checks in this order (symbol, order, market/closed, qty on the grid and above what has
 * filled, price on the grid, minimum qty and notional), then one of two paths.
 *
 * - Same price, qty not increased: the order keeps its queue place; its hold shrinks with it.
 * - Price changed or qty increased: the order loses its place. Its remainder is judged like a new
 *   order at the new price (reduce-only cap, post-only, funds with its own hold counted as free),
 *   then it leaves its level, takes what crosses (taker fills), and rests at the back of the queue.
 *
 * A reject changes nothing. Events are those of a place: the amended order, then per fill the fill
 * and order events, then positions and balances.
 */
import { Executor } from './exec.ts';
import { notional, type SymbolBook } from './book.ts';
import { add, cmp, decText, parseDec, ZERO } from '../../model/decimal.ts';
import { isOpen, remaining, snapshot, type OwnOrder } from './orders.ts';
import { depthWithin, reject, required, take, type PlaceResult } from './place.ts';

/** The order being amended and its new total lots and price in ticks. */
interface Amend {
  readonly book: SymbolBook;
  readonly o: OwnOrder;
  readonly lots: number;
  readonly price: number;
}

/** Amends an open limit order's total qty and/or price; see the file header for the rules. */
export function amendOrder(
  ex: Executor,
  account: string,
  symbol: string,
  id: { orderId?: string; clientOrderId?: string },
  change: { qty?: string; price?: string },
): PlaceResult {
  const book = ex.books.get(symbol);
  if (!book) return reject('UNKNOWN_SYMBOL', `unknown symbol ${symbol}`);
  const o = ex.find(account, symbol, id);
  if (!o) return reject('ORDER_NOT_FOUND', 'no such order');
  if (o.type === 'market') return reject('ORDER_CLOSED', 'a market order cannot be amended');
  if (!isOpen(o)) return reject('ORDER_CLOSED', `order is ${o.status}`);
  if (change.qty === undefined && change.price === undefined) return reject('BAD_QTY', 'an amend needs a new qty or price');
  const { inst } = book;
  const lots = change.qty === undefined ? o.qty : inst.qty.toInt(change.qty);
  if (!(lots > 0)) return reject('BAD_QTY', `qty ${change.qty} is not a positive multiple of ${inst.lotSize}`);
  if (lots <= o.filled) return reject('BAD_QTY', `qty ${inst.qty.toText(lots)} does not exceed the filled ${inst.qty.toText(o.filled)}`);
  const price = change.price === undefined ? o.price : inst.price.toInt(change.price);
  if (!(price > 0)) return reject('BAD_PRICE', `price ${change.price} is not a positive multiple of ${inst.tickSize}`);
  if (lots < inst.qty.toTicks(inst.minQty)) return reject('MIN_QTY', `qty ${inst.qty.toText(lots)} is below the minimum ${inst.minQty}`);
  const minNotional = parseDec(inst.minNotional) ?? ZERO;
  if (minNotional.v > 0n && cmp(notional(book, price, lots), minNotional) < 0) {
    return reject('MIN_NOTIONAL', `notional below the minimum ${inst.minNotional}`);
  }
  const a: Amend = { book, o, lots, price };
  return price === o.price && lots <= o.qty ? shrink(ex, a) : requeue(ex, a);
}

/** Lowers the qty in place: the queue place stays, the opening share and the hold shrink from the tail. */
function shrink(ex: Executor, { book, o, lots }: Amend): PlaceResult {
  const cut = o.qty - lots;
  o.qty = lots;
  o.openingLots = Math.max(0, o.openingLots - cut);
  o.updatedAt = ex.now();
  ex.ledger.setHold(o, o.holdAsset, ex.holdFor(book, o));
  if (ex.listeners.size > 0) ex.emit({ kind: 'order', order: snapshot(o, book.inst) });
  ex.flush();
  return { order: snapshot(o, book.inst), fills: [] };
}

/** Re-queues the order at its new price and size: checks it like a new order, takes what crosses, rests the rest. */
function requeue(ex: Executor, { book, o, lots: asked, price }: Amend): PlaceResult {
  const closable = closableLots(ex, book, o);
  if (o.reduceOnly && closable === 0) return reject('REDUCE_ONLY_REJECTED', 'reduce-only order would open or increase a position');
  const lots = o.reduceOnly ? o.filled + Math.min(asked - o.filled, closable) : asked;
  const against = Executor.opposite(book, o.side);
  if (o.tif === 'POST_ONLY') {
    const best = against.best();
    if (!Number.isNaN(best) && against.within(best, price)) return reject('POST_ONLY_WOULD_TAKE', 'post-only order would take liquidity');
  }
  const rest = lots - o.filled;
  const takeable = depthWithin(ex, book, against, price, rest, o);
  const need = required(ex, book, o, takeable, price, rest - takeable.lots, closable);
  // The order's own hold is released by the amend, so it counts as free.
  const free = add(ex.ledger.free(o.account, need.asset), o.holdAsset === need.asset ? o.hold : ZERO);
  if (cmp(free, need.amount) < 0) {
    return reject('INSUFFICIENT_BALANCE', `needs ${decText(need.amount)} ${need.asset}, ${decText(free)} free`);
  }

  Executor.own(book, o.side).remove(o);
  ex.ledger.setHold(o, o.holdAsset, ZERO);
  o.qty = lots;
  o.price = price;
  o.updatedAt = ex.now();
  if (ex.listeners.size > 0) ex.emit({ kind: 'order', order: snapshot(o, book.inst) });
  const fills = take(ex, book, o, against);
  if (remaining(o) > 0) ex.rest(book, o);
  return { order: snapshot(o, book.inst), fills };
}

/** Returns the lots of an order's side that would close its account's current perp position. */
function closableLots(ex: Executor, book: SymbolBook, o: OwnOrder): number {
  if (!book.perp) return 0;
  const pos = ex.ledger.positionLots(o.account, o.symbol);
  return o.side === 'buy' ? Math.max(0, -pos) : Math.max(0, pos);
}
