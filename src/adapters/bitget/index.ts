/**
 * The Bitget v2 public adapter: USDT-FUTURES perpetuals (`bitget:BTCUSDT`) and spot pairs
 * (`bitget:BTCUSDT_SPBL`, see symbols.ts), `books` with the CRC32 checksum over the exact strings,
 * `trade`, and `ticker` (which also carries funding for futures). A distrusted book is rebuilt by
 * resubscribing its `books` topic (the venue answers with a fresh snapshot).
 */
import { makeInstrument, type Instrument, type InstrumentSpec } from '../../model/instrument.ts';
import type { PublicAdapter } from '../types.ts';
import { BITGET_DEFAULT_DEPTH, BITGET_LIMITS, BITGET_URLS, BITGET_WS_PUBLIC_PATH } from './constants.ts';
import { getBitgetContracts, getBitgetSpotSymbols } from './http.ts';
import { parseBitgetFrame } from './parse.ts';
import { bitgetBookChannel, bitgetContractSpec, bitgetSpotSpec, bitgetTopic } from './symbols.ts';
import { BITGET_PING, bitgetSubscribeFrames, bitgetUnsubscribeFrames } from './ws.ts';

/** Returns `base` with `path` appended unless the base already ends with it. */
function withPath(base: string, path: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith(path) ? trimmed : trimmed + path;
}

function build(specs: readonly (InstrumentSpec | undefined)[], out: Instrument[]): void {
  for (const spec of specs) {
    if (!spec) continue;
    try {
      out.push(makeInstrument(spec));
    } catch {
      // A step finer than Scale can hold exactly: leave the instrument out, not the universe.
    }
  }
}

export const bitgetAdapter: PublicAdapter = {
  venue: 'bitget',
  defaultUrls: BITGET_URLS,
  limits: BITGET_LIMITS,
  syncRule: 'bitget',
  resync: 'resubscribe',
  defaultDepth: BITGET_DEFAULT_DEPTH,

  connectUrl: (wsBase) => withPath(wsBase, BITGET_WS_PUBLIC_PATH),

  topics: (inst, depth) => [bitgetTopic(bitgetBookChannel(depth), inst.symbol), bitgetTopic('trade', inst.symbol), bitgetTopic('ticker', inst.symbol)],
  bookTopic: (inst, depth) => bitgetTopic(bitgetBookChannel(depth), inst.symbol),
  subscribeFrames: (topics) => bitgetSubscribeFrames(topics),
  unsubscribeFrames: (topics) => bitgetUnsubscribeFrames(topics),
  pingFrame: () => BITGET_PING,
  parse: parseBitgetFrame,

  async fetchInstruments(rest) {
    const [contracts, spot] = await Promise.all([getBitgetContracts(rest), getBitgetSpotSymbols(rest)]);
    const out: Instrument[] = [];
    build(contracts.map(bitgetContractSpec), out);
    build(spot.map(bitgetSpotSpec), out);
    return out;
  },
};
