/**
 * Bybit v5 private stream (`/v5/private`): the auth frame {"op":"auth","args":[apiKey, expires,
 * hex HMAC-SHA256(secret, "GET/realtime" + expires)]}, subscribe / unsubscribe to `order`,
 * `execution`, `position`, `wallet` (also their `.linear` forms), ping → pong, and the pushes fed
 * from the engine's account events with the private faults applied to executions:
 *  - `delay-fill`: the execution push is sent `delayFillMs` (1 s) later, by the clock;
 *  - `duplicate-fill`: the execution push is sent twice (same execId);
 *  - `fill-after-cancel`: the next fill that leaves its order open has its execution push held
 *    (the engine booked it at once) until the order's Cancelled push has gone out, and is sent
 *    right after it, as when a venue delivers a fill that raced the cancel; with no cancel it is
 *    released after `holdFillMs` (5 s) so nothing is lost.
 * Wallet pushes are coalesced per engine step (one per microtask), as Bybit sends one per change.
 */
import type { Clock } from '../../../core/clock.ts';
import { abs, cmp, decOfNumber, decText, isZero, min, mul, neg, sign, sub, ZERO } from '../../../model/decimal.ts';
import type { SimAccountEvent, SimExchange, SimFill, SimOrder, SimPosition } from '../../matching/types.ts';
import type { SimConnection, SimVenueServer } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import { hmacHex, sameHexSignature } from '../common/hexSignature.ts';
import { bybitExecution, bybitOrderPush, bybitPositionPush, bybitWallet, dec, leavesOf } from './wire.ts';

export const BYBIT_PRIVATE_PATH = '/v5/private';
const EXECUTIONS_KEPT = 20_000;
const TOPICS = new Set(['order', 'execution', 'position', 'wallet', 'order.linear', 'execution.linear', 'position.linear', 'greeks', 'dcp']);

export interface BybitStreamOptions {
  readonly clock: Clock;
  readonly fees: { readonly maker: number; readonly taker: number };
  readonly delayFillMs: number;
  readonly holdFillMs: number;
}

interface Held {
  readonly frame: string;
  readonly timer: unknown;
}

/** The private stream's state: which connections signed in, what the account looks like, held fills. */
export class BybitPrivateStream {
  server: SimVenueServer | undefined;
  private readonly authed = new Set<SimConnection>();
  private readonly positions = new Map<string, SimPosition>();
  private readonly positionTimesBySymbol = new Map<string, { created: number; updated: number }>();
  /** Orders the stream has pushed, so a place whose engine step told nothing can be pushed once. */
  private readonly seen = new Set<string>();
  private readonly held = new Map<string, Held>();
  /** Execution rows as pushed, by execId, so /v5/execution/list shows the same rows; bounded. */
  private readonly executions = new Map<string, Record<string, unknown>>();
  private seq = 1;
  private frameNo = 1;
  private walletQueued = false;

  constructor(
    private readonly engine: SimExchange,
    private readonly creds: SimCredentials,
    private readonly opts: BybitStreamOptions,
  ) {
    engine.subscribe((ev) => this.onEvent(ev));
  }

  /** Handles one frame on a `/v5/private` connection; false for any other connection. */
  message(server: SimVenueServer, conn: SimConnection, text: string): boolean {
    if (new URL(conn.path, 'http://sim').pathname !== BYBIT_PRIVATE_PATH) return false;
    this.server = server;
    this.request(server, conn, text);
    return true;
  }

  private request(server: SimVenueServer, conn: SimConnection, text: string): void {
    let req: { op?: unknown; args?: unknown; req_id?: unknown };
    try {
      req = JSON.parse(text) as typeof req;
    } catch {
      conn.reply(JSON.stringify({ success: false, ret_msg: 'Params Error', op: '', conn_id: connId(conn) }));
      return;
    }
    const reqId = typeof req.req_id === 'string' ? { req_id: req.req_id } : {};
    const answer = (op: string, success: boolean, retMsg: string): void =>
      conn.reply(JSON.stringify({ ...reqId, success, ret_msg: retMsg, op, conn_id: connId(conn) }));
    const args = Array.isArray(req.args) ? (req.args as unknown[]) : [];
    switch (req.op) {
      case 'ping':
        conn.reply(JSON.stringify({ ...reqId, op: 'pong', args: [String(server.now())], conn_id: connId(conn) }));
        return;
      case 'auth':
        answer('auth', ...this.auth(server, conn, args));
        return;
      case 'subscribe':
      case 'unsubscribe': {
        if (!this.authed.has(conn)) return answer(req.op, false, 'Request not authorized');
        const bad = args.filter((t) => typeof t !== 'string' || !TOPICS.has(t));
        if (bad.length > 0) return answer(req.op, false, `error:handler not found,topic:${bad.map(String).join(',')}`);
        for (const t of args as string[]) {
          if (req.op === 'subscribe') conn.topics.add(t);
          else conn.topics.delete(t);
        }
        answer(req.op, true, '');
        return;
      }
      default:
        answer(String(req.op ?? ''), false, `error:invalid op ${String(req.op)}`);
        return;
    }
  }

  closed(conn: SimConnection): void {
    this.authed.delete(conn);
  }

  private auth(server: SimVenueServer, conn: SimConnection, args: unknown[]): [boolean, string] {
    const [key, expires, signature] = args;
    const exp = typeof expires === 'number' ? expires : typeof expires === 'string' && /^\d+$/.test(expires) ? Number(expires) : NaN;
    if (typeof key !== 'string' || typeof signature !== 'string' || Number.isNaN(exp)) return [false, 'Params Error'];
    if (key !== this.creds.apiKey) return [false, 'Invalid apikey'];
    // An expiry in the past is what Bybit answers "Params Error" to (pybit #300, api-usage-examples #70).
    if (exp <= server.now()) return [false, 'Params Error'];
    if (!sameHexSignature(signature, hmacHex(this.creds.apiSecret, `GET/realtime${String(expires)}`))) return [false, 'Signature does not match'];
    if (this.authed.has(conn)) return [false, 'Request repeated'];
    this.authed.add(conn);
    return [true, ''];
  }

  /** Returns the position's update times as the stream has seen them (REST shows the same). */
  positionTimes(symbol: string, now: number): { created: number; updated: number } {
    return this.positionTimesBySymbol.get(symbol) ?? { created: now, updated: now };
  }

  /** Returns the next position sequence number (REST and pushes share one counter). */
  nextSeq(): number {
    return this.seq++;
  }

  /** Pushes an order the engine did not tell about (a place that rested silently, or a synthetic refusal). */
  orderPlaced(order: SimOrder): void {
    if (this.seen.has(order.orderId)) return;
    this.pushOrder(order);
  }

  /** Returns a fill as /v5/execution/list lists it: the row pushed for it, else one built now (no closed PnL). */
  executionRow(fill: SimFill): Record<string, unknown> {
    const pushed = this.executions.get(fill.tradeId);
    if (pushed) return pushed;
    const order = this.engine.order(fill.account, fill.symbol, { orderId: fill.orderId });
    const rate = fill.liquidity === 'maker' ? this.opts.fees.maker : this.opts.fees.taker;
    const ctx = { order, leaves: order ? leavesOf(order) : ZERO, closedSize: ZERO, execPnl: ZERO, feeRate: decText(decOfNumber(rate)), markPrice: fill.price, seq: this.seq++ };
    return bybitExecution(fill, ctx, 'USDT');
  }

  /** Called after a cancel succeeded: sends a held fill of that order after its Cancelled push. */
  canceled(orderId: string): void {
    const h = this.held.get(orderId);
    if (!h) return;
    this.held.delete(orderId);
    this.opts.clock.clearTimeout(h.timer);
    this.send('execution', h.frame);
  }

  private onEvent(ev: SimAccountEvent): void {
    switch (ev.kind) {
      case 'order':
        if (ev.order.account === this.creds.account) this.pushOrder(ev.order);
        return;
      case 'fill':
        if (ev.fill.account === this.creds.account) this.pushFill(ev.fill);
        return;
      case 'position':
        if (ev.position.account === this.creds.account) this.pushPosition(ev.position);
        return;
      case 'balance':
        if (ev.balance.account === this.creds.account) this.queueWallet();
        return;
      case 'funding':
        if (ev.account === this.creds.account) this.pushFunding(ev.symbol, ev.amount, ev.rate);
        return;
    }
  }

  private pushOrder(order: SimOrder): void {
    this.seen.add(order.orderId);
    if (this.seen.size > 20_000) this.seen.delete(this.seen.values().next().value!);
    this.send('order', () => this.frame('order', [bybitOrderPush(order)]));
  }

  private pushFill(fill: SimFill): void {
    // A later fill of an order whose earlier fill is held releases it first: fills keep their order.
    if (this.held.has(fill.orderId)) this.canceled(fill.orderId);
    const order = this.engine.order(fill.account, fill.symbol, { orderId: fill.orderId });
    const leaves = order ? leavesOf(order) : ZERO;
    const prev = this.positions.get(fill.symbol);
    const held = dec(prev?.qty ?? '0');
    const signed = fill.side === 'buy' ? dec(fill.qty) : neg(dec(fill.qty));
    // The part of a fill against the position's sign closes it; its PnL is against the entry price.
    const closing = sign(held) !== 0 && sign(held) !== sign(signed) ? min(abs(held), abs(signed)) : ZERO;
    const entry = dec(prev?.entryPrice ?? '0');
    const pnl = isZero(closing) ? ZERO : mul(closing, sign(held) > 0 ? sub(dec(fill.price), entry) : sub(entry, dec(fill.price)));
    const rate = fill.liquidity === 'maker' ? this.opts.fees.maker : this.opts.fees.taker;
    const row = bybitExecution(
      fill,
      { order, leaves, closedSize: closing, execPnl: pnl, feeRate: decText(decOfNumber(rate)), markPrice: prev?.markPrice || fill.price, seq: this.seq++ },
      'USDT',
    );
    this.executions.set(fill.tradeId, row);
    if (this.executions.size > EXECUTIONS_KEPT) this.executions.delete(this.executions.keys().next().value!);
    const frame = this.frame('execution', [row]);
    const server = this.server;
    if (server && cmp(leaves, ZERO) > 0 && !this.held.has(fill.orderId) && server.take('fill-after-cancel')) {
      const timer = this.opts.clock.setTimeout(() => this.canceled(fill.orderId), this.opts.holdFillMs);
      this.held.set(fill.orderId, { frame, timer });
      return;
    }
    if (server?.take('delay-fill')) {
      this.opts.clock.setTimeout(() => this.send('execution', frame), this.opts.delayFillMs);
      return;
    }
    this.send('execution', frame);
    if (server?.take('duplicate-fill')) this.send('execution', frame);
  }

  private pushPosition(p: SimPosition): void {
    const now = this.server?.now() ?? 0;
    const times = this.positionTimesBySymbol.get(p.symbol) ?? { created: now, updated: now };
    times.updated = now;
    this.positionTimesBySymbol.set(p.symbol, times);
    this.positions.set(p.symbol, p);
    this.send('position', () => this.frame('position', [bybitPositionPush(p, this.seq++, times)]));
  }

  private pushFunding(symbol: string, amount: string, rate: string): void {
    const p = this.positions.get(symbol);
    const now = this.server?.now() ?? 0;
    // A funding settlement is an execution of type Funding; execFee is what the account paid.
    const fill: SimFill = { tradeId: `funding-${symbol}-${now}`, orderId: '', clientOrderId: '', account: this.creds.account, symbol, side: dec(p?.qty ?? '0').v >= 0n ? 'buy' : 'sell', price: p?.markPrice ?? '0', qty: decText(abs(dec(p?.qty ?? '0'))), fee: decText(neg(dec(amount))), feeAsset: 'USDT', liquidity: 'taker', ts: now };
    const row = bybitExecution(fill, { order: undefined, leaves: ZERO, closedSize: ZERO, execPnl: ZERO, feeRate: rate, markPrice: p?.markPrice ?? '0', seq: this.seq++ }, 'USDT');
    this.send('execution', this.frame('execution', [{ ...row, execType: 'Funding', orderType: 'UNKNOWN', orderPrice: '0', orderQty: '0', isMaker: false }]));
  }

  private queueWallet(): void {
    if (this.walletQueued) return;
    this.walletQueued = true;
    queueMicrotask(() => {
      this.walletQueued = false;
      const account = this.creds.account;
      this.send('wallet', () => this.frame('wallet', [bybitWallet(this.engine.balances(account), this.engine.positions(account))]));
    });
  }

  private frame(topic: string, data: unknown[]): string {
    const now = this.server?.now() ?? 0;
    return JSON.stringify({ id: `sim-${topic}-${this.frameNo++}`, topic, creationTime: now, data });
  }

  /** Sends to every signed-in connection subscribed to `topic` or its `.linear` form; builds nothing for none. */
  private send(topic: string, frame: string | (() => string)): void {
    let text: string | undefined;
    for (const c of this.authed) {
      if (!c.topics.has(topic) && !c.topics.has(`${topic}.linear`)) continue;
      text ??= typeof frame === 'string' ? frame : frame();
      c.send(text);
    }
  }
}

const connId = (conn: SimConnection): string => `sim-private-${conn.id}`;
