/**
 * The simulator's market: a seeded, deterministic generator of books, trades, funding and events
 * for every simulated venue. Per asset a regime-switching fair value; per instrument a venue price
 * trailing it (lead–lag, basis, dislocations) and a book around that price; a scenario on top.
 * Time is the generator's own clock, advanced by `step()`; the same seed and scenario always give
 * the same steps, byte for byte.
 */
import { VENUE_IDS, type VenueId } from '../../config/schema.ts';
import { seededRng, type Rng } from '../../core/rng.ts';
import type { InstrumentSpec } from '../../model/instrument.ts';
import { Scale } from '../../model/scale.ts';
import type { SimBookChange, SimTrade } from '../protocolServer.ts';
import { FairValue, neutralConditions, REGIME_ACTIVITY, type AssetConditions } from './fairValue.ts';
import { marketSpec } from './instruments.ts';
import { chance, pick, poisson, sign, uniform } from './random.ts';
import { createScenario, type Scenario, type ScenarioContext, type ScenarioName } from './scenario.ts';
import { jitteredLagMs, makeSimInstrument, type SimInstrument } from './simInstrument.ts';
import { defaultUniverse, type SimAsset, type SimUniverse } from './universe.ts';

export { SCENARIOS, type ScenarioName } from './scenario.ts';
export { defaultUniverse, generatedAssets, type SimAsset, type SimMarket, type SimUniverse } from './universe.ts';

/** One instrument's book change and trades in a step. */
export interface SimUpdate {
  readonly venue: VenueId;
  readonly symbol: string;
  readonly change: SimBookChange;
  readonly trades: readonly SimTrade[];
}

/** A perp's predicted funding rate and mark price. */
export interface SimFunding {
  readonly venue: VenueId;
  readonly symbol: string;
  /** The predicted rate for the current interval as a decimal string ("0.00010000"). */
  readonly rate: string;
  /** On the instrument's tick grid, in the venue's price text. */
  readonly markPrice: string;
}

/** Everything one step produced. */
export interface SimStep {
  /** Simulated ms after this step. */
  readonly time: number;
  /** Instruments whose book changed or traded, in a fixed order (asset, then market, as in the universe). */
  readonly updates: readonly SimUpdate[];
  /** Venues going quiet or coming back (outage scenario). */
  readonly silence: readonly { venue: VenueId; silent: boolean }[];
  /** New instruments; each one's first update (its whole book) comes the step after. */
  readonly listings: readonly InstrumentSpec[];
  /** Every perp's predicted funding and mark, every `fundingEveryMs` of simulated time. */
  readonly funding: readonly SimFunding[];
  /** What happened, for logs ("pump-dump: BLOWOFF on WIF (+12% over 9 s)"). */
  readonly notes: readonly string[];
}

/** How to build a generator: seed, scenario, clock and universe. */
export interface GeneratorOptions {
  readonly seed: number;
  readonly scenario: ScenarioName;
  readonly startTime: number;
  /** Simulated ms per step; default 100. */
  readonly stepMs?: number;
  /** Default: defaultUniverse(). */
  readonly universe?: SimUniverse;
  /** How often funding is published, in simulated ms; default 60 000 (venues publish predicted rates continuously). */
  readonly fundingEveryMs?: number;
}

interface AssetState {
  readonly asset: SimAsset;
  readonly fair: FairValue;
  readonly cond: AssetConditions;
  readonly instruments: SimInstrument[];
  /** The instrument with the shortest lag: it moves first. */
  readonly leader: SimInstrument | undefined;
  /** Draws when and where dislocations start. */
  readonly rng: Rng;
}

const NEUTRAL: Readonly<AssetConditions> = Object.freeze(neutralConditions());
/** Mean seconds between two dislocations of one asset (somewhere among its venues). */
const MEAN_DISLOCATION_GAP_S = 30;
const RATE = new Scale('0.00000001');

/** The seeded market of every simulated venue. */
export class MarketGenerator {
  private now: number;
  private readonly start: number;
  private readonly seed: number;
  private readonly stepMs: number;
  private readonly fundingEveryMs: number;
  private readonly universe: SimUniverse;
  private readonly assets: AssetState[] = [];
  private readonly byName = new Map<string, AssetState>();
  private readonly all: SimInstrument[] = [];
  private readonly ids = new Set<string>();
  private readonly atStart = new Map<VenueId, InstrumentSpec[]>();
  private readonly silent = new Set<VenueId>();
  private readonly venues: VenueId[];
  private readonly scenario: Scenario;
  private readonly scenarioRng: Rng;
  private listed = false;
  private listingRequested = false;

  constructor(opts: GeneratorOptions) {
    const stepMs = opts.stepMs ?? 100;
    if (!Number.isInteger(stepMs) || stepMs <= 0) throw new RangeError(`stepMs must be a positive integer, got ${stepMs}`);
    this.seed = opts.seed;
    this.start = this.now = opts.startTime;
    this.stepMs = stepMs;
    this.fundingEveryMs = opts.fundingEveryMs ?? 60_000;
    this.universe = opts.universe ?? defaultUniverse();
    for (const asset of this.universe.assets) this.commit(this.makeAsset(asset, undefined));
    for (const inst of this.all) {
      inst.lastLog += inst.offset.logOffset();
      inst.book.build(Math.exp(inst.lastLog));
      inst.hasBook = true;
      const list = this.atStart.get(inst.spec.venue) ?? [];
      list.push(inst.spec);
      this.atStart.set(inst.spec.venue, list);
    }
    this.venues = VENUE_IDS.filter((v) => this.atStart.has(v));
    this.scenario = createScenario(opts.scenario, this.universe.assets, this.universe.listing);
    this.scenarioRng = seededRng(`${opts.seed}:scenario:${opts.scenario}`);
  }

  /** The simulated time (ms) after the last step. */
  get time(): number {
    return this.now;
  }

  /** The instruments each venue lists at start (InstrumentSpec with venue-native symbols, realistic grids). */
  instruments(venue: VenueId): InstrumentSpec[] {
    return [...(this.atStart.get(venue) ?? [])];
  }

  /** The instruments a venue lists now: those at start plus any listed since. */
  currentInstruments(venue: VenueId): InstrumentSpec[] {
    return this.all.filter((i) => i.spec.venue === venue).map((i) => i.spec);
  }

  /** Full books (the whole book as the change) for every instrument that has one: before the first step, the initial books. */
  initialBooks(): SimUpdate[] {
    return this.all.filter((i) => i.hasBook).map((i) => ({ venue: i.spec.venue, symbol: i.spec.symbol, change: i.book.full(), trades: [] }));
  }

  /** Lists the universe's listing asset at the next step (whatever the scenario); false when there is none or it is listed. */
  requestListing(): boolean {
    if (this.listed || !this.universe.listing) return false;
    this.listingRequested = true;
    return true;
  }

  /** The fair value of an asset now (for tests). */
  fairValue(asset: string): number {
    const state = this.byName.get(asset);
    if (!state) throw new RangeError(`unknown asset ${asset}`);
    return state.fair.value();
  }

  /** Advances the simulated clock by stepMs and returns what happened. */
  step(): SimStep {
    const from = this.now;
    const to = (this.now += this.stepMs);
    const dt = this.stepMs / 1000;
    const notes: string[] = [];
    const silence: { venue: VenueId; silent: boolean }[] = [];
    const listings: InstrumentSpec[] = [];
    const pending: AssetState[] = [];
    for (const a of this.assets) Object.assign(a.cond, NEUTRAL);
    const ctx = this.context(notes, silence, listings, pending);
    this.scenario.step(ctx);
    if (this.listingRequested) {
      this.listingRequested = false;
      ctx.list();
    }
    for (const a of this.assets) {
      const note = a.fair.step(dt, a.cond);
      if (note) notes.push(note);
      if (chance(a.rng, dt / MEAN_DISLOCATION_GAP_S)) this.dislocate(a, notes);
    }
    const updates: SimUpdate[] = [];
    for (const inst of this.all) {
      if (this.silent.has(inst.spec.venue)) continue; // a silent venue's book stands still until it returns
      const update = this.stepInstrument(inst, from, to, notes);
      if (update) updates.push(update);
    }
    for (const a of pending) this.commit(a);
    const funding = this.fundingDue(from, to) ? this.funding() : [];
    return { time: to, updates, silence, listings, funding, notes };
  }

  private stepInstrument(inst: SimInstrument, from: number, to: number, notes: string[]): SimUpdate | undefined {
    const a = this.byName.get(inst.asset.name)!;
    const { venue, symbol } = inst.spec;
    if (inst.offset.step(this.stepMs)) notes.push(`dislocation: ${inst.id} converged`);
    const log = a.fair.logAt(inst.offset.lag) + inst.offset.logOffset();
    const price = Math.exp(log);
    if (!inst.hasBook) {
      inst.hasBook = true;
      inst.lastLog = log;
      return { venue, symbol, change: inst.book.build(price), trades: [] };
    }
    const c = a.cond;
    // Takers chase the move: the aggressor side leans with this step's price change.
    const z = a.fair.stepSigma > 0 ? Math.max(-3, Math.min(3, (log - inst.lastLog) / a.fair.stepSigma)) : 0;
    const pBuy = Math.max(0.05, Math.min(0.95, 0.5 + 0.15 * z + c.flowBias));
    const rate = inst.asset.tradesPerSec * inst.activity * REGIME_ACTIVITY[a.fair.regime] * c.activity;
    const takers = poisson(inst.rng, (rate * this.stepMs) / 1000);
    const placeWall = c.spoofRate > 0 && chance(inst.rng, (c.spoofRate * this.stepMs) / 1000);
    inst.lastLog = log;
    const { change, trades } = inst.book.step({ price, from, to, takers, pBuy, bidDepth: c.bidDepth, askDepth: c.askDepth, placeWall }, notes);
    if ((change.bids?.length ?? 0) + (change.asks?.length ?? 0) + trades.length === 0) return undefined;
    return { venue, symbol, change, trades };
  }

  /** Moves one follower venue of the asset away by 8–45 bps for a few seconds. */
  private dislocate(a: AssetState, notes: string[]): void {
    const candidates = a.instruments.filter((i) => i !== a.leader && i.hasBook && !i.offset.dislocated && !this.silent.has(i.spec.venue));
    if (candidates.length === 0) return;
    const inst = pick(a.rng, candidates);
    const bps = sign(a.rng) * uniform(a.rng, 8, 45);
    const ramp = uniform(a.rng, 200, 1000);
    const hold = uniform(a.rng, 500, 6000);
    const back = uniform(a.rng, 500, 3000);
    inst.offset.dislocate(bps, ramp, hold, back);
    notes.push(`dislocation: ${inst.id} ${bps > 0 ? '+' : ''}${bps.toFixed(1)} bps for ${((ramp + hold + back) / 1000).toFixed(1)} s`);
  }

  private fundingDue(from: number, to: number): boolean {
    const every = this.fundingEveryMs;
    return Math.floor((to - this.start) / every) > Math.floor((from - this.start) / every);
  }

  private funding(): SimFunding[] {
    const out: SimFunding[] = [];
    for (const inst of this.all) {
      if (inst.spec.kind !== 'perp' || !inst.hasBook || this.silent.has(inst.spec.venue)) continue;
      const premium = inst.lastLog - this.byName.get(inst.asset.name)!.fair.logAt(0);
      // A baseline of 0.01 % per interval plus half the premium, within the venues' usual caps.
      const units = Math.round(Math.max(-0.0075, Math.min(0.0075, 0.0001 + 0.5 * premium)) * 1e8);
      const grid = inst.book.cfg.price;
      out.push({
        venue: inst.spec.venue,
        symbol: inst.spec.symbol,
        rate: `${units < 0 ? '-' : ''}${RATE.toText(Math.abs(units))}`,
        markPrice: grid.text(Math.max(1, grid.round(Math.exp(inst.lastLog)))),
      });
    }
    return out;
  }

  private context(notes: string[], silence: { venue: VenueId; silent: boolean }[], listings: InstrumentSpec[], pending: AssetState[]): ScenarioContext {
    return {
      elapsed: this.now - this.start,
      stepMs: this.stepMs,
      rng: this.scenarioRng,
      assets: this.universe.assets.concat(this.listed && this.universe.listing ? [this.universe.listing] : []),
      venues: this.venues,
      conditions: (name) => {
        const a = this.byName.get(name);
        if (!a) throw new RangeError(`unknown asset ${name}`);
        return a.cond;
      },
      fairValue: (name) => this.fairValue(name),
      note: (text) => notes.push(text),
      setSilent: (venue, silent) => {
        if (this.silent.has(venue) === silent) return;
        if (silent) this.silent.add(venue);
        else this.silent.delete(venue);
        silence.push({ venue, silent });
      },
      list: () => {
        const asset = this.universe.listing;
        if (this.listed || !asset) return;
        this.listed = true;
        const state = this.makeAsset(asset, this.now);
        pending.push(state);
        listings.push(...state.instruments.map((i) => i.spec));
        notes.push(`listing: ${asset.name} on ${state.instruments.map((i) => i.id).join(', ')}`);
      },
    };
  }

  /** Builds an asset's state and its instruments (books not built yet). */
  private makeAsset(asset: SimAsset, listedAt: number | undefined): AssetState {
    if (this.byName.has(asset.name)) throw new RangeError(`asset ${asset.name} appears twice in the universe`);
    const rng = seededRng(`${this.seed}:asset:${asset.name}`);
    const specs = asset.markets.map((m) => marketSpec(asset, m, listedAt));
    const lagsMs = specs.map((s) => jitteredLagMs(s, rng));
    const lead = Math.min(...lagsMs);
    const instruments = specs.map((spec, k) =>
      makeSimInstrument(this.seed, asset, spec, Math.round((lagsMs[k]! - lead) / this.stepMs), seededRng(`${this.seed}:flow:${spec.venue}:${spec.symbol}`)),
    );
    const leader = instruments[lagsMs.indexOf(lead)];
    return { asset, fair: new FairValue(asset, seededRng(`${this.seed}:fair:${asset.name}`)), cond: neutralConditions(), instruments, leader, rng };
  }

  private commit(a: AssetState): void {
    for (const inst of a.instruments) {
      if (this.ids.has(inst.id)) throw new RangeError(`instrument ${inst.id} appears twice in the universe`);
      this.ids.add(inst.id);
    }
    this.assets.push(a);
    this.byName.set(a.asset.name, a);
    this.all.push(...a.instruments);
  }
}
