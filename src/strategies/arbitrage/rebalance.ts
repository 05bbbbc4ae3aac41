/**
 * Rebalancing suggestions: for each side of each route, what the next trade needs on that venue
 * (the buying spot venue: the notional in quote; the selling spot venue: the size in base; a perp
 * venue, either side: the margin in quote, notional / leverage) against the free balance there.
 * A venue short of it gets a suggestion naming the venue with the most surplus of the asset; and
 * the venues are ranked by the opportunities they show, so the operator knows where money earns.
 * Pure and deterministic: exact decimals, sorted output.
 */
import { cmp, decOfNumber, decText, div, mul, parseDec, sign, sub, ZERO, type Dec } from '../../model/decimal.ts';

/** One side of a route's next trade. */
export interface RebalanceLeg {
  readonly venue: string;
  readonly kind: 'spot' | 'perp';
  readonly base: string;
  /** The quote or margin asset (USDT, USDC). */
  readonly quote: string;
  /** Perps: the margin is notional / leverage (default 1). */
  readonly leverage?: number;
}

/** A route's next trade: buy `qty` base on `buy`, sell it on `sell`, around `price`. */
export interface RebalanceRoute {
  readonly id: string;
  readonly buy: RebalanceLeg;
  readonly sell: RebalanceLeg;
  /** Size in base units, decimal string. */
  readonly qty: string;
  /** Price in quote per base, decimal string (the notional is qty × price). */
  readonly price: string;
}

export interface RebalanceInput {
  /** A route traded both ways is listed once per direction. */
  readonly routes: readonly RebalanceRoute[];
  /** Free balances by venue and asset, decimal strings (the ledger's `balances()` shape). */
  readonly free: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Opportunities seen per venue (see `opportunitiesByVenue`). */
  readonly opportunities?: Readonly<Record<string, number>>;
}

export interface RebalanceSuggestion {
  readonly venue: string;
  readonly asset: string;
  readonly free: string;
  /** The largest need among the routes concerned (one trade at a time). */
  readonly needed: string;
  readonly shortBy: string;
  /** The routes whose next trade this blocks, sorted. */
  readonly routes: readonly string[];
  /** The other venue holding the most surplus of the asset (free minus its own need), if any. */
  readonly from?: { readonly venue: string; readonly free: string };
  readonly message: string;
}

export interface RebalanceAdvice {
  /** Most short first (by shortBy; ties by venue, then asset). */
  readonly suggestions: readonly RebalanceSuggestion[];
  /** Venues by opportunities, most first (ties by venue). */
  readonly busiest: readonly { readonly venue: string; readonly opportunities: number }[];
}

/** Quote digits kept when dividing a notional by leverage (rounded up: never understate a need). */
const MARGIN_SCALE = 8;

function dec(text: string, what: string): Dec {
  const d = parseDec(text);
  if (!d) throw new RangeError(`rebalance: ${what} is not a decimal: ${JSON.stringify(text)}`);
  return d;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Returns what one leg of a trade of `qty` at `price` needs on its venue: [asset, amount]. */
export function legNeed(leg: RebalanceLeg, side: 'buy' | 'sell', qty: Dec, price: Dec): [string, Dec] {
  const notional = mul(qty, price);
  if (leg.kind === 'spot') return side === 'buy' ? [leg.quote, notional] : [leg.base, qty];
  const leverage = leg.leverage ?? 1;
  if (!Number.isFinite(leverage) || leverage <= 0) throw new RangeError(`rebalance: leverage on ${leg.venue} must be positive, got ${leverage}`);
  return [leg.quote, div(notional, decOfNumber(leverage), MARGIN_SCALE, 'ceil')];
}

/** Returns opportunities per venue from counts per route: each route's count goes to each of its venues. */
export function opportunitiesByVenue(byRoute: Readonly<Record<string, number>>, venuesOf: (routeId: string) => readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(byRoute)) {
    for (const venue of new Set(venuesOf(route) ?? [])) out[venue] = (out[venue] ?? 0) + n;
  }
  return out;
}

/** Returns the suggestions for venues short of what their routes' next trade needs, and the venues by opportunities. */
export function suggestRebalance(input: RebalanceInput): RebalanceAdvice {
  // The largest need per venue and asset, with the routes that have it.
  const needs = new Map<string, { venue: string; asset: string; amount: Dec; routes: Set<string> }>();
  for (const r of input.routes) {
    const qty = dec(r.qty, `qty of ${r.id}`);
    const price = dec(r.price, `price of ${r.id}`);
    for (const [leg, side] of [[r.buy, 'buy'], [r.sell, 'sell']] as const) {
      const [asset, amount] = legNeed(leg, side, qty, price);
      const key = `${leg.venue}\u0000${asset}`;
      const n = needs.get(key);
      if (!n) needs.set(key, { venue: leg.venue, asset, amount, routes: new Set([r.id]) });
      else {
        if (cmp(amount, n.amount) > 0) n.amount = amount;
        n.routes.add(r.id);
      }
    }
  }
  const freeOf = (venue: string, asset: string): Dec => {
    const text = input.free[venue]?.[asset];
    return text === undefined ? ZERO : dec(text, `free ${asset} on ${venue}`);
  };

  const suggestions: (RebalanceSuggestion & { short: Dec })[] = [];
  for (const n of needs.values()) {
    const free = freeOf(n.venue, n.asset);
    const short = sub(n.amount, free);
    if (sign(short) <= 0) continue;
    let from: { venue: string; free: Dec; surplus: Dec } | undefined;
    for (const venue of Object.keys(input.free).sort(byText)) {
      if (venue === n.venue) continue;
      const there = freeOf(venue, n.asset);
      const surplus = sub(there, needs.get(`${venue}\u0000${n.asset}`)?.amount ?? ZERO);
      if (sign(surplus) > 0 && (!from || cmp(surplus, from.surplus) > 0)) from = { venue, free: there, surplus };
    }
    const routes = [...n.routes].sort(byText);
    const freeText = decText(free);
    const needText = decText(n.amount);
    const shortText = decText(short);
    const move = from
      ? `; ${from.venue} has ${decText(from.surplus)} ${n.asset} to spare${cmp(from.surplus, short) < 0 ? ' (not enough on its own)' : ''}`
      : `; no other venue has ${n.asset} to spare`;
    suggestions.push({
      venue: n.venue,
      asset: n.asset,
      free: freeText,
      needed: needText,
      shortBy: shortText,
      routes,
      ...(from ? { from: { venue: from.venue, free: decText(from.free) } } : {}),
      message: `${n.venue} is short ${shortText} ${n.asset} for the next trade of ${routes.join(', ')} (free ${freeText}, needed ${needText})${move}`,
      short,
    });
  }
  suggestions.sort((a, b) => cmp(b.short, a.short) || byText(a.venue, b.venue) || byText(a.asset, b.asset));

  const busiest = Object.entries(input.opportunities ?? {})
    .map(([venue, opportunities]) => ({ venue, opportunities }))
    .sort((a, b) => b.opportunities - a.opportunities || byText(a.venue, b.venue));
  return { suggestions: suggestions.map(({ short: _short, ...s }) => s), busiest };
}
