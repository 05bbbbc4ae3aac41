/**
 * One simulated instrument: its spec, its book, where its venue prices it and how busy it is.
 * Venue profiles say how deep and busy each venue is relative to the busiest and how far it trails
 * the leader, which is what makes lead–lag and cross-venue differences look like the real ones.
 */
import { seededRng, type Rng } from '../../core/rng.ts';
import { instrumentId, type InstrumentSpec } from '../../model/instrument.ts';
import { BookSim } from './book.ts';
import { MAX_LAG } from './fairValue.ts';
import { Grid } from './grid.ts';
import { uniform } from './random.ts';
import type { SimAsset } from './universe.ts';
import { VenueOffset } from './venueOffset.ts';

interface VenueProfile {
  /** Share of the busiest venue's resting size. */
  readonly depth: number;
  /** Share of the busiest venue's taker flow. */
  readonly activity: number;
  /** Typical delay behind the leader. */
  readonly lagMs: number;
}

const PROFILES: Readonly<Record<string, VenueProfile>> = {
  'binance-usdm:perp': { depth: 1, activity: 1, lagMs: 0 },
  'binance-spot:spot': { depth: 0.6, activity: 0.5, lagMs: 100 },
  'bybit-linear:perp': { depth: 0.8, activity: 0.7, lagMs: 100 },
  'okx:perp': { depth: 0.7, activity: 0.5, lagMs: 200 },
  'okx:spot': { depth: 0.4, activity: 0.2, lagMs: 250 },
  'bitget:perp': { depth: 0.5, activity: 0.35, lagMs: 300 },
  'bitget:spot': { depth: 0.3, activity: 0.15, lagMs: 350 },
  'hyperliquid:perp': { depth: 0.5, activity: 0.4, lagMs: 400 },
};
const OTHER: VenueProfile = { depth: 0.5, activity: 0.3, lagMs: 300 };

function profileOf(spec: InstrumentSpec): VenueProfile {
  return PROFILES[`${spec.venue}:${spec.kind}`] ?? OTHER;
}

/** The generator's state for one instrument. */
export interface SimInstrument {
  readonly spec: InstrumentSpec;
  readonly id: string;
  readonly asset: SimAsset;
  readonly book: BookSim;
  readonly offset: VenueOffset;
  /** Draws taker counts and dislocation details (the book has its own stream). */
  readonly rng: Rng;
  readonly activity: number;
  /** False until the first full book is published (a new listing's first step). */
  hasBook: boolean;
  /** The venue's log price at the end of the previous step (for the aggressor bias). */
  lastLog: number;
}

/** Returns the delay (ms) this venue trails the leader by, jittered per instrument. */
export function jitteredLagMs(spec: InstrumentSpec, rng: Rng): number {
  return profileOf(spec).lagMs * uniform(rng, 0.7, 1.3);
}

/** Builds an instrument's simulation state; `lagSteps` is its delay behind the asset's leader. */
export function makeSimInstrument(seed: number, asset: SimAsset, spec: InstrumentSpec, lagSteps: number, rng: Rng): SimInstrument {
  const id = instrumentId(spec.venue, spec.symbol);
  const profile = profileOf(spec);
  const price = new Grid(spec.tickSize);
  const qty = new Grid(spec.lotSize);
  const unitsPerLot = qty.value * Number(spec.contractSize ?? '1');
  const minLots = Math.max(1, Math.ceil(qty.scale.toTicks(spec.minQty ?? spec.lotSize) - 1e-9));
  const book = new BookSim(
    { id, price, qty, unitsPerLot, minLots, spreadBps: asset.spreadBps, gapBps: asset.gapBps, levelUsd: asset.levelUsd * profile.depth, tradeUsd: asset.tradeUsd },
    seededRng(`${seed}:book:${id}`),
  );
  const basisBps = spec.kind === 'perp' ? uniform(rng, -0.5, 2) : uniform(rng, -0.5, 0.5);
  const offset = new VenueOffset(seededRng(`${seed}:offset:${id}`), Math.min(MAX_LAG, lagSteps), basisBps * 1e-4);
  return { spec, id, asset, book, offset, rng, activity: profile.activity, hasBook: false, lastLog: Math.log(asset.price) };
}
