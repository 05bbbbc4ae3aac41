/**
 * The frame OKX and Bitget private sides are built in: one API key over the venue's matching
 * engine, an order ledger for what the venue remembers beyond the engine, per-key rate budgets,
 * and the account feed that turns engine events into the private stream's pushes (with the
 * private-side faults). Each venue supplies its routes, its REST answers and its stream.
 */
import { SystemClock, type Clock } from '../../../core/clock.ts';
import type { SimExchange } from '../../matching/types.ts';
import type { HttpAnswer, SimConnection, SimHttpRequest, SimVenueServer, VenuePrivateSide } from '../../protocolServer.ts';
import type { SimCredentials } from '../credentials.ts';
import { RateBudgets } from '../okx/budget.ts';
import { AccountFeed, type FeedSink } from '../okx/feed.ts';
import { OrderLedger } from '../okx/ledger.ts';

/** A venue private side that can also be detached from its engine. */
export interface SimPrivateSide extends VenuePrivateSide {
  /** Stops listening to the engine (the side answers nothing afterwards that needs it). */
  close(): void;
}

/** The options a ledger-backed side takes whatever its venue. */
export interface LedgerSideOptions {
  /** Arms the delayed-fill timer; the venue's clock (a ManualClock in tests). */
  readonly clock?: Clock;
  /**
   * The time request and login timestamps are checked against (and rate windows counted in):
   * the wall clock the clients sign with. The server's time when absent; pass the wall clock when
   * the venue runs on a simulated clock that drifts from it.
   */
  readonly authNow?: () => number;
  /** The leverage shown for orders without a position (the engine's default). */
  readonly leverage?: number;
}

/** What a venue's private stream is built from. */
export interface LedgerStreamDeps<M> {
  readonly engine: SimExchange;
  readonly creds: SimCredentials;
  /** The venue's server once known (set by the first request or frame). */
  readonly server: () => SimVenueServer | undefined;
  /** The time login and request timestamps are checked against. */
  readonly authNow: () => number;
  readonly leverage: number;
  readonly ledger: OrderLedger<M>;
}

/** What a venue's stream and REST answers are built from. */
export interface LedgerSideParts<M> extends LedgerStreamDeps<M> {
  readonly budgets: RateBudgets;
}

/** A venue's private WebSocket: frame handling, and the sink of the account feed. */
export interface LedgerStream extends FeedSink {
  message(server: SimVenueServer, conn: SimConnection, text: string): boolean;
  closed(conn: SimConnection): void;
}

/** One private REST request that matched a route: the route, its `METHOD path` key and the times it is answered and checked at. */
export interface RoutedRequest<R> {
  readonly req: SimHttpRequest;
  readonly key: string;
  readonly route: R;
  /** The server's time. */
  readonly now: number;
  /** The time the request's signed timestamp is checked against. */
  readonly authT: number;
}

/** What a venue supplies: its private routes (keyed `METHOD path`), its stream and its REST answers. */
export interface LedgerVenue<M, R> {
  readonly routes: Readonly<Record<string, R>>;
  stream(parts: LedgerSideParts<M>): LedgerStream;
  http(parts: LedgerSideParts<M> & { readonly feed: AccountFeed }, server: SimVenueServer, r: RoutedRequest<R>): HttpAnswer;
}

/** Returns a private side for one API key over `engine`, answering as `venue` does. */
export function createLedgerPrivateSide<M, R>(engine: SimExchange, creds: SimCredentials, opts: LedgerSideOptions, venue: LedgerVenue<M, R>): SimPrivateSide {
  const clock = opts.clock ?? new SystemClock();
  let server: SimVenueServer | undefined;
  const authNow = (): number => opts.authNow?.() ?? server?.now() ?? clock.now();
  const parts: LedgerSideParts<M> = {
    engine,
    creds,
    server: () => server,
    authNow,
    leverage: opts.leverage ?? 10,
    ledger: new OrderLedger<M>(engine, creds.account),
    budgets: new RateBudgets(authNow),
  };
  const stream = venue.stream(parts);
  const feed = new AccountFeed(engine, creds.account, clock, () => server, stream);
  const stop = feed.start();
  const rest = { ...parts, feed };

  return {
    http(srv: SimVenueServer, req: SimHttpRequest): HttpAnswer | undefined {
      server ??= srv;
      const key = `${req.method} ${req.path}`;
      const route = venue.routes[key];
      if (!route) return undefined;
      const now = srv.now();
      return venue.http(rest, srv, { req, key, route, now, authT: opts.authNow?.() ?? now });
    },
    message(srv: SimVenueServer, conn: SimConnection, text: string): boolean {
      server ??= srv;
      return stream.message(srv, conn, text);
    },
    closed(conn: SimConnection): void {
      stream.closed(conn);
    },
    close: stop,
  };
}
