/**
 * Binance user data over a matching engine: listen keys (valid 60 min from the last keepalive;
 * `listenKeyExpired` when one lapses), delivery on every connection that names the active key
 * (`/ws/<key>`, `/stream?streams=<key>`, `/private/ws?listenKey=<key>`, `/private/ws/<key>`, or a
 * SUBSCRIBE to it), and on spot the WebSocket API subscription (`/ws-api/v3`,
 * `userDataStream.subscribe.signature`, events wrapped as {"subscriptionId", "event"}).
 *
 * Events: NEW / TRADE / CANCELED / EXPIRED order events (and AMENDMENT on USD-M, REPLACED on
 * spot, for an amended order) (ORDER_TRADE_UPDATE with a TRADE_LITE
 * ahead of each fill on USD-M, executionReport on spot), and per engine step one ACCOUNT_UPDATE
 * (USD-M: wallet balances that changed and positions) or outboundAccountPosition (spot). Private
 * faults act on the fill events (TRADE_LITE and TRADE together):
 *  - `delay-fill`: sent `delayFillMs` (1 s) later, by the clock;
 *  - `duplicate-fill`: sent twice (same trade id);
 *  - `fill-after-cancel`: the next fill that leaves its order open is held (the engine booked it at
 *    once) until that order's CANCELED event has gone out and sent right after it, as when a fill
 *    races the cancel; with no cancel it is released after `holdFillMs` (5 s).
 */
import type { Clock } from '../../../core/clock.ts';
import { writtenDecimals } from '../../../model/scale.ts';
import { abs, add, min, mul, neg, sign, sub, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimAccountEvent, SimBalance, SimExchange, SimFill, SimOrder, SimPosition } from '../../matching/types.ts';
import type { SimConnection, SimVenueServer } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import { hmacHex } from '../common/hexSignature.ts';
import { checkWsApiSignature } from './auth.ts';
import { accountUpdate, dec, executionReport, orderTradeUpdate, outboundAccountPosition, pad, tradeLite, type Execution } from './wire.ts';

export const WS_API_PATH = '/ws-api/v3';
const LISTEN_KEY_TTL_MS = 60 * 60 * 1000;

export interface BinanceStreamOptions {
  readonly futures: boolean;
  readonly clock: Clock;
  readonly delayFillMs: number;
  readonly holdFillMs: number;
}

interface Held {
  readonly events: Record<string, unknown>[];
  readonly timer: unknown;
}

/** The account's user data stream on one Binance market. */
export class BinanceUserStream {
  server: SimVenueServer | undefined;
  private key: { value: string; expiresAt: number; open: boolean } | undefined;
  private keyNo = 0;
  private readonly wsApi = new Map<SimConnection, Set<number>>();
  private subNo = 0;
  private readonly quote = new Map<string, Dec>();
  private readonly seen = new Set<string>();
  private readonly positions = new Map<string, SimPosition>();
  private readonly totals = new Map<string, string>();
  private readonly held = new Map<string, Held>();
  private readonly cancelIds = new Map<string, string>();
  private readonly realizedBy = new Map<string, Dec>();
  private captured: SimAccountEvent[] | undefined;
  private readonly pendingBalances = new Map<string, SimBalance>();
  private readonly pendingPositions = new Map<string, SimPosition>();
  private reason = 'ORDER';
  private queued = false;
  private traded = false;
  private eventNo = 1;

  constructor(
    private readonly engine: SimExchange,
    private readonly creds: SimCredentials,
    private readonly opts: BinanceStreamOptions,
  ) {
    engine.subscribe((ev) => (this.captured ? this.captured.push(ev) : this.onEvent(ev)));
  }

  // ---- listen keys ----

  /** Returns the active listen key, extended, or a new one (POST). */
  openKey(now: number): string {
    const k = this.activeKey(now);
    if (k) {
      k.expiresAt = now + LISTEN_KEY_TTL_MS;
      return k.value;
    }
    const value = hmacHex(this.creds.apiSecret, `listenKey:${this.creds.account}:${++this.keyNo}`);
    this.key = { value, expiresAt: now + LISTEN_KEY_TTL_MS, open: true };
    return value;
  }

  /** Extends the active key (PUT); false when there is none or it is not `value`. */
  keepAlive(now: number, value: string | undefined): boolean {
    const k = this.activeKey(now);
    if (!k || (value !== undefined && value !== k.value)) return false;
    k.expiresAt = now + LISTEN_KEY_TTL_MS;
    return true;
  }

  /** Closes the active key (DELETE); false when there is none or it is not `value`. */
  closeKey(now: number, value: string | undefined): boolean {
    const k = this.activeKey(now);
    if (!k || (value !== undefined && value !== k.value)) return false;
    k.open = false;
    return true;
  }

  /** Returns the open key, telling its connections once when it has lapsed. */
  private activeKey(now: number): { value: string; expiresAt: number; open: boolean } | undefined {
    const k = this.key;
    if (!k || !k.open) return undefined;
    if (now < k.expiresAt) return k;
    k.open = false;
    const ev = { e: 'listenKeyExpired', E: this.opts.futures ? now : String(now), listenKey: k.value };
    for (const c of this.keyConnections(k.value)) c.send(this.wrap(c, k.value, ev));
    return undefined;
  }

  private keyConnections(value: string): SimConnection[] {
    if (!this.server) return [];
    return [...this.server.connections].filter((c) => keysOf(c).includes(value));
  }

  private wrap(c: SimConnection, key: string, ev: unknown): string {
    const path = new URL(c.path, 'http://sim').pathname.replace(/^\/private/, '');
    return path.startsWith('/stream') ? JSON.stringify({ stream: key, data: ev }) : JSON.stringify(ev);
  }

  // ---- WebSocket API (spot) ----

  /** Handles a frame on a `/ws-api/v3` connection; false for any other connection. */
  message(server: SimVenueServer, conn: SimConnection, text: string): boolean {
    if (this.opts.futures || new URL(conn.path, 'http://sim').pathname !== WS_API_PATH) return false;
    this.server = server;
    this.wsApiRequest(server, conn, text);
    return true;
  }

  private wsApiRequest(server: SimVenueServer, conn: SimConnection, text: string): void {
    let req: { id?: unknown; method?: unknown; params?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.reply(JSON.stringify({ id: null, status: 400, error: { code: -1135, msg: 'Invalid JSON Request' } }));
      return;
    }
    const id = req.id ?? null;
    const ok = (result: unknown): void => conn.reply(JSON.stringify({ id, status: 200, result, rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000, count: 2 }] }));
    const fail = (status: number, code: number, msg: string): void => conn.reply(JSON.stringify({ id, status, error: { code, msg } }));
    const params = (typeof req.params === 'object' && req.params !== null ? req.params : {}) as Record<string, unknown>;
    const subs = this.wsApi.get(conn) ?? new Set<number>();
    switch (req.method) {
      case 'ping':
        return ok({});
      case 'time':
        return ok({ serverTime: server.now() });
      case 'userDataStream.subscribe.signature': {
        const bad = checkWsApiSignature(server.now(), this.creds, params);
        if (bad) return fail(bad.status, bad.code, bad.msg);
        const n = this.subNo++;
        subs.add(n);
        this.wsApi.set(conn, subs);
        return ok({ subscriptionId: n });
      }
      case 'userDataStream.unsubscribe': {
        const which = params.subscriptionId;
        if (which === undefined) subs.clear();
        else if (!subs.delete(Number(which))) return fail(400, -2, 'Invalid subscription ID');
        return ok({});
      }
      case 'session.subscriptions':
        return ok([...subs].map((subscriptionId) => ({ subscriptionId })));
      default:
        return fail(400, -1020, 'This operation is not supported.');
    }
  }

  closed(conn: SimConnection): void {
    this.wsApi.delete(conn);
  }

  /** Sends one event to every connection on the active listen key and every WebSocket API subscription. */
  private emit(ev: Record<string, unknown>): void {
    const now = this.server?.now() ?? 0;
    const k = this.activeKey(now);
    if (k) for (const c of this.keyConnections(k.value)) c.send(this.wrap(c, k.value, ev));
    for (const [c, subs] of this.wsApi) for (const n of subs) c.send(JSON.stringify({ subscriptionId: n, event: ev }));
  }

  // ---- engine events ----

  /** Runs `fn` holding back the engine events it causes, so the caller can drop an order's (USD-M refusals). */
  capture<T>(fn: () => T): { result: T; events: SimAccountEvent[] } {
    const outer = this.captured;
    this.captured = [];
    try {
      const result = fn();
      return { result, events: this.captured };
    } finally {
      this.captured = outer;
    }
  }

  /** Processes captured events, leaving out those of the order `drop`. */
  replay(events: readonly SimAccountEvent[], drop?: string): void {
    for (const ev of events) {
      if (drop !== undefined && ((ev.kind === 'order' && ev.order.orderId === drop) || (ev.kind === 'fill' && ev.fill.orderId === drop))) continue;
      this.onEvent(ev);
    }
  }

  /** Remembers the client id a spot cancel gave itself, reported in the CANCELED event's `c`. */
  cancelling(orderId: string, cancelId: string): void {
    // Only the cancel in flight needs its id; a refused one leaves nothing behind.
    this.cancelIds.clear();
    if (orderId !== '') this.cancelIds.set(orderId, cancelId);
  }

  /** Reports an amended order: ORDER_TRADE_UPDATE `x: AMENDMENT` on USD-M, executionReport `x: REPLACED` on spot. */
  amended(o: SimOrder): void {
    this.emit(this.orderEvent(o, { x: this.opts.futures ? 'AMENDMENT' : 'REPLACED' }));
  }

  /** Returns the PnL a USD-M fill realised as the stream booked it (userTrades `realizedPnl`). */
  realizedOf(tradeId: string): Dec {
    return this.realizedBy.get(tradeId) ?? ZERO;
  }

  /** Returns Σ price × qty of the order's fills as the stream saw them (cumQuote, cummulativeQuoteQty). */
  cumQuote(o: SimOrder): Dec {
    return this.quote.get(o.orderId) ?? (o.avgPrice ? mul(dec(o.avgPrice), dec(o.filledQty)) : ZERO);
  }

  private onEvent(ev: SimAccountEvent): void {
    const mine = (ev.kind === 'order' ? ev.order.account : ev.kind === 'fill' ? ev.fill.account : ev.kind === 'position' ? ev.position.account : ev.kind === 'balance' ? ev.balance.account : ev.account) === this.creds.account;
    if (!mine) return;
    switch (ev.kind) {
      case 'order':
        return this.onOrder(ev.order);
      case 'fill':
        return this.onFill(ev.fill);
      case 'position':
        this.positions.set(ev.position.symbol, ev.position);
        this.pendingPositions.set(ev.position.symbol, ev.position);
        return this.queueAccount();
      case 'balance':
        this.pendingBalances.set(ev.balance.asset, ev.balance);
        return this.queueAccount();
      case 'funding':
        this.reason = 'FUNDING_FEE';
        return this.queueAccount();
    }
  }

  private onOrder(o: SimOrder): void {
    if (o.status === 'rejected') return;
    this.ensureNew(o);
    if (o.status === 'canceled') {
      this.emit(this.orderEvent(o, { x: 'CANCELED' }));
      this.cancelIds.delete(o.orderId);
      this.release(o.orderId);
    } else if (o.status === 'expired') {
      this.emit(this.orderEvent(o, { x: 'EXPIRED' }));
    }
    // partially_filled / filled: the TRADE event of the fill that caused it already said so.
  }

  /** Sends the NEW event of an order the stream has not reported yet. */
  private ensureNew(o: SimOrder): void {
    if (this.seen.has(o.orderId)) return;
    this.seen.add(o.orderId);
    if (this.seen.size > 20_000) this.seen.delete(this.seen.values().next().value!);
    const fresh: SimOrder = { ...o, status: 'new', filledQty: pad('0', writtenDecimals(o.qty)), avgPrice: undefined, fee: '0', updatedAt: o.createdAt };
    this.emit(this.orderEvent(fresh, { x: 'NEW' }, ZERO));
  }

  private orderEvent(o: SimOrder, ex: Execution, cumQuote?: Dec): Record<string, unknown> {
    const now = this.server?.now() ?? 0;
    if (this.opts.futures) return orderTradeUpdate(o, ex, now);
    return executionReport(o, ex, cumQuote ?? this.cumQuote(o), now, this.eventNo++, this.cancelIds.get(o.orderId));
  }

  private onFill(f: SimFill): void {
    if (this.held.has(f.orderId)) this.release(f.orderId);
    this.traded = true;
    const order = this.engine.order(f.account, f.symbol, { orderId: f.orderId });
    if (!order) return;
    this.ensureNew(order);
    const q = add(this.quote.get(f.orderId) ?? ZERO, mul(dec(f.price), dec(f.qty)));
    this.quote.set(f.orderId, q);
    const now = this.server?.now() ?? 0;
    const realized = this.realized(f);
    if (this.opts.futures) this.realizedBy.set(f.tradeId, realized);
    if (this.realizedBy.size > 20_000) this.realizedBy.delete(this.realizedBy.keys().next().value!);
    const events = this.opts.futures
      ? [tradeLite(f, now), orderTradeUpdate(order, { x: 'TRADE', fill: f, realized }, now)]
      : [executionReport(order, { x: 'TRADE', fill: f }, q, now, this.eventNo++)];
    const server = this.server;
    const open = order.status === 'new' || order.status === 'partially_filled';
    if (server && open && server.take('fill-after-cancel')) {
      const timer = this.opts.clock.setTimeout(() => this.release(f.orderId), this.opts.holdFillMs);
      this.held.set(f.orderId, { events, timer });
      return;
    }
    if (server?.take('delay-fill')) {
      this.opts.clock.setTimeout(() => events.forEach((e) => this.emit(e)), this.opts.delayFillMs);
      return;
    }
    events.forEach((e) => this.emit(e));
    if (server?.take('duplicate-fill')) events.forEach((e) => this.emit(e));
  }

  /** Sends a held fill (after its order's CANCELED, or when the hold times out). */
  private release(orderId: string): void {
    const h = this.held.get(orderId);
    if (!h) return;
    this.held.delete(orderId);
    this.opts.clock.clearTimeout(h.timer);
    h.events.forEach((e) => this.emit(e));
  }

  /** Returns the PnL a fill realises against the position held before it (USD-M `rp`). */
  private realized(f: SimFill): Dec {
    const p = this.positions.get(f.symbol);
    const held = dec(p?.qty ?? '0');
    const signed = f.side === 'buy' ? dec(f.qty) : neg(dec(f.qty));
    if (sign(held) === 0 || sign(held) === sign(signed)) return ZERO;
    const closing = min(abs(held), abs(signed));
    const entry = dec(p?.entryPrice ?? '0');
    return mul(closing, sign(held) > 0 ? sub(dec(f.price), entry) : sub(entry, dec(f.price)));
  }

  /** Coalesces one engine step's balance and position changes into one account event. */
  private queueAccount(): void {
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      const now = this.server?.now() ?? 0;
      const balances = [...this.pendingBalances.values()];
      const positions = [...this.pendingPositions.values()];
      this.pendingBalances.clear();
      this.pendingPositions.clear();
      const reason = this.reason;
      const traded = this.traded;
      this.reason = 'ORDER';
      this.traded = false;
      if (!this.opts.futures) {
        if (balances.length > 0) this.emit(outboundAccountPosition(balances, now));
        return;
      }
      // USD-M tells wallet balance changes only, not margin held by new orders.
      const changed = balances.filter((b) => this.totals.get(b.asset) !== b.total);
      for (const b of balances) this.totals.set(b.asset, b.total);
      if (changed.length === 0 && positions.length === 0) return;
      // A wallet change with no trade and no funding in the step is a deposit (the engine's only other source).
      const why = reason === 'ORDER' && !traded && positions.length === 0 ? 'DEPOSIT' : reason;
      const lot = (symbol: string): number => writtenDecimals(this.server?.instruments.find((i) => i.symbol === symbol)?.lotSize.replace(/0+$/, '') ?? '1');
      this.emit(accountUpdate(why, changed, positions.map((p) => ({ ...p, qty: pad(p.qty, lot(p.symbol)) })), now));
    });
  }
}

/** Returns the listen keys a connection names: in its path, its `listenKey` or `streams` query, or its SUBSCRIBE topics. */
function keysOf(c: SimConnection): string[] {
  const url = new URL(c.path, 'http://sim');
  const path = url.pathname.replace(/^\/private/, '');
  const out = path.startsWith('/ws/') ? path.slice(4).split('/') : [];
  for (const s of (url.searchParams.get('streams') ?? '').split('/')) if (s) out.push(s);
  const lk = url.searchParams.get('listenKey');
  if (lk) out.push(lk);
  for (const t of c.topics) out.push(t);
  return out;
}

