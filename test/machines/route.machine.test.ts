import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { routeMachine, successRate, type RouteEdge, type RouteEvent, type RouteStats } from '../../machines/route.machine.ts';

const COOLDOWN_MS = 5000;
const input = { id: 'route:BTC:binance-spot:okx', cooldownMs: COOLDOWN_MS };

/** 7.5 bps net against a 5 bps threshold: pays. */
const PAYING: RouteEdge = { netBps: 7.5, thresholdBps: 5, buy: 'a', qtyBase: 0.01 };
/** 4.9 bps against 5: does not. */
const THIN: RouteEdge = { netBps: 4.9, thresholdBps: 5, buy: 'b', qtyBase: 0.01 };

const ev = {
  blocked: (why = 'okx book not synced'): RouteEvent => ({ type: 'route.tick', at: 1, blocked: why, edge: null }),
  quiet: (): RouteEvent => ({ type: 'route.tick', at: 1, blocked: null, edge: null }),
  pays: (): RouteEvent => ({ type: 'route.tick', at: 1, blocked: null, edge: PAYING }),
  thin: (): RouteEvent => ({ type: 'route.tick', at: 1, blocked: null, edge: THIN }),
  fired: (sagaId = 's1'): RouteEvent => ({ type: 'route.fired', at: 2, sagaId }),
  declined: (reason = 'balance'): RouteEvent => ({ type: 'route.declined', at: 2, reason }),
  finished: (sagaId = 's1', outcome = 'hedged'): RouteEvent => ({ type: 'route.saga_finished', at: 3, sagaId, outcome }),
};

type Step = RouteEvent | number;

function harness() {
  const calls: string[] = [];
  const clock = new SimulatedClock();
  const logic = routeMachine.provide({ actions: { requestFire: () => void calls.push('requestFire') } });
  const actor = createActor(logic, { input, clock }).start();
  const run = (...steps: Step[]) => {
    for (const s of steps) typeof s === 'number' ? clock.increment(s) : actor.send(s);
  };
  return { actor, calls, run, state: () => String(actor.getSnapshot().value), ctx: () => actor.getSnapshot().context };
}

const AFTER_COOLDOWN = { type: 'xstate.after.cooldown.route.cooldown' } as unknown as RouteEvent;
const graphEvents: RouteEvent[] = [ev.blocked(), ev.quiet(), ev.pays(), ev.thin(), ev.fired(), ev.declined(), ev.finished(), ev.finished('other'), AFTER_COOLDOWN];

function replay(steps: readonly { event: { type: string } }[]) {
  const h = harness();
  for (const { event } of steps) {
    if (event.type === AFTER_COOLDOWN.type) h.run(COOLDOWN_MS);
    else if (!event.type.startsWith('xstate.')) h.run(event as RouteEvent);
  }
  return h;
}

describe('route chart paths', () => {
  it('reaches every state by a shortest path, and each path replays to its state', () => {
    const paths = getShortestPaths(routeMachine, { input, events: graphEvents, serializeState: (s) => JSON.stringify(s.value) });
    expect([...new Set(paths.map((p) => String(p.state.value)))].sort()).toEqual(['armed', 'blocked', 'cooldown', 'executing', 'idle']);
    for (const p of paths) expect(replay(p.steps).state()).toBe(String(p.state.value));
  });

  it('replays every simple path; requestFire runs once per entry into armed', () => {
    const paths = getSimplePaths(routeMachine, { input, events: graphEvents, serializeState: (s) => JSON.stringify(s.value) });
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const p of paths) {
      const h = replay(p.steps);
      expect(h.state()).toBe(String(p.state.value));
      // A simple path visits armed at most once, and always by a paying tick.
      const visitedArmed = p.steps.some((s) => s.state.value === 'armed');
      expect(h.calls).toEqual(visitedArmed ? ['requestFire'] : []);
    }
  });
});

describe('route chart', () => {
  it('starts blocked, waiting for both books; an unblocked tick makes it idle (not armed, even when it pays)', () => {
    const h = harness();
    expect(h.state()).toBe('blocked');
    expect(h.ctx().blockedReason).toBe('waiting for both books');
    h.run(ev.pays());
    expect(h.state()).toBe('idle');
    expect(h.calls).toEqual([]);
    expect(h.ctx()).toMatchObject({ blockedReason: null, edge: PAYING });
  });

  it('arms on a tick that pays (7.5 ≥ 5 bps) and asks to fire on entry; a thin tick (4.9 < 5) does not', () => {
    const h = harness();
    h.run(ev.quiet(), ev.thin());
    expect(h.state()).toBe('idle');
    expect(h.ctx().edge).toEqual(THIN);
    h.run(ev.pays());
    expect(h.state()).toBe('armed');
    expect(h.calls).toEqual(['requestFire']);
    // Another paying tick while armed keeps it armed without asking again.
    h.run(ev.pays());
    expect(h.state()).toBe('armed');
    expect(h.calls).toEqual(['requestFire']);
  });

  it('an edge exactly at the threshold pays', () => {
    const h = harness();
    h.run(ev.quiet(), { type: 'route.tick', at: 1, blocked: null, edge: { ...PAYING, netBps: 5 } });
    expect(h.state()).toBe('armed');
  });

  it('armed: the edge gone ⇒ idle; declined ⇒ idle with the reason counted', () => {
    const gone = harness();
    gone.run(ev.quiet(), ev.pays(), ev.thin());
    expect(gone.state()).toBe('idle');
    const dec = harness();
    dec.run(ev.quiet(), ev.pays(), ev.declined('no balance on okx'));
    expect(dec.state()).toBe('idle');
    expect(dec.ctx()).toMatchObject({ lastDecline: 'no balance on okx', stats: { declined: 1, fired: 0 } });
  });

  it('fired ⇒ executing; a saga_finished for another saga is ignored; its own ⇒ cooldown', () => {
    const h = harness();
    h.run(ev.quiet(), ev.pays(), ev.fired('s1'));
    expect(h.state()).toBe('executing');
    expect(h.ctx()).toMatchObject({ sagaId: 's1', stats: { fired: 1 } });
    h.run(ev.finished('s0', 'failed'));
    expect(h.state()).toBe('executing');
    expect(h.ctx()).toMatchObject({ sagaId: 's1', lastOutcome: null, stats: { failed: 0 } });
    h.run(ev.finished('s1', 'hedged'));
    expect(h.state()).toBe('cooldown');
    expect(h.ctx()).toMatchObject({ sagaId: null, lastOutcome: 'hedged', stats: { fired: 1, hedged: 1 } });
  });

  it('cooldown lasts cooldownMs on the clock, then idle; it never re-arms meanwhile', () => {
    const h = harness();
    h.run(ev.quiet(), ev.pays(), ev.fired(), ev.finished(), ev.pays(), COOLDOWN_MS - 1);
    expect(h.state()).toBe('cooldown');
    expect(h.calls).toEqual(['requestFire']);
    h.run(1);
    expect(h.state()).toBe('idle');
    // The ticks seen in cooldown were noted.
    expect(h.ctx().edge).toEqual(PAYING);
    h.run(ev.pays());
    expect(h.state()).toBe('armed');
    expect(h.calls).toEqual(['requestFire', 'requestFire']);
  });

  it('blocks from idle and from armed, keeping the reason; never from executing', () => {
    const idle = harness();
    idle.run(ev.quiet(), ev.blocked('binance breaker open'));
    expect(idle.state()).toBe('blocked');
    expect(idle.ctx().blockedReason).toBe('binance breaker open');
    const armed = harness();
    armed.run(ev.quiet(), ev.pays(), ev.blocked());
    expect(armed.state()).toBe('blocked');
    const exec = harness();
    exec.run(ev.quiet(), ev.pays(), ev.fired(), ev.blocked());
    expect(exec.state()).toBe('executing');
    // A saga under way finishes under its own chart; a blocked tick is not even noted.
    expect(exec.ctx().blockedReason).toBeNull();
  });

  it('stays blocked while ticks say so, noting the latest reason', () => {
    const h = harness();
    h.run(ev.blocked('a'), ev.blocked('b'));
    expect(h.state()).toBe('blocked');
    expect(h.ctx().blockedReason).toBe('b');
  });

  it('counts each known outcome once and ignores unknown ones in the stats', () => {
    const h = harness();
    const cycle = (id: string, outcome: string) => h.run(ev.quiet(), ev.pays(), ev.fired(id), ev.finished(id, outcome), COOLDOWN_MS);
    cycle('s1', 'hedged');
    cycle('s2', 'unwound');
    cycle('s3', 'missed');
    cycle('s4', 'fired'); // not an outcome: must not inflate the fired count
    cycle('s5', 'weird');
    expect(h.ctx().stats).toEqual({ fired: 5, hedged: 1, closed: 0, unwound: 1, missed: 1, failed: 0, declined: 0 });
    expect(h.ctx().lastOutcome).toBe('weird');
  });
});

describe('successRate', () => {
  const s = (o: Partial<RouteStats>): RouteStats => ({ fired: 0, hedged: 0, closed: 0, unwound: 0, missed: 0, failed: 0, declined: 0, ...o });

  it('is a neutral 0.5 before any trade ended', () => {
    expect(successRate(s({}))).toBe(0.5);
    // Missed and declined trades never traded: still no evidence either way.
    expect(successRate(s({ fired: 3, missed: 3, declined: 2 }))).toBe(0.5);
  });

  it('is (hedged + closed) / (hedged + closed + unwound + failed)', () => {
    // (3 + 1) / (3 + 1 + 2 + 2) = 4 / 8 = 0.5; (2 + 0) / (2 + 0 + 0 + 6) = 0.25.
    expect(successRate(s({ hedged: 3, closed: 1, unwound: 2, failed: 2, missed: 9 }))).toBe(0.5);
    expect(successRate(s({ hedged: 2, failed: 6 }))).toBe(0.25);
    expect(successRate(s({ unwound: 1 }))).toBe(0);
    expect(successRate(s({ closed: 4 }))).toBe(1);
  });
});
