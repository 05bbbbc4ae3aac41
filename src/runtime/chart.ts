/**
 * Turns a machine's own definition into a plain chart (states, initial, transitions by event,
 * delayed transitions) that the API serves and the inspector draws; nothing is hand-maintained.
 */
import type { AnyStateMachine, AnyStateNode, StateValue } from 'xstate';

export interface ChartTransition {
  readonly event: string;
  readonly targets: readonly string[];
  readonly guard?: string;
}

export interface ChartNode {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly initial?: string;
  readonly transitions: readonly ChartTransition[];
  readonly states: Readonly<Record<string, ChartNode>>;
}

/** Returns the chart of `machine`, derived from its state nodes. */
export function chartOf(machine: AnyStateMachine): ChartNode {
  return nodeChart(machine.root);
}

function nodeChart(node: AnyStateNode): ChartNode {
  const transitions: ChartTransition[] = [];
  for (const [event, list] of node.transitions) {
    for (const t of list) {
      const guard = t.guard && typeof t.guard === 'object' && 'type' in t.guard ? String(t.guard.type) : undefined;
      transitions.push({
        event: event.startsWith('xstate.after.') ? `after ${event.split('.')[2]}` : event,
        targets: (t.target ?? []).map((s: AnyStateNode) => s.id),
        ...(guard ? { guard } : {}),
      });
    }
  }
  const states: Record<string, ChartNode> = {};
  for (const [key, child] of Object.entries(node.states)) states[key] = nodeChart(child);
  const initial = node.initial?.target?.[0]?.key;
  return { id: node.id, key: node.key, type: node.type, ...(initial ? { initial } : {}), transitions, states };
}

/** Returns a state value as a dotted string (`a`, `a.b`; parallel regions joined by `,`). */
export function stateString(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([k, v]) => (v && (typeof v === 'string' || Object.keys(v).length) ? `${k}.${stateString(v as StateValue)}` : k))
    .join(',');
}
