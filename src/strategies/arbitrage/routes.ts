/**
 * Arbitrage routes: which two markets of one asset a route trades, from the config (or, in sim
 * mode with no routes configured, a default set so that a plain `npm start` trades within a
 * minute), resolved against the instruments the venues actually list.
 */
import type { FleetConfig, RouteConfig, VenueId } from '../../config/schema.ts';
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import type { Instrument, InstrumentKind } from '../../model/instrument.ts';

/** A configured route with its actor id and budget. */
export interface RouteSpec extends RouteConfig {
  /** `route:<asset>:<venue A>:<venue B>` (CONTRACT.md). */
  readonly id: string;
  readonly maxTradeUsd: number;
}

/** A route whose two instruments are known. */
export interface ResolvedRoute {
  readonly spec: RouteSpec;
  readonly kind: InstrumentKind;
  readonly a: Instrument;
  readonly b: Instrument;
}

/** What each venue lists: spot, perps or both. */
const VENUE_KINDS: Readonly<Record<VenueId, readonly InstrumentKind[]>> = {
  'binance-usdm': ['perp'],
  'binance-spot': ['spot'],
  'bybit-linear': ['perp'],
  okx: ['spot', 'perp'],
  bitget: ['spot', 'perp'],
  hyperliquid: ['perp'],
};

/** The routes a sim daemon trades when the config names none: spot–spot and perp–perp majors, and NVDA. */
export const DEFAULT_SIM_ROUTES: readonly RouteConfig[] = [
  { asset: 'BTC', venueA: 'binance-spot', venueB: 'okx', kind: 'spot' },
  { asset: 'ETH', venueA: 'binance-spot', venueB: 'okx', kind: 'spot' },
  { asset: 'BTC', venueA: 'binance-usdm', venueB: 'bybit-linear' },
  { asset: 'ETH', venueA: 'binance-usdm', venueB: 'bybit-linear' },
  { asset: 'SOL', venueA: 'binance-usdm', venueB: 'bybit-linear' },
  { asset: 'BTC', venueA: 'bitget', venueB: 'hyperliquid', kind: 'perp' },
  { asset: 'NVDA', venueA: 'bitget', venueB: 'hyperliquid', kind: 'perp' },
];

/** Returns a route's actor id. */
export function routeId(r: Pick<RouteConfig, 'asset' | 'venueA' | 'venueB'>): string {
  return `route:${r.asset}:${r.venueA}:${r.venueB}`;
}

/** Returns the kind a route trades, or why it cannot be told. */
export function routeKind(r: RouteConfig): InstrumentKind | string {
  const a = VENUE_KINDS[r.venueA];
  const b = VENUE_KINDS[r.venueB];
  const both = a.filter((k) => b.includes(k));
  if (r.kind) return both.includes(r.kind) ? r.kind : `${r.kind} is not listed on both ${r.venueA} (${a.join('/')}) and ${r.venueB} (${b.join('/')})`;
  if (both.length === 1) return both[0]!;
  if (both.length === 0) return `${r.venueA} lists ${a.join('/')} and ${r.venueB} lists ${b.join('/')}: a route is spot–spot or perp–perp`;
  return `both venues list spot and perps: say kind: spot or kind: perp`;
}

/** Returns the routes to run: the config's, or the sim defaults; throws CONFIG_INVALID on a route that cannot be. */
export function routeSpecs(config: FleetConfig): RouteSpec[] {
  const arb = config.arbitrage;
  if (!arb.enabled) return [];
  // The sim defaults cover the venues that run; a route the user wrote must be able to run.
  const list = arb.routes ?? (config.mode === 'sim' ? DEFAULT_SIM_ROUTES.filter((r) => config.venues[r.venueA]?.enabled && config.venues[r.venueB]?.enabled) : []);
  const seen = new Set<string>();
  const out: RouteSpec[] = [];
  list.forEach((r, i) => {
    const where = `arbitrage.routes[${i}]`;
    const kind = routeKind(r);
    if (kind !== 'spot' && kind !== 'perp') throw new FleetError(ErrorCodes.CONFIG_INVALID, `${where}: ${kind}`);
    for (const v of [r.venueA, r.venueB]) {
      if (!config.venues[v]?.enabled) throw new FleetError(ErrorCodes.CONFIG_INVALID, `${where}: venue ${v} is not enabled`);
    }
    const id = routeId(r);
    if (seen.has(id)) throw new FleetError(ErrorCodes.CONFIG_INVALID, `${where}: ${id} is listed twice (one actor per asset and venue pair)`);
    seen.add(id);
    out.push({ ...r, kind, id, maxTradeUsd: r.maxTradeUsd ?? arb.maxTradeUsd });
  });
  return out;
}

const QUOTES = ['USDT', 'USDC', 'USD'];

/** Returns an asset name as venues compare it: Hyperliquid's builder-dex `xyz:NVDA` is NVDA. */
export function bareAsset(base: string): string {
  return base.slice(base.lastIndexOf(':') + 1).toUpperCase();
}

/** Finds the route's instrument on one venue: the named symbol, else the asset against a dollar stable coin. */
export function findInstrument(list: readonly Instrument[], asset: string, kind: InstrumentKind, symbol?: string): Instrument | undefined {
  if (symbol) return list.find((i) => i.symbol === symbol && i.kind === kind && i.status === 'trading');
  const want = bareAsset(asset);
  const matches = list.filter((i) => i.kind === kind && i.status === 'trading' && bareAsset(i.base) === want && QUOTES.includes(i.quote));
  matches.sort((x, y) => QUOTES.indexOf(x.quote) - QUOTES.indexOf(y.quote));
  return matches[0];
}

/** Resolves a route against the venues' instruments; a string says what is missing. */
export function resolveRoute(spec: RouteSpec, ofVenue: (v: VenueId) => readonly Instrument[]): ResolvedRoute | string {
  const kind = spec.kind as InstrumentKind;
  const a = findInstrument(ofVenue(spec.venueA), spec.asset, kind, spec.symbolA);
  if (!a) return `${spec.venueA} lists no ${kind} market for ${spec.symbolA ?? spec.asset}${ofVenue(spec.venueA).length === 0 ? ' (instruments not loaded yet)' : ''}`;
  const b = findInstrument(ofVenue(spec.venueB), spec.asset, kind, spec.symbolB);
  if (!b) return `${spec.venueB} lists no ${kind} market for ${spec.symbolB ?? spec.asset}${ofVenue(spec.venueB).length === 0 ? ' (instruments not loaded yet)' : ''}`;
  return { spec, kind, a, b };
}
