/**
 * OKX names: topics are `<channel>:<instId>` (an instId never holds a colon), the instrument
 * symbol is the instId itself (`okx:BTC-USDT-SWAP`, `okx:BTC-USDT`), and the instrument spec
 * comes from a `/api/v5/public/instruments` row.
 */
import { parseDecimal } from '../../model/scale.ts';
import type { InstrumentSpec } from '../../model/instrument.ts';
import { OKX_STATE } from './constants.ts';
import type { OkxInstrument, OkxWsArg } from './messages.ts';

/** Returns the topic name of a channel for one instrument. */
export function okxTopic(channel: string, instId: string): string {
  return `${channel}:${instId}`;
}

/** Returns the subscription argument a topic stands for, undefined for a malformed topic. */
export function okxTopicArg(topic: string): OkxWsArg | undefined {
  const i = topic.indexOf(':');
  if (i <= 0 || i === topic.length - 1) return undefined;
  return { channel: topic.slice(0, i), instId: topic.slice(i + 1) };
}

/** Returns the book channel for a depth: the 1-level and 5-level channels push whole books. */
export function okxBookChannel(depth: number): 'bbo-tbt' | 'books5' | 'books' {
  if (depth <= 1) return 'bbo-tbt';
  if (depth <= 5) return 'books5';
  return 'books';
}

function isStep(s: string | undefined): s is string {
  if (s === undefined) return false;
  const d = parseDecimal(s);
  return d !== undefined && d.units > 0;
}

/**
 * Returns the spec of a SPOT or linear SWAP instrument, undefined for what Fleet does not trade.
 * Inverse swaps (BTC-USD-SWAP) are left out on purpose: their contract is worth `ctVal` USD, not
 * `ctVal` of the base, which `InstrumentSpec.contractSize` (base units per contract) cannot say.
 */
export function okxInstrumentSpec(row: OkxInstrument): InstrumentSpec | undefined {
  const status = OKX_STATE[row.state];
  if (!status || !isStep(row.tickSz) || !isStep(row.lotSz)) return undefined;
  const listed = Number(row.listTime);
  const common = {
    venue: 'okx' as const,
    symbol: row.instId,
    tickSize: row.tickSz,
    lotSize: row.lotSz,
    ...(isStep(row.minSz) ? { minQty: row.minSz } : {}),
    status,
    ...(listed > 0 ? { listedAt: listed } : {}),
  };
  if (row.instType === 'SPOT') {
    if (!row.baseCcy || !row.quoteCcy) return undefined;
    return { ...common, kind: 'spot', base: row.baseCcy, quote: row.quoteCcy, contractSize: '1' };
  }
  if (row.instType === 'SWAP') {
    if (row.ctType !== 'linear' || !isStep(row.ctVal)) return undefined;
    // A contract multiplier other than 1 would scale ctVal; no linear swap uses one today.
    if (row.ctMult !== undefined && row.ctMult !== '' && row.ctMult !== '1') return undefined;
    const family = row.instFamily || row.uly || '';
    const [base, quote] = family.split('-');
    if (!base || !quote) return undefined;
    return { ...common, kind: 'perp', base, quote, contractSize: row.ctVal };
  }
  return undefined;
}
