/**
 * Bitget v2 error answers as data. Bitget answers business refusals with HTTP 400 and the
 * envelope `{code, msg, requestTime, data: null}` (429 for throttling); codes and messages as the
 * venue sends them (401xx/400xx authentication and parameters, 4xxxx order refusals). WebSocket
 * errors are `{"event":"error","code":<number>,"msg"}`.
 */
import type { SimRejectCode } from '../../matching/types.ts';

export interface BitgetError {
  readonly code: string;
  readonly msg: string;
  readonly status: number;
}

const e = (code: string, msg: string, status = 400): BitgetError => ({ code, msg, status });

export const BITGET_AUTH = {
  keyEmpty: e('40006', 'Invalid ACCESS_KEY'),
  keyUnknown: e('40037', 'Apikey does not exist'),
  signEmpty: e('40003', 'Signature cannot be empty'),
  passphraseEmpty: e('40011', 'ACCESS_PASSPHRASE cannot be empty'),
  timestampInvalid: e('40005', 'Invalid ACCESS_TIMESTAMP'),
  expired: e('40008', 'Request timestamp expired'),
  badPassphrase: e('40012', 'apikey/password is incorrect'),
  badSign: e('40009', 'sign signature error'),
  rateLimit: e('429', 'Too Many Requests', 429),
} as const;

export const BITGET_REQUEST = {
  empty: (param: string) => e('40019', `Parameter ${param} cannot be empty`),
  /** An unknown value of a parameter (Bitget echoes the value). */
  notExist: (value: string) => e('40034', `Parameter ${value} does not exist`),
  badJson: e('40017', 'Parameter verification failed'),
  mixOrderNotFound: e('40109', 'The data of the order cannot be found, please confirm the order number'),
  /** Modify-order of an order that is no longer `live` (partially filled): only new limit orders may be modified. */
  notModifiable: e('40401', 'The operation cannot be performed'),
} as const;

export interface RejectContext {
  readonly perp: boolean;
  readonly qty: string;
  readonly qtyDecimals: number;
  readonly minNotional: string;
  readonly quote: string;
}

/** Returns Bitget's answer to an engine reject (post-only, FOK and no-liquidity never get here: Bitget accepts and cancels those). */
export function bitgetReject(code: SimRejectCode, ctx: RejectContext): BitgetError {
  switch (code) {
    case 'UNKNOWN_SYMBOL':
      return BITGET_REQUEST.notExist('symbol');
    case 'BAD_PRICE':
      return e('41103', 'param price scale error error');
    case 'BAD_QTY':
      return e('40808', `Parameter verification exception size checkBDScale error value=${ctx.qty} checkScale=${ctx.qtyDecimals}`);
    case 'MIN_QTY':
      return e('45111', 'less than the minimum order quantity');
    case 'MIN_NOTIONAL':
      return e('45110', `less than the minimum amount ${ctx.minNotional} ${ctx.quote}`);
    case 'INSUFFICIENT_BALANCE':
    case 'REJECTED_BY_FAULT':
      // A refused leg shows as what refuses legs most often: the funds moved under it.
      return ctx.perp ? e('40762', 'The order amount exceeds the balance') : e('43012', 'Insufficient balance');
    case 'REDUCE_ONLY_REJECTED':
      return e('22002', 'No position to close');
    case 'DUPLICATE_CLIENT_ID':
      return e('40786', 'Duplicate clientOid');
    case 'ORDER_NOT_FOUND':
    case 'ORDER_CLOSED':
      return ctx.perp ? e('40768', 'Order does not exist') : e('43001', 'The order does not exist');
    case 'POST_ONLY_WOULD_TAKE':
    case 'FOK_UNFILLABLE':
    case 'NO_LIQUIDITY':
      return BITGET_REQUEST.notExist('force');
  }
}

/** WebSocket errors; Bitget sends numeric codes on the socket. */
export interface BitgetWsError {
  readonly code: number;
  readonly msg: string;
}

export const BITGET_WS = {
  badRequest: { code: 30016, msg: 'Param error' },
  notLoggedIn: { code: 30004, msg: 'User not logged in/User must be logged in' },
  loginFailed: { code: 30005, msg: 'Login failed' },
  invalidKey: { code: 30011, msg: 'Invalid ACCESS_KEY' },
  invalidPassphrase: { code: 30012, msg: 'Invalid ACCESS_PASSPHRASE' },
  invalidTimestamp: { code: 30013, msg: 'Invalid ACCESS_TIMESTAMP' },
  expired: { code: 30014, msg: 'Request timestamp expired' },
  invalidSign: { code: 30015, msg: 'Invalid sign' },
  noChannel: (instType: string, channel: string, instId: string): BitgetWsError => ({ code: 30001, msg: `instType:${instType},channel:${channel},instId:${instId} doesn't exist` }),
} as const;
