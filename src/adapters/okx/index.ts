/**
 * The OKX v5 public adapter: linear SWAP and SPOT instruments, `books` with seqId/prevSeqId and
 * CRC32 checksum, `trades`, `tickers` and `funding-rate`. A distrusted book is rebuilt by
 * resubscribing its `books` topic (the venue answers with a fresh snapshot).
 */
import { makeInstrument, type Instrument } from '../../model/instrument.ts';
import type { PublicAdapter } from '../types.ts';
import { OKX_DEFAULT_DEPTH, OKX_INST_TYPES, OKX_LIMITS, OKX_URLS, OKX_WS_PUBLIC_PATH } from './constants.ts';
import { getOkxInstruments } from './http.ts';
import { parseOkxFrame } from './parse.ts';
import { okxBookChannel, okxInstrumentSpec, okxTopic } from './symbols.ts';
import { OKX_PING, okxSubscribeFrames, okxUnsubscribeFrames } from './ws.ts';

/** Returns `base` with `path` appended unless the base already ends with it. */
function withPath(base: string, path: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith(path) ? trimmed : trimmed + path;
}

export const okxAdapter: PublicAdapter = {
  venue: 'okx',
  defaultUrls: OKX_URLS,
  limits: OKX_LIMITS,
  syncRule: 'okx',
  resync: 'resubscribe',
  defaultDepth: OKX_DEFAULT_DEPTH,

  connectUrl: (wsBase) => withPath(wsBase, OKX_WS_PUBLIC_PATH),

  topics(inst, depth) {
    const t = [okxTopic(okxBookChannel(depth), inst.symbol), okxTopic('trades', inst.symbol), okxTopic('tickers', inst.symbol)];
    if (inst.kind === 'perp') t.push(okxTopic('funding-rate', inst.symbol));
    return t;
  },

  bookTopic: (inst, depth) => okxTopic(okxBookChannel(depth), inst.symbol),
  subscribeFrames: (topics) => okxSubscribeFrames(topics),
  unsubscribeFrames: (topics) => okxUnsubscribeFrames(topics),
  pingFrame: () => OKX_PING,
  parse: parseOkxFrame,

  async fetchInstruments(rest) {
    const lists = await Promise.all(OKX_INST_TYPES.map((t) => getOkxInstruments(rest, t)));
    const out: Instrument[] = [];
    for (const rows of lists) {
      for (const row of rows) {
        const spec = okxInstrumentSpec(row);
        if (!spec) continue;
        try {
          out.push(makeInstrument(spec));
        } catch {
          // A step finer than Scale can hold exactly: leave the instrument out, not the universe.
        }
      }
    }
    return out;
  },
};
