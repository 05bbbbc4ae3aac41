/**
 * The scalper's universe: which of a venue's instruments it watches, and in which category.
 *
 * Each candidate is scored from four measures, each normalized against the candidates of the
 * same scan so that the score reads as "how this symbol ranks today":
 *   score = 0.35·rank(24 h quote volume) + 0.30·rank(quote depth within 1 % of price)
 *         + 0.20·rank(micro-volatility, ATR / price) + 0.15·rank(trades per second)
 * (rank = the share of candidates at or below it, so 1 is the best, ties share a rank).
 * Minimums (24 h volume, open interest, spread) come from the config; a candidate below any is
 * not in the universe and the reason is kept. Categories:
 *   - wild: new listings (first seen while running, or listed within `newListingMs`) and the
 *     most volatile (micro-volatility above `wildVolatility`), whatever their rank;
 *   - prime: the top `primeCount` by score among the rest;
 *   - normal: everyone else who passed.
 * Each category keeps its own book depth (prime 100 levels, normal 50, wild 20) and limits
 * (config `scalper.categories`). A member that stops trading, is delisted, or shows no trade
 * for `inactiveMs` is dropped. A full rescan runs every `rescanMs`; a quick check every
 * `quickCheckMs` only drops what went inactive or delisted and adds new listings.
 */
import type { InstrumentStatus } from '../../model/instrument.ts';

export type Category = 'prime' | 'normal' | 'wild';

/** Book levels kept per category. */
export const CATEGORY_DEPTH: Readonly<Record<Category, number>> = { prime: 100, normal: 50, wild: 20 };

/** What the selector knows of one instrument at a scan. */
export interface UniverseCandidate {
  readonly instrument: string;
  readonly status: InstrumentStatus;
  readonly listedAt?: number;
  readonly volume24hQuote: number;
  readonly openInterestQuote?: number;
  /** Quote resting within 1 % of the mid on both sides together. */
  readonly depth1pctQuote: number;
  readonly spreadBps: number;
  /** ATR / price of the micro candles (a fraction). */
  readonly microVolatility: number;
  readonly tradesPerSec: number;
  /** The last trade seen (ms), if any. */
  readonly lastTradeAt?: number;
}

export interface UniverseOptions {
  readonly minVolume24hQuote: number;
  readonly minOpenInterestQuote: number;
  readonly maxSpreadBps: number;
  readonly primeCount: number;
  readonly wildVolatility: number;
  readonly newListingMs: number;
  readonly inactiveMs: number;
}

export const DEFAULT_UNIVERSE_OPTIONS: UniverseOptions = {
  minVolume24hQuote: 5_000_000,
  minOpenInterestQuote: 1_000_000,
  maxSpreadBps: 15,
  primeCount: 10,
  wildVolatility: 0.004,
  newListingMs: 7 * 24 * 3_600_000,
  inactiveMs: 10 * 60_000,
};

export interface Member {
  readonly instrument: string;
  readonly category: Category;
  readonly score: number;
  readonly newListing: boolean;
  readonly depth: number;
}

export interface Excluded {
  readonly instrument: string;
  readonly reason: string;
}

export interface Universe {
  readonly members: readonly Member[];
  readonly excluded: readonly Excluded[];
  /** Members of the previous universe no longer in it, with why. */
  readonly dropped: readonly Excluded[];
  /** Members not in the previous universe. */
  readonly added: readonly string[];
}

/** Returns each value's rank in [0, 1]: the share of values at or below it (1 for the largest). */
function ranks(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (sorted[m]! <= v) lo = m + 1;
      else hi = m;
    }
    return sorted.length === 0 ? 0 : lo / sorted.length;
  });
}

/** Returns true when the instrument was listed (or first seen while running) within `newListingMs`. */
function isNew(c: UniverseCandidate, now: number, firstSeen: ReadonlyMap<string, number>, o: UniverseOptions): boolean {
  const listed = c.listedAt ?? firstSeen.get(c.instrument);
  return listed !== undefined && now - listed < o.newListingMs;
}

/**
 * Returns why a candidate is not in the universe now, or undefined when it may be. A new listing
 * has no 24 h history yet: only its status and spread are checked.
 */
export function exclusion(c: UniverseCandidate, now: number, o: UniverseOptions, seenBefore: boolean, newListing: boolean): string | undefined {
  if (c.status !== 'trading') return `status ${c.status}`;
  if (seenBefore && c.lastTradeAt !== undefined && now - c.lastTradeAt > o.inactiveMs) return `no trade for ${Math.round((now - c.lastTradeAt) / 1000)} s`;
  if (!(c.spreadBps <= o.maxSpreadBps)) return `spread ${c.spreadBps.toFixed(1)} bps above ${o.maxSpreadBps}`;
  if (newListing) return undefined;
  if (c.volume24hQuote < o.minVolume24hQuote) return `24 h volume ${Math.round(c.volume24hQuote)} below ${o.minVolume24hQuote}`;
  if (c.openInterestQuote !== undefined && c.openInterestQuote < o.minOpenInterestQuote) return `open interest ${Math.round(c.openInterestQuote)} below ${o.minOpenInterestQuote}`;
  return undefined;
}

/**
 * Returns the universe from a full scan. `previous` is the last universe (for added and
 * dropped) and `firstSeen` when each instrument was first seen while running (new listings).
 */
export function selectUniverse(candidates: readonly UniverseCandidate[], now: number, previous: readonly Member[], firstSeen: ReadonlyMap<string, number>, o: UniverseOptions = DEFAULT_UNIVERSE_OPTIONS): Universe {
  const before = new Set(previous.map((m) => m.instrument));
  const excluded: Excluded[] = [];
  const passed: UniverseCandidate[] = [];
  for (const c of candidates) {
    const why = exclusion(c, now, o, before.has(c.instrument), isNew(c, now, firstSeen, o));
    if (why) excluded.push({ instrument: c.instrument, reason: why });
    else passed.push(c);
  }
  const vol = ranks(passed.map((c) => c.volume24hQuote));
  const depth = ranks(passed.map((c) => c.depth1pctQuote));
  const micro = ranks(passed.map((c) => c.microVolatility));
  const trades = ranks(passed.map((c) => c.tradesPerSec));
  const scored = passed.map((c, i) => {
    const newListing = isNew(c, now, firstSeen, o);
    const score = 0.35 * vol[i]! + 0.3 * depth[i]! + 0.2 * micro[i]! + 0.15 * trades[i]!;
    return { c, score, newListing, wild: newListing || c.microVolatility > o.wildVolatility };
  });
  const tame = scored.filter((s) => !s.wild).sort((a, b) => b.score - a.score || a.c.instrument.localeCompare(b.c.instrument));
  const prime = new Set(tame.slice(0, o.primeCount).map((s) => s.c.instrument));
  const members: Member[] = scored
    .map((s) => {
      const category: Category = s.wild ? 'wild' : prime.has(s.c.instrument) ? 'prime' : 'normal';
      return { instrument: s.c.instrument, category, score: s.score, newListing: s.newListing, depth: CATEGORY_DEPTH[category] };
    })
    .sort((a, b) => b.score - a.score || a.instrument.localeCompare(b.instrument));
  const current = new Set(members.map((m) => m.instrument));
  const reasons = new Map(excluded.map((e) => [e.instrument, e.reason]));
  const dropped = previous.filter((m) => !current.has(m.instrument)).map((m) => ({ instrument: m.instrument, reason: reasons.get(m.instrument) ?? 'no longer listed' }));
  const added = members.filter((m) => !before.has(m.instrument)).map((m) => m.instrument);
  return { members, excluded, dropped, added };
}

/**
 * Returns the universe after a quick check: members that stopped trading, were delisted or went
 * inactive are dropped; instruments listed since the last scan join as wild new listings when
 * they pass the minimums; everyone else keeps their category and score.
 */
export function quickCheck(candidates: readonly UniverseCandidate[], now: number, previous: readonly Member[], firstSeen: ReadonlyMap<string, number>, o: UniverseOptions = DEFAULT_UNIVERSE_OPTIONS): Universe {
  const byId = new Map(candidates.map((c) => [c.instrument, c]));
  const dropped: Excluded[] = [];
  const members: Member[] = [];
  for (const m of previous) {
    const c = byId.get(m.instrument);
    const why = !c ? 'no longer listed' : c.status !== 'trading' ? `status ${c.status}` : c.lastTradeAt !== undefined && now - c.lastTradeAt > o.inactiveMs ? `no trade for ${Math.round((now - c.lastTradeAt) / 1000)} s` : undefined;
    if (why) dropped.push({ instrument: m.instrument, reason: why });
    else members.push(m);
  }
  const known = new Set(previous.map((m) => m.instrument));
  const added: string[] = [];
  const excluded: Excluded[] = [];
  for (const c of candidates) {
    if (known.has(c.instrument)) continue;
    if (!isNew(c, now, firstSeen, o)) continue;
    const why = exclusion(c, now, o, false, true);
    if (why) {
      excluded.push({ instrument: c.instrument, reason: why });
      continue;
    }
    members.push({ instrument: c.instrument, category: 'wild', score: 0, newListing: true, depth: CATEGORY_DEPTH.wild });
    added.push(c.instrument);
  }
  return { members, excluded, dropped, added };
}
