/**
 * Simulated Bybit v5 (linear) private side over a matching engine: signed REST as Bybit checks it
 * (bybit/auth.ts), the order endpoints (bybit/orders.ts: create, amend, cancel, realtime, history,
 * executions), wallet balance, positions and fee rates,
 * the per-UID rolling one-second budgets of Bybit's rate-limit table (retCode 10006 with the
 * X-Bapi-Limit headers) and the per-IP limit (HTTP 403), and the `/v5/private` stream
 * (bybit/stream.ts). Attach with `server.privateSide = createBybitPrivateSide(engine, creds, opts)`.
 */
import { SystemClock, type Clock } from '../../core/clock.ts';
import { decOfNumber, decText } from '../../model/decimal.ts';
import type { SimExchange, SimPosition } from '../matching/types.ts';
import type { HttpAnswer, SimConnection, SimHttpRequest, SimVenueServer, VenuePrivateSide } from '../protocolServer.ts';
import { bybitEnvelope, checkBybitAuth, RollingBudget } from './bybit/auth.ts';
import { BybitOrders, type BybitResult } from './bybit/orders.ts';
import { BybitPrivateStream } from './bybit/stream.ts';
import { bybitPositionRow, bybitWallet } from './bybit/wire.ts';
import type { SimCredentials } from './credentials.ts';

export interface BybitPrivateOptions {
  /** The engine's fee rates, answered by /v5/account/fee-rate and shown on executions. */
  readonly fees: { readonly maker: number; readonly taker: number };
  /** Arms the delayed and held fill pushes; the wall clock by default. */
  readonly clock?: Clock;
  /** Requests per rolling second per endpoint, overriding Bybit's table (tests use small ones). */
  readonly limits?: Readonly<Record<string, number>>;
  /** The per-IP limit: Bybit's is 600 requests in a 5 s window, answered with HTTP 403. */
  readonly ipLimit?: { readonly count: number; readonly windowMs: number };
  readonly delayFillMs?: number;
  readonly holdFillMs?: number;
}

/** Method and per-UID budget (requests per second) of each private path (docs/v5/rate-limit). */
const ROUTES: Readonly<Record<string, { method: 'GET' | 'POST'; perSecond: number }>> = {
  '/v5/order/create': { method: 'POST', perSecond: 10 },
  '/v5/order/amend': { method: 'POST', perSecond: 10 },
  '/v5/order/cancel': { method: 'POST', perSecond: 10 },
  '/v5/order/realtime': { method: 'GET', perSecond: 50 },
  '/v5/order/history': { method: 'GET', perSecond: 50 },
  '/v5/execution/list': { method: 'GET', perSecond: 50 },
  '/v5/account/wallet-balance': { method: 'GET', perSecond: 50 },
  '/v5/position/list': { method: 'GET', perSecond: 50 },
  '/v5/account/fee-rate': { method: 'GET', perSecond: 10 },
};

/** Returns Bybit's private side for one API key trading `creds.account` on `engine`. */
export function createBybitPrivateSide(engine: SimExchange, creds: SimCredentials, opts: BybitPrivateOptions): VenuePrivateSide {
  const clock = opts.clock ?? new SystemClock();
  const stream = new BybitPrivateStream(engine, creds, { clock, fees: opts.fees, delayFillMs: opts.delayFillMs ?? 1000, holdFillMs: opts.holdFillMs ?? 5000 });
  const orders = new BybitOrders(engine, creds, stream);
  const budget = new RollingBudget();
  const ip = opts.ipLimit ?? { count: 600, windowMs: 5000 };

  const dispatch = (server: SimVenueServer, req: SimHttpRequest): BybitResult => {
    switch (req.path) {
      case '/v5/order/create':
      case '/v5/order/amend':
      case '/v5/order/cancel': {
        let body: unknown;
        try {
          body = JSON.parse(req.body);
        } catch {
          return { error: { retCode: 10001, retMsg: 'params error: request body is not valid JSON' } };
        }
        if (typeof body !== 'object' || body === null) return { error: { retCode: 10001, retMsg: 'params error: request body is not valid JSON' } };
        const b = body as Record<string, unknown>;
        if (req.path === '/v5/order/create') return orders.create(server, b);
        return req.path === '/v5/order/amend' ? orders.amend(server, b) : orders.cancel(server, b);
      }
      case '/v5/order/realtime':
        return orders.realtime(server, req.query);
      case '/v5/order/history':
        return orders.history(server, req.query);
      case '/v5/execution/list':
        return orders.executions(server, req.query);
      case '/v5/account/wallet-balance':
        return walletBalance(engine, creds, req.query);
      case '/v5/position/list':
        return positionList(server, engine, creds, stream, req.query);
      default:
        return feeRate(server, opts.fees, req.query);
    }
  };

  return {
    http(server: SimVenueServer, req: SimHttpRequest): HttpAnswer | undefined {
      const route = ROUTES[req.path];
      if (!route) return undefined;
      stream.server = server;
      const now = server.now();
      // The per-IP limit comes from the gateway, before any authentication (docs/v5/rate-limit).
      if (budget.take('ip', now, ip.count, ip.windowMs) < 0) return { status: 403, body: { retCode: 10009, retMsg: 'access too frequent' } };
      if (req.method !== route.method) return { status: 404, body: { retCode: 10017, retMsg: 'Route not found', result: {}, retExtInfo: {}, time: now } };
      const auth = checkBybitAuth(server, req, creds);
      if (!auth.ok) return auth.answer;
      const limit = opts.limits?.[req.path] ?? route.perSecond;
      const key = `${creds.apiKey} ${req.path}`;
      const used = budget.take(key, now, limit, 1000);
      const headers = {
        'X-Bapi-Limit': String(limit),
        'X-Bapi-Limit-Status': String(Math.max(0, used < 0 ? 0 : limit - used)),
        'X-Bapi-Limit-Reset-Timestamp': String(used < 0 ? budget.resetAt(key, now, 1000) : now),
      };
      if (used < 0) return bybitEnvelope(now, {}, 10006, 'Too many visits!', headers);
      const out = dispatch(server, req);
      return 'error' in out ? bybitEnvelope(now, {}, out.error.retCode, out.error.retMsg, headers) : bybitEnvelope(now, out.result, 0, 'OK', headers);
    },
    message(server: SimVenueServer, conn: SimConnection, text: string): boolean {
      return stream.message(server, conn, text);
    },
    closed(conn: SimConnection): void {
      stream.closed(conn);
    },
  };
}

function walletBalance(engine: SimExchange, creds: SimCredentials, q: URLSearchParams): BybitResult {
  const type = q.get('accountType');
  if (type !== 'UNIFIED') return { error: { retCode: 10001, retMsg: 'accountType only support UNIFIED.' } };
  const coins = q.get('coin');
  const only = coins ? new Set(coins.split(',').map((c) => c.trim().toUpperCase())) : undefined;
  return { result: { list: [bybitWallet(engine.balances(creds.account), engine.positions(creds.account), only)] } };
}

function positionList(server: SimVenueServer, engine: SimExchange, creds: SimCredentials, stream: BybitPrivateStream, q: URLSearchParams): BybitResult {
  if (q.get('category') !== 'linear') return { error: { retCode: 10001, retMsg: 'params error: Illegal category' } };
  const symbol = q.get('symbol');
  const settle = q.get('settleCoin');
  if (!symbol && !settle) return { error: { retCode: 10001, retMsg: 'Missing some parameters that must be filled in, symbol or settleCoin' } };
  const inst = symbol ? server.instruments.find((i) => i.symbol === symbol) : undefined;
  if (symbol && !inst) return { error: { retCode: 10001, retMsg: 'params error: symbol invalid' } };
  const now = server.now();
  const held = engine.positions(creds.account).filter((p) => (!symbol || p.symbol === symbol) && (!settle || server.instruments.some((i) => i.symbol === p.symbol && i.quote === settle)));
  // Asked by symbol, Bybit answers a flat row rather than an empty list.
  const rows: SimPosition[] = held.length > 0 || !inst ? held : [{ account: creds.account, symbol: inst.symbol, qty: '0', entryPrice: '0', realizedPnl: '0', unrealizedPnl: '0', markPrice: server.book(inst.symbol).bids.top(1)[0]?.[0] ?? '0', margin: '0', leverage: 1 }];
  const list = rows.map((p) => bybitPositionRow(p, stream.nextSeq(), stream.positionTimes(p.symbol, now)));
  return { result: { list, nextPageCursor: '', category: 'linear' } };
}

function feeRate(server: SimVenueServer, fees: BybitPrivateOptions['fees'], q: URLSearchParams): BybitResult {
  if (q.get('category') !== 'linear') return { error: { retCode: 10001, retMsg: 'params error: Illegal category' } };
  const symbol = q.get('symbol');
  const insts = server.instruments.filter((i) => !symbol || i.symbol === symbol);
  if (symbol && insts.length === 0) return { error: { retCode: 10001, retMsg: 'params error: symbol invalid' } };
  const taker = decText(decOfNumber(fees.taker));
  const maker = decText(decOfNumber(fees.maker));
  return { result: { list: insts.map((i) => ({ symbol: i.symbol, takerFeeRate: taker, makerFeeRate: maker })) } };
}
