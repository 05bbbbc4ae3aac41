/**
 * From an armed route to a trade plan: the edge a route can bank (perp–perp pays its exit and
 * counts funding), the size (sizing.ts), the edge again at exactly that size (never an entry
 * that is negative after every cost), the legs' IOC limits (the walked worst price plus the
 * slippage buffer, rounded onto the grid in one place) and what the trade takes from each
 * balance, so that routes competing for the same balance can be allocated by score.
 */
import type { FleetConfig } from '../../config/schema.ts';
import type { Instrument, InstrumentKind } from '../../model/instrument.ts';
import { decOfNumber, decText, parseDec } from '../../model/decimal.ts';
import { roundOrder } from '../../risk/orderRules.ts';
import { newOrder, type TwoLegInput } from '../../../machines/twoLeg.machine.ts';
import { directionEdge, type Edge, type EdgeParams, type LegBook } from './edge.ts';
import { pairGrid } from './pairGrid.ts';
import { legNeed } from './rebalance.ts';
import { sizeTrade } from './sizing.ts';
import { instrumentQty } from './trade.ts';
import { depthWithin } from './vwap.ts';

/** The edge a route can bank, with the funding it counted (bps). */
export type RouteEdge = Edge & { readonly fundingBps: number };

/**
 * Returns the bankable edge. Spot–spot: the engine's net edge. Perp–perp: the profit comes when
 * the spread converges, so the exit's taker fees and the spread left at the exit threshold are
 * paid too, and `fundingBps` (what the short leg receives minus what the long one pays before
 * the maximum hold ends) is added.
 */
export function routeEdge(kind: InstrumentKind, buy: LegBook, sell: LegBook, dir: 'a' | 'b', qty: number, vol: number, p: EdgeParams, exitEdgeBps: number, fundingBps: number): RouteEdge | undefined {
  const e = directionEdge(buy, sell, dir, qty, vol, p);
  if (!e) return undefined;
  if (kind === 'spot') return { ...e, fundingBps: 0 };
  const exitCost = e.feesBps + exitEdgeBps;
  return { ...e, feesBps: 2 * e.feesBps, fundingBps, netBps: e.netBps - exitCost + fundingBps };
}

export interface PlanInputs {
  readonly routeId: string;
  readonly kind: InstrumentKind;
  readonly buy: LegBook;
  readonly sell: LegBook;
  readonly dir: 'a' | 'b';
  readonly seen: Edge;
  readonly vol: number;
  readonly budgetQuote: number;
  readonly fundingBps: number;
  readonly free: (inst: Instrument, asset: string) => number;
  /** Share (0–1) of a venue's rate limit left. */
  readonly headroom: (inst: Instrument) => number;
  readonly config: FleetConfig;
  readonly params: EdgeParams;
  readonly now: number;
}

/** A trade ready to launch: the saga's input (without its id), the decision's numbers and its needs per `venue|asset`. */
export interface TradePlan {
  readonly routeId: string;
  readonly input: Omit<TwoLegInput, 'id'>;
  readonly decision: Record<string, unknown>;
  readonly needs: readonly { readonly key: string; readonly amount: number }[];
  readonly edge: RouteEdge;
}

/** Returns the plan of a trade on an armed route, or why there is none. */
export function planTrade(i: PlanInputs): TradePlan | string {
  const { buy, sell, config } = i;
  const arb = config.arbitrage;
  const grid = pairGrid(buy.inst, sell.inst);
  const leverage = config.execution.leverage;
  const sizing = sizeTrade({
    grid,
    buy: buy.inst,
    sell: sell.inst,
    buyPrice: i.seen.buyVwap,
    sellPrice: i.seen.sellVwap,
    budgetQuote: i.budgetQuote,
    depthBase: { buy: depthWithin(buy.asks, buy.inst, arb.slippageCapBps), sell: depthWithin(sell.bids, sell.inst, arb.slippageCapBps) },
    free: { buyQuote: i.free(buy.inst, buy.inst.quote), sellQuote: i.free(sell.inst, sell.inst.quote), sellBase: i.free(sell.inst, sell.inst.base) },
    leverage,
    headroom: { buy: i.headroom(buy.inst) * 100, sell: i.headroom(sell.inst) * 100 },
    minOrdersHeadroom: arb.minRateHeadroomPct,
  });
  if (!sizing.ok) return sizing.reason;
  const qty = Number(sizing.qtyBase);
  const e = routeEdge(i.kind, buy, sell, i.dir, qty, i.vol, i.params, arb.exitEdgeBps, i.fundingBps);
  if (!e || e.qtyBase + 1e-12 < qty) return `the books no longer cover ${sizing.qtyBase}`;
  if (e.netBps < e.thresholdBps) return `edge at ${sizing.qtyBase} is ${e.netBps.toFixed(2)} bps, below the ${e.thresholdBps.toFixed(2)} bps threshold`;
  const slip = arb.slippageBufferBps / 1e4;
  const buyLimit = roundOrder(buy.inst, { side: 'buy', qty: instrumentQty(sizing.qtyBase, buy.inst), price: e.buyWorst * (1 + slip) }, 'aggressive');
  if (!buyLimit.ok) return buyLimit.reason;
  const sellLimit = roundOrder(sell.inst, { side: 'sell', qty: instrumentQty(sizing.qtyBase, sell.inst), price: e.sellWorst * (1 - slip) }, 'aggressive');
  if (!sellLimit.ok) return sellLimit.reason;
  const units = sizing.units;
  const needs = ([[buy.inst, 'buy', e.buyVwap], [sell.inst, 'sell', e.sellVwap]] as const).map(([inst, side, price]) => {
    const [asset, amount] = legNeed({ ...inst, leverage }, side, parseDec(sizing.qtyBase)!, decOfNumber(price));
    return { key: `${inst.venue}|${asset}`, amount: Number(decText(amount)) };
  });
  return {
    routeId: i.routeId,
    edge: e,
    needs,
    decision: {
      buy: buy.inst.id, sell: sell.inst.id, qty: sizing.qtyBase, limitedBy: sizing.limitedBy,
      buyVwap: e.buyVwap, sellVwap: e.sellVwap, grossBps: e.grossBps, feesBps: e.feesBps, slippageBps: e.slippageBps,
      latencyBps: e.latencyBps, fundingBps: e.fundingBps, netBps: e.netBps, thresholdBps: e.thresholdBps, volBps: e.volBps,
      buyLimit: buyLimit.price, sellLimit: sellLimit.price,
    },
    input: {
      route: i.routeId,
      kind: i.kind,
      legs: {
        a: { instrument: buy.inst.id, side: 'buy', unitsPerLot: grid.unitsPerLotA, seenPrice: e.buyVwap },
        b: { instrument: sell.inst.id, side: 'sell', unitsPerLot: grid.unitsPerLotB, seenPrice: e.sellVwap },
      },
      units,
      fine: grid.fine,
      orders: [
        newOrder({ key: 'a:open', leg: 'a', purpose: 'open', side: 'buy', units, limitPrice: buyLimit.price ?? null, reduceOnly: false }),
        newOrder({ key: 'b:open', leg: 'b', purpose: 'open', side: 'sell', units, limitPrice: sellLimit.price ?? null, reduceOnly: false }),
      ],
      maxRecoveries: arb.maxRecoveries,
      legTimeoutMs: arb.legTimeoutMs,
      orphanGraceMs: arb.orphanGraceMs,
      holdUntil: i.kind === 'perp' ? i.now + arb.maxHoldMs : null,
      decidedAt: i.now,
      seenNetBps: e.netBps,
    },
  };
}
