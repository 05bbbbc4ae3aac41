/**
 * Normalized market events: what every venue's `parse.ts` produces and everything downstream
 * reads. Immutable; prices in ticks and sizes in lots of the instrument (see model/scale.ts).
 * `tsEvent` is the venue's time (ms), `tsRecv` ours when the frame arrived.
 */
import type { Instrument } from './instrument.ts';

export type Side = 'buy' | 'sell';

interface MarketEventBase {
  /** Instrument id `<venue>:<symbol>`. */
  readonly instrument: string;
  readonly tsEvent: number;
  readonly tsRecv: number;
}

/**
 * Book levels are flat pairs, best first as the venue sent them: [ticks0, lots0, ticks1, lots1, …].
 * Size 0 in a delta deletes the level. `raw` keeps the exact strings the venue sent, in the same
 * order, for venues whose checksum is computed over them (OKX, Bitget).
 */
export interface BookLevels {
  readonly bids: readonly number[];
  readonly asks: readonly number[];
  readonly raw?: { readonly bids: readonly string[]; readonly asks: readonly string[] };
  /** The venue's CRC32 of the book after this message (signed 32-bit); absent or 0 = none. */
  readonly checksum?: number;
}

/**
 * Sequence fields, named after what they are rather than after one venue:
 *  - `seq`: the id of the last update this message contains (Binance `u` / `lastUpdateId`,
 *    Bybit `u`, OKX `seqId`, Bitget `seq`, Hyperliquid `time`);
 *  - `firstSeq`: the first update it contains (Binance `U`);
 *  - `prevSeq`: the `seq` of the message that must precede it (Binance futures `pu`, OKX
 *    `prevSeqId`, Bitget v3 `pseq`).
 */
export interface BookSeq {
  readonly seq: number;
  readonly firstSeq?: number;
  readonly prevSeq?: number;
}

export interface BookSnapshot extends MarketEventBase, BookLevels, BookSeq {
  readonly kind: 'book.snapshot';
}

export interface BookDelta extends MarketEventBase, BookLevels, BookSeq {
  readonly kind: 'book.delta';
}

export interface Trade extends MarketEventBase {
  readonly kind: 'trade';
  readonly tradeId: string;
  readonly price: number;
  readonly qty: number;
  /** The side that took liquidity. */
  readonly aggressor: Side;
}

/** Best bid/offer and 24 h statistics; a venue's partial update fills only what it sent. */
export interface Ticker extends MarketEventBase {
  readonly kind: 'ticker';
  /** The venue's book update id where it gives one (Binance bookTicker `u`). */
  readonly updateId?: number;
  readonly bidPrice?: number;
  readonly bidQty?: number;
  readonly askPrice?: number;
  readonly askQty?: number;
  readonly last?: number;
  /** 24 h volume in quote currency (a float: for scoring, never for money). */
  readonly quoteVolume24h?: number;
  readonly openInterest?: number;
}

/** Mark and index prices are computed, not quoted: they may be fractional ticks (Scale.toTicks). */
export interface Funding extends MarketEventBase {
  readonly kind: 'funding';
  /** Funding rate per interval as the venue's decimal string. */
  readonly rate: string;
  readonly nextFundingTime?: number;
  readonly markPrice?: number;
  readonly indexPrice?: number;
}

export interface InstrumentUpdate {
  readonly kind: 'instrument';
  readonly instrument: Instrument;
}

export type BookEvent = BookSnapshot | BookDelta;
export type MarketEvent = BookSnapshot | BookDelta | Trade | Ticker | Funding;
