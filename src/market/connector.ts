/**
 * One venue's public market data: instruments from REST, connections planned within the venue's
 * limits, subscriptions, heartbeats and a silence watchdog, parse → sync → MarketData, book
 * resyncs by the venue's own method (REST snapshot or resubscribe) without a restart, and a planned
 * make-before-break reconnect before the venue's connection lifetime runs out. Its lifecycle is
 * driven by the connector chart (machines/connector.machine.ts) through `actions()`.
 */
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import type { VenueConfig, VenueId } from '../config/schema.ts';
import type { Control, PublicAdapter } from '../adapters/types.ts';
import { RestClient, withRetry, type RestTapRecord } from '../adapters/rest.ts';
import type { Instrument, InstrumentLookup } from '../model/instrument.ts';
import { routeFrame, type FrameHooks } from './frameRouter.ts';
import type { ConnectorEvent } from '../../machines/connector.machine.ts';
import type { BookSync } from './bookSync.ts';
import { Connection } from './connection.ts';
import { planConnections, type ConnectionGroup } from './connectionPlan.ts';
import type { MarketData } from './marketData.ts';
import { ProblemCounter, type ProblemReport } from './problems.ts';
import { FrameBacklog } from './backlog.ts';
import { SnapshotQueue } from './snapshotQueue.ts';

export interface FrameTapRecord {
  readonly ts: number;
  readonly venue: VenueId;
  readonly source: 'ws';
  readonly conn: number;
  readonly frame: string;
}

export interface ConnectorDeps {
  readonly venue: VenueId;
  readonly adapter: PublicAdapter;
  readonly config: VenueConfig;
  readonly market: MarketData;
  readonly clock: Clock;
  /** A child logger carrying the venue, so the calls here do not repeat it. */
  readonly logger: Logger;
  readonly downAfterMs: number;
  readonly backlogWatermark: number;
  readonly connectionLifetimeMs?: number;
  readonly schedule: (fn: () => void) => void;
  /** Sends an event to this venue's connector actor. */
  readonly toActor: (ev: ConnectorEvent) => void;
  /** Appends an event to the log (write-behind). */
  readonly log: (type: string, data: Record<string, unknown>) => void;
  /** Asks the portfolio to take risk off (a connector down too long). */
  readonly escalate: (reason: string) => void;
  /** Sees the instruments chosen for this venue, before any frame (fleet record). */
  readonly onInstruments?: (venue: VenueId, instruments: readonly Instrument[]) => void;
  /** Sees every raw frame and REST body (fleet record). */
  readonly tap?: (rec: FrameTapRecord | (RestTapRecord & { venue: VenueId; source: 'rest' })) => void;
}

const ACK_TIMEOUT_MS = 10_000;
const ROTATION_TIMEOUT_MS = 60_000;

export class VenueConnector {
  readonly rest: RestClient;
  readonly problems: ProblemCounter;
  readonly backlog: FrameBacklog;
  instruments: Instrument[] = [];
  private groups: ConnectionGroup[] = [];
  /** The connection feeding each group (by group key). */
  private readonly live = new Map<string, Connection>();
  private readonly rotations = new Map<string, Connection>();
  /** After a failed planned reconnect, the next attempt waits (by group key). */
  private readonly rotationRetryAt = new Map<string, number>();
  private readonly snapshots: SnapshotQueue;
  private heartbeatTimer: TimerHandle | undefined;
  private outageTimer: TimerHandle | undefined;
  private readonly ackTimers = new Map<Connection, TimerHandle>();
  private outageStartedAt: number | undefined;
  private stopped = false;
  private readonly depth: number;
  private readonly wsUrl: string;
  private readonly lookup: InstrumentLookup;
  private readonly hooks = new WeakMap<Connection, FrameHooks>();
  /** Connections opened while running for new listings: they subscribe as soon as they open. */
  private readonly late = new WeakSet<Connection>();
  private lateGroups = 0;

  constructor(private readonly d: ConnectorDeps) {
    const { adapter, config, clock } = d;
    this.depth = config.depth ?? adapter.defaultDepth;
    this.lookup = d.market.registry.lookup(d.venue);
    this.wsUrl = adapter.connectUrl(config.wsUrl ?? adapter.defaultUrls.ws);
    this.rest = new RestClient(config.restUrl ?? adapter.defaultUrls.rest, {
      clock,
      ...(d.tap ? { tap: (r: RestTapRecord) => d.tap!({ ...r, venue: d.venue, source: 'rest' }) } : {}),
    });
    this.problems = new ProblemCounter(clock, (r) => this.reportProblem(r));
    this.backlog = new FrameBacklog(d.backlogWatermark, (c, t, ts) => this.process(c, t, ts), d.schedule, (c, phase) => this.onShed(c, phase));
    this.snapshots = new SnapshotQueue(
      this.rest,
      adapter,
      clock,
      this.depth,
      (conn, sync, snap) => {
        const outcome = this.d.market.ingest(snap, sync);
        if (outcome === 'applied' && conn.replacing) this.maybeCompleteRotation(conn);
        return outcome !== 'resync';
      },
      (conn, sync, err) => this.snapshotFailed(conn, sync, err),
    );
  }

  /** Loads the venue's instruments and plans the connections (before the chart starts). */
  async init(): Promise<void> {
    const { adapter, config, market, clock, logger, venue } = this.d;
    const all = await withRetry(() => adapter.fetchInstruments(this.rest), {
      clock,
      onRetry: (e, n, ms) => logger.warn({ attempt: n, delayMs: ms, err: e.message }, 'instrument list failed; retrying'),
    });
    const added = market.registry.upsert(all);
    const wanted = config.symbols === '*' || config.symbols.length === 0 ? undefined : new Set(config.symbols);
    this.instruments = all.filter((i) => (wanted ? wanted.has(i.symbol) : i.status === 'trading'));
    if (wanted) {
      const missing = [...wanted].filter((s) => !all.some((i) => i.symbol === s));
      if (missing.length) {
        logger.error({ missing }, 'configured symbols are not listed by the venue');
        this.d.log('connector.unknown-symbols', { venue, symbols: missing });
      }
    }
    this.d.onInstruments?.(venue, this.instruments);
    const prime = new Set(config.prime ?? []);
    for (const inst of this.instruments) market.feed(inst, prime.has(inst.symbol));
    this.groups = planConnections(adapter, this.instruments, (i) => prime.has(i.symbol), this.depth);
    logger.info({ listed: all.length, new: added.length, subscribed: this.instruments.length, connections: this.groups.length }, 'instruments loaded');
    if (!this.stopped) this.heartbeatTimer = clock.setInterval(() => this.heartbeat(), 1000);
  }

  /**
   * Refetches the venue's instrument list and follows what changed: instruments the venue no
   * longer lists, or lists as not trading, are unsubscribed and forgotten; new trading ones are
   * registered and subscribed on the open connections (a new connection when those are full),
   * but only when the venue config follows the whole universe (`symbols: []` or `"*"`): an
   * explicit list stays as written.
   */
  async refreshInstruments(): Promise<{ added: Instrument[]; removed: Instrument[] }> {
    const { adapter, config, market, logger, venue } = this.d;
    const all = await adapter.fetchInstruments(this.rest);
    if (this.stopped) return { added: [], removed: [] };
    market.registry.upsert(all);
    const listed = new Map(all.map((i) => [i.id, i]));
    const removed = this.instruments.filter((i) => listed.get(i.id)?.status !== 'trading');
    const whole = config.symbols === '*' || config.symbols.length === 0;
    const known = new Set(this.instruments.map((i) => i.id));
    const added = whole ? all.filter((i) => i.status === 'trading' && !known.has(i.id)) : [];
    for (const inst of removed) this.forget(inst);
    if (added.length > 0) this.follow(added);
    if (added.length + removed.length > 0) {
      logger.info({ added: added.map((i) => i.symbol), removed: removed.map((i) => i.symbol) }, 'instrument list changed');
      this.d.log('connector.instruments', { venue, added: added.map((i) => i.id), removed: removed.map((i) => ({ instrument: i.id, status: listed.get(i.id)?.status ?? 'unlisted' })) });
    }
    return { added, removed };
  }

  /** Subscribes new instruments within the topic limit per connection, opening another connection when the others are full. */
  private follow(insts: readonly Instrument[]): void {
    const { adapter, market } = this.d;
    const capacity = Math.max(1, adapter.limits.maxTopicsPerConnection - (adapter.sharedTopics?.().length ?? 0));
    const opened = new Set<string>();
    for (const inst of insts) {
      market.feed(inst, false);
      this.instruments.push(inst);
      const topics = adapter.topics(inst, this.depth);
      let at = this.groups.findIndex((g) => !g.prime && g.topics.length + topics.length <= capacity);
      if (at < 0) {
        this.groups.push({ key: `late-${this.lateGroups++}`, prime: false, instruments: [], topics: [] });
        at = this.groups.length - 1;
        opened.add(this.groups[at]!.key);
      }
      const g = this.groups[at]!;
      this.groups[at] = { ...g, instruments: [...g.instruments, inst], topics: [...g.topics, ...topics] };
      if (opened.has(g.key)) continue;
      const conn = this.live.get(g.key);
      if (conn && conn.state !== 'closed') {
        const books = conn.add([inst], topics);
        if (conn.state === 'subscribed' && !conn.replacing) for (const sync of books) this.adoptLate(conn, sync);
      }
      this.rotations.get(g.key)?.add([inst], topics);
    }
    // A group with no connection yet is opened by the chart on its next (re)connect; while the
    // others are up, it opens now and subscribes as soon as it is open.
    if (this.stopped || this.live.size === 0) return;
    for (const key of opened) {
      const g = this.groups.find((x) => x.key === key)!;
      const conn = this.connect(g);
      this.late.add(conn);
      this.live.set(key, conn);
    }
  }

  /** A book added to a subscribed connection: decisions read it, and it syncs by the venue's method. */
  private adoptLate(conn: Connection, sync: BookSync): void {
    this.d.market.adopt(sync);
    if (this.d.adapter.resync === 'rest-snapshot') this.snapshots.request(conn, sync);
  }

  /** Unsubscribes and forgets an instrument the venue no longer trades. */
  private forget(inst: Instrument): void {
    const topics = this.d.adapter.topics(inst, this.depth);
    const gone = new Set(topics);
    const at = this.groups.findIndex((g) => g.instruments.some((i) => i.id === inst.id));
    if (at >= 0) {
      const g = this.groups[at]!;
      this.groups[at] = { ...g, instruments: g.instruments.filter((i) => i.id !== inst.id), topics: g.topics.filter((t) => !gone.has(t)) };
      this.live.get(g.key)?.remove(inst, topics);
      this.rotations.get(g.key)?.remove(inst, topics);
    }
    this.instruments = this.instruments.filter((i) => i.id !== inst.id);
    this.d.market.feeds.delete(inst.id);
  }

  /** The implementations of the connector chart's actions. */
  actions(): Record<'openConnections' | 'closeConnections' | 'subscribe' | 'startOutage' | 'endOutage' | 'escalate', () => void> {
    return {
      openConnections: () => this.d.schedule(() => this.openMissing()),
      closeConnections: () => this.closeAll('connector stopped'),
      subscribe: () => this.d.schedule(() => this.subscribePending()),
      startOutage: () => this.startOutage(),
      endOutage: () => this.endOutage(),
      escalate: () => {
        const secs = Math.round((this.d.clock.now() - (this.outageStartedAt ?? this.d.clock.now())) / 1000);
        const reason = `connector:${this.d.venue} down for ${secs} s`;
        this.d.log('connector.down', { venue: this.d.venue, seconds: secs });
        this.d.escalate(reason);
      },
    };
  }

  /** Returns the connections currently feeding books (for health and tests). */
  connections(): Connection[] {
    return [...this.live.values()];
  }

  /** Returns the age of the newest frame on any connection, or undefined with none open. */
  lastMessageAgeMs(): number | undefined {
    let newest = -Infinity;
    for (const c of this.live.values()) if (c.isOpen) newest = Math.max(newest, c.lastFrameAt);
    return newest === -Infinity ? undefined : this.d.clock.now() - newest;
  }

  stop(): void {
    this.stopped = true;
    this.rest.close();
    if (this.heartbeatTimer !== undefined) this.d.clock.clearInterval(this.heartbeatTimer);
    this.endOutage();
    this.problems.flush();
    this.closeAll('daemon stopping');
  }

  private openMissing(): void {
    if (this.stopped) return;
    let pending = 0;
    for (const g of this.groups) {
      const c = this.live.get(g.key);
      if (c && c.state !== 'closed') {
        if (c.state === 'opening') pending++;
        continue;
      }
      this.live.set(g.key, this.connect(g));
      pending++;
    }
    if (pending === 0) this.d.toActor({ type: 'ws.opened' });
  }

  private connect(g: ConnectionGroup): Connection {
    const conn = new Connection(this.wsUrl, this.d.adapter, g.instruments, g.topics, g.prime, this.depth, this.d.clock, {
      opened: (c) => this.opened(c, g),
      frame: (c, text, ts) => this.backlog.push(c, text, ts),
      closed: (c, reason) => this.closed(c, g, reason),
    });
    conn.open();
    return conn;
  }

  private opened(conn: Connection, g: ConnectionGroup): void {
    if (conn.replacing || this.late.has(conn)) {
      this.late.delete(conn);
      this.armAckTimer(conn);
      if (conn.subscribeAll() === 0) this.subscribed(conn);
      return;
    }
    const all = this.groups.every((x) => this.live.get(x.key)?.isOpen);
    this.d.logger.debug({ conn: conn.id, group: g.key }, 'connection open');
    if (all) this.d.toActor({ type: 'ws.opened' });
  }

  private subscribePending(): void {
    let waiting = 0;
    for (const c of this.live.values()) {
      if (c.state === 'open') {
        this.armAckTimer(c);
        if (c.subscribeAll() === 0) this.subscribed(c);
        else waiting++;
      } else if (c.state === 'subscribing') waiting++;
    }
    if (waiting === 0) this.d.toActor({ type: 'ws.subscribed' });
  }

  private armAckTimer(c: Connection): void {
    this.ackTimers.set(
      c,
      this.d.clock.setTimeout(() => {
        this.ackTimers.delete(c);
        if (c.state === 'subscribing') c.close(`no subscribe ack within ${ACK_TIMEOUT_MS} ms`);
      }, ACK_TIMEOUT_MS),
    );
  }

  /** A connection got all its acks: adopt its books (or start syncing them, for a replacement). */
  private subscribed(c: Connection): void {
    const t = this.ackTimers.get(c);
    if (t !== undefined) this.d.clock.clearTimeout(t);
    this.ackTimers.delete(c);
    if (!c.replacing) for (const sync of c.books.values()) this.d.market.adopt(sync);
    if (this.d.adapter.resync === 'rest-snapshot') for (const sync of c.books.values()) this.snapshots.request(c, sync);
    if (!c.replacing && [...this.live.values()].every((x) => x.state === 'subscribed')) this.d.toActor({ type: 'ws.subscribed' });
  }

  private closed(conn: Connection, g: ConnectionGroup, reason: string): void {
    this.snapshots.forget(conn);
    if (conn.replacing) {
      if (this.rotations.get(g.key) === conn) this.rotations.delete(g.key);
      this.rotationRetryAt.set(g.key, this.d.clock.now() + ROTATION_TIMEOUT_MS);
      this.d.logger.warn({ conn: conn.id, reason }, 'replacement connection failed; the current one stays');
      return;
    }
    if (this.live.get(g.key) !== conn) return; // retired after a rotation
    for (const sync of conn.books.values()) {
      const before = sync.status;
      sync.invalidate('reconnect', reason);
      this.d.market.noteStatus(sync, before);
    }
    if (this.stopped) return;
    this.d.logger.warn({ conn: conn.id, reason }, 'connection lost');
    this.d.log('connector.disconnected', { venue: this.d.venue, conn: conn.id, reason });
    this.d.toActor({ type: 'ws.failed', error: reason });
  }

  /** Parses one frame and routes its events (the hot path). */
  private process(conn: Connection, text: string, ts: number): void {
    this.d.tap?.({ ts, venue: this.d.venue, source: 'ws', conn: conn.id, frame: text });
    let hooks = this.hooks.get(conn);
    if (!hooks) {
      hooks = {
        problem: (kind, detail) => this.problems.add(kind, detail),
        control: (c) => this.control(conn, c),
        resync: (sync) => this.resync(conn, sync),
        applied: () => {
          if (conn.replacing) this.maybeCompleteRotation(conn);
        },
      };
      this.hooks.set(conn, hooks);
    }
    routeFrame(this.d.adapter, this.d.market, this.lookup, conn.books, text, ts, hooks);
  }

  private control(conn: Connection, c: Control): void {
    switch (c.kind) {
      case 'ack':
        if (!c.ok) {
          this.problems.add('subscribe-rejected', c.detail ?? 'subscription refused');
          this.d.log('connector.subscribe-rejected', { venue: this.d.venue, detail: c.detail ?? '' });
        }
        if (conn.acked()) this.subscribed(conn);
        return;
      case 'reply':
        conn.send(c.frame);
        return;
      case 'error':
        this.problems.add('venue-error', `${c.code ?? ''} ${c.message}`.trim());
        return;
      case 'pong':
      case 'ignored':
        return;
    }
  }

  /** Rebuilds a distrusted book by the venue's own method, without touching the connection. */
  private resync(conn: Connection, sync: BookSync): void {
    const inst = this.d.market.registry.get(sync.instrument);
    if (!inst || !conn.isOpen) return;
    this.d.logger.warn({ instrument: sync.instrument, reason: sync.reason, detail: sync.detail }, 'book resync');
    if (this.d.adapter.resync === 'rest-snapshot') this.snapshots.request(conn, sync);
    else if (this.d.adapter.resync === 'resubscribe') conn.resubscribeBook(inst);
  }

  private snapshotFailed(conn: Connection, sync: BookSync, err: unknown): void {
    this.problems.add('snapshot-failed', `${sync.instrument}: ${errorMessage(err)}`);
    // Without a snapshot the book cannot recover on this connection: reconnect it.
    if (conn.isOpen) conn.close(`snapshot for ${sync.instrument} failed: ${errorMessage(err)}`);
  }

  private onShed(conn: Connection, phase: 'shed' | 'drained'): void {
    if (phase === 'shed') {
      this.d.log('market.backlog-shed', { venue: this.d.venue, conn: conn.id, watermark: this.backlog.stats.watermark });
      for (const sync of conn.books.values()) {
        const before = sync.status;
        sync.invalidate('backlog', `frames shed above the backlog watermark (${this.backlog.stats.watermark})`);
        this.d.market.noteStatus(sync, before);
      }
      return;
    }
    for (const sync of conn.books.values()) this.resync(conn, sync);
  }

  private heartbeat(): void {
    const now = this.d.clock.now();
    const lifetime = this.d.connectionLifetimeMs ?? this.d.adapter.limits.connectionLifetimeMs - Math.min(this.d.adapter.limits.connectionLifetimeMs * 0.05, 600_000);
    for (const [key, c] of this.live) {
      if (!c.heartbeat(now)) {
        const detail = `no frame for ${now - c.lastFrameAt} ms (limit ${this.d.adapter.limits.silenceTimeoutMs} ms)`;
        this.d.log('connector.silent', { venue: this.d.venue, conn: c.id, detail });
        c.close(detail);
        continue;
      }
      const rot = this.rotations.get(key);
      if (rot) {
        rot.heartbeat(now);
        if (now - rot.openedAt > ROTATION_TIMEOUT_MS && rot.state !== 'opening') rot.close('replacement did not sync in time');
      } else if (c.state === 'subscribed' && now - c.openedAt >= lifetime && now >= (this.rotationRetryAt.get(key) ?? 0)) {
        this.rotate(key, c);
      }
    }
  }

  /** Opens a replacement connection; the old one keeps feeding until the new books are synced. */
  private rotate(key: string, old: Connection): void {
    const g = this.groups.find((x) => x.key === key);
    if (!g) return;
    this.d.logger.info({ conn: old.id, ageMs: this.d.clock.now() - old.openedAt }, 'planned reconnect');
    const next = this.connect(g);
    next.replacing = old;
    this.rotations.set(key, next);
  }

  private maybeCompleteRotation(next: Connection): void {
    for (const s of next.books.values()) if (!s.usable) return;
    const old = next.replacing!;
    const key = [...this.rotations].find(([, c]) => c === next)?.[0];
    if (key === undefined) return;
    this.rotations.delete(key);
    next.replacing = undefined;
    this.live.set(key, next);
    for (const s of next.books.values()) this.d.market.adopt(s);
    this.snapshots.forget(old);
    old.close('replaced by a planned reconnect');
    this.d.log('connector.rotated', { venue: this.d.venue, from: old.id, to: next.id, ageMs: this.d.clock.now() - old.openedAt });
  }

  private startOutage(): void {
    if (this.outageTimer !== undefined || this.stopped) return;
    this.outageStartedAt = this.d.clock.now();
    this.outageTimer = this.d.clock.setTimeout(() => {
      this.outageTimer = undefined;
      this.d.toActor({ type: 'connector.outage-timeout' });
    }, this.d.downAfterMs);
  }

  private endOutage(): void {
    if (this.outageTimer !== undefined) this.d.clock.clearTimeout(this.outageTimer);
    this.outageTimer = undefined;
    if (this.outageStartedAt !== undefined && !this.stopped) {
      this.d.log('connector.live', { venue: this.d.venue, outageMs: this.d.clock.now() - this.outageStartedAt });
    }
    this.outageStartedAt = undefined;
  }

  private closeAll(reason: string): void {
    for (const c of [...this.rotations.values(), ...this.live.values()]) c.close(reason);
    this.rotations.clear();
  }

  private reportProblem(r: ProblemReport): void {
    this.d.logger.warn({ problem: r.kind, count: r.count, detail: r.detail.slice(0, 300) }, 'bad venue input');
    this.d.log('market.bad-input', { venue: this.d.venue, problem: r.kind, count: r.count, detail: r.detail.slice(0, 300) });
  }
}
