/**
 * Simulated Binance private sides over a matching engine, USD-M futures and spot: SIGNED REST as
 * Binance checks it (binance/auth.ts), the order endpoints (binance/orders.ts: place, modify or
 * amend keeping priority, cancel, query, open orders, an order's trades), balances or the spot
 * account, USD-M position risk, commission rates, listen keys (USER_STREAM: API key only) and the
 * user data stream (binance/stream.ts), with request-weight and order-count budgets per key.
 * Attach with `server.privateSide = createBinanceUsdmPrivateSide(engine, creds, opts)` (or Spot).
 */
import { SystemClock, type Clock } from '../../core/clock.ts';
import { decOfNumber, decText, sub } from '../../model/decimal.ts';
import type { SimExchange, SimPosition } from '../matching/types.ts';
import type { HttpAnswer, SimConnection, SimHttpRequest, SimVenueServer, VenuePrivateSide } from '../protocolServer.ts';
import { binanceError, checkApiKey, checkSigned, paramsOf, WeightBudget } from './binance/auth.ts';
import { BINANCE_SPOT_PRIVATE, BINANCE_USDM_PRIVATE, type BinanceLimits, type BinancePrivateMarket } from './binance/market.ts';
import { BinanceOrders, rateText } from './binance/orders.ts';
import { BinanceUserStream } from './binance/stream.ts';
import { dec, futuresBalances, pad, positionRisk } from './binance/wire.ts';
import type { SimCredentials } from './credentials.ts';

export interface BinancePrivateOptions {
  /** The engine's fee rates, answered by the commission endpoints. */
  readonly fees: { readonly maker: number; readonly taker: number };
  /** Arms the delayed and held fill events; the wall clock by default. */
  readonly clock?: Clock;
  /** Overrides of the market's budgets (tests use small ones). */
  readonly limits?: Partial<BinanceLimits>;
  readonly delayFillMs?: number;
  readonly holdFillMs?: number;
}

/** Returns Binance USD-M's private side for one API key trading `creds.account` on `engine`. */
export function createBinanceUsdmPrivateSide(engine: SimExchange, creds: SimCredentials, opts: BinancePrivateOptions): VenuePrivateSide {
  return createBinancePrivateSide(BINANCE_USDM_PRIVATE, engine, creds, opts);
}

/** Returns Binance spot's private side for one API key trading `creds.account` on `engine`. */
export function createBinanceSpotPrivateSide(engine: SimExchange, creds: SimCredentials, opts: BinancePrivateOptions): VenuePrivateSide {
  return createBinancePrivateSide(BINANCE_SPOT_PRIVATE, engine, creds, opts);
}

function createBinancePrivateSide(market: BinancePrivateMarket, engine: SimExchange, creds: SimCredentials, opts: BinancePrivateOptions): VenuePrivateSide {
  const clock = opts.clock ?? new SystemClock();
  const stream = new BinanceUserStream(engine, creds, { futures: market.futures, clock, delayFillMs: opts.delayFillMs ?? 1000, holdFillMs: opts.holdFillMs ?? 5000 });
  const orders = new BinanceOrders(market, engine, creds, stream);
  const limits: BinanceLimits = { ...market.limits, ...opts.limits };
  const budget = new WeightBudget();

  /** Charges the request's weight and, for a new order, the order counts; an answer when over budget. */
  const charge = (now: number, weight: number, isOrder: boolean): { headers: Record<string, string>; refused?: HttpAnswer } => {
    const key = creds.apiKey;
    const usedWeight = budget.used(`${key} w`, now, 60_000) + weight;
    const used10 = budget.used(`${key} o10`, now, 10_000) + (isOrder ? 1 : 0);
    const usedLong = budget.used(`${key} oL`, now, limits.longWindowMs) + (isOrder ? 1 : 0);
    budget.add(`${key} w`, now, weight);
    const headers: Record<string, string> = {};
    for (const h of market.headers.weight) headers[h] = String(usedWeight);
    if (usedWeight > limits.weightPerMinute) return { headers, refused: binanceError(429, -1003, market.tooMuchWeight(limits), { ...headers, 'Retry-After': '60' }) };
    if (isOrder) {
      headers[market.headers.orders10s] = String(used10);
      headers[market.headers.ordersLong] = String(usedLong);
      if (used10 > limits.ordersPer10s || usedLong > limits.ordersLong) return { headers, refused: binanceError(429, -1015, market.tooManyOrders(limits), { ...headers, 'Retry-After': '10' }) };
      budget.add(`${key} o10`, now, 1);
      budget.add(`${key} oL`, now, 1);
    }
    return { headers };
  };

  const withHeaders = (a: HttpAnswer, headers: Record<string, string>): HttpAnswer => ({ ...a, headers: { ...headers, ...a.headers } });

  return {
    http(server: SimVenueServer, req: SimHttpRequest): HttpAnswer | undefined {
      const route = market.paths[req.path];
      if (!route) return undefined;
      stream.server = server;
      const now = server.now();
      if (route.route === 'time') return req.method === 'GET' ? { status: 200, body: { serverTime: now } } : undefined;
      const keyed = checkApiKey(req, creds);
      if (!keyed.ok) return keyed.answer;
      const p = paramsOf(req);
      // USD-M counts a modify on the order limits as well (1 on ORDER-COUNT-10S and -1M).
      const isOrder = route.route === 'order' && (req.method === 'POST' || (market.futures && req.method === 'PUT'));
      const weight = route.route === 'openOrders' && !p.get('symbol') ? (route.weightAll ?? route.weight) : route.weight;
      const { headers, refused } = charge(now, weight, isOrder);
      if (refused) return refused;
      if (route.route === 'listenKey') return withHeaders(listenKey(market, stream, req.method, p, now), headers);
      const signed = checkSigned(server, req, creds, p);
      if (!signed.ok) return withHeaders(signed.answer, headers);
      return withHeaders(dispatch(market, route.route, route.version ?? 0, server, req.method, p, engine, creds, orders, opts.fees) ?? binanceError(404, -1000, 'Unknown route.'), headers);
    },
    message(server: SimVenueServer, conn: SimConnection, text: string): boolean {
      return stream.message(server, conn, text);
    },
    closed(conn: SimConnection): void {
      stream.closed(conn);
    },
  };
}

function listenKey(market: BinancePrivateMarket, stream: BinanceUserStream, method: string, p: URLSearchParams, now: number): HttpAnswer {
  const given = p.get('listenKey') ?? undefined;
  // Spot names the key on PUT and DELETE; USD-M acts on the account's one key.
  if (!market.futures && method !== 'POST' && given === undefined) return binanceError(400, -1102, "Mandatory parameter 'listenKey' was not sent, was empty/null, or malformed.");
  const gone = (): HttpAnswer => binanceError(400, -1125, market.futures ? 'This listenKey does not exist. Please use `POST /fapi/v1/listenKey` to recreate `listenKey`' : 'This listenKey does not exist.');
  switch (method) {
    case 'POST':
      return { status: 200, body: { listenKey: stream.openKey(now) } };
    case 'PUT':
      if (!stream.keepAlive(now, given)) return gone();
      return { status: 200, body: market.futures ? { listenKey: stream.openKey(now) } : {} };
    case 'DELETE':
      return stream.closeKey(now, given) ? { status: 200, body: {} } : gone();
    default:
      return binanceError(405, -1000, 'Method not allowed.');
  }
}

function dispatch(
  market: BinancePrivateMarket,
  route: string,
  version: number,
  server: SimVenueServer,
  method: string,
  p: URLSearchParams,
  engine: SimExchange,
  creds: SimCredentials,
  orders: BinanceOrders,
  fees: BinancePrivateOptions['fees'],
): HttpAnswer | undefined {
  const now = server.now();
  switch (`${route} ${method}`) {
    case 'order POST':
      return orders.place(server, p);
    case 'order DELETE':
      return orders.cancel(server, p);
    case 'order PUT':
      return market.futures ? orders.modify(server, p) : undefined;
    case 'amend PUT':
      return orders.amendKeepPriority(server, p);
    case 'userTrades GET':
      return orders.trades(server, p);
    case 'order GET':
      return orders.query(server, p);
    case 'openOrders GET':
      return orders.openOrders(server, p);
    case 'balance GET':
      return { status: 200, body: futuresBalances(engine.balances(creds.account), engine.positions(creds.account), now) };
    case 'positionRisk GET':
      return { status: 200, body: positions(server, engine, creds, p, version === 3) };
    case 'account GET':
      return { status: 200, body: spotAccount(engine, creds, fees, p, now) };
    case 'commission GET': {
      const symbol = p.get('symbol');
      if (!symbol) return binanceError(400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.");
      if (!server.instruments.some((i) => i.symbol === symbol)) return binanceError(400, -1121, 'Invalid symbol.');
      const maker = decText(decOfNumber(fees.maker));
      const taker = decText(decOfNumber(fees.taker));
      if (market.futures) return { status: 200, body: { symbol, makerCommissionRate: maker, takerCommissionRate: taker, rpiCommissionRate: '0' } };
      const zero = { maker: '0.00000000', taker: '0.00000000', buyer: '0.00000000', seller: '0.00000000' };
      return {
        status: 200,
        body: {
          symbol,
          standardCommission: { maker: rateText(maker, true), taker: rateText(taker, true), buyer: '0.00000000', seller: '0.00000000' },
          specialCommission: zero,
          taxCommission: zero,
          discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: 'BNB', discount: '0.75000000' },
        },
      };
    }
    default:
      return undefined;
  }
}

function positions(server: SimVenueServer, engine: SimExchange, creds: SimCredentials, p: URLSearchParams, v3: boolean): unknown {
  const symbol = p.get('symbol');
  const held = new Map(engine.positions(creds.account).map((x) => [x.symbol, x]));
  const now = server.now();
  const rows: SimPosition[] = [];
  for (const i of server.instruments) {
    if (symbol && i.symbol !== symbol) continue;
    const pos = held.get(i.symbol);
    // v2 lists every symbol (flat ones at 0); v3 only what is held.
    if (pos && Number(pos.qty) !== 0) rows.push(pos);
    else if (!v3) rows.push({ account: creds.account, symbol: i.symbol, qty: '0', entryPrice: '0', realizedPnl: '0', unrealizedPnl: '0', markPrice: pos?.markPrice ?? server.book(i.symbol).bids.top(1)[0]?.[0] ?? '0', margin: '0', leverage: pos?.leverage ?? 1 });
  }
  // USD-M prints position sizes at the symbol's quantity precision ("0.010").
  const lot = (symbol: string): number => decimalsOf(server.instruments.find((i) => i.symbol === symbol)?.lotSize ?? '1');
  return rows.map((r) => positionRisk({ ...r, qty: pad(r.qty, lot(r.symbol)) }, v3, now));
}

const decimalsOf = (step: string): number => (step.includes('.') ? step.replace(/0+$/, '').length - step.indexOf('.') - 1 : 0);

function spotAccount(engine: SimExchange, creds: SimCredentials, fees: BinancePrivateOptions['fees'], p: URLSearchParams, now: number): unknown {
  const omitZero = p.get('omitZeroBalances') === 'true';
  const bps = (rate: number): number => Math.round(rate * 10_000);
  const balances = engine
    .balances(creds.account)
    .map((b) => ({ asset: b.asset, free: pad(b.free, 8), locked: pad(decText(sub(dec(b.total), dec(b.free))), 8) }))
    .filter((b) => !omitZero || Number(b.free) !== 0 || Number(b.locked) !== 0);
  return {
    makerCommission: bps(fees.maker),
    takerCommission: bps(fees.taker),
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: pad(decText(decOfNumber(fees.maker)), 8), taker: pad(decText(decOfNumber(fees.taker)), 8), buyer: '0.00000000', seller: '0.00000000' },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: now,
    accountType: 'SPOT',
    balances,
    permissions: ['SPOT'],
    uid: 354937868,
  };
}
