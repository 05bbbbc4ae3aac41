/**
 * Hyperliquid coins, topics and instrument specs. A coin is `BTC` on the main dex and
 * `<dex>:<name>` on a HIP-3 dex (`xyz:NVDA`, instrument id `hyperliquid:xyz:NVDA`). Hyperliquid has
 * no topic strings, so ours are `<type>:<coin>` (`l2Book:BTC`, `trades:xyz:NVDA`) or `<type>`
 * (`allMids`), turned into the venue's subscription object when a frame is built.
 */
import type { InstrumentSpec } from '../../model/instrument.ts';
import { stepOfDecimals } from '../../model/scale.ts';
import { HYPERLIQUID_MIN_NOTIONAL, HYPERLIQUID_PERP_MAX_DECIMALS } from './constants.ts';
import type { HyperliquidRestAsset, HyperliquidSubscription } from './messages.ts';

/** Returns our topic for a subscription type and (optionally) a coin. */
export function hyperliquidTopic(type: string, coin?: string): string {
  return coin === undefined ? type : `${type}:${coin}`;
}

/** Returns the venue's subscription object of one of our topics (the coin may itself hold a colon). */
export function hyperliquidSubscription(topic: string): HyperliquidSubscription {
  const colon = topic.indexOf(':');
  return colon < 0 ? { type: topic } : { type: topic.slice(0, colon), coin: topic.slice(colon + 1) };
}

/** Returns our topic of a subscription object (what the venue echoes in subscriptionResponse). */
export function hyperliquidTopicOf(sub: HyperliquidSubscription): string {
  return hyperliquidTopic(sub.type, typeof sub.coin === 'string' ? sub.coin : undefined);
}

/**
 * Returns the tick of a perp with `szDecimals`: 10^-(6 - szDecimals). Hyperliquid accepts a perp
 * price with at most 6 - szDecimals decimals (and at most 5 significant figures, integers always
 * allowed). The significant-figure rule only removes prices from this grid, never adds any, so
 * every valid price lies on it; the grid is finer than what is tradable at high prices (BTC at
 * 100,000 trades in whole dollars while the grid is 0.1), which costs nothing in integer ticks.
 */
export function hyperliquidPerpTick(szDecimals: number): string {
  return stepOfDecimals(Math.max(0, HYPERLIQUID_PERP_MAX_DECIMALS - szDecimals));
}

/** Returns the base of a coin: the part after a HIP-3 dex prefix (`xyz:NVDA` → `NVDA`). */
export function hyperliquidBase(coin: string): string {
  const colon = coin.indexOf(':');
  return colon < 0 ? coin : coin.slice(colon + 1);
}

/** Returns our spec of one `meta` universe entry; `quote` is the dex's collateral token. */
export function hyperliquidInstrumentSpec(asset: HyperliquidRestAsset, quote: string): InstrumentSpec {
  return {
    venue: 'hyperliquid',
    symbol: asset.name,
    kind: 'perp',
    base: hyperliquidBase(asset.name),
    quote,
    tickSize: hyperliquidPerpTick(asset.szDecimals),
    lotSize: stepOfDecimals(asset.szDecimals),
    minNotional: HYPERLIQUID_MIN_NOTIONAL,
    contractSize: '1',
    status: asset.isDelisted ? 'delisted' : 'trading',
  };
}
