/**
 * OKX v5 wire types, as the venue sends them. Prices and sizes stay strings; they become ticks and
 * lots only in parse.ts.
 */

/** A subscription argument: `{"channel":"books","instId":"BTC-USDT-SWAP"}`. */
export interface OkxWsArg {
  readonly channel: string;
  readonly instId?: string;
  readonly instType?: string;
}

/** `{"op":"subscribe","args":[…]}` (also unsubscribe). */
export interface OkxWsRequest {
  readonly op: 'subscribe' | 'unsubscribe';
  readonly args: readonly OkxWsArg[];
}

/** Acks, errors and notices: `{"event":"subscribe","arg":{…},"connId":"…"}`, `{"event":"error","code":"60012","msg":"…"}`. */
export interface OkxWsEvent {
  readonly event: string;
  readonly arg?: OkxWsArg;
  readonly code?: string;
  readonly msg?: string;
  readonly connId?: string;
}

/** A data push: `{"arg":{…},"action":"snapshot"|"update","data":[…]}` (`action` only on `books`). */
export interface OkxWsPush<T> {
  readonly arg: OkxWsArg;
  readonly action?: 'snapshot' | 'update';
  readonly data: readonly T[];
}

/** A book level: [price, size, liquidated orders (deprecated, "0"), number of orders]. */
export type OkxBookLevel = readonly [px: string, sz: string, liq?: string, orders?: string];

export interface OkxWsBook {
  readonly asks: readonly OkxBookLevel[];
  readonly bids: readonly OkxBookLevel[];
  readonly ts: string;
  /** Signed CRC32 of the top 25 levels after this message; 0 on newer feeds that dropped it. */
  readonly checksum?: number;
  /** Absent on captures before 2022-09; -1 on a snapshot's prevSeqId. */
  readonly seqId?: number;
  readonly prevSeqId?: number;
  readonly instId?: string;
}

export interface OkxWsTrade {
  readonly instId: string;
  readonly tradeId: string;
  readonly px: string;
  readonly sz: string;
  /** The taker's side. */
  readonly side: 'buy' | 'sell';
  readonly ts: string;
  readonly count?: string;
}

export interface OkxWsTicker {
  readonly instType: string;
  readonly instId: string;
  readonly last: string;
  readonly lastSz: string;
  readonly askPx: string;
  readonly askSz: string;
  readonly bidPx: string;
  readonly bidSz: string;
  /** Contracts for derivatives, base currency for spot. */
  readonly vol24h: string;
  /** Base currency for derivatives, quote currency for spot. */
  readonly volCcy24h: string;
  readonly ts: string;
}

export interface OkxWsFundingRate {
  readonly instType: string;
  readonly instId: string;
  readonly fundingRate: string;
  /** When the current `fundingRate` settles. */
  readonly fundingTime: string;
  readonly nextFundingRate?: string;
  readonly nextFundingTime?: string;
  readonly ts?: string;
}

/** Every REST answer: `{"code":"0","msg":"","data":[…]}`. */
export interface OkxRestResponse<T> {
  readonly code: string;
  readonly msg: string;
  readonly data: T;
}

/** A row of `/api/v5/public/instruments` (the fields Fleet reads). */
export interface OkxInstrument {
  readonly instId: string;
  readonly instType: string;
  readonly baseCcy?: string;
  readonly quoteCcy?: string;
  readonly settleCcy?: string;
  readonly ctVal?: string;
  readonly ctMult?: string;
  readonly ctValCcy?: string;
  readonly ctType?: string;
  readonly uly?: string;
  readonly instFamily?: string;
  readonly tickSz: string;
  readonly lotSz: string;
  readonly minSz: string;
  readonly state: string;
  readonly listTime?: string;
}
