/**
 * Bitget v2 private wire types, as the venue sends them: REST rows of the futures (`/api/v2/mix`)
 * and spot (`/api/v2/spot`) order, fill, position and account endpoints, and the private
 * WebSocket pushes (`orders`, `fill`, `positions`, `account`). Every number is a string; Bitget
 * writes fees negative when charged. Fields are optional where the two markets or the REST and
 * stream shapes differ; privateParse.ts checks what it needs.
 *
 * Sources: https://www.bitget.com/api-doc/contract/trade/Get-Order-Details,
 * .../contract/trade/Get-Order-Fills, .../contract/websocket/private/Order-Channel,
 * .../contract/websocket/private/Fill-Channel, .../spot/trade/Get-Order-Info,
 * .../spot/trade/Get-Fills, .../common/public/Get-Trade-Rate.
 */

/** `{code, msg, requestTime, data}`: code "00000" is success. */
export interface BitgetEnvelope {
  readonly code?: string;
  readonly msg?: string;
  readonly data?: unknown;
}

/** The answer of place-order, cancel-order and modify-order. */
export interface BitgetOrderAck {
  readonly orderId?: string;
  readonly clientOid?: string;
}

/**
 * An order row: futures detail (`state`), futures orders-pending and spot orderInfo /
 * unfilled-orders (`status`), and the `orders` channel push (with the fill that caused it).
 */
export interface BitgetOrderRow {
  readonly symbol?: string;
  readonly instId?: string;
  readonly orderId?: string;
  readonly clientOid?: string;
  /** The futures `orders` push example spells it `clientOId`. */
  readonly clientOId?: string;
  readonly side?: string;
  readonly orderType?: string;
  readonly force?: string;
  readonly price?: string;
  /** Spot: the quote amount of a market buy; otherwise the base quantity. */
  readonly size?: string;
  /** Spot push: the base quantity of the order. */
  readonly newSize?: string;
  /** REST: the filled quantity. Push: this fill's quantity. */
  readonly baseVolume?: string;
  /** Push: the cumulative filled quantity. */
  readonly accBaseVolume?: string;
  /** Average fill price (spot unfilled-orders: the order price). */
  readonly priceAvg?: string;
  /** Spot unfilled-orders: the average fill price. */
  readonly basePrice?: string;
  readonly state?: string;
  readonly status?: string;
  /** Futures: "YES"/"NO" on REST, "yes"/"no" on the stream. */
  readonly reduceOnly?: string;
  readonly cancelReason?: string;
  readonly cTime?: string;
  readonly uTime?: string;
}

export interface BitgetFeeDetail {
  readonly feeCoin?: string;
  readonly totalFee?: string;
  readonly deduction?: string;
}

/**
 * A fill: futures `fillList` rows and `fill` pushes (price, baseVolume), spot fills and spot
 * `fill` pushes (priceAvg, size). `feeDetail` is a list, except on spot REST where it is one object.
 */
export interface BitgetFillRow {
  readonly tradeId?: string;
  readonly orderId?: string;
  readonly clientOid?: string;
  readonly symbol?: string;
  readonly side?: string;
  readonly price?: string;
  readonly baseVolume?: string;
  readonly priceAvg?: string;
  readonly size?: string;
  readonly feeDetail?: BitgetFeeDetail | readonly BitgetFeeDetail[];
  /** "taker" / "maker". */
  readonly tradeScope?: string;
  readonly cTime?: string;
  readonly uTime?: string;
}

/** A futures position (`all-position` row, `positions` push); one-way mode: holdSide gives the sign. */
export interface BitgetPositionRow {
  readonly symbol?: string;
  readonly instId?: string;
  readonly holdSide?: string;
  readonly total?: string;
  readonly openPriceAvg?: string;
  readonly unrealizedPL?: string;
  readonly markPrice?: string;
}

/** A futures account (`accounts` row, `account` push) or a spot asset (`assets` row, spot `account` push). */
export interface BitgetAccountRow {
  readonly marginCoin?: string;
  readonly coin?: string;
  readonly available?: string;
  /** Futures REST. */
  readonly locked?: string;
  readonly accountEquity?: string;
  /** Futures push. */
  readonly equity?: string;
  readonly unrealizedPL?: string;
  /** Spot, and futures push. */
  readonly frozen?: string;
}

export interface BitgetTradeRate {
  readonly makerFeeRate?: string;
  readonly takerFeeRate?: string;
}

/** A private push: `{action, arg: {instType, channel, instId | coin}, data, ts}`. */
export interface BitgetPrivatePush {
  readonly action?: string;
  readonly arg?: { readonly instType?: string; readonly channel?: string; readonly instId?: string; readonly coin?: string };
  readonly data?: unknown;
  readonly ts?: number;
}

/** `{"event":"login","code":0}`, `{"event":"subscribe","arg":{…}}`, `{"event":"error","code":30015,"msg":…}`. */
export interface BitgetPrivateEvent {
  readonly event?: string;
  readonly code?: number | string;
  readonly msg?: string;
  readonly arg?: BitgetPrivatePush['arg'];
}
