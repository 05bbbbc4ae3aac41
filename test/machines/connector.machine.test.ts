import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ManualClock } from '../../src/core/clock.ts';
import { connectorMachine, jitteredBackoff, type ConnectorEvent } from '../../machines/connector.machine.ts';

const input = { venue: 'okx', initialMs: 100, maxMs: 1000, seed: 42 };

function harness() {
  const calls: string[] = [];
  const clock = new ManualClock(0);
  const rec = (name: string) => () => void calls.push(name);
  const logic = connectorMachine.provide({
    actions: {
      openConnections: rec('open'),
      closeConnections: rec('close'),
      subscribe: rec('subscribe'),
      startOutage: rec('startOutage'),
      endOutage: rec('endOutage'),
      escalate: rec('escalate'),
    },
  });
  const actor = createActor(logic, { input, clock }).start();
  const send = (ev: ConnectorEvent) => actor.send(ev);
  const state = () => String(actor.getSnapshot().value);
  return { actor, calls, clock, send, state };
}

describe('connector chart', () => {
  it('reaches every state by a shortest path', () => {
    const paths = getShortestPaths(connectorMachine, {
      input,
      events: [
        { type: 'connector.start' },
        { type: 'ws.opened' },
        { type: 'ws.subscribed' },
        { type: 'ws.failed', error: 'closed' },
        { type: 'ws.stale', detail: 'silent' },
        { type: 'connector.outage-timeout' },
        { type: 'connector.stop' },
      ],
      serializeState: (s) => JSON.stringify([s.value, s.context.outageExpired, s.context.escalated, Math.min(s.context.attempts, 2)]),
      limit: 500,
    });
    expect(new Set(paths.map((p) => String(p.state.value)))).toEqual(new Set(['idle', 'connecting', 'subscribing', 'live', 'backoff', 'down']));
  });

  it('connects, subscribes and goes live, ending the outage', () => {
    const h = harness();
    h.send({ type: 'connector.start' });
    expect(h.state()).toBe('connecting');
    h.send({ type: 'ws.opened' });
    expect(h.state()).toBe('subscribing');
    h.send({ type: 'ws.subscribed' });
    expect(h.state()).toBe('live');
    expect(h.calls).toEqual(['startOutage', 'open', 'subscribe', 'endOutage']);
  });

  it('backs off with growing jittered delays on the clock, then reconnects', () => {
    const h = harness();
    h.send({ type: 'connector.start' });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      h.send({ type: 'ws.failed', error: 'refused' });
      expect(h.state()).toBe('backoff');
      const ms = h.actor.getSnapshot().context.backoffMs;
      delays.push(ms);
      h.clock.advance(ms - 1);
      expect(h.state()).toBe('backoff');
      h.clock.advance(1);
      expect(h.state()).toBe('connecting');
    }
    // base doubles 100, 200, 400, 800, then the 1000 cap; each delay lies in [base/2, base]
    [100, 200, 400, 800, 1000].forEach((base, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(base / 2);
      expect(delays[i]).toBeLessThanOrEqual(base);
    });
    expect(h.calls.filter((c) => c === 'open')).toHaveLength(6);
  });

  it('a failure while live starts an outage; past its limit the connector is down and escalates once', () => {
    const h = harness();
    h.send({ type: 'connector.start' });
    h.send({ type: 'ws.opened' });
    h.send({ type: 'ws.subscribed' });
    h.send({ type: 'ws.stale', detail: 'no frame for 60 s' });
    expect(h.state()).toBe('backoff');
    expect(h.actor.getSnapshot().context.lastError).toBe('no frame for 60 s');
    h.send({ type: 'connector.outage-timeout' });
    expect(h.state()).toBe('down');
    // retries continue from down; another failure returns to down without a second escalation
    h.clock.advance(h.actor.getSnapshot().context.backoffMs);
    expect(h.state()).toBe('connecting');
    h.send({ type: 'ws.failed', error: 'refused' });
    expect(h.state()).toBe('down');
    expect(h.calls.filter((c) => c === 'escalate')).toHaveLength(1);
    // recovery resets the outage
    h.clock.advance(h.actor.getSnapshot().context.backoffMs);
    h.send({ type: 'ws.opened' });
    h.send({ type: 'ws.subscribed' });
    expect(h.state()).toBe('live');
    expect(h.actor.getSnapshot().context).toMatchObject({ attempts: 0, outageExpired: false, escalated: false });
  });

  it('an outage timeout while connecting takes effect at the next failure', () => {
    const h = harness();
    h.send({ type: 'connector.start' });
    h.send({ type: 'connector.outage-timeout' });
    expect(h.state()).toBe('connecting');
    h.send({ type: 'ws.failed', error: 'refused' });
    expect(h.state()).toBe('down');
  });

  it('restarts from any state on connector.start and stops on connector.stop', () => {
    const h = harness();
    h.send({ type: 'connector.start' });
    h.send({ type: 'ws.opened' });
    h.send({ type: 'ws.subscribed' });
    h.send({ type: 'connector.start' });
    expect(h.state()).toBe('connecting');
    h.send({ type: 'connector.stop' });
    expect(h.state()).toBe('idle');
    expect(h.calls).toContain('close');
  });

  it('draws the jitter from the seed: the same seed gives the same delays', () => {
    const seq = (seed: number) => {
      const h = createActor(connectorMachine, { input: { ...input, seed } }).start();
      h.send({ type: 'connector.start' });
      const out: number[] = [];
      for (let i = 0; i < 4; i++) {
        h.send({ type: 'ws.failed', error: 'x' });
        out.push(h.getSnapshot().context.backoffMs);
        h.send({ type: 'connector.start' });
      }
      return out;
    };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
    expect(jitteredBackoff(40, 100, 1000, 9999)).toBeLessThanOrEqual(1000);
  });
});
