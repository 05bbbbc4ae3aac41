/**
 * Bitget wire types, as the venue sends them: v2 (what Fleet subscribes), plus the v1 mix and
 * v3/UTA shapes that recorded captures hold (same `books` checksum scheme; v3 adds seq/pseq).
 * Prices and sizes stay strings; they become ticks and lots only in parse.ts.
 */

/** v1/v2 subscription argument: `{"instType":"USDT-FUTURES","channel":"books","instId":"BTCUSDT"}`. */
export interface BitgetWsArg {
  readonly instType: string;
  readonly channel?: string;
  readonly instId?: string;
  /** v3/UTA names the channel `topic` and the instrument `symbol`. */
  readonly topic?: string;
  readonly symbol?: string;
}

export interface BitgetWsRequest {
  readonly op: 'subscribe' | 'unsubscribe';
  readonly args: readonly BitgetWsArg[];
}

/** `{"event":"subscribe","arg":{…}}`, `{"event":"error","code":30001,"msg":"…"}`. */
export interface BitgetWsEvent {
  readonly event: string;
  readonly arg?: BitgetWsArg;
  readonly code?: number | string;
  readonly msg?: string;
  readonly op?: string;
}

export interface BitgetWsPush<T> {
  readonly action: 'snapshot' | 'update';
  readonly arg: BitgetWsArg;
  readonly data: readonly T[];
  readonly ts?: number;
}

export type BitgetBookLevel = readonly [price: string, size: string];

export interface BitgetWsBook {
  /** v1/v2 names. */
  readonly asks?: readonly BitgetBookLevel[];
  readonly bids?: readonly BitgetBookLevel[];
  /** v3 names. */
  readonly a?: readonly BitgetBookLevel[];
  readonly b?: readonly BitgetBookLevel[];
  /** Signed CRC32 over the top 25 levels' exact strings; 0 on whole-book channels. */
  readonly checksum: number;
  readonly seq?: number;
  /** v3: the seq of the previous message (0 on a snapshot). */
  readonly pseq?: number;
  readonly ts: string;
}

/** v2 trade. */
export interface BitgetWsTrade {
  readonly ts: string;
  readonly price: string;
  readonly size: string;
  /** The taker's side. */
  readonly side: 'buy' | 'sell';
  readonly tradeId: string;
}

/** v1 mix trade: [ts, price, size, side]. */
export type BitgetV1Trade = readonly [ts: string, price: string, size: string, side: 'buy' | 'sell'];

/** v3 publicTrade. */
export interface BitgetV3Trade {
  readonly i: string;
  readonly p: string;
  readonly v: string;
  readonly S: 'buy' | 'sell';
  readonly T: string;
}

/** v2 ticker (futures carry funding and mark/index; spot does not). */
export interface BitgetWsTicker {
  readonly instId: string;
  readonly lastPr: string;
  readonly bidPr: string;
  readonly askPr: string;
  readonly bidSz: string;
  readonly askSz: string;
  readonly quoteVolume: string;
  readonly holdingAmount?: string;
  readonly fundingRate?: string;
  readonly nextFundingTime?: string;
  readonly markPrice?: string;
  readonly indexPrice?: string;
  readonly ts: string;
}

/** v1 mix ticker (other names for the same facts). */
export interface BitgetV1Ticker {
  readonly instId: string;
  readonly last: string;
  readonly bestBid: string;
  readonly bestAsk: string;
  readonly quoteVolume: string;
  readonly holding: string;
  readonly capitalRate: string;
  readonly nextSettleTime: number;
  readonly markPrice: string;
  readonly indexPrice: string;
  readonly systemTime: number;
}

/** v3 ticker. */
export interface BitgetV3Ticker {
  readonly lastPrice: string;
  readonly bid1Price: string;
  readonly ask1Price: string;
  readonly bid1Size: string;
  readonly ask1Size: string;
  readonly turnover24h: string;
  readonly openInterest?: string;
  readonly fundingRate?: string;
  readonly nextFundingTime?: string;
  readonly markPrice?: string;
  readonly indexPrice?: string;
}

/** Every REST answer: `{"code":"00000","msg":"success","requestTime":…,"data":[…]}`. */
export interface BitgetRestResponse<T> {
  readonly code: string;
  readonly msg: string;
  readonly requestTime?: number;
  readonly data: T;
}

/** A row of `/api/v2/mix/market/contracts` (the fields Fleet reads). */
export interface BitgetContract {
  readonly symbol: string;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly pricePlace: string;
  readonly priceEndStep: string;
  readonly volumePlace: string;
  readonly sizeMultiplier: string;
  readonly minTradeNum: string;
  readonly minTradeUSDT: string;
  readonly symbolType: string;
  readonly symbolStatus: string;
  readonly launchTime?: string;
}

/** A row of `/api/v2/spot/public/symbols` (the fields Fleet reads). */
export interface BitgetSpotSymbol {
  readonly symbol: string;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly minTradeAmount: string;
  readonly pricePrecision: string;
  readonly quantityPrecision: string;
  /** The docs name it `minTradeUSDTAmount`; some answers carry `minTradeUSDT`. */
  readonly minTradeUSDTAmount?: string;
  readonly minTradeUSDT?: string;
  readonly status: string;
  readonly openTime?: string;
}
