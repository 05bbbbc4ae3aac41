/**
 * Bybit v5 private wire types (category linear), exactly as the venue writes them: decimals as
 * strings, times as millisecond strings. Only the fields the adapter reads are listed; the venue
 * sends more. They stay inside this folder; privateParse.ts turns them into execution types.
 *
 * Sources: https://bybit-exchange.github.io/docs/v5/order/open-order,
 * https://bybit-exchange.github.io/docs/v5/order/execution, https://bybit-exchange.github.io/docs/v5/position,
 * https://bybit-exchange.github.io/docs/v5/account/wallet-balance, https://bybit-exchange.github.io/docs/v5/account/fee-rate,
 * https://bybit-exchange.github.io/docs/v5/websocket/private/order (execution, position, wallet alike).
 */

export type BybitSide = 'Buy' | 'Sell';

/** `orderStatus` values of derivatives orders (docs/v5/enum#orderstatus). */
export type BybitOrderStatus =
  | 'New'
  | 'PartiallyFilled'
  | 'Untriggered'
  | 'Rejected'
  | 'PartiallyFilledCanceled'
  | 'Filled'
  | 'Cancelled'
  | 'Triggered'
  | 'Deactivated';

/** One order of /v5/order/realtime, /v5/order/history and the `order` topic. */
export interface BybitOrderRow {
  readonly symbol: string;
  readonly orderId: string;
  readonly orderLinkId: string;
  readonly side: BybitSide;
  readonly orderType: 'Market' | 'Limit';
  readonly price: string;
  readonly qty: string;
  readonly timeInForce: 'GTC' | 'IOC' | 'FOK' | 'PostOnly' | 'RPI';
  readonly orderStatus: BybitOrderStatus;
  readonly cumExecQty: string;
  /** "" (or "0") before the first fill. */
  readonly avgPrice: string;
  readonly reduceOnly: boolean;
  /** `EC_NoError` unless the venue ended the order itself. */
  readonly rejectReason: string;
  readonly cancelType: string;
  readonly updatedTime: string;
}

/** One execution of /v5/execution/list and the `execution` topic. */
export interface BybitExecutionRow {
  readonly symbol: string;
  readonly orderId: string;
  readonly orderLinkId: string;
  readonly side: BybitSide;
  readonly execId: string;
  readonly execPrice: string;
  readonly execQty: string;
  /** Positive: paid; negative: a rebate. */
  readonly execFee: string;
  /** `Trade`, `AdlTrade`, `BustTrade`, `Funding`, `Settle`, … */
  readonly execType: string;
  readonly execTime: string;
  readonly isMaker: boolean;
  /** The fee's coin; linear executions may leave it empty (then the settle coin, USDT). */
  readonly feeCurrency?: string;
}

/** One position of /v5/position/list (`avgPrice`) and the `position` topic (`entryPrice`). */
export interface BybitPositionRow {
  readonly symbol: string;
  /** "" when flat. */
  readonly side: BybitSide | '';
  /** Unsigned. */
  readonly size: string;
  readonly avgPrice?: string;
  readonly entryPrice?: string;
  readonly markPrice?: string;
  readonly unrealisedPnl?: string;
}

/** One coin of the unified wallet. */
export interface BybitWalletCoin {
  readonly coin: string;
  readonly walletBalance: string;
  /** Deprecated for UTA 2.0 (may be ""). */
  readonly availableToWithdraw?: string;
  readonly totalOrderIM?: string;
  readonly totalPositionIM?: string;
  readonly locked?: string;
}


export interface BybitFeeRateRow {
  readonly symbol: string;
  readonly takerFeeRate: string;
  readonly makerFeeRate: string;
}




/** The private stream's answer to `auth`, `subscribe` and `ping` (the latter with op `pong`). */
export interface BybitPrivateOpAnswer {
  readonly op: string;
  readonly success?: boolean;
  readonly ret_msg?: string;
  readonly req_id?: string;
  readonly conn_id?: string;
}

/** A request on the private stream. */
export interface BybitPrivateRequest {
  readonly op: 'auth' | 'subscribe' | 'ping';
  readonly args?: readonly (string | number)[];
  readonly req_id?: string;
}
