/**
 * The Bitget v2 private routes, keyed `METHOD path`, with the docs' rate limits (per UID, which
 * is per API key here).
 */
import type { Budget } from '../okx/budget.ts';
import type { HttpAnswer } from '../../protocolServer.ts';
import type { BitgetRestContext, Params } from './common.ts';
import { mixAccounts, mixCancel, mixDetail, mixFills, mixModify, mixPending, mixPlace, mixPositions } from './mix.ts';
import { spotAssets, spotCancel, spotFills, spotOrderInfo, spotPlace, spotUnfilled, tradeRate } from './spot.ts';

export interface BitgetRoute {
  readonly budget: Budget;
  readonly handle: (ctx: BitgetRestContext, p: Params) => HttpAnswer;
}

const perSecond = (limit: number): Budget => ({ limit, windowMs: 1000 });

export const BITGET_ROUTES: Readonly<Record<string, BitgetRoute>> = {
  'POST /api/v2/mix/order/place-order': { budget: perSecond(10), handle: mixPlace },
  'POST /api/v2/mix/order/cancel-order': { budget: perSecond(10), handle: mixCancel },
  'POST /api/v2/mix/order/modify-order': { budget: perSecond(10), handle: mixModify },
  'GET /api/v2/mix/order/detail': { budget: perSecond(10), handle: mixDetail },
  'GET /api/v2/mix/order/fills': { budget: perSecond(10), handle: mixFills },
  'GET /api/v2/mix/order/orders-pending': { budget: perSecond(10), handle: mixPending },
  'GET /api/v2/mix/account/accounts': { budget: perSecond(10), handle: mixAccounts },
  'GET /api/v2/mix/position/all-position': { budget: perSecond(5), handle: mixPositions },
  'POST /api/v2/spot/trade/place-order': { budget: perSecond(10), handle: spotPlace },
  'POST /api/v2/spot/trade/cancel-order': { budget: perSecond(10), handle: spotCancel },
  'GET /api/v2/spot/trade/orderInfo': { budget: perSecond(20), handle: spotOrderInfo },
  'GET /api/v2/spot/trade/unfilled-orders': { budget: perSecond(20), handle: spotUnfilled },
  'GET /api/v2/spot/trade/fills': { budget: perSecond(10), handle: spotFills },
  'GET /api/v2/spot/account/assets': { budget: perSecond(10), handle: spotAssets },
  'GET /api/v2/common/trade-rate': { budget: perSecond(10), handle: tradeRate },
};
