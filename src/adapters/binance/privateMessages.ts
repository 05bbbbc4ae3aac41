/**
 * Binance private wire types (USD-M futures and spot) as the venue sends them: REST order and trade
 * rows, balances, positions and fee rates, and the user data stream events. Prices, sizes and fees
 * are decimal strings; ids and times are JSON numbers. Only privateParse.ts reads these.
 *
 * Sources: https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api,
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams,
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/trading-endpoints,
 * https://developers.binance.com/docs/binance-spot-api-docs/user-data-stream.
 */

/** An order as POST/GET/DELETE /fapi/v1/order and /api/v3/order (and the open orders) answer it. */
export interface BinanceRestOrder {
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  /** Spot cancel: the canceled order's client id (`clientOrderId` is then the cancel's own). */
  readonly origClientOrderId?: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: string;
  readonly timeInForce?: string;
  readonly price: string;
  readonly origQty: string;
  readonly executedQty: string;
  /** USD-M only. */
  readonly avgPrice?: string;
  readonly status: string;
  readonly reduceOnly?: boolean;
  readonly updateTime?: number;
  readonly transactTime?: number;
  readonly time?: number;
}

/** PUT /api/v3/order/amend/keepPriority: the order after the amend (`qty`, not `origQty`). */
export interface BinanceSpotAmendAnswer {
  readonly transactTime: number;
  readonly executionId: number;
  readonly amendedOrder: Omit<BinanceRestOrder, 'origQty'> & { readonly qty: string };
}

/** GET /fapi/v1/userTrades row. */
export interface BinanceUsdmUserTrade {
  readonly id: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly qty: string;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly maker: boolean;
  readonly realizedPnl: string;
  readonly time: number;
}

/** GET /api/v3/myTrades row. */
export interface BinanceSpotMyTrade {
  readonly id: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly price: string;
  readonly qty: string;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly isBuyer: boolean;
  readonly isMaker: boolean;
  readonly time: number;
}

/** GET /fapi/v3/balance row. */
export interface BinanceUsdmBalance {
  readonly asset: string;
  readonly balance: string;
  readonly availableBalance: string;
}

/** GET /fapi/v3/positionRisk row (one-way mode: `positionSide` BOTH, signed amount). */
export interface BinanceUsdmPosition {
  readonly symbol: string;
  readonly positionAmt: string;
  readonly entryPrice: string;
  readonly markPrice: string;
  readonly unRealizedProfit: string;
}

/** GET /api/v3/account (the parts read). */
export interface BinanceSpotAccount {
  readonly balances: readonly { readonly asset: string; readonly free: string; readonly locked: string }[];
}

/** GET /fapi/v1/commissionRate. */
export interface BinanceUsdmCommission {
  readonly symbol: string;
  readonly makerCommissionRate: string;
  readonly takerCommissionRate: string;
}

/** GET /api/v3/account/commission: what a trade pays is standard + special + tax. */
export interface BinanceSpotCommission {
  readonly symbol: string;
  readonly standardCommission: { readonly maker: string; readonly taker: string };
  readonly specialCommission?: { readonly maker: string; readonly taker: string };
  readonly taxCommission?: { readonly maker: string; readonly taker: string };
}

/** USD-M ORDER_TRADE_UPDATE: `x` the execution type, `X` the order status, `l`/`L`/`n`/`N`/`t`/`m` the fill. */
export interface BinanceWsOrderTradeUpdate {
  readonly e: 'ORDER_TRADE_UPDATE';
  readonly E: number;
  readonly T: number;
  readonly o: {
    readonly s: string;
    readonly c: string;
    readonly S: 'BUY' | 'SELL';
    readonly o: string;
    readonly f: string;
    readonly q: string;
    readonly p: string;
    readonly ap: string;
    readonly x: string;
    readonly X: string;
    readonly i: number;
    readonly l: string;
    readonly z: string;
    readonly L: string;
    readonly N?: string;
    readonly n?: string;
    readonly T: number;
    readonly t: number;
    readonly m: boolean;
    readonly R: boolean;
  };
}

/** USD-M ACCOUNT_UPDATE: `B` wallet balances (`wb` wallet, `cw` cross wallet), `P` positions. */
export interface BinanceWsAccountUpdate {
  readonly e: 'ACCOUNT_UPDATE';
  readonly E: number;
  readonly a: {
    readonly m: string;
    readonly B: readonly { readonly a: string; readonly wb: string; readonly cw: string }[];
    readonly P: readonly { readonly s: string; readonly pa: string; readonly ep: string; readonly up: string }[];
  };
}

/** Spot executionReport: on a cancel `c` is the cancel's client id and `C` the order's. */
export interface BinanceWsExecutionReport {
  readonly e: 'executionReport';
  readonly E: number;
  readonly s: string;
  readonly c: string;
  readonly C: string;
  readonly S: 'BUY' | 'SELL';
  readonly o: string;
  readonly f: string;
  readonly q: string;
  readonly p: string;
  readonly x: string;
  readonly X: string;
  readonly r: string;
  readonly i: number;
  readonly l: string;
  readonly z: string;
  readonly L: string;
  readonly n: string;
  readonly N: string | null;
  readonly T: number;
  readonly t: number;
  readonly m: boolean;
}

/** Spot outboundAccountPosition: the balances that changed. */
export interface BinanceWsAccountPosition {
  readonly e: 'outboundAccountPosition';
  readonly E: number;
  readonly B: readonly { readonly a: string; readonly f: string; readonly l: string }[];
}

/** Both markets: the listen key lapsed; the stream says nothing more on it. */
export interface BinanceWsListenKeyExpired {
  readonly e: 'listenKeyExpired';
  readonly listenKey: string;
}
