/**
 * UniverseService on a manual clock over real MarketData fed by hand: candidates measured from the
 * ticker, book and tape; nothing before the warmup; a full scan then, a rescan and a quick check on
 * their timers; new listings from the refresh admitted as wild; delistings and inactivity dropped
 * with their reasons; the membership saved and restored.
 */
import { describe, expect, it } from 'vitest';
import { Subject } from 'rxjs';
import { ManualClock } from '../../../src/core/clock.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { defaultConfig } from '../../../src/config/load.ts';
import { MarketData } from '../../../src/market/marketData.ts';
import { BookSync } from '../../../src/market/bookSync.ts';
import { makeInstrument, type Instrument, type InstrumentStatus } from '../../../src/model/instrument.ts';
import type { FeatureView } from '../../../src/features/types.ts';
import { UNIVERSE_KEY, UniverseService, dropReason, type UniverseChange } from '../../../src/strategies/scalper/universeService.ts';

const T0 = 1_700_000_000_000;
const OPTIONS = { ...defaultConfig().scalper.universe, warmupMs: 10_000, rescanMs: 60_000, quickCheckMs: 20_000, inactiveMs: 30_000, primeCount: 1 };

function perp(symbol: string, status: InstrumentStatus = 'trading', listedAt?: number): Instrument {
  return makeInstrument({ venue: 'bybit-linear', symbol, kind: 'perp', base: symbol.replace('USDT', ''), quote: 'USDT', tickSize: '0.01', lotSize: '0.001', status, ...(listedAt !== undefined ? { listedAt } : {}) });
}

interface World {
  clock: ManualClock;
  market: MarketData;
  svc: UniverseService;
  records: { type: string; data: Record<string, unknown> }[];
  changes: UniverseChange[];
  saved: Map<string, string>;
  views: Map<string, Partial<FeatureView>>;
  listing: { added: Instrument[]; removed: Instrument[] };
  forgotten: string[];
  reads: Subject<string>;
  /** Puts a book (mid 100, spread 1 tick, `lots` on ten levels a side), a ticker and a trade. */
  quote(inst: Instrument, o?: { volume?: number; oi?: number; lots?: number; tradeAt?: number; spreadTicks?: number }): void;
}

async function world(saved = new Map<string, string>()): Promise<World> {
  const clock = new ManualClock(T0);
  const market = new MarketData({ tapeSize: 100, schedule: (fn) => fn() });
  const records: World['records'] = [];
  const changes: UniverseChange[] = [];
  const views = new Map<string, Partial<FeatureView>>();
  const listing: World['listing'] = { added: [], removed: [] };
  const forgotten: string[] = [];
  const reads = new Subject<string>();
  let trade = 1;
  const svc = new UniverseService({
    clock,
    logger: silentLogger(),
    options: OPTIONS,
    depths: { prime: 100, normal: 50, wild: 20 },
    venues: ['bybit-linear'],
    feeds: market.feeds,
    instrument: (id) => market.registry.get(id),
    view: (id) => views.get(id) as FeatureView | undefined,
    read$: reads,
    refresh: async () => {
      const out = { ...listing };
      listing.added = [];
      listing.removed = [];
      for (const i of out.added) market.registry.upsert([i]);
      for (const i of out.removed) market.registry.upsert([i]);
      return out;
    },
    forget: (id) => forgotten.push(id),
    store: { get: async (k) => saved.get(k), put: async (k, v) => void saved.set(k, v) },
    log: (type, data) => records.push({ type, data }),
  });
  svc.changes$.subscribe((c) => changes.push(c));
  const quote: World['quote'] = (inst, o = {}) => {
    market.registry.upsert([inst]);
    const feed = market.feed(inst);
    if (!feed.sync) {
      const sync = new BookSync(inst.id, 'bybit');
      market.adopt(sync);
    }
    const lots = o.lots ?? 100_000; // 100 base per level at ~100 = 10k quote per level
    const spread = o.spreadTicks ?? 1;
    const bids: number[] = [];
    const asks: number[] = [];
    for (let k = 0; k < 10; k++) bids.push(10_000 - k * 10, lots), asks.push(10_000 + spread + k * 10, lots);
    const now = clock.now();
    market.ingest({ kind: 'book.snapshot', instrument: inst.id, tsEvent: now, tsRecv: now, seq: trade, bids, asks }, feed.sync);
    market.ingest({ kind: 'ticker', instrument: inst.id, tsEvent: now, tsRecv: now, quoteVolume24h: o.volume ?? 50_000_000, openInterest: o.oi ?? 100_000 }, feed.sync);
    market.ingest({ kind: 'trade', instrument: inst.id, tsEvent: o.tradeAt ?? now, tsRecv: now, tradeId: String(trade++), price: 10_000, qty: 1000, aggressor: 'buy' }, feed.sync);
  };
  await svc.start();
  return { clock, market, svc, records, changes, saved, views, listing, forgotten, reads, quote };
}

/** Lets the scan started by a timer finish (it awaits the store). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const BTC = perp('BTCUSDT');
const ETH = perp('ETHUSDT');
const THIN = perp('THINUSDT');

describe('UniverseService', () => {
  it('measures candidates from the ticker, the book within 1 %, the features and the tape', async () => {
    const w = await world();
    w.quote(BTC, { volume: 80_000_000, oi: 2_000 });
    w.views.set(BTC.id, { mid: 100, volatility: { atr1s: 0.002, atr3s: 0, score: 0, explosion: false }, flow: { tradesPerSec: 7 } as FeatureView['flow'] });
    const [c] = w.svc.candidates(w.clock.now());
    expect(c).toMatchObject({ instrument: BTC.id, status: 'trading', volume24hQuote: 80_000_000, microVolatility: 0.002, tradesPerSec: 7, lastTradeAt: T0 });
    // 2 000 BTC of open interest at the features' mid of 100.
    expect(c!.openInterestQuote).toBeCloseTo(2_000 * 100, 6);
    // Bids 100.00 … 99.10 and asks 100.01 … 100.91 are all within 1 %: 20 levels × 100 base.
    const expected = [...Array(10).keys()].reduce((s, k) => s + (100 - k * 0.1) * 100 + (100.01 + k * 0.1) * 100, 0);
    expect(c!.depth1pctQuote).toBeCloseTo(expected, 6);
    expect(c!.spreadBps).toBeCloseTo((0.01 / 100.005) * 1e4, 6);
    await w.svc.stop();
  });

  it('scans nothing before the warmup, then a full scan with categories, then rescans and quick checks on their timers', async () => {
    const w = await world();
    w.quote(BTC, { volume: 900_000_000 });
    w.quote(ETH, { volume: 400_000_000 });
    w.quote(THIN, { volume: 1_000 });
    w.clock.advance(9_999);
    await settle();
    expect(w.svc.members()).toEqual([]);
    expect(w.records.filter((r) => r.type === 'universe.scanned')).toHaveLength(0);
    w.clock.advance(1);
    await settle();
    expect(w.svc.category(BTC.id)).toBe('prime');
    expect(w.svc.category(ETH.id)).toBe('normal');
    expect(w.svc.category(THIN.id)).toBeNull();
    expect(w.svc.member(ETH.id)).toMatchObject({ depth: 50, newListing: false });
    expect(w.svc.excluded()).toEqual([{ instrument: THIN.id, reason: expect.stringMatching(/^24 h volume 1000 below/) }]);
    const scan = w.records.find((r) => r.type === 'universe.scanned')!;
    expect(scan.data).toMatchObject({ kind: 'full', members: 2, counts: { prime: 1, normal: 1, wild: 0 }, excludedCount: 1 });
    expect(w.records.filter((r) => r.type === 'universe.added').map((r) => [r.data.instrument, r.data.reason])).toEqual([
      [BTC.id, 'passed the minimums'],
      [ETH.id, 'passed the minimums'],
    ]);
    expect(w.changes.at(-1)!.added.map((m) => m.instrument).sort()).toEqual([BTC.id, ETH.id]);

    // Quick checks at +20 s, +40 s and +60 s; the rescan at +60 s too (armed first, so it runs first).
    const kinds = () => w.records.filter((r) => r.type === 'universe.scanned').map((r) => r.data.kind);
    for (let i = 0; i < 3; i++) {
      w.quote(BTC, { volume: 900_000_000 });
      w.quote(ETH, { volume: 400_000_000 });
      w.clock.advance(20_000);
      await settle();
    }
    expect(kinds()).toEqual(['full', 'quick', 'quick', 'full', 'quick']);
    await w.svc.stop();
  });

  it('admits a new listing as wild at the quick check, and drops a delisted and an inactive member with their reasons', async () => {
    const w = await world();
    w.quote(BTC);
    w.quote(ETH);
    w.clock.advance(10_000);
    await settle();
    expect(w.svc.members()).toHaveLength(2);

    const nova = perp('NOVAUSDT', 'trading', w.clock.now());
    w.quote(nova, { volume: 10 }); // below the volume minimum, but new: only status and spread count
    w.listing.added = [nova];
    w.listing.removed = [perp('ETHUSDT', 'delisted')];
    await w.svc.quickCheck();
    expect(w.svc.member(nova.id)).toMatchObject({ category: 'wild', newListing: true, depth: 20 });
    expect(w.svc.member(ETH.id)).toBeUndefined();
    expect(w.forgotten).toEqual([ETH.id]);
    const added = w.records.filter((r) => r.type === 'universe.added').at(-1)!;
    expect(added.data).toMatchObject({ instrument: nova.id, category: 'wild', newListing: true, reason: 'new listing' });
    const dropped = w.records.filter((r) => r.type === 'universe.dropped');
    expect(dropped.map((r) => r.data)).toEqual([{ instrument: ETH.id, reason: 'delisted', detail: 'status delisted' }]);
    expect(w.changes.at(-1)).toMatchObject({ added: [{ instrument: nova.id }], removed: [{ instrument: ETH.id }] });

    // BTC's last trade stays where it was: past inactiveMs it is dropped as inactive.
    w.clock.advance(31_000);
    w.quote(nova);
    await w.svc.quickCheck();
    expect(w.svc.member(BTC.id)).toBeUndefined();
    expect(w.records.filter((r) => r.type === 'universe.dropped').at(-1)!.data).toMatchObject({ instrument: BTC.id, reason: 'inactive' });
    await w.svc.stop();
  });

  it('admits a pending new listing on its first reading once its book is synced', async () => {
    const w = await world();
    const nova = perp('NOVAUSDT', 'trading', T0);
    w.listing.added = [nova];
    w.market.registry.upsert([nova]);
    w.market.feed(nova);
    await w.svc.quickCheck();
    // No book yet: not admitted (its spread is unknown).
    expect(w.svc.member(nova.id)).toBeUndefined();
    expect(w.svc.excluded()).toEqual([{ instrument: nova.id, reason: expect.stringMatching(/^spread/) }]);
    // A reading of another symbol admits nothing; the listing's first reading with a book does.
    w.reads.next(BTC.id);
    w.quote(nova);
    w.reads.next(nova.id);
    await settle();
    expect(w.svc.member(nova.id)).toMatchObject({ category: 'wild', newListing: true, depth: 20 });
    expect(w.records.filter((r) => r.type === 'universe.added').map((r) => r.data.instrument)).toEqual([nova.id]);
    expect(w.records.filter((r) => r.type === 'universe.scanned')).toHaveLength(1);
    await w.svc.stop();
  });

  it('saves the membership and restores it at start, before any warmup', async () => {
    const w = await world();
    w.quote(BTC, { volume: 900_000_000 });
    w.quote(ETH, { volume: 400_000_000 });
    await w.svc.rescan();
    await w.svc.stop();
    const raw = JSON.parse(w.saved.get(UNIVERSE_KEY)!) as { members: { instrument: string; category: string }[] };
    expect(raw.members.map((m) => [m.instrument, m.category]).sort()).toEqual([
      [BTC.id, 'prime'],
      [ETH.id, 'normal'],
    ]);

    const again = await world(w.saved);
    expect(again.svc.category(BTC.id)).toBe('prime');
    expect(again.svc.member(ETH.id)).toMatchObject({ category: 'normal', depth: 50 });
    expect(again.changes[0]!.added).toHaveLength(2);
    expect(again.records.find((r) => r.type === 'universe.restored')!.data).toMatchObject({ members: 2 });
    await again.svc.stop();

    const broken = await world(new Map([[UNIVERSE_KEY, '{not json']]));
    expect(broken.svc.members()).toEqual([]);
    await broken.svc.stop();
  });

  it('classes the selector reasons', () => {
    expect(dropReason('no longer listed')).toBe('delisted');
    expect(dropReason('status halted')).toBe('not trading');
    expect(dropReason('no trade for 700 s')).toBe('inactive');
    expect(dropReason('open interest 10 below 1000000')).toBe('below minimum');
  });
});
