/**
 * The simulated OKX v5 private side: signed REST (`/api/v5/trade/*`, `/api/v5/account/*`) and the
 * private WebSocket (`/ws/v5/private`) of one API key, over the venue's matching engine. Attach
 * it with `server.privateSide = createOkxPrivateSide(engine, creds, opts)`. Faults armed on the
 * server are honoured here: `reject-next-order` (the next place answers sCode 51008),
 * `delay-fill`, `duplicate-fill` and `fill-after-cancel` (see okx/feed.ts for what each does).
 */
import { SystemClock, type Clock } from '../../core/clock.ts';
import { crc32 } from 'node:zlib';
import type { SimExchange } from '../matching/types.ts';
import type { HttpAnswer, SimConnection, SimHttpRequest, SimVenueServer, VenuePrivateSide } from '../protocolServer.ts';
import type { SimCredentials } from './credentials.ts';
import { okxRestAuthError } from './okx/auth.ts';
import { RateBudgets } from './okx/budget.ts';
import { OKX_AUTH } from './okx/errors.ts';
import { AccountFeed } from './okx/feed.ts';
import { rawQuery } from './okx/hmac.ts';
import { OrderLedger } from './okx/ledger.ts';
import { OKX_ROUTES, requestInstId, uplByCcy, type FeeRates } from './okx/rest.ts';
import type { OkxOrderMeta } from './okx/rows.ts';
import { OkxPrivateStream } from './okx/stream.ts';

export interface OkxPrivateOptions {
  /** Arms the delayed-fill timer; the venue's clock (a ManualClock in tests). */
  readonly clock?: Clock;
  /**
   * The time request and login timestamps are checked against (and rate windows counted in):
   * the wall clock the clients sign with. The server's time when absent; pass the wall clock when
   * the venue runs on a simulated clock that drifts from it.
   */
  readonly authNow?: () => number;
  /** The account's user id shown in push args; derived from the account name when absent. */
  readonly uid?: string;
  /** The leverage shown for orders without a position (the engine's default). */
  readonly leverage?: number;
  /** The engine's fee rates, answered by `/api/v5/account/trade-fee` (OKX Lv1 when absent). */
  readonly fees?: { readonly spot?: FeeRates; readonly swap?: FeeRates };
}

/** A venue private side that can also be detached from its engine. */
export interface SimPrivateSide extends VenuePrivateSide {
  /** Stops listening to the engine (the side answers nothing afterwards that needs it). */
  close(): void;
}

const LV1 = { spot: { maker: 0.0008, taker: 0.001 }, swap: { maker: 0.0002, taker: 0.0005 } };

/** Returns OKX's private side for one API key over `engine`. */
export function createOkxPrivateSide(engine: SimExchange, creds: SimCredentials, opts: OkxPrivateOptions = {}): SimPrivateSide {
  const clock = opts.clock ?? new SystemClock();
  let server: SimVenueServer | undefined;
  const authNow = (): number => opts.authNow?.() ?? server?.now() ?? clock.now();
  const uid = opts.uid ?? String(100_000_000_000_000 + (crc32(creds.account) >>> 0));
  const leverage = opts.leverage ?? 10;
  const fees = { spot: opts.fees?.spot ?? LV1.spot, swap: opts.fees?.swap ?? LV1.swap };
  const ledger = new OrderLedger<OkxOrderMeta>(engine, creds.account);
  const budgets = new RateBudgets(authNow);
  const upl = (): Map<string, string> => (server ? uplByCcy({ engine, creds, server }) : new Map());
  const stream = new OkxPrivateStream({ engine, creds, ledger, uid, leverage, server: () => server, upl, authNow });
  const feed = new AccountFeed(engine, creds.account, clock, () => server, stream);
  const stop = feed.start();

  return {
    http(srv: SimVenueServer, req: SimHttpRequest): HttpAnswer | undefined {
      server ??= srv;
      const key = `${req.method} ${req.path}`;
      const route = OKX_ROUTES[key];
      if (!route) return undefined;
      const t = srv.now();
      const authT = opts.authNow?.() ?? t;
      const err = okxRestAuthError(req, rawQuery(srv.requests, req.method, req.path, req.query), creds, authT);
      if (err) return { status: err.status, body: { code: err.code, msg: err.msg, data: [] } };
      const budgetKey = `${creds.apiKey} ${key} ${route.perInstrument ? requestInstId(req) : ''}`;
      if (!budgets.take(budgetKey, route.budget)) return { status: 429, body: { code: OKX_AUTH.rateLimit.code, msg: OKX_AUTH.rateLimit.msg, data: [] } };
      return route.handle({ engine, creds, server: srv, ledger, feed, budgets, fees, leverage, now: t }, req);
    },
    message(srv: SimVenueServer, conn: SimConnection, text: string): boolean {
      server ??= srv;
      return stream.message(srv, conn, text);
    },
    closed(conn: SimConnection): void {
      stream.closed(conn);
    },
    close: stop,
  };
}
