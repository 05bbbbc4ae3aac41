/**
 * Bitget v2 private WebSocket (`/v2/ws/private`): text ping/pong, `login` with the signed
 * `/user/verify` prehash (a refused login is an error event and the socket stays open, as Bitget
 * does), then `orders` (USDT-FUTURES or SPOT, `instId` "default" or a symbol; no snapshot, one
 * push per order update with the fill's `fillPrice`/`baseVolume`/`tradeId`), `positions`
 * (USDT-FUTURES; the whole list on subscribe and on every change) and `account` (`coin`
 * "default" or a coin; a snapshot on subscribe, then the changed balance). Every push has
 * `action: "snapshot"`, as the v2 private channels send. `fill` (USDT-FUTURES or SPOT, "default" or a
 * symbol) pushes each execution once, beside the `orders` update it caused (the same faults apply
 * to both: a delayed, duplicated or after-cancel fill shows on both channels). Anything before
 * login is refused (30004).
 */
import { bitgetWire } from '../../../adapters/bitget/symbols.ts';
import type { InstrumentSpec } from '../../../model/instrument.ts';
import { add, parseDec, ZERO, type Dec } from '../../../model/decimal.ts';
import type { SimBalance, SimPosition } from '../../matching/types.ts';
import type { SimConnection, SimVenueServer } from '../../protocolServer.ts';
import type { LedgerStreamDeps } from '../common/ledgerSide.ts';
import { OpConnections, type OpConnState } from '../common/opConnections.ts';
import type { FeedSink, OrderPush } from '../okx/feed.ts';
import { bitgetLoginError, type BitgetLoginArg } from './auth.ts';
import { BITGET_WS, type BitgetWsError } from './errors.ts';
import { mixWsAccountRow, mixWsFillRow, mixWsOrderRow, mixWsPositionRow, spotAssetRow, spotWsFillRow, spotWsOrderRow, type BitgetOrderContext, type BitgetOrderMeta } from './rows.ts';

export const BITGET_WS_PRIVATE_PATH = '/v2/ws/private';

type Channel = 'orders' | 'fill' | 'positions' | 'account';
type InstType = 'USDT-FUTURES' | 'SPOT';

interface Sub {
  readonly instType: InstType;
  readonly channel: Channel;
  /** `instId` for orders/positions, `coin` for account; "default" means all. */
  readonly target: string;
}

export interface BitgetStreamDeps extends LedgerStreamDeps<BitgetOrderMeta> {
  readonly userId: string;
}

const CHANNELS: Readonly<Record<Channel, ReadonlySet<InstType>>> = {
  orders: new Set(['USDT-FUTURES', 'SPOT']),
  fill: new Set(['USDT-FUTURES', 'SPOT']),
  positions: new Set(['USDT-FUTURES']),
  account: new Set(['USDT-FUTURES', 'SPOT']),
};

/** The private stream of one API key: connection states, frame handling and the feed's sink. */
export class BitgetPrivateStream implements FeedSink {
  private readonly conns = new OpConnections<Sub>(BITGET_WS_PRIVATE_PATH, {
    login: (conn, state, req) => this.login(conn, state, req.args),
    subscribe: (conn, state, op, a) => this.subscribe(conn, state, op, a),
    malformed: (conn) => this.error(conn, BITGET_WS.badRequest),
    notLoggedIn: (conn) => this.error(conn, BITGET_WS.notLoggedIn),
    unknownOp: (conn) => this.error(conn, BITGET_WS.badRequest),
  });

  constructor(private readonly deps: BitgetStreamDeps) {}

  /** Handles one frame of a private connection; false when the connection is not on the private path. */
  message(_server: SimVenueServer, conn: SimConnection, text: string): boolean {
    return this.conns.message(conn, text);
  }

  closed(conn: SimConnection): void {
    this.conns.closed(conn);
  }

  private error(conn: SimConnection, err: BitgetWsError, extra: Record<string, unknown> = {}): void {
    conn.reply(JSON.stringify({ event: 'error', ...extra, code: err.code, msg: err.msg }));
  }

  private login(conn: SimConnection, state: OpConnState<Sub>, args: unknown): void {
    const arg = Array.isArray(args) ? (args[0] as BitgetLoginArg | undefined) : undefined;
    const err = bitgetLoginError(arg, this.deps.creds, this.deps.authNow());
    if (err) return this.error(conn, err);
    state.loggedIn = true;
    conn.reply(JSON.stringify({ event: 'login', code: 0, msg: '' }));
  }

  private subscribe(conn: SimConnection, state: OpConnState<Sub>, op: 'subscribe' | 'unsubscribe', a: Record<string, unknown>): void {
    const instType = String(a.instType);
    const channel = String(a.channel);
    const targetKey = channel === 'account' ? 'coin' : 'instId';
    const target = typeof a[targetKey] === 'string' && a[targetKey] !== '' ? String(a[targetKey]) : 'default';
    const types = CHANNELS[channel as Channel];
    if (!types || !types.has(instType as InstType)) {
      return this.error(conn, BITGET_WS.noChannel(instType, channel, target), { arg: { instType, channel, [targetKey]: target }, op });
    }
    const sub: Sub = { instType: instType as InstType, channel: channel as Channel, target };
    const arg = this.arg(sub);
    state.subs = state.subs.filter((s) => !(s.instType === sub.instType && s.channel === sub.channel && s.target === sub.target));
    conn.reply(JSON.stringify({ event: op, arg }));
    if (op === 'unsubscribe') return;
    state.subs.push(sub);
    if (sub.channel === 'positions') conn.send(this.positionsFrame(sub));
    else if (sub.channel === 'account') {
      const balances = this.deps.engine.balances(this.deps.creds.account).filter((b) => Number(b.total) !== 0 && this.accountMatches(sub, b));
      conn.send(this.frame(sub, balances.map((b) => this.accountRow(sub, b))));
    }
  }

  private now(): number {
    return this.deps.server()?.now() ?? 0;
  }

  private spec(symbol: string): InstrumentSpec | undefined {
    return this.deps.server()?.instruments.find((s) => s.symbol === symbol);
  }

  private arg(sub: Sub): Record<string, string> {
    return { instType: sub.instType, channel: sub.channel, [sub.channel === 'account' ? 'coin' : 'instId']: sub.target };
  }

  private frame(sub: Sub, data: unknown[]): string {
    return JSON.stringify({ action: 'snapshot', arg: this.arg(sub), data, ts: this.now() });
  }

  private positionsFrame(sub: Sub): string {
    const rows = this.deps.engine
      .positions(this.deps.creds.account)
      .filter((p) => Number(p.qty) !== 0 && this.spec(p.symbol)?.kind === 'perp' && (sub.target === 'default' || sub.target === p.symbol))
      .map((p) => mixWsPositionRow(p, this.spec(p.symbol), this.now()));
    return this.frame(sub, rows);
  }

  private marginCoins(): Set<string> {
    return new Set((this.deps.server()?.instruments ?? []).filter((s) => s.kind === 'perp').map((s) => s.quote));
  }

  private accountMatches(sub: Sub, b: SimBalance): boolean {
    if (sub.instType === 'USDT-FUTURES' && !this.marginCoins().has(b.asset)) return false;
    return sub.target === 'default' || sub.target.toUpperCase() === b.asset;
  }

  private accountRow(sub: Sub, b: SimBalance): Record<string, unknown> {
    if (sub.instType === 'SPOT') return spotAssetRow(b, this.now());
    let upl: Dec = ZERO;
    for (const p of this.deps.engine.positions(this.deps.creds.account)) {
      if (this.spec(p.symbol)?.quote === b.asset) upl = add(upl, parseDec(p.unrealizedPnl) ?? ZERO);
    }
    return mixWsAccountRow(b, upl);
  }

  listening(): boolean {
    return this.conns.listening();
  }

  order(push: OrderPush): void {
    const o = push.order;
    const spec = this.spec(o.symbol);
    const wire = bitgetWire(o.symbol);
    const entry = this.deps.ledger.entry(o.orderId);
    const lever = this.deps.engine.positions(this.deps.creds.account).find((p) => p.symbol === o.symbol)?.leverage ?? this.deps.leverage;
    const ctx: BitgetOrderContext = { spec, meta: entry?.meta, userCanceled: entry?.userCanceled ?? false, lever: String(lever), userId: this.deps.userId };
    const row = wire.instType === 'SPOT' ? spotWsOrderRow(o, ctx, push.fill) : mixWsOrderRow(o, ctx, push.fill);
    this.sendTo('orders', wire, row);
    if (push.fill) this.sendTo('fill', wire, wire.instType === 'SPOT' ? spotWsFillRow(o, push.fill, spec) : mixWsFillRow(o, push.fill, spec));
  }

  private sendTo(channel: 'orders' | 'fill', wire: { instType: InstType; instId: string }, row: Record<string, unknown>): void {
    this.conns.each(channel, (conn, sub) => {
      if (sub.instType !== wire.instType || (sub.target !== 'default' && sub.target !== wire.instId)) return;
      conn.send(this.frame(sub, [row]));
    });
  }

  position(p: SimPosition): void {
    this.conns.each('positions', (conn, sub) => {
      if (sub.target === 'default' || sub.target === p.symbol) conn.send(this.positionsFrame(sub));
    });
  }

  balance(b: SimBalance): void {
    this.conns.each('account', (conn, sub) => {
      if (this.accountMatches(sub, b)) conn.send(this.frame(sub, [this.accountRow(sub, b)]));
    });
  }
}
