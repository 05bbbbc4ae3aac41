/**
 * The private adapters of Binance USD-M futures and Binance spot: one protocol, the market's
 * differences held as data in `BinancePrivateMarket`. Every signed call goes through PrivateHttp
 * (limiter, signing, envelope, error table); the user data stream is a PrivateSocket on a listen key.
 *
 * Venue rules followed:
 * - SIGNED requests: `timestamp` and `recvWindow` (5000 ms, the docs' advice) signed with HMAC-SHA256
 *   over query + body; POST/PUT parameters travel as a form body (auth.ts). Listen key calls are
 *   USER_STREAM: the API key header only.
 * - Orders are addressed by client order id (`newClientOrderId`, `origClientOrderId`); a repeated
 *   place is refused as a duplicate (USD-M -4116, spot -2010 "Duplicate order sent."), and the
 *   existing order is then queried and returned. Unknown orders: -2011 (cancel), -2013 (query).
 * - Amends: USD-M "Modify Order" (PUT /fapi/v1/order, side + quantity + price all mandatory, so the
 *   order is queried first); spot "Order Amend Keep Priority" reduces the quantity only, so a price
 *   amend on spot is refused here (cancel and replace instead).
 * - User data: POST the listen key, open `<ws>/ws/<listenKey>`, PUT it every 30 minutes (it lapses
 *   after 60); `listenKeyExpired` or a keepalive answered "no such key" (-1125) or 401 means a new
 *   key and a new connection. The stream sends no ack: it is live once open.
 *
 * Docs: https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api,
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams,
 * https://developers.binance.com/docs/binance-spot-api-docs/rest-api/trading-endpoints,
 * https://developers.binance.com/docs/binance-spot-api-docs/user-data-stream.
 */
import type { RateLimiter } from '../../execution/rateLimiter.ts';
import { Subject, type Observable } from 'rxjs';
import type { TimerHandle } from '../../core/clock.ts';
import { ErrorCodes, FleetError, errorMessage } from '../../core/errors.ts';
import { privateTransport, type PrivateHttp, type Params, type PrivateCall, type VenueWire } from '../../execution/privateHttp.ts';
import { PrivateSocket } from '../../execution/privateSocket.ts';
import type { VenueRateLimits } from '../../execution/rateLimiter.ts';
import type {
  AmendRequest,
  FeeRate,
  PlaceRequest,
  PrivateAdapter,
  PrivateAdapterFactory,
  PrivateAdapterOptions,
  PrivateEvent,
  VenueBalance,
  VenueCallDetails,
  VenueFill,
  VenueOrder,
  VenuePosition,
} from '../../execution/types.ts';
import type { RestClient } from '../rest.ts';
import { binanceApiKeyHeaders, encodeBinanceParams, signBinanceRequest, type BinanceKey } from './auth.ts';
import { classify } from './errors.ts';
import { BINANCE_SPOT_RATE_LIMITS, BINANCE_USDM_RATE_LIMITS } from './limits.ts';
import {
  parseBinanceFeeRate,
  parseBinanceOrder,
  parseBinanceOrders,
  parseBinancePositions,
  parseBinanceSpotAmend,
  parseBinanceSpotBalances,
  parseBinanceTrades,
  parseBinanceUsdmBalances,
  parseBinanceUserFrame,
  readRest,
} from './privateParse.ts';

/** A listen key lapses 60 minutes after its last keepalive; the docs ask for one every 30. */
export const LISTEN_KEY_KEEPALIVE_MS = 30 * 60_000;
const RECV_WINDOW_MS = 5000;
const LISTEN_KEY_ENDPOINT = 'listenKey';

/** One Binance market's private side as data. */
export interface BinancePrivateMarket {
  readonly futures: boolean;
  readonly limits: VenueRateLimits;
  readonly paths: {
    readonly order: string;
    readonly openOrders: string;
    readonly trades: string;
    readonly tradesEndpoint: string;
    readonly commission: string;
    readonly commissionEndpoint: string;
    readonly listenKey: string;
  };
  /** The "this client order id exists" answer (spot shares -2010 with every other new-order reject). */
  isDuplicate(details: VenueCallDetails): boolean;
}

export const BINANCE_USDM_PRIVATE: BinancePrivateMarket = {
  futures: true,
  limits: BINANCE_USDM_RATE_LIMITS,
  paths: {
    order: '/fapi/v1/order',
    openOrders: '/fapi/v1/openOrders',
    trades: '/fapi/v1/userTrades',
    tradesEndpoint: 'userTrades',
    commission: '/fapi/v1/commissionRate',
    commissionEndpoint: 'commissionRate',
    listenKey: '/fapi/v1/listenKey',
  },
  isDuplicate: (d) => d.duplicate === true,
};

export const BINANCE_SPOT_PRIVATE: BinancePrivateMarket = {
  futures: false,
  limits: BINANCE_SPOT_RATE_LIMITS,
  paths: {
    order: '/api/v3/order',
    openOrders: '/api/v3/openOrders',
    trades: '/api/v3/myTrades',
    tradesEndpoint: 'myTrades:order',
    commission: '/api/v3/account/commission',
    commissionEndpoint: 'commission',
    listenKey: '/api/v3/userDataStream',
  },
  isDuplicate: (d) => d.venueCode === '-2010' && /duplicate order/i.test(d.venueMessage ?? ''),
};

/** Returns Binance's signing, envelope and error table for PrivateHttp. */
export function binanceWire(venue: PrivateAdapterOptions['venue'], key: BinanceKey): VenueWire {
  return {
    venue,
    sign(call: PrivateCall, now: number) {
      const params = defined(call.params);
      const inBody = call.method === 'POST' || call.method === 'PUT';
      if (call.endpoint === LISTEN_KEY_ENDPOINT) {
        const query = encodeBinanceParams(params);
        return { pathAndQuery: query ? `${call.path}?${query}` : call.path, headers: binanceApiKeyHeaders(key) };
      }
      const signed = signBinanceRequest(key, { ...(inBody ? { body: params } : { query: params }), timestamp: now, recvWindow: RECV_WINDOW_MS });
      return {
        pathAndQuery: signed.query ? `${call.path}?${signed.query}` : call.path,
        headers: { ...signed.headers, ...(signed.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(signed.body ? { body: signed.body } : {}),
      };
    },
    unwrap(res) {
      const body: unknown = res.text === '' ? {} : JSON.parse(res.text);
      if (res.status < 400) return { ok: true, data: body };
      const e = (body ?? {}) as { code?: unknown; msg?: unknown };
      return { ok: false, ...(e.code !== undefined ? { code: String(e.code) } : {}), message: typeof e.msg === 'string' ? e.msg : res.text.slice(0, 160) };
    },
    classify: (code, status) => classify(code, status),
    duplicateCodes: ['-4116'],
    notFoundCodes: ['-2011', '-2013'],
  };
}

function defined(params: Params | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

function detailsOf(e: unknown): VenueCallDetails | undefined {
  return e instanceof FleetError ? (e.details as VenueCallDetails | undefined) : undefined;
}

class BinancePrivateAdapter implements PrivateAdapter {
  readonly venue: PrivateAdapterOptions['venue'];
  readonly paper = false;
  readonly events$: Observable<PrivateEvent>;
  private readonly subject = new Subject<PrivateEvent>();
  readonly limiter: RateLimiter;
  private readonly rest: RestClient;
  private readonly http: PrivateHttp;
  private sock: PrivateSocket | undefined;
  private keepAlive: TimerHandle | undefined;
  private listenKey: string | undefined;

  constructor(
    private readonly m: BinancePrivateMarket,
    private readonly o: PrivateAdapterOptions,
  ) {
    this.venue = o.venue;
    this.events$ = this.subject.asObservable();
    ({ limiter: this.limiter, rest: this.rest, http: this.http } = privateTransport(o, m.limits, binanceWire(o.venue, { apiKey: o.key, apiSecret: o.secret })));
  }

  async start(): Promise<void> {
    const { clock } = this.o;
    this.sock = new PrivateSocket({
      name: `${this.venue} user data`,
      clock,
      url: () => this.streamUrl(),
      // A listen key stream has no login and no subscription to acknowledge.
      onOpen: (sock) => sock.live(),
      onFrame: (text) => this.onFrame(text),
      onState: (state, reason) => this.subject.next({ kind: 'stream', state, reason }),
      ...(this.o.backoff ? { backoff: this.o.backoff } : {}),
    });
    this.keepAlive = clock.setInterval(() => void this.keepListenKey(), LISTEN_KEY_KEEPALIVE_MS);
    await this.sock.start();
  }

  async stop(): Promise<void> {
    if (this.keepAlive !== undefined) this.o.clock.clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    this.sock?.stop();
    this.rest.close();
    this.subject.complete();
  }

  async place(req: PlaceRequest): Promise<VenueOrder> {
    try {
      const data = await this.call('order', 'POST', this.m.paths.order, this.placeParams(req), false, req.symbol);
      return readRest(this.venue, 'order', () => parseBinanceOrder(data));
    } catch (e) {
      const d = detailsOf(e);
      if (!d || !this.m.isDuplicate(d)) throw e;
      // A repeat of a place the venue already took: the order exists, so answer with it.
      const existing = await this.query(req.symbol, req.clientOrderId);
      if (!existing) throw e;
      return existing;
    }
  }

  async cancel(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const data = await this.call('cancelOrder', 'DELETE', this.m.paths.order, { symbol, origClientOrderId: clientOrderId }, false, symbol);
    return readRest(this.venue, 'cancelOrder', () => parseBinanceOrder(data, { cancel: true }));
  }

  async amend(req: AmendRequest): Promise<VenueOrder | undefined> {
    return this.m.futures ? this.modify(req) : this.amendKeepPriority(req);
  }

  async query(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    try {
      const data = await this.call('queryOrder', 'GET', this.m.paths.order, { symbol, origClientOrderId: clientOrderId }, true, symbol);
      return readRest(this.venue, 'queryOrder', () => parseBinanceOrder(data));
    } catch (e) {
      if (detailsOf(e)?.notFound) return undefined;
      throw e;
    }
  }

  async fills(symbol: string, clientOrderId: string, venueOrderId?: string): Promise<VenueFill[]> {
    const orderId = venueOrderId ?? (await this.query(symbol, clientOrderId))?.venueOrderId;
    if (orderId === undefined) return [];
    const data = await this.call(this.m.paths.tradesEndpoint, 'GET', this.m.paths.trades, { symbol, orderId }, true, symbol);
    return readRest(this.venue, this.m.paths.tradesEndpoint, () => parseBinanceTrades(data, clientOrderId));
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const endpoint = symbol ? 'openOrders:symbol' : 'openOrders:all';
    const data = await this.call(endpoint, 'GET', this.m.paths.openOrders, { symbol }, true, symbol);
    const orders = readRest(this.venue, endpoint, () => parseBinanceOrders(data));
    const traded = new Set(this.o.symbols);
    return symbol || traded.size === 0 ? orders : orders.filter((x) => traded.has(x.symbol));
  }

  async positions(): Promise<VenuePosition[]> {
    if (!this.m.futures) return [];
    const data = await this.call('positionRisk', 'GET', '/fapi/v3/positionRisk', {}, true);
    return readRest(this.venue, 'positionRisk', () => parseBinancePositions(data));
  }

  async balances(): Promise<VenueBalance[]> {
    if (this.m.futures) {
      const data = await this.call('balance', 'GET', '/fapi/v3/balance', {}, true);
      return readRest(this.venue, 'balance', () => parseBinanceUsdmBalances(data));
    }
    const data = await this.call('account', 'GET', '/api/v3/account', { omitZeroBalances: true }, true);
    return readRest(this.venue, 'account', () => parseBinanceSpotBalances(data));
  }

  async feeRates(symbols: readonly string[]): Promise<FeeRate[]> {
    const { commission, commissionEndpoint } = this.m.paths;
    const answers = await Promise.all(symbols.map((symbol) => this.call(commissionEndpoint, 'GET', commission, { symbol }, true, symbol)));
    return answers.map((data) => readRest(this.venue, commissionEndpoint, () => parseBinanceFeeRate(data)));
  }

  private call(endpoint: string, method: PrivateCall['method'], path: string, params: Params, retry: boolean, scope?: string): Promise<unknown> {
    return this.http.call({ endpoint, method, path, params, retry, ...(scope !== undefined ? { scope } : {}) });
  }

  private placeParams(req: PlaceRequest): Params {
    if (req.type === 'limit' && req.price === undefined) throw this.refused('order', 'a limit order needs a price', ErrorCodes.BAD_ARGUMENTS);
    if (req.reduceOnly && !this.m.futures) throw this.refused('order', 'spot has no reduce-only orders', ErrorCodes.BAD_ARGUMENTS);
    const postOnly = req.type === 'limit' && req.tif === 'POST_ONLY';
    // Spot posts post-only as LIMIT_MAKER (no timeInForce); USD-M as LIMIT with timeInForce GTX.
    const type = req.type === 'market' ? 'MARKET' : postOnly && !this.m.futures ? 'LIMIT_MAKER' : 'LIMIT';
    const tif = type !== 'LIMIT' ? undefined : req.tif === 'POST_ONLY' ? 'GTX' : req.tif;
    return {
      symbol: req.symbol,
      side: req.side === 'buy' ? 'BUY' : 'SELL',
      type,
      timeInForce: tif,
      quantity: req.qty,
      price: req.type === 'limit' ? req.price : undefined,
      reduceOnly: req.reduceOnly && this.m.futures ? 'true' : undefined,
      newClientOrderId: req.clientOrderId,
      newOrderRespType: 'RESULT',
    };
  }

  /** USD-M Modify Order: side, quantity and price are all mandatory, so the missing ones come from the order. */
  private async modify(req: AmendRequest): Promise<VenueOrder | undefined> {
    const current = await this.query(req.symbol, req.clientOrderId);
    if (!current) throw this.refused('amendOrder', `no order ${req.clientOrderId} to amend`, ErrorCodes.VENUE_REJECTED, { notFound: true });
    const params = {
      symbol: req.symbol,
      origClientOrderId: req.clientOrderId,
      side: current.side === 'buy' ? 'BUY' : 'SELL',
      quantity: req.qty ?? current.qty,
      price: req.price ?? current.price,
    };
    const data = await this.call('amendOrder', 'PUT', this.m.paths.order, params, false, req.symbol);
    return readRest(this.venue, 'amendOrder', () => parseBinanceOrder(data));
  }

  /** Spot keeps the queue place only for a smaller quantity; a price change is a cancel and a new order. */
  private async amendKeepPriority(req: AmendRequest): Promise<VenueOrder | undefined> {
    if (req.price !== undefined) {
      throw this.refused('amendOrder', 'binance-spot amends only reduce the quantity (keepPriority): cancel and place anew to change the price', ErrorCodes.VENUE_REJECTED);
    }
    if (req.qty === undefined) throw this.refused('amendOrder', 'an amend needs a new quantity', ErrorCodes.BAD_ARGUMENTS);
    // Without newClientOrderId the venue gives the order a random new one: keep ours.
    const params = { symbol: req.symbol, origClientOrderId: req.clientOrderId, newClientOrderId: req.clientOrderId, newQty: req.qty };
    const data = await this.call('amendOrder', 'PUT', '/api/v3/order/amend/keepPriority', params, false, req.symbol);
    return readRest(this.venue, 'amendOrder', () => parseBinanceSpotAmend(data));
  }

  private refused(endpoint: string, reason: string, code: typeof ErrorCodes.BAD_ARGUMENTS | typeof ErrorCodes.VENUE_REJECTED, extra: Partial<VenueCallDetails> = {}): FleetError {
    const details: VenueCallDetails = { venue: this.venue, endpoint, reason, ...extra };
    return new FleetError(code, `${this.venue} ${endpoint}: ${reason}`, 'non-retryable', details);
  }

  /** Returns the stream URL on a fresh (or extended) listen key; called before every (re)connect. */
  private async streamUrl(): Promise<string> {
    const data = await this.call(LISTEN_KEY_ENDPOINT, 'POST', this.m.paths.listenKey, {}, true);
    const key = (data as { listenKey?: unknown } | null)?.listenKey;
    if (typeof key !== 'string' || key === '') throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `${this.venue} listenKey: no key in the answer`, 'retryable');
    this.listenKey = key;
    return `${this.o.privateWsUrl.replace(/\/+$/, '')}/ws/${key}`;
  }

  /** Extends the listen key; a key the venue no longer knows means a new key on a new connection. */
  private async keepListenKey(): Promise<void> {
    const key = this.listenKey;
    if (key === undefined || !this.sock?.connected) return;
    try {
      await this.call(LISTEN_KEY_ENDPOINT, 'PUT', this.m.paths.listenKey, this.m.futures ? {} : { listenKey: key }, true);
    } catch (e) {
      const d = detailsOf(e);
      this.o.logger.warn({ venue: this.venue, err: errorMessage(e) }, 'binance listen key keepalive failed');
      if (d?.venueCode === '-1125' || d?.httpStatus === 401) this.sock?.fail('listen key gone: reconnecting on a new one');
    }
  }

  private onFrame(text: string): void {
    const { events, expired } = parseBinanceUserFrame(text);
    for (const ev of events) this.subject.next(ev);
    if (expired) this.sock?.fail('listenKeyExpired: reconnecting on a new key');
  }
}

/** Returns the private adapter of one Binance market. */
export function createBinancePrivate(market: BinancePrivateMarket, o: PrivateAdapterOptions): PrivateAdapter {
  return new BinancePrivateAdapter(market, o);
}

/** Binance USD-M futures (/fapi) private adapter. */
export const createBinanceUsdmPrivate: PrivateAdapterFactory = (o) => createBinancePrivate(BINANCE_USDM_PRIVATE, o);

/** Binance spot (/api/v3) private adapter. */
export const createBinanceSpotPrivate: PrivateAdapterFactory = (o) => createBinancePrivate(BINANCE_SPOT_PRIVATE, o);
