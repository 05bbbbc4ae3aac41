/**
 * The engine's ledger: balances per account and asset, perp positions, and the double entries of
 * every fill, fee and funding payment. Two internal accounts make it closed: `@market` is the
 * counterparty of every fill against the market's liquidity (and the clearing house that pays
 * perp PnL), `@fees` collects fees and pays rebates. Every change is a transfer between accounts,
 * so the sum of each asset over all accounts moves only with deposits, and perp positions sum to
 * zero per symbol.
 */
import { add, decOf, decText, div, mul, neg, sub, trim, ZERO, type Dec } from '../../model/decimal.ts';
import { notional, priceDec, qtyDec, type SymbolBook } from './book.ts';
import type { OwnOrder } from './orders.ts';
import type { SimBalance, SimFill, SimPosition, SimSide } from './types.ts';

/** The counterparty of fills against market liquidity and the payer of perp PnL. */
export const MARKET_ACCOUNT = '@market';
/** Collects every fee (pays rebates). */
export const FEE_ACCOUNT = '@fees';

/** Whether an account is one of the engine's own (no checks, no events). */
export function isInternal(account: string): boolean {
  return account === MARKET_ACCOUNT || account === FEE_ACCOUNT;
}

interface Balance {
  total: Dec;
  /** Locked by open orders and perp position margins. */
  held: Dec;
}

/** An account's net perp position in one symbol. */
export interface Position {
  /** Signed lots. */
  lots: number;
  /** Weighted entry price; zero when flat. */
  entry: Dec;
  realized: Dec;
  margin: Dec;
}

/** One account: balances, positions and orders. */
export interface Account {
  readonly id: string;
  readonly balances: Map<string, Balance>;
  readonly positions: Map<string, Position>;
  /** Open orders by order id, in placement order. */
  readonly open: Map<string, OwnOrder>;
  /** Closed orders by order id, oldest first (bounded). */
  readonly closed: Map<string, OwnOrder>;
  /** The latest order (open or still remembered) per `symbol\0clientOrderId`. */
  readonly byCid: Map<string, OwnOrder>;
  /** Own fills per order id, oldest first; orders by their first fill, oldest first (bounded). */
  readonly fills: Map<string, SimFill[]>;
}

/** Digits finer than the tick at which a perp's weighted entry price is rounded (half up). */
export const ENTRY_EXTRA_DIGITS = 8;

/** Every account's money and positions, changed only by double entries. */
export class Ledger {
  readonly accounts = new Map<string, Account>();
  /** Balances changed since the last drain, in order, keyed `account\0asset`. */
  private readonly touched = new Map<string, [account: string, asset: string]>();
  /** Positions changed since the last drain, in order, keyed `account\0symbol`. */
  private readonly moved = new Map<string, [account: string, symbol: string]>();

  constructor(private readonly leverage: Dec) {}

  /** Returns an account, created empty on first use. */
  account(id: string): Account {
    let a = this.accounts.get(id);
    if (!a) this.accounts.set(id, (a = { id, balances: new Map(), positions: new Map(), open: new Map(), closed: new Map(), byCid: new Map(), fills: new Map() }));
    return a;
  }

  private balance(id: string, asset: string): Balance {
    const a = this.account(id);
    let b = a.balances.get(asset);
    if (!b) a.balances.set(asset, (b = { total: ZERO, held: ZERO }));
    return b;
  }

  /** Returns what an account can still commit in an asset (total minus holds). */
  free(id: string, asset: string): Dec {
    const b = this.accounts.get(id)?.balances.get(asset);
    return b ? sub(b.total, b.held) : ZERO;
  }

  /** Returns an account's position in a symbol, created flat on first use. */
  position(id: string, symbol: string): Position {
    const a = this.account(id);
    let p = a.positions.get(symbol);
    if (!p) a.positions.set(symbol, (p = { lots: 0, entry: ZERO, realized: ZERO, margin: ZERO }));
    return p;
  }

  /** Returns the signed position in lots (0 when none). */
  positionLots(id: string, symbol: string): number {
    return this.accounts.get(id)?.positions.get(symbol)?.lots ?? 0;
  }

  /** Adds a signed amount to an account's balance. */
  credit(id: string, asset: string, amount: Dec): void {
    if (amount.v === 0n) return;
    const b = this.balance(id, asset);
    b.total = trim(add(b.total, amount));
    this.touch(id, asset);
  }

  /** Sets what an order locks, adjusting its account's held funds. */
  setHold(o: OwnOrder, asset: string, hold: Dec): void {
    if (o.holdAsset === asset && o.hold.v === hold.v && o.hold.s === hold.s) return;
    if (o.holdAsset !== '' && o.hold.v !== 0n) this.addHeld(o.account, o.holdAsset, neg(o.hold));
    o.hold = hold;
    o.holdAsset = asset;
    if (hold.v !== 0n) this.addHeld(o.account, asset, hold);
  }

  private touch(id: string, asset: string): void {
    const key = `${id}\0${asset}`;
    if (!this.touched.has(key)) this.touched.set(key, [id, asset]);
  }

  private addHeld(id: string, asset: string, amount: Dec): void {
    const b = this.balance(id, asset);
    b.held = trim(add(b.held, amount));
    this.touch(id, asset);
  }

  /**
   * Books one side of a fill: assets (spot) or position and realized PnL (perps), and the fee at
   * `feeRate` × notional, paid to `@fees`. The caller books the other side too (another account
   * or `@market`, which pays no fee). Returns the fee charged.
   */
  fill(id: string, book: SymbolBook, side: SimSide, ticks: number, lots: number, feeRate: Dec): Dec {
    const { quote, base } = book.inst;
    const value = notional(book, ticks, lots);
    const fee = trim(mul(feeRate, value));
    if (book.perp) this.perpFill(id, book, side, ticks, lots);
    else {
      const units = mul(qtyDec(book, lots), book.contractSize);
      this.credit(id, base, side === 'buy' ? units : neg(units));
      this.credit(id, quote, side === 'buy' ? neg(value) : value);
    }
    if (fee.v !== 0n) {
      this.credit(id, quote, neg(fee));
      this.credit(FEE_ACCOUNT, quote, fee);
    }
    return fee;
  }

  private perpFill(id: string, book: SymbolBook, side: SimSide, ticks: number, lots: number): void {
    const symbol = book.inst.symbol;
    const pos = this.position(id, symbol);
    const delta = side === 'buy' ? lots : -lots;
    const key = `${id}\0${symbol}`;
    if (!this.moved.has(key)) this.moved.set(key, [id, symbol]);
    if (id === MARKET_ACCOUNT) {
      // The market is only a counterparty: its side of PnL is the clearing transfer below.
      pos.lots += delta;
      return;
    }
    const px = priceDec(book, ticks);
    const size = Math.abs(pos.lots);
    if (pos.lots === 0 || Math.sign(pos.lots) === Math.sign(delta)) {
      const weighted = add(mul(pos.entry, decOf(size, 0)), mul(px, decOf(lots, 0)));
      pos.entry = trim(div(weighted, decOf(size + lots, 0), book.inst.price.decimals + ENTRY_EXTRA_DIGITS, 'half'));
      pos.lots += delta;
    } else {
      const closed = Math.min(lots, size);
      const perUnit = pos.lots > 0 ? sub(px, pos.entry) : sub(pos.entry, px);
      const pnl = trim(mul(mul(perUnit, qtyDec(book, closed)), book.contractSize));
      pos.realized = trim(add(pos.realized, pnl));
      this.credit(id, book.inst.quote, pnl);
      this.credit(MARKET_ACCOUNT, book.inst.quote, neg(pnl));
      pos.lots += delta;
      if (pos.lots === 0) pos.entry = ZERO;
      else if (lots > size) pos.entry = px; // flipped: the rest opened at this price
    }
    this.setMargin(id, book, pos);
  }

  /** Recomputes a position's initial margin (|qty| × entry × contract size / leverage, rounded up). */
  private setMargin(id: string, book: SymbolBook, pos: Position): void {
    const gross = mul(mul(qtyDec(book, Math.abs(pos.lots)), pos.entry), book.contractSize);
    const margin = pos.lots === 0 ? ZERO : trim(div(gross, this.leverage, Math.max(book.marginScale, gross.s + 8), 'ceil'));
    const change = sub(margin, pos.margin);
    pos.margin = margin;
    if (change.v !== 0n) this.addHeld(id, book.inst.quote, change);
  }

  /** Longs pay shorts `rate` × position notional at `mark` (every account, `@market` included, so it nets to zero). */
  fund(book: SymbolBook, rate: Dec, mark: Dec): { account: string; amount: Dec }[] {
    const out: { account: string; amount: Dec }[] = [];
    const symbol = book.inst.symbol;
    for (const a of this.accounts.values()) {
      const pos = a.positions.get(symbol);
      if (!pos || pos.lots === 0) continue;
      const amount = trim(neg(mul(mul(mul(rate, qtyDec(book, pos.lots < 0 ? -pos.lots : pos.lots)), book.contractSize), mark)));
      const signed = pos.lots > 0 ? amount : neg(amount);
      this.credit(a.id, book.inst.quote, signed);
      out.push({ account: a.id, amount: signed });
    }
    return out;
  }

  /** Forgets pending changes (nobody listens). */
  discard(): void {
    this.touched.clear();
    this.moved.clear();
  }

  /** Returns and forgets the balances changed since the last call, as `[account, asset]`. */
  drainTouched(): [string, string][] {
    if (this.touched.size === 0) return [];
    const out = [...this.touched.values()];
    this.touched.clear();
    return out;
  }

  /** Returns and forgets the positions changed since the last call, as `[account, symbol]`. */
  drainMoved(): [string, string][] {
    if (this.moved.size === 0) return [];
    const out = [...this.moved.values()];
    this.moved.clear();
    return out;
  }

  /** Returns an account's balance of one asset as the contract shows it. */
  balanceView(id: string, asset: string): SimBalance {
    const b = this.accounts.get(id)?.balances.get(asset);
    const total = b?.total ?? ZERO;
    return { account: id, asset, total: decText(total), free: decText(sub(total, b?.held ?? ZERO)) };
  }

  /** Returns a position as the contract shows it, valued at `mark` (the entry when unknown). */
  positionView(id: string, book: SymbolBook, mark: Dec | undefined, leverage: number): SimPosition {
    const pos = this.accounts.get(id)?.positions.get(book.inst.symbol) ?? { lots: 0, entry: ZERO, realized: ZERO, margin: ZERO };
    const m = mark ?? pos.entry;
    const signedQty = pos.lots < 0 ? neg(qtyDec(book, -pos.lots)) : qtyDec(book, pos.lots);
    const unrealized = pos.lots === 0 ? ZERO : mul(mul(sub(m, pos.entry), signedQty), book.contractSize);
    return {
      account: id,
      symbol: book.inst.symbol,
      qty: decText(signedQty),
      entryPrice: decText(pos.entry),
      realizedPnl: decText(pos.realized),
      unrealizedPnl: decText(unrealized),
      markPrice: decText(m),
      margin: decText(pos.margin),
      leverage,
    };
  }

  /** Returns the sum of an asset over every account, internal ones included (for conservation checks). */
  sum(asset: string): Dec {
    let s = ZERO;
    for (const a of this.accounts.values()) s = add(s, a.balances.get(asset)?.total ?? ZERO);
    return trim(s);
  }
}
