/**
 * OKX v5 private WebSocket (`/ws/v5/private`): text ping/pong, `login` with the signed
 * `/users/self/verify` prehash (a refused login answers an error event and closes the socket with
 * 4001, as OKX does), then `orders` (no snapshot; one push per order update, fills carried as
 * `fillSz`/`fillPx`/`tradeId`), `positions` and `account` (a snapshot on subscribe, then
 * `event_update` pushes). Anything sent before login is refused with 60011.
 */
import type { InstrumentSpec } from '../../../model/instrument.ts';
import type { SimBalance, SimPosition } from '../../matching/types.ts';
import type { SimConnection, SimVenueServer } from '../../protocolServer.ts';
import type { LedgerStreamDeps } from '../common/ledgerSide.ts';
import { OpConnections, type OpConnState, type OpRequest } from '../common/opConnections.ts';
import { okxLoginError, type OkxLoginArg } from './auth.ts';
import { OKX_WS, type OkxError } from './errors.ts';
import type { FeedSink, OrderPush } from './feed.ts';
import { okxAccountRow, okxBalanceDetail, okxOrderRow, okxPositionRow, type OkxOrderMeta } from './rows.ts';

export const OKX_WS_PRIVATE_PATH = '/ws/v5/private';
/** Close code OKX uses when it drops a connection whose login failed. */
export const OKX_LOGIN_FAILED_CLOSE = 4001;

interface OkxSub {
  readonly channel: 'orders' | 'positions' | 'account';
  readonly instType?: string;
  readonly instFamily?: string;
  readonly instId?: string;
  readonly ccy?: string;
}

export interface OkxStreamDeps extends LedgerStreamDeps<OkxOrderMeta> {
  readonly uid: string;
  /** Unrealised PnL by margin currency, shown in account pushes. */
  readonly upl: () => Map<string, string>;
}

const INST_TYPES: Readonly<Record<OkxSub['channel'], ReadonlySet<string>>> = {
  orders: new Set(['SPOT', 'MARGIN', 'SWAP', 'FUTURES', 'OPTION', 'ANY']),
  positions: new Set(['MARGIN', 'SWAP', 'FUTURES', 'OPTION', 'ANY']),
  account: new Set(),
};

/** The client's request id, echoed on every answer to that request. */
function idOf(req: OpRequest | null | undefined): { id?: string } {
  return typeof req?.id === 'string' ? { id: req.id } : {};
}

function connId(conn: SimConnection): string {
  return conn.id.toString(16).padStart(8, '0');
}

/** The private stream of one API key: connection states, frame handling and the feed's sink. */
export class OkxPrivateStream implements FeedSink {
  private readonly conns = new OpConnections<OkxSub>(OKX_WS_PRIVATE_PATH, {
    login: (conn, state, req) => this.login(conn, state, req.args, idOf(req)),
    subscribe: (conn, state, op, a, req) => this.subscribe(conn, state, op, a, idOf(req)),
    malformed: (conn, text, req) => this.error(conn, OKX_WS.invalidRequest(text), idOf(req)),
    notLoggedIn: (conn, req) => this.error(conn, OKX_WS.pleaseLogIn, idOf(req)),
    unknownOp: (conn, req) => this.error(conn, OKX_WS.invalidOp(String(req?.op)), idOf(req)),
  });

  constructor(private readonly deps: OkxStreamDeps) {}

  /** Handles one frame of a private connection; false when the connection is not on the private path. */
  message(_server: SimVenueServer, conn: SimConnection, text: string): boolean {
    return this.conns.message(conn, text);
  }

  closed(conn: SimConnection): void {
    this.conns.closed(conn);
  }

  private error(conn: SimConnection, err: OkxError, id: { id?: string } = {}): void {
    conn.reply(JSON.stringify({ ...id, event: 'error', code: err.code, msg: err.msg, connId: connId(conn) }));
  }

  private login(conn: SimConnection, state: OpConnState<OkxSub>, args: unknown, id: { id?: string }): void {
    if (state.loggedIn) return this.error(conn, OKX_WS.repeatedLogin, id);
    const arg = Array.isArray(args) ? (args[0] as OkxLoginArg | undefined) : undefined;
    const err = okxLoginError(arg, this.deps.creds, this.deps.authNow());
    if (err) {
      this.error(conn, err, id);
      conn.ws.close(OKX_LOGIN_FAILED_CLOSE, 'Login failed');
      return;
    }
    state.loggedIn = true;
    conn.reply(JSON.stringify({ ...id, event: 'login', code: '0', msg: '', connId: connId(conn) }));
  }

  private subscribe(conn: SimConnection, state: OpConnState<OkxSub>, op: 'subscribe' | 'unsubscribe', a: Record<string, unknown>, id: { id?: string }): void {
    const channel = String(a.channel);
    const s = (k: string): string | undefined => (typeof a[k] === 'string' && a[k] !== '' ? (a[k] as string) : undefined);
    const sub: OkxSub = { channel: channel as OkxSub['channel'], instType: s('instType'), instFamily: s('instFamily'), instId: s('instId'), ccy: s('ccy') };
    const types = INST_TYPES[sub.channel];
    const valid = types !== undefined && (sub.channel === 'account' || (sub.instType !== undefined && types.has(sub.instType)));
    if (!valid) return this.error(conn, OKX_WS.noChannel(channel, sub.instId ?? ''), id);
    const arg = Object.fromEntries(Object.entries(sub).filter(([, v]) => v !== undefined));
    const same = (x: OkxSub): boolean => JSON.stringify(x) === JSON.stringify(sub);
    state.subs = state.subs.filter((x) => !same(x));
    conn.reply(JSON.stringify({ ...id, event: op, arg, connId: connId(conn) }));
    if (op === 'unsubscribe') return;
    state.subs.push(sub);
    // positions and account push an initial snapshot; orders push nothing until something happens.
    if (sub.channel === 'positions') {
      const rows = this.deps.engine.positions(this.deps.creds.account).filter((p) => Number(p.qty) !== 0 && this.positionMatches(sub, p));
      conn.send(this.positionsFrame(sub, rows.map((p) => okxPositionRow(p, this.spec(p.symbol), this.now())), 'snapshot'));
    } else if (sub.channel === 'account') {
      const balances = this.deps.engine.balances(this.deps.creds.account).filter((b) => Number(b.total) !== 0 && (sub.ccy === undefined || sub.ccy === b.asset));
      conn.send(this.accountFrame(sub, balances, 'snapshot'));
    }
  }

  private now(): number {
    return this.deps.server()?.now() ?? 0;
  }

  private spec(symbol: string): InstrumentSpec | undefined {
    return this.deps.server()?.instruments.find((s) => s.symbol === symbol);
  }

  private instType(symbol: string): string {
    return this.spec(symbol)?.kind === 'perp' ? 'SWAP' : 'SPOT';
  }

  private arg(sub: OkxSub): Record<string, unknown> {
    const { channel, instType, instFamily, instId, ccy } = sub;
    return Object.fromEntries(Object.entries({ channel, instType, instFamily, instId, ccy, uid: this.deps.uid }).filter(([, v]) => v !== undefined));
  }

  private positionMatches(sub: OkxSub, p: SimPosition): boolean {
    const spec = this.spec(p.symbol);
    if (sub.instType !== 'ANY' && sub.instType !== 'SWAP') return false;
    if (sub.instId !== undefined) return sub.instId === p.symbol;
    return sub.instFamily === undefined || (spec !== undefined && sub.instFamily === `${spec.base}-${spec.quote}`);
  }

  private positionsFrame(sub: OkxSub, rows: Record<string, unknown>[], eventType: 'snapshot' | 'event_update'): string {
    const page = eventType === 'snapshot' ? { curPage: 1, lastPage: true } : {};
    return JSON.stringify({ arg: this.arg(sub), eventType, ...page, data: rows });
  }

  private accountFrame(sub: OkxSub, balances: SimBalance[], eventType: 'snapshot' | 'event_update'): string {
    const upl = this.deps.upl();
    const now = this.now();
    const details = balances.map((b) => okxBalanceDetail(b, upl.get(b.asset) ?? '0', now));
    const page = eventType === 'snapshot' ? { curPage: 1, lastPage: true } : {};
    return JSON.stringify({ arg: this.arg(sub), eventType, ...page, data: [okxAccountRow(details, now)] });
  }

  listening(): boolean {
    return this.conns.listening();
  }

  order(push: OrderPush): void {
    const o = push.order;
    const spec = this.spec(o.symbol);
    const instType = this.instType(o.symbol);
    const entry = this.deps.ledger.entry(o.orderId);
    const lever = this.deps.engine.positions(this.deps.creds.account).find((p) => p.symbol === o.symbol)?.leverage ?? this.deps.leverage;
    const ctx = { spec, meta: entry?.meta, clientGiven: entry?.clientGiven ?? true, userCanceled: entry?.userCanceled ?? false, lever: String(lever), amended: push.amended ?? false };
    const row = okxOrderRow(o, ctx, push.fill, true);
    const frame = (sub: OkxSub): string => JSON.stringify({ arg: this.arg(sub), data: [row] });
    this.conns.each('orders', (conn, sub) => {
      if (sub.instType !== 'ANY' && sub.instType !== instType) return;
      if (sub.instId !== undefined && sub.instId !== o.symbol) return;
      if (sub.instFamily !== undefined && (!spec || sub.instFamily !== `${spec.base}-${spec.quote}`)) return;
      conn.send(frame(sub));
    });
  }

  position(p: SimPosition): void {
    this.conns.each('positions', (conn, sub) => {
      if (this.positionMatches(sub, p)) conn.send(this.positionsFrame(sub, [okxPositionRow(p, this.spec(p.symbol), this.now())], 'event_update'));
    });
  }

  balance(b: SimBalance): void {
    this.conns.each('account', (conn, sub) => {
      if (sub.ccy === undefined || sub.ccy === b.asset) conn.send(this.accountFrame(sub, [b], 'event_update'));
    });
  }
}
