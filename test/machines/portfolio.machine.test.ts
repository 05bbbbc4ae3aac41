import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { portfolioMachine, mayOpen, type PortfolioEvent } from '../../machines/portfolio.machine.ts';

const events: PortfolioEvent[] = [
  { type: 'portfolio.pause', at: 1 },
  { type: 'portfolio.resume', at: 2 },
  { type: 'risk.escalate', at: 3, reason: 'limit' },
  { type: 'risk.kill', at: 4, reason: 'operator' },
  { type: 'portfolio.reset', at: 5, by: 'api' },
];

function run(...evs: PortfolioEvent[]) {
  const a = createActor(portfolioMachine, { input: { mode: 'sim' } }).start();
  for (const e of evs) a.send(e);
  return a.getSnapshot();
}

describe('portfolio chart', () => {
  it('reaches every state by a shortest path, and each path replays to its state', () => {
    const paths = getShortestPaths(portfolioMachine, {
      input: { mode: 'sim' },
      events,
      serializeState: (s) => JSON.stringify(s.value),
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(['killed', 'normal', 'paused', 'risk_off']);
    for (const p of paths) {
      expect(String(run(...p.steps.map((s) => s.event).filter((e) => !e.type.startsWith('xstate.'))).value)).toBe(String(p.state.value));
    }
  });

  it('pauses and resumes only from normal, with the reason kept', () => {
    const paused = run(events[0]!);
    expect(paused.value).toBe('paused');
    expect(paused.context.reason).toBe('paused');
    expect(run(events[0]!, events[1]!).value).toBe('normal');
    expect(run(events[2]!, events[1]!).value).toBe('risk_off');
  });

  it('kill wins from every state and only an explicit reset leaves killed', () => {
    for (const prefix of [[], [events[0]!], [events[2]!]]) {
      const s = run(...prefix, events[3]!, events[1]!, events[0]!, events[2]!);
      expect(s.value).toBe('killed');
      expect(s.context.reason).toBe('operator');
      expect(s.context.kills).toBe(1);
    }
    expect(run(events[3]!, events[4]!).value).toBe('normal');
  });

  it('a second kill while killed does not count again', () => {
    expect(run(events[3]!, events[3]!).context.kills).toBe(1);
  });

  it('admits new risk only in normal', () => {
    expect(['normal', 'paused', 'risk_off', 'killed'].filter(mayOpen)).toEqual(['normal']);
  });

  it('throws on the crash drill (the supervisor path is exercised for real)', () => {
    const a = createActor(portfolioMachine, { input: { mode: 'sim' } });
    const errors: unknown[] = [];
    a.subscribe({ error: (e) => errors.push(e) });
    a.start();
    a.send({ type: 'debug.crash' });
    expect(a.getSnapshot().status).toBe('error');
    expect(String(errors[0])).toMatch(/debug.crash/);
  });
});
