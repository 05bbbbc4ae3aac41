/**
 * The simulated exchange of one venue: the market's books (fed by `onMarket`) plus every
 * account's orders, balances and positions. The rules a venue's private side relies on:
 *
 * - Ids: order ids are decimal strings counting up from "1"; a missing client id becomes
 *   `sim-<orderId>`. Client ids must be unique among an account's open orders of a symbol.
 * - Outcomes: a failed check returns `{ reject }` and creates no order (no event). A FOK that
 *   cannot fill completely is accepted and expired at once (status `expired`, reason
 *   `FOK_UNFILLABLE`, no fills, one `order` event). IOC and market remainders expire (reason
 *   unset). A market order with nothing at all on the other side is rejected `NO_LIQUIDITY`;
 *   POST_ONLY that would take is rejected `POST_ONLY_WOULD_TAKE`. A market order's TIF is
 *   treated as IOC (FOK stays FOK; POST_ONLY is rejected).
 * - Taking: best level first within the limit. At a price the queue is: market lots that were
 *   there before an own order, that order, later market lots (see book.ts). Own orders of every
 *   account match, the taker's own included (no self-trade prevention). Market liquidity a taker
 *   uses is gone from the engine's view until the market next sets that level.
 * - Resting: a GTC/POST_ONLY order queues behind the market size at its price when it rests;
 *   market trades and pulls advance it, trades through its price and crossing quotes fill it
 *   (see marketData.ts). Those fills are maker fills.
 * - Funds: spot buys lock quote (price × qty plus the larger fee rate), spot sells lock base;
 *   perps lock margin (notional / leverage, rounded up 8 digits below the notional's precision)
 *   for the part that opens a position (judged against the position at placement), plus fees.
 *   The check at placement covers the taker fees of what fills at once. Leverage defaults to 1.
 *   Fees are rate × notional, exact, in the quote asset, charged to each own side of each fill.
 * - Reduce-only (perps only; spot rejects it): rejected when there is no position to reduce on
 *   that side; otherwise the qty is capped at the position (the order's qty shows the cap). A
 *   resting reduce-only order shrinks with the position and is canceled (reason
 *   `REDUCE_ONLY_REJECTED`) when nothing is left to reduce.
 * - Perps: one net position per account and symbol; the entry price is the weighted average,
 *   rounded half up at 8 digits below the tick; realized PnL = (exit − entry) × closed qty ×
 *   contract size, paid by `@market` (the clearing counterparty). Mark = mid of the engine's
 *   book, else the last funding mark, else the entry. No liquidation: free may go below zero.
 * - Conservation: `@market` takes the other side of fills against market liquidity, `@fees`
 *   collects fees; each asset summed over all accounts changes only by deposits, and positions
 *   sum to zero per symbol.
 * - Events: synchronous, in causal order. Placing: the order (`new`), then per fill: fill and
 *   order for the taker, fill and order for an own maker, then positions and balances that
 *   changed; then the final state (rested: balances; expired: order). Position events come with
 *   fills only (not with every mark change). Internal accounts are never told.
 * - Amending: see amend.ts (a qty decrease keeps the queue place; a price change or qty increase
 *   re-queues and may take). `fills()` keeps the fills of the last 10,000 filled orders per account.
 */
import { FEE_ACCOUNT, isInternal, MARKET_ACCOUNT } from './accounts.ts';
import { amendOrder } from './amend.ts';
import { makeSymbolBook, markOf } from './book.ts';
import { decText as decTextOf, parseDec } from '../../model/decimal.ts';
import { Executor } from './exec.ts';
import { applyMarket } from './marketData.ts';
import { isOpen, snapshot } from './orders.ts';
import { placeOrder } from './place.ts';
import type { MatchingEngineOptions, SimAccountEvent, SimExchange, SimOrder, SimPosition } from './types.ts';

export { FEE_ACCOUNT, MARKET_ACCOUNT };

/** Returns a matching engine over the options' instruments, with no accounts yet. */
export function createMatchingEngine(opts: MatchingEngineOptions): SimExchange & EngineInspection {
  const ex = new Executor(opts, makeSymbolBook);

  return {
    venue: opts.venue,

    deposit(account, asset, amount) {
      const d = parseDec(amount);
      if (!d) throw new RangeError(`deposit: not a decimal amount: ${JSON.stringify(amount)}`);
      ex.ledger.credit(account, asset, d);
      ex.flush();
    },

    place: (req) => placeOrder(ex, req),

    amend: (account, symbol, id, change) => amendOrder(ex, account, symbol, id, change),

    fills(account, symbol, id) {
      const o = ex.books.has(symbol) ? ex.find(account, symbol, id) : undefined;
      return o ? [...(ex.ledger.accounts.get(account)?.fills.get(o.orderId) ?? [])] : [];
    },

    cancel(account, symbol, id) {
      const book = ex.books.get(symbol);
      if (!book) return { reject: { code: 'UNKNOWN_SYMBOL', message: `unknown symbol ${symbol}` } };
      const o = ex.find(account, symbol, id);
      if (!o) return { reject: { code: 'ORDER_NOT_FOUND', message: 'no such order' } };
      if (!isOpen(o)) return { reject: { code: 'ORDER_CLOSED', message: `order is ${o.status}` } };
      ex.end(book, o, 'canceled');
      return { order: snapshot(o, book.inst) };
    },

    order(account, symbol, id) {
      const book = ex.books.get(symbol);
      const o = book && ex.find(account, symbol, id);
      return o && book ? snapshot(o, book.inst) : undefined;
    },

    openOrders(account, symbol) {
      const acc = ex.ledger.accounts.get(account);
      if (!acc) return [];
      const out: SimOrder[] = [];
      for (const o of acc.open.values()) {
        if (symbol !== undefined && o.symbol !== symbol) continue;
        out.push(snapshot(o, ex.books.get(o.symbol)!.inst));
      }
      return out;
    },

    balances(account) {
      const acc = ex.ledger.accounts.get(account);
      return acc ? [...acc.balances.keys()].map((asset) => ex.ledger.balanceView(account, asset)) : [];
    },

    positions(account) {
      const acc = ex.ledger.accounts.get(account);
      if (!acc) return [];
      const out: SimPosition[] = [];
      for (const symbol of acc.positions.keys()) {
        const book = ex.books.get(symbol)!;
        out.push(ex.ledger.positionView(account, book, markOf(book), ex.leverage));
      }
      return out;
    },

    onMarket(symbol, change, trades) {
      const book = ex.books.get(symbol);
      return book ? applyMarket(ex, book, change, trades) : [];
    },

    settleFunding(symbol, rate, markPrice) {
      const book = ex.books.get(symbol);
      if (!book || !book.perp) return;
      const r = parseDec(rate);
      const mark = parseDec(markPrice);
      if (!r || !mark) throw new RangeError(`settleFunding: bad rate ${rate} or mark ${markPrice}`);
      book.fundingMark = mark;
      const paid = ex.ledger.fund(book, r, mark);
      if (ex.listeners.size > 0) {
        for (const p of paid) {
          if (isInternal(p.account)) continue;
          ex.emit({ kind: 'funding', account: p.account, symbol, amount: decTextOf(p.amount), rate });
        }
      }
      ex.flush();
    },

    subscribe(listener: (ev: SimAccountEvent) => void) {
      ex.listeners.add(listener);
      return () => {
        ex.listeners.delete(listener);
      };
    },

    sumOf: (asset) => decTextOf(ex.ledger.sum(asset)),
    netPosition(symbol) {
      const book = ex.books.get(symbol);
      if (!book) return '0';
      let lots = 0;
      for (const a of ex.ledger.accounts.values()) lots += a.positions.get(symbol)?.lots ?? 0;
      return book.inst.qty.toText(lots);
    },
    marketLevels(symbol, side) {
      const book = ex.books.get(symbol);
      if (!book) return [];
      const s = side === 'bid' ? book.bids : book.asks;
      const out: [string, string][] = [];
      for (const p of s.prices) {
        const lv = s.levels.get(p)!;
        if (lv.market > 0) out.push([book.inst.price.toText(p), book.inst.qty.toText(lv.market)]);
      }
      return out;
    },
    queueAhead(account, symbol, orderId) {
      const o = ex.find(account, symbol, { orderId });
      const book = ex.books.get(symbol);
      return o && book && isOpen(o) ? book.inst.qty.toText(o.ahead) : undefined;
    },
  };
}

/** Read-only views for tests, the bench and the operator: not part of a venue's contract. */
export interface EngineInspection {
  /** Returns the sum of an asset over every account, `@market` and `@fees` included. */
  sumOf(asset: string): string;
  /** Returns the sum of every account's position in a symbol (zero when conserved). */
  netPosition(symbol: string): string;
  /** Returns the market's levels in the engine's view, best first, as decimal strings. */
  marketLevels(symbol: string, side: 'bid' | 'ask'): [string, string][];
  /** Returns the market qty ahead of a resting order in its level's queue. */
  queueAhead(account: string, symbol: string, orderId: string): string | undefined;
}
