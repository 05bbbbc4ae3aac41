/**
 * The net edge of a cross-venue trade, from executable prices: the VWAPs walked through both books
 * for the intended size, never the top of book. For a direction "buy on X, sell on Y" and a size q
 * (base):
 *
 *   q          = the smaller of what X's asks and Y's bids cover of the asked size (both VWAPs are
 *                for that q; undefined when either side covers nothing)
 *   mid        = (buyVwap + sellVwap) / 2
 *   gross      = (sellVwap − buyVwap) / mid × 1e4                       bps
 *   fees       = (takerFee X + takerFee Y) × 1e4                        bps
 *   slippage   = slippageBufferBps (what the book shows vs what fills; the walk is already in gross)
 *   latency    = latencyBufferBps + volMultiplier × vol × √(latencyMs / 1000)
 *   net        = gross − fees − slippage − latency
 *   threshold  = entryThreshold(vol): enter when net ≥ threshold
 *
 * Threshold curve (vol in bps/√s): vol ≤ calm → minNetEdgeBps; calm < vol ≤ max →
 * minNetEdgeBps + |minNetEdgeBps| × (vol/calm − 1), which for a positive minimum is
 * minNetEdgeBps × vol/calm (×2 at 2×calm, ×3 at 3×calm); vol > max, or unknown (NaN) → Infinity.
 *
 * Exit spread of a held perp–perp pair (long on the bought venue, short on the other): closing
 * sells on the bought venue's bids and buys on the sold venue's asks. Entry PnL + close PnL =
 * entry gross + (sellBack − buyBack), so the spread still to converge is (buyBack − sellBack) / mid
 * × 1e4: positive while the bought venue is still cheaper, ≤ exitEdgeBps ⇒ exit.
 */
import type { Instrument } from '../../model/instrument.ts';
import type { BookSide } from '../../market/orderBook.ts';
import { walkBase, type BaseWalk } from './vwap.ts';

export interface EdgeParams {
  /** Fixed buffer for what the book shows vs what fills. */
  readonly slippageBufferBps: number;
  /** Fixed part of the latency buffer. */
  readonly latencyBufferBps: number;
  /** Expected time from signal to both fills. */
  readonly latencyMs: number;
  /** Latency buffer += volMultiplier × vol (bps/√s) × √(latencyMs/1000). */
  readonly volMultiplier: number;
  /** Base entry threshold. */
  readonly minNetEdgeBps: number;
  /** Vol (bps/√s) up to which the threshold is the base one. */
  readonly calmVolBps: number;
  /** Vol above which the route does not trade at all. */
  readonly maxVolBps: number;
}

/** One venue's side of a route: its instrument, both book sides and its taker fee (a fraction). */
export interface LegBook {
  readonly inst: Instrument;
  readonly asks: BookSide;
  readonly bids: BookSide;
  readonly takerFee: number;
}

/** The net edge of one direction at one size; all bps. */
export interface Edge {
  readonly buy: 'a' | 'b';
  /** What both books cover, ≤ the size asked. */
  readonly qtyBase: number;
  readonly buyVwap: number;
  readonly sellVwap: number;
  readonly buyWorst: number;
  readonly sellWorst: number;
  readonly grossBps: number;
  readonly feesBps: number;
  readonly slippageBps: number;
  readonly latencyBps: number;
  readonly netBps: number;
  readonly thresholdBps: number;
  readonly volBps: number;
}

/** Returns the entry threshold in bps for a volatility in bps/√s (Infinity above maxVolBps or when unknown). */
export function entryThreshold(volBps: number, p: EdgeParams): number {
  if (!Number.isFinite(volBps) || volBps > p.maxVolBps) return Infinity;
  if (volBps <= p.calmVolBps || !(p.calmVolBps > 0)) return p.minNetEdgeBps;
  return p.minNetEdgeBps + Math.abs(p.minNetEdgeBps) * (volBps / p.calmVolBps - 1);
}

/** Returns the latency buffer in bps: the fixed part plus the move volatility allows during the latency. */
export function latencyBuffer(volBps: number, p: EdgeParams): number {
  // An unknown vol never trades (threshold Infinity); price its buffer at the ceiling all the same.
  const vol = Number.isFinite(volBps) ? Math.max(0, volBps) : p.maxVolBps;
  return p.latencyBufferBps + p.volMultiplier * vol * Math.sqrt(Math.max(0, p.latencyMs) / 1000);
}

/** Walks both books for `qtyBase` and re-walks the deeper one for the size both cover. */
function walkPair(buySide: BookSide, buyInst: Instrument, sellSide: BookSide, sellInst: Instrument, qtyBase: number): [BaseWalk, BaseWalk] | undefined {
  let bw = walkBase(buySide, buyInst, qtyBase);
  let sw = walkBase(sellSide, sellInst, qtyBase);
  if (!(bw.filledBase > 0) || !(sw.filledBase > 0)) return undefined;
  const q = Math.min(bw.filledBase, sw.filledBase);
  if (bw.filledBase > q) bw = walkBase(buySide, buyInst, q);
  else if (sw.filledBase > q) sw = walkBase(sellSide, sellInst, q);
  return [bw, sw];
}

/** Returns the net edge of buying on `buy` (which is route leg `buyIs`) and selling on `sell`, or undefined when a book covers nothing. */
export function directionEdge(buy: LegBook, sell: LegBook, buyIs: 'a' | 'b', qtyBase: number, volBps: number, p: EdgeParams): Edge | undefined {
  if (!(qtyBase > 0)) return undefined;
  const walks = walkPair(buy.asks, buy.inst, sell.bids, sell.inst, qtyBase);
  if (!walks) return undefined;
  const [bw, sw] = walks;
  const mid = (bw.vwap + sw.vwap) / 2;
  const grossBps = ((sw.vwap - bw.vwap) / mid) * 1e4;
  const feesBps = (buy.takerFee + sell.takerFee) * 1e4;
  const slippageBps = p.slippageBufferBps;
  const latencyBps = latencyBuffer(volBps, p);
  return {
    buy: buyIs,
    qtyBase: Math.min(bw.filledBase, sw.filledBase),
    buyVwap: bw.vwap,
    sellVwap: sw.vwap,
    buyWorst: bw.worst,
    sellWorst: sw.worst,
    grossBps,
    feesBps,
    slippageBps,
    latencyBps,
    netBps: grossBps - feesBps - slippageBps - latencyBps,
    thresholdBps: entryThreshold(volBps, p),
    volBps,
  };
}

/** Returns the better of the two directions by net edge (undefined when neither can be walked). */
export function bestEdge(a: LegBook, b: LegBook, qtyBase: number, volBps: number, p: EdgeParams): Edge | undefined {
  const ab = directionEdge(a, b, 'a', qtyBase, volBps, p);
  const ba = directionEdge(b, a, 'b', qtyBase, volBps, p);
  if (!ab) return ba;
  if (!ba) return ab;
  return ba.netBps > ab.netBps ? ba : ab;
}

/** Returns whether an edge clears its entry threshold. */
export function isEntry(e: Edge): boolean {
  return e.netBps >= e.thresholdBps;
}

/**
 * Returns the spread in bps still to converge for a held pair bought on `heldBuy` and sold on the
 * other leg, with VWAPs for `qtyBase` (positive: the bought venue is still cheaper); undefined when
 * a book covers nothing.
 */
export function exitEdge(a: LegBook, b: LegBook, heldBuy: 'a' | 'b', qtyBase: number): number | undefined {
  if (!(qtyBase > 0)) return undefined;
  const long = heldBuy === 'a' ? a : b;
  const short = heldBuy === 'a' ? b : a;
  // Closing buys back the short on its asks and sells the long on its bids.
  const walks = walkPair(short.asks, short.inst, long.bids, long.inst, qtyBase);
  if (!walks) return undefined;
  const [buyBack, sellBack] = walks;
  const mid = (buyBack.vwap + sellBack.vwap) / 2;
  return ((buyBack.vwap - sellBack.vwap) / mid) * 1e4;
}
