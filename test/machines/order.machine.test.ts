import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  RESOLVED_STATUSES,
  SEEN_TRADE_IDS_MAX,
  orderMachine,
  ratioToDecimal,
  type OrderEvent,
  type OrderInput,
  type OrderStatus,
  type RefusedParams,
  type TransitionKey,
} from '../../machines/order.machine.ts';

const input: OrderInput = { clientOrderId: 'fl-1', venue: 'bybit-linear', instrument: 'BTCUSDT', side: 'buy', qty: 10, price: 1000, at: 0 };

let clock = 0;
const at = () => ++clock;
const ev = {
  submit: (): OrderEvent => ({ type: 'order.submit', at: at() }),
  denied: (): OrderEvent => ({ type: 'order.denied', at: at(), reason: 'heat' }),
  accepted: (): OrderEvent => ({ type: 'order.accepted', at: at(), venueOrderId: 'v-1' }),
  rejected: (): OrderEvent => ({ type: 'order.rejected', at: at(), reason: 'post-only would cross' }),
  fill: (tradeId: string, qty: number, price = 1000): OrderEvent => ({ type: 'order.fill', at: at(), tradeId, qty, price }),
  updateRequested: (): OrderEvent => ({ type: 'order.update_requested', at: at(), price: 990 }),
  updated: (): OrderEvent => ({ type: 'order.updated', at: at(), price: 990 }),
  updateRejected: (): OrderEvent => ({ type: 'order.update_rejected', at: at(), reason: 'too late' }),
  cancelRequested: (): OrderEvent => ({ type: 'order.cancel_requested', at: at() }),
  canceled: (): OrderEvent => ({ type: 'order.canceled', at: at() }),
  cancelRejected: (): OrderEvent => ({ type: 'order.cancel_rejected', at: at(), reason: 'unknown order' }),
  expired: (): OrderEvent => ({ type: 'order.expired', at: at() }),
  timeout: (): OrderEvent => ({ type: 'order.timeout', at: at(), reason: 'http timeout' }),
  resolved: (status: (typeof RESOLVED_STATUSES)[number]): OrderEvent => ({ type: 'order.resolved', at: at(), status }),
};

function harness() {
  const calls: string[] = [];
  const refusals: RefusedParams[] = [];
  const rec = (name: string) => () => void calls.push(name);
  const logic = orderMachine.provide({
    actions: {
      submitToVenue: rec('submit'),
      amendAtVenue: rec('amend'),
      cancelAtVenue: rec('cancel'),
      queryVenue: rec('query'),
      fillApplied: rec('fill'),
      'order.refused': (_, p) => void refusals.push(p),
    },
  });
  const actor = createActor(logic, { input }).start();
  const send = (...evs: OrderEvent[]) => evs.forEach((e) => actor.send(e));
  const state = () => String(actor.getSnapshot().value) as OrderStatus;
  const ctx = () => actor.getSnapshot().context;
  return { actor, calls, refusals, send, state, ctx };
}

/** A canonical way into each status (qty 10). */
const reach: Record<OrderStatus, () => OrderEvent[]> = {
  INITIALIZED: () => [],
  DENIED: () => [ev.denied()],
  SUBMITTED: () => [ev.submit()],
  ACCEPTED: () => [ev.submit(), ev.accepted()],
  REJECTED: () => [ev.submit(), ev.rejected()],
  PENDING_UPDATE: () => [ev.submit(), ev.accepted(), ev.updateRequested()],
  PENDING_CANCEL: () => [ev.submit(), ev.accepted(), ev.cancelRequested()],
  PARTIALLY_FILLED: () => [ev.submit(), ev.accepted(), ev.fill('p1', 3)],
  FILLED: () => [ev.submit(), ev.accepted(), ev.fill('p1', 10)],
  CANCELED: () => [ev.submit(), ev.accepted(), ev.cancelRequested(), ev.canceled()],
  EXPIRED: () => [ev.submit(), ev.accepted(), ev.expired()],
  UNKNOWN: () => [ev.submit(), ev.timeout()],
};

const ALL_KEYS: TransitionKey[] = [
  'order.submit', 'order.denied', 'order.accepted', 'order.rejected', 'order.fill:partial', 'order.fill:full',
  'order.update_requested', 'order.updated', 'order.update_rejected', 'order.cancel_requested', 'order.canceled',
  'order.cancel_rejected', 'order.expired', 'order.timeout', ...RESOLVED_STATUSES.map((s) => `order.resolved:${s}` as const),
];

/** Returns an event that takes the table key `key` given `filled` lots already filled. */
function eventFor(key: TransitionKey, filled: number): OrderEvent {
  if (key === 'order.fill:partial') return ev.fill('k-partial', 1);
  if (key === 'order.fill:full') return ev.fill('k-full', Math.max(1, input.qty - filled));
  if (key.startsWith('order.resolved:')) return ev.resolved(key.split(':')[1] as (typeof RESOLVED_STATUSES)[number]);
  const simple: Record<string, () => OrderEvent> = {
    'order.submit': ev.submit, 'order.denied': ev.denied, 'order.accepted': ev.accepted, 'order.rejected': ev.rejected,
    'order.update_requested': ev.updateRequested, 'order.updated': ev.updated, 'order.update_rejected': ev.updateRejected,
    'order.cancel_requested': ev.cancelRequested, 'order.canceled': ev.canceled, 'order.cancel_rejected': ev.cancelRejected,
    'order.expired': ev.expired, 'order.timeout': ev.timeout,
  };
  return simple[key]!();
}

const rows = ORDER_STATUSES.flatMap((from) =>
  Object.entries(ORDER_TRANSITIONS[from]).map(([key, target]) => ({ from, key: key as TransitionKey, target: target! })),
);
const refusedRows = ORDER_STATUSES.flatMap((from) =>
  ALL_KEYS.filter((key) => !(key in ORDER_TRANSITIONS[from])).map((key) => ({ from, key })),
);

describe('order chart', () => {
  it('reaches every state by a shortest path, and each path replays to its state', () => {
    const paths = getShortestPaths(orderMachine, {
      input,
      events: [
        { type: 'order.submit', at: 1 }, { type: 'order.denied', at: 1, reason: 'x' }, { type: 'order.accepted', at: 1 },
        { type: 'order.rejected', at: 1, reason: 'x' }, { type: 'order.fill', at: 1, tradeId: 'a', qty: 4, price: 1 },
        { type: 'order.fill', at: 1, tradeId: 'b', qty: 6, price: 1 }, { type: 'order.update_requested', at: 1 },
        { type: 'order.updated', at: 1 }, { type: 'order.cancel_requested', at: 1 }, { type: 'order.canceled', at: 1 },
        { type: 'order.expired', at: 1 }, { type: 'order.timeout', at: 1, reason: 'x' },
        { type: 'order.resolved', at: 1, status: 'ACCEPTED' },
      ],
      serializeState: (s) => JSON.stringify([s.value, s.context.filled, s.context.acceptedAt !== null]),
      limit: 2000,
    });
    expect(new Set(paths.map((p) => String(p.state.value)))).toEqual(new Set(ORDER_STATUSES));
    for (const p of paths) {
      const a = createActor(orderMachine, { input }).start();
      for (const s of p.steps) if (!s.event.type.startsWith('xstate.')) a.send(s.event);
      expect(a.getSnapshot().value).toBe(p.state.value);
    }
  });

  it.each(rows)('row $from + $key → $target', ({ from, key, target }) => {
    const h = harness();
    h.send(...reach[from]());
    expect(h.state()).toBe(from);
    h.send(eventFor(key, h.ctx().filled));
    // From the canonical ways in, the order was acknowledged and nothing filled: WORKING is ACCEPTED.
    expect(h.state()).toBe(target === 'WORKING' ? 'ACCEPTED' : target);
    expect(h.ctx().refused).toEqual([]);
    expect(h.refusals).toEqual([]);
  });

  it(`refuses every pair not in the table (${refusedRows.length}), records it and leaves the state`, () => {
    for (const { from, key } of refusedRows) {
      const h = harness();
      h.send(...reach[from]());
      const before = h.ctx();
      const e = eventFor(key, before.filled);
      h.send(e);
      expect(h.state(), `${from} + ${key}`).toBe(from);
      expect(h.ctx().refused).toEqual([{ from, event: e.type, why: 'not in table', at: e.at }]);
      expect(h.ctx().refusedCount).toBe(1);
      expect(h.refusals).toEqual([{ from, event: e, why: 'not in table' }]);
      expect({ ...h.ctx(), refused: [], refusedCount: 0 }).toEqual(before);
    }
  });

  it('runs the effects named by the rows', () => {
    const h = harness();
    const submit = ev.submit();
    h.send(submit, ev.accepted(), ev.updateRequested(), ev.updated(), ev.cancelRequested(), ev.timeout(), ev.fill('t', 2));
    expect(h.calls).toEqual(['submit', 'amend', 'cancel', 'query', 'fill']);
    expect(h.ctx()).toMatchObject({ price: 990, venueOrderId: 'v-1', submittedAt: submit.at });
  });
});

describe('order fills', () => {
  it('accounts partial fills in lots and ticks, with an exact average', () => {
    const h = harness();
    h.send(ev.submit(), ev.accepted(), ev.fill('t1', 3, 100), ev.fill('t2', 2, 103));
    expect(h.state()).toBe('PARTIALLY_FILLED');
    expect(h.ctx()).toMatchObject({ filled: 5, notional: 506, avgPrice: '101.2', seenTradeIds: ['t1', 't2'] });
    h.send(ev.fill('t3', 5, 101));
    expect(h.state()).toBe('FILLED');
    expect(h.ctx()).toMatchObject({ filled: 10, notional: 1011, avgPrice: '101.1' });
    expect(h.ctx().closedAt).toBe(h.ctx().lastFillAt);
  });

  it('refuses an overfill without applying it', () => {
    const h = harness();
    h.send(ev.submit(), ev.accepted(), ev.fill('t1', 5));
    const over = ev.fill('t2', 6);
    h.send(over);
    expect(h.state()).toBe('PARTIALLY_FILLED');
    expect(h.ctx()).toMatchObject({ filled: 5, seenTradeIds: ['t1'] });
    expect(h.ctx().refused).toEqual([{ from: 'PARTIALLY_FILLED', event: 'order.fill', why: 'overfill', at: over.at }]);
    expect(h.refusals[0]).toMatchObject({ from: 'PARTIALLY_FILLED', why: 'overfill' });
  });

  it('refuses a fill that is not whole lots and ticks', () => {
    const h = harness();
    h.send(ev.submit(), ev.fill('t1', 1.5), ev.fill('t2', 1, 0), ev.fill('', 1));
    expect(h.state()).toBe('SUBMITTED');
    expect(h.ctx().refused.map((r) => r.why)).toEqual(['invalid fill', 'invalid fill', 'invalid fill']);
  });

  it('ignores a duplicate trade id, even after the order is filled', () => {
    const h = harness();
    h.send(ev.submit(), ev.fill('t1', 4), ev.fill('t1', 4));
    expect(h.ctx()).toMatchObject({ filled: 4, duplicateFills: 1, refused: [] });
    h.send(ev.fill('t2', 6), ev.fill('t2', 6), ev.fill('t1', 4));
    expect(h.state()).toBe('FILLED');
    expect(h.ctx()).toMatchObject({ filled: 10, duplicateFills: 3, refused: [] });
    expect(h.calls.filter((c) => c === 'fill')).toHaveLength(2);
  });

  it('keeps a bounded set of seen trade ids', () => {
    const big = createActor(orderMachine, { input: { ...input, qty: 10_000 } }).start();
    big.send(ev.submit());
    for (let i = 0; i < SEEN_TRADE_IDS_MAX + 10; i++) big.send(ev.fill(`t${i}`, 1));
    expect(big.getSnapshot().context.seenTradeIds).toHaveLength(SEEN_TRADE_IDS_MAX);
    expect(big.getSnapshot().context.filled).toBe(SEEN_TRADE_IDS_MAX + 10);
  });

  it('applies a fill after CANCELED: partial stays canceled, completing goes to FILLED', () => {
    const h = harness();
    h.send(ev.submit(), ev.accepted(), ev.cancelRequested(), ev.canceled(), ev.fill('late', 4));
    expect(h.state()).toBe('CANCELED');
    expect(h.ctx().filled).toBe(4);
    h.send(ev.fill('later', 6));
    expect(h.state()).toBe('FILLED');
    expect(h.ctx()).toMatchObject({ filled: 10, refused: [] });
  });

  it('a partial fill while a cancel is in flight keeps the cancel pending; a cancel rejection then restores PARTIALLY_FILLED', () => {
    const h = harness();
    h.send(ev.submit(), ev.accepted(), ev.cancelRequested(), ev.fill('t1', 2));
    expect(h.state()).toBe('PENDING_CANCEL');
    h.send(ev.cancelRejected());
    expect(h.state()).toBe('PARTIALLY_FILLED');
    expect(h.ctx().reason).toBe('unknown order');
  });

  it('a pending request on an order not yet acknowledged returns to SUBMITTED', () => {
    const h = harness();
    h.send(ev.submit(), ev.cancelRequested(), ev.cancelRejected());
    expect(h.state()).toBe('SUBMITTED');
  });

  it('refuses an amendment to or below the filled quantity', () => {
    const h = harness();
    h.send(ev.submit(), ev.accepted(), ev.fill('t1', 4), ev.updateRequested(), { type: 'order.updated', at: at(), qty: 4 });
    expect(h.state()).toBe('PENDING_UPDATE');
    expect(h.ctx().qty).toBe(10);
    expect(h.ctx().refused[0]?.why).toBe('amended quantity not above filled');
  });
});

describe('order UNKNOWN', () => {
  it('a timeout leaves the order in flight and queries the venue; a second timeout queries again', () => {
    const h = harness();
    h.send(ev.submit(), ev.timeout(), ev.timeout());
    expect(h.state()).toBe('UNKNOWN');
    expect(h.calls).toEqual(['submit', 'query', 'query']);
    expect(h.ctx().reason).toBe('http timeout');
  });

  it.each(RESOLVED_STATUSES)('resolves to %s from the venue query', (status) => {
    for (const into of [[ev.submit(), ev.timeout()], [ev.submit(), ev.accepted(), ev.cancelRequested(), ev.timeout()], [ev.submit(), ev.accepted(), ev.updateRequested(), ev.timeout()]]) {
      const h = harness();
      h.send(...into);
      expect(h.state()).toBe('UNKNOWN');
      h.send(ev.resolved(status));
      expect(h.state()).toBe(status);
      expect(h.ctx().refused).toEqual([]);
    }
  });

  it('is left by venue evidence: a fill proves the order exists', () => {
    const h = harness();
    h.send(ev.submit(), ev.timeout(), ev.fill('t1', 3));
    expect(h.state()).toBe('PARTIALLY_FILLED');
    const g = harness();
    g.send(ev.submit(), ev.accepted(), ev.fill('t1', 3), ev.cancelRequested(), ev.timeout(), ev.accepted());
    expect(g.state()).toBe('PARTIALLY_FILLED');
  });

  it('never resolves an order that is not UNKNOWN', () => {
    const h = harness();
    h.send(ev.submit(), ev.resolved('FILLED'));
    expect(h.state()).toBe('SUBMITTED');
    expect(h.refusals).toHaveLength(1);
  });
});

describe('order context', () => {
  it('takes times from events and survives a persisted snapshot round trip', () => {
    const h = harness();
    const s = ev.submit();
    const a = ev.accepted();
    h.send(s, a, ev.fill('t1', 2));
    expect(h.ctx()).toMatchObject({ initializedAt: 0, submittedAt: s.at, acceptedAt: a.at, closedAt: null });
    const restored = createActor(orderMachine, { input, snapshot: h.actor.getPersistedSnapshot() }).start();
    expect(restored.getSnapshot().value).toBe('PARTIALLY_FILLED');
    restored.send(ev.fill('t1', 2));
    expect(restored.getSnapshot().context.filled).toBe(2);
  });

  it('bounds the refusal record and throws on the crash drill', () => {
    const h = harness();
    for (let i = 0; i < 100; i++) h.send(ev.expired());
    expect(h.ctx().refused).toHaveLength(64);
    expect(h.ctx().refusedCount).toBe(100);
    expect(h.refusals).toHaveLength(100);
    const errors: unknown[] = [];
    const a = createActor(orderMachine, { input });
    a.subscribe({ error: (e) => errors.push(e) });
    a.start();
    a.send({ type: 'debug.crash' });
    expect(String(errors[0])).toContain('debug.crash');
  });

  it('renders average prices exactly to six places', () => {
    expect(ratioToDecimal(1, 3)).toBe('0.333333');
    expect(ratioToDecimal(2, 3)).toBe('0.666667');
    expect(ratioToDecimal(300, 3)).toBe('100');
    expect(ratioToDecimal(9_007_199_254_740_991, 7)).toBe('1286742750677284.428571');
  });
});
