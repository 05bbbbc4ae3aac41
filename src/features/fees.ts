/**
 * Fee and leverage features: the smallest favourable move that pays a round trip's fees plus a
 * buffer, and how far price may go against an isolated linear-perp position before liquidation.
 *
 * Choices:
 * - The minimum move is the sum of the entry and exit fee rates (plus the buffer). Exactly, a long
 *   needs exit/entry ≥ (1 + entryFee) / (1 − exitFee), which exceeds the sum by about
 *   exitFee × (entryFee + exitFee): 0.004 bps at Bybit's 0.02 % / 0.055 %, far below the buffer,
 *   and the sum is what traders and venues' calculators quote.
 * - Fee rates are fractions (0.00055 = 0.055 %); the caller picks maker or taker per leg from the
 *   order type (`feeRate`). A negative rate is a maker rebate; the minimum move never goes below 0.
 * - Liquidation distance for isolated margin on a linear perp: the position is liquidated when its
 *   loss eats the initial margin (1/leverage of the notional) down to the maintenance margin, so the
 *   distance is 1/leverage − maintenanceMargin of the entry price, for longs (down) and shorts (up)
 *   alike. It ignores the fee to close and funding, which venues also deduct (so the real distance
 *   is slightly shorter: callers keep stops well inside it), and it is never below 0.
 */
import type { FeesView } from './types.ts';

export type Liquidity = 'maker' | 'taker';

/** A venue's fee rates as fractions of notional. */
export interface FeeSchedule {
  readonly maker: number;
  readonly taker: number;
}

export interface FeesOptions {
  /** Extra bps the move must clear beyond the fees (slippage and latency; default 2). */
  readonly bufferBps: number;
  /** Maintenance margin rate when the venue's tier is unknown (default 0.005: Bybit's lowest tier). */
  readonly maintenanceMargin: number;
}

export const DEFAULT_FEES_OPTIONS: FeesOptions = { bufferBps: 2, maintenanceMargin: 0.005 };

/** Returns the fee rate of one leg: maker for a resting (post-only or limit) order, taker otherwise. */
export function feeRate(schedule: FeeSchedule, liquidity: Liquidity): number {
  return liquidity === 'maker' ? schedule.maker : schedule.taker;
}

export interface MinMoveInput {
  /** Fee rate of the entry leg (fraction). */
  readonly entryFee: number;
  /** Fee rate of the exit leg (fraction). */
  readonly exitFee: number;
  readonly bufferBps: number;
}

/** Returns the smallest favourable move in bps that pays the round trip's fees plus the buffer. */
export function minMoveForProfitBps({ entryFee, exitFee, bufferBps }: MinMoveInput): number {
  finite('entryFee', entryFee);
  finite('exitFee', exitFee);
  finite('bufferBps', bufferBps);
  if (bufferBps < 0) throw new RangeError(`bufferBps must not be negative (got ${bufferBps})`);
  return Math.max(0, (entryFee + exitFee) * 10_000 + bufferBps);
}

/** Returns the distance from entry to liquidation as a fraction of price (isolated linear perp). */
export function liquidationDistance(leverage: number, maintenanceMargin: number): number {
  finite('leverage', leverage);
  finite('maintenanceMargin', maintenanceMargin);
  if (leverage < 1) throw new RangeError(`leverage must be at least 1 (got ${leverage})`);
  if (maintenanceMargin < 0 || maintenanceMargin >= 1) throw new RangeError(`maintenanceMargin must be in [0, 1) (got ${maintenanceMargin})`);
  return Math.max(0, 1 / leverage - maintenanceMargin);
}

export interface FeesInput {
  readonly schedule: FeeSchedule;
  readonly entry: Liquidity;
  readonly exit: Liquidity;
  readonly leverage: number;
  readonly bufferBps?: number;
  readonly maintenanceMargin?: number;
}

/** Returns the fees view for one planned round trip at a leverage. */
export function feesView(input: FeesInput, opts: Partial<FeesOptions> = {}): FeesView {
  const o = { ...DEFAULT_FEES_OPTIONS, ...opts };
  return {
    minMoveBps: minMoveForProfitBps({
      entryFee: feeRate(input.schedule, input.entry),
      exitFee: feeRate(input.schedule, input.exit),
      bufferBps: input.bufferBps ?? o.bufferBps,
    }),
    liquidationDistance: liquidationDistance(input.leverage, input.maintenanceMargin ?? o.maintenanceMargin),
  };
}

function finite(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number (got ${String(v)})`);
}
