/**
 * Scenarios: what the market does beyond its baseline (regime-switching walks, lead–lag and
 * dislocations). A scenario sees the simulated clock and each asset's conditions for the step
 * and may change them, silence a venue or list a new asset; it draws only from its own seeded Rng.
 */
import type { VenueId } from '../../config/schema.ts';
import type { Rng } from '../../core/rng.ts';
import type { AssetConditions } from './fairValue.ts';
import { PumpDump } from './pumpDump.ts';
import { pick, sign, uniform } from './random.ts';
import type { SimAsset } from './universe.ts';

/** The scenarios the simulator can run. */
export type ScenarioName = 'calm' | 'trending' | 'pump-dump' | 'spoof-walls' | 'news-shock' | 'outage' | 'listing';

/** Every scenario, in a stable order. */
export const SCENARIOS: readonly ScenarioName[] = ['calm', 'trending', 'pump-dump', 'spoof-walls', 'news-shock', 'outage', 'listing'];

/** What a scenario sees and may change each step. */
export interface ScenarioContext {
  /** Simulated ms since the generator started (after this step). */
  readonly elapsed: number;
  readonly stepMs: number;
  readonly rng: Rng;
  /** Assets trading now (a listed one joins after its listing). */
  readonly assets: readonly SimAsset[];
  /** Venues that list something. */
  readonly venues: readonly VenueId[];
  conditions(asset: string): AssetConditions;
  fairValue(asset: string): number;
  note(text: string): void;
  setSilent(venue: VenueId, silent: boolean): void;
  /** Lists the universe's listing asset (once). */
  list(): void;
}

/** A scenario's driver, stepped once per generator step before the market moves. */
export interface Scenario {
  step(ctx: ScenarioContext): void;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Low volatility everywhere. */
class Calm implements Scenario {
  step(ctx: ScenarioContext): void {
    for (const a of ctx.assets) ctx.conditions(a.name).regime = 'calm';
  }
}

/** A drift of 20–50 bps a minute per asset (scaled by its volatility), redrawn every 10–20 minutes. */
class Trending implements Scenario {
  private readonly trends = new Map<string, { drift: number; until: number }>();
  step(ctx: ScenarioContext): void {
    for (const a of ctx.assets) {
      let t = this.trends.get(a.name);
      if (!t || ctx.elapsed >= t.until) {
        const bpsPerMin = sign(ctx.rng) * uniform(ctx.rng, 20, 50) * (a.vol / 0.5);
        t = { drift: bpsPerMin / 1e4 / 60, until: ctx.elapsed + uniform(ctx.rng, 10, 20) * MINUTE };
        this.trends.set(a.name, t);
        ctx.note(`trending: ${a.name} ${bpsPerMin > 0 ? 'up' : 'down'} ${Math.abs(bpsPerMin).toFixed(1)} bps/min`);
      }
      ctx.conditions(a.name).drift = t.drift;
    }
  }
}

/** Large orders a few levels behind the top, pulled before the price reaches them (the book places and pulls them). */
class SpoofWalls implements Scenario {
  step(ctx: ScenarioContext): void {
    for (const a of ctx.assets) ctx.conditions(a.name).spoofRate = 0.08;
  }
}

/** A jump of 3–8 % (times each asset's beta) on every venue at once, then a minute of wild volatility; first after 20 s, then every 4–7 minutes. */
class NewsShock implements Scenario {
  private next = 20 * SECOND;
  private wildUntil = 0;
  private busyUntil = 0;
  step(ctx: ScenarioContext): void {
    if (ctx.elapsed >= this.next) {
      this.next = ctx.elapsed + uniform(ctx.rng, 4, 7) * MINUTE;
      this.wildUntil = ctx.elapsed + MINUTE;
      this.busyUntil = ctx.elapsed + 10 * SECOND;
      const move = sign(ctx.rng) * uniform(ctx.rng, 0.03, 0.08);
      const parts: string[] = [];
      for (const a of ctx.assets) {
        const jump = Math.log1p(Math.max(-0.5, move * a.beta * uniform(ctx.rng, 0.8, 1.2)));
        ctx.conditions(a.name).jump = jump;
        parts.push(`${a.name} ${jump > 0 ? '+' : ''}${(Math.expm1(jump) * 100).toFixed(1)}%`);
      }
      ctx.note(`news-shock: ${parts.join(' ')} (vol spike)`);
    }
    for (const a of ctx.assets) {
      const c = ctx.conditions(a.name);
      if (ctx.elapsed < this.wildUntil) c.regime = 'wild';
      if (ctx.elapsed < this.busyUntil) c.activity *= 4;
    }
  }
}

/** One venue goes silent for 10–40 s; first after 15 s, then every 2–4 minutes, a different venue each time. */
class Outage implements Scenario {
  private next = 15 * SECOND;
  private down: { venue: VenueId; until: number } | undefined;
  private last: VenueId | undefined;
  step(ctx: ScenarioContext): void {
    if (this.down && ctx.elapsed >= this.down.until) {
      ctx.setSilent(this.down.venue, false);
      ctx.note(`outage: ${this.down.venue} back`);
      this.down = undefined;
    }
    if (!this.down && ctx.elapsed >= this.next) {
      const choices = ctx.venues.filter((v) => v !== this.last);
      if (choices.length === 0) return;
      const venue = pick(ctx.rng, choices);
      const ms = Math.round(uniform(ctx.rng, 10, 40) * SECOND);
      this.down = { venue, until: ctx.elapsed + ms };
      this.last = venue;
      this.next = ctx.elapsed + ms + uniform(ctx.rng, 2, 4) * MINUTE;
      ctx.setSilent(venue, true);
      ctx.note(`outage: ${venue} silent for ${(ms / SECOND).toFixed(1)} s`);
    }
  }
}

/** A new asset appears after 30 s, wild while its price is found. */
class Listing implements Scenario {
  private listedAt: number | undefined;
  constructor(private readonly asset: SimAsset | undefined) {}
  step(ctx: ScenarioContext): void {
    if (!this.asset) return;
    if (this.listedAt === undefined && ctx.elapsed >= 30 * SECOND) {
      this.listedAt = ctx.elapsed;
      ctx.list();
      return;
    }
    if (this.listedAt !== undefined && ctx.elapsed < this.listedAt + 2 * MINUTE) {
      const c = ctx.conditions(this.asset.name);
      c.regime = 'wild';
      c.activity *= 2;
      // Early books are thin on both sides until market makers arrive.
      c.bidDepth = c.askDepth = 0.5;
    }
  }
}

/** Returns a fresh scenario driver. */
export function createScenario(name: ScenarioName, assets: readonly SimAsset[], listing: SimAsset | undefined): Scenario {
  switch (name) {
    case 'calm':
      return new Calm();
    case 'trending':
      return new Trending();
    case 'pump-dump':
      return new PumpDump(assets.find((a) => a.meme) ?? assets[assets.length - 1]);
    case 'spoof-walls':
      return new SpoofWalls();
    case 'news-shock':
      return new NewsShock();
    case 'outage':
      return new Outage();
    case 'listing':
      return new Listing(listing);
  }
}
