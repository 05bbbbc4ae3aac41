import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { backoffMs, crashesInWindow, supervisorMachine, type SupervisorEvent, type SupervisorPolicy } from '../../machines/supervisor.machine.ts';

const policy: SupervisorPolicy = { maxRestarts: 2, withinMs: 10_000, backoffInitialMs: 100, backoffMaxMs: 350 };

function harness() {
  const restarts: { id: string; delayMs: number }[] = [];
  const escalations: { id: string; reason: string }[] = [];
  const logic = supervisorMachine.provide({
    actions: {
      restartChild: (_, p) => restarts.push(p),
      escalate: (_, p) => escalations.push(p),
    },
  });
  const actor = createActor(logic, { input: { policy } }).start();
  return { actor, restarts, escalations };
}

const crash = (id: string, at: number): SupervisorEvent => ({ type: 'child.crashed', id, at, error: 'boom' });

describe('supervisor chart', () => {
  it('reaches every state by a shortest path', () => {
    const paths = getShortestPaths(supervisorMachine, {
      input: { policy },
      events: [crash('a', 0), { type: 'supervisor.reset', at: 1, by: 'api' }],
      // Crash history beyond the limit adds nothing to the chart, so it is folded into one vertex.
      serializeState: (s) => JSON.stringify([s.value, Math.min(s.context.crashes.a?.length ?? 0, policy.maxRestarts + 1)]),
      limit: 100,
    });
    expect(new Set(paths.map((p) => String(p.state.value)))).toEqual(new Set(['supervising', 'escalated']));
  });

  it('restarts one-for-one with exponential backoff, capped', () => {
    const h = harness();
    h.actor.send(crash('a', 0));
    h.actor.send(crash('b', 1));
    h.actor.send(crash('a', 2));
    expect(h.restarts).toEqual([
      { id: 'a', delayMs: 100 },
      { id: 'b', delayMs: 100 },
      { id: 'a', delayMs: 200 },
    ]);
    expect(backoffMs(policy, 3)).toBe(350);
    expect(h.actor.getSnapshot().value).toBe('supervising');
  });

  it('escalates past N restarts in T, gives that child up, and keeps restarting others', () => {
    const h = harness();
    h.actor.send(crash('a', 0));
    h.actor.send(crash('a', 1));
    h.actor.send(crash('a', 2));
    expect(h.actor.getSnapshot().value).toBe('escalated');
    expect(h.escalations).toHaveLength(1);
    expect(h.escalations[0]!.reason).toMatch(/a crashed more than 2 times in 10000 ms: boom/);
    expect(h.actor.getSnapshot().context.givenUp).toEqual(['a']);
    h.actor.send(crash('b', 3));
    expect(h.restarts.at(-1)).toEqual({ id: 'b', delayMs: 100 });
    h.actor.send({ type: 'supervisor.reset', at: 4, by: 'api' });
    expect(h.actor.getSnapshot().value).toBe('supervising');
    expect(h.actor.getSnapshot().context.givenUp).toEqual([]);
  });

  it('forgets crashes older than the window', () => {
    expect(crashesInWindow([0, 5_000], 12_000, 10_000)).toEqual([5_000, 12_000]);
    const h = harness();
    h.actor.send(crash('a', 0));
    h.actor.send(crash('a', 1));
    h.actor.send(crash('a', 20_000));
    expect(h.actor.getSnapshot().value).toBe('supervising');
    expect(h.restarts.at(-1)).toEqual({ id: 'a', delayMs: 100 });
  });

  it('drops every child\'s crashes once outside the window, so the history stays small', () => {
    const h = harness();
    for (let i = 0; i < 50; i++) h.actor.send(crash(`c${i}`, i));
    h.actor.send(crash('late', 100_000));
    expect(h.actor.getSnapshot().context.crashes).toEqual({ late: [100_000] });
  });

  it('takes a new policy from config reloads', () => {
    const h = harness();
    h.actor.send({ type: 'supervisor.configure', policy: { ...policy, maxRestarts: 0 } });
    h.actor.send(crash('a', 0));
    expect(h.actor.getSnapshot().value).toBe('escalated');
  });
});
