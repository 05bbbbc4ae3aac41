/**
 * One scalp in the trading modes, as data: the decision, its orders and the exit state, kept in
 * the store before any order leaves so a restart finds every order it placed. The money is
 * exact: each order's fills are kept as integer lots and lot×tick sums (the order actor's own
 * counts) and turned into decimals with the instrument's steps only here.
 *
 * The audit row (trade_audit.csv, strategy `scalper`): `qty` the base bought to open (sold for a
 * short), `entry` / `exit` the average fill prices of the entry and exit orders, `fees` every
 * order's fees in quote, pnl = (exit − entry) × qty × (+1 long, −1 short) − fees; a residue the
 * exits did not cover (a position closed by the kill switch, whose orders are not the scalper's)
 * is valued at the mark given, and the row says so in the event log, not in the file.
 */
import { add, cmp, decOf, decOfNumber, decText, div, isZero, mul, parseDec, sub, ZERO, type Dec } from '../../model/decimal.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { TradeAuditRow } from '../../execution/tradeAudit.ts';
import type { ExitState, CloseReason } from './manage.ts';
import type { TradeSide } from './tpsl.ts';
import type { SignalTier } from './signals.ts';

export type ScalpPhase = 'entering' | 'open' | 'closed';

/** One order of a scalp and what it did (kept when the order actor is retired). */
export interface ScalpOrder {
  readonly cid: string;
  readonly role: 'entry' | 'exit';
  /** maker: post-only at the touch; taker: IOC through it; market: a close. */
  readonly kind: 'maker' | 'taker' | 'market';
  readonly attempt: number;
  readonly qty: string;
  readonly price: string | null;
  readonly reason?: CloseReason | 'adopted';
  status: string;
  /** Filled lots, Σ lots × ticks of the fills, fees in quote. */
  filled: number;
  lotTicks: number;
  fee: string;
  done: boolean;
  firstFillAt: number | null;
}

/** What the service decided to open. */
export interface EntryRequest {
  readonly instrument: string;
  readonly side: TradeSide;
  readonly category: string;
  readonly tier: SignalTier;
  readonly quality: number;
  readonly conditions: readonly string[];
  /** The mid the decision saw (slippage is measured against it). */
  readonly decisionMid: number;
  /** The stop's distance from the entry as a fraction (re-applied to the actual fill price). */
  readonly stopFrac: number;
  readonly minMoveBps: number;
  readonly feesBps: number;
  /** In the instrument's size unit (not yet on the grid). */
  readonly qty: number;
}

export interface ScalpTrade extends Omit<EntryRequest, 'qty'> {
  readonly id: string;
  readonly decidedAt: number;
  /** The entry size on the instrument's grid, in its size unit. */
  readonly qty: string;
  phase: ScalpPhase;
  /** The chart or the operator asked to cancel the entry: no taker fallback follows. */
  cancelRequested: boolean;
  makerDeadline: number | null;
  orders: ScalpOrder[];
  exit: ExitState | null;
  openedAt: number | null;
  closedAt: number | null;
  closeReason: string | null;
  /** Close orders sent that did not finish the position. */
  exitAttempts: number;
}

const dec = (t: string): Dec => parseDec(t) ?? ZERO;

/** Returns the base units in one lot of the instrument. */
function basePerLot(inst: Instrument): Dec {
  return mul(dec(inst.lotSize), dec(inst.contractSize));
}

interface Totals {
  lots: number;
  lotTicks: number;
}

function totals(t: ScalpTrade, role: ScalpOrder['role']): Totals {
  let lots = 0;
  let lotTicks = 0;
  for (const o of t.orders) {
    if (o.role !== role) continue;
    lots += o.filled;
    lotTicks += o.lotTicks;
  }
  return { lots, lotTicks };
}

/** Returns the lots the entries filled and the lots the exits closed. */
export function filledLots(t: ScalpTrade): { entry: number; exit: number; open: number } {
  const entry = totals(t, 'entry').lots;
  const exit = totals(t, 'exit').lots;
  return { entry, exit, open: Math.max(0, entry - exit) };
}

/** Returns the base units the entries filled, exact (OKX contracts times their size, say). */
export function entryBaseQty(t: ScalpTrade, inst: Instrument): string {
  return decText(mul(decOf(totals(t, 'entry').lots, 0), basePerLot(inst)));
}

/** Returns the average fill price (quote float) of the entries, or NaN before a fill. */
export function entryPrice(t: ScalpTrade, inst: Instrument): number {
  const e = totals(t, 'entry');
  return e.lots === 0 ? NaN : inst.price.toNumber(e.lotTicks / e.lots);
}

/** Returns a working order of the role, if any. */
export function working(t: ScalpTrade, role: ScalpOrder['role']): ScalpOrder | undefined {
  return t.orders.find((o) => o.role === role && !o.done);
}

/** Returns the trade_audit.csv row of a closed scalp (undefined when nothing filled). */
export function scalpAuditRow(t: ScalpTrade, inst: Instrument, markForResidue: number): TradeAuditRow | undefined {
  const e = totals(t, 'entry');
  if (e.lots === 0) return undefined;
  const x = totals(t, 'exit');
  const perLot = basePerLot(inst);
  const tick = dec(inst.tickSize);
  const quoteOf = (lotTicks: number): Dec => mul(mul(decOf(lotTicks, 0), perLot), tick);
  const entryBase = mul(decOf(e.lots, 0), perLot);
  let exitBase = mul(decOf(x.lots, 0), perLot);
  let exitQuote = quoteOf(x.lotTicks);
  // What the exits did not close (a kill-switch flatten): valued at the mark.
  const residue = sub(entryBase, exitBase);
  if (cmp(residue, ZERO) > 0) {
    const mark = Number.isFinite(markForResidue) && markForResidue > 0 ? decOfNumber(markForResidue) : ZERO;
    exitQuote = add(exitQuote, mul(residue, mark));
    exitBase = entryBase;
  }
  let fees = ZERO;
  for (const o of t.orders) fees = add(fees, dec(o.fee));
  const entryQuote = quoteOf(e.lotTicks);
  const gross = t.side === 'long' ? sub(exitQuote, entryQuote) : sub(entryQuote, exitQuote);
  const pnl = sub(gross, fees);
  const avgEntry = div(entryQuote, entryBase, 12, 'half');
  const avgExit = isZero(exitBase) ? ZERO : div(exitQuote, exitBase, 12, 'half');
  const entryF = Number(decText(avgEntry));
  const slip = t.decisionMid > 0 ? ((t.side === 'long' ? entryF - t.decisionMid : t.decisionMid - entryF) / t.decisionMid) * 1e4 : 0;
  const firstFill = Math.min(...t.orders.filter((o) => o.role === 'entry' && o.firstFillAt !== null).map((o) => o.firstFillAt!));
  const closed = t.closedAt ?? t.openedAt ?? t.decidedAt;
  return {
    id: t.id,
    strategy: 'scalper',
    instruments: [t.instrument],
    opened: t.openedAt ?? t.decidedAt,
    closed,
    side: t.side,
    qty: decText(entryBase),
    entry: decText(avgEntry),
    exit: decText(avgExit),
    fees: decText(fees),
    slippageBps: Math.round(slip * 100) / 100,
    latencyMs: Number.isFinite(firstFill) ? Math.max(0, firstFill - t.decidedAt) : 0,
    pnl: decText(pnl),
  };
}
