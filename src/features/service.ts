/**
 * Features for every instrument the market data follows: book updates and trades feed each
 * symbol's SymbolFeatures as they are applied; on each conflated tick of a symbol with a synced
 * book its FeatureView is read, with its regime and both scores, and kept as the latest reading
 * (GET /api/symbol's `features`, GET /api/hotlist). BTC and ETH readings feed the global regime
 * once a second. Symbol actors and orders come on top of these readings.
 */
import { Subject, type Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { MarketData } from '../market/marketData.ts';
import type { Instrument } from '../model/instrument.ts';
import { GlobalRegime, symbolRegime, type GlobalRegimeView, type SymbolRegime } from '../strategies/scalper/regime.ts';
import { scalpScores, type ScalpScores } from '../strategies/scalper/score.ts';
import type { FeeSchedule } from './fees.ts';
import type { NewsBoard } from './news.ts';
import { DEFAULT_SYMBOL_FEATURE_OPTIONS, SymbolFeatures } from './symbolFeatures.ts';
import { DEFAULT_WALL_OPTIONS } from './walls.ts';
import type { FeatureView } from './types.ts';

export interface FeatureServiceDeps {
  readonly market: MarketData;
  readonly clock: Clock;
  readonly news: NewsBoard;
  fees(inst: Instrument): FeeSchedule;
  readonly leverage: number;
  /**
   * The book levels a symbol's features may read (its universe category's depth); the walls and
   * the thinning never look past it. Read when the symbol's features are built.
   */
  depthOf?(id: string): number | undefined;
  /** Records a change of a symbol's regime or pump phase (the event log), so a block can be explained afterwards. */
  log?(type: string, actor: string, data: Record<string, unknown>): void;
}

/** The latest reading of one symbol. */
export interface SymbolReading {
  readonly view: FeatureView;
  readonly regime: SymbolRegime;
  readonly reasons: readonly string[];
  readonly scores: ScalpScores;
}

/** A reading as saved to disk: the reading, its instrument and when it was taken (its view's ts). */
export interface ArchivedReading extends SymbolReading {
  readonly instrument: string;
  readonly ts: number;
}

/** A reading as the API shows it: fresh, or saved before a restart (`stale`, never traded on). */
export interface ShownReading {
  readonly reading: SymbolReading;
  readonly ts: number;
  readonly stale: boolean;
}

/** The on-disk side of the readings (src/features/featureStore.ts): what was saved before a restart and each symbol's recent past. */
export interface ReadingArchive {
  /** Returns the reading saved before the restart while no fresh one has replaced it. */
  saved(instrument: string): ArchivedReading | undefined;
  /** Returns the instrument's saved readings, oldest first. */
  history(instrument: string): Promise<readonly ArchivedReading[]>;
}

/** One row of GET /api/hotlist (CONTRACT.md). */
export interface HotRow {
  readonly instrument: string;
  readonly category: string | null;
  readonly regime: SymbolRegime;
  readonly pumpState: string;
  readonly spoofingScore: number;
  readonly newsFlag: string | null;
  readonly scoreLong: number;
  readonly scoreShort: number;
  readonly state: string | null;
}

const LEADERS = ['BTC', 'ETH'] as const;
const RETURN_MS = 60_000;

export class FeatureService {
  /** The id of each symbol just read (its reading is fresh). */
  readonly read$ = new Subject<string>();
  private readonly symbols = new Map<string, SymbolFeatures>();
  private readonly readings = new Map<string, SymbolReading>();
  private readonly global = new GlobalRegime();
  private globalView: GlobalRegimeView | undefined;
  /** Mid samples of the leaders (ts, mid) over the last minute, for their 1-minute return, and the instrument read. */
  private readonly leaders = new Map<string, { id: string; mids: { ts: number; mid: number }[] }>();
  private readonly subs: Subscription[] = [];
  private timer: TimerHandle | undefined;
  private archive: ReadingArchive | undefined;

  constructor(private readonly d: FeatureServiceDeps) {}

  /** Attaches the on-disk archive whose saved readings `shown()` falls back to and whose history `history()` serves. */
  attachArchive(archive: ReadingArchive): void {
    this.archive = archive;
  }

  /** Returns what the API shows: the fresh reading, else the one saved before the restart marked stale (for display only; trading reads `reading()`). */
  shown(instrument: string): ShownReading | undefined {
    const fresh = this.readings.get(instrument);
    if (fresh) return { reading: fresh, ts: fresh.view.ts, stale: false };
    const saved = this.archive?.saved(instrument);
    return saved ? { reading: saved, ts: saved.ts, stale: true } : undefined;
  }

  /** Returns the instrument's recent readings saved on disk, oldest first ([] without an archive). */
  history(instrument: string): Promise<readonly ArchivedReading[]> {
    return this.archive?.history(instrument) ?? Promise.resolve([]);
  }

  start(): void {
    const { market } = this.d;
    this.subs.push(market.events$.subscribe((ev) => {
      if (ev.kind === 'trade') this.of(ev.instrument)?.onTrade(ev);
      else if (ev.kind === 'book.snapshot' || ev.kind === 'book.delta') {
        const sync = market.tradableBook(ev.instrument);
        if (sync) this.of(ev.instrument)?.onBook(sync.book, ev.tsRecv);
      }
    }));
    this.subs.push(market.ticks$.subscribe((id) => this.read(id)));
    this.timer = this.d.clock.setInterval(() => this.updateGlobal(), 1000);
    this.updateGlobal();
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    if (this.timer !== undefined) this.d.clock.clearInterval(this.timer);
  }

  /** Returns the latest reading of an instrument, if its book has been synced. */
  reading(instrument: string): SymbolReading | undefined {
    return this.readings.get(instrument);
  }

  /** Forgets a symbol's features and reading (an instrument the venue no longer trades leaves the hot list). */
  forget(instrument: string): void {
    this.symbols.delete(instrument);
    this.readings.delete(instrument);
  }

  /** Returns the global regime (GLOBAL_NORMAL until BTC and ETH have been read; undefined before start). */
  globalRegime(): GlobalRegimeView | undefined {
    return this.globalView;
  }

  /** Returns the hot list, best score first; `state` is the symbol actor's state where one runs. */
  hotlist(state: (instrument: string) => string | null = () => null, category: (instrument: string) => string | null = () => null): HotRow[] {
    const rows: HotRow[] = [];
    for (const [instrument, r] of this.readings) {
      rows.push({
        instrument,
        category: category(instrument),
        regime: r.regime,
        pumpState: r.view.pump.phase,
        spoofingScore: r.view.walls.spoofingScore,
        newsFlag: r.view.news.flag ? `${r.view.news.flag.impact}:${r.view.news.flag.type}` : null,
        scoreLong: r.scores.long,
        scoreShort: r.scores.short,
        state: state(instrument),
      });
    }
    return rows.sort((a, b) => Math.max(b.scoreLong, b.scoreShort) - Math.max(a.scoreLong, a.scoreShort) || a.instrument.localeCompare(b.instrument));
  }

  private of(id: string): SymbolFeatures | undefined {
    let f = this.symbols.get(id);
    if (f) return f;
    const inst = this.d.market.registry.get(id);
    if (!inst) return undefined;
    const depth = this.d.depthOf?.(id);
    const capped = depth === undefined ? {} : { walls: { levels: Math.min(DEFAULT_WALL_OPTIONS.levels, depth) }, thinningLevels: Math.min(DEFAULT_SYMBOL_FEATURE_OPTIONS.thinningLevels, depth) };
    f = new SymbolFeatures(inst, { schedule: this.d.fees(inst), leverage: this.d.leverage }, this.d.news, capped);
    this.symbols.set(id, f);
    return f;
  }

  private read(id: string): void {
    const { market, clock } = this.d;
    const sync = market.tradableBook(id);
    const feed = market.feeds.get(id);
    const f = this.of(id);
    if (!sync || !feed || !f) return;
    const now = clock.now();
    const view = f.view(sync.book, feed.candles, now);
    if (!(view.mid > 0)) return;
    const { regime, reasons } = symbolRegime(view);
    const scores = scalpScores(view, { regime, global: this.globalView?.regime ?? 'GLOBAL_NORMAL' });
    const before = this.readings.get(id);
    if (before && before.view.pump.phase !== view.pump.phase) this.d.log?.('symbol.pump', `symbol:${id}`, { from: before.view.pump.phase, to: view.pump.phase, change: view.pump.change, mid: view.mid });
    if (before && before.regime !== regime) this.d.log?.('symbol.regime', `symbol:${id}`, { from: before.regime, to: regime, reasons });
    this.readings.set(id, { view, regime, reasons, scores });
    this.read$.next(id);
    const base = f.inst.base.toUpperCase();
    if ((LEADERS as readonly string[]).includes(base) && f.inst.kind === 'perp') this.noteLeader(base, id, now, view.mid);
  }

  /** Follows one perp per leader (the first one read). */
  private noteLeader(asset: string, id: string, ts: number, mid: number): void {
    let l = this.leaders.get(asset);
    if (!l) this.leaders.set(asset, (l = { id, mids: [] }));
    if (l.id !== id) return;
    l.mids.push({ ts, mid });
    while (l.mids.length > 1 && l.mids[0]!.ts < ts - RETURN_MS) l.mids.shift();
  }

  private updateGlobal(): void {
    const now = this.d.clock.now();
    const move = (asset: string) => {
      const l = this.leaders.get(asset);
      const reading = l && this.readings.get(l.id);
      if (!l || l.mids.length < 2 || !reading) return undefined;
      const v = reading.view.volatility;
      return { ret: l.mids.at(-1)!.mid / l.mids[0]!.mid - 1, volScore: v.score, atrBps: Math.max(v.atr1s, v.atr3s / Math.sqrt(3)) * 1e4 };
    };
    const btc = move('BTC');
    const eth = move('ETH');
    this.globalView = this.global.update({ ts: now, ...(btc ? { btc } : {}), ...(eth ? { eth } : {}) });
  }
}
