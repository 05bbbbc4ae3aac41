/**
 * Binance wire types (USD-M futures and spot), as the venue sends them. Prices and sizes are
 * decimal strings; ids and times are JSON numbers. Nothing outside parse.ts and symbols.ts reads
 * these: they become model types there.
 */

export type BinanceLevel = readonly [price: string, qty: string];

/** A combined-stream frame (`/stream`): the raw payload wrapped with its stream name. */
export interface BinanceWsCombined<T = unknown> {
  readonly stream: string;
  readonly data: T;
}

/** `<symbol>@depth@100ms` (and `@depth<N>` partial books on futures). `pu` and `T` are futures only. */
export interface BinanceWsDepthUpdate {
  readonly e: 'depthUpdate';
  readonly E: number;
  readonly T?: number;
  readonly s: string;
  readonly U: number;
  readonly u: number;
  readonly pu?: number;
  readonly b: readonly BinanceLevel[];
  readonly a: readonly BinanceLevel[];
}

/** Spot `<symbol>@depth<N>` partial book: no event type and no symbol (it is in the stream name). */
export interface BinanceWsPartialDepthSpot {
  readonly lastUpdateId: number;
  readonly bids: readonly BinanceLevel[];
  readonly asks: readonly BinanceLevel[];
}

/** `<symbol>@aggTrade`. `m`: the buyer was the maker, so the aggressor sold. */
export interface BinanceWsAggTrade {
  readonly e: 'aggTrade';
  readonly E: number;
  readonly s: string;
  readonly a: number;
  readonly p: string;
  readonly q: string;
  readonly f: number;
  readonly l: number;
  readonly T: number;
  readonly m: boolean;
}

/** Spot `<symbol>@trade`. */
export interface BinanceWsTrade {
  readonly e: 'trade';
  readonly E: number;
  readonly s: string;
  readonly t: number;
  readonly p: string;
  readonly q: string;
  readonly T: number;
  readonly m: boolean;
}

/** `<symbol>@bookTicker`. Futures sends `e`, `E`, `T`; spot sends none of them (or only T/E lately). */
export interface BinanceWsBookTicker {
  readonly e?: 'bookTicker';
  readonly u: number;
  readonly E?: number;
  readonly T?: number;
  readonly s: string;
  readonly b: string;
  readonly B: string;
  readonly a: string;
  readonly A: string;
}

/** Futures `<symbol>@markPrice@1s`. `r` is "" for delivery contracts (no funding). */
export interface BinanceWsMarkPrice {
  readonly e: 'markPriceUpdate';
  readonly E: number;
  readonly s: string;
  readonly p: string;
  readonly i: string;
  readonly P: string;
  readonly r: string;
  readonly T: number;
}

/** `<symbol>@ticker`: rolling 24 h statistics (not subscribed by default; parsed when it comes). */
export interface BinanceWs24hrTicker {
  readonly e: '24hrTicker';
  readonly E: number;
  readonly s: string;
  readonly c: string;
  readonly q: string;
}

/** The answer to SUBSCRIBE / UNSUBSCRIBE (`result: null`) or LIST_SUBSCRIPTIONS (a list). */
export interface BinanceWsResult {
  readonly result: unknown;
  readonly id: number | null;
}

/** A request error; seen both flat (`{code, msg}`) and nested (`{error: {code, msg}, id}`). */
export interface BinanceWsError {
  readonly code?: number;
  readonly msg?: string;
  readonly error?: { readonly code: number; readonly msg: string };
  readonly id?: number | null;
}

/** `GET /fapi/v1/depth`, `GET /api/v3/depth`. `E`/`T` are futures only. */
export interface BinanceRestDepth {
  readonly lastUpdateId: number;
  readonly E?: number;
  readonly T?: number;
  readonly bids: readonly BinanceLevel[];
  readonly asks: readonly BinanceLevel[];
}

/** `GET /fapi/v1/premiumIndex` (one object with `symbol`, a list without). */
export interface BinanceRestPremiumIndex {
  readonly symbol: string;
  readonly markPrice: string;
  readonly indexPrice: string;
  readonly lastFundingRate: string;
  readonly nextFundingTime: number;
  readonly time: number;
}

export interface BinanceRestFilter {
  readonly filterType: string;
  readonly tickSize?: string;
  readonly stepSize?: string;
  readonly minQty?: string;
  /** Futures MIN_NOTIONAL. */
  readonly notional?: string;
  /** Spot NOTIONAL and the older spot MIN_NOTIONAL. */
  readonly minNotional?: string;
}

export interface BinanceRestSymbol {
  readonly symbol: string;
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** Futures: PERPETUAL, CURRENT_QUARTER, NEXT_QUARTER, … */
  readonly contractType?: string;
  readonly onboardDate?: number;
  readonly filters: readonly BinanceRestFilter[];
}

/** `GET /fapi/v1/exchangeInfo`, `GET /api/v3/exchangeInfo` (the parts we read). */
export interface BinanceRestExchangeInfo {
  readonly serverTime?: number;
  readonly symbols: readonly BinanceRestSymbol[];
}
