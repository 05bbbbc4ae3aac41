/**
 * Smart sizing of a two-leg trade: the smallest of
 *   budget     budgetQuote / max(buyPrice, sellPrice) (the larger leg's notional stays within it)
 *   depth      the base both books hold within the slippage cap (depthBase.buy, depthBase.sell)
 *   balance    buy venue: freeQuote / buyPrice (× leverage on a perp);
 *              sell venue: spot → free base, perp → freeQuote / sellPrice × leverage
 * with the rate-limit headroom as a gate (fewer than minOrdersHeadroom orders left on either
 * venue ⇒ no trade), rounded down to the pair grid's coarse step (a whole lot on both legs),
 * then checked against both instruments' minimum quantity (in their size unit, base /
 * contractSize) and minimum notional, with exact decimals. Ties go to the earlier constraint in
 * that list, so `limitedBy` is stable.
 */
import type { Instrument } from '../../model/instrument.ts';
import { cmp, decOfNumber, decText, div, mul, parseDec, type Dec } from '../../model/decimal.ts';
import { unitsToBase, type PairGrid } from './pairGrid.ts';

export interface SizingInputs {
  readonly grid: PairGrid;
  readonly buy: Instrument;
  readonly sell: Instrument;
  /** The edge's VWAPs, quote per base. */
  readonly buyPrice: number;
  readonly sellPrice: number;
  readonly budgetQuote: number;
  readonly depthBase: { readonly buy: number; readonly sell: number };
  readonly free: { readonly buyQuote: number; readonly sellQuote: number; readonly sellBase: number };
  /** Applies to perps only; spot legs are ×1. */
  readonly leverage: number;
  /** Orders each venue's rate limit still allows now. */
  readonly headroom: { readonly buy: number; readonly sell: number };
  readonly minOrdersHeadroom: number;
}

export type Sizing =
  | { readonly ok: true; readonly qtyBase: string; readonly units: number; readonly limitedBy: string; readonly notionalQuote: number }
  | { readonly ok: false; readonly reason: string; readonly limitedBy: string };

function exact(text: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  return d;
}

/** Returns a positive finite cap, or 0 for anything else (NaN balance, negative depth). */
function cap(x: number): number {
  return x > 0 && Number.isFinite(x) ? x : x === Infinity ? Infinity : 0;
}

const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x));

/** Returns the size of a two-leg trade (exact base text on the coarse grid) or why there is none. */
export function sizeTrade(i: SizingInputs): Sizing {
  const { buy, sell, grid } = i;
  if (i.headroom.buy < i.minOrdersHeadroom) {
    return { ok: false, limitedBy: `rate:${buy.id}`, reason: `only ${i.headroom.buy} orders left in ${buy.venue}'s rate limit (need ${i.minOrdersHeadroom})` };
  }
  if (i.headroom.sell < i.minOrdersHeadroom) {
    return { ok: false, limitedBy: `rate:${sell.id}`, reason: `only ${i.headroom.sell} orders left in ${sell.venue}'s rate limit (need ${i.minOrdersHeadroom})` };
  }
  if (!(i.buyPrice > 0 && i.sellPrice > 0 && Number.isFinite(i.buyPrice) && Number.isFinite(i.sellPrice))) {
    return { ok: false, limitedBy: 'price', reason: `no usable price (buy ${i.buyPrice}, sell ${i.sellPrice})` };
  }
  const buyLev = buy.kind === 'perp' ? i.leverage : 1;
  const sellLev = sell.kind === 'perp' ? i.leverage : 1;
  const caps: readonly [string, number, string][] = [
    ['budget', cap(i.budgetQuote / Math.max(i.buyPrice, i.sellPrice)), `the budget of ${fmt(i.budgetQuote)} ${buy.quote}`],
    ['depth', Math.min(cap(i.depthBase.buy), cap(i.depthBase.sell)), 'the depth both books show within the slippage cap'],
    [`balance:${buy.id}`, cap((i.free.buyQuote / i.buyPrice) * buyLev), `the free ${fmt(i.free.buyQuote)} ${buy.quote} on ${buy.venue}`],
    sell.kind === 'perp'
      ? [`balance:${sell.id}`, cap((i.free.sellQuote / i.sellPrice) * sellLev), `the free ${fmt(i.free.sellQuote)} ${sell.quote} on ${sell.venue}`]
      : [`balance:${sell.id}`, cap(i.free.sellBase), `the free ${fmt(i.free.sellBase)} ${sell.base} on ${sell.venue}`],
  ];
  let bind = caps[0]!;
  for (const c of caps) if (c[1] < bind[1]) bind = c;
  const [limitedBy, capBase, why] = bind;
  if (!Number.isFinite(capBase)) return { ok: false, limitedBy, reason: 'no finite limit on the size (budget, depth and balances all unbounded)' };

  const fine = Number(grid.fine);
  // The epsilon keeps 0.3 / 0.001 (299.99999999999994) at 300 units.
  const fineUnits = Math.floor(capBase / fine + 1e-9);
  const units = Math.floor(fineUnits / grid.coarseUnits) * grid.coarseUnits;
  if (units <= 0) {
    return { ok: false, limitedBy, reason: `${why} allows ${fmt(capBase)} ${buy.base}, less than one common lot of ${grid.coarse} ${buy.base}` };
  }
  const qtyBase = unitsToBase(grid, units);
  const base = exact(qtyBase);
  for (const [inst, price] of [[buy, i.buyPrice], [sell, i.sellPrice]] as const) {
    // The size in the instrument's own unit (contracts on OKX swaps) is exact: base is whole lots.
    const qty = div(base, exact(inst.contractSize), exact(inst.lotSize).s, 'floor');
    if (cmp(qty, exact(inst.minQty)) < 0) {
      return { ok: false, limitedBy: `minQty:${inst.id}`, reason: `${qtyBase} ${inst.base} (${decText(qty)} on ${inst.id}) is below its minimum quantity ${inst.minQty}, ${why} being the limit` };
    }
    const notional = mul(base, decOfNumber(price));
    if (cmp(notional, exact(inst.minNotional)) < 0) {
      return { ok: false, limitedBy: `minNotional:${inst.id}`, reason: `${qtyBase} ${inst.base} at ${fmt(price)} is ${fmt(Number(decText(notional)))} ${inst.quote}, below ${inst.id}'s minimum notional ${inst.minNotional}, ${why} being the limit` };
    }
  }
  return { ok: true, qtyBase, units, limitedBy, notionalQuote: Number(qtyBase) * i.buyPrice };
}
