/**
 * The Bitget v2 private adapter: USDT-M futures (productType USDT-FUTURES, one-way position mode,
 * crossed margin in USDT; Fleet symbols `BTCUSDT`) and spot (Fleet symbols `BTCUSDT_SPBL`, `BTCUSDT`
 * on the wire), one adapter routing each call by symbol. REST goes through PrivateHttp, signed with
 * the passphrase (auth.ts); the private stream logs in on `/v2/ws/private` and subscribes `orders`,
 * `fill`, `positions` (futures) and `account` for the markets traded, kept alive with text ping.
 *
 * Venue rules followed (https://www.bitget.com/api-doc/...):
 * - contract/trade/Place-Order, spot/trade/Place-Order: `clientOid` is unique, a repeat answers
 *   40786 "Duplicate clientOid", so a place is repeatable and a duplicate is queried and returned.
 *   A spot market buy's `size` is the quote amount to spend, which a base quantity cannot say: refused.
 * - contract/trade/Modify-Order: `newClientOid` is required and size and price are sent together;
 *   the adapter passes the order's own client id as `newClientOid` (execution keeps one id per
 *   order). Spot has no modify: an amend there is refused (cancel and replace).
 * - contract/trade/Cancel-Order, spot/trade/Cancel-Order: the answer is only the ids (undefined
 *   here; the stream reports the state); an unknown or closed order is 40768 / 43001 (notFound).
 * - contract/trade/Get-Order-Details answers 40109 for an unknown id; spot/trade/Get-Order-Info an
 *   empty list: both mean `undefined`.
 * - common/websocket-intro: login signs timestamp(seconds) + "GET" + "/user/verify"; "ping" every
 *   30 s, "pong" back; every private push is `action: "snapshot"`.
 */
import type { RateLimiter } from '../../execution/rateLimiter.ts';
import { Subject, type Observable } from 'rxjs';
import { ErrorCodes, FleetError } from '../../core/errors.ts';
import { privateTransport, type PrivateHttp, type PrivateCall, type SignedRequest, type Unwrapped, type VenueWire } from '../../execution/privateHttp.ts';
import { PrivateSocket } from '../../execution/privateSocket.ts';
import type {
  AmendRequest, FeeRate, PlaceRequest, PrivateAdapter, PrivateAdapterFactory, PrivateAdapterOptions, PrivateEvent,
  VenueBalance, VenueCallDetails, VenueFill, VenueOrder, VenuePosition,
} from '../../execution/types.ts';
import type { RawResponse, RestClient } from '../rest.ts';
import { bitgetWsLogin, signBitgetRequest, type BitgetKey } from './auth.ts';
import { BITGET_LIMITS, BITGET_PRODUCT_TYPE } from './constants.ts';
import { classify } from './errors.ts';
import { BITGET_RATE_LIMITS } from './limits.ts';
import type { BitgetAccountRow, BitgetEnvelope, BitgetFillRow, BitgetOrderAck, BitgetOrderRow, BitgetPositionRow, BitgetTradeRate } from './privateMessages.ts';
import { BITGET_FORCE, parseBitgetBalance, parseBitgetFill, parseBitgetOrder, parseBitgetPosition, parseBitgetPrivateFrame, type BitgetOrderShape } from './privateParse.ts';
import { bitgetSymbol, bitgetWire } from './symbols.ts';
import { BITGET_PING } from './ws.ts';

export const BITGET_WS_PRIVATE_PATH = '/v2/ws/private';
/** USDT-FUTURES margin in USDT, crossed, one-way position mode. */
const MARGIN = { marginMode: 'crossed', marginCoin: 'USDT' } as const;

const MIX = {
  place: '/api/v2/mix/order/place-order',
  cancel: '/api/v2/mix/order/cancel-order',
  modify: '/api/v2/mix/order/modify-order',
  detail: '/api/v2/mix/order/detail',
  pending: '/api/v2/mix/order/orders-pending',
  fills: '/api/v2/mix/order/fills',
  positions: '/api/v2/mix/position/all-position',
  accounts: '/api/v2/mix/account/accounts',
} as const;

const SPOT = {
  place: '/api/v2/spot/trade/place-order',
  cancel: '/api/v2/spot/trade/cancel-order',
  orderInfo: '/api/v2/spot/trade/orderInfo',
  unfilled: '/api/v2/spot/trade/unfilled-orders',
  fills: '/api/v2/spot/trade/fills',
  assets: '/api/v2/spot/account/assets',
} as const;

const TRADE_RATE = '/api/v2/common/trade-rate';
/** A zero quantity, signed or not ("0", "-0.000"). */
const FLAT = /^-?0*(\.0*)?$/;

const FORCE_OF: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(BITGET_FORCE).map(([force, tif]) => [tif, force]));

/** Returns Bitget's signing, envelope and error table for one key. */
export function bitgetVenueWire(key: BitgetKey): VenueWire {
  return {
    venue: 'bitget',
    sign(call: PrivateCall, now: number): SignedRequest {
      const fields = Object.entries(call.params ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]);
      const headers = { locale: 'en-US' };
      if (call.method === 'GET' || call.method === 'DELETE') {
        const query = new URLSearchParams(fields).toString();
        const auth = signBitgetRequest(key, { method: 'GET', requestPath: call.path, query, timestamp: now });
        return { pathAndQuery: query === '' ? call.path : `${call.path}?${query}`, headers: { ...headers, ...auth } };
      }
      const body = JSON.stringify(Object.fromEntries(fields));
      return { pathAndQuery: call.path, headers: { ...headers, ...signBitgetRequest(key, { method: 'POST', requestPath: call.path, body, timestamp: now }) }, body };
    },
    unwrap(res: RawResponse): Unwrapped {
      const env = JSON.parse(res.text) as BitgetEnvelope;
      if (env.code === '00000' && res.status < 400) return { ok: true, data: env.data };
      return { ok: false, ...(env.code !== undefined ? { code: String(env.code) } : {}), message: env.msg ?? `HTTP ${res.status}` };
    },
    classify,
    duplicateCodes: ['40786', '40708'],
    notFoundCodes: ['40768', '43001', '40109'],
  };
}

interface Market {
  readonly spot: boolean;
  /** The wire symbol (`BTCUSDT` for both markets). */
  readonly wire: string;
}

function market(symbol: string): Market {
  const w = bitgetWire(symbol);
  return { spot: w.instType === 'SPOT', wire: w.instId };
}

function details(err: unknown): VenueCallDetails | undefined {
  return err instanceof FleetError ? (err.details as VenueCallDetails | undefined) : undefined;
}

class BitgetPrivate implements PrivateAdapter {
  readonly venue;
  readonly paper = false;
  private readonly subject = new Subject<PrivateEvent>();
  readonly events$: Observable<PrivateEvent> = this.subject.asObservable();
  readonly limiter: RateLimiter;
  private readonly rest: RestClient;
  private readonly http: PrivateHttp;
  private readonly socket: PrivateSocket;
  private readonly futures: boolean;
  private readonly spot: boolean;
  private readonly subs: readonly Record<string, string>[];
  private acks = 0;
  /** Futures symbols with a position, to report the ones a `positions` snapshot no longer lists as flat. */
  private positioned = new Set<string>();

  constructor(private readonly o: PrivateAdapterOptions) {
    this.venue = o.venue;
    const key: BitgetKey = { apiKey: o.key, apiSecret: o.secret, passphrase: o.passphrase ?? '' };
    const all = o.symbols.length === 0;
    this.spot = all || o.symbols.some((s) => market(s).spot);
    this.futures = all || o.symbols.some((s) => !market(s).spot);
    this.subs = this.subscriptions();
    ({ limiter: this.limiter, rest: this.rest, http: this.http } = privateTransport(o, BITGET_RATE_LIMITS, bitgetVenueWire(key)));
    this.socket = new PrivateSocket({
      name: 'bitget-private',
      clock: o.clock,
      url: () => o.privateWsUrl.replace(/\/+$/, '') + BITGET_WS_PRIVATE_PATH,
      onOpen: (sock) => {
        this.acks = 0;
        sock.send(JSON.stringify(bitgetWsLogin(key, Math.floor(o.clock.now() / 1000))));
      },
      onFrame: (text) => this.onFrame(text),
      onState: (state, reason) => this.subject.next({ kind: 'stream', state, reason }),
      pingFrame: () => BITGET_PING,
      pingIntervalMs: BITGET_LIMITS.pingIntervalMs,
      silenceMs: BITGET_LIMITS.silenceTimeoutMs,
      ...(o.backoff ? { backoff: o.backoff } : {}),
    });
  }

  start(): Promise<void> {
    return this.socket.start();
  }

  async stop(): Promise<void> {
    this.socket.stop();
    this.rest.close();
    this.subject.complete();
  }

  async place(req: PlaceRequest): Promise<VenueOrder> {
    const m = market(req.symbol);
    const endpoint = m.spot ? 'spotOrder' : 'order';
    if (req.type === 'limit' && req.price === undefined) throw this.refused(endpoint, 'a limit order needs a price', ErrorCodes.BAD_ARGUMENTS);
    if (m.spot && req.type === 'market' && req.side === 'buy') {
      throw this.refused(endpoint, 'a Bitget spot market buy is sized in quote currency: place a marketable limit IOC instead', ErrorCodes.BAD_ARGUMENTS);
    }
    const params = {
      symbol: m.wire,
      ...(m.spot ? {} : { productType: BITGET_PRODUCT_TYPE, ...MARGIN }),
      side: req.side,
      orderType: req.type,
      force: req.type === 'limit' ? FORCE_OF[req.tif] : undefined,
      price: req.type === 'limit' ? req.price : undefined,
      size: req.qty,
      clientOid: req.clientOrderId,
      reduceOnly: !m.spot && req.reduceOnly ? 'YES' : undefined,
    };
    try {
      const ack = await this.http.call<BitgetOrderAck>({ endpoint, method: 'POST', path: m.spot ? SPOT.place : MIX.place, params, retry: false });
      if (typeof ack?.orderId !== 'string') throw this.invalid(endpoint, 'place answered without an orderId');
      return {
        symbol: req.symbol,
        clientOrderId: req.clientOrderId,
        venueOrderId: ack.orderId,
        side: req.side,
        type: req.type,
        tif: req.tif,
        ...(req.price !== undefined ? { price: req.price } : {}),
        qty: req.qty,
        filledQty: '0',
        status: 'new',
        ...(req.reduceOnly !== undefined ? { reduceOnly: req.reduceOnly } : {}),
        updatedAt: this.o.clock.now(),
      };
    } catch (e) {
      // A repeated place whose first attempt reached the venue: the order exists, report it.
      const existing = details(e)?.duplicate ? await this.query(req.symbol, req.clientOrderId) : undefined;
      if (existing) return existing;
      throw e;
    }
  }

  /** Cancels by clientOid; resolves undefined (Bitget answers ids only; the stream brings the state). */
  async cancel(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const m = market(symbol);
    const params = { symbol: m.wire, ...(m.spot ? {} : { productType: BITGET_PRODUCT_TYPE, marginCoin: MARGIN.marginCoin }), clientOid: clientOrderId };
    await this.http.call({ endpoint: m.spot ? 'spotCancelOrder' : 'cancelOrder', method: 'POST', path: m.spot ? SPOT.cancel : MIX.cancel, params, retry: false });
    return undefined;
  }

  /** Modifies a futures order's size and price (both sent, the missing one from the order); resolves with the order as queried after. */
  async amend(req: AmendRequest): Promise<VenueOrder | undefined> {
    const m = market(req.symbol);
    if (req.qty === undefined && req.price === undefined) throw this.refused('amendOrder', `amend of ${req.clientOrderId} changes nothing`, ErrorCodes.BAD_ARGUMENTS);
    if (m.spot) throw this.refused('amendOrder', 'Bitget spot has no order amend: cancel and replace', ErrorCodes.VENUE_REJECTED);
    const current = await this.query(req.symbol, req.clientOrderId);
    if (!current) throw this.refused('amendOrder', `no order ${req.clientOrderId} to amend`, ErrorCodes.VENUE_REJECTED, { notFound: true });
    const params = {
      symbol: m.wire,
      productType: BITGET_PRODUCT_TYPE,
      marginCoin: MARGIN.marginCoin,
      clientOid: req.clientOrderId,
      newClientOid: req.clientOrderId,
      // "Modifying size and price, please pass in both, not just one of them."
      newSize: req.qty ?? current.qty,
      newPrice: req.price ?? current.price,
    };
    await this.http.call({ endpoint: 'amendOrder', method: 'POST', path: MIX.modify, params, retry: false });
    return this.query(req.symbol, req.clientOrderId);
  }

  async query(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const m = market(symbol);
    if (m.spot) {
      const rows = await this.http.call<BitgetOrderRow[]>({ endpoint: 'spotQueryOrder', method: 'GET', path: SPOT.orderInfo, params: { clientOid: clientOrderId }, retry: true });
      return rows?.[0] ? this.order('spotQueryOrder', rows[0], symbol, 'rest') : undefined;
    }
    try {
      const row = await this.http.call<BitgetOrderRow>({
        endpoint: 'queryOrder', method: 'GET', path: MIX.detail, params: { symbol: m.wire, productType: BITGET_PRODUCT_TYPE, clientOid: clientOrderId }, retry: true,
      });
      return this.order('queryOrder', row, symbol, 'rest');
    } catch (e) {
      if (details(e)?.notFound) return undefined;
      throw e;
    }
  }

  async fills(symbol: string, clientOrderId: string, venueOrderId?: string): Promise<VenueFill[]> {
    const orderId = venueOrderId ?? (await this.query(symbol, clientOrderId))?.venueOrderId;
    if (orderId === undefined) return [];
    const m = market(symbol);
    const endpoint = m.spot ? 'spotFills' : 'fills';
    const data = await this.http.call<BitgetFillRow[] | { fillList?: BitgetFillRow[] | null }>({
      endpoint, method: 'GET', path: m.spot ? SPOT.fills : MIX.fills, params: { symbol: m.wire, orderId, ...(m.spot ? {} : { productType: BITGET_PRODUCT_TYPE }) }, retry: true,
    });
    const rows = (Array.isArray(data) ? data : data?.fillList) ?? [];
    // Bitget lists newest first; fills of one match share a millisecond, so reverse before the stable sort.
    return rows.map((r) => this.read(endpoint, parseBitgetFill(r, symbol, clientOrderId))).reverse().sort((a, b) => a.ts - b.ts);
  }

  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const m = symbol === undefined ? undefined : market(symbol);
    const out: VenueOrder[] = [];
    if (m ? !m.spot : this.futures) {
      const data = await this.http.call<{ entrustedList?: BitgetOrderRow[] | null }>({
        endpoint: 'openOrders', method: 'GET', path: MIX.pending, params: { productType: BITGET_PRODUCT_TYPE, symbol: m?.wire }, retry: true,
      });
      for (const r of data?.entrustedList ?? []) out.push(this.order('openOrders', r, bitgetSymbol('USDT-FUTURES', r.symbol ?? '')!, 'rest'));
    }
    if (m ? m.spot : this.spot) {
      const rows = await this.http.call<BitgetOrderRow[]>({ endpoint: 'spotOpenOrders', method: 'GET', path: SPOT.unfilled, params: { symbol: m?.wire }, retry: true });
      for (const r of rows ?? []) out.push(this.order('spotOpenOrders', r, bitgetSymbol('SPOT', r.symbol ?? '')!, 'spot-unfilled'));
    }
    return out;
  }

  async positions(): Promise<VenuePosition[]> {
    if (!this.futures) return [];
    const rows = await this.http.call<BitgetPositionRow[]>({
      endpoint: 'positions', method: 'GET', path: MIX.positions, params: { productType: BITGET_PRODUCT_TYPE, marginCoin: MARGIN.marginCoin }, retry: true,
    });
    return (rows ?? []).map((r) => this.read('positions', parseBitgetPosition(r))).filter((p) => !FLAT.test(p.qty));
  }

  /** Returns the futures margin coins, then the spot assets: the same coin may appear once in each account. */
  async balances(): Promise<VenueBalance[]> {
    const out: VenueBalance[] = [];
    if (this.futures) {
      const rows = await this.http.call<BitgetAccountRow[]>({ endpoint: 'accounts', method: 'GET', path: MIX.accounts, params: { productType: BITGET_PRODUCT_TYPE }, retry: true });
      for (const r of rows ?? []) out.push(this.read('accounts', parseBitgetBalance(r)));
    }
    if (this.spot) {
      const rows = await this.http.call<BitgetAccountRow[]>({ endpoint: 'spotAssets', method: 'GET', path: SPOT.assets, params: {}, retry: true });
      for (const r of rows ?? []) out.push(this.read('spotAssets', parseBitgetBalance(r)));
    }
    return out;
  }

  async feeRates(symbols: readonly string[]): Promise<FeeRate[]> {
    const out: FeeRate[] = [];
    for (const symbol of symbols) {
      const m = market(symbol);
      const rate = await this.http.call<BitgetTradeRate>({
        endpoint: 'feeRate', method: 'GET', path: TRADE_RATE, params: { symbol: m.wire, businessType: m.spot ? 'spot' : 'mix' }, retry: true,
      });
      if (typeof rate?.makerFeeRate !== 'string' || typeof rate.takerFeeRate !== 'string') throw this.invalid('feeRate', `no fee rates for ${symbol}`);
      out.push({ symbol, maker: rate.makerFeeRate, taker: rate.takerFeeRate });
    }
    return out;
  }

  /** The private subscriptions: orders and fills per market, positions (futures), accounts. */
  private subscriptions(): Record<string, string>[] {
    const subs: Record<string, string>[] = [];
    if (this.futures) {
      for (const channel of ['orders', 'fill', 'positions']) subs.push({ instType: BITGET_PRODUCT_TYPE, channel, instId: 'default' });
      subs.push({ instType: BITGET_PRODUCT_TYPE, channel: 'account', coin: 'default' });
    }
    if (this.spot) {
      for (const channel of ['orders', 'fill']) subs.push({ instType: 'SPOT', channel, instId: 'default' });
      subs.push({ instType: 'SPOT', channel: 'account', coin: 'default' });
    }
    return subs;
  }

  private onFrame(text: string): void {
    const f = parseBitgetPrivateFrame(text);
    switch (f.kind) {
      case 'login':
        this.socket.send(JSON.stringify({ op: 'subscribe', args: this.subs }));
        return;
      case 'subscribed':
        if (++this.acks === this.subs.length) this.socket.live();
        return;
      case 'error':
        if (this.socket.connected) this.o.logger.warn({ detail: f.detail }, 'bitget private stream error');
        else this.socket.fail(f.detail);
        return;
      case 'push':
        for (const ev of f.events) this.subject.next(ev);
        if (f.channel === 'positions') this.reportFlat(f.events);
        return;
      default:
    }
  }

  /** A `positions` push lists every open position: one that was open and is missing went flat. */
  private reportFlat(events: readonly PrivateEvent[]): void {
    const open = new Set(events.flatMap((ev) => (ev.kind === 'position' && !FLAT.test(ev.position.qty) ? [ev.position.symbol] : [])));
    for (const symbol of this.positioned) {
      if (!open.has(symbol)) this.subject.next({ kind: 'position', position: { symbol, qty: '0', entryPrice: '0' } });
    }
    this.positioned = open;
  }

  private order(endpoint: string, row: BitgetOrderRow, symbol: string, shape: BitgetOrderShape): VenueOrder {
    return this.read(endpoint, parseBitgetOrder(row, symbol, shape, market(symbol).spot));
  }

  private read<T>(endpoint: string, v: T | string): T {
    if (typeof v === 'string') throw this.invalid(endpoint, v);
    return v;
  }

  private invalid(endpoint: string, reason: string): FleetError {
    const d: VenueCallDetails = { venue: this.venue, endpoint, reason };
    return new FleetError(ErrorCodes.VENUE_RESPONSE_INVALID, `bitget ${endpoint}: ${reason}`, 'retryable', d);
  }

  private refused(endpoint: string, reason: string, code: typeof ErrorCodes.BAD_ARGUMENTS | typeof ErrorCodes.VENUE_REJECTED, extra: Partial<VenueCallDetails> = {}): FleetError {
    const d: VenueCallDetails = { venue: this.venue, endpoint, reason, ...extra };
    return new FleetError(code, `bitget ${endpoint}: ${reason}`, 'non-retryable', d);
  }
}

/** Returns the Bitget private adapter for one API key (futures and spot, routed by symbol). */
export const createBitgetPrivate: PrivateAdapterFactory = (o) => new BitgetPrivate(o);
