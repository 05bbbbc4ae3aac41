/**
 * The private WebSocket connections of one API key on a venue that speaks `{op, args}` frames
 * (OKX, Bitget): text ping/pong, `login`, then `subscribe` / `unsubscribe` refused until logged
 * in. The venue answers each step in its own words (error codes, ids, whether a failed login
 * closes the socket); this holds which connections logged in and what each subscribed to.
 */
import type { SimConnection } from '../../protocolServer.ts';

/** A private request frame: `{op, args}`, with the client's `id` where the venue echoes one. */
export interface OpRequest {
  readonly id?: unknown;
  readonly op?: unknown;
  readonly args?: unknown;
}

/** One private connection: whether it logged in and what it subscribed to. */
export interface OpConnState<S> {
  loggedIn: boolean;
  subs: S[];
}

/** How a venue answers each kind of frame (a frame that parses as JSON `null` comes as `null`). */
export interface OpAnswers<S> {
  login(conn: SimConnection, state: OpConnState<S>, req: OpRequest): void;
  subscribe(conn: SimConnection, state: OpConnState<S>, op: 'subscribe' | 'unsubscribe', arg: Record<string, unknown>, req: OpRequest): void;
  /** A frame that is not JSON (`req` undefined), or a (un)subscribe whose args are not a list. */
  malformed(conn: SimConnection, text: string, req?: OpRequest): void;
  /** A (un)subscribe before login. */
  notLoggedIn(conn: SimConnection, req: OpRequest): void;
  unknownOp(conn: SimConnection, req: OpRequest | null): void;
}

/** The private connections of one API key on `path`, each with its login and subscriptions. */
export class OpConnections<S extends { readonly channel: string }> {
  private readonly conns = new Map<SimConnection, OpConnState<S>>();

  constructor(
    private readonly path: string,
    private readonly answers: OpAnswers<S>,
  ) {}

  /** Handles one frame; false when the connection is not on the private path. */
  message(conn: SimConnection, text: string): boolean {
    if (!conn.path.startsWith(this.path)) return false;
    if (text === 'ping') {
      conn.reply('pong');
      return true;
    }
    let state = this.conns.get(conn);
    if (!state) this.conns.set(conn, (state = { loggedIn: false, subs: [] }));
    let req: OpRequest | null;
    try {
      req = JSON.parse(text) as OpRequest | null;
    } catch {
      this.answers.malformed(conn, text);
      return true;
    }
    if (req?.op === 'login') this.answers.login(conn, state, req);
    else if (req?.op === 'subscribe' || req?.op === 'unsubscribe') {
      if (!state.loggedIn) this.answers.notLoggedIn(conn, req);
      else if (!Array.isArray(req.args)) this.answers.malformed(conn, text, req);
      else for (const a of req.args as Record<string, unknown>[]) this.answers.subscribe(conn, state, req.op, a ?? {}, req);
    } else this.answers.unknownOp(conn, req);
    return true;
  }

  closed(conn: SimConnection): void {
    this.conns.delete(conn);
  }

  /** Calls `fn` for every subscription to `channel` of a logged-in connection. */
  each(channel: S['channel'], fn: (conn: SimConnection, sub: S) => void): void {
    for (const [conn, state] of this.conns) {
      if (!state.loggedIn) continue;
      for (const sub of state.subs) if (sub.channel === channel) fn(conn, sub);
    }
  }

  /** Returns whether any logged-in connection listens for order updates. */
  listening(): boolean {
    for (const state of this.conns.values()) if (state.loggedIn && state.subs.some((s) => s.channel === 'orders')) return true;
    return false;
  }
}
