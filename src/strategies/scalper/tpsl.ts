/**
 * The scalper's exit plan and position size, fee-first.
 *
 * planExits (prices in any one unit, quote or ticks; all outputs in the same unit), for a long
 * (a short is the mirror image), with m = minMoveBps / 10⁴, f = feesBps / 10⁴, risk = entry − stop:
 *   tp1            entry + max(entry × m, tp1R × risk): never closer than the move that pays the fees
 *   tp2            entry + max(tp2R × risk, tp2OverTp1 × (tp1 − entry)): always beyond tp1
 *   breakEvenAt    entry × (1 + f × (1 + breakEvenBuffer)): unrealized PnL has reached the fees × (1 + buffer)
 *   breakEvenStop  entry × (1 + f): where the stop then moves, so a stop-out still pays the fees
 *   trailBps       max(minTrailBps, trailBps × trailFactor[pump phase]): tighter in BLOWOFF (and DUMP)
 * With `tick`, targets and break-even prices are rounded away from the entry onto the grid (never
 * closer than planned). No plan (a `refuse` reason instead) in the MANIPULATED regime, under
 * high-risk news, or when the stop is not on the losing side of the entry.
 *
 * sizeFromRisk: the loss if stopped, per unit of base, is |entry − stop| plus the round-trip fees
 * and a latency buffer on the entry price; the size is the smallest of risk budget / that loss,
 * equity × leverage / entry and maxSizeUsd / entry, rounded down to a whole lot, then checked
 * against the instrument's minimum quantity and notional.
 */
import type { Instrument } from '../../model/instrument.ts';
import type { PumpPhase } from '../../features/types.ts';
import type { SymbolRegime } from './regime.ts';

export type TradeSide = 'long' | 'short';

export interface ExitOptions {
  readonly tp1R: number;
  readonly tp2R: number;
  readonly tp2OverTp1: number;
  readonly breakEvenBuffer: number;
  readonly trailBps: number;
  readonly minTrailBps: number;
  readonly trailFactor: Readonly<Record<PumpPhase, number>>;
}

export const DEFAULT_EXIT_OPTIONS: ExitOptions = {
  tp1R: 1,
  tp2R: 2,
  tp2OverTp1: 1.5,
  breakEvenBuffer: 0.5,
  trailBps: 15,
  minTrailBps: 3,
  trailFactor: { NONE: 1, PREPUMP: 1, PUMPING: 1, BLOWOFF: 0.4, DUMP: 0.7, COOLDOWN: 1 },
};

export interface ExitInput {
  readonly side: TradeSide;
  readonly entry: number;
  readonly stop: number;
  readonly minMoveBps: number;
  /** Round-trip fees in bps of the entry notional. */
  readonly feesBps: number;
  readonly pumpPhase: PumpPhase;
  readonly regime?: SymbolRegime;
  /** High-risk news in force (regime.ts `highRiskNews`). */
  readonly newsBlock?: boolean;
  /** The price grid in the prices' unit (1 for ticks); omitted ⇒ no rounding. */
  readonly tick?: number;
  readonly opts?: ExitOptions;
}

export interface ExitPlan {
  readonly tp1: number;
  readonly tp2: number;
  readonly stop: number;
  readonly breakEvenAt: number;
  readonly breakEvenStop: number;
  readonly trailBps: number;
}

export interface ExitRefusal {
  readonly refuse: string;
}

/** Returns true when planExits declined to plan. */
export function isRefusal(x: ExitPlan | ExitRefusal): x is ExitRefusal {
  return 'refuse' in x;
}

// The epsilon keeps a float like 1003.0000000000001 ticks on 1003 instead of a tick further.
const EPS = 1e-9;
const outward = (x: number, dir: 1 | -1, tick: number | undefined): number =>
  tick === undefined ? x : dir > 0 ? Math.ceil(x / tick - EPS) * tick : Math.floor(x / tick + EPS) * tick;

/** Returns the exit plan of a scalp, or why there is none. */
export function planExits(i: ExitInput): ExitPlan | ExitRefusal {
  const o = i.opts ?? DEFAULT_EXIT_OPTIONS;
  if (i.regime === 'MANIPULATED') return { refuse: 'the symbol is MANIPULATED: no trade' };
  if (i.newsBlock) return { refuse: 'high-risk news in force: no trade' };
  const dir = i.side === 'long' ? 1 : -1;
  const risk = (i.entry - i.stop) * dir;
  if (!(i.entry > 0 && Number.isFinite(i.entry) && Number.isFinite(i.stop))) return { refuse: `no usable entry (${i.entry}) or stop (${i.stop})` };
  if (!(risk > 0)) return { refuse: `the stop ${i.stop} is not on the losing side of the ${i.side} entry ${i.entry}` };
  if (!(i.minMoveBps >= 0 && i.feesBps >= 0)) return { refuse: `no usable fee move (${i.minMoveBps} bps) or fees (${i.feesBps} bps)` };

  const m = i.minMoveBps / 1e4;
  const f = i.feesBps / 1e4;
  const tp1Dist = Math.max(i.entry * m, o.tp1R * risk);
  const tp2Dist = Math.max(o.tp2R * risk, o.tp2OverTp1 * tp1Dist);
  return {
    tp1: outward(i.entry + dir * tp1Dist, dir, i.tick),
    tp2: outward(i.entry + dir * tp2Dist, dir, i.tick),
    stop: i.stop,
    breakEvenAt: outward(i.entry * (1 + dir * f * (1 + o.breakEvenBuffer)), dir, i.tick),
    breakEvenStop: outward(i.entry * (1 + dir * f), dir, i.tick),
    trailBps: Math.max(o.minTrailBps, o.trailBps * o.trailFactor[i.pumpPhase]),
  };
}

// ── sizing ───────────────────────────────────────────────────────────────────────────────────

/** An instrument's size grid as numbers: sizes count lots of `lotSize` units of `contractSize` base. */
export interface SizingLot {
  readonly lotSize: number;
  /** Base per size unit (OKX ctVal); 1 where sizes are in base. */
  readonly contractSize?: number;
  /** In the size unit. */
  readonly minQty?: number;
  /** In quote. */
  readonly minNotional?: number;
}

/** Returns an instrument's size grid for sizeFromRisk. */
export function lotOf(inst: Pick<Instrument, 'lotSize' | 'contractSize' | 'minQty' | 'minNotional'>): SizingLot {
  return { lotSize: Number(inst.lotSize), contractSize: Number(inst.contractSize), minQty: Number(inst.minQty), minNotional: Number(inst.minNotional) };
}

export interface RiskSizingInput {
  readonly equity: number;
  /** Fraction of equity lost if the stop is hit (0.005 = 0.5 %). */
  readonly riskPerTrade: number;
  /** Prices in quote. */
  readonly entry: number;
  readonly stop: number;
  readonly leverage: number;
  readonly feesBps: number;
  readonly latencyBufferBps: number;
  readonly maxSizeUsd: number;
  readonly lot: SizingLot;
}

export interface RiskSize {
  /** In the instrument's size unit (lots × lotSize); 0 with a reason when no trade fits. */
  readonly qty: number;
  readonly lots: number;
  /** Quote at the entry price. */
  readonly notional: number;
  readonly limitedBy: 'risk' | 'leverage' | 'maxSize' | 'none';
  readonly reason?: string;
}

const none = (reason: string, limitedBy: RiskSize['limitedBy'] = 'none'): RiskSize => ({ qty: 0, lots: 0, notional: 0, limitedBy, reason });

/** Returns the size that loses riskPerTrade of equity at the stop (fees and latency included), on the lot grid. */
export function sizeFromRisk(i: RiskSizingInput): RiskSize {
  if (!(i.equity > 0 && i.riskPerTrade > 0)) return none(`nothing to risk (equity ${i.equity}, risk per trade ${i.riskPerTrade})`);
  if (!(i.entry > 0 && Number.isFinite(i.entry) && Number.isFinite(i.stop))) return none(`no usable entry (${i.entry}) or stop (${i.stop})`);
  const stopDist = Math.abs(i.entry - i.stop);
  if (!(stopDist > 0)) return none('the stop is at the entry: the risk per unit is undefined');
  const contract = i.lot.contractSize ?? 1;
  const basePerLot = i.lot.lotSize * contract;
  if (!(basePerLot > 0)) return none(`no usable lot (${i.lot.lotSize} × ${contract})`);

  const lossPerBase = stopDist + (i.entry * (i.feesBps + i.latencyBufferBps)) / 1e4;
  const caps: readonly [RiskSize['limitedBy'], number][] = [
    ['risk', (i.equity * i.riskPerTrade) / lossPerBase],
    ['leverage', (i.equity * Math.max(i.leverage, 0)) / i.entry],
    ['maxSize', Math.max(i.maxSizeUsd, 0) / i.entry],
  ];
  let bind = caps[0]!;
  for (const c of caps) if (c[1] < bind[1]) bind = c;
  const [limitedBy, base] = bind;
  const lots = Math.floor(base / basePerLot + EPS);
  if (lots <= 0) return none(`below one lot: ${limitedBy} allows ${base.toPrecision(4)} base, a lot is ${basePerLot}`, limitedBy);
  // 434 × 0.1 is 43.400000000000006 in floats; 12 significant digits give back 43.4.
  const qty = Number((lots * i.lot.lotSize).toPrecision(12));
  const notional = Number((lots * basePerLot * i.entry).toPrecision(12));
  if (i.lot.minQty !== undefined && qty < i.lot.minQty - EPS * i.lot.minQty) return none(`below the minimum quantity: ${qty} < ${i.lot.minQty}`, limitedBy);
  if (i.lot.minNotional !== undefined && notional < i.lot.minNotional) return none(`below the minimum notional: ${notional} < ${i.lot.minNotional}`, limitedBy);
  return { qty, lots, notional, limitedBy };
}
