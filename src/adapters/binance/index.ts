/**
 * The public adapters of Binance USD-M futures and Binance spot: one protocol, two markets, the
 * differences held as data in constants.ts.
 */
import type { PublicAdapter } from '../types.ts';
import { BINANCE_SPOT, BINANCE_USDM, DEPTH_LEVELS_DEFAULT, type BinanceMarket } from './constants.ts';
import { fetchDepthSnapshot, fetchExchangeInfo } from './http.ts';
import { parseBinanceFrame, parseRecordedDepth } from './parse.ts';
import { depthTopic, topicsFor } from './symbols.ts';
import { combinedStreamUrl, methodFrames } from './ws.ts';

/** Returns the public adapter of one Binance market. */
export function createBinanceAdapter(market: BinanceMarket): PublicAdapter {
  const perRequest = market.limits.maxTopicsPerRequest;
  return {
    venue: market.venue,
    defaultUrls: market.urls,
    limits: market.limits,
    syncRule: market.syncRule,
    resync: 'rest-snapshot',
    defaultDepth: DEPTH_LEVELS_DEFAULT,
    connectUrl: combinedStreamUrl,
    // The diff stream always carries the full book; depth only sizes the REST snapshot.
    topics: (inst) => topicsFor(market, inst.symbol),
    bookTopic: (inst) => depthTopic(inst.symbol),
    subscribeFrames: (topics, requestId) => methodFrames('SUBSCRIBE', topics, requestId, perRequest),
    unsubscribeFrames: (topics, requestId) => methodFrames('UNSUBSCRIBE', topics, requestId, perRequest),
    pingFrame: () => undefined,
    parse: parseBinanceFrame,
    fetchInstruments: (rest) => fetchExchangeInfo(rest, market),
    fetchSnapshot: (rest, inst, depth, tsRecv) => fetchDepthSnapshot(rest, market, inst, depth, tsRecv),
    parseRecordedSnapshot: parseRecordedDepth,
  };
}

export const binanceUsdmAdapter: PublicAdapter = createBinanceAdapter(BINANCE_USDM);
export const binanceSpotAdapter: PublicAdapter = createBinanceAdapter(BINANCE_SPOT);
