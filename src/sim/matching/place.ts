/**
 * Placing an order: the checks a venue makes (in this order: symbol, size, price, minimum size,
 * duplicate client id, reduce-only, post-only, liquidity, minimum notional, funds), then the
 * taker walk over the book best level first within the limit, then the remainder rests (GTC,
 * POST_ONLY) or expires (IOC, FOK, market).
 */
import { Executor } from './exec.ts';
import { notional, qtyDec, walkLevel, type BookSide, type SymbolBook } from './book.ts';
import { add, cmp, decOf, decText, div, mul, parseDec, ZERO, type Dec } from '../../model/decimal.ts';
import { isOpen, newOrder, remaining, snapshot, type OwnOrder } from './orders.ts';
import type { SimFill, SimOrder, SimOrderRequest, SimReject, SimRejectCode, SimSide } from './types.ts';

/** What `place` answers: the order and its own taker fills, or a reject. */
export type PlaceResult = { readonly order: SimOrder; readonly fills: readonly SimFill[] } | { readonly reject: SimReject };

/** Returns a reject result. */
export function reject(code: SimRejectCode, message: string): { reject: SimReject } {
  return { reject: { code, message } };
}

/**
 * What a taker of `side`/`account` could fill now within `limit` (NaN: any price), up to `want`
 * lots, and its notional. It previews the walk `take` makes, in the same order: every fill moves
 * the taker's and the maker's positions, so a resting reduce-only maker is judged against the
 * position its account has when the walk reaches it (an earlier own order of that account may
 * have closed or flipped it, and the walk will then cancel it), not the one before the walk.
 */
export function depthWithin(
  ex: Executor,
  book: SymbolBook,
  against: BookSide,
  limit: number,
  want: number,
  taker: { readonly account: string; readonly side: SimSide },
): { lots: number; value: Dec } {
  let lots = 0;
  let value = ZERO;
  const symbol = book.inst.symbol;
  const dir = taker.side === 'buy' ? 1 : -1;
  const moved = new Map<string, number>();
  const positionOf = (account: string): number => ex.ledger.positionLots(account, symbol) + (moved.get(account) ?? 0);
  const move = (account: string, lotsBought: number): void => {
    if (book.perp) moved.set(account, (moved.get(account) ?? 0) + lotsBought);
  };
  for (const p of against.prices) {
    if (lots >= want || !against.within(p, limit)) break;
    const take = walkLevel(
      against.levels.get(p)!,
      want - lots,
      (maker, offered) => {
        const n = Math.min(offered, ex.capacity(maker, positionOf(maker.account)));
        if (n > 0) {
          move(taker.account, dir * n);
          move(maker.account, -dir * n);
        }
        return n;
      },
      (n) => move(taker.account, dir * n),
      true,
    );
    if (take <= 0) continue;
    lots += take;
    value = add(value, notional(book, p, take));
  }
  return { lots, value };
}

/** Places an order: checks it, takes what the book offers, rests or expires the rest. */
export function placeOrder(ex: Executor, req: SimOrderRequest): PlaceResult {
  const book = ex.books.get(req.symbol);
  if (!book) return reject('UNKNOWN_SYMBOL', `unknown symbol ${req.symbol}`);
  const { inst } = book;
  let lots = inst.qty.toInt(req.qty);
  if (!(lots > 0)) return reject('BAD_QTY', `qty ${req.qty} is not a positive multiple of ${inst.lotSize}`);
  const isMarket = req.type === 'market';
  let price = NaN;
  if (!isMarket) {
    price = req.price === undefined ? NaN : inst.price.toInt(req.price);
    if (!(price > 0)) return reject('BAD_PRICE', `price ${req.price} is not a positive multiple of ${inst.tickSize}`);
  }
  const minLots = inst.qty.toTicks(inst.minQty);
  if (lots < minLots) return reject('MIN_QTY', `qty ${req.qty} is below the minimum ${inst.minQty}`);

  const account = ex.ledger.account(req.account);
  const sameCid = req.clientOrderId === undefined ? undefined : account.byCid.get(`${req.symbol}\0${req.clientOrderId}`);
  if (sameCid && isOpen(sameCid)) {
    return reject('DUPLICATE_CLIENT_ID', `client order id ${req.clientOrderId} is already open`);
  }

  const position = book.perp ? ex.ledger.positionLots(req.account, req.symbol) : 0;
  // The part of the order that would close the current position, which needs no margin.
  const closable = req.side === 'buy' ? Math.max(0, -position) : Math.max(0, position);
  if (req.reduceOnly) {
    if (!book.perp) return reject('REDUCE_ONLY_REJECTED', 'reduce-only is for perpetuals');
    if (closable === 0) return reject('REDUCE_ONLY_REJECTED', 'reduce-only order would open or increase a position');
    lots = Math.min(lots, closable); // capped at the position instead of flipping it
  }

  const against = Executor.opposite(book, req.side);
  if (req.tif === 'POST_ONLY') {
    const best = against.best();
    if (isMarket || (!Number.isNaN(best) && against.within(best, price))) {
      return reject('POST_ONLY_WOULD_TAKE', 'post-only order would take liquidity');
    }
  }
  const takeable = depthWithin(ex, book, against, price, lots, { account: req.account, side: req.side });
  if (isMarket && takeable.lots === 0) return reject('NO_LIQUIDITY', 'no liquidity on the other side');

  const refPrice = isMarket ? against.best() : price;
  const minNotional = parseDec(inst.minNotional) ?? ZERO;
  if (minNotional.v > 0n && cmp(notional(book, refPrice, lots), minNotional) < 0) {
    return reject('MIN_NOTIONAL', `notional below the minimum ${inst.minNotional}`);
  }

  const rests = !isMarket && (req.tif === 'GTC' || req.tif === 'POST_ONLY');
  const restLots = rests ? lots - takeable.lots : 0;
  const need = required(ex, book, req, takeable, price, restLots, closable);
  const free = ex.ledger.free(req.account, need.asset);
  if (cmp(free, need.amount) < 0) {
    return reject('INSUFFICIENT_BALANCE', `needs ${decText(need.amount)} ${need.asset}, ${decText(free)} free`);
  }

  const orderId = ex.nextOrderId();
  const o = newOrder({
    orderId,
    clientOrderId: req.clientOrderId ?? `sim-${orderId}`,
    account: req.account,
    symbol: req.symbol,
    side: req.side,
    type: req.type,
    tif: req.tif,
    price,
    qty: lots,
    reduceOnly: req.reduceOnly === true,
    createdAt: ex.now(),
  });
  ex.open(o);
  if (req.tif === 'FOK' && takeable.lots < lots) {
    // A venue accepts a FOK and expires it at once; nothing trades.
    ex.end(book, o, 'expired', 'FOK_UNFILLABLE');
    return { order: snapshot(o, book.inst), fills: [] };
  }
  if (ex.listeners.size > 0) ex.emit({ kind: 'order', order: snapshot(o, book.inst) });

  const cap = req.takeCap === undefined ? lots : Math.max(0, Math.min(lots, inst.qty.toInt(req.takeCap) || 0));
  const fills = take(ex, book, o, against, cap);
  if (remaining(o) > 0) {
    if (rests) ex.rest(book, o);
    else ex.end(book, o, 'expired');
  }
  return { order: snapshot(o, book.inst), fills };
}

/** Walks the other side best first within the order's limit (and up to `cap` filled lots), trading market lots and own orders in queue order. */
export function take(ex: Executor, book: SymbolBook, o: OwnOrder, against: BookSide, cap = Infinity): SimFill[] {
  const fills: SimFill[] = [];
  const wanted = (): number => Math.min(remaining(o), cap - o.filled);
  against.sweep(
    (p) => wanted() > 0 && against.within(p, o.price),
    (lv) => {
      walkLevel(
        lv,
        wanted(),
        (maker, offered) => {
          const cap = ex.capacity(maker);
          if (cap < remaining(maker)) {
            // A reduce-only maker shrinks with the position it reduces; with none left it is canceled.
            if (cap === 0) {
              ex.end(book, maker, 'canceled', 'REDUCE_ONLY_REJECTED', false); // walkLevel drops it from the level
              return 0;
            }
            maker.qty = maker.filled + cap;
          }
          const lots = Math.min(offered, cap);
          fills.push(...ex.trade(book, lv.price, lots, o, maker).filter((f) => f.orderId === o.orderId));
          return lots;
        },
        (lots) => {
          fills.push(...ex.trade(book, lv.price, lots, o, undefined));
        },
      );
    },
  );
  return fills;
}

/** The funds an order needs free: the asset and the amount (fees at the taker rate on what takes now). */
export function required(
  ex: Executor,
  book: SymbolBook,
  req: Pick<SimOrderRequest, 'side' | 'reduceOnly'>,
  takeable: { lots: number; value: Dec },
  price: number,
  restLots: number,
  closable: number,
): { asset: string; amount: Dec } {
  const asset = Executor.holdAsset(book, req.side);
  const now = takeable.value;
  const later = restLots > 0 ? notional(book, price, restLots) : ZERO;
  const fees = add(mul(now, ex.taker), mul(later, ex.holdRate));
  if (!book.perp) {
    if (req.side === 'sell') return { asset, amount: mul(qtyDec(book, restLots + takeable.lots), book.contractSize) };
    return { asset, amount: add(add(now, later), fees) };
  }
  const executed = takeable.lots + restLots;
  const opening = req.reduceOnly ? 0 : Math.max(0, executed - closable);
  if (opening === 0 || executed === 0) return { asset, amount: fees };
  // Margin on the opening share of the whole notional, at the default leverage, rounded up.
  const margin = div(mul(add(now, later), decOf(opening, 0)), mul(decOf(executed, 0), ex.leverageDec), book.marginScale, 'ceil');
  return { asset, amount: add(margin, fees) };
}
