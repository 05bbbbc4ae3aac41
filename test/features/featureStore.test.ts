/**
 * The rolling feature store on a real LevelDB in a temp dir: write-behind (one batch per flush,
 * never per tick), only the latest plus a bounded history per symbol, saved readings restored as
 * stale until a fresh one arrives (never as a trading reading), and unreadable records skipped
 * with a warning without stopping the start.
 */
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { decodeReading, encodeReading, FeatureStore, type FeatureStoreDeps } from '../../src/features/featureStore.ts';
import { FeatureService, type FeatureServiceDeps, type SymbolReading } from '../../src/features/service.ts';
import type { FeatureView } from '../../src/features/types.ts';
import { openStore, type Store } from '../../src/runtime/store.ts';
import { collect, tempDir } from '../helpers.ts';

const T0 = 1_700_000_000_000;
const BTC = 'bybit-linear:BTCUSDT';
const ETH = 'bybit-linear:ETHUSDT';

function reading(instrument: string, ts: number, mid: number): SymbolReading {
  const view: FeatureView = {
    instrument,
    ts,
    mid,
    spreadBps: 0.7,
    imbalance: { top: 0.25, zonal: -0.1 },
    walls: { bid: null, ask: null, supportScore: 0, resistanceScore: 0, spoofingScore: 0.3, pulled: { bid: 1, ask: 0 }, absorbed: { bid: 0, ask: 2 } },
    flow: { buyVolume: 10, sellVolume: 8, delta: 2, deltaRatio: 0.11, streak: 3, largeBuys: 0, largeSells: 1, tradesPerSec: 4 },
    volatility: { atr1s: 0.0001, atr3s: 0.0005, score: 0.5, explosion: false },
    pump: { phase: 'NONE', since: 0, change: 0 },
    fees: { minMoveBps: 13, liquidationDistance: 0.02 },
    news: { flag: null, fresh: false },
  };
  return { view, regime: 'NORMAL', reasons: ['calm'], scores: { long: 0.4, short: 0.2, parts: { book: 0.5 }, penalties: { spoof: 0.1 } } };
}

/** A stand-in FeatureService: readings set by hand, `read$` fired per tick. */
class Source {
  readonly read$ = new Subject<string>();
  readonly latest = new Map<string, SymbolReading>();
  tick(id: string, ts: number, mid: number): SymbolReading {
    const r = reading(id, ts, mid);
    this.latest.set(id, r);
    this.read$.next(id);
    return r;
  }
  reading(id: string): SymbolReading | undefined {
    return this.latest.get(id);
  }
}

const quietLogger = () => ({ warn: vi.fn(), error: vi.fn() });

const dirs: { cleanup: () => void }[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close().catch(() => undefined)));
  for (const d of dirs.splice(0)) d.cleanup();
});

async function open(dir?: string): Promise<{ dir: string; store: Store }> {
  let path = dir;
  if (!path) {
    const t = tempDir('fleet-featstore-');
    dirs.push(t);
    path = t.dir;
  }
  const store = await openStore(path);
  stores.push(store);
  return { dir: path, store };
}

function make(store: Store, clock: ManualClock, source: Source, extra: Partial<FeatureStoreDeps> = {}) {
  const logger = quietLogger();
  const fs = new FeatureStore({ db: store.features, clock, logger: logger as unknown as FeatureStoreDeps['logger'], source, ...extra });
  return { fs, logger };
}

/** Advances the clock by `ms` and waits for a flush the timer may have started. */
async function advance(clock: ManualClock, fs: FeatureStore, ms: number): Promise<void> {
  clock.advance(ms);
  await fs.flush();
}

describe('FeatureStore', () => {
  it('writes behind: nothing per tick, then one batch with one put per dirty symbol', async () => {
    const { store } = await open();
    const clock = new ManualClock(T0);
    const source = new Source();
    const { fs } = make(store, clock, source);
    fs.start();
    for (let i = 0; i < 100; i++) {
      clock.advance(5);
      source.tick(BTC, clock.now(), 100 + i);
      source.tick(ETH, clock.now(), 50 + i);
    }
    await Promise.resolve();
    expect(fs.stats().batches).toBe(0);
    expect(await collect(store.features.keys())).toEqual([]);

    await advance(clock, fs, 500);
    expect(fs.stats()).toMatchObject({ batches: 1, puts: 2 });
    // Nothing read since: no empty batch.
    await advance(clock, fs, 3000);
    expect(fs.stats().batches).toBe(1);
    const saved = (await collect(store.features.values())).map((t) => decodeReading(t));
    const mids = Object.fromEntries(saved.map((s) => (s.ok ? [s.reading.instrument, s.reading.view.mid] : ['?', 0])));
    expect(mids).toEqual({ [BTC]: 199, [ETH]: 149 });
    await fs.stop();
  });

  it('keeps only the latest and a bounded history per symbol, oldest first at the flush spacing', async () => {
    const { store } = await open();
    const clock = new ManualClock(T0);
    const source = new Source();
    const { fs } = make(store, clock, source, { historySize: 5 });
    fs.start();
    let last: SymbolReading | undefined;
    // 30 s of a symbol read four times a second.
    for (let s = 0; s < 30; s++) {
      for (let k = 0; k < 4; k++) last = source.tick(BTC, clock.now() + k * 250, 1000 + s * 4 + k);
      await advance(clock, fs, 1000);
    }
    const keys = await collect(store.features.keys());
    expect(keys).toHaveLength(5);
    expect(fs.stats().batches).toBe(30);
    const h = await fs.history(BTC);
    expect(h.map((r) => r.view.mid)).toEqual([1103, 1107, 1111, 1115, 1119]);
    expect(h.at(-1)!.view).toEqual(last!.view);
    expect(h.slice(1).map((r, i) => r.ts - h[i]!.ts)).toEqual([1000, 1000, 1000, 1000]);
    expect(await fs.history(ETH)).toEqual([]);
    await fs.stop();
  });

  it('leaves out slots from an older lap when a symbol went quiet', async () => {
    const { store } = await open();
    const clock = new ManualClock(T0);
    const source = new Source();
    const { fs } = make(store, clock, source, { historySize: 4 });
    fs.start();
    for (let s = 0; s < 4; s++) {
      source.tick(BTC, clock.now(), 10 + s);
      await advance(clock, fs, 1000);
    }
    // Quiet for 6 s, then two readings: the two slots not overwritten hold readings a lap old.
    clock.advance(6000);
    for (let s = 0; s < 2; s++) {
      source.tick(BTC, clock.now(), 20 + s);
      await advance(clock, fs, 1000);
    }
    expect(await collect(store.features.keys())).toHaveLength(4);
    expect((await fs.history(BTC)).map((r) => r.view.mid)).toEqual([20, 21]);
    await fs.stop();
  });

  it('restores the saved latest readings as stale until a fresh one arrives, never as a trading reading', async () => {
    const first = await open();
    const clock = new ManualClock(T0);
    const source = new Source();
    const a = make(first.store, clock, source);
    a.fs.start();
    source.tick(BTC, clock.now(), 100);
    await advance(clock, a.fs, 1000);
    source.tick(BTC, clock.now(), 101);
    source.tick(ETH, clock.now(), 51);
    // No timer flush after these: stop() writes them.
    await a.fs.stop();
    await first.store.close();

    const again = await open(first.dir);
    clock.advance(30_000);
    const fresh = new Source();
    const b = make(again.store, clock, fresh);
    expect(await b.fs.load()).toBe(2);
    expect(b.fs.saved(BTC)).toMatchObject({ instrument: BTC, ts: T0 + 1000, regime: 'NORMAL', view: { mid: 101 } });

    const service = new FeatureService({ market: {}, clock, news: {}, fees: () => ({}), leverage: 5 } as unknown as FeatureServiceDeps);
    service.attachArchive(b.fs);
    expect(service.reading(BTC)).toBeUndefined();
    expect(service.shown(BTC)).toMatchObject({ stale: true, ts: T0 + 1000, reading: { view: { mid: 101 } } });
    expect(service.shown('bybit-linear:NOPEUSDT')).toBeUndefined();
    expect((await service.history(BTC)).map((r) => r.view.mid)).toEqual([100, 101]);

    b.fs.start();
    fresh.tick(BTC, clock.now(), 120);
    expect(b.fs.saved(BTC)).toBeUndefined();
    expect(b.fs.saved(ETH)).toMatchObject({ view: { mid: 51 } });
    await b.fs.stop();
  });

  it('skips a malformed record with a warning, keeps loading the rest, and deletes it with the next batch', async () => {
    const { store } = await open();
    const clock = new ManualClock(T0);
    await store.features.batch([
      { type: 'put', key: `${BTC}\u00000`, value: '{not json' },
      { type: 'put', key: `${BTC}\u00001`, value: JSON.stringify({ v: 1, instrument: BTC, ts: T0, regime: 'WEIRD' }) },
      { type: 'put', key: `${ETH}\u00002`, value: encodeReading(BTC, reading(BTC, T0, 7)) },
      { type: 'put', key: `${ETH}\u00003`, value: encodeReading(ETH, reading(ETH, T0, 55)) },
    ]);
    const { fs, logger } = make(store, clock, new Source());
    expect(await fs.load()).toBe(1);
    expect(fs.saved(ETH)).toMatchObject({ view: { mid: 55 } });
    expect(fs.saved(BTC)).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(3);
    const reasons = logger.warn.mock.calls.map((c) => (c[0] as { reason: string }).reason);
    expect(reasons[0]).toMatch(/not JSON/);
    expect(reasons[1]).toMatch(/regime/);
    expect(reasons[2]).toMatch(/names/);
    await fs.flush();
    expect(await collect(store.features.keys())).toEqual([`${ETH}\u00003`]);
  });

  it('drops saved readings older than the retention at start', async () => {
    const { store } = await open();
    const clock = new ManualClock(T0 + 2 * 3_600_000);
    await store.features.batch([
      { type: 'put', key: `${BTC}\u00000`, value: encodeReading(BTC, reading(BTC, T0, 7)) },
      { type: 'put', key: `${ETH}\u00000`, value: encodeReading(ETH, reading(ETH, clock.now() - 60_000, 55)) },
    ]);
    const { fs } = make(store, clock, new Source(), { retentionMs: 3_600_000 });
    expect(await fs.load()).toBe(1);
    expect(fs.saved(BTC)).toBeUndefined();
    await fs.flush();
    expect(await collect(store.features.keys())).toEqual([`${ETH}\u00000`]);
    expect(fs.stats().deletes).toBe(1);
  });

  it('keeps the symbols dirty and logs when a batch fails', async () => {
    const { store } = await open();
    const clock = new ManualClock(T0);
    const source = new Source();
    const { fs, logger } = make(store, clock, source);
    fs.start();
    source.tick(BTC, clock.now(), 100);
    const batch = vi.spyOn(store.features, 'batch').mockRejectedValueOnce(new Error('disk full'));
    await fs.flush();
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ err: 'disk full' }), expect.stringMatching(/failed/));
    expect(fs.stats().batches).toBe(0);
    batch.mockRestore();
    await fs.flush();
    expect(fs.stats()).toMatchObject({ batches: 1, puts: 1 });
    await fs.stop();
  });

  it('stores a reading that reads back the same, floats trimmed to 10 significant digits', () => {
    const r = reading(BTC, T0, 96989.435);
    const noisy: SymbolReading = { ...r, scores: { ...r.scores, long: 0.14531515151034172 }, view: { ...r.view, fees: { minMoveBps: 13.999999999999998, liquidationDistance: 0.995 } } };
    const back = decodeReading(encodeReading(BTC, noisy));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.reading).toEqual({ ...noisy, instrument: BTC, ts: T0, scores: { ...noisy.scores, long: 0.1453151515 }, view: { ...noisy.view, fees: { minMoveBps: 14, liquidationDistance: 0.995 } } });
  });

  it('refuses a history size out of bounds', () => {
    const source = new Source();
    expect(() => new FeatureStore({ db: {} as FeatureStoreDeps['db'], clock: new ManualClock(0), logger: quietLogger() as unknown as FeatureStoreDeps['logger'], source, historySize: 0 })).toThrow(/historySize/);
  });
});
