/**
 * Bitget names. Bitget v2 calls the USDT-margined perpetual and the spot pair by the same name
 * (`BTCUSDT` with instType USDT-FUTURES or SPOT), but a Fleet instrument id must be unique per
 * venue. So the futures contract keeps the native name (`bitget:BTCUSDT`) and the spot pair takes
 * Bitget's own v1 spot name, the `_SPBL` suffix (`bitget:BTCUSDT_SPBL`): a name the venue itself
 * used, which no v2 futures symbol can collide with. The wire always carries the v2 name; the
 * suffix exists only inside Fleet and is added and removed here and nowhere else.
 *
 * Topics are `<instType>:<channel>:<instId>` with the wire name: `USDT-FUTURES:books:BTCUSDT`,
 * `SPOT:trade:BTCUSDT`.
 */
import { parseDecimal, stepOfDecimals } from '../../model/scale.ts';
import type { InstrumentSpec } from '../../model/instrument.ts';
import { BITGET_FUTURES_STATUS, BITGET_SPOT_STATUS } from './constants.ts';
import type { BitgetContract, BitgetSpotSymbol, BitgetWsArg } from './messages.ts';

export const BITGET_SPOT_SUFFIX = '_SPBL';

export type BitgetInstType = 'USDT-FUTURES' | 'SPOT';

/** Returns the Fleet symbol of a wire name under an instType (v1 `mc`/`sp`, v2, v3 lower case); undefined for markets Fleet does not trade. */
export function bitgetSymbol(instType: string, wireName: string): string | undefined {
  switch (instType) {
    case 'USDT-FUTURES':
    case 'usdt-futures':
    case 'mc': // v1 mix: the USDT-margined names are the same (DASHUSDT)
      return wireName;
    case 'SPOT':
    case 'spot':
    case 'sp':
      return wireName + BITGET_SPOT_SUFFIX;
    default:
      return undefined; // COIN-FUTURES, USDC-FUTURES: not in Fleet's Bitget universe
  }
}

/** Returns the instType and wire name of a Fleet symbol. */
export function bitgetWire(symbol: string): { instType: BitgetInstType; instId: string } {
  return symbol.endsWith(BITGET_SPOT_SUFFIX)
    ? { instType: 'SPOT', instId: symbol.slice(0, -BITGET_SPOT_SUFFIX.length) }
    : { instType: 'USDT-FUTURES', instId: symbol };
}

/** Returns the topic of a channel for a Fleet symbol. */
export function bitgetTopic(channel: string, symbol: string): string {
  const w = bitgetWire(symbol);
  return `${w.instType}:${channel}:${w.instId}`;
}

/** Returns the subscription argument a topic stands for, undefined for a malformed topic. */
export function bitgetTopicArg(topic: string): BitgetWsArg | undefined {
  const [instType, channel, instId, extra] = topic.split(':');
  if (!instType || !channel || !instId || extra !== undefined) return undefined;
  return { instType, channel, instId };
}

/** Returns the book channel for a depth: books1/5/15 push whole books, `books` is incremental. */
export function bitgetBookChannel(depth: number): 'books1' | 'books5' | 'books15' | 'books' {
  if (depth <= 1) return 'books1';
  if (depth <= 5) return 'books5';
  if (depth <= 15) return 'books15';
  return 'books';
}

/** Returns `digits × 10^-places` as decimal text: ("5", 2) → "0.05"; undefined when not digits. */
export function shiftDecimal(digits: string, places: number): string | undefined {
  if (!/^\d+$/.test(digits) || !Number.isInteger(places) || places < 0 || places > 15) return undefined;
  const d = digits.replace(/^0+(?=\d)/, '');
  if (places === 0) return d;
  const padded = d.padStart(places + 1, '0');
  return `${padded.slice(0, -places)}.${padded.slice(-places)}`;
}

function positive(s: string | undefined): s is string {
  if (s === undefined) return false;
  const d = parseDecimal(s);
  return d !== undefined && d.units > 0;
}

/** Returns the spec of a USDT-FUTURES perpetual, undefined for delivery contracts and bad rows. */
export function bitgetContractSpec(row: BitgetContract): InstrumentSpec | undefined {
  const status = BITGET_FUTURES_STATUS[row.symbolStatus];
  if (!status || row.symbolType !== 'perpetual') return undefined;
  // tick = priceEndStep × 10^-pricePlace: pricePlace 2, priceEndStep 5 → 0.05.
  const tick = shiftDecimal(row.priceEndStep, Number(row.pricePlace));
  if (!positive(tick) || !positive(row.sizeMultiplier) || !row.baseCoin || !row.quoteCoin) return undefined;
  const launched = Number(row.launchTime);
  return {
    venue: 'bitget',
    symbol: row.symbol,
    kind: 'perp',
    base: row.baseCoin,
    quote: row.quoteCoin,
    tickSize: tick,
    lotSize: row.sizeMultiplier,
    ...(positive(row.minTradeNum) ? { minQty: row.minTradeNum } : {}),
    ...(positive(row.minTradeUSDT) ? { minNotional: row.minTradeUSDT } : {}),
    contractSize: '1', // sizes are in base coin
    status,
    ...(launched > 0 ? { listedAt: launched } : {}),
  };
}

/** Returns the spec of a spot pair under its `_SPBL` Fleet symbol, undefined for bad rows. */
export function bitgetSpotSpec(row: BitgetSpotSymbol): InstrumentSpec | undefined {
  const status = BITGET_SPOT_STATUS[row.status];
  const pp = Number(row.pricePrecision);
  const qp = Number(row.quantityPrecision);
  if (!status || !Number.isInteger(pp) || !Number.isInteger(qp) || pp < 0 || qp < 0 || pp > 15 || qp > 15) return undefined;
  if (!row.baseCoin || !row.quoteCoin) return undefined;
  const minNotional = row.minTradeUSDTAmount ?? row.minTradeUSDT;
  const opened = Number(row.openTime);
  return {
    venue: 'bitget',
    symbol: row.symbol + BITGET_SPOT_SUFFIX,
    kind: 'spot',
    base: row.baseCoin,
    quote: row.quoteCoin,
    tickSize: stepOfDecimals(pp),
    lotSize: stepOfDecimals(qp),
    ...(positive(row.minTradeAmount) ? { minQty: row.minTradeAmount } : {}),
    ...(positive(minNotional) ? { minNotional } : {}),
    contractSize: '1',
    status,
    ...(opened > 0 ? { listedAt: opened } : {}),
  };
}
