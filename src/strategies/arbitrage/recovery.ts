/**
 * What an orphaned saga does next, decided on the books of the moment:
 *  - opening: a leg that did not fill at all is re-tried if its price is still within
 *    `retryGuardBps` of what the decision saw (and a retry is left before the last attempt, which
 *    is kept for the unwind), else the filled leg is unwound, no worse than `maxUnwindLossBps`
 *    from its fill price; a leg that filled in part is not topped up: the trade hedges only the
 *    filled quantity and the other leg's excess is unwound;
 *  - exiting: close what one leg still holds beyond the other, at market, reduce-only;
 *  - a difference below one lot (or a venue minimum) on every side is dust: accepted and logged.
 * Prices are floats for the guard; what leaves is rounded onto the instrument's grid in one
 * place (orderRules), aggressive so an IOC limit crosses the spread.
 */
import { held, newOrder, type LegName, type SagaOrder, type TwoLegContext, type TwoLegEvent } from '../../../machines/twoLeg.machine.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { OrderBook } from '../../market/orderBook.ts';
import { roundOrder } from '../../risk/orderRules.ts';
import { decOf, decOfNumber, decText, div, mul } from '../../model/decimal.ts';

export interface RecoveryParams {
  readonly retryGuardBps: number;
  readonly maxUnwindLossBps: number;
}

export interface RecoveryView {
  instrument(id: string): Instrument | undefined;
  /** A synced book, or undefined. */
  book(id: string): OrderBook | undefined;
  /** New risk may be taken (the portfolio is normal): otherwise only unwinds. */
  readonly mayAddRisk: boolean;
}

type RecoveryEvent = Extract<TwoLegEvent, { type: 'recovery.retry' | 'recovery.unwind' | 'recovery.dust' | 'recovery.give_up' }>;

/** Returns price × (1 ± bps / 1e4) exactly: a float product can land a hair off an on-grid price and round a whole tick past it. */
function shifted(price: number, bps: number, up: boolean): number {
  const factor = decOfNumber(up ? 1e4 + bps : 1e4 - bps);
  return Number(decText(div(mul(decOfNumber(price), factor), decOf(10_000, 0), 12, up ? 'ceil' : 'floor')));
}

const other = (leg: LegName): LegName => (leg === 'a' ? 'b' : 'a');
const flip = (side: 'buy' | 'sell'): 'buy' | 'sell' => (side === 'buy' ? 'sell' : 'buy');

/** Returns the average fill price of a leg's orders of one side (quote per base), NaN without fills. */
function avgFill(ctx: TwoLegContext, leg: LegName, side: 'buy' | 'sell'): number {
  let qty = 0;
  let notional = 0;
  for (const o of ctx.orders) {
    if (o.leg !== leg || o.side !== side || o.filled === 0 || o.avgPrice === null) continue;
    qty += o.filled;
    notional += o.filled * Number(o.avgPrice);
  }
  return qty > 0 ? notional / qty : NaN;
}

/** Returns the VWAP (quote per base) of taking `lots` from the side a `side` order would hit, NaN if the book is short. */
function bookPrice(book: OrderBook, inst: Instrument, side: 'buy' | 'sell', lots: number): number {
  const w = (side === 'buy' ? book.asks : book.bids).walk(lots);
  return w.filled < lots ? NaN : inst.price.toNumber(w.notional / w.filled);
}

/** Returns the order key for the next recovery order of a saga. */
function key(ctx: TwoLegContext, leg: LegName, purpose: 'retry' | 'unwind'): string {
  return `${leg}:${purpose}:${ctx.recoveries + 1}`;
}

/** Returns a recovery order rounded onto the grid, or why it cannot be placed. */
function order(ctx: TwoLegContext, inst: Instrument, leg: LegName, purpose: 'retry' | 'unwind', side: 'buy' | 'sell', units: number, limit: number | null, reduceOnly: boolean): SagaOrder | string {
  const perLot = ctx.legs[leg].unitsPerLot;
  const lots = Math.floor(units / perLot);
  if (lots < 1) return `${units} units is below one lot of ${inst.id}`;
  const qty = inst.qty.toText(lots);
  const r = roundOrder(inst, limit === null ? { side, qty } : { side, qty, price: limit }, 'aggressive');
  if (!r.ok) return r.reason;
  return newOrder({ key: key(ctx, leg, purpose), leg, purpose, side, units: lots * perLot, limitPrice: r.price ?? null, reduceOnly });
}

/** Returns what an orphaned saga should do now. */
export function planRecovery(ctx: TwoLegContext, view: RecoveryView, p: RecoveryParams, at: number): RecoveryEvent | undefined {
  const diff = held(ctx, 'a') - held(ctx, 'b');
  if (diff === 0) return undefined;
  const perp = ctx.kind === 'perp';
  if (ctx.phase === 'exit') {
    // Whichever leg still holds more closes the difference; closing never waits for a price.
    const leg: LegName = Math.abs(held(ctx, 'a')) > Math.abs(held(ctx, 'b')) ? 'a' : 'b';
    const inst = view.instrument(ctx.legs[leg].instrument);
    if (!inst) return { type: 'recovery.give_up', at, why: `unknown instrument ${ctx.legs[leg].instrument}` };
    // Reduce what the leg holds: against its opening side, or with it when it closed too much.
    const side = held(ctx, leg) > 0 ? flip(ctx.legs[leg].side) : ctx.legs[leg].side;
    const o = order(ctx, inst, leg, 'unwind', side, Math.abs(diff), null, perp);
    if (typeof o === 'string') return { type: 'recovery.dust', at, units: Math.abs(diff), why: `closing the rest: ${o}` };
    return { type: 'recovery.unwind', at, order: o, why: `exit left ${Math.abs(diff)} units more on ${leg}` };
  }
  const lagging: LegName = diff > 0 ? 'b' : 'a';
  const leading = other(lagging);
  const missing = Math.abs(diff);
  const lag = ctx.legs[lagging];
  const lagInst = view.instrument(lag.instrument);
  const lagBook = view.book(lag.instrument);
  let why = '';
  // The last attempt is kept for the unwind: a retry that keeps missing must not use them all.
  if (!view.mayAddRisk) why = 'the portfolio takes no new risk';
  else if (held(ctx, lagging) !== 0) why = `${lagging} filled in part: the trade hedges only the filled quantity`;
  else if (ctx.recoveries >= ctx.maxRecoveries - 1) why = 'retries used up';
  else if (!lagInst || !lagBook) why = `no synced book for ${lag.instrument}`;
  else {
    const lots = Math.floor(missing / lag.unitsPerLot);
    const price = lots > 0 ? bookPrice(lagBook, lagInst, lag.side, lots) : NaN;
    const guard = shifted(lag.seenPrice, p.retryGuardBps, lag.side === 'buy');
    const within = lag.side === 'buy' ? price <= guard : price >= guard;
    if (lots < 1) why = `the missing ${missing} units are below one lot of ${lag.instrument}`;
    else if (!Number.isFinite(price)) why = `${lag.instrument}'s book cannot fill ${lagInst.qty.toText(lots)}`;
    else if (!within) why = `${lag.instrument} at ${price} is beyond the ${p.retryGuardBps} bps guard around ${lag.seenPrice}`;
    else {
      const o = order(ctx, lagInst, lagging, 'retry', lag.side, missing, guard, false);
      if (typeof o !== 'string') return { type: 'recovery.retry', at, order: o, why: `retry ${lagging} within the guard at ${guard}` };
      why = o;
    }
  }
  const lead = ctx.legs[leading];
  const leadInst = view.instrument(lead.instrument);
  if (!leadInst) return { type: 'recovery.give_up', at, why: `unknown instrument ${lead.instrument}` };
  const side = flip(lead.side);
  const fill = avgFill(ctx, leading, lead.side);
  const base = Number.isFinite(fill) ? fill : lead.seenPrice;
  const limit = shifted(base, p.maxUnwindLossBps, side === 'buy');
  const o = order(ctx, leadInst, leading, 'unwind', side, missing, limit, perp);
  if (typeof o === 'string') return { type: 'recovery.dust', at, units: missing, why: `no retry (${why}) and no unwind: ${o}` };
  return { type: 'recovery.unwind', at, order: o, why: `unwind ${leading}: ${why}` };
}
