/**
 * What the API shows of arbitrage: the sagas with their legs (GET /api/trades/active), the total
 * estimated value across venues, and the rebalancing advice, built from the routes' next trade at
 * their budget around the current mid.
 */
import { VENUE_IDS, type VenueId } from '../../config/schema.ts';
import type { Instrument } from '../../model/instrument.ts';
import { add, decOfNumber, decText, isZero, mul, parseDec, ZERO } from '../../model/decimal.ts';
import type { MarketData } from '../../market/marketData.ts';
import { USD_LIKE } from '../../risk/ledger.ts';
import type { SagaView } from './sagaRunner.ts';
import { opportunitiesByVenue, suggestRebalance, type RebalanceAdvice, type RebalanceRoute } from './rebalance.ts';
import { unitsText } from './trade.ts';

export interface SagaLegJson {
  readonly instrument: string;
  readonly side: string;
  readonly qty: string;
  readonly filled: string;
  readonly state: string;
  readonly purpose: string;
}

export interface SagaJson {
  readonly id: string;
  readonly route: string;
  readonly state: string;
  readonly legs: readonly SagaLegJson[];
}

/** Returns a saga as GET /api/trades/active shows it: every order it sent, sizes in base. */
export function sagaJson(s: SagaView): SagaJson {
  const c = s.context;
  const base = (units: number): string => unitsText(c.fine, units);
  return {
    id: s.id,
    route: c.route,
    state: s.state,
    legs: c.orders.map((o) => ({ instrument: c.legs[o.leg].instrument, side: o.side, qty: base(o.units), filled: base(o.filled), state: o.status, purpose: o.purpose })),
  };
}

/** A resolved route as the advice needs it. */
export interface AdviceRoute {
  readonly id: string;
  readonly a: Instrument;
  readonly b: Instrument;
  readonly budgetQuote: number;
  /** The mid of A's book (quote per base), NaN without a book. */
  readonly mid: number;
}

const text = (x: number, digits: number): string => decText(decOfNumber(Number(x.toPrecision(digits))));

/** Returns the venues short of what their routes' next trade needs, both directions, and the busiest venues. */
export function rebalanceAdvice(routes: readonly AdviceRoute[], free: (venue: string, asset: string) => number, leverage: number, opportunitiesByRoute: Readonly<Record<string, number>>): RebalanceAdvice {
  const list: RebalanceRoute[] = [];
  const balances: Record<string, Record<string, string>> = {};
  const note = (inst: Instrument): void => {
    const v = (balances[inst.venue] ??= {});
    for (const asset of [inst.base, inst.quote]) v[asset] = text(Math.max(0, free(inst.venue, asset)), 12);
  };
  const leg = (inst: Instrument) => ({ venue: inst.venue, kind: inst.kind, base: inst.base, quote: inst.quote, leverage });
  for (const r of routes) {
    if (!(r.mid > 0)) continue;
    const qty = text(r.budgetQuote / r.mid, 8);
    const price = text(r.mid, 10);
    list.push({ id: `${r.id}:buy-a`, buy: leg(r.a), sell: leg(r.b), qty, price }, { id: `${r.id}:buy-b`, buy: leg(r.b), sell: leg(r.a), qty, price });
    note(r.a);
    note(r.b);
  }
  const venuesOf = (id: string): string[] | undefined => {
    const r = routes.find((x) => x.id === id);
    return r && [r.a.venue, r.b.venue];
  };
  return suggestRebalance({ routes: list, free: balances, opportunities: opportunitiesByVenue(opportunitiesByRoute, venuesOf) });
}

/**
 * Returns the estimated value of the accounts in USD: dollar balances at par, every other
 * holding at the dollar mid `usdMid` gives (skipped, and reported, when none), plus the perps'
 * unrealized PnL. Exact sums; the mids are floats rounded to 12 significant digits.
 */
export function accountValue(
  balances: Readonly<Record<string, Readonly<Record<string, string>>>>,
  unrealizedPnl: string,
  usdMidOf: (venue: VenueId, asset: string) => number | undefined,
  unpriced: (venue: VenueId, asset: string) => void,
): string {
  let sum = parseDec(unrealizedPnl) ?? ZERO;
  for (const [venue, assets] of Object.entries(balances)) {
    for (const [asset, text] of Object.entries(assets)) {
      const qty = parseDec(text);
      if (!qty || isZero(qty)) continue;
      if (USD_LIKE.includes(asset)) {
        sum = add(sum, qty);
        continue;
      }
      const mid = usdMidOf(venue as VenueId, asset);
      if (mid !== undefined) sum = add(sum, mul(qty, decOfNumber(Number(mid.toPrecision(12)))));
      else unpriced(venue as VenueId, asset);
    }
  }
  return decText(sum);
}

/** Returns the mid of a synced spot book quoting `asset` in dollars, the venue's own first, or undefined. */
export function usdMid(market: MarketData, venue: VenueId, asset: string): number | undefined {
  for (const v of [venue, ...VENUE_IDS.filter((x) => x !== venue)]) {
    for (const inst of market.registry.ofVenue(v)) {
      if (inst.kind !== 'spot' || inst.base !== asset || !USD_LIKE.includes(inst.quote)) continue;
      const book = market.tradableBook(inst.id)?.book;
      const mid = book ? inst.price.toNumber(book.mid()) : NaN;
      if (mid > 0) return mid;
    }
  }
  return undefined;
}
