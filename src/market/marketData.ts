/**
 * Market data: per instrument the trusted book (the BookSync of the connection that currently
 * feeds it), the trade tape, micro-candles, the last ticker and funding; RxJS streams keyed by
 * instrument; conflated ticks (at most one per instrument per event-loop turn); and the views the
 * API shows. Connectors push parsed events in; nothing here opens a socket.
 */
import { Subject, type Observable } from 'rxjs';
import type { Instrument } from '../model/instrument.ts';
import { InstrumentRegistry } from '../model/instrument.ts';
import type { Funding, MarketEvent, Ticker } from '../model/market.ts';
import type { BookStatus, BookSync, SyncOutcome } from './bookSync.ts';
import { TradeTape } from './tape.ts';
import { CANDLE_INTERVALS, Candles, type Candle, type CandleInterval } from './candles.ts';

const CANDLE_GRACE_MS = 2000;

export interface InstrumentFeed {
  readonly instrument: Instrument;
  /** The book decisions read: the sync of the connection currently feeding this instrument. */
  sync: BookSync | undefined;
  readonly tape: TradeTape;
  readonly candles: Candles;
  ticker: Ticker | undefined;
  funding: Funding | undefined;
  readonly prime: boolean;
}

export interface BookStatusChange {
  readonly instrument: string;
  readonly from: BookStatus;
  readonly to: BookStatus;
  readonly reason: string;
  readonly detail: string;
}

export interface SymbolView {
  readonly instrument: string;
  readonly book: {
    readonly status: BookStatus | 'none';
    readonly seq: number;
    readonly reason?: string;
    readonly lastMessageAt: number;
    readonly bids: [string, string][];
    readonly asks: [string, string][];
    readonly counters?: BookSync['counters'];
  };
  readonly trades: { id: string; price: string; qty: string; aggressor: string; ts: number }[];
  readonly candles: Partial<Record<CandleInterval, (Omit<Candle, 'open' | 'high' | 'low' | 'close' | 'volume' | 'buyVolume' | 'sellVolume' | 'delta'> & Record<'open' | 'high' | 'low' | 'close' | 'volume' | 'buyVolume' | 'sellVolume' | 'delta', string>)[]>>;
  readonly ticker?: Record<string, string | number>;
  readonly funding?: { rate: string; nextFundingTime?: number; markPrice?: string; indexPrice?: string };
}

export interface MarketDataOptions {
  readonly tapeSize: number;
  /** Schedules the conflated tick flush (setImmediate in the daemon, a queue in tests/replay). */
  readonly schedule: (fn: () => void) => void;
}

export class MarketData {
  readonly registry = new InstrumentRegistry();
  readonly feeds = new Map<string, InstrumentFeed>();
  /** Every event once applied (books after the sync accepted them). */
  readonly events$ = new Subject<MarketEvent>();
  /** Conflated: the ids of instruments whose market changed, once per event-loop turn. */
  readonly ticks$ = new Subject<string>();
  readonly status$ = new Subject<BookStatusChange>();
  private readonly keyed = new Map<string, Subject<MarketEvent>>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;

  constructor(private readonly opts: MarketDataOptions) {}

  /** Returns the feed of an instrument, creating it on first use. */
  feed(inst: Instrument, prime = false): InstrumentFeed {
    let f = this.feeds.get(inst.id);
    if (!f) {
      f = { instrument: inst, sync: undefined, tape: new TradeTape(inst.id, { capacity: this.opts.tapeSize }), candles: new Candles(inst.id), ticker: undefined, funding: undefined, prime };
      this.feeds.set(inst.id, f);
    }
    return f;
  }

  /** Returns the events of one instrument (a stream keyed by instrument id). */
  stream(instrumentId: string): Observable<MarketEvent> {
    let s = this.keyed.get(instrumentId);
    if (!s) this.keyed.set(instrumentId, (s = new Subject()));
    return s.asObservable();
  }

  /** Returns the book a decision may use: only a synced one. */
  tradableBook(instrumentId: string): BookSync | undefined {
    const s = this.feeds.get(instrumentId)?.sync;
    return s?.usable ? s : undefined;
  }

  /**
   * Takes one parsed event from a connection. Book events go to that connection's own sync;
   * everything else counts only from the connection that currently feeds the instrument, so a
   * replacement connection syncing in parallel does not double the tape.
   */
  ingest(ev: MarketEvent, sync: BookSync | undefined): SyncOutcome | undefined {
    const f = this.feeds.get(ev.instrument);
    if (!f) return undefined;
    let outcome: SyncOutcome | undefined;
    if (ev.kind === 'book.snapshot' || ev.kind === 'book.delta') {
      if (!sync) return undefined;
      const before = sync.status;
      outcome = sync.apply(ev);
      if (sync !== f.sync) return outcome;
      this.noteStatus(sync, before);
      if (outcome !== 'applied') return outcome;
    } else if (sync !== undefined && sync !== f.sync) {
      return undefined;
    } else if (ev.kind === 'trade') {
      if (!f.tape.push(ev)) return undefined;
      f.candles.onTrade(ev);
    } else if (ev.kind === 'ticker') {
      f.ticker = f.ticker ? mergeTicker(f.ticker, ev) : ev;
    } else {
      f.funding = ev;
    }
    this.events$.next(ev);
    this.keyed.get(ev.instrument)?.next(ev);
    this.markDirty(ev.instrument);
    return outcome;
  }

  /** Publishes a status change of the live book of an instrument (stale, resync, back to synced). */
  noteStatus(sync: BookSync, before: BookStatus): void {
    if (sync.status === before) return;
    const f = this.feeds.get(sync.instrument);
    if (!f || f.sync !== sync) return;
    this.status$.next({ instrument: sync.instrument, from: before, to: sync.status, reason: sync.reason, detail: sync.detail });
    this.markDirty(sync.instrument);
  }

  /** Makes `sync` the book an instrument is read from (a new or replacement connection). */
  adopt(sync: BookSync): void {
    const f = this.feeds.get(sync.instrument);
    if (!f) return;
    const before = f.sync?.status ?? 'resyncing';
    f.sync = sync;
    if (before !== sync.status) {
      this.status$.next({ instrument: sync.instrument, from: before, to: sync.status, reason: sync.reason, detail: sync.detail });
    }
  }

  /** Marks books stale that heard nothing for longer than their limit; returns how many changed. */
  checkStale(now: number, limitOf: (inst: Instrument) => number): number {
    let n = 0;
    for (const f of this.feeds.values()) {
      const s = f.sync;
      if (s && s.checkStale(now, limitOf(f.instrument))) {
        this.status$.next({ instrument: s.instrument, from: 'synced', to: 'stale', reason: 'stale', detail: s.detail });
        n++;
      }
      // Quiet windows close on our clock, with a grace for venue latency and clock skew, so a
      // trade still in flight is not turned away as late.
      f.candles.closeUpTo(now - CANDLE_GRACE_MS);
    }
    return n;
  }

  /** Counts books by status (for /api/health). */
  bookCounts(): Record<BookStatus | 'none', number> {
    const out = { synced: 0, resyncing: 0, stale: 0, none: 0 };
    for (const f of this.feeds.values()) out[f.sync?.status ?? 'none']++;
    return out;
  }

  /** Returns what GET /api/symbol/:instrument shows, prices and sizes as decimal strings. */
  view(instrumentId: string, depth = 20, trades = 50, candles = 60): SymbolView | undefined {
    const f = this.feeds.get(instrumentId);
    if (!f) return undefined;
    const { price: px, qty: q } = f.instrument;
    const s = f.sync;
    const side = (which: 'bids' | 'asks'): [string, string][] => (s ? s.book.top(which, depth).map(([p, n]) => [px.toText(p), q.toText(n)]) : []);
    const candleViews: SymbolView['candles'] = {};
    for (const iv of CANDLE_INTERVALS) {
      candleViews[iv] = f.candles.snapshot(iv, candles).map((c) => ({
        ...c,
        open: px.toText(c.open),
        high: px.toText(c.high),
        low: px.toText(c.low),
        close: px.toText(c.close),
        volume: q.toText(c.volume),
        buyVolume: q.toText(c.buyVolume),
        sellVolume: q.toText(c.sellVolume),
        delta: q.toText(c.delta),
      }));
    }
    return {
      instrument: instrumentId,
      book: {
        status: s?.status ?? 'none',
        seq: s?.seq ?? 0,
        ...(s && s.status !== 'synced' ? { reason: s.reason } : {}),
        lastMessageAt: s?.lastMessageAt ?? 0,
        bids: side('bids'),
        asks: side('asks'),
        ...(s ? { counters: { ...s.counters } } : {}),
      },
      trades: f.tape.recent(trades).map((t) => ({ id: t.tradeId, price: px.toText(t.price), qty: q.toText(t.qty), aggressor: t.aggressor, ts: t.tsEvent })),
      candles: candleViews,
      ...(f.ticker ? { ticker: tickerView(f.ticker, f.instrument) } : {}),
      ...(f.funding
        ? {
            funding: {
              rate: f.funding.rate,
              ...(f.funding.nextFundingTime !== undefined ? { nextFundingTime: f.funding.nextFundingTime } : {}),
              ...(f.funding.markPrice !== undefined ? { markPrice: px.toText(f.funding.markPrice) } : {}),
              ...(f.funding.indexPrice !== undefined ? { indexPrice: px.toText(f.funding.indexPrice) } : {}),
            },
          }
        : {}),
    };
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.opts.schedule(() => {
      this.flushScheduled = false;
      const ids = [...this.dirty];
      this.dirty.clear();
      for (const id of ids) this.ticks$.next(id);
    });
  }
}

function mergeTicker(prev: Ticker, next: Ticker): Ticker {
  const out: Record<string, unknown> = { ...prev };
  for (const [k, v] of Object.entries(next)) if (v !== undefined) out[k] = v;
  return out as unknown as Ticker;
}

function tickerView(t: Ticker, inst: Instrument): Record<string, string | number> {
  const out: Record<string, string | number> = { tsEvent: t.tsEvent };
  const price = (k: 'bidPrice' | 'askPrice' | 'last'): void => {
    if (t[k] !== undefined) out[k] = inst.price.toText(t[k]);
  };
  const qty = (k: 'bidQty' | 'askQty'): void => {
    if (t[k] !== undefined) out[k] = inst.qty.toText(t[k]);
  };
  price('bidPrice');
  qty('bidQty');
  price('askPrice');
  qty('askQty');
  price('last');
  if (t.quoteVolume24h !== undefined) out.quoteVolume24h = t.quoteVolume24h;
  if (t.openInterest !== undefined) out.openInterest = t.openInterest;
  return out;
}
