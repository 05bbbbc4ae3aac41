/**
 * The simulated Bitget v2 private side: signed REST (`/api/v2/mix/*` for USDT-FUTURES,
 * `/api/v2/spot/*`, `/api/v2/common/trade-rate`) and the private WebSocket (`/v2/ws/private`) of
 * one API key, over the venue's matching engine. Attach it with
 * `server.privateSide = createBitgetPrivateSide(engine, creds, opts)`. Faults armed on the server
 * are honoured here: `reject-next-order` (the next place answers 40762 futures / 43012 spot),
 * `delay-fill`, `duplicate-fill` and `fill-after-cancel` (see okx/feed.ts for what each does).
 */
import { crc32 } from 'node:zlib';
import type { SimExchange } from '../matching/types.ts';
import { bitgetRestAuthError } from './bitget/auth.ts';
import { fail, isError, params, type FeeRates } from './bitget/common.ts';
import { BITGET_AUTH } from './bitget/errors.ts';
import { BITGET_ROUTES, type BitgetRoute } from './bitget/routes.ts';
import type { BitgetOrderMeta } from './bitget/rows.ts';
import { BitgetPrivateStream } from './bitget/stream.ts';
import { createLedgerPrivateSide, type LedgerSideOptions, type SimPrivateSide } from './common/ledgerSide.ts';
import type { SimCredentials } from './credentials.ts';

export interface BitgetPrivateOptions extends LedgerSideOptions {
  /** The account's user id shown in spot order rows; derived from the account name when absent. */
  readonly userId?: string;
  /** The engine's fee rates, answered by `/api/v2/common/trade-rate` (Bitget's defaults when absent). */
  readonly fees?: { readonly spot?: FeeRates; readonly mix?: FeeRates };
}

const DEFAULT_FEES = { spot: { maker: 0.001, taker: 0.001 }, mix: { maker: 0.0002, taker: 0.0006 } };

/** Returns Bitget's private side for one API key over `engine`. */
export function createBitgetPrivateSide(engine: SimExchange, creds: SimCredentials, opts: BitgetPrivateOptions = {}): SimPrivateSide {
  const userId = opts.userId ?? String(1_000_000_000 + (crc32(creds.account) >>> 0));
  const fees = { spot: opts.fees?.spot ?? DEFAULT_FEES.spot, mix: opts.fees?.mix ?? DEFAULT_FEES.mix };
  return createLedgerPrivateSide<BitgetOrderMeta, BitgetRoute>(engine, creds, opts, {
    routes: BITGET_ROUTES,
    stream: (deps) => new BitgetPrivateStream({ ...deps, userId }),
    http: ({ ledger, feed, budgets, leverage }, srv, { req, key, route, now, authT }) => {
      const err = bitgetRestAuthError(req, req.rawQuery, creds, authT);
      if (err) return fail({ now }, err);
      if (!budgets.take(`${creds.apiKey} ${key}`, route.budget)) return fail({ now }, BITGET_AUTH.rateLimit);
      const p = params(req);
      if (isError(p)) return fail({ now }, p);
      return route.handle({ engine, creds, server: srv, ledger, feed, fees, leverage, userId, now }, p);
    },
  });
}
