/**
 * The simulated venues together: one market generator (seeded, on its own simulated clock), one
 * protocol server per venue on 127.0.0.1, one matching engine per venue with the simulated
 * account funded, and each venue's private side checking the account's signed requests. Stepped
 * by a timer on the injected clock (`fleet start` in sim mode, `fleet sim`) or by hand (tests,
 * the determinism check, the bench).
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import { seededRng } from '../core/rng.ts';
import { VENUE_IDS, type FleetConfig, type VenueId } from '../config/schema.ts';
import type { InstrumentSpec } from '../model/instrument.ts';
import { Scale } from '../model/scale.ts';
import { MarketGenerator, type ScenarioName, type SimUniverse } from './market/generator.ts';
import type { SimFault, SimVenueServer } from './protocolServer.ts';
import type { SimCredentials } from './private/credentials.ts';
import type { SimExchange } from './matching/types.ts';
import { createSimVenue } from './venues/registry.ts';

export interface SimClusterOptions {
  readonly seed: number;
  readonly scenario: ScenarioName;
  readonly clock: Clock;
  /** First port; venue i listens on portBase + i. 0 picks free ports. */
  readonly portBase?: number;
  readonly stepMs?: number;
  /** The generator's start time; default the clock's now (frames carry it, so fix it for byte-identical runs). */
  readonly startTime?: number;
  readonly startingBalance?: number;
  /** Spot venues also hold each spot asset worth this share of startingBalance at its starting price (default 0.25). */
  readonly inventoryShare?: number;
  /** REST answer latency of every venue (ms). */
  readonly latencyMs?: number;
  readonly venues?: readonly VenueId[];
  /** The assets simulated (default: BTC, ETH, SOL, WIF, NVDA). */
  readonly universe?: SimUniverse;
}

export interface SimVenueEndpoint {
  readonly venue: VenueId;
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly credentials: SimCredentials;
}

/** Returns the simulated account's key pair for a venue, derived from the seed (printed by `fleet sim`). */
export function simCredentials(venue: VenueId, seed: number): SimCredentials {
  const rng = seededRng(`${venue}:${seed}`);
  const hex = (n: number): string => Array.from({ length: n }, () => Math.floor(rng.next() * 16).toString(16)).join('');
  const passphrase = venue === 'okx' || venue === 'bitget' ? `sim-${hex(8)}` : undefined;
  return { apiKey: `sim-${venue}-${hex(16)}`, apiSecret: hex(48), account: 'sim', ...(passphrase ? { passphrase } : {}) };
}

export class SimCluster {
  readonly generator: MarketGenerator;
  readonly servers = new Map<VenueId, SimVenueServer>();
  readonly credentials = new Map<VenueId, SimCredentials>();
  private timer: TimerHandle | undefined;
  private readonly venues: readonly VenueId[];
  /** Frames published (updates × venues), for the bench and health. */
  published = 0;
  readonly seed: number;
  readonly scenario: ScenarioName;

  constructor(private readonly o: SimClusterOptions) {
    this.seed = o.seed;
    this.scenario = o.scenario;
    this.generator = new MarketGenerator({ seed: o.seed, scenario: o.scenario, startTime: o.startTime ?? o.clock.now(), stepMs: o.stepMs ?? 100, ...(o.universe ? { universe: o.universe } : {}) });
    this.venues = o.venues ?? VENUE_IDS;
    const startingBalance = o.startingBalance ?? 100_000;
    const share = o.inventoryShare ?? 0.25;
    if (!Number.isFinite(share) || share < 0) throw new RangeError(`inventoryShare must be a non-negative number, got ${share}`);
    // Valued at the fair value before the first step, on the lot grid, rounded down.
    const inventory = (spec: InstrumentSpec): string => {
      const lot = new Scale(spec.lotSize);
      const base = (share * startingBalance) / this.generator.fairValue(spec.base) / Number(spec.contractSize ?? '1');
      return lot.toText(Math.max(0, lot.floorOf(base)));
    };
    for (const venue of this.venues) {
      const now = (): number => this.generator.time;
      const creds = simCredentials(venue, o.seed);
      const server = createSimVenue(venue, this.generator.instruments(venue), { now, clock: o.clock, credentials: creds, startingBalance, inventory });
      server.latencyMs = o.latencyMs ?? 0;
      this.servers.set(venue, server);
      this.credentials.set(venue, creds);
    }
    for (const u of this.generator.initialBooks()) this.servers.get(u.venue)?.publish(u.symbol, u.change, u.trades);
  }

  /** Starts every venue listening (ports from portBase, or free ones). */
  async listen(): Promise<this> {
    const base = this.o.portBase ?? 0;
    await Promise.all(this.venues.map((v, i) => this.servers.get(v)!.listen(base === 0 ? 0 : base + i)));
    return this;
  }

  /** Steps the market on the clock every stepMs. */
  run(): void {
    if (this.timer !== undefined) return;
    const stepMs = this.o.stepMs ?? 100;
    // Catch up with the clock rather than step once per tick: venue time stays within a step of
    // wall time (clients sign with wall time) even when a tick comes late; bounded so a long
    // stall does not turn into a burst.
    this.timer = this.o.clock.setInterval(() => {
      for (let n = 0; n < 20 && this.generator.time + stepMs <= this.o.clock.now(); n++) this.step();
    }, stepMs);
  }

  /** Advances the market one step and publishes it on every venue. */
  step(): void {
    const s = this.generator.step();
    for (const l of s.listings) this.servers.get(l.venue)?.list(l);
    for (const { venue, silent } of s.silence) {
      const server = this.servers.get(venue);
      if (server) server.silent = silent;
    }
    for (const u of s.updates) {
      const server = this.servers.get(u.venue);
      if (!server || server.silent) continue;
      server.publish(u.symbol, u.change, u.trades);
      this.published++;
    }
    for (const f of s.funding) this.servers.get(f.venue)?.settleFunding?.(f.symbol, f.rate, f.markPrice);
  }

  /** Lists an instrument on a venue now; its book is whatever the caller publishes (`servers.get(venue).publish`). */
  list(venue: VenueId, spec: InstrumentSpec): boolean {
    const server = this.servers.get(venue);
    if (!server) return false;
    server.list(spec);
    return true;
  }

  /**
   * Lists the universe's listing asset (NOVA by default) at the next step on every venue it
   * trades on, priced and traded by the generator like the others; false when there is none
   * or it is listed already.
   */
  listAsset(): boolean {
    return this.generator.requestListing();
  }

  /** Delists a symbol on a venue: gone from its instruments endpoint, its streams quiet. */
  delist(venue: VenueId, symbol: string): boolean {
    return this.servers.get(venue)?.delist(symbol) ?? false;
  }

  /** Injects a fault into one venue (POST /api/debug/fault, config `sim.faults`). */
  inject(venue: VenueId, kind: SimFault, count = 1): boolean {
    const server = this.servers.get(venue);
    if (!server) return false;
    server.inject(kind, count);
    return true;
  }

  endpoints(): SimVenueEndpoint[] {
    return this.venues.map((venue) => ({ venue, wsUrl: this.servers.get(venue)!.wsUrl, restUrl: this.servers.get(venue)!.restUrl, credentials: this.credentials.get(venue)! }));
  }

  /** Returns the `fleet sim` line of each venue (CONTRACT.md). */
  lines(): string[] {
    return this.endpoints().map(
      (e) => `${e.venue} ws=${e.wsUrl} rest=${e.restUrl} key=${e.credentials.apiKey} secret=${e.credentials.apiSecret}${e.credentials.passphrase ? ` passphrase=${e.credentials.passphrase}` : ''}`,
    );
  }

  /** Returns the config with every simulated venue's URLs and key filled in (sim mode). */
  configure(config: FleetConfig): FleetConfig {
    const venues = { ...config.venues };
    for (const e of this.endpoints()) {
      const vc = config.venues[e.venue];
      // A file that lists venues runs only those; a venue switched off stays off.
      if (!vc?.enabled) continue;
      venues[e.venue] = {
        ...vc,
        wsUrl: e.wsUrl,
        restUrl: e.restUrl,
        privateWsUrl: e.wsUrl,
        key: e.credentials.apiKey,
        secret: e.credentials.apiSecret,
        ...(e.credentials.passphrase ? { passphrase: e.credentials.passphrase } : {}),
      };
    }
    return { ...config, venues };
  }

  /** The venue's matching engine: what the account really holds (tests, the operator's view). */
  exchange(venue: VenueId): SimExchange | undefined {
    return this.servers.get(venue)?.exchange;
  }

  /** All instruments listed now, per venue. */
  instruments(venue: VenueId): readonly InstrumentSpec[] {
    return this.servers.get(venue)?.instruments ?? [];
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) this.o.clock.clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.servers.values()].map((s) => s.close()));
  }
}
