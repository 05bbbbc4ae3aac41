/**
 * The Hyperliquid public adapter: perps on the main dex and HIP-3 dexes. Every l2Book message is
 * a full book that replaces the last (an older one is ignored), so there is nothing to resync.
 * Per coin: l2Book, trades and activeAssetCtx (funding); per connection: allMids, turned into
 * `ticker` events with last = mid.
 */
import type { PublicAdapter } from '../types.ts';
import { HYPERLIQUID_BOOK_DEPTH, HYPERLIQUID_DEFAULT_URLS, HYPERLIQUID_LIMITS } from './constants.ts';
import { fetchHyperliquidInstruments, fetchHyperliquidL2Book } from './http.ts';
import { parseHyperliquidFrame } from './parse.ts';
import { hyperliquidTopic } from './symbols.ts';
import { hyperliquidConnectUrl, hyperliquidPingFrame, hyperliquidSubscribeFrames, hyperliquidUnsubscribeFrames } from './ws.ts';

const SHARED = [hyperliquidTopic('allMids')] as const;

export const hyperliquidAdapter: PublicAdapter = {
  venue: 'hyperliquid',
  defaultUrls: HYPERLIQUID_DEFAULT_URLS,
  limits: HYPERLIQUID_LIMITS,
  syncRule: 'hyperliquid',
  resync: 'none',
  defaultDepth: HYPERLIQUID_BOOK_DEPTH,
  connectUrl: hyperliquidConnectUrl,
  // The book is always the venue's 20 levels a side; depth does not change the subscription.
  topics: (inst) => [hyperliquidTopic('l2Book', inst.symbol), hyperliquidTopic('trades', inst.symbol), hyperliquidTopic('activeAssetCtx', inst.symbol)],
  bookTopic: (inst) => hyperliquidTopic('l2Book', inst.symbol),
  sharedTopics: () => SHARED,
  subscribeFrames: hyperliquidSubscribeFrames,
  unsubscribeFrames: hyperliquidUnsubscribeFrames,
  pingFrame: hyperliquidPingFrame,
  parse: parseHyperliquidFrame,
  fetchInstruments: fetchHyperliquidInstruments,
  fetchSnapshot: fetchHyperliquidL2Book,
};
