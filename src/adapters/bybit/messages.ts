/**
 * Bybit v5 wire types, exactly as the venue sends them (strings for decimals). They stay inside
 * this folder; parse.ts turns them into model events.
 */

/** `[price, size]`; size "0" deletes the level in a delta. */
export type BybitLevel = readonly [price: string, size: string];

export interface BybitWsOrderbookData {
  readonly s: string;
  readonly b: readonly BybitLevel[];
  readonly a: readonly BybitLevel[];
  /** Update id: +1 per message on one topic; 1 after a service restart. */
  readonly u: number;
  /** Cross sequence (shared with trades); not used for sync. */
  readonly seq?: number;
}

export interface BybitWsOrderbook {
  readonly topic: string;
  readonly type: 'snapshot' | 'delta';
  readonly ts: number;
  readonly cts?: number;
  readonly data: BybitWsOrderbookData;
}

export interface BybitWsPublicTradeItem {
  readonly T: number;
  readonly s: string;
  /** The taker's side. */
  readonly S: 'Buy' | 'Sell';
  readonly v: string;
  readonly p: string;
  readonly L?: string;
  readonly i: string;
  readonly BT?: boolean;
  readonly seq?: number;
}

export interface BybitWsPublicTrade {
  readonly topic: string;
  readonly type: 'snapshot';
  readonly ts: number;
  readonly data: readonly BybitWsPublicTradeItem[];
}

/** A delta carries only the fields that changed; futures send "" for funding fields. */
export interface BybitWsTickerData {
  readonly symbol: string;
  readonly lastPrice?: string;
  readonly bid1Price?: string;
  readonly bid1Size?: string;
  readonly ask1Price?: string;
  readonly ask1Size?: string;
  readonly turnover24h?: string;
  readonly volume24h?: string;
  readonly openInterest?: string;
  readonly markPrice?: string;
  readonly indexPrice?: string;
  readonly fundingRate?: string;
  readonly nextFundingTime?: string;
  readonly [other: string]: unknown;
}

export interface BybitWsTicker {
  readonly topic: string;
  readonly type: 'snapshot' | 'delta';
  readonly ts: number;
  readonly cs?: number;
  readonly data: BybitWsTickerData;
}

/** Answer to subscribe / unsubscribe / ping (public pong: op "ping", ret_msg "pong"). */
export interface BybitWsOpResponse {
  readonly success?: boolean;
  readonly ret_msg?: string;
  readonly conn_id?: string;
  readonly req_id?: string;
  readonly op: string;
  readonly args?: readonly string[];
}

export interface BybitWsRequest {
  readonly op: 'subscribe' | 'unsubscribe' | 'ping';
  readonly args?: readonly string[];
  readonly req_id?: string;
}

export interface BybitRestEnvelope<T> {
  readonly retCode: number;
  readonly retMsg: string;
  readonly result: T;
  readonly retExtInfo?: unknown;
  readonly time?: number;
}

export interface BybitRestInstrument {
  readonly symbol: string;
  readonly contractType: string;
  readonly status: string;
  readonly baseCoin: string;
  readonly quoteCoin: string;
  readonly settleCoin?: string;
  readonly launchTime?: string;
  readonly priceFilter: { readonly tickSize: string; readonly minPrice?: string; readonly maxPrice?: string };
  readonly lotSizeFilter: {
    readonly qtyStep: string;
    readonly minOrderQty?: string;
    readonly maxOrderQty?: string;
    readonly minNotionalValue?: string;
  };
}

export interface BybitRestInstrumentsResult {
  readonly category: string;
  readonly list: readonly BybitRestInstrument[];
  readonly nextPageCursor?: string;
}

export interface BybitRestOrderbookResult {
  readonly s: string;
  readonly b: readonly BybitLevel[];
  readonly a: readonly BybitLevel[];
  readonly ts: number;
  readonly u: number;
  readonly seq?: number;
  readonly cts?: number;
}
