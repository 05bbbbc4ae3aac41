import { describe, expect, it } from 'vitest';
import { FrameBacklog } from '../../src/market/backlog.ts';
import type { Connection } from '../../src/market/connection.ts';
import { ProblemCounter } from '../../src/market/problems.ts';
import { planConnections } from '../../src/market/connectionPlan.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { makeInstrument } from '../../src/model/instrument.ts';
import { bybitLinearAdapter } from '../../src/adapters/bybit/index.ts';

const conn = (id: number, prime: boolean) => ({ id, prime }) as unknown as Connection;

function backlog(watermark: number) {
  const processed: string[] = [];
  const shed: string[] = [];
  const tasks: (() => void)[] = [];
  const b = new FrameBacklog(
    watermark,
    (c, text) => processed.push(`${c.id}:${text}`),
    (fn) => tasks.push(fn),
    (c, phase) => shed.push(`${c.id}:${phase}`),
  );
  const runTasks = () => {
    while (tasks.length) tasks.shift()!();
  };
  return { b, processed, shed, runTasks, tasks };
}

describe('frame backlog', () => {
  it('processes frames in arrival order in the next turn', () => {
    const h = backlog(10);
    const a = conn(1, false);
    h.b.push(a, 'x', 1);
    h.b.push(a, 'y', 2);
    expect(h.processed).toEqual([]);
    expect(h.tasks).toHaveLength(1);
    h.runTasks();
    expect(h.processed).toEqual(['1:x', '1:y']);
    expect(h.b.stats).toMatchObject({ queued: 0, highWater: 2, shed: 0 });
  });

  it('sheds low-priority frames above the watermark, never prime ones, and resyncs after draining', () => {
    const h = backlog(10);
    const low = conn(1, false);
    const prime = conn(2, true);
    for (let i = 0; i < 15; i++) h.b.push(low, `l${i}`, i);
    for (let i = 0; i < 5; i++) h.b.push(prime, `p${i}`, i);
    expect(h.b.stats.shed).toBe(5);
    expect(h.shed).toEqual(['1:shed']);
    expect(h.b.stats.shedConnections).toBe(1);
    h.runTasks();
    expect(h.processed.filter((p) => p.startsWith('2:'))).toHaveLength(5);
    expect(h.processed.filter((p) => p.startsWith('1:'))).toHaveLength(10);
    expect(h.shed).toEqual(['1:shed', '1:drained']);
    expect(h.b.stats).toMatchObject({ queued: 0, shedConnections: 0, highWater: 15 });
  });
});

describe('problem counter', () => {
  it('counts every problem and reports the first at once, then at most once per quiet period', () => {
    const clock = new ManualClock(0);
    const reports: { kind: string; count: number }[] = [];
    const p = new ProblemCounter(clock, (r) => reports.push({ kind: r.kind, count: r.count }), 1000);
    for (let i = 0; i < 50; i++) p.add('malformed-json', 'bad');
    expect(reports).toEqual([{ kind: 'malformed-json', count: 1 }]);
    clock.advance(1000);
    p.add('malformed-json', 'bad');
    expect(reports).toEqual([
      { kind: 'malformed-json', count: 1 },
      { kind: 'malformed-json', count: 50 },
    ]);
    p.add('gap', 'x');
    p.add('malformed-json', 'bad');
    p.flush();
    expect(reports.slice(2)).toEqual([
      { kind: 'gap', count: 1 },
      { kind: 'malformed-json', count: 1 },
    ]);
    expect(p.snapshot()).toEqual({ 'malformed-json': 52, gap: 1 });
  });
});

describe('connection plan', () => {
  const inst = (symbol: string) => makeInstrument({ venue: 'bybit-linear', symbol, kind: 'perp', base: symbol.replace('USDT', ''), quote: 'USDT', tickSize: '0.01', lotSize: '0.1' });

  it('packs topics within the per-connection limit and gives prime symbols their own connections', () => {
    const insts = Array.from({ length: 250 }, (_, i) => inst(`S${String(i).padStart(3, '0')}USDT`));
    const prime = new Set(['S007USDT', 'S100USDT']);
    const groups = planConnections(bybitLinearAdapter, insts, (i) => prime.has(i.symbol), 50);
    const perInst = bybitLinearAdapter.topics(insts[0]!, 50).length;
    for (const g of groups) expect(g.topics.length).toBeLessThanOrEqual(bybitLinearAdapter.limits.maxTopicsPerConnection);
    expect(groups[0]!.prime).toBe(true);
    expect(groups[0]!.instruments.map((i) => i.symbol)).toEqual(['S007USDT', 'S100USDT']);
    expect(groups.slice(1).every((g) => !g.prime)).toBe(true);
    expect(groups.reduce((n, g) => n + g.instruments.length, 0)).toBe(250);
    expect(groups.reduce((n, g) => n + g.topics.length, 0)).toBe(250 * perInst);
    // the same instruments in another order give the same groups
    const again = planConnections(bybitLinearAdapter, [...insts].reverse(), (i) => prime.has(i.symbol), 50);
    expect(again.map((g) => g.instruments.map((i) => i.id))).toEqual(groups.map((g) => g.instruments.map((i) => i.id)));
  });
});
