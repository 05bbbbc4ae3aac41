/**
 * A finished saga as a trade: its `trade_audit.csv` row and the exposure it explains.
 *
 * Every amount is exact (decimals). The row's PnL is the sum of the legs' cash flows (sells
 * minus buys, at their fill prices) minus every fee, over all the saga's orders: the opening
 * legs, retries, unwinds and exits. `qty` is the base bought (equal to the base sold when the
 * trade ends flat; a perp–perp round trip buys twice: on one venue to open, on the other to
 * close), `entry` the average buy price and `exit` the average sell price, so a flat trade has
 * pnl = (exit − entry) × qty − fees. A residue left as dust (below any venue's minimum) is
 * valued at the price it was bought or sold at, neutral to the PnL.
 */
import { add, cmp, decOf, decText, div, isZero, mul, parseDec, sub, ZERO, type Dec } from '../../model/decimal.ts';
import type { Instrument } from '../../model/instrument.ts';
import { held, type SagaOrder, type TwoLegContext } from '../../../machines/twoLeg.machine.ts';
import type { TradeAuditRow } from '../../execution/tradeAudit.ts';

const dec = (text: string): Dec => parseDec(text) ?? ZERO;

/** Returns a number of fine units as exact base text. */
export function unitsText(fine: string, units: number): string {
  return decText(mul(decOf(units, 0), dec(fine)));
}

/** Returns a base quantity in the instrument's size unit (contracts where one contract is not one unit of base). */
export function instrumentQty(base: string, inst: Pick<Instrument, 'contractSize'>): string {
  if (inst.contractSize === '1') return base;
  return decText(div(dec(base), dec(inst.contractSize), 12, 'floor'));
}

interface Side {
  base: Dec;
  notional: Dec;
}

function sideTotals(ctx: TwoLegContext, pick: (o: SagaOrder) => boolean): { buy: Side; sell: Side; fees: Dec } {
  const buy: Side = { base: ZERO, notional: ZERO };
  const sell: Side = { base: ZERO, notional: ZERO };
  let fees = ZERO;
  for (const o of ctx.orders) {
    if (!pick(o)) continue;
    fees = add(fees, dec(o.fee));
    if (o.filled === 0 || o.avgPrice === null) continue;
    const base = mul(decOf(o.filled, 0), dec(ctx.fine));
    const s = o.side === 'buy' ? buy : sell;
    s.base = add(s.base, base);
    s.notional = add(s.notional, mul(base, dec(o.avgPrice)));
  }
  return { buy, sell, fees };
}

const avg = (s: Side): Dec => (isZero(s.base) ? ZERO : div(s.notional, s.base, 12, 'half'));

/** Returns the weighted slippage of the opening orders in bps against the prices the decision saw (positive = worse). */
function slippageBps(ctx: TwoLegContext): number {
  let weight = 0;
  let sum = 0;
  for (const o of ctx.orders) {
    if ((o.purpose !== 'open' && o.purpose !== 'retry') || o.filled === 0 || o.avgPrice === null) continue;
    const seen = ctx.legs[o.leg].seenPrice;
    const fill = Number(o.avgPrice);
    const bps = ((o.side === 'buy' ? fill - seen : seen - fill) / seen) * 1e4;
    sum += bps * o.filled;
    weight += o.filled;
  }
  return weight === 0 ? 0 : Math.round((sum / weight) * 100) / 100;
}

/** Returns the trade_audit.csv row of a finished saga, or undefined when nothing filled. */
export function auditRow(ctx: TwoLegContext): TradeAuditRow | undefined {
  if (!ctx.orders.some((o) => o.filled > 0)) return undefined;
  const { buy, sell, fees } = sideTotals(ctx, () => true);
  let pnl = sub(sub(sell.notional, buy.notional), fees);
  // A residue (dust, or a leg a failed saga left open) is valued at its own average price.
  const excess = sub(buy.base, sell.base);
  if (!isZero(excess)) pnl = add(pnl, mul(excess, cmp(excess, ZERO) > 0 ? avg(buy) : avg(sell)));
  const outcome = cmp(pnl, ZERO) > 0 ? 'win' : cmp(pnl, ZERO) < 0 ? 'loss' : 'flat';
  const closed = ctx.closedAt ?? ctx.decidedAt;
  return {
    id: ctx.id,
    strategy: 'arbitrage',
    instruments: [ctx.legs.a.instrument, ctx.legs.b.instrument],
    opened: ctx.decidedAt,
    closed,
    side: `${ctx.legs.a.side}|${ctx.legs.b.side}`,
    qty: decText(buy.base),
    entry: decText(avg(buy)),
    exit: decText(avg(sell)),
    fees: decText(fees),
    slippageBps: slippageBps(ctx),
    latencyMs: Math.max(0, (ctx.hedgedAt ?? closed) - ctx.decidedAt),
    pnl: decText(pnl),
    outcome,
  };
}

/**
 * Returns the signed base a saga holds net across its legs: long on `a` minus short on `b`, less
 * the fees paid in base (a spot buy charged in the coin receives that much less of it).
 */
export function sagaNet(ctx: Pick<TwoLegContext, 'legs' | 'orders' | 'fine'>): number {
  let net = mul(decOf(held(ctx, 'a') - held(ctx, 'b'), 0), dec(ctx.fine));
  for (const o of ctx.orders) if (o.feeBase) net = sub(net, dec(o.feeBase));
  return Number(decText(net));
}
