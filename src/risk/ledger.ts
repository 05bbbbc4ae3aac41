/**
 * The local book of money: balances per venue and asset, perp positions as FIFO lots, realized PnL
 * and fees per instrument. Fills move it at once, before the venue's balance message arrives; the
 * venue's own numbers are adopted with `setBalance`. Every amount is an exact decimal: lots keep
 * their own entry price, so realized PnL is Σ closedQty × (exit − lotPrice) × contractSize and no
 * division (and no rounding) ever reaches a balance. Pure: times come in with the fills.
 */
import { add, decText, div, isZero, min, mul, neg, parseDec, sign, sub, trim, ZERO, type Dec } from '../model/decimal.ts';

/** One execution as the ledger needs it; `qty` is in the instrument's size unit (contracts for perps). */
export interface LedgerFill {
  readonly venue: string;
  /** Instrument id (`<venue>:<symbol>`). */
  readonly instrument: string;
  readonly kind: 'spot' | 'perp';
  readonly base: string;
  readonly quote: string;
  readonly side: 'buy' | 'sell';
  readonly qty: string;
  readonly price: string;
  /** Base units per size unit (perp multiplier); "1" when absent. */
  readonly contractSize?: string;
  /** Positive = paid, negative = a rebate. */
  readonly fee: string;
  readonly feeAsset: string;
  readonly tradeId: string;
  readonly ts: number;
}

/** One open lot of a perp position: unsigned size and the price it was opened at. */
export interface LedgerLot {
  readonly qty: string;
  readonly price: string;
}

/** A perp position as the ledger holds it. */
export interface LedgerPosition {
  readonly instrument: string;
  /** Signed size: positive long, negative short. */
  readonly qty: string;
  /** Σ lot cost / qty, rounded half-up to 12 decimals, for display only ("0" when flat). */
  readonly entryPrice: string;
  readonly lots: readonly LedgerLot[];
  readonly realizedPnl: string;
  /** Fees valued in the quote (quote-unit or base fee assets); see `LedgerStats.otherFees`. */
  readonly fees: string;
}

/** Per-instrument totals, for spot and perp alike. */
export interface LedgerStats {
  readonly fills: number;
  readonly realizedPnl: string;
  readonly fees: string;
  /** Fees paid in assets the ledger cannot value in the quote (BNB, OKB), by asset. */
  readonly otherFees: Readonly<Record<string, string>>;
}

/** The persisted form: plain JSON with decimal strings. */
export interface LedgerState {
  readonly v: 1;
  readonly balances: Record<string, Record<string, string>>;
  readonly instruments: Record<string, InstrumentState>;
  /** [ts, realized − fees] per fill, oldest first. */
  readonly records: [number, string][];
  /** The newest ts of a record dropped by the bound (sums since earlier times are incomplete). */
  readonly droppedThrough?: number;
}

interface InstrumentState {
  readonly venue: string;
  readonly kind: 'spot' | 'perp';
  readonly base: string;
  readonly quote: string;
  readonly contractSize: string;
  /** 1 long, -1 short, 0 flat. */
  readonly side: number;
  readonly lots: [string, string][];
  readonly realized: string;
  readonly fees: string;
  readonly otherFees: Record<string, string>;
  readonly fills: number;
  readonly tradeIds: string[];
}

/** Options: how much history the ledger keeps. */
export interface LedgerOptions {
  /** Trade ids remembered per instrument for deduplication. */
  readonly tradeIdMemory?: number;
  /** Per-fill PnL records kept for `realizedPnl(sinceTs)`. */
  readonly maxRecords?: number;
}

/** Stablecoins and USD count as one unit of quote. */
export const USD_LIKE: readonly string[] = ['USDT', 'USDC', 'USD'];

interface Lot {
  qty: Dec;
  readonly price: Dec;
}

interface Book {
  readonly venue: string;
  readonly kind: 'spot' | 'perp';
  readonly base: string;
  readonly quote: string;
  readonly cs: Dec;
  side: number;
  lots: Lot[];
  realized: Dec;
  fees: Dec;
  readonly otherFees: Map<string, Dec>;
  fills: number;
  readonly seen: Set<string>;
  readonly seenOrder: string[];
}

function dec(text: string, what: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`ledger: ${what} is not a decimal: ${JSON.stringify(text)}`);
  return d;
}

function sameUnit(a: string, b: string): boolean {
  return a === b || (USD_LIKE.includes(a) && USD_LIKE.includes(b));
}

/** Exact money per venue and asset, and perp positions per instrument. */
export class Ledger {
  private readonly bal = new Map<string, Map<string, Dec>>();
  private readonly books = new Map<string, Book>();
  private records: { ts: number; pnl: Dec }[] = [];
  private droppedThrough: number | undefined;
  private readonly tradeIdMemory: number;
  private readonly maxRecords: number;

  constructor(options: LedgerOptions = {}) {
    this.tradeIdMemory = options.tradeIdMemory ?? 4096;
    this.maxRecords = options.maxRecords ?? 20_000;
  }

  /** Adds `amount` (may be negative: a withdrawal) to a balance. */
  deposit(venue: string, asset: string, amount: string): void {
    this.credit(venue, asset, dec(amount, 'amount'));
  }

  /** Adopts the venue's stated total for an asset. */
  setBalance(venue: string, asset: string, total: string): void {
    this.assets(venue).set(asset, trim(dec(total, 'balance')));
  }

  /**
   * Adopts the venue's position (reconciliation, operator "adopt"): one lot of `qty` (signed) at
   * `entryPrice`; realized PnL and fees so far are kept. Logged by the caller with the old size.
   */
  setPosition(instrument: string, meta: { venue: string; kind: 'spot' | 'perp'; base: string; quote: string; contractSize?: string }, qty: string, entryPrice: string): void {
    const q = dec(qty, 'qty');
    const b = this.book({ ...meta, instrument } as LedgerFill, dec(meta.contractSize ?? '1', 'contractSize'));
    b.side = sign(q);
    b.lots = b.side === 0 ? [] : [{ qty: trim(b.side > 0 ? q : neg(q)), price: trim(dec(entryPrice, 'entryPrice')) }];
  }

  /** Applies a fill; returns false and changes nothing when its trade id was already applied. */
  applyFill(f: LedgerFill): boolean {
    const qty = dec(f.qty, 'qty');
    const price = dec(f.price, 'price');
    const fee = dec(f.fee, 'fee');
    const cs = dec(f.contractSize ?? '1', 'contractSize');
    if (sign(qty) <= 0) throw new RangeError(`ledger: fill qty must be positive: ${f.qty}`);
    if (sign(price) < 0) throw new RangeError(`ledger: fill price must not be negative: ${f.price}`);
    const book = this.book(f, cs);
    if (book.seen.has(f.tradeId)) return false;
    this.remember(book, f.tradeId);

    const dir = f.side === 'buy' ? 1 : -1;
    let realized: Dec = ZERO;
    if (f.kind === 'spot') {
      const baseQty = mul(qty, cs);
      this.credit(f.venue, f.base, dir > 0 ? baseQty : neg(baseQty));
      const cost = mul(baseQty, price);
      this.credit(f.venue, f.quote, dir > 0 ? neg(cost) : cost);
    } else {
      realized = this.trade(book, dir, qty, price);
      if (!isZero(realized)) this.credit(f.venue, f.quote, realized);
    }
    this.credit(f.venue, f.feeAsset, neg(fee));

    // A fee is valued in the quote when it is paid in quote units or in the base (at the fill price).
    let feeValue: Dec = ZERO;
    if (sameUnit(f.feeAsset, f.quote)) feeValue = fee;
    else if (f.feeAsset === f.base) feeValue = mul(fee, price);
    else book.otherFees.set(f.feeAsset, trim(add(book.otherFees.get(f.feeAsset) ?? ZERO, fee)));
    book.realized = trim(add(book.realized, realized));
    book.fees = trim(add(book.fees, feeValue));
    book.fills++;
    this.records.push({ ts: f.ts, pnl: trim(sub(realized, feeValue)) });
    if (this.records.length > this.maxRecords) {
      const drop = this.records.length - this.maxRecords;
      this.droppedThrough = this.records[drop - 1]!.ts;
      this.records = this.records.slice(drop);
    }
    return true;
  }

  /** Returns a balance as a decimal string ("0" when never touched). */
  balance(venue: string, asset: string): string {
    return decText(this.bal.get(venue)?.get(asset) ?? ZERO);
  }

  /** Returns balances by venue and asset, of one venue or all. */
  balances(venue?: string): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    for (const [v, assets] of this.bal) {
      if (venue !== undefined && v !== venue) continue;
      out[v] = Object.fromEntries([...assets].map(([a, d]) => [a, decText(d)]));
    }
    return out;
  }

  /** Returns a perp instrument's position (flat ones included once traded), or undefined. */
  position(instrument: string): LedgerPosition | undefined {
    const b = this.books.get(instrument);
    if (!b || b.kind !== 'perp') return undefined;
    const size = b.lots.reduce<Dec>((s, l) => add(s, l.qty), ZERO);
    const cost = b.lots.reduce<Dec>((s, l) => add(s, mul(l.qty, l.price)), ZERO);
    return {
      instrument,
      qty: decText(b.side < 0 ? neg(size) : size),
      entryPrice: isZero(size) ? '0' : decText(div(cost, size, 12, 'half')),
      lots: b.lots.map((l) => ({ qty: decText(l.qty), price: decText(l.price) })),
      realizedPnl: decText(b.realized),
      fees: decText(b.fees),
    };
  }

  /** Returns every open (non-flat) perp position. */
  positions(): LedgerPosition[] {
    const out: LedgerPosition[] = [];
    for (const [id, b] of this.books) if (b.kind === 'perp' && b.lots.length > 0) out.push(this.position(id)!);
    return out;
  }

  /** Returns an instrument's fill count, realized PnL and fees, or undefined when never traded. */
  stats(instrument: string): LedgerStats | undefined {
    const b = this.books.get(instrument);
    if (!b) return undefined;
    return {
      fills: b.fills,
      realizedPnl: decText(b.realized),
      fees: decText(b.fees),
      otherFees: Object.fromEntries([...b.otherFees].map(([a, d]) => [a, decText(d)])),
    };
  }

  /** Returns Σ lot qty × (mark − lotPrice) × contractSize × side, exactly ("0" when flat or unknown). */
  unrealizedPnl(instrument: string, mark: string): string {
    const b = this.books.get(instrument);
    return decText(b ? this.unrealized(b, dec(mark, 'mark')) : ZERO);
  }

  /**
   * Returns realized PnL minus quote-valued fees: of every fill, or of fills with ts ≥ sinceTs
   * (the daily loss limit). Records beyond the bound are dropped oldest first (`coveredSince`).
   */
  realizedPnl(sinceTs?: number): string {
    let sum: Dec = ZERO;
    if (sinceTs === undefined) {
      for (const b of this.books.values()) sum = add(sum, sub(b.realized, b.fees));
    } else {
      for (const r of this.records) if (r.ts >= sinceTs) sum = add(sum, r.pnl);
    }
    return decText(sum);
  }

  /** Returns the earliest `sinceTs` for which `realizedPnl(sinceTs)` is complete (-Infinity when nothing was dropped). */
  coveredSince(): number {
    return this.droppedThrough === undefined ? -Infinity : this.droppedThrough + 1;
  }

  /**
   * Returns equity in quote units: balances of quote assets (USD-like counted as one unit) plus the
   * unrealized PnL of perps and the value of spot base holdings at their instrument's mark. A perp
   * or spot holding without a mark adds nothing beyond its cash.
   */
  equity(marks: (instrument: string) => string | undefined, quoteAssets: readonly string[] = USD_LIKE): string {
    let sum: Dec = ZERO;
    for (const assets of this.bal.values()) {
      for (const [asset, d] of assets) if (quoteAssets.includes(asset)) sum = add(sum, d);
    }
    const valued = new Set<string>();
    for (const [id, b] of this.books) {
      const text = marks(id);
      if (text === undefined) continue;
      const mark = dec(text, 'mark');
      if (b.kind === 'perp') {
        sum = add(sum, this.unrealized(b, mark));
      } else if (quoteAssets.includes(b.quote) && !quoteAssets.includes(b.base)) {
        const key = `${b.venue}\u0000${b.base}`;
        if (valued.has(key)) continue; // two markets of one holding: value it once
        valued.add(key);
        sum = add(sum, mul(this.bal.get(b.venue)?.get(b.base) ?? ZERO, mark));
      }
    }
    return decText(sum);
  }

  /** Returns the persisted form; `Ledger.from` restores it exactly. */
  toJSON(): LedgerState {
    const instruments: Record<string, InstrumentState> = {};
    for (const [id, b] of this.books) {
      instruments[id] = {
        venue: b.venue,
        kind: b.kind,
        base: b.base,
        quote: b.quote,
        contractSize: decText(b.cs),
        side: b.side,
        lots: b.lots.map((l) => [decText(l.qty), decText(l.price)]),
        realized: decText(b.realized),
        fees: decText(b.fees),
        otherFees: Object.fromEntries([...b.otherFees].map(([a, d]) => [a, decText(d)])),
        fills: b.fills,
        tradeIds: [...b.seenOrder],
      };
    }
    const state: LedgerState = {
      v: 1,
      balances: this.balances(),
      instruments,
      records: this.records.map((r) => [r.ts, decText(r.pnl)]),
    };
    return this.droppedThrough === undefined ? state : { ...state, droppedThrough: this.droppedThrough };
  }

  /** Returns a ledger restored from `toJSON()` output. */
  static from(state: LedgerState, options: LedgerOptions = {}): Ledger {
    const l = new Ledger(options);
    for (const [venue, assets] of Object.entries(state.balances)) {
      for (const [asset, total] of Object.entries(assets)) l.setBalance(venue, asset, total);
    }
    for (const [id, s] of Object.entries(state.instruments)) {
      const book: Book = {
        venue: s.venue,
        kind: s.kind,
        base: s.base,
        quote: s.quote,
        cs: dec(s.contractSize, 'contractSize'),
        side: s.side,
        lots: s.lots.map(([q, p]) => ({ qty: dec(q, 'lot qty'), price: dec(p, 'lot price') })),
        realized: dec(s.realized, 'realized'),
        fees: dec(s.fees, 'fees'),
        otherFees: new Map(Object.entries(s.otherFees).map(([a, t]) => [a, dec(t, 'fee')])),
        fills: s.fills,
        seen: new Set(s.tradeIds.slice(-l.tradeIdMemory)),
        seenOrder: s.tradeIds.slice(-l.tradeIdMemory),
      };
      l.books.set(id, book);
    }
    // A smaller bound than the one that wrote the state drops the oldest records and ids on load.
    const drop = Math.max(0, state.records.length - l.maxRecords);
    l.records = state.records.slice(drop).map(([ts, pnl]) => ({ ts, pnl: dec(pnl, 'record') }));
    l.droppedThrough = drop > 0 ? state.records[drop - 1]![0] : state.droppedThrough;
    return l;
  }

  private assets(venue: string): Map<string, Dec> {
    let m = this.bal.get(venue);
    if (!m) this.bal.set(venue, (m = new Map()));
    return m;
  }

  private credit(venue: string, asset: string, amount: Dec): void {
    const m = this.assets(venue);
    m.set(asset, trim(add(m.get(asset) ?? ZERO, amount)));
  }

  private book(f: LedgerFill, cs: Dec): Book {
    let b = this.books.get(f.instrument);
    if (!b) {
      b = {
        venue: f.venue,
        kind: f.kind,
        base: f.base,
        quote: f.quote,
        cs: trim(cs),
        side: 0,
        lots: [],
        realized: ZERO,
        fees: ZERO,
        otherFees: new Map(),
        fills: 0,
        seen: new Set(),
        seenOrder: [],
      };
      this.books.set(f.instrument, b);
    }
    return b;
  }

  private remember(b: Book, tradeId: string): void {
    b.seen.add(tradeId);
    b.seenOrder.push(tradeId);
    if (b.seenOrder.length > this.tradeIdMemory) b.seen.delete(b.seenOrder.shift()!);
  }

  /** Moves a perp position by a signed fill; returns the PnL realized by the lots it closed. */
  private trade(b: Book, dir: number, qty: Dec, price: Dec): Dec {
    let left = qty;
    let realized: Dec = ZERO;
    // Closing: consume the oldest lots first while the fill opposes the position.
    while (b.side === -dir && b.lots.length > 0 && sign(left) > 0) {
      const lot = b.lots[0]!;
      const closed = min(lot.qty, left);
      realized = add(realized, mul(mul(closed, sub(price, lot.price)), b.side > 0 ? b.cs : neg(b.cs)));
      left = sub(left, closed);
      lot.qty = trim(sub(lot.qty, closed));
      if (isZero(lot.qty)) b.lots.shift();
    }
    if (b.lots.length === 0) b.side = 0;
    if (sign(left) > 0) {
      b.side = dir;
      b.lots.push({ qty: trim(left), price: trim(price) });
    }
    return trim(realized);
  }

  private unrealized(b: Book, mark: Dec): Dec {
    if (b.kind !== 'perp' || b.side === 0) return ZERO;
    let sum: Dec = ZERO;
    for (const l of b.lots) sum = add(sum, mul(l.qty, sub(mark, l.price)));
    return mul(sum, b.side > 0 ? b.cs : neg(b.cs));
  }
}

