/**
 * The simulated Bitget v2 private side: signed REST (`/api/v2/mix/*` for USDT-FUTURES,
 * `/api/v2/spot/*`, `/api/v2/common/trade-rate`) and the private WebSocket (`/v2/ws/private`) of
 * one API key, over the venue's matching engine. Attach it with
 * `server.privateSide = createBitgetPrivateSide(engine, creds, opts)`. Faults armed on the server
 * are honoured here: `reject-next-order` (the next place answers 40762 futures / 43012 spot),
 * `delay-fill`, `duplicate-fill` and `fill-after-cancel` (see okx/feed.ts for what each does).
 */
import { crc32 } from 'node:zlib';
import { SystemClock, type Clock } from '../../core/clock.ts';
import type { SimExchange } from '../matching/types.ts';
import type { HttpAnswer, SimConnection, SimHttpRequest, SimVenueServer } from '../protocolServer.ts';
import { bitgetRestAuthError } from './bitget/auth.ts';
import { fail, isError, params, type FeeRates } from './bitget/common.ts';
import { BITGET_AUTH } from './bitget/errors.ts';
import { BITGET_ROUTES } from './bitget/routes.ts';
import type { BitgetOrderMeta } from './bitget/rows.ts';
import { BitgetPrivateStream } from './bitget/stream.ts';
import type { SimCredentials } from './credentials.ts';
import type { SimPrivateSide } from './okx.ts';
import { RateBudgets } from './okx/budget.ts';
import { AccountFeed } from './okx/feed.ts';
import { rawQuery } from './okx/hmac.ts';
import { OrderLedger } from './okx/ledger.ts';

export interface BitgetPrivateOptions {
  /** Arms the delayed-fill timer; the venue's clock (a ManualClock in tests). */
  readonly clock?: Clock;
  /**
   * The time request and login timestamps are checked against (and rate windows counted in):
   * the wall clock the clients sign with. The server's time when absent; pass the wall clock when
   * the venue runs on a simulated clock that drifts from it.
   */
  readonly authNow?: () => number;
  /** The account's user id shown in spot order rows; derived from the account name when absent. */
  readonly userId?: string;
  /** The leverage shown for orders without a position (the engine's default). */
  readonly leverage?: number;
  /** The engine's fee rates, answered by `/api/v2/common/trade-rate` (Bitget's defaults when absent). */
  readonly fees?: { readonly spot?: FeeRates; readonly mix?: FeeRates };
}

const DEFAULT_FEES = { spot: { maker: 0.001, taker: 0.001 }, mix: { maker: 0.0002, taker: 0.0006 } };

/** Returns Bitget's private side for one API key over `engine`. */
export function createBitgetPrivateSide(engine: SimExchange, creds: SimCredentials, opts: BitgetPrivateOptions = {}): SimPrivateSide {
  const clock = opts.clock ?? new SystemClock();
  let server: SimVenueServer | undefined;
  const authNow = (): number => opts.authNow?.() ?? server?.now() ?? clock.now();
  const userId = opts.userId ?? String(1_000_000_000 + (crc32(creds.account) >>> 0));
  const leverage = opts.leverage ?? 10;
  const fees = { spot: opts.fees?.spot ?? DEFAULT_FEES.spot, mix: opts.fees?.mix ?? DEFAULT_FEES.mix };
  const ledger = new OrderLedger<BitgetOrderMeta>(engine, creds.account);
  const budgets = new RateBudgets(authNow);
  const stream = new BitgetPrivateStream({ engine, creds, ledger, leverage, userId, server: () => server, authNow });
  const feed = new AccountFeed(engine, creds.account, clock, () => server, stream);
  const stop = feed.start();

  return {
    http(srv: SimVenueServer, req: SimHttpRequest): HttpAnswer | undefined {
      server ??= srv;
      const key = `${req.method} ${req.path}`;
      const route = BITGET_ROUTES[key];
      if (!route) return undefined;
      const t = srv.now();
      const authT = opts.authNow?.() ?? t;
      const err = bitgetRestAuthError(req, rawQuery(srv.requests, req.method, req.path, req.query), creds, authT);
      if (err) return fail({ now: t }, err);
      if (!budgets.take(`${creds.apiKey} ${key}`, route.budget)) return fail({ now: t }, BITGET_AUTH.rateLimit);
      const p = params(req);
      if (isError(p)) return fail({ now: t }, p);
      return route.handle({ engine, creds, server: srv, ledger, feed, fees, leverage, userId, now: t }, p);
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
