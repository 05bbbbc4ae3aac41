/**
 * The Bybit v5 private adapter for `bybit-linear` (USDT perpetuals, unified account, one-way
 * position mode). Every REST call goes through PrivateHttp with Bybit's signing (auth.ts), its
 * `{retCode, retMsg, result}` envelope and its error table (errors.ts); the private stream is one
 * PrivateSocket on `<privateWsUrl>/v5/private`: `auth`, then `subscribe` to the linear order,
 * execution and position topics and the wallet, app-level `{"op":"ping"}` every 20 s.
 *
 * Venue rules followed:
 *  - create / amend / cancel answer only `{orderId, orderLinkId}`: a place resolves with an ack
 *    built from the request; amend and cancel resolve undefined, the stream tells the new state.
 *  - a repeated create answers 110072 (duplicate orderLinkId): place() then returns the order the
 *    venue holds; cancel or amend of an order unknown or closed answers 110001 (`notFound`).
 *  - /v5/order/realtime keeps open orders and the last 500 closed ones (openOnly=0 lists open
 *    ones only); an order it does not know is looked for in /v5/order/history before query()
 *    says undefined.
 *  - /v5/execution/list answers newest first; fills() returns oldest first.
 *
 * Docs: https://bybit-exchange.github.io/docs/v5/order/create-order, …/order/amend-order,
 * …/order/cancel-order, …/order/open-order, …/order/order-list, …/order/execution,
 * …/position, …/account/wallet-balance, …/account/fee-rate, …/ws/connect (auth, ping),
 * …/websocket/private/order (execution, position, wallet), …/error, …/rate-limit.
 */
import { Subject, type Observable } from 'rxjs';
import type { VenueId } from '../../config/schema.ts';
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import { privateTransport, type PrivateHttp, type Params, type PrivateCall, type Unwrapped, type VenueWire } from '../../execution/privateHttp.ts';
import { PrivateSocket } from '../../execution/privateSocket.ts';
import type { RateLimiter } from '../../execution/rateLimiter.ts';
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
import { isObject, parseJson } from '../parseKit.ts';
import type { RawResponse, RestClient } from '../rest.ts';
import { bybitWsAuth, signBybitRequest, type BybitKey } from './auth.ts';
import { BYBIT_DUPLICATE_CODES, BYBIT_NOT_FOUND_CODES, classify } from './errors.ts';
import { BYBIT_RATE_LIMITS } from './limits.ts';
import type { BybitPrivateOpAnswer, BybitPrivateRequest } from './privateMessages.ts';
import { BybitProblem, isFlat, parseBybitExecution, parseBybitFeeRate, parseBybitOrder, parseBybitPosition, parseBybitPrivateFrame, parseBybitWallet } from './privateParse.ts';

export const BYBIT_PRIVATE_WS_PATH = '/v5/private';

const PATHS = {
  create: '/v5/order/create',
  amend: '/v5/order/amend',
  cancel: '/v5/order/cancel',
  realtime: '/v5/order/realtime',
  history: '/v5/order/history',
  executions: '/v5/execution/list',
  positions: '/v5/position/list',
  wallet: '/v5/account/wallet-balance',
  feeRate: '/v5/account/fee-rate',
} as const;

const CATEGORY = 'linear';
const SETTLE_COIN = 'USDT';
/** Categorised topics: only linear pushes (the all-in-one and categorised forms may not be mixed in one request). */
const TOPICS = ['order.linear', 'execution.linear', 'position.linear', 'wallet'] as const;
const TIF_OUT = { GTC: 'GTC', IOC: 'IOC', FOK: 'FOK', POST_ONLY: 'PostOnly' } as const;
/** Page sizes at each list endpoint's maximum. */
const PAGE = { orders: 50, executions: 100, positions: 200 } as const;
/** A runaway cursor (the venue repeating itself) must not loop forever. */
const MAX_PAGES = 50;
/** How far ahead of now the stream's `auth` signature expires. */
const AUTH_VALID_MS = 10_000;
const PING_MS = 20_000;

/** Returns Bybit's VenueWire: X-BAPI-* signing, the retCode envelope, the retCode table. */
export function bybitWire(venue: VenueId, key: BybitKey): VenueWire {
  return {
    venue,
    duplicateCodes: BYBIT_DUPLICATE_CODES,
    notFoundCodes: BYBIT_NOT_FOUND_CODES,
    classify,
    sign(call: PrivateCall, now: number) {
      const fields = Object.entries(call.params ?? {}).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
      if (call.method === 'GET') {
        const query = new URLSearchParams(fields.map(([k, v]) => [k, String(v)])).toString();
        const headers = signBybitRequest(key, { method: 'GET', query, timestamp: now });
        return { pathAndQuery: query ? `${call.path}?${query}` : call.path, headers };
      }
      const body = JSON.stringify(Object.fromEntries(fields));
      return { pathAndQuery: call.path, headers: signBybitRequest(key, { method: 'POST', body, timestamp: now }), body };
    },
    unwrap(res: RawResponse): Unwrapped {
      const env = parseJson(res.text);
      if (isObject(env) && typeof env.retCode === 'number') {
        return env.retCode === 0 ? { ok: true, data: env.result } : { ok: false, code: String(env.retCode), message: String(env.retMsg ?? '') };
      }
      // Gateways (429, 403, 5xx) answer without Bybit's envelope.
      if (res.status >= 400) return { ok: false, message: `HTTP ${res.status}: ${res.text.slice(0, 160)}` };
      throw new Error('not a Bybit envelope');
    },
  };
}

/** The adapter; `limiter` is exposed for health reporting and tests. */
export class BybitPrivateAdapter implements PrivateAdapter {
  readonly venue: VenueId;
  readonly paper = false;
  readonly events$: Observable<PrivateEvent>;
  readonly limiter: RateLimiter;
  private readonly subject = new Subject<PrivateEvent>();
  private readonly rest: RestClient;
  private readonly http: PrivateHttp;
  private readonly key: BybitKey;
  private sock: PrivateSocket | undefined;

  constructor(private readonly o: PrivateAdapterOptions) {
    this.venue = o.venue;
    this.events$ = this.subject.asObservable();
    this.key = { apiKey: o.key, apiSecret: o.secret };
    ({ limiter: this.limiter, rest: this.rest, http: this.http } = privateTransport(o, BYBIT_RATE_LIMITS, bybitWire(o.venue, this.key)));
  }

  start(): Promise<void> {
    const { o } = this;
    const base = o.privateWsUrl.replace(/\/+$/, '');
    const url = base.endsWith(BYBIT_PRIVATE_WS_PATH) ? base : base + BYBIT_PRIVATE_WS_PATH;
    this.sock = new PrivateSocket({
      name: `${o.venue} private`,
      clock: o.clock,
      url: () => url,
      onOpen: (sock) => sock.send(JSON.stringify(bybitWsAuth(this.key, o.clock.now() + AUTH_VALID_MS))),
      onFrame: (text) => this.onFrame(text),
      onState: (state, reason) => this.subject.next({ kind: 'stream', state, reason }),
      pingFrame: () => JSON.stringify({ op: 'ping' } satisfies BybitPrivateRequest),
      pingIntervalMs: PING_MS,
      ...(o.backoff ? { backoff: o.backoff } : {}),
    });
    return this.sock.start();
  }

  async stop(): Promise<void> {
    this.sock?.stop();
    this.rest.close();
    this.subject.complete();
  }

  async place(req: PlaceRequest): Promise<VenueOrder> {
    const limit = req.type === 'limit';
    if (limit && req.price === undefined) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `${this.venue}: limit order ${req.clientOrderId} has no price`);
    const params: Params = {
      category: CATEGORY,
      symbol: req.symbol,
      side: req.side === 'buy' ? 'Buy' : 'Sell',
      orderType: limit ? 'Limit' : 'Market',
      qty: req.qty,
      // Market orders are IOC on Bybit whatever is asked; only a limit order takes timeInForce.
      ...(limit ? { price: req.price, timeInForce: TIF_OUT[req.tif] } : {}),
      orderLinkId: req.clientOrderId,
      reduceOnly: req.reduceOnly ?? false,
      positionIdx: 0,
    };
    try {
      const ack = await this.http.call({ endpoint: 'order', method: 'POST', path: PATHS.create, params, retry: false });
      return this.acked(req, ack);
    } catch (e) {
      // A repeat of a create the venue already took (our retry after a lost answer, or the caller's).
      if (detailsOf(e)?.duplicate) {
        const held = await this.query(req.symbol, req.clientOrderId);
        if (held) return held;
      }
      throw e;
    }
  }

  /** Cancels by orderLinkId; Bybit answers only ids, so this resolves undefined (the stream brings the Cancelled order). */
  async cancel(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    await this.http.call({ endpoint: 'cancelOrder', method: 'POST', path: PATHS.cancel, params: { category: CATEGORY, symbol, orderLinkId: clientOrderId }, retry: false });
    return undefined;
  }

  /** Amends qty (new total) and/or price by orderLinkId; resolves undefined (ids only; the stream brings the order). */
  async amend(req: AmendRequest): Promise<VenueOrder | undefined> {
    if (req.qty === undefined && req.price === undefined) throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `${this.venue}: amend of ${req.clientOrderId} changes nothing`);
    const params: Params = { category: CATEGORY, symbol: req.symbol, orderLinkId: req.clientOrderId, qty: req.qty, price: req.price };
    await this.http.call({ endpoint: 'amendOrder', method: 'POST', path: PATHS.amend, params, retry: false });
    return undefined;
  }

  async query(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const params = { category: CATEGORY, symbol, orderLinkId: clientOrderId };
    // realtime holds open orders and the last 500 closed ones; older (or after a venue restart) only history has them.
    for (const [endpoint, path] of [['queryOrder', PATHS.realtime], ['orderHistory', PATHS.history]] as const) {
      const rows = await this.page(endpoint, path, params);
      if (rows.list.length > 0) return this.read(endpoint, rows.list[0], parseBybitOrder);
    }
    return undefined;
  }

  async fills(symbol: string, clientOrderId: string, venueOrderId?: string): Promise<VenueFill[]> {
    const id = venueOrderId ? { orderId: venueOrderId } : { orderLinkId: clientOrderId };
    const rows = await this.all('executions', PATHS.executions, { category: CATEGORY, symbol, ...id, limit: PAGE.executions });
    const fills: VenueFill[] = [];
    for (const row of rows.reverse()) {
      const f = this.read('executions', row, parseBybitExecution);
      if (f) fills.push(f);
    }
    return fills.sort((a, b) => a.ts - b.ts);
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const scope = symbol ? { symbol } : { settleCoin: SETTLE_COIN };
    const rows = await this.all('openOrders', PATHS.realtime, { category: CATEGORY, ...scope, openOnly: 0, limit: PAGE.orders });
    const orders = rows.map((r) => this.read('openOrders', r, parseBybitOrder));
    const traded = new Set(this.o.symbols);
    return symbol || traded.size === 0 ? orders : orders.filter((x) => traded.has(x.symbol));
  }

  async positions(): Promise<VenuePosition[]> {
    const rows = await this.all('positions', PATHS.positions, { category: CATEGORY, settleCoin: SETTLE_COIN, limit: PAGE.positions });
    return rows.map((r) => this.read('positions', r, parseBybitPosition)).filter((p) => !isFlat(p));
  }

  async balances(): Promise<VenueBalance[]> {
    const res = await this.page('walletBalance', PATHS.wallet, { accountType: 'UNIFIED' });
    return res.list.flatMap((account) => this.read('walletBalance', account, parseBybitWallet));
  }

  async feeRates(symbols: readonly string[]): Promise<FeeRate[]> {
    // One symbol is asked for by name; several in one call for the whole category.
    const only = symbols.length === 1 ? { symbol: symbols[0] } : {};
    const res = await this.page('feeRate', PATHS.feeRate, { category: CATEGORY, ...only });
    const wanted = new Set(symbols);
    return res.list.map((r) => this.read('feeRate', r, parseBybitFeeRate)).filter((f) => wanted.has(f.symbol));
  }

  private onFrame(text: string): void {
    const { events, op } = parseBybitPrivateFrame(text);
    if (op) this.onOp(op);
    for (const ev of events) this.subject.next(ev);
  }

  /** Login, then subscribe, then live; a refusal drops the connection and PrivateSocket retries. */
  private onOp(ans: BybitPrivateOpAnswer): void {
    const sock = this.sock;
    if (!sock) return;
    if (ans.op === 'auth') {
      if (ans.success) sock.send(JSON.stringify({ op: 'subscribe', args: TOPICS, req_id: 'fleet-private' } satisfies BybitPrivateRequest));
      else sock.fail(`auth refused: ${ans.ret_msg ?? ''}`);
    } else if (ans.op === 'subscribe') {
      if (ans.success) sock.live();
      else sock.fail(`subscribe refused: ${ans.ret_msg ?? ''}`);
    } else if (ans.success === false) {
      this.o.logger.warn({ venue: this.venue, op: ans.op, msg: ans.ret_msg }, 'bybit private stream refused a request');
    }
  }

  /** Returns one page of a list endpoint (reads are repeatable). */
  private async page(endpoint: string, path: string, params: Params): Promise<{ list: readonly unknown[]; next: string | undefined }> {
    const res = await this.http.call({ endpoint, method: 'GET', path, params, retry: true });
    if (!isObject(res) || !Array.isArray(res.list)) throw invalid(this.venue, endpoint, 'the result has no list');
    const next = typeof res.nextPageCursor === 'string' && res.nextPageCursor !== '' ? res.nextPageCursor : undefined;
    return { list: res.list as unknown[], next };
  }

  /** Returns every row of a list endpoint, following nextPageCursor. */
  private async all(endpoint: string, path: string, params: Params): Promise<unknown[]> {
    const rows: unknown[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const { list, next } = await this.page(endpoint, path, { ...params, cursor });
      rows.push(...list);
      if (!next || next === cursor) return rows;
      cursor = next;
    }
    throw invalid(this.venue, endpoint, `more than ${MAX_PAGES} pages`);
  }

  /** Parses one REST row; an unreadable one fails the call (a partial list would mislead reconciliation). */
  private read<T>(endpoint: string, row: unknown, parse: (row: unknown) => T | BybitProblem): T {
    const v = parse(row);
    if (v instanceof BybitProblem) throw invalid(this.venue, endpoint, v.detail);
    return v;
  }

  private acked(req: PlaceRequest, ack: unknown): VenueOrder {
    if (!isObject(ack) || typeof ack.orderId !== 'string' || ack.orderId === '') {
      // The venue took the order (retCode 0) but its ids cannot be read: the caller must query.
      throw invalid(this.venue, 'order', 'the create answer has no orderId');
    }
    return {
      symbol: req.symbol,
      clientOrderId: req.clientOrderId,
      venueOrderId: ack.orderId,
      side: req.side,
      type: req.type,
      tif: req.type === 'market' ? 'IOC' : req.tif,
      ...(req.type === 'limit' ? { price: req.price } : {}),
      qty: req.qty,
      filledQty: '0',
      status: 'new',
      reduceOnly: req.reduceOnly ?? false,
      updatedAt: this.o.clock.now(),
    };
  }
}

function detailsOf(e: unknown): VenueCallDetails | undefined {
  return e instanceof FleetError ? (e.details as VenueCallDetails | undefined) : undefined;
}

function invalid(venue: VenueId, endpoint: string, reason: string): FleetError {
  return new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `${venue} ${endpoint}: ${reason}`, 'retryable', { venue, endpoint, reason } satisfies VenueCallDetails);
}

/** Returns the Bybit linear private adapter. */
export const createBybitPrivate: PrivateAdapterFactory = (o) => new BybitPrivateAdapter(o);
