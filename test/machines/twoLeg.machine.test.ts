import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  IN_FLIGHT_STATES,
  allDone,
  held,
  newOrder,
  twoLegMachine,
  type SagaOrder,
  type TwoLegContext,
  type TwoLegEvent,
  type TwoLegInput,
} from '../../machines/twoLeg.machine.ts';

const LEG_MS = 1000;
const GRACE_MS = 200;
const A = 'binance-spot:BTCUSDT';
const B = 'okx:BTC-USDT';

function open(leg: 'a' | 'b', units = 10): SagaOrder {
  return newOrder({ key: `${leg}:open`, leg, purpose: 'open', side: leg === 'a' ? 'buy' : 'sell', units, limitPrice: null, reduceOnly: false });
}

/** A 10-unit saga: leg a buys on A, leg b sells on B; one unit per lot on both. */
function input(over: Partial<TwoLegInput> = {}): TwoLegInput {
  return {
    id: 's1',
    route: 'route:BTC:binance-spot:okx',
    kind: 'spot',
    legs: {
      a: { instrument: A, side: 'buy', unitsPerLot: 1, seenPrice: 100 },
      b: { instrument: B, side: 'sell', unitsPerLot: 1, seenPrice: 101 },
    },
    units: 10,
    fine: '0.01',
    orders: [open('a'), open('b')],
    maxRecoveries: 2,
    legTimeoutMs: LEG_MS,
    orphanGraceMs: GRACE_MS,
    holdUntil: null,
    decidedAt: 0,
    seenNetBps: 5,
    ...over,
  };
}

// ── events, built by hand in units ──────────────────────────────────────────────────────────
const upd = (key: string, filled: number, o: { done?: boolean; status?: string; avgPrice?: string | null; fee?: string; at?: number } = {}): TwoLegEvent => ({
  type: 'leg.updated',
  at: o.at ?? 1,
  key,
  clientOrderId: `c-${key}`,
  status: o.status ?? (filled > 0 ? 'FILLED' : 'REJECTED'),
  filled,
  avgPrice: o.avgPrice === undefined ? (filled > 0 ? '100' : null) : o.avgPrice,
  fee: o.fee ?? '0',
  done: o.done ?? true,
});
const fill = (key: string, filled = 10, at = 1) => upd(key, filled, { at });
const reject = (key: string) => upd(key, 0);
const canceled = (key: string) => upd(key, 0, { status: 'CANCELED' });
const retry = (n: number): TwoLegEvent => ({
  type: 'recovery.retry',
  at: 2,
  order: newOrder({ key: `b:retry:${n}`, leg: 'b', purpose: 'retry', side: 'sell', units: 10, limitPrice: '100.8', reduceOnly: false }),
  why: 'retry b within the guard',
});
const unwind = (n: number, units = 10): TwoLegEvent => ({
  type: 'recovery.unwind',
  at: 2,
  order: newOrder({ key: `a:unwind:${n}`, leg: 'a', purpose: 'unwind', side: 'sell', units, limitPrice: '99', reduceOnly: false }),
  why: 'unwind a: beyond the guard',
});
const dust = (units: number): TwoLegEvent => ({ type: 'recovery.dust', at: 3, units, why: 'below one lot' });
const giveUp: TwoLegEvent = { type: 'recovery.give_up', at: 3, why: 'unknown instrument' };
const exit: TwoLegEvent = {
  type: 'saga.exit',
  at: 4,
  orders: [
    newOrder({ key: 'a:exit', leg: 'a', purpose: 'exit', side: 'sell', units: 10, limitPrice: null, reduceOnly: true }),
    newOrder({ key: 'b:exit', leg: 'b', purpose: 'exit', side: 'buy', units: 10, limitPrice: null, reduceOnly: true }),
  ],
  why: 'spread converged',
};

/** A step is an event to send or a number of milliseconds to let pass on the simulated clock. */
type Step = TwoLegEvent | number;

function harness(over: Partial<TwoLegInput> = {}) {
  const calls: string[] = [];
  const clock = new SimulatedClock();
  const rec = (name: string) => () => void calls.push(name);
  const logic = twoLegMachine.provide({
    actions: { place: rec('place'), cancelWorking: rec('cancel'), planRecovery: rec('plan'), finished: rec('finished') },
  });
  const actor = createActor(logic, { input: input(over), clock });
  const errors: unknown[] = [];
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  const run = (...steps: Step[]) => {
    for (const s of steps) typeof s === 'number' ? clock.increment(s) : actor.send(s);
  };
  const ctx = () => actor.getSnapshot().context;
  const state = () => String(actor.getSnapshot().value);
  const heldAB = () => [held(ctx(), 'a'), held(ctx(), 'b')];
  return { actor, calls, clock, run, ctx, state, heldAB, errors };
}

const FILLED_A_REJECTED_B: Step[] = [fill('a:open'), reject('b:open')];

interface Scenario {
  readonly name: string;
  readonly over?: Partial<TwoLegInput>;
  readonly steps: readonly Step[];
  readonly state: string;
  readonly held: readonly [number, number];
  readonly calls: readonly string[];
  readonly outcome?: TwoLegContext['outcome'];
  readonly phase?: TwoLegContext['phase'];
  readonly recoveries?: number;
}

const PERP = { kind: 'perp' } as const;

const scenarios: Scenario[] = [
  { name: 'both filled, spot ⇒ done, hedged', steps: [fill('a:open'), fill('b:open')], state: 'done', held: [10, 10], calls: ['place', 'finished'], outcome: 'hedged' },
  { name: 'both filled, perp ⇒ held in hedged until saga.exit', over: PERP, steps: [fill('a:open'), fill('b:open'), 10 * LEG_MS], state: 'hedged', held: [10, 10], calls: ['place'], outcome: null },
  { name: 'perp: saga.exit, both exits filled ⇒ done, closed', over: PERP, steps: [fill('a:open'), fill('b:open'), exit, fill('a:exit'), fill('b:exit')], state: 'done', held: [0, 0], calls: ['place', 'place', 'finished'], outcome: 'closed', phase: 'exit' },
  { name: 'nothing filled ⇒ done, missed', steps: [reject('a:open'), reject('b:open')], state: 'done', held: [0, 0], calls: ['place', 'finished'], outcome: 'missed' },
  { name: 'a filled, b rejected ⇒ orphaned, no recovery before the grace', steps: [...FILLED_A_REJECTED_B, GRACE_MS - 1], state: 'orphaned', held: [10, 0], calls: ['place'] },
  { name: '… grace over ⇒ planRecovery once (and only once)', steps: [...FILLED_A_REJECTED_B, GRACE_MS, 10 * GRACE_MS], state: 'orphaned', held: [10, 0], calls: ['place', 'plan'] },
  { name: '… recovery.retry ⇒ recovering, the retry placed', steps: [...FILLED_A_REJECTED_B, GRACE_MS, retry(1)], state: 'recovering', held: [10, 0], calls: ['place', 'plan', 'place'], recoveries: 1 },
  { name: '… retry filled ⇒ hedged (perp)', over: PERP, steps: [...FILLED_A_REJECTED_B, GRACE_MS, retry(1), fill('b:retry:1')], state: 'hedged', held: [10, 10], calls: ['place', 'plan', 'place'], recoveries: 1 },
  { name: '… retry filled ⇒ done, hedged (spot)', steps: [...FILLED_A_REJECTED_B, GRACE_MS, retry(1), fill('b:retry:1')], state: 'done', held: [10, 10], calls: ['place', 'plan', 'place', 'finished'], outcome: 'hedged' },
  { name: '… recovery.unwind filled ⇒ done, unwound', steps: [...FILLED_A_REJECTED_B, GRACE_MS, unwind(1), fill('a:unwind:1')], state: 'done', held: [0, 0], calls: ['place', 'plan', 'place', 'finished'], outcome: 'unwound' },
  { name: 'partial: a filled 6 of 10, b 10 of 10 ⇒ orphaned holding 6 and 10', steps: [fill('a:open', 6), fill('b:open')], state: 'orphaned', held: [6, 10], calls: ['place'] },
  { name: 'late fill in orphaned balances the legs ⇒ hedged, no recovery', over: PERP, steps: [fill('a:open'), canceled('b:open'), GRACE_MS - 1, fill('b:open'), 10 * GRACE_MS], state: 'hedged', held: [10, 10], calls: ['place'] },
  { name: 'deadline ⇒ settling, working orders canceled', steps: [LEG_MS], state: 'settling', held: [0, 0], calls: ['place', 'cancel'] },
  { name: '… both cancels confirmed, nothing filled ⇒ done, missed', steps: [LEG_MS, canceled('a:open'), canceled('b:open')], state: 'done', held: [0, 0], calls: ['place', 'cancel', 'finished'], outcome: 'missed' },
  { name: '… a fill after the deadline still counts ⇒ orphaned', steps: [LEG_MS, fill('a:open'), canceled('b:open')], state: 'orphaned', held: [10, 0], calls: ['place', 'cancel'] },
  {
    name: 'recoveries exhausted (maxRecoveries 2) ⇒ failed after the grace',
    steps: [...FILLED_A_REJECTED_B, GRACE_MS, retry(1), reject('b:retry:1'), GRACE_MS, retry(2), reject('b:retry:2'), GRACE_MS],
    state: 'failed',
    held: [10, 0],
    calls: ['place', 'plan', 'place', 'plan', 'place', 'finished'],
    outcome: 'failed',
    recoveries: 2,
  },
  { name: 'recovery.dust ⇒ done', steps: [...FILLED_A_REJECTED_B, GRACE_MS, dust(10)], state: 'done', held: [10, 0], calls: ['place', 'plan', 'finished'], outcome: 'unwound' },
  { name: 'recovery.give_up ⇒ failed', steps: [...FILLED_A_REJECTED_B, GRACE_MS, giveUp], state: 'failed', held: [10, 0], calls: ['place', 'plan', 'finished'], outcome: 'failed' },
  { name: 'exit with the b exit rejected ⇒ orphaned in phase exit', over: PERP, steps: [fill('a:open'), fill('b:open'), exit, fill('a:exit'), reject('b:exit')], state: 'orphaned', held: [0, 10], calls: ['place', 'place'], phase: 'exit' },
];

describe('two-leg saga: scenarios', () => {
  it.each(scenarios)('$name', (sc) => {
    const h = harness(sc.over);
    h.run(...sc.steps);
    expect(h.state()).toBe(sc.state);
    expect(h.heldAB()).toEqual(sc.held);
    expect(h.calls).toEqual(sc.calls);
    if (sc.outcome !== undefined) expect(h.ctx().outcome).toBe(sc.outcome);
    expect(h.ctx().phase).toBe(sc.phase ?? 'open');
    if (sc.recoveries !== undefined) expect(h.ctx().recoveries).toBe(sc.recoveries);
    expect(h.errors).toEqual([]);
  });

  it('fires the grace only after it has fully passed (SimulatedClock, 200 ms)', () => {
    const h = harness();
    h.run(...FILLED_A_REJECTED_B, GRACE_MS - 1);
    expect(h.calls).toEqual(['place']);
    h.run(1);
    expect(h.calls).toEqual(['place', 'plan']);
  });

  it('the exiting and recovering deadlines cancel what is still working without leaving the state', () => {
    const e = harness(PERP);
    e.run(fill('a:open'), fill('b:open'), exit, LEG_MS - 1);
    expect(e.calls).toEqual(['place', 'place']);
    e.run(1);
    expect(e.state()).toBe('exiting');
    expect(e.calls).toEqual(['place', 'place', 'cancel']);

    const r = harness();
    r.run(...FILLED_A_REJECTED_B, GRACE_MS, retry(1), LEG_MS);
    expect(r.state()).toBe('recovering');
    expect(r.calls).toEqual(['place', 'plan', 'place', 'cancel']);
  });

  it('records when it hedged and closed, from the events that settled it', () => {
    const h = harness(PERP);
    h.run(fill('a:open', 10, 40), fill('b:open', 10, 55));
    expect(h.ctx().hedgedAt).toBe(55);
    h.run(exit, fill('a:exit', 10, 900), fill('b:exit', 10, 950));
    // hedgedAt is kept from the first hedge; closedAt is the last exit fill.
    expect(h.ctx()).toMatchObject({ hedgedAt: 55, closedAt: 950, outcome: 'closed', reason: 'spread converged' });
  });

  it('keeps the recovery reason and counts recoveries; dust units are recorded', () => {
    const h = harness();
    h.run(...FILLED_A_REJECTED_B, GRACE_MS, retry(1));
    expect(h.ctx()).toMatchObject({ recoveries: 1, reason: 'retry b within the guard' });
    expect(h.ctx().orders.map((o) => o.key)).toEqual(['a:open', 'b:open', 'b:retry:1']);
    const d = harness();
    d.run(...FILLED_A_REJECTED_B, GRACE_MS, dust(10));
    expect(d.ctx()).toMatchObject({ dust: 10, reason: 'below one lot' });
  });

  it('names the give-up reason, or the recoveries spent when the grace ran out', () => {
    const g = harness();
    g.run(...FILLED_A_REJECTED_B, GRACE_MS, giveUp);
    expect(g.ctx().reason).toBe('unknown instrument');
    const x = harness({ maxRecoveries: 1 });
    x.run(...FILLED_A_REJECTED_B, GRACE_MS, unwind(1), reject('a:unwind:1'), GRACE_MS);
    expect(x.state()).toBe('failed');
    expect(x.ctx().reason).toMatch(/after 1 recoveries/);
  });

  it('ignores a recovery answer that arrives after a late fill already hedged the saga', () => {
    const h = harness(PERP);
    h.run(fill('a:open'), canceled('b:open'), GRACE_MS, fill('b:open'));
    expect(h.state()).toBe('hedged');
    h.run(retry(1));
    expect(h.state()).toBe('hedged');
    expect(h.ctx().orders).toHaveLength(2);
    expect(h.ctx().recoveries).toBe(0);
  });

  it('lists the states in which exposure is expected', () => {
    expect([...IN_FLIGHT_STATES].sort()).toEqual(['exiting', 'orphaned', 'recovering', 'sending', 'settling']);
  });

  it('throws on the crash drill', () => {
    const h = harness();
    h.actor.send({ type: 'debug.crash' });
    expect(h.actor.getSnapshot().status).toBe('error');
    expect(String(h.errors[0])).toMatch(/debug.crash/);
  });
});

describe('two-leg saga: fills', () => {
  it('never decreases a fill: a stale report with a smaller filled keeps the larger one and its price', () => {
    const h = harness();
    h.run(upd('a:open', 8, { done: false, status: 'PARTIALLY_FILLED', avgPrice: '100.1', fee: '0.08' }));
    h.run(upd('a:open', 5, { done: false, status: 'PARTIALLY_FILLED', avgPrice: '100', fee: '0.05' }));
    const a = h.ctx().orders.find((o) => o.key === 'a:open')!;
    expect(a).toMatchObject({ filled: 8, avgPrice: '100.1', fee: '0.08', done: false });
    expect(h.state()).toBe('sending');
  });

  it('property: after any sequence of reports an order holds the largest fill, and is done once any report said so', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ filled: fc.integer({ min: 0, max: 10 }), done: fc.boolean() }), { minLength: 1, maxLength: 12 }), (reports) => {
        const h = harness();
        // b never reports, so the saga stays in sending and every report is applied.
        for (const r of reports) h.run(upd('a:open', r.filled, { done: r.done, status: 'X' }));
        const a = h.ctx().orders.find((o) => o.key === 'a:open')!;
        expect(a.filled).toBe(Math.max(...reports.map((r) => r.filled)));
        expect(a.done).toBe(reports.some((r) => r.done));
        expect(h.state()).toBe('sending');
        h.actor.stop();
      }),
      { numRuns: 100 },
    );
  });

  it('ignores a report for a key the saga does not know', () => {
    const h = harness();
    h.run(fill('a:retry:9'));
    expect(h.ctx().orders.map((o) => o.filled)).toEqual([0, 0]);
  });
});

describe('held() and allDone()', () => {
  const o = (key: string, leg: 'a' | 'b', side: 'buy' | 'sell', filled: number, done = true): SagaOrder => ({
    ...newOrder({ key, leg, purpose: 'open', side, units: 10, limitPrice: null, reduceOnly: false }),
    filled,
    done,
  });
  const legs = input().legs;

  it('counts a leg’s open-side fills and subtracts its opposite-side fills', () => {
    // a buys at the open: bought 10, sold 4 back ⇒ holds 10 − 4 = 6.
    expect(held({ legs, orders: [o('a:open', 'a', 'buy', 10), o('a:unwind:1', 'a', 'sell', 4)] }, 'a')).toBe(6);
    // b sells at the open: sold 10, bought 10 back ⇒ holds 0; an over-close (bought 13) ⇒ −3.
    expect(held({ legs, orders: [o('b:open', 'b', 'sell', 10), o('b:exit', 'b', 'buy', 10)] }, 'b')).toBe(0);
    expect(held({ legs, orders: [o('b:open', 'b', 'sell', 10), o('b:exit', 'b', 'buy', 13)] }, 'b')).toBe(-3);
    // The other leg's orders never count.
    expect(held({ legs, orders: [o('b:open', 'b', 'sell', 10)] }, 'a')).toBe(0);
  });

  it('property: held is additive over orders and an order with its opposite twin cancels out', () => {
    const order = fc.record({ leg: fc.constantFrom<'a' | 'b'>('a', 'b'), side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'), filled: fc.integer({ min: 0, max: 1000 }) });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 8 }), fc.array(order, { maxLength: 8 }), (xs, ys) => {
        const mk = (list: typeof xs) => list.map((x, i) => o(`k${i}`, x.leg, x.side, x.filled));
        const flip = (s: 'buy' | 'sell'): 'buy' | 'sell' => (s === 'buy' ? 'sell' : 'buy');
        for (const leg of ['a', 'b'] as const) {
          expect(held({ legs, orders: [...mk(xs), ...mk(ys)] }, leg)).toBe(held({ legs, orders: mk(xs) }, leg) + held({ legs, orders: mk(ys) }, leg));
          const twins = xs.map((x) => ({ ...x, side: flip(x.side) }));
          expect(held({ legs, orders: [...mk(xs), ...mk(twins)] }, leg)).toBe(0);
        }
      }),
    );
  });

  it('allDone is true only when no order is working', () => {
    expect(allDone({ orders: [o('a:open', 'a', 'buy', 10), o('b:open', 'b', 'sell', 0)] })).toBe(true);
    expect(allDone({ orders: [o('a:open', 'a', 'buy', 10), o('b:open', 'b', 'sell', 3, false)] })).toBe(false);
  });
});

// ── path tests ─────────────────────────────────────────────────────────────────────────────
const AFTER_LEG = { type: 'xstate.after.legTimeout.twoLeg.sending' } as unknown as TwoLegEvent;
const AFTER_GRACE = { type: 'xstate.after.orphanGrace.twoLeg.orphaned' } as unknown as TwoLegEvent;

/** What can happen next: a fill (full or 6 of 10) or a rejection of each working order, a recovery answer while recoveries are left, an exit while open, the timers. */
function nextEvents(s: { context: TwoLegContext }): TwoLegEvent[] {
  const c = s.context;
  const evs: TwoLegEvent[] = [AFTER_LEG, AFTER_GRACE];
  for (const o of c.orders) if (!o.done) evs.push(fill(o.key, o.units), reject(o.key));
  if (c.orders.some((o) => o.key === 'a:open' && !o.done)) evs.push(fill('a:open', 6));
  if (c.recoveries < c.maxRecoveries) evs.push(retry(c.recoveries + 1), unwind(c.recoveries + 1), dust(4));
  evs.push(giveUp);
  if (c.phase === 'open') evs.push(exit);
  return evs;
}

const PERP_INPUT = input({ kind: 'perp' });

describe('two-leg chart paths', () => {
  const paths = getShortestPaths(twoLegMachine, {
    input: PERP_INPUT,
    events: nextEvents,
    serializeState: (s) => JSON.stringify([s.value, s.context.phase, s.context.recoveries, s.context.orders.map((o) => [o.key, o.filled, o.done])]),
    limit: 20_000,
  });

  it('reaches every state of the chart', () => {
    expect([...new Set(paths.map((p) => String(p.state.value)))].sort()).toEqual(['done', 'exiting', 'failed', 'hedged', 'orphaned', 'recovering', 'sending', 'settling']);
  });

  it('replays each shortest path on a real actor (timers on the simulated clock) to the same state', () => {
    expect(paths.length).toBeGreaterThan(8);
    for (const p of paths) {
      const clock = new SimulatedClock();
      const a = createActor(twoLegMachine, { input: PERP_INPUT, clock }).start();
      for (const { event } of p.steps) {
        if (event.type === AFTER_LEG.type) clock.increment(LEG_MS);
        else if (event.type === AFTER_GRACE.type) clock.increment(GRACE_MS);
        else if (!event.type.startsWith('xstate.')) a.send(event);
      }
      const got = a.getSnapshot();
      expect(got.value, p.steps.map((s) => s.event.type).join(' → ')).toEqual(p.state.value);
      expect(got.context.orders).toEqual(p.state.context.orders);
      a.stop();
    }
  });

  it('gives every path that ends (done or failed) an outcome', () => {
    const finals = paths.filter((p) => p.state.status === 'done');
    expect(finals.length).toBeGreaterThan(0);
    for (const p of finals) expect(p.state.context.outcome).not.toBeNull();
  });
});
