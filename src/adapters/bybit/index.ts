/**
 * The Bybit v5 linear public adapter: USDT perpetuals, books by `u` (a snapshot or u == 1 resets,
 * then +1), rebuilt by resubscribing (a new subscription starts with a snapshot).
 */
import type { PublicAdapter } from '../types.ts';
import { BYBIT_DEFAULT_DEPTH, BYBIT_DEFAULT_URLS, BYBIT_LIMITS } from './constants.ts';
import { fetchBybitInstruments, fetchBybitOrderbook } from './http.ts';
import { parseBybitFrame } from './parse.ts';
import { bybitBookTopic, bybitTickerTopic, bybitTradeTopic } from './symbols.ts';
import { bybitConnectUrl, bybitPingFrame, bybitSubscribeFrames, bybitUnsubscribeFrames } from './ws.ts';

export const bybitLinearAdapter: PublicAdapter = {
  venue: 'bybit-linear',
  defaultUrls: BYBIT_DEFAULT_URLS,
  limits: BYBIT_LIMITS,
  syncRule: 'bybit',
  resync: 'resubscribe',
  defaultDepth: BYBIT_DEFAULT_DEPTH,
  connectUrl: bybitConnectUrl,
  topics: (inst, depth) => [bybitBookTopic(inst.symbol, depth), bybitTradeTopic(inst.symbol), bybitTickerTopic(inst.symbol)],
  bookTopic: (inst, depth) => bybitBookTopic(inst.symbol, depth),
  subscribeFrames: bybitSubscribeFrames,
  unsubscribeFrames: bybitUnsubscribeFrames,
  pingFrame: bybitPingFrame,
  parse: parseBybitFrame,
  fetchInstruments: fetchBybitInstruments,
  fetchSnapshot: fetchBybitOrderbook,
};
