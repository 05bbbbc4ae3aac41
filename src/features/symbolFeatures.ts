/**
 * One symbol's features, kept up to date as its book and tape move, and read as a FeatureView.
 * Book updates feed the wall tracker and the depth baseline; trades feed the flow and the walls;
 * `view()` reads imbalance, micro-volatility, the pump phase, fees and news at that moment.
 *
 * The pump engine compares the recent market with its own baselines, kept here as slow EWMAs
 * (half-life `baselineHalfLifeMs`, 10 min by default) updated at each view: volume per second,
 * trades per second, and the size of the first `thinningLevels` levels of both sides. A ratio
 * against a baseline not yet formed reads 1 (nothing unusual), thinning 0.
 */
import type { Instrument } from '../model/instrument.ts';
import type { Trade } from '../model/market.ts';
import type { OrderBook } from '../market/orderBook.ts';
import type { Candles } from '../market/candles.ts';
import { bookImbalance, DEFAULT_IMBALANCE_ZONE_BPS } from './imbalance.ts';
import { WallTracker, type WallOptions } from './walls.ts';
import { FlowTracker, type FlowOptions } from './flow.ts';
import { MicroVolatility, type VolatilityOptions } from './volatility.ts';
import { PumpEngine, type PumpOptions } from './pump.ts';
import { feesView, type FeeSchedule } from './fees.ts';
import type { NewsBoard } from './news.ts';
import type { FeatureView, FeesView } from './types.ts';

export interface SymbolFeatureOptions {
  readonly zoneBps: number;
  readonly baselineHalfLifeMs: number;
  readonly thinningLevels: number;
  readonly walls?: Partial<WallOptions>;
  readonly flow?: Partial<FlowOptions>;
  readonly volatility?: Partial<VolatilityOptions>;
  readonly pump?: Partial<PumpOptions>;
}

export const DEFAULT_SYMBOL_FEATURE_OPTIONS: SymbolFeatureOptions = { zoneBps: DEFAULT_IMBALANCE_ZONE_BPS, baselineHalfLifeMs: 600_000, thinningLevels: 10 };

/** A slow exponential average over irregular samples (ts in ms). */
class Baseline {
  private value = NaN;
  private at = NaN;

  constructor(private readonly halfLifeMs: number) {}

  update(ts: number, x: number): void {
    if (!Number.isFinite(x)) return;
    if (Number.isNaN(this.value)) {
      this.value = x;
      this.at = ts;
      return;
    }
    const dt = ts - this.at;
    if (dt <= 0) return;
    const a = 1 - 2 ** (-dt / this.halfLifeMs);
    this.value += a * (x - this.value);
    this.at = ts;
  }

  /** Returns x / baseline, 1 before any baseline (or a zero one). */
  ratio(x: number): number {
    return this.value > 0 ? x / this.value : 1;
  }

  get current(): number {
    return this.value;
  }
}

export class SymbolFeatures {
  private readonly walls: WallTracker;
  private readonly flow: FlowTracker;
  private readonly vol: MicroVolatility;
  private readonly pump: PumpEngine;
  private readonly volume: Baseline;
  private readonly trades: Baseline;
  private readonly depth: Baseline;
  private readonly fees: FeesView;
  private readonly o: SymbolFeatureOptions;

  constructor(
    readonly inst: Instrument,
    fees: { readonly schedule: FeeSchedule; readonly leverage: number },
    private readonly news: NewsBoard,
    opts: Partial<SymbolFeatureOptions> = {},
  ) {
    this.o = { ...DEFAULT_SYMBOL_FEATURE_OPTIONS, ...opts };
    this.walls = new WallTracker(this.o.walls);
    this.flow = new FlowTracker(inst, this.o.flow);
    this.vol = new MicroVolatility(this.o.volatility);
    this.pump = new PumpEngine(this.o.pump);
    this.volume = new Baseline(this.o.baselineHalfLifeMs);
    this.trades = new Baseline(this.o.baselineHalfLifeMs);
    this.depth = new Baseline(this.o.baselineHalfLifeMs);
    // A scalp enters and exits as taker in the worst case: the fee hurdle is the taker round trip.
    this.fees = feesView({ schedule: fees.schedule, entry: 'taker', exit: 'taker', leverage: fees.leverage });
  }

  /** Feeds a book update (a synced book only). */
  onBook(book: OrderBook, ts: number): void {
    this.walls.update(book, this.inst, ts);
  }

  /** Feeds a trade. */
  onTrade(t: Trade): void {
    this.flow.onTrade(t);
    this.walls.onTrade(t.price, t.qty, t.aggressor, t.tsEvent);
  }

  /** Returns the features at `ts` from the book and the micro candles. */
  view(book: OrderBook, candles: Candles, ts: number): FeatureView {
    const { inst } = this;
    const bid = book.bids.best();
    const ask = book.asks.best();
    const mid = inst.price.toNumber((bid + ask) / 2);
    const spreadBps = mid > 0 ? (inst.price.toNumber(ask - bid) / mid) * 1e4 : NaN;
    const flow = this.flow.view(ts);
    const windowSec = (this.flow.options.windowMs || 1) / 1000;
    const volumePerSec = (flow.buyVolume + flow.sellVolume) / windowSec;
    const top = book.bids.depth(this.o.thinningLevels) + book.asks.depth(this.o.thinningLevels);
    const thinning = this.depth.current > 0 ? Math.min(1, Math.max(0, 1 - top / this.depth.current)) : 0;
    const pump = this.pump.update({ ts, price: mid, volumeRatio: this.volume.ratio(volumePerSec), tradesPerSecRatio: this.trades.ratio(flow.tradesPerSec), bookThinning: thinning });
    this.volume.update(ts, volumePerSec);
    this.trades.update(ts, flow.tradesPerSec);
    this.depth.update(ts, top);
    return {
      instrument: inst.id,
      ts,
      mid,
      spreadBps,
      imbalance: bookImbalance(book, inst, this.o.zoneBps),
      walls: this.walls.view(ts),
      flow,
      volatility: this.vol.update(candles, inst, ts),
      pump,
      fees: this.fees,
      news: this.news.view(inst.id, inst.base.toUpperCase(), ts),
    };
  }
}
