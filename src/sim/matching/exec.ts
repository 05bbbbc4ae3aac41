/**
 * The engine's state and the steps every path shares: booking a trade between two own orders or
 * an own order and the market, resting and closing orders with their holds, and telling
 * subscribers in causal order (per fill: the fills, the orders, then positions and balances).
 */
import type { VenueId } from '../../config/schema.ts';
import { isInternal, Ledger, MARKET_ACCOUNT } from './accounts.ts';
import { markOf, notional, qtyDec, type BookSide, type SymbolBook } from './book.ts';
import { add, decOfNumber, decText, div, max, mul, trim, ZERO, type Dec } from '../../model/decimal.ts';
import { isOpen, remaining, snapshot, type OwnOrder } from './orders.ts';
import type { MatchingEngineOptions, SimAccountEvent, SimFill, SimRejectCode, SimSide } from './types.ts';

/** Closed orders kept per account for queries; the oldest are forgotten past this. */
export const MAX_CLOSED_PER_ACCOUNT = 10_000;
/** Orders whose fills are kept per account for `fills()`; the oldest are forgotten past this. */
export const MAX_FILLED_ORDERS_PER_ACCOUNT = 10_000;

/** The engine's state plus the booking steps that place, cancel and market updates share. */
export class Executor {
  readonly venue: VenueId;
  readonly books = new Map<string, SymbolBook>();
  readonly ledger: Ledger;
  readonly listeners = new Set<(ev: SimAccountEvent) => void>();
  readonly maker: Dec;
  readonly taker: Dec;
  /** What a resting order reserves for fees: the larger rate, never below zero. */
  readonly holdRate: Dec;
  readonly leverage: number;
  readonly leverageDec: Dec;
  readonly now: () => number;
  private orderSeq = 0;
  private tradeSeq = 0;

  constructor(opts: MatchingEngineOptions, makeBook: (spec: MatchingEngineOptions['instruments'][number]) => SymbolBook) {
    this.venue = opts.venue;
    this.now = opts.now;
    this.maker = decOfNumber(opts.fees.maker);
    this.taker = decOfNumber(opts.fees.taker);
    this.holdRate = max(max(this.maker, this.taker), ZERO);
    this.leverage = opts.leverage ?? 1;
    if (!(this.leverage > 0)) throw new RangeError(`leverage must be positive: ${this.leverage}`);
    this.leverageDec = decOfNumber(this.leverage);
    this.ledger = new Ledger(this.leverageDec);
    for (const spec of opts.instruments) this.books.set(spec.symbol, makeBook(spec));
  }

  /** Returns the next venue order id. */
  nextOrderId(): string {
    return String(++this.orderSeq);
  }

  /** Returns the side a taker of `side` trades against. */
  static opposite(book: SymbolBook, side: SimSide): BookSide {
    return side === 'buy' ? book.asks : book.bids;
  }

  /** Returns the side an order of `side` rests on. */
  static own(book: SymbolBook, side: SimSide): BookSide {
    return side === 'buy' ? book.bids : book.asks;
  }

  /**
   * Lots a resting order can still fill: its remainder, for reduce-only capped by the position it
   * reduces (the account's current one unless `pos` gives the one a previewed walk reached).
   */
  capacity(o: OwnOrder, pos = this.ledger.positionLots(o.account, o.symbol)): number {
    const rest = remaining(o);
    if (!o.reduceOnly) return rest;
    const reducible = o.side === 'buy' ? Math.max(0, -pos) : Math.max(0, pos);
    return Math.min(rest, reducible);
  }

  /**
   * Books a trade of `lots` at `ticks`; a missing side is the market (`@market`, no fee). Updates
   * both orders, their holds, and closes a filled maker. Returns the own fills (taker first).
   */
  trade(book: SymbolBook, ticks: number, lots: number, taker: OwnOrder | undefined, maker: OwnOrder | undefined): SimFill[] {
    const ts = this.now();
    const tradeId = String(++this.tradeSeq);
    const fills: SimFill[] = [];
    const takerSide: SimSide = taker ? taker.side : maker!.side === 'buy' ? 'sell' : 'buy';
    const makerSide: SimSide = takerSide === 'buy' ? 'sell' : 'buy';
    this.side(book, taker, takerSide, 'taker', ticks, lots, ts, tradeId, fills);
    this.side(book, maker, makerSide, 'maker', ticks, lots, ts, tradeId, fills);
    if (this.listeners.size > 0) {
      for (const f of fills) {
        const o = f.liquidity === 'taker' ? taker! : maker!;
        this.emit({ kind: 'fill', fill: f });
        this.emit({ kind: 'order', order: snapshot(o, book.inst) });
      }
    }
    if (maker && !isOpen(maker)) this.close(maker);
    if (taker && !isOpen(taker)) this.close(taker);
    this.flush();
    return fills;
  }

  /** Books one side of a trade: the market's, or an own order's (fee, fill, status, hold). */
  private side(book: SymbolBook, o: OwnOrder | undefined, side: SimSide, liquidity: 'maker' | 'taker', ticks: number, lots: number, ts: number, tradeId: string, fills: SimFill[]): void {
    if (!o) {
      this.ledger.fill(MARKET_ACCOUNT, book, side, ticks, lots, ZERO);
      return;
    }
    const fee = this.ledger.fill(o.account, book, side, ticks, lots, liquidity === 'maker' ? this.maker : this.taker);
    o.filled += lots;
    o.pxLots += BigInt(ticks) * BigInt(lots);
    o.fee = trim(add(o.fee, fee));
    o.updatedAt = ts;
    o.status = o.filled >= o.qty ? 'filled' : 'partially_filled';
    if (o.hold.v !== 0n) this.ledger.setHold(o, o.holdAsset, isOpen(o) ? this.holdFor(book, o) : ZERO);
    const fill: SimFill = {
      tradeId,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      account: o.account,
      symbol: book.inst.symbol,
      side,
      price: book.inst.price.toText(ticks),
      qty: book.inst.qty.toText(lots),
      fee: decText(fee),
      feeAsset: book.inst.quote,
      liquidity,
      ts,
    };
    fills.push(fill);
    this.remember(fill);
  }

  /** Keeps a fill for `fills()`, forgetting the oldest order's fills past the bound. */
  private remember(fill: SimFill): void {
    const kept = this.ledger.account(fill.account).fills;
    const list = kept.get(fill.orderId);
    if (list) {
      list.push(fill);
      return;
    }
    kept.set(fill.orderId, [fill]);
    if (kept.size > MAX_FILLED_ORDERS_PER_ACCOUNT) kept.delete(kept.keys().next().value!);
  }

  /** Returns what an order resting with its current remainder must lock, in its hold asset. */
  holdFor(book: SymbolBook, o: OwnOrder): Dec {
    const rest = remaining(o);
    if (rest <= 0) return ZERO;
    if (!book.perp) {
      if (o.side === 'sell') return mul(qtyDec(book, rest), book.contractSize);
      const n = notional(book, o.price, rest);
      return trim(add(n, mul(n, this.holdRate)));
    }
    // The closing part fills first, so what is left to open is the remainder's tail.
    const opening = Math.min(rest, o.openingLots);
    const margin = opening > 0 ? div(notional(book, o.price, opening), this.leverageDec, book.marginScale, 'ceil') : ZERO;
    return trim(add(margin, mul(notional(book, o.price, rest), this.holdRate)));
  }

  /** Returns the asset an order of this book and side locks. */
  static holdAsset(book: SymbolBook, side: SimSide): string {
    return book.perp || side === 'buy' ? book.inst.quote : book.inst.base;
  }

  /** Puts an order's remainder on the book, locking its funds; perps fix the opening part now. */
  rest(book: SymbolBook, o: OwnOrder): void {
    if (book.perp) {
      const pos = this.ledger.positionLots(o.account, o.symbol);
      const closable = o.side === 'buy' ? Math.max(0, -pos) : Math.max(0, pos);
      o.openingLots = o.reduceOnly ? 0 : Math.max(0, remaining(o) - closable);
    }
    Executor.own(book, o.side).rest(o);
    this.ledger.setHold(o, Executor.holdAsset(book, o.side), this.holdFor(book, o));
    this.flush();
  }

  /**
   * Ends an open order (canceled or expired): funds released, told, and off the book unless the
   * caller is walking that level (it drops closed orders itself).
   */
  end(book: SymbolBook, o: OwnOrder, status: 'canceled' | 'expired', reason?: SimRejectCode, offBook = true): void {
    if (offBook) Executor.own(book, o.side).remove(o);
    o.status = status;
    o.reason = reason;
    o.updatedAt = this.now();
    if (o.hold.v !== 0n) this.ledger.setHold(o, o.holdAsset, ZERO);
    this.close(o);
    if (this.listeners.size > 0) this.emit({ kind: 'order', order: snapshot(o, book.inst) });
    this.flush();
  }

  /** Moves a finished order from the open to the closed index. */
  close(o: OwnOrder): void {
    const acc = this.ledger.account(o.account);
    if (!acc.open.delete(o.orderId)) return;
    acc.closed.set(o.orderId, o);
    if (acc.closed.size > MAX_CLOSED_PER_ACCOUNT) {
      const oldest = acc.closed.values().next().value!;
      acc.closed.delete(oldest.orderId);
      const k = `${oldest.symbol}\0${oldest.clientOrderId}`;
      if (acc.byCid.get(k) === oldest) acc.byCid.delete(k);
    }
  }

  /** Registers a new open order. */
  open(o: OwnOrder): void {
    const acc = this.ledger.account(o.account);
    acc.open.set(o.orderId, o);
    acc.byCid.set(`${o.symbol}\0${o.clientOrderId}`, o);
  }

  /** Finds an account's order (open first, then closed) by venue or client id within a symbol. */
  find(account: string, symbol: string, id: { orderId?: string; clientOrderId?: string }): OwnOrder | undefined {
    const acc = this.ledger.accounts.get(account);
    if (!acc) return undefined;
    if (id.orderId !== undefined) {
      const o = acc.open.get(id.orderId) ?? acc.closed.get(id.orderId);
      return o && o.symbol === symbol ? o : undefined;
    }
    if (id.clientOrderId === undefined) return undefined;
    return acc.byCid.get(`${symbol}\0${id.clientOrderId}`);
  }

  /** Tells every subscriber one event. */
  emit(ev: SimAccountEvent): void {
    for (const l of this.listeners) l(ev);
  }

  /** Tells the positions and balances changed since the last flush (internal accounts excluded). */
  flush(): void {
    if (this.listeners.size === 0) {
      this.ledger.discard();
      return;
    }
    for (const [account, symbol] of this.ledger.drainMoved()) {
      if (isInternal(account)) continue;
      const book = this.books.get(symbol)!;
      this.emit({ kind: 'position', position: this.ledger.positionView(account, book, markOf(book), this.leverage) });
    }
    for (const [account, asset] of this.ledger.drainTouched()) {
      if (isInternal(account)) continue;
      this.emit({ kind: 'balance', balance: this.ledger.balanceView(account, asset) });
    }
  }
}
