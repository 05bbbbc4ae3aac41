/**
 * Which trading adapter each venue gets, and how it is built: the venue's own private API in SIM
 * and LIVE (pointed at the configured URLs and keys), the paper engine in DRY and wherever a venue
 * has no private adapter (Hyperliquid). LIVE never pretends: a venue without a trading API gets
 * nothing there, and its orders are denied. SIGNAL gets none at all.
 */
import type { Subscription } from 'rxjs';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { FleetConfig, Mode, VenueId } from '../config/schema.ts';
import { instrumentSpec, type Instrument } from '../model/instrument.ts';
import type { MarketData } from '../market/marketData.ts';
import type { BookSide } from '../market/orderBook.ts';
import { PRIVATE_ADAPTERS } from '../adapters/privateRegistry.ts';
import { createPaperAdapter } from './paper.ts';
import type { PrivateAdapter, PrivateAdapterFactory } from './types.ts';

export type AdapterKind = 'venue' | 'paper' | 'none';

/** Returns what trades on `venue` in `mode`. */
export function adapterKind(mode: Mode, venue: VenueId, factories: Readonly<Partial<Record<VenueId, PrivateAdapterFactory>>> = PRIVATE_ADAPTERS): AdapterKind {
  if (mode === 'signal') return 'none';
  const paper = mode === 'dry' || !factories[venue];
  if (paper) return mode === 'live' ? 'none' : 'paper';
  return 'venue';
}

/** Returns the venue's own private adapter, configured from the venue's config section. */
export function venueAdapter(
  config: FleetConfig,
  venue: VenueId,
  o: { clock: Clock; logger: Logger; factories?: Readonly<Partial<Record<VenueId, PrivateAdapterFactory>>> },
): PrivateAdapter {
  const vc = config.venues[venue]!;
  const factory = (o.factories ?? PRIVATE_ADAPTERS)[venue]!;
  return factory({
    venue,
    restUrl: vc.restUrl ?? '',
    privateWsUrl: vc.privateWsUrl ?? vc.wsUrl ?? '',
    key: vc.key ?? '',
    secret: vc.secret ?? '',
    ...(vc.passphrase ? { passphrase: vc.passphrase } : {}),
    clock: o.clock,
    logger: o.logger.child({ component: 'trading', venue }),
    symbols: Array.isArray(vc.symbols) ? vc.symbols : [],
    timeoutMs: config.execution.requestTimeoutMs,
    backoff: config.market.reconnect,
  });
}

/**
 * Returns a paper adapter for the venue's instruments. An instrument's book is copied into the
 * paper engine when its first order is placed and whenever it becomes synced again, and fed by the
 * market's events from then on.
 */
export function paperAdapter(
  config: FleetConfig,
  mode: Mode,
  venue: VenueId,
  list: readonly Instrument[],
  o: { clock: Clock; market: MarketData | undefined; fees: { maker: number; taker: number } },
): { adapter: PrivateAdapter; feed: Subscription | undefined } {
  const ex = config.execution;
  const market = o.market;
  /**
   * The instruments the paper book mirrors: those an order was placed for. Mirroring every delta
   * of every instrument into the matching engine cost as much as the features; an instrument is
   * copied whole when its first order is placed, and followed from then on, so the engine acts on
   * the same book as if it had followed all along.
   */
  const followed = new Set<string>();
  const paper = createPaperAdapter({
    venue,
    instruments: list.map(instrumentSpec),
    fees: config.venues[venue]?.fees ?? o.fees,
    clock: o.clock,
    latencyMs: mode === 'sim' ? config.sim.latencyMs : ex.paperLatencyMs,
    startingBalance: mode === 'sim' ? config.sim.startingBalance : ex.paperStartingBalance,
    ...(market ? { follow: (id: string) => {
      if (followed.has(id)) return;
      followed.add(id);
      seed(id);
    } } : {}),
  });
  if (!market) return { adapter: paper, feed: undefined };
  const seed = (id: string): void => {
    const sync = market.tradableBook(id);
    if (!sync) return;
    const now = o.clock.now();
    paper.onMarket({ kind: 'book.snapshot', instrument: id, tsEvent: now, tsRecv: now, seq: 0, bids: flatLevels(sync.book.bids), asks: flatLevels(sync.book.asks) });
  };
  const feed = market.events$.subscribe((ev) => {
    if ('instrument' in ev && typeof ev.instrument === 'string' && followed.has(ev.instrument)) paper.onMarket(ev);
  });
  // A book that becomes synced is copied whole: the message that synced it may have come on a
  // connection not yet adopted (not published as an event), and a venue may not send another soon.
  feed.add(market.status$.subscribe((s) => {
    if (s.to === 'synced' && followed.has(s.instrument)) seed(s.instrument);
  }));
  return { adapter: paper, feed };
}

function flatLevels(side: BookSide): number[] {
  const out: number[] = [];
  side.forEach(Infinity, (price, qty) => void out.push(price, qty));
  return out;
}
