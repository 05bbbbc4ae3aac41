/**
 * OKX v5 error answers as data: code, message and HTTP status from the v5 docs' "Error Code"
 * tables (REST API class 501xx, trade class 51xxx; WebSocket 60xxx), and the engine's reject
 * codes mapped to the per-order `sCode` OKX puts in `data[]`.
 */
import type { SimRejectCode } from '../../matching/types.ts';

export interface OkxError {
  readonly code: string;
  readonly msg: string;
  readonly status: number;
}

const e = (code: string, msg: string, status = 200): OkxError => ({ code, msg, status });

/** REST authentication and throttling (HTTP 401 / 429). */
export const OKX_AUTH = {
  keyEmpty: e('50103', 'Request header "OK-ACCESS-KEY" cannot be empty.', 401),
  passphraseEmpty: e('50104', 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.', 401),
  signEmpty: e('50106', 'Request header "OK-ACCESS-SIGN" cannot be empty.', 401),
  timestampEmpty: e('50107', 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.', 401),
  timestampInvalid: e('50112', 'Invalid OK-ACCESS-TIMESTAMP.', 401),
  expired: e('50102', 'Timestamp request expired.', 401),
  badKey: e('50111', 'Invalid OK-ACCESS-KEY.', 401),
  badPassphrase: e('50105', 'Request header "OK-ACCESS-PASSPHRASE" incorrect.', 401),
  badSign: e('50113', 'Invalid signature.', 401),
  rateLimit: e('50011', 'Too Many Requests', 429),
} as const;

/** Request-level errors answered before any order is touched. */
export const OKX_REQUEST = {
  emptyBody: e('50000', 'Body for POST request cannot be empty.', 400),
  badJson: e('50002', 'JSON syntax error', 400),
  empty: (param: string) => e('50014', `Parameter ${param} can not be empty.`, 400),
  either: (a: string, b: string) => e('50015', `Either parameter ${a} or ${b} is required`, 400),
  param: (param: string) => e('51000', `Parameter ${param} error`, 400),
  unknownInstrument: e('51001', "Instrument ID, Instrument ID code or Spread ID doesn't exist."),
  orderNotExist: e('51603', 'Order does not exist.'),
  /** The top-level answer when every order of the request failed (the reason is in data[].sCode). */
  operationFailed: e('1', 'Operation failed.'),
} as const;

/** A per-order failure, as `data[].sCode` / `sMsg`. */
export interface OkxOrderFailure {
  readonly sCode: string;
  readonly sMsg: string;
}

/** The engine's reasons a request is refused with. */
export interface RejectContext {
  /** The asset whose balance or margin fell short. */
  readonly asset: string;
  readonly perp: boolean;
  /** For reduce-only refusals: whether a position exists at all. */
  readonly hasPosition: boolean;
}

/** Returns the OKX per-order failure for an engine reject (post-only and FOK never get here: OKX accepts and cancels those). */
export function okxOrderFailure(code: SimRejectCode, ctx: RejectContext): OkxOrderFailure {
  switch (code) {
    case 'UNKNOWN_SYMBOL':
      return { sCode: '51001', sMsg: "Instrument ID, Instrument ID code or Spread ID doesn't exist." };
    case 'BAD_PRICE':
      return { sCode: '51000', sMsg: 'Parameter px error' };
    case 'BAD_QTY':
      return { sCode: '51121', sMsg: 'Order quantity must be a multiple of the lot size.' };
    case 'MIN_QTY':
    case 'MIN_NOTIONAL':
      return { sCode: '51020', sMsg: 'Your order should meet or exceed the minimum order amount.' };
    case 'INSUFFICIENT_BALANCE':
    case 'REJECTED_BY_FAULT':
      // A refused leg shows as what refuses legs most often: the funds moved under it.
      return ctx.perp
        ? { sCode: '51008', sMsg: `Order failed. Insufficient ${ctx.asset} margin in account` }
        : { sCode: '51008', sMsg: `Order failed. Insufficient ${ctx.asset} balance in account` };
    case 'REDUCE_ONLY_REJECTED':
      return ctx.hasPosition
        ? { sCode: '51170', sMsg: "Failed to place order. A reduce-only order can't be the same trading direction as your existing positions." }
        : { sCode: '51169', sMsg: "Order failed because you don't have any positions in this direction for this contract to reduce or close." };
    case 'DUPLICATE_CLIENT_ID':
      return { sCode: '51016', sMsg: 'Client order ID already exists.' };
    case 'NO_LIQUIDITY':
      return { sCode: '51109', sMsg: 'No available offers.' };
    case 'ORDER_NOT_FOUND':
    case 'ORDER_CLOSED':
      return { sCode: '51400', sMsg: 'Order cancellation failed as the order has been filled, canceled or does not exist.' };
    case 'POST_ONLY_WOULD_TAKE':
    case 'FOK_UNFILLABLE':
      return { sCode: '51000', sMsg: 'Parameter ordType error' };
  }
}

/**
 * Returns the OKX per-order failure of a refused amend-order. `closed` says how the order ended
 * when the engine calls it closed or unknown: OKX tells a canceled order (51509) from a
 * completed one (51510) and from one that never existed (51503).
 */
export function okxAmendFailure(code: SimRejectCode, ctx: RejectContext, closed: 'filled' | 'canceled' | undefined): OkxOrderFailure {
  switch (code) {
    case 'ORDER_NOT_FOUND':
    case 'ORDER_CLOSED':
      if (closed === 'filled') return { sCode: '51510', sMsg: 'Modification failed as the order has been completed.' };
      if (closed === 'canceled') return { sCode: '51509', sMsg: 'Modification failed as the order has been canceled.' };
      return { sCode: '51503', sMsg: 'Order modification failed as the order does not exist.' };
    case 'INSUFFICIENT_BALANCE':
      return { sCode: '51502', sMsg: 'Order modification failed for insufficient margin.' };
    case 'POST_ONLY_WOULD_TAKE':
      return { sCode: '51511', sMsg: 'Operation failed as the order price did not meet the requirement for Post Only.' };
    case 'BAD_QTY':
      return { sCode: '51000', sMsg: 'Parameter newSz error' };
    case 'BAD_PRICE':
      return { sCode: '51000', sMsg: 'Parameter newPx error' };
    default:
      return okxOrderFailure(code, ctx);
  }
}

/** The `cancelSource` codes and reasons of the orders channel this side produces. */
export const OKX_CANCEL_SOURCE: Readonly<Record<string, string>> = {
  '0': 'Order canceled by system',
  '1': 'Order canceled by user',
  '13': 'Order canceled: FOK order was canceled due to incompletely filled.',
  '14': 'Order canceled: IOC order was partially canceled due to incompletely filled.',
  '31': 'The post-only order will take liquidity in taker orders',
};

/** WebSocket error events (`{"event":"error","code","msg","connId"}`). */
export const OKX_WS = {
  invalidRequest: (text: string) => e('60012', `Invalid request: ${text.slice(0, 200)}`),
  invalidOp: (op: string) => e('60019', `Invalid op: ${op}`),
  loginFailed: e('60009', 'Login failed.'),
  invalidTimestamp: e('60004', 'Invalid timestamp'),
  invalidKey: e('60005', 'Invalid apiKey'),
  expired: e('60006', 'Timestamp request expired'),
  invalidSign: e('60007', 'Invalid sign'),
  pleaseLogIn: e('60011', 'Please log in'),
  wrongPassphrase: e('60024', 'Wrong passphrase'),
  repeatedLogin: e('60030', 'The WebSocket endpoint does not allow multiple or repeated logins.'),
  noChannel: (channel: string, instId: string) =>
    e('60018', `Wrong URL or channel:${channel},instId:${instId} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`),
} as const;
