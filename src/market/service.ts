/**
 * The market-data side of the daemon: one VenueConnector per venue with its connector actor
 * (`connector:<venue>`), book status changes written to the event log, the stale watchdog, and
 * the health numbers. Used by `fleet start`, `fleet record` and tests alike; what hosts the
 * connector actors is passed in (the supervised ActorRuntime in the daemon, plain actors elsewhere).
 */
import { createActor, type AnyActorRef, type AnyStateMachine } from 'xstate';
import type { Subscription } from 'rxjs';
import type { Clock, TimerHandle } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import type { FleetConfig, VenueId } from '../config/schema.ts';
import type { PublicAdapter } from '../adapters/types.ts';
import type { Instrument } from '../model/instrument.ts';
import { connectorMachine, type ConnectorEvent } from '../../machines/connector.machine.ts';
import { MarketData } from './marketData.ts';
import { VenueConnector, type ConnectorDeps } from './connector.ts';

/** Where connector actors live. */
export interface ActorHost {
  spawn(id: string, logic: AnyStateMachine, input: unknown): Promise<void>;
  send(id: string, ev: ConnectorEvent): void;
  state(id: string): string | undefined;
  stop?(id: string): void;
}

/** Plain XState actors on the given clock (fleet record, tests). */
export function plainActorHost(clock: Clock, logger: Logger): ActorHost {
  const actors = new Map<string, AnyActorRef>();
  return {
    async spawn(id, logic, input) {
      const a = createActor(logic, { input, clock: { setTimeout: (fn, ms) => clock.setTimeout(fn, ms), clearTimeout: (h) => clock.clearTimeout(h) } });
      a.subscribe({ error: (e) => logger.error({ actor: id, err: errorMessage(e) }, 'connector actor failed') });
      a.start();
      actors.set(id, a);
    },
    send: (id, ev) => actors.get(id)?.send(ev),
    state: (id) => {
      const v = actors.get(id)?.getSnapshot().value;
      return typeof v === 'string' ? v : v === undefined ? undefined : JSON.stringify(v);
    },
    stop: (id) => actors.get(id)?.stop(),
  };
}

export interface MarketServiceDeps {
  readonly config: FleetConfig;
  readonly venues: readonly VenueId[];
  readonly adapters: Readonly<Partial<Record<VenueId, PublicAdapter>>>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly host: ActorHost;
  readonly log: (type: string, actor: string | undefined, data: Record<string, unknown>) => void;
  readonly escalate: (reason: string) => void;
  readonly schedule?: (fn: () => void) => void;
  readonly tap?: ConnectorDeps['tap'];
  readonly onInstruments?: ConnectorDeps['onInstruments'];
}

export interface VenueHealth {
  readonly venue: string;
  readonly state: string;
  readonly lastMessageAgeMs: number | null;
  readonly instruments: number;
  readonly problems: Record<string, number>;
}

export class MarketService {
  readonly market: MarketData;
  readonly connectors = new Map<VenueId, VenueConnector>();
  private readonly subs: Subscription[] = [];
  private staleTimer: TimerHandle | undefined;
  private readonly retryTimers = new Set<TimerHandle>();
  private stopped = false;

  constructor(private readonly d: MarketServiceDeps) {
    const schedule = d.schedule ?? ((fn: () => void) => void setImmediate(fn));
    this.market = new MarketData({ tapeSize: d.config.market.tapeSize, schedule });
    this.subs.push(
      this.market.status$.subscribe((s) => {
        const venue = s.instrument.slice(0, s.instrument.indexOf(':'));
        d.log(`book.${s.to}`, `connector:${venue}`, { instrument: s.instrument, from: s.from, reason: s.reason, detail: s.detail });
      }),
    );
    for (const venue of d.venues) {
      const adapter = d.adapters[venue];
      const vc = d.config.venues[venue];
      if (!adapter || !vc) continue;
      const actorId = `connector:${venue}`;
      this.connectors.set(
        venue,
        new VenueConnector({
          venue,
          adapter,
          config: vc,
          market: this.market,
          clock: d.clock,
          logger: d.logger.child({ component: 'market', venue }),
          downAfterMs: d.config.market.downAfterMs,
          backlogWatermark: d.config.market.backlogWatermark,
          ...(d.config.market.connectionLifetimeMs !== undefined ? { connectionLifetimeMs: d.config.market.connectionLifetimeMs } : {}),
          schedule,
          toActor: (ev) => d.host.send(actorId, ev),
          log: (type, data) => d.log(type, actorId, data),
          escalate: d.escalate,
          ...(d.tap ? { tap: d.tap } : {}),
          ...(d.onInstruments ? { onInstruments: d.onInstruments } : {}),
        }),
      );
    }
  }

  /** Loads instruments, spawns the connector actors and connects every venue (failures retry in the background). */
  async start(): Promise<void> {
    const { clock, config } = this.d;
    await Promise.all([...this.connectors].map(([venue, c]) => this.startVenue(venue, c)));
    this.staleTimer = clock.setInterval(() => {
      this.market.checkStale(clock.now(), (inst) => config.venues[inst.venue]?.staleAfterMs ?? this.d.adapters[inst.venue]!.limits.staleAfterMs);
    }, 250);
  }

  private async startVenue(venue: VenueId, c: VenueConnector): Promise<void> {
    const { config, host, logger, clock } = this.d;
    const actorId = `connector:${venue}`;
    try {
      await c.init();
    } catch (e) {
      // Stopping aborts the request: that is not a venue failure, and the log may be closed.
      if (this.stopped) return;
      // The venue may be unreachable at start: keep trying, and say so in health and the log.
      logger.error({ venue, err: errorMessage(e) }, 'cannot load the venue instruments; retrying');
      this.d.log('connector.init-failed', actorId, { venue, error: errorMessage(e) });
      const t = clock.setTimeout(() => {
        this.retryTimers.delete(t);
        if (!this.stopped) void this.startVenue(venue, c);
      }, config.market.reconnect.maxMs);
      this.retryTimers.add(t);
      return;
    }
    // Stopped while the instrument list was loading (a daemon stopped right after start).
    if (this.stopped) {
      c.stop();
      return;
    }
    const logic = connectorMachine.provide({ actions: c.actions() });
    await host.spawn(actorId, logic, { venue, initialMs: config.market.reconnect.initialMs, maxMs: config.market.reconnect.maxMs });
    host.send(actorId, { type: 'connector.start' });
  }

  /**
   * Refetches a venue's instrument list and follows new listings and delistings (see
   * VenueConnector.refreshInstruments); nothing changes for a venue not running or not loaded yet.
   */
  async refreshInstruments(venue: VenueId): Promise<{ added: Instrument[]; removed: Instrument[] }> {
    const c = this.connectors.get(venue);
    if (!c || this.stopped || c.instruments.length === 0) return { added: [], removed: [] };
    return c.refreshInstruments();
  }

  /** Returns each venue's connector state for /api/health. */
  health(): VenueHealth[] {
    return [...this.connectors].map(([venue, c]) => ({
      venue,
      state: this.d.host.state(`connector:${venue}`) ?? 'starting',
      lastMessageAgeMs: c.lastMessageAgeMs() ?? null,
      instruments: c.instruments.length,
      problems: c.problems.snapshot(),
    }));
  }

  /** Returns the backlog of every venue and the books by status. */
  marketHealth(): { books: Record<string, number>; backlog: Record<string, unknown>[] } {
    return {
      books: this.market.bookCounts(),
      backlog: [...this.connectors].map(([venue, c]) => ({ venue, ...c.backlog.stats })),
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.staleTimer !== undefined) this.d.clock.clearInterval(this.staleTimer);
    for (const t of this.retryTimers) this.d.clock.clearTimeout(t);
    for (const s of this.subs) s.unsubscribe();
    for (const [venue, c] of this.connectors) {
      // The connector first, so the sockets it closes are not reported as lost connections.
      c.stop();
      this.d.host.send(`connector:${venue}`, { type: 'connector.stop' });
    }
  }
}
