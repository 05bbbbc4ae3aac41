/** The inspector's statechart layout (web/lib/statechart.js): pure, definition in, boxes and edges out. */
import { describe, expect, it } from 'vitest';
import { activePaths, layoutChart, packLabels, type ChartNode, type Layout, type LayoutNode } from '../../web/lib/statechart.js';
import { chartOf } from '../../src/runtime/chart.ts';
import { symbolMachine } from '../../machines/symbol.machine.ts';
import { orderMachine } from '../../machines/order.machine.ts';

const atomic = (machine: string, key: string, transitions: ChartNode['transitions'] = []): ChartNode => ({ id: `${machine}.${key}`, key, type: 'atomic', transitions, states: {} });

/** idle → running → done, running → failed (guarded), failed → idle after a delay, a targetless event. */
const small: ChartNode = {
  id: 'job',
  key: 'job',
  type: 'compound',
  initial: 'idle',
  transitions: [{ event: 'job.kill', targets: ['job.failed'] }],
  states: {
    idle: atomic('job', 'idle', [{ event: 'job.start', targets: ['job.running'] }]),
    running: atomic('job', 'running', [
      { event: 'job.finish', targets: ['job.done'] },
      { event: 'job.error', targets: ['job.failed'], guard: 'fatal' },
      { event: 'job.progress', targets: [] },
    ]),
    done: atomic('job', 'done'),
    failed: atomic('job', 'failed', [{ event: 'after 5000', targets: ['job.idle'] }]),
  },
};

const overlap = (a: LayoutNode, b: LayoutNode): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function expectNoOverlap(layout: Layout): void {
  for (let i = 0; i < layout.nodes.length; i++) {
    for (let j = i + 1; j < layout.nodes.length; j++) {
      const a = layout.nodes[i]!;
      const b = layout.nodes[j]!;
      // Nested boxes sit inside their parent; siblings and cousins never overlap.
      if (b.path.startsWith(`${a.path}.`) || a.path.startsWith(`${b.path}.`)) continue;
      expect(overlap(a, b), `${a.path} overlaps ${b.path}`).toBe(false);
    }
  }
  for (const n of layout.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.w).toBeLessThanOrEqual(layout.width);
    expect(n.y + n.h).toBeLessThanOrEqual(layout.height);
  }
}

describe('layoutChart', () => {
  it('ranks states by BFS distance from the initial state, one box each, one labelled edge per transition', () => {
    const layout = layoutChart(small);
    const byPath = new Map(layout.nodes.map((n) => [n.path, n]));
    expect(layout.nodes.map((n) => n.path).sort()).toEqual(['done', 'failed', 'idle', 'running']);
    expect(byPath.get('idle')).toMatchObject({ rank: 0, initial: true });
    expect(byPath.get('running')!.rank).toBe(1);
    expect(byPath.get('done')!.rank).toBe(2);
    // job.kill (a root transition) reaches `failed` from any state: one step from the initial state.
    expect(byPath.get('failed')!.rank).toBe(1);
    // Columns: a higher rank is further right.
    expect(byPath.get('running')!.x).toBeGreaterThan(byPath.get('idle')!.x + byPath.get('idle')!.w);
    expect(byPath.get('done')!.x).toBeGreaterThan(byPath.get('running')!.x + byPath.get('running')!.w);

    const edges = layout.edges.map((e) => ({ from: e.from, to: e.to, labels: e.labels, kind: e.kind }));
    expect(edges).toHaveLength(4);
    expect(edges).toEqual(
      expect.arrayContaining([
        { from: 'idle', to: 'running', labels: ['job.start'], kind: 'forward' },
        { from: 'running', to: 'done', labels: ['job.finish'], kind: 'forward' },
        { from: 'running', to: 'failed', labels: ['job.error [fatal]'], kind: 'same' },
        { from: 'failed', to: 'idle', labels: ['after 5000'], kind: 'back' },
      ]),
    );
    // Each edge starts on its source box and ends on its target box, by its label.
    for (const e of layout.edges) {
      const s = byPath.get(e.from)!;
      const t = byPath.get(e.to)!;
      const [x0, y0] = e.points[0]!;
      const [x1, y1] = e.points.at(-1)!;
      expect(x0 === s.x || x0 === s.x + s.w).toBe(true);
      expect(y0).toBeGreaterThan(s.y);
      expect(y0).toBeLessThan(s.y + s.h);
      expect(x1 === t.x || x1 === t.x + t.w).toBe(true);
      expect(y1).toBeGreaterThan(t.y);
      expect(y1).toBeLessThan(t.y + t.h);
      // (an edge within one column loops out right and touches its label's left side)
      expect(e.points).toContainEqual(e.kind === 'same' ? [e.label.x - e.label.w / 2 - 4, e.label.y] : [e.label.x, e.label.y]);
    }
    // The targetless event is counted on its state; the root's transition is a "from any state" stub.
    expect(byPath.get('running')!.internal).toEqual(['job.progress']);
    expect(byPath.get('failed')!.anyIn).toEqual(['job.kill']);
    expect(layout.initials).toHaveLength(1);
    expectNoOverlap(layout);
  });

  it('lays out nested states inside their parent', () => {
    const nested: ChartNode = {
      ...small,
      states: {
        ...small.states,
        running: {
          ...small.states.running!,
          type: 'compound',
          initial: 'a',
          states: { a: atomic('job.running', 'a', [{ event: 'next', targets: ['job.running.b'] }]), b: atomic('job.running', 'b', [{ event: 'oops', targets: ['job.failed'] }]) },
        },
      },
    };
    const layout = layoutChart(nested);
    const byPath = new Map(layout.nodes.map((n) => [n.path, n]));
    const parent = byPath.get('running')!;
    for (const child of ['running.a', 'running.b']) {
      const c = byPath.get(child)!;
      expect(c.depth).toBe(1);
      expect(c.x).toBeGreaterThan(parent.x);
      expect(c.y).toBeGreaterThan(parent.y);
      expect(c.x + c.w).toBeLessThan(parent.x + parent.w);
      expect(c.y + c.h).toBeLessThan(parent.y + parent.h);
    }
    expect(byPath.get('running.b')!.rank).toBe(1);
    expect(layout.edges.map((e) => `${e.from}→${e.to}`).sort()).toEqual(['failed→idle', 'idle→running', 'running.a→running.b', 'running.b→failed', 'running→done', 'running→failed']);
    expect(layout.initials).toHaveLength(2);
    expectNoOverlap(layout);
  });

  it("gives every state of the symbol machine's real chart a box, and draws every targeted transition", () => {
    const chart = chartOf(symbolMachine) as unknown as ChartNode;
    const layout = layoutChart(chart);
    const paths = layout.nodes.map((n) => n.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.sort()).toEqual(Object.keys(chart.states).sort());
    expect(layout.nodes.find((n) => n.initial)!).toMatchObject({ path: 'FLAT', rank: 0 });
    // Every transition to another state is an arrow label or a fan-in stub on its target.
    const byPath = new Map(layout.nodes.map((n) => [n.path, n]));
    for (const [key, node] of Object.entries(chart.states)) {
      for (const t of node.transitions) {
        for (const target of t.targets) {
          const to = target.slice('symbol.'.length);
          if (to === key) continue;
          const label = t.guard ? `${t.event} [${t.guard}]` : t.event;
          const edge = layout.edges.find((e) => e.from === key && e.to === to && e.labels.includes(label));
          const stub = byPath.get(to)!.fanIn.find((f) => f.label === label && f.from.includes(key));
          expect(edge ?? stub, `${key} → ${to} on ${label}`).toBeDefined();
        }
      }
    }
    expectNoOverlap(layout);
    expect(layout.width).toBeLessThan(2000);
  });

  it('keeps the order machine (12 states, 250+ transitions) compact and non-overlapping', () => {
    const layout = layoutChart(chartOf(orderMachine) as unknown as ChartNode);
    expect(layout.nodes).toHaveLength(12);
    expectNoOverlap(layout);
    expect(layout.edges.length).toBeLessThan(40);
  });
});

describe('packLabels', () => {
  it('separates overlapping labels around where they want to be', () => {
    const labels = [{ y: 100, h: 20 }, { y: 102, h: 20 }, { y: 300, h: 20 }];
    packLabels(labels);
    expect(labels[1]!.y - labels[0]!.y).toBeGreaterThanOrEqual(20);
    expect((labels[0]!.y + labels[1]!.y) / 2).toBeCloseTo(101, 5);
    expect(labels[2]!.y).toBe(300);
  });
});

describe('activePaths', () => {
  it('returns the leaves and their ancestors', () => {
    expect(activePaths('a.b')).toEqual({ leaves: ['a.b'], all: new Set(['a', 'a.b']) });
    expect(activePaths('FLAT').leaves).toEqual(['FLAT']);
  });
});
