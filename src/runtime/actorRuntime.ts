/**
 * The actor system: plain TypeScript owning one XState root actor per id (no giant parent, so
 * thousands start in linear time and one actor's failure cannot stop another). For each actor it
 *  - records every state change as a `transition` event and in a bounded ring (the inspector),
 *  - persists its snapshot: write-behind for ordinary actors, fsynced per transition for durable
 *    ones (orders, sagas, the portfolio), in the same atomic batch as the transition records,
 *  - keeps the absolute due time of its pending `after` timers and re-arms them on restore,
 *  - reports a crash to the supervisor chart, which decides restart (with backoff) or escalation.
 */
import { Subject } from 'rxjs';
import { createActor, type AnyActorRef, type AnyEventObject, type AnyMachineSnapshot, type AnyStateMachine, type InspectionEvent } from 'xstate';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { errorMessage } from '../core/errors.ts';
import { supervisorMachine, type SupervisorPolicy } from '../../machines/supervisor.machine.ts';
import type { EventLog } from './eventLog.ts';
import type { Store } from './store.ts';
import type { WriteOp, WriteQueue } from './writeQueue.ts';
import { Ring } from './ring.ts';
import { stateString } from './chart.ts';

export interface ActorSpec {
  readonly kind: string;
  readonly logic: AnyStateMachine;
  /** Persist every transition with fsync before anything it leads to (orders, sagas, portfolio). */
  readonly durable: boolean;
  readonly input?: unknown;
  /** Events sent to a fresh actor that replaced an unreadable snapshot (e.g. portfolio → risk_off). */
  readonly onUnreadableSnapshot?: (reason: string, at: number) => AnyEventObject[];
}

export interface TransitionInfo {
  readonly seq: number;
  readonly ts: number;
  readonly actor: string;
  readonly from: string;
  readonly event: string;
  readonly to: string;
  readonly causationId?: string;
}

export type ActorStatus = 'running' | 'restarting' | 'given-up';

interface PendingTimer {
  readonly event: AnyEventObject;
  readonly dueAt: number;
}

interface Entry {
  readonly id: string;
  readonly spec: ActorSpec;
  actor: AnyActorRef;
  status: ActorStatus;
  state: string;
  lastGood: AnyMachineSnapshot;
  updatedAt: number;
  restarts: number;
  readonly recent: Ring<TransitionInfo>;
  timers: Map<string, PendingTimer>;
}

interface PersistedActor {
  readonly v: 1;
  readonly kind: string;
  readonly snapshot: unknown;
  readonly timers: readonly (PendingTimer & { id: string })[];
  readonly restarts: number;
}

export interface ActorRuntimeDeps {
  clock: Clock;
  store: Store;
  queue: WriteQueue;
  eventLog: EventLog;
  logger: Logger;
  policy: SupervisorPolicy;
  recentTransitions: number;
  /** Extra inspection observer (the Stately bridge); sees every root actor's events. */
  inspect?: (ev: InspectionEvent) => void;
}

export const SUPERVISOR_ID = 'supervisor';

export class ActorRuntime {
  readonly transitions$ = new Subject<TransitionInfo>();
  /** Every change of an actor's state or status; `retired` once when it is retired (it is gone afterwards). */
  readonly changed$ = new Subject<{ id: string; kind: string; state: string; status: ActorStatus | 'retired'; restarts: number; updatedAt: number }>();
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<Entry>();
  /** The latest durable write; the queue commits in order, so it settles after all earlier ones. */
  private lastDurable: Promise<void> = Promise.resolve();
  /** Actors to send back to risk_off as soon as they are running again (an escalated portfolio). */
  private readonly escalateOnRestart = new Map<string, string>();
  private stopped = false;

  constructor(private readonly deps: ActorRuntimeDeps) {
    deps.queue.addContributor(() => this.drainDirty());
  }

  /** Starts (or restores) the supervisor; call once before spawning children. */
  async start(): Promise<void> {
    const logic = supervisorMachine.provide({
      actions: {
        restartChild: (_, p) => this.scheduleRestart(p.id, p.delayMs),
        escalate: (_, p) => this.escalate(p.id, p.reason),
      },
    });
    await this.spawnAll([{ id: SUPERVISOR_ID, spec: { kind: 'supervisor', logic, durable: true, input: { policy: this.deps.policy } } }]);
    this.send(SUPERVISOR_ID, { type: 'supervisor.configure', policy: this.deps.policy });
  }

  /** Creates the actors, each restored from its persisted snapshot when one exists. */
  async spawnAll(list: readonly { id: string; spec: ActorSpec }[]): Promise<void> {
    const values = await this.deps.store.actors.getMany(list.map((a) => a.id));
    list.forEach(({ id, spec }, i) => {
      if (this.entries.has(id)) throw new Error(`actor ${id} already exists`);
      this.launch(id, spec, values[i], undefined);
    });
  }

  /** Sends `event` to actor `id`; returns false (and sends nothing) when it is not running. */
  send(id: string, event: AnyEventObject): boolean {
    const e = this.entries.get(id);
    if (!e || e.status !== 'running') return false;
    e.actor.send(event);
    return true;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Returns the current snapshot of a running actor. */
  snapshot(id: string): AnyMachineSnapshot | undefined {
    return this.entries.get(id)?.lastGood;
  }

  list(): { id: string; kind: string; state: string; status: ActorStatus; updatedAt: number; restarts: number }[] {
    return [...this.entries.values()].map((e) => ({ id: e.id, kind: e.spec.kind, state: e.state, status: e.status, updatedAt: e.updatedAt, restarts: e.restarts }));
  }

  describe(id: string) {
    const e = this.entries.get(id);
    if (!e) return undefined;
    return {
      id,
      kind: e.spec.kind,
      state: e.state,
      status: e.status,
      context: e.lastGood.context as unknown,
      logic: e.spec.logic,
      recentTransitions: e.recent.toArray(),
      restarts: e.restarts,
      timers: [...e.timers.values()].map((t) => ({ event: t.event.type, dueAt: t.dueAt })),
    };
  }

  /**
   * Stops an actor for good and deletes its persisted snapshot (a terminal order past its grace
   * period): its life stays in the event log. The delete is durable before this resolves.
   */
  async retire(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.dirty.delete(e);
    try {
      e.actor.stop();
    } catch {
      // an actor that already failed has nothing left to stop
    }
    await this.lastDurable;
    this.lastDurable = this.deps.queue.durable({ sublevel: this.deps.store.actors, key: id, value: undefined }).catch((err) => {
      this.deps.logger.error({ actor: id, err: errorMessage(err) }, 'could not delete a retired actor');
    });
    this.deps.eventLog.append({ type: 'actor.retired', actor: id, data: { state: e.state } });
    this.changed$.next({ id, kind: e.spec.kind, state: e.state, status: 'retired', restarts: e.restarts, updatedAt: this.deps.clock.now() });
    await this.lastDurable;
  }

  /** Returns the ids of persisted actors whose id starts with `prefix` (restored or not). */
  async persistedIds(prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const key of this.deps.store.actors.keys({ gte: prefix, lt: `${prefix}\uffff` })) ids.push(key);
    return ids;
  }

  /** Resolves once every durable write asked for so far and the write-behind buffer are on disk. */
  async settle(): Promise<void> {
    await this.lastDurable;
    await this.deps.queue.flush();
  }

  /** Stops every actor (persisting their last state) and their timers. */
  async stop(): Promise<void> {
    this.stopped = true;
    // Snapshots are taken while everything still runs: stopping first would persist children
    // (invoked actors) as stopped, and they would not come back on restore.
    const ops = [...this.entries.values()].filter((e) => e.status === 'running').map((e) => this.snapshotOp(e));
    this.dirty.clear();
    this.deps.queue.enqueue(...ops);
    for (const e of this.entries.values()) {
      try {
        e.actor.stop();
      } catch {
        // an actor that already failed has nothing left to stop
      }
    }
    await this.settle();
  }

  private launch(id: string, spec: ActorSpec, stored: string | undefined, previous: Entry | undefined): Entry {
    const { clock } = this.deps;
    const restored = stored === undefined ? undefined : this.readPersisted(id, stored);
    const entry: Entry = previous ?? {
      id,
      spec,
      actor: undefined as unknown as AnyActorRef,
      status: 'running',
      state: '',
      lastGood: undefined as unknown as AnyMachineSnapshot,
      updatedAt: clock.now(),
      restarts: restored?.restarts ?? 0,
      recent: new Ring(this.deps.recentTransitions),
      timers: new Map(),
    };
    entry.timers = new Map();
    const actor = createActor(spec.logic, {
      ...(restored ? { snapshot: restored.snapshot as AnyMachineSnapshot } : { input: spec.input }),
      clock,
      inspect: (ev) => {
        if (ev.type === '@xstate.snapshot' && ev.actorRef === entry.actor) this.onSnapshot(entry, ev.snapshot as AnyMachineSnapshot, ev.event);
        this.deps.inspect?.(ev);
      },
    });
    entry.actor = actor;
    entry.status = 'running';
    entry.lastGood = actor.getSnapshot() as AnyMachineSnapshot;
    entry.state = stateString(entry.lastGood.value);
    this.entries.set(id, entry);
    actor.subscribe({ error: (err) => this.onCrash(entry, err) });
    actor.start();
    if (restored) this.rearm(entry, restored.timers);
    else if (stored !== undefined && spec.onUnreadableSnapshot) {
      for (const ev of spec.onUnreadableSnapshot(`snapshot of ${id} unreadable`, clock.now())) actor.send(ev);
    }
    // No persist here: starting (fresh or restored) emits the init snapshot, which persists it.
    return entry;
  }

  private readPersisted(id: string, stored: string): PersistedActor | undefined {
    try {
      const p = JSON.parse(stored) as PersistedActor;
      if (p.v !== 1 || typeof p.snapshot !== 'object' || p.snapshot === null) throw new Error('not a v1 actor record');
      return p;
    } catch (e) {
      // Reported, and the actor starts fresh; its spec decides how cautious that start is.
      this.deps.logger.error({ actor: id, err: errorMessage(e) }, 'actor snapshot unreadable; starting fresh');
      this.deps.eventLog.append({ type: 'actor.snapshot_unreadable', actor: id, data: { reason: errorMessage(e) } });
      return undefined;
    }
  }

  /** Re-arms `after` timers lost by restore, at their original absolute due times. */
  private rearm(entry: Entry, timers: PersistedActor['timers']): void {
    const now = this.deps.clock.now();
    for (const t of timers) {
      entry.actor.system.scheduler.schedule(entry.actor, entry.actor, t.event, Math.max(0, t.dueAt - now), t.id);
      entry.timers.set(t.id, { event: t.event, dueAt: t.dueAt });
    }
  }

  private onSnapshot(entry: Entry, snapshot: AnyMachineSnapshot, event: AnyEventObject): void {
    // An errored or stopped snapshot is not state to restore: a stopped one would come back
    // with status 'stopped' forever. The last good state stays what is persisted.
    if (snapshot.status === 'error' || snapshot.status === 'stopped') return;
    const now = this.deps.clock.now();
    entry.lastGood = snapshot;
    entry.updatedAt = now;
    this.trackTimers(entry, now);
    const to = stateString(snapshot.value);
    const from = entry.state;
    if (to !== from) {
      entry.state = to;
      const causationId = typeof event.causationId === 'string' ? event.causationId : undefined;
      const t = { actor: entry.id, from, event: event.type, to, ...(causationId ? { causationId } : {}) };
      const rec = this.deps.eventLog.append({ type: 'transition', ...t });
      const info: TransitionInfo = { seq: rec.seq, ts: rec.ts, ...t };
      entry.recent.push(info);
      this.transitions$.next(info);
      this.announce(entry);
    }
    this.persist(entry);
  }

  private announce(e: Entry): void {
    this.changed$.next({ id: e.id, kind: e.spec.kind, state: e.state, status: e.status, restarts: e.restarts, updatedAt: e.updatedAt });
  }

  private trackTimers(entry: Entry, now: number): void {
    const scheduled = entry.actor.system.getSnapshot()._scheduledEvents;
    const next = new Map<string, PendingTimer>();
    for (const s of Object.values(scheduled)) {
      if (s.source !== entry.actor || s.target !== entry.actor) continue;
      next.set(s.id, entry.timers.get(s.id) ?? { event: s.event, dueAt: now + s.delay });
    }
    entry.timers = next;
  }

  private persist(entry: Entry): void {
    if (this.stopped && entry.status !== 'running') return;
    if (entry.spec.durable) {
      this.writeDurable(entry, 'durable snapshot write failed');
    } else {
      this.dirty.add(entry);
      this.deps.queue.touch();
    }
  }

  private writeDurable(entry: Entry, failure: string): void {
    this.lastDurable = this.deps.queue.durable(this.snapshotOp(entry)).catch((e) => {
      this.deps.logger.error({ actor: entry.id, err: errorMessage(e) }, failure);
    });
  }

  private drainDirty(): WriteOp[] {
    const ops: WriteOp[] = [];
    // A crashed actor's record was written when it crashed; snapshotting it again now would
    // capture its children already stopped.
    for (const e of this.dirty) if (e.status === 'running') ops.push(this.snapshotOp(e));
    this.dirty.clear();
    return ops;
  }

  private snapshotOp(entry: Entry): WriteOp {
    const record: PersistedActor = {
      v: 1,
      kind: entry.spec.kind,
      // From the last good snapshot, never from an actor in error: a crash must not be persisted.
      snapshot: entry.spec.logic.getPersistedSnapshot(entry.lastGood),
      timers: [...entry.timers].map(([id, t]) => ({ id, ...t })),
      restarts: entry.restarts,
    };
    return { sublevel: this.deps.store.actors, key: entry.id, value: JSON.stringify(record) };
  }

  private onCrash(entry: Entry, err: unknown): void {
    const { clock, eventLog, logger } = this.deps;
    const message = errorMessage(err);
    entry.status = 'restarting';
    logger.error({ actor: entry.id, err: message }, 'actor crashed');
    eventLog.append({ type: 'actor.crashed', actor: entry.id, data: { error: message, state: entry.state } });
    this.announce(entry);
    // The last good state goes to disk first (the op is built now, while its children still
    // run, so they are restored running), and the restart below reads exactly it back.
    this.dirty.delete(entry);
    this.writeDurable(entry, 'could not persist crashed actor state');
    stopChildren(entry.actor);
    if (entry.id === SUPERVISOR_ID) {
      // Nothing supervises the supervisor: it is restarted at once from its last state.
      this.scheduleRestart(SUPERVISOR_ID, 0);
      return;
    }
    if (!this.send(SUPERVISOR_ID, { type: 'child.crashed', id: entry.id, at: clock.now(), error: message })) {
      this.scheduleRestart(entry.id, this.deps.policy.backoffMaxMs);
    }
  }

  private scheduleRestart(id: string, delayMs: number): void {
    this.deps.eventLog.append({ type: 'supervisor.restart_scheduled', actor: id, data: { delayMs } });
    this.deps.clock.setTimeout(() => {
      void this.restart(id).catch((e) => this.deps.logger.error({ actor: id, err: errorMessage(e) }, 'restart failed'));
    }, delayMs);
  }

  /** Rebuilds a crashed actor from the snapshot persisted in LevelDB. */
  private async restart(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.status === 'running' || this.stopped) return;
    await this.lastDurable;
    const stored = await this.deps.store.actors.get(id);
    if (this.stopped) return;
    entry.restarts++;
    this.launch(id, entry.spec, stored, entry);
    this.deps.eventLog.append({ type: 'actor.restarted', actor: id, data: { restarts: entry.restarts, state: entry.state } });
    this.announce(entry);
    const reason = this.escalateOnRestart.get(id);
    if (reason !== undefined) {
      this.escalateOnRestart.delete(id);
      this.send(id, { type: 'risk.escalate', at: this.deps.clock.now(), reason });
    }
  }

  private escalate(id: string, reason: string): void {
    const { clock, eventLog, logger } = this.deps;
    const entry = this.entries.get(id);
    logger.error({ actor: id, reason }, 'supervisor escalates: restart intensity exceeded');
    eventLog.append({ type: 'supervisor.escalated', actor: SUPERVISOR_ID, data: { child: id, reason } });
    if (id === 'portfolio') {
      // The portfolio is where risk is refused, so it is never given up: it comes back slowly,
      // and straight into risk_off.
      this.escalateOnRestart.set(id, reason);
      this.scheduleRestart(id, this.deps.policy.backoffMaxMs);
      return;
    }
    if (entry) {
      entry.status = 'given-up';
      this.announce(entry);
    }
    this.send('portfolio', { type: 'risk.escalate', at: clock.now(), reason });
  }
}

/**
 * Stops the children (invoked or spawned actors) of an actor that errored: XState 5 stops the
 * failed actor but not its children, so a callback or socket it invoked would keep running beside
 * the restarted copy. There is no public API for a non-root stop, hence `_stop`.
 */
function stopChildren(actor: AnyActorRef): void {
  const children = (actor.getSnapshot() as { children?: Record<string, unknown> }).children ?? {};
  for (const child of Object.values(children)) {
    try {
      (child as { _stop?: () => void })._stop?.();
    } catch {
      // a child that cannot be stopped is already gone
    }
  }
}
