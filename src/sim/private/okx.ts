/**
 * The simulated OKX v5 private side: signed REST (`/api/v5/trade/*`, `/api/v5/account/*`) and the
 * private WebSocket (`/ws/v5/private`) of one API key, over the venue's matching engine. Attach
 * it with `server.privateSide = createOkxPrivateSide(engine, creds, opts)`. Faults armed on the
 * server are honoured here: `reject-next-order` (the next place answers sCode 51008),
 * `delay-fill`, `duplicate-fill` and `fill-after-cancel` (see okx/feed.ts for what each does).
 */
import { crc32 } from 'node:zlib';
import type { SimExchange } from '../matching/types.ts';
import { createLedgerPrivateSide, type LedgerSideOptions, type SimPrivateSide } from './common/ledgerSide.ts';
import type { SimCredentials } from './credentials.ts';
import { okxRestAuthError } from './okx/auth.ts';
import { OKX_AUTH } from './okx/errors.ts';
import { OKX_ROUTES, requestInstId, uplByCcy, type FeeRates } from './okx/rest.ts';
import type { OkxOrderMeta } from './okx/rows.ts';
import { OkxPrivateStream } from './okx/stream.ts';

export interface OkxPrivateOptions extends LedgerSideOptions {
  /** The account's user id shown in push args; derived from the account name when absent. */
  readonly uid?: string;
  /** The engine's fee rates, answered by `/api/v5/account/trade-fee` (OKX Lv1 when absent). */
  readonly fees?: { readonly spot?: FeeRates; readonly swap?: FeeRates };
}

const LV1 = { spot: { maker: 0.0008, taker: 0.001 }, swap: { maker: 0.0002, taker: 0.0005 } };

/** Returns OKX's private side for one API key over `engine`. */
export function createOkxPrivateSide(engine: SimExchange, creds: SimCredentials, opts: OkxPrivateOptions = {}): SimPrivateSide {
  const uid = opts.uid ?? String(100_000_000_000_000 + (crc32(creds.account) >>> 0));
  const fees = { spot: opts.fees?.spot ?? LV1.spot, swap: opts.fees?.swap ?? LV1.swap };
  return createLedgerPrivateSide<OkxOrderMeta, (typeof OKX_ROUTES)[string]>(engine, creds, opts, {
    routes: OKX_ROUTES,
    stream: (deps) => {
      const upl = (): Map<string, string> => {
        const srv = deps.server();
        return srv ? uplByCcy({ engine, creds, server: srv }) : new Map();
      };
      return new OkxPrivateStream({ ...deps, uid, upl });
    },
    http: ({ ledger, feed, budgets, leverage }, srv, { req, key, route, now, authT }) => {
      const err = okxRestAuthError(req, req.rawQuery, creds, authT);
      if (err) return { status: err.status, body: { code: err.code, msg: err.msg, data: [] } };
      const budgetKey = `${creds.apiKey} ${key} ${route.perInstrument ? requestInstId(req) : ''}`;
      if (!budgets.take(budgetKey, route.budget)) return { status: 429, body: { code: OKX_AUTH.rateLimit.code, msg: OKX_AUTH.rateLimit.msg, data: [] } };
      return route.handle({ engine, creds, server: srv, ledger, feed, budgets, fees, leverage, now }, req);
    },
  });
}
