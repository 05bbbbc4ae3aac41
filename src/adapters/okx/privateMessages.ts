/**
 * OKX v5 private wire types, as the venue sends them (the fields Fleet reads): order acks and
 * order rows (REST `/api/v5/trade/order`, `orders-pending`, the `orders` channel), fill rows
 * (`/api/v5/trade/fills`), positions, balances and fee rates. Every value is a string, as OKX
 * writes it; they become model types only in privateParse.ts.
 *
 * Sources: https://www.okx.com/docs-v5/en/#order-book-trading-trade,
 * https://www.okx.com/docs-v5/en/#trading-account-rest-api,
 * https://www.okx.com/docs-v5/en/#order-book-trading-trade-ws-order-channel
 */

/** A per-order answer of place / cancel / amend: `sCode` "0" or the reason it failed. */
export interface OkxOrderAck {
  readonly ordId: string;
  readonly clOrdId: string;
  readonly sCode: string;
  readonly sMsg: string;
  readonly ts?: string;
  readonly reqId?: string;
}

/** `live`, `partially_filled`, `filled`, `canceled`, `mmp_canceled`. */
export type OkxOrderState = string;

/** An order row: REST order details and pending orders, and the `orders` channel's data. */
export interface OkxOrderRow {
  readonly instType: string;
  readonly instId: string;
  readonly ordId: string;
  readonly clOrdId: string;
  /** `market`, `limit`, `post_only`, `fok`, `ioc`, `optimal_limit_ioc`, … */
  readonly ordType: string;
  readonly side: string;
  readonly px: string;
  /** Contracts (SWAP) or base currency (SPOT; quote for a `tgtCcy=quote_ccy` market buy). */
  readonly sz: string;
  readonly accFillSz: string;
  readonly avgPx: string;
  readonly state: OkxOrderState;
  readonly reduceOnly: string;
  readonly cancelSourceReason?: string;
  readonly cTime: string;
  readonly uTime: string;
  /** The last fill (REST) or this push's fill (channel): empty or "0" when none. */
  readonly tradeId?: string;
  readonly fillPx?: string;
  readonly fillSz?: string;
  readonly fillTime?: string;
  /** `M` maker, `T` taker. */
  readonly execType?: string;
  /** Channel only: this fill's fee, negative when charged. */
  readonly fillFee?: string;
  readonly fillFeeCcy?: string;
  /** Channel only: "0" when this push answers a successful amend. */
  readonly amendResult?: string;
}

/** A row of `/api/v5/trade/fills`; `fee` is negative when charged. */
export interface OkxFillRow {
  readonly instId: string;
  readonly tradeId: string;
  readonly ordId: string;
  readonly clOrdId: string;
  readonly fillPx: string;
  readonly fillSz: string;
  readonly side: string;
  readonly execType: string;
  readonly fee: string;
  readonly feeCcy: string;
  readonly fillTime?: string;
  readonly ts: string;
}

/** A row of `/api/v5/account/positions` and the `positions` channel. */
export interface OkxPositionRow {
  readonly instId: string;
  /** Signed in net mode; a size in long/short mode, where `posSide` says the direction. */
  readonly pos: string;
  readonly posSide: string;
  readonly avgPx: string;
  readonly upl?: string;
  readonly markPx?: string;
}

/** One currency of `/api/v5/account/balance` data[0].details and the `account` channel. */
export interface OkxBalanceDetail {
  readonly ccy: string;
  readonly cashBal: string;
  readonly availBal: string;
  readonly eq?: string;
}

/** A row of `/api/v5/account/trade-fee`; rates are negative when charged, positive when rebated. */
export interface OkxFeeRow {
  readonly instType: string;
  /** SPOT: the USDT pairs' rates; SWAP: the coin-margined contracts' rates. */
  readonly maker: string;
  readonly taker: string;
  /** SWAP: the USDT-margined contracts' rates. */
  readonly makerU?: string;
  readonly takerU?: string;
}

/** A private channel push: `{"arg":{"channel":"orders",…},"data":[…]}`. */
export interface OkxPrivatePush {
  readonly arg: { readonly channel: string; readonly instType?: string; readonly uid?: string };
  readonly eventType?: string;
  readonly data: readonly unknown[];
}
