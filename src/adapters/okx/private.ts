/**
 * The OKX v5 private adapter: one API key, linear SWAP (sizes in contracts, `tdMode` cross, net
 * position mode) and SPOT (`tdMode` cash; market orders sized in base, `tgtCcy=base_ccy`)
 * instruments, routed by instId. Every REST call goes through PrivateHttp (rate limits per
 * endpoint and instrument from limits.ts, the OK-ACCESS-* signature with the passphrase, the
 * envelope, the error table). OKX answers a failed order call with `code` "1" and the reason in
 * `data[0].sCode` / `sMsg`: the envelope reads the sCode, so errors are classed by it. A repeated
 * place meets sCode 51016 (clOrdId taken) and is answered with the order found by clOrdId.
 *
 * The private stream is `/ws/v5/private`: login (`op: login`, signed over
 * timestamp + GET + /users/self/verify), then `orders` (instType ANY; fills ride in these pushes),
 * `positions` (ANY) and `account`, kept alive with the text `ping`.
 *
 * OKX acknowledges cancels and amends with ids only, so `cancel` and `amend` resolve undefined:
 * the order's new state arrives on the `orders` channel (or by `query`).
 *
 * Sources: https://www.okx.com/docs-v5/en/#order-book-trading-trade (place, cancel, amend, order
 * details, pending orders, fills), https://www.okx.com/docs-v5/en/#trading-account-rest-api
 * (balance, positions, trade fee), https://www.okx.com/docs-v5/en/#overview-websocket-login,
 * https://www.okx.com/docs-v5/en/#error-code
 */
import { Subject } from 'rxjs';
import { CLIENT_ID_RULES } from '../../execution/clientOrderId.ts';
import { privateTransport, type PrivateHttp, type Params, type PrivateCall, type SignedRequest, type Unwrapped, type VenueWire } from '../../execution/privateHttp.ts';
import { PrivateSocket } from '../../execution/privateSocket.ts';
import type { RateLimiter } from '../../execution/rateLimiter.ts';
import type {
  AmendRequest, FeeRate, PlaceRequest, PrivateAdapter, PrivateAdapterFactory, PrivateAdapterOptions, PrivateEvent,
  VenueBalance, VenueCallDetails, VenueFill, VenueOrder, VenuePosition,
} from '../../execution/types.ts';
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import type { VenueId } from '../../config/schema.ts';
import { isObject } from '../parseKit.ts';
import type { RawResponse, RestClient } from '../rest.ts';
import { okxWsLogin, signOkxRequest, type OkxKey } from './auth.ts';
import { classify, OKX_DUPLICATE_CODES, OKX_NOT_FOUND_CODES } from './errors.ts';
import { OKX_LIMITS } from './constants.ts';
import { OKX_RATE_LIMITS } from './limits.ts';
import type { OkxOrderAck } from './privateMessages.ts';
import {
  isProblem, okxInstType, parseOkxAccount, parseOkxFeeRate, parseOkxFillRow, parseOkxOrder, parseOkxPosition, parseOkxPrivateFrame,
  type OkxPrivateFrame, type Parsed,
} from './privateParse.ts';
import { OKX_PING } from './ws.ts';

export const OKX_WS_PRIVATE_PATH = '/ws/v5/private';

const PATHS = {
  order: '/api/v5/trade/order',
  cancel: '/api/v5/trade/cancel-order',
  amend: '/api/v5/trade/amend-order',
  pending: '/api/v5/trade/orders-pending',
  fills: '/api/v5/trade/fills',
  positions: '/api/v5/account/positions',
  balance: '/api/v5/account/balance',
  tradeFee: '/api/v5/account/trade-fee',
} as const;

/** The private channels, subscribed once logged in; the stream is live when all are acknowledged. */
const SUBSCRIPTIONS = [{ channel: 'orders', instType: 'ANY' }, { channel: 'positions', instType: 'ANY' }, { channel: 'account' }] as const;
/** OKX pages lists at 100 rows. */
const PAGE = 100;

/**
 * Returns OKX's side of PrivateHttp: the OK-ACCESS-* headers over timestamp + METHOD +
 * path[?query] + body, the `{code, msg, data}` envelope read by the per-order `sCode` when there
 * is one, and the error table.
 */
export function okxWire(venue: VenueId, key: OkxKey): VenueWire {
  return {
    venue,
    sign(call: PrivateCall, now: number): SignedRequest {
      const defined = Object.entries(call.params ?? {}).filter(([, v]) => v !== undefined);
      if (call.method === 'GET' || call.method === 'DELETE') {
        const query = new URLSearchParams(defined.map(([k, v]) => [k, String(v)])).toString();
        const headers = signOkxRequest(key, { method: 'GET', requestPath: call.path, query, timestamp: now });
        return { pathAndQuery: query === '' ? call.path : `${call.path}?${query}`, headers };
      }
      // Booleans stay JSON booleans in a body (reduceOnly: true).
      const body = JSON.stringify(Object.fromEntries(defined));
      return { pathAndQuery: call.path, headers: signOkxRequest(key, { method: 'POST', requestPath: call.path, body, timestamp: now }), body };
    },
    unwrap: unwrapOkx,
    classify,
    duplicateCodes: OKX_DUPLICATE_CODES,
    notFoundCodes: OKX_NOT_FOUND_CODES,
  };
}

/** Reads `{code, msg, data}`: code "0" is success; otherwise the first row's sCode/sMsg, else code/msg. */
function unwrapOkx(res: RawResponse): Unwrapped {
  const body: unknown = JSON.parse(res.text);
  if (!isObject(body)) throw new Error('the answer is not a JSON object');
  const code = body.code === undefined ? undefined : String(body.code);
  const row = Array.isArray(body.data) && isObject(body.data[0]) ? body.data[0] : undefined;
  const sCode = typeof row?.sCode === 'string' && row.sCode !== '0' ? row.sCode : undefined;
  if (code === '0' && sCode === undefined && res.status < 400) return { ok: true, data: body.data };
  if (sCode !== undefined) return { ok: false, code: sCode, message: typeof row?.sMsg === 'string' ? row.sMsg : '' };
  return { ok: false, ...(code !== undefined ? { code } : {}), message: typeof body.msg === 'string' ? body.msg : '' };
}

/** Returns the OKX `ordType` of a request. */
function ordTypeOf(req: PlaceRequest): string {
  if (req.type === 'market') return 'market';
  return { GTC: 'limit', IOC: 'ioc', FOK: 'fok', POST_ONLY: 'post_only' }[req.tif];
}

/** The OKX private adapter (exported for tests that look at its limiter). */
export class OkxPrivateAdapter implements PrivateAdapter {
  readonly venue;
  readonly paper = false;
  readonly limiter: RateLimiter;
  private readonly subject = new Subject<PrivateEvent>();
  readonly events$ = this.subject.asObservable();
  private readonly rest: RestClient;
  private readonly http: PrivateHttp;
  private readonly sock: PrivateSocket;
  private readonly key: OkxKey;
  private acks = 0;

  constructor(private readonly o: PrivateAdapterOptions) {
    this.venue = o.venue;
    this.key = { apiKey: o.key, apiSecret: o.secret, passphrase: o.passphrase ?? '' };
    ({ limiter: this.limiter, rest: this.rest, http: this.http } = privateTransport(o, OKX_RATE_LIMITS, okxWire(o.venue, this.key)));
    const base = o.privateWsUrl.replace(/\/+$/, '');
    const url = base.endsWith(OKX_WS_PRIVATE_PATH) ? base : base + OKX_WS_PRIVATE_PATH;
    this.sock = new PrivateSocket({
      name: `${o.venue}-private`,
      clock: o.clock,
      url: () => url,
      onOpen: (s) => {
        this.acks = 0;
        s.send(JSON.stringify(okxWsLogin(this.key, Math.floor(o.clock.now() / 1000))));
      },
      onFrame: (text) => this.onFrame(text),
      onState: (state, reason) => this.subject.next({ kind: 'stream', state, reason }),
      pingFrame: () => OKX_PING,
      pingIntervalMs: OKX_LIMITS.pingIntervalMs,
      silenceMs: OKX_LIMITS.silenceTimeoutMs,
      ...(o.backoff ? { backoff: o.backoff } : {}),
    });
  }

  start(): Promise<void> {
    return this.sock.start();
  }

  async stop(): Promise<void> {
    this.sock.stop();
    this.rest.close();
    this.subject.complete();
  }

  async place(req: PlaceRequest): Promise<VenueOrder> {
    if (!CLIENT_ID_RULES.okx.test(req.clientOrderId)) {
      const reason = `clOrdId must be 1-32 letters and digits, got "${req.clientOrderId}"`;
      throw new FleetError(ErrorCodes.BAD_ARGUMENTS, `okx order: ${reason}`, 'non-retryable', this.details('order', reason));
    }
    const swap = okxInstType(req.symbol) === 'SWAP';
    const params: Params = {
      instId: req.symbol,
      tdMode: swap ? 'cross' : 'cash',
      clOrdId: req.clientOrderId,
      side: req.side,
      ordType: ordTypeOf(req),
      sz: req.qty,
      px: req.type === 'limit' ? req.price : undefined,
      tgtCcy: !swap && req.type === 'market' ? 'base_ccy' : undefined,
      reduceOnly: req.reduceOnly ? true : undefined,
    };
    try {
      const ack = await this.orderCall({ endpoint: 'order', method: 'POST', path: PATHS.order, params, scope: req.symbol, retry: false });
      const { symbol, clientOrderId, side, type, tif, price, qty } = req;
      const ts = Number(ack.ts);
      return {
        symbol, clientOrderId, venueOrderId: ack.ordId, side, type, ...(type === 'limit' ? { tif, ...(price ? { price } : {}) } : {}), qty,
        filledQty: '0', status: 'new', reduceOnly: req.reduceOnly ?? false, updatedAt: Number.isFinite(ts) && ts > 0 ? ts : this.o.clock.now(),
      };
    } catch (e) {
      if (!(e instanceof FleetError) || !(e.details as VenueCallDetails | undefined)?.duplicate) throw e;
      // The clOrdId is taken: a repeat of a place the venue did take. Answer with that order.
      const existing = await this.query(req.symbol, req.clientOrderId);
      if (!existing) throw e;
      return existing;
    }
  }

  /** Resolves undefined: OKX acks a cancel with ids only; the canceled state comes on the stream. */
  async cancel(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    await this.orderCall({ endpoint: 'cancelOrder', method: 'POST', path: PATHS.cancel, params: { instId: symbol, clOrdId: clientOrderId }, scope: symbol, retry: false });
    return undefined;
  }

  /** Resolves undefined: OKX acks an amend with ids only; the amended state comes on the stream. */
  async amend(req: AmendRequest): Promise<VenueOrder | undefined> {
    const params: Params = { instId: req.symbol, clOrdId: req.clientOrderId, newSz: req.qty, newPx: req.price };
    await this.orderCall({ endpoint: 'amendOrder', method: 'POST', path: PATHS.amend, params, scope: req.symbol, retry: false });
    return undefined;
  }

  async query(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    let rows: unknown[];
    try {
      rows = await this.list({ endpoint: 'queryOrder', method: 'GET', path: PATHS.order, params: { instId: symbol, clOrdId: clientOrderId }, scope: symbol, retry: true });
    } catch (e) {
      if (e instanceof FleetError && (e.details as VenueCallDetails | undefined)?.notFound) return undefined;
      throw e;
    }
    return rows.length === 0 ? undefined : this.read('queryOrder', parseOkxOrder(rows[0]));
  }

  /** Returns up to the last 100 fills of the order (OKX keeps 3 days here), oldest first. */
  async fills(symbol: string, clientOrderId: string, venueOrderId?: string): Promise<VenueFill[]> {
    const ordId = venueOrderId ?? (await this.query(symbol, clientOrderId))?.venueOrderId;
    if (ordId === undefined) return [];
    const params = { instType: okxInstType(symbol), instId: symbol, ordId, limit: PAGE };
    const rows = await this.list({ endpoint: 'fills', method: 'GET', path: PATHS.fills, params, retry: true });
    // OKX lists newest first: reversed, then a stable sort by time, they are oldest first.
    return rows
      .map((r) => this.read('fills', parseOkxFillRow(r)))
      .filter((f) => f.venueOrderId === ordId)
      .reverse()
      .sort((a, b) => a.ts - b.ts);
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const out: VenueOrder[] = [];
    for (let after: string | undefined; ; ) {
      const params = { instId: symbol, limit: PAGE, after };
      const rows = await this.list({ endpoint: 'openOrders', method: 'GET', path: PATHS.pending, params, retry: true });
      const page = rows.map((r) => this.read('openOrders', parseOkxOrder(r)));
      out.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.venueOrderId;
    }
    const traded = new Set(this.o.symbols);
    return symbol !== undefined || traded.size === 0 ? out : out.filter((x) => traded.has(x.symbol));
  }

  async positions(): Promise<VenuePosition[]> {
    const rows = await this.list({ endpoint: 'positions', method: 'GET', path: PATHS.positions, params: { instType: 'SWAP' }, retry: true });
    return rows.map((r) => this.read('positions', parseOkxPosition(r))).filter((p) => !/^-?0(\.0*)?$/.test(p.qty));
  }

  async balances(): Promise<VenueBalance[]> {
    const rows = await this.list({ endpoint: 'balance', method: 'GET', path: PATHS.balance, retry: true });
    return rows.length === 0 ? [] : this.read('balance', parseOkxAccount(rows[0])).balances;
  }

  /** Asks once per symbol: SPOT by instId, SWAP by instrument family (its rates are per family). */
  async feeRates(symbols: readonly string[]): Promise<FeeRate[]> {
    const out: FeeRate[] = [];
    for (const symbol of new Set(symbols)) {
      const swap = okxInstType(symbol) === 'SWAP';
      const params = swap ? { instType: 'SWAP', instFamily: symbol.replace(/-SWAP$/, '') } : { instType: 'SPOT', instId: symbol };
      const rows = await this.list({ endpoint: 'tradeFee', method: 'GET', path: PATHS.tradeFee, params, retry: true });
      out.push(this.read('tradeFee', parseOkxFeeRate(symbol, rows[0])));
    }
    return out;
  }

  /** Sends an order call and returns its per-order ack (failures are thrown by the envelope, by sCode). */
  private async orderCall(call: PrivateCall): Promise<OkxOrderAck> {
    const rows = await this.list(call);
    const ack = rows[0] as Partial<OkxOrderAck> | undefined;
    if (typeof ack?.ordId !== 'string') {
      const reason = 'the answer names no order id: outcome unknown, query by clOrdId';
      throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `okx ${call.endpoint}: ${reason}`, 'retryable', this.details(call.endpoint, reason));
    }
    return ack as OkxOrderAck;
  }

  private async list(call: PrivateCall): Promise<unknown[]> {
    const data = await this.http.call(call);
    if (!Array.isArray(data)) {
      const reason = 'data is not a list';
      throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `okx ${call.endpoint}: ${reason}`, 'retryable', this.details(call.endpoint, reason));
    }
    return data;
  }

  /** Returns a parsed row, or throws VENUE_RESPONSE_INVALID naming what could not be read. */
  private read<T extends object>(endpoint: string, p: Parsed<T>): T {
    if (!isProblem(p)) return p;
    throw new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `okx ${endpoint}: unreadable row: ${p.problem}`, 'retryable', this.details(endpoint, p.problem));
  }

  private details(endpoint: string, reason: string): VenueCallDetails {
    return { venue: this.venue, endpoint, reason };
  }

  private onFrame(text: string): void {
    const f = parseOkxPrivateFrame(text);
    if (f.kind === 'events') for (const ev of f.events) this.subject.next(ev);
    else if (f.kind === 'event') this.onEvent(f);
  }

  /** Login ack → subscribe; every subscription acked → live; an error before live drops the connection. */
  private onEvent(f: Extract<OkxPrivateFrame, { kind: 'event' }>): void {
    if (f.event === 'login' && f.code === '0') {
      this.sock.send(JSON.stringify({ op: 'subscribe', args: SUBSCRIPTIONS }));
    } else if (f.event === 'subscribe') {
      if (++this.acks === SUBSCRIPTIONS.length) this.sock.live();
    } else if (f.event === 'error' || f.event === 'login') {
      const reason = `${f.event} ${f.code ?? ''} ${f.msg ?? ''}`.trim();
      if (this.sock.connected) this.o.logger.warn({ code: f.code }, `okx private stream: ${reason}`);
      else this.sock.fail(reason);
    } else if (f.event === 'notice') {
      this.o.logger.warn({ code: f.code }, `okx private stream notice: ${f.msg ?? ''}`);
    }
  }
}

/** Returns the OKX private adapter for one API key (the passphrase is required by OKX). */
export const createOkxPrivate: PrivateAdapterFactory = (o) => new OkxPrivateAdapter(o);
