/**
 * The scalper's universe in the running daemon: builds a UniverseCandidate for every perp the
 * market data follows (24 h volume and open interest from the ticker, quote depth within 1 % and
 * the spread from the synced book, micro-volatility and trades/s from the features, the last
 * trade from the tape, status and listing time from the instrument) and runs the pure selector
 * (universe.ts): a full scan once `warmupMs` has passed, then every `rescanMs`; a quick check every
 * `quickCheckMs` that first refetches each venue's instrument list (new listings are subscribed,
 * delistings forgotten) and then drops what went delisted or inactive and admits new listings as
 * wild. A new listing whose book is not synced yet at the quick check is admitted on its first
 * feature reading instead of an hour later.
 *
 * Every scan is a `universe.scanned` record, every change a `universe.added`, `universe.dropped`
 * or `universe.recategorized` record with its reason. The membership is kept in the store
 * (`scalper.universe`) and restored at start, so a restart trades what it traded without waiting
 * for the warmup.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../../core/clock.ts';
import type { Logger } from '../../core/logger.ts';
import { errorMessage } from '../../core/errors.ts';
import type { FleetConfig, VenueId } from '../../config/schema.ts';
import type { Instrument } from '../../model/instrument.ts';
import type { InstrumentFeed } from '../../market/marketData.ts';
import type { FeatureView } from '../../features/types.ts';
import { exclusion, quickCheck, selectUniverse, type Category, type Excluded, type Member, type Universe, type UniverseCandidate } from './universe.ts';

/** The store key of the last membership. */
export const UNIVERSE_KEY = 'scalper.universe';

const CATEGORIES: readonly Category[] = ['prime', 'normal', 'wild'];
/** A scan record lists at most this many exclusions (the count is always whole). */
const EXCLUDED_LOGGED = 200;
/** A pending new listing is tried at most this often on its readings. */
const ADMIT_EVERY_MS = 1000;
/** An empty universe is scanned again this soon. */
const EMPTY_RETRY_MS = 10_000;

export interface UniverseChange {
  readonly added: readonly Member[];
  readonly removed: readonly Excluded[];
  readonly recategorized: readonly { readonly instrument: string; readonly from: Category; readonly to: Category }[];
}

export interface UniverseServiceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options: FleetConfig['scalper']['universe'];
  /** Book levels kept per category (`scalper.categories.<c>.depth`). */
  readonly depths: Readonly<Record<Category, number>>;
  /** The venues whose perps are candidates. */
  readonly venues: readonly VenueId[];
  /** The market data's feeds by instrument id (ticker, book, tape). */
  readonly feeds: ReadonlyMap<string, InstrumentFeed>;
  /** The latest instrument (status may change on a refresh). */
  instrument(id: string): Instrument | undefined;
  /** The latest feature view of a symbol, if read. */
  view(id: string): FeatureView | undefined;
  /** Instruments just read by the features (new listings are admitted on their first reading). */
  readonly read$?: Observable<string>;
  /** Refetches a venue's instruments, following new listings and delistings. */
  refresh?(venue: VenueId): Promise<{ readonly added: readonly Instrument[]; readonly removed: readonly Instrument[] }>;
  /** Forgets what is kept about an instrument the venue no longer trades (features). */
  forget?(id: string): void;
  readonly store: { get(key: string): Promise<string | undefined>; put(key: string, value: string): Promise<void> };
  log(type: string, data: Record<string, unknown>): void;
}

interface Saved {
  readonly savedAt: number;
  readonly members: readonly Member[];
  readonly firstSeen: readonly (readonly [string, number])[];
}

/** The last measures seen of an instrument: a book resyncing at scan time keeps its last spread and depth. */
interface Measured {
  readonly spreadBps: number;
  readonly depth1pctQuote: number;
}

/** Returns the class of a selector's exclusion text: what `universe.dropped` reports. */
export function dropReason(detail: string): 'delisted' | 'not trading' | 'inactive' | 'below minimum' {
  if (detail === 'no longer listed' || detail === 'status delisted') return 'delisted';
  if (detail.startsWith('status ')) return 'not trading';
  if (detail.startsWith('no trade')) return 'inactive';
  return 'below minimum';
}

/** Returns the quote resting within 1 % of the mid on both sides of a feed's book, and its spread in bps. */
export function bookMeasures(feed: InstrumentFeed): Measured | undefined {
  const sync = feed.sync;
  if (!sync?.usable) return undefined;
  const { book } = sync;
  const inst = feed.instrument;
  const bid = book.bids.best();
  const ask = book.asks.best();
  const midTicks = (bid + ask) / 2;
  if (!(midTicks > 0) || !Number.isFinite(midTicks)) return undefined;
  const mid = inst.price.toNumber(midTicks);
  const unit = Number(inst.contractSize) || 1;
  let quote = 0;
  const lo = midTicks * 0.99;
  const hi = midTicks * 1.01;
  book.bids.forEach(Infinity, (p, q) => {
    if (p < lo) return false;
    quote += inst.price.toNumber(p) * inst.qty.toNumber(q) * unit;
  });
  book.asks.forEach(Infinity, (p, q) => {
    if (p > hi) return false;
    quote += inst.price.toNumber(p) * inst.qty.toNumber(q) * unit;
  });
  return { spreadBps: (inst.price.toNumber(ask - bid) / mid) * 1e4, depth1pctQuote: quote };
}

/**
 * Returns the 24 h quote volume the tape suggests: its quote traded over the time it spans, as a
 * rate per day. For venues whose ticker carries no 24 h volume on the stream (Binance USD-M
 * without `@ticker`); 0 with fewer than two trades.
 */
export function tapeVolume24h(feed: InstrumentFeed): number {
  const trades = feed.tape.recent(feed.tape.size);
  if (trades.length < 2) return 0;
  const { price, qty } = feed.instrument;
  const unit = Number(feed.instrument.contractSize) || 1;
  let quote = 0;
  for (const t of trades) quote += price.toNumber(t.price) * qty.toNumber(t.qty) * unit;
  const span = Math.max(1000, trades[0]!.tsEvent - trades[trades.length - 1]!.tsEvent);
  return (quote * 86_400_000) / span;
}

export class UniverseService {
  /** Every change of the membership (added, removed, recategorized). */
  readonly changes$ = new Subject<UniverseChange>();
  private current = new Map<string, Member>();
  private lastExcluded: readonly Excluded[] = [];
  private readonly firstSeen = new Map<string, number>();
  private readonly measured = new Map<string, Measured>();
  /** New listings not admitted yet, with the last try. */
  private readonly pending = new Map<string, number>();
  private readonly timers: { warmup?: TimerHandle; rescan?: TimerHandle; quick?: TimerHandle; retry?: TimerHandle } = {};
  private sub: Subscription | undefined;
  private chain: Promise<void> = Promise.resolve();
  private startedAt = 0;
  private stopped = false;

  constructor(private readonly d: UniverseServiceDeps) {}

  /** Restores the last membership, then arms the warmup, the rescan and the quick check. */
  async start(): Promise<void> {
    const { clock, options } = this.d;
    this.startedAt = clock.now();
    await this.restore();
    if (this.stopped) return;
    this.sub = this.d.read$?.subscribe((id) => this.onRead(id));
    this.timers.warmup = clock.setTimeout(() => {
      this.timers.warmup = undefined;
      void this.rescan();
      this.timers.rescan = clock.setInterval(() => void this.rescan(), options.rescanMs);
      this.timers.quick = clock.setInterval(() => void this.quickCheck(), options.quickCheckMs);
    }, options.warmupMs);
  }

  /** Stops the timers; waits for a scan in progress (and its save). */
  async stop(): Promise<void> {
    this.stopped = true;
    const { clock } = this.d;
    if (this.timers.warmup !== undefined) clock.clearTimeout(this.timers.warmup);
    if (this.timers.rescan !== undefined) clock.clearInterval(this.timers.rescan);
    if (this.timers.quick !== undefined) clock.clearInterval(this.timers.quick);
    if (this.timers.retry !== undefined) clock.clearTimeout(this.timers.retry);
    this.sub?.unsubscribe();
    await this.chain;
    this.changes$.complete();
  }

  /** Returns the member for an instrument id, or undefined when it is not in the universe. */
  member(instrumentId: string): Member | undefined {
    return this.current.get(instrumentId);
  }

  /** Returns the members, best score first. */
  members(): Member[] {
    return [...this.current.values()].sort((a, b) => b.score - a.score || a.instrument.localeCompare(b.instrument));
  }

  /** Returns the candidates the last scan left out, with why. */
  excluded(): readonly Excluded[] {
    return this.lastExcluded;
  }

  /** Returns an instrument's category, or null when it is not a member. */
  category(instrumentId: string): Category | null {
    return this.current.get(instrumentId)?.category ?? null;
  }

  /** Runs a full scan now (the rescan timer calls this); serialized with the quick check. */
  rescan(): Promise<void> {
    return this.serial(async () => {
      const now = this.d.clock.now();
      const u = selectUniverse(this.candidates(now), now, [...this.current.values()], this.firstSeen, this.d.options);
      await this.apply('full', u, now);
      // An empty universe (the data had not arrived, or nothing passed yet) is scanned again soon,
      // not at the next rescan hours later.
      if (this.current.size === 0 && !this.stopped && this.timers.retry === undefined) {
        this.timers.retry = this.d.clock.setTimeout(() => {
          this.timers.retry = undefined;
          void this.rescan();
        }, Math.min(EMPTY_RETRY_MS, this.d.options.rescanMs));
      }
    });
  }

  /** Refetches the venues' instruments, then drops the delisted and inactive and admits new listings. */
  quickCheck(): Promise<void> {
    return this.serial(async () => {
      await this.refreshVenues();
      if (this.stopped) return;
      const now = this.d.clock.now();
      const u = quickCheck(this.candidates(now), now, [...this.current.values()], this.firstSeen, this.d.options);
      await this.apply('quick', u, now);
    });
  }

  /** Returns the candidates: every followed perp on the universe's venues, measured now. */
  candidates(now: number): UniverseCandidate[] {
    const venues = new Set<string>(this.d.venues);
    const out: UniverseCandidate[] = [];
    for (const [id, feed] of this.d.feeds) {
      const inst = this.d.instrument(id) ?? feed.instrument;
      if (inst.kind !== 'perp' || !venues.has(inst.venue)) continue;
      out.push(this.candidate(inst, feed, now));
    }
    return out;
  }

  private candidate(inst: Instrument, feed: InstrumentFeed, now: number): UniverseCandidate {
    const fresh = bookMeasures(feed);
    if (fresh) this.measured.set(inst.id, fresh);
    const m = fresh ?? this.measured.get(inst.id);
    const view = this.d.view(inst.id);
    const t = feed.ticker;
    const mid = view?.mid ?? (t?.last !== undefined ? inst.price.toNumber(t.last) : 0);
    const last = feed.tape.recent(1)[0];
    // Never traded since we started (or since it was first seen): inactive counts from then.
    const lastTradeAt = last?.tsEvent ?? this.firstSeen.get(inst.id) ?? this.startedAt;
    return {
      instrument: inst.id,
      status: inst.status,
      ...(inst.listedAt !== undefined ? { listedAt: inst.listedAt } : {}),
      volume24hQuote: t?.quoteVolume24h ?? tapeVolume24h(feed),
      // Open interest comes in base (contracts × contract size) from the perp venues: valued at the mid.
      ...(t?.openInterest !== undefined && mid > 0 ? { openInterestQuote: t.openInterest * (Number(inst.contractSize) || 1) * mid } : {}),
      depth1pctQuote: m?.depth1pctQuote ?? 0,
      spreadBps: m?.spreadBps ?? Infinity,
      microVolatility: view?.volatility.atr1s ?? 0,
      tradesPerSec: view?.flow.tradesPerSec ?? 0,
      lastTradeAt: Math.min(lastTradeAt, now),
    };
  }

  private async refreshVenues(): Promise<void> {
    const { refresh, clock, logger } = this.d;
    if (!refresh) return;
    for (const venue of this.d.venues) {
      try {
        const { added, removed } = await refresh(venue);
        const now = clock.now();
        for (const inst of added) {
          if (!this.firstSeen.has(inst.id)) this.firstSeen.set(inst.id, now);
          this.pending.set(inst.id, -Infinity);
        }
        for (const inst of removed) {
          this.pending.delete(inst.id);
          this.measured.delete(inst.id);
          this.d.forget?.(inst.id);
        }
      } catch (e) {
        // The quick check goes on with what is known; the next one retries.
        logger.warn({ venue, err: errorMessage(e) }, 'instrument refresh failed');
        this.d.log('universe.refresh-failed', { venue, error: errorMessage(e) });
      }
    }
  }

  /** Admits a pending new listing on a reading, once its spread passes. */
  private onRead(id: string): void {
    const tried = this.pending.get(id);
    if (tried === undefined || this.current.has(id)) return;
    const now = this.d.clock.now();
    if (now - tried < ADMIT_EVERY_MS) return;
    this.pending.set(id, now);
    const feed = this.d.feeds.get(id);
    const inst = this.d.instrument(id);
    if (!feed || !inst) return;
    const c = this.candidate(inst, feed, now);
    if (exclusion(c, now, this.d.options, false, true) !== undefined) return;
    const member: Member = { instrument: id, category: 'wild', score: 0, newListing: true, depth: this.d.depths.wild };
    void this.serial(async () => {
      if (this.current.has(id) || this.stopped) return;
      await this.apply('listing', { members: [...this.current.values(), member], excluded: this.lastExcluded, dropped: [], added: [id] }, now);
    });
  }

  /** Makes a selector's result the membership: records, the change, the save. */
  private async apply(kind: 'full' | 'quick' | 'listing', u: Universe, now: number): Promise<void> {
    const before = this.current;
    const next = new Map(u.members.map((m) => [m.instrument, { ...m, depth: this.d.depths[m.category] }] as const));
    const added: Member[] = [];
    const recategorized: { instrument: string; from: Category; to: Category }[] = [];
    for (const m of next.values()) {
      const was = before.get(m.instrument);
      if (!was) added.push(m);
      else if (was.category !== m.category) recategorized.push({ instrument: m.instrument, from: was.category, to: m.category });
    }
    const removed = u.dropped.filter((x) => !next.has(x.instrument));
    this.current = next;
    if (kind !== 'listing') this.lastExcluded = u.excluded;
    for (const m of added) this.pending.delete(m.instrument);
    if (kind !== 'listing') {
      const counts = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
      for (const m of next.values()) counts[m.category]++;
      this.d.log('universe.scanned', {
        kind,
        members: next.size,
        counts,
        excludedCount: u.excluded.length,
        excluded: u.excluded.slice(0, EXCLUDED_LOGGED).map((e) => ({ instrument: e.instrument, reason: e.reason })),
      });
      this.d.logger.info({ kind, members: next.size, ...counts, excluded: u.excluded.length, added: added.length, dropped: removed.length }, 'universe scanned');
    }
    for (const m of added) {
      this.d.log('universe.added', { instrument: m.instrument, category: m.category, newListing: m.newListing, score: m.score, reason: m.newListing ? 'new listing' : 'passed the minimums' });
    }
    for (const x of removed) this.d.log('universe.dropped', { instrument: x.instrument, reason: dropReason(x.reason), detail: x.reason });
    for (const r of recategorized) this.d.log('universe.recategorized', { ...r });
    if (added.length + removed.length + recategorized.length > 0) this.changes$.next({ added, removed, recategorized });
    await this.save(now);
  }

  private async save(now: number): Promise<void> {
    const saved: Saved = { savedAt: now, members: [...this.current.values()], firstSeen: [...this.firstSeen] };
    try {
      await this.d.store.put(UNIVERSE_KEY, JSON.stringify(saved));
    } catch (e) {
      this.d.logger.warn({ err: errorMessage(e) }, 'cannot save the universe; a restart will wait for the warmup');
    }
  }

  private async restore(): Promise<void> {
    let raw: string | undefined;
    try {
      raw = await this.d.store.get(UNIVERSE_KEY);
    } catch (e) {
      this.d.logger.warn({ err: errorMessage(e) }, 'cannot read the saved universe; waiting for the first scan');
      return;
    }
    if (!raw) return;
    try {
      const saved = JSON.parse(raw) as Saved;
      if (!Array.isArray(saved.members) || !Array.isArray(saved.firstSeen)) throw new Error('members or firstSeen missing');
      for (const [id, at] of saved.firstSeen) if (typeof id === 'string' && typeof at === 'number') this.firstSeen.set(id, at);
      const members: Member[] = saved.members.filter((m): m is Member => typeof m?.instrument === 'string' && CATEGORIES.includes(m.category));
      this.current = new Map(members.map((m) => [m.instrument, { ...m, depth: this.d.depths[m.category] }]));
      this.d.log('universe.restored', { members: this.current.size, savedAt: saved.savedAt });
      if (this.current.size > 0) this.changes$.next({ added: [...this.current.values()], removed: [], recategorized: [] });
    } catch (e) {
      // A bad record costs the warmup, not the daemon.
      this.d.logger.warn({ err: errorMessage(e) }, 'the saved universe is unreadable; waiting for the first scan');
    }
  }

  /** Runs scans one at a time: a quick check awaiting a venue never overlaps a rescan. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.stopped) return;
      try {
        await fn();
      } catch (e) {
        this.d.logger.error({ err: errorMessage(e) }, 'universe scan failed');
      }
    });
    this.chain = run;
    return run;
  }
}
