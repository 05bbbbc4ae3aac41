// The inspector's statechart layout: a machine definition (the `chart` of GET /api/actors/:id, from
// src/runtime/chart.ts) in, boxes and edges out. Pure: no DOM, no clock, so vitest runs it as is.
//
// A simplified layered (Sugiyama) layout, one level per compound state, nested boxes inside their
// parent: states ranked by BFS distance from the initial state (a column each), edges spanning
// several columns get dummy points so they run between boxes, crossings are reduced by a few
// barycenter sweeps, and each edge label sits in the gap the edge crosses first (labels in one
// gap pushed apart so none overlap). Transitions between the same two states share one arrow that
// lists all their events. Targetless transitions are counted on their state; self-targeted ones
// are small loops; transitions of the machine's root ("from any state") and one event entering a
// state from FAN_IN or more states (a fan-in) are stubs above their target, not arrows.

const BOX_H = 30;
const CHAR_W = 7.4;
const PAD_X = 14;
const MIN_W = 80;
const LABEL_CHAR_W = 6.2;
const LINE_H = 13;
const MAX_LINES = 4;
const COL_GAP_MIN = 56;
const ROW_GAP = 26;
const MARK_H = 22; // room above a box for its self loop or "any state" stubs
const LEFT = 28; // room for the initial-state dot
const HEADER_H = 24;
const INNER_PAD = 14;
const DUMMY_H = 10;
const FAN_IN = 4; // this many sources of one event into one state make a fan-in stub

/**
 * @typedef {{ event: string, targets: string[], guard?: string }} ChartTransition
 * @typedef {{ id: string, key: string, type: string, initial?: string, transitions: ChartTransition[], states: Record<string, ChartNode> }} ChartNode
 * @typedef {{ x: number, y: number, w: number, h: number, lines: string[], more: number }} EdgeLabel
 * @typedef {{ path: string, key: string, type: string, depth: number, rank: number, x: number, y: number, w: number, h: number,
 *   initial: boolean, internal: string[], selfLoops: string[], anyIn: string[], fanIn: { label: string, from: string[] }[] }} LayoutNode
 * @typedef {{ from: string, to: string, kind: 'forward'|'back'|'same'|'cross', labels: string[], count: number,
 *   points: [number, number][], label: EdgeLabel }} LayoutEdge
 * @typedef {{ width: number, height: number, nodes: LayoutNode[], edges: LayoutEdge[], initials: { x: number, y: number, tx: number, ty: number }[] }} Layout
 */

/** Returns the label of one transition: its event, and its guard in brackets when it has one. */
export function transitionLabel(t) {
  return t.guard ? `${t.event} [${t.guard}]` : t.event;
}

/** Lays out a chart: one box per state, one edge per pair of states joined by transitions. */
export function layoutChart(chart) {
  /** @type {Map<string, { path: string, node: ChartNode }>} */
  const byId = new Map();
  /** @type {Map<string, ChartNode>} */
  const byPath = new Map();
  (function walk(n, path) {
    byId.set(n.id, { path, node: n });
    byPath.set(path, n);
    for (const [k, c] of Object.entries(n.states ?? {})) walk(c, path ? `${path}.${k}` : k);
  })(chart, '');

  /** Per state path: targetless, self and "from any state" transition labels. */
  const marks = new Map([...byPath.keys()].map((p) => [p, { internal: [], selfLoops: [], anyIn: [], fanIn: [] }]));
  // The same event into one state from many states is a fan-in: one stub on the target, not N arrows.
  const sources = new Map();
  for (const [path, node] of byPath) {
    if (path === '') continue;
    for (const t of node.transitions ?? []) {
      for (const id of t.targets ?? []) {
        const to = byId.get(id)?.path;
        if (to === undefined || to === path) continue;
        const key = `${to}\u0000${transitionLabel(t)}`;
        if (!sources.has(key)) sources.set(key, new Set());
        sources.get(key).add(path);
      }
    }
  }
  for (const [key, from] of sources) {
    const [to, label] = key.split('\u0000');
    if (from.size >= FAN_IN) marks.get(to).fanIn.push({ label, from: [...from] });
  }
  const fannedIn = (to, label) => (sources.get(`${to}\u0000${label}`)?.size ?? 0) >= FAN_IN;

  /** Edges grouped by "from→to", in definition order. */
  const grouped = new Map();
  for (const [path, node] of byPath) {
    for (const t of node.transitions ?? []) {
      const label = transitionLabel(t);
      const targets = (t.targets ?? []).map((id) => byId.get(id)?.path).filter((p) => p !== undefined);
      if (targets.length === 0) marks.get(path).internal.push(label);
      for (const to of targets) {
        if (path === '') marks.get(to)?.anyIn.push(label);
        else if (to === path) marks.get(path).selfLoops.push(label);
        else {
          // Fanned-in transitions still rank their target (BFS distance), but draw no arrow.
          const key = `${path}→${to}`;
          if (!grouped.has(key)) grouped.set(key, { from: path, to, labels: [], count: 0 });
          const g = grouped.get(key);
          if (fannedIn(to, label)) continue;
          g.count++;
          if (!g.labels.includes(label)) g.labels.push(label);
        }
      }
    }
  }

  // Each edge belongs to the level of the deepest compound holding both ends in different children.
  const levelEdges = new Map();
  const crossEdges = [];
  for (const g of grouped.values()) {
    const a = g.from.split('.');
    const b = g.to.split('.');
    let k = 0;
    while (k < a.length && k < b.length && a[k] === b[k]) k++;
    if (k >= a.length || k >= b.length) {
      if (g.count) crossEdges.push(g); // into or out of its own ancestor: drawn directly
      continue;
    }
    const level = a.slice(0, k).join('.');
    const direct = a.length === k + 1 && b.length === k + 1;
    if (!direct && g.count) crossEdges.push(g);
    if (!levelEdges.has(level)) levelEdges.set(level, []);
    levelEdges.get(level).push({ ...g, a: a[k], b: b[k], direct });
  }

  const root = layoutLevel(chart, '', 0, levelEdges, marks);
  /** @type {Layout} */
  const out = { width: 0, height: 0, nodes: [], edges: [], initials: [] };
  place(root, 8, 8, out);
  const boxes = new Map(out.nodes.map((n) => [n.path, n]));
  for (const g of crossEdges) out.edges.push(crossEdge(g, boxes));
  for (const n of out.nodes) grow(out, n.x + n.w, n.y + n.h);
  for (const e of out.edges) {
    for (const [x, y] of e.points) grow(out, x, y);
    grow(out, e.label.x + e.label.w / 2, e.label.y + e.label.h / 2);
  }
  out.width = Math.ceil(out.width + 8);
  out.height = Math.ceil(out.height + 8);
  return out;
}

function grow(out, x, y) {
  out.width = Math.max(out.width, x);
  out.height = Math.max(out.height, y);
}

function labelBox(labels) {
  const lines = labels.slice(0, MAX_LINES);
  const more = labels.length - lines.length;
  const shown = more > 0 ? [...lines, `+${more} more`] : lines;
  const w = Math.max(...shown.map((l) => l.length)) * LABEL_CHAR_W + 10;
  return { x: 0, y: 0, w, h: shown.length * LINE_H + 4, lines, more };
}

/** Returns the stub lines written in a state's box: transitions from any state, then fan-ins. */
export function stubLines(m) {
  return [...m.anyIn.map((l) => `⇣ any: ${l}`), ...m.fanIn.map((f) => `⇣ ${f.from.length} states: ${f.label}`)];
}

/** Lays out the children of one state (the root or a compound/parallel state), in local coordinates. */
function layoutLevel(node, path, depth, levelEdges, marks) {
  const keys = Object.keys(node.states ?? {});
  const childPath = (k) => (path ? `${path}.${k}` : k);
  const items = new Map();
  for (const k of keys) {
    const c = node.states[k];
    const p = childPath(k);
    const m = marks.get(p);
    const inner = Object.keys(c.states ?? {}).length ? layoutLevel(c, p, depth + 1, levelEdges, marks) : null;
    // "From any state" and fan-in stubs are written inside the box, one line each, under its name.
    const stubs = stubLines(m);
    const textW = Math.max(k.length * CHAR_W + 2 * PAD_X + (m.internal.length ? 26 : 0), ...stubs.map((l) => l.length * LABEL_CHAR_W + 2 * PAD_X));
    const stubH = stubs.length ? stubs.length * LINE_H + 4 : 0;
    const w = inner ? Math.max(textW, inner.w + 2 * INNER_PAD) : Math.max(MIN_W, textW);
    const h = inner ? inner.h + HEADER_H + stubH + INNER_PAD : BOX_H + stubH;
    const top = m.selfLoops.length ? MARK_H : 0;
    items.set(k, { key: k, path: p, type: c.type, depth, w, h, top, inner, rank: 0, order: 0, x: 0, y: 0, initial: node.initial === k, marks: m });
  }
  const ranking = (levelEdges.get(path) ?? []).filter((e) => e.a !== e.b && items.has(e.a) && items.has(e.b));
  const edges = ranking.filter((e) => e.count > 0);

  // Ranks: BFS from the initial state; states it never reaches start new searches at column 0.
  const adj = new Map(keys.map((k) => [k, []]));
  for (const e of ranking) adj.get(e.a).push(e.b);
  // A transition "from any state" reaches its target one step from the initial state.
  if (node.initial && adj.has(node.initial)) for (const it of items.values()) if (it.marks.anyIn.length && it.key !== node.initial) adj.get(node.initial).push(it.key);
  const rank = new Map();
  const seen = [];
  const bfs = (start) => {
    rank.set(start, 0);
    const q = [start];
    while (q.length) {
      const u = q.shift();
      seen.push(u);
      for (const v of adj.get(u)) {
        if (!rank.has(v)) {
          rank.set(v, rank.get(u) + 1);
          q.push(v);
        }
      }
    }
  };
  if (node.type === 'parallel') keys.forEach((k, i) => (rank.set(k, i), seen.push(k)));
  else {
    if (node.initial && items.has(node.initial)) bfs(node.initial);
    for (const k of keys) if (!rank.has(k)) bfs(k);
  }
  const nCols = Math.max(0, ...rank.values()) + 1;
  const cols = Array.from({ length: nCols }, () => []);
  for (const k of seen) {
    const it = items.get(k);
    it.rank = rank.get(k);
    cols[it.rank].push(it);
  }

  // Chains: each edge as a list of items, one per column it crosses (dummies in between).
  const chains = edges.map((e) => {
    const s = items.get(e.a);
    const t = items.get(e.b);
    const step = t.rank > s.rank ? 1 : -1;
    const chain = [s];
    if (t.rank !== s.rank) {
      for (let c = s.rank + step; c !== t.rank; c += step) {
        const d = { dummy: true, w: 0, h: DUMMY_H, top: 0, rank: c, order: 0, x: 0, y: 0 };
        cols[c].push(d);
        chain.push(d);
      }
    }
    chain.push(t);
    return { e, s, t, chain, kind: t.rank > s.rank ? 'forward' : t.rank < s.rank ? 'back' : 'same' };
  });
  const neighbours = new Map();
  const link = (u, v) => {
    if (!neighbours.has(u)) neighbours.set(u, []);
    neighbours.get(u).push(v);
  };
  for (const { chain } of chains) {
    for (let i = 1; i < chain.length; i++) {
      if (chain[i].rank === chain[i - 1].rank) continue;
      link(chain[i], chain[i - 1]);
      link(chain[i - 1], chain[i]);
    }
  }
  const renumber = (col) => col.forEach((it, i) => (it.order = i));
  cols.forEach(renumber);
  const sweep = (c, from) => {
    const bary = (it) => {
      const ns = (neighbours.get(it) ?? []).filter((n) => n.rank === from);
      return ns.length ? ns.reduce((s, n) => s + n.order, 0) / ns.length : it.order;
    };
    const keyed = cols[c].map((it) => [bary(it), it.order, it]);
    keyed.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    cols[c] = keyed.map((x) => x[2]);
    renumber(cols[c]);
  };
  for (let pass = 0; pass < 4; pass++) {
    for (let c = 1; c < nCols; c++) sweep(c, c - 1);
    for (let c = nCols - 2; c >= 0; c--) sweep(c, c + 1);
  }

  // Vertical: stack each column, then centre the columns on the tallest.
  const colW = cols.map((col) => Math.max(0, ...col.map((it) => it.w)));
  const colH = cols.map((col) => col.reduce((s, it) => s + it.top + it.h, 0) + Math.max(0, col.length - 1) * ROW_GAP);
  const height = Math.max(BOX_H, ...colH);
  cols.forEach((col, c) => {
    let y = (height - colH[c]) / 2;
    for (const it of col) {
      it.y = y + it.top;
      y += it.top + it.h + ROW_GAP;
    }
  });

  // Labels: each in the first gap its edge crosses (same-column edges: the gap right of the column).
  const gapLabels = Array.from({ length: nCols }, () => []);
  for (const ch of chains) {
    ch.label = labelBox(ch.e.labels);
    ch.gap = ch.kind === 'back' ? ch.s.rank - 1 : ch.s.rank;
    gapLabels[ch.gap].push(ch);
  }
  const gapW = gapLabels.map((ls) => Math.max(COL_GAP_MIN, ...ls.map((l) => l.label.w + 28)));
  const colX = [];
  let x = LEFT;
  for (let c = 0; c < nCols; c++) {
    colX.push(x);
    x += colW[c] + (c < nCols - 1 ? gapW[c] : 0);
  }
  const sameW = gapLabels[nCols - 1]?.length ? gapW[nCols - 1] : 0;
  for (const col of cols) for (const it of col) it.x = colX[it.rank] + (colW[it.rank] - it.w) / 2;

  const cy = (it) => it.y + it.h / 2;
  for (const ch of chains) {
    const { s, t, chain, kind } = ch;
    const pts = [];
    if (kind === 'forward') {
      pts.push([s.x + s.w, cy(s)]);
      for (const d of chain.slice(1, -1)) pts.push([colX[d.rank] + colW[d.rank] / 2, cy(d)]);
      pts.push([t.x, cy(t)]);
    } else if (kind === 'back') {
      pts.push([s.x, cy(s)]);
      for (const d of chain.slice(1, -1)) pts.push([colX[d.rank] + colW[d.rank] / 2, cy(d)]);
      pts.push([t.x + t.w, cy(t)]);
    } else {
      pts.push([s.x + s.w, cy(s) + (cy(t) > cy(s) ? 6 : -6)]);
      pts.push([t.x + t.w, cy(t) + (cy(t) > cy(s) ? -6 : 6)]);
    }
    const gx = kind === 'back' ? colX[ch.gap] + colW[ch.gap] + gapW[ch.gap] / 2 : colX[ch.gap] + colW[ch.gap] + gapW[ch.gap] / 2;
    ch.label.x = kind === 'same' ? colX[s.rank] + colW[s.rank] + 14 + ch.label.w / 2 : gx;
    ch.label.y = (pts[0][1] + pts[1][1]) / 2;
    ch.pts = pts;
  }
  // Push apart labels sharing a gap (sorted by height), then thread each edge through its label.
  for (const ls of gapLabels) packLabels(ls.map((ch) => ch.label));
  let maxY = height;
  let minY = 0;
  let maxX = x + (sameW ? sameW : 0);
  for (const ch of chains) {
    const l = ch.label;
    const via = ch.kind === 'same' ? [l.x - l.w / 2 - 4, l.y] : [l.x, l.y];
    ch.pts.splice(1, 0, via);
    maxY = Math.max(maxY, l.y + l.h / 2);
    minY = Math.min(minY, l.y - l.h / 2);
    maxX = Math.max(maxX, l.x + l.w / 2);
  }
  if (minY < 0) {
    // Labels pushed above the first row: move everything down instead.
    for (const it of items.values()) it.y -= minY;
    for (const ch of chains) {
      ch.label.y -= minY;
      for (const p of ch.pts) p[1] -= minY;
    }
    maxY -= minY;
  }

  const width = Math.max(maxX, LEFT + MIN_W);
  return { w: width, h: maxY, items: [...items.values()], chains, initial: node.initial ? items.get(node.initial) : undefined };
}

/**
 * Moves labels sharing a gap apart vertically, as little as possible: overlapping labels merge into
 * a stack centred where it best fits their wanted centres (and stacks that then touch merge again).
 */
export function packLabels(labels) {
  const SEP = 4;
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  const stacks = [];
  const fit = (items) => {
    const h = items.reduce((sum, l) => sum + l.h, 0) + SEP * (items.length - 1);
    let off = -h / 2;
    let acc = 0;
    for (const l of items) {
      acc += l.y - (off + l.h / 2);
      off += l.h + SEP;
    }
    return { items, h, c: acc / items.length };
  };
  for (const l of sorted) {
    let st = fit([l]);
    while (stacks.length && stacks.at(-1).c + stacks.at(-1).h / 2 + SEP > st.c - st.h / 2) st = fit([...stacks.pop().items, ...st.items]);
    stacks.push(st);
  }
  for (const st of stacks) {
    let y = st.c - st.h / 2;
    for (const l of st.items) {
      l.y = y + l.h / 2;
      y += l.h + SEP;
    }
  }
}

/** Turns a level's local coordinates into absolute ones, recursively, appending to `out`. */
function place(level, ox, oy, out) {
  for (const it of level.items) {
    const n = {
      path: it.path, key: it.key, type: it.type, depth: it.depth, rank: it.rank,
      x: it.x + ox, y: it.y + oy, w: it.w, h: it.h, initial: it.initial,
      internal: it.marks.internal, selfLoops: it.marks.selfLoops, anyIn: it.marks.anyIn, fanIn: it.marks.fanIn,
    };
    out.nodes.push(n);
    if (it.inner) place(it.inner, n.x + INNER_PAD - (LEFT - 16), n.y + HEADER_H + (stubLines(it.marks).length ? stubLines(it.marks).length * LINE_H + 4 : 0), out);
  }
  for (const ch of level.chains) {
    if (!ch.e.direct) continue;
    out.edges.push({
      from: ch.e.from, to: ch.e.to, kind: ch.kind, labels: ch.e.labels, count: ch.e.count,
      points: ch.pts.map(([x, y]) => [x + ox, y + oy]),
      label: { ...ch.label, x: ch.label.x + ox, y: ch.label.y + oy },
    });
  }
  if (level.initial) {
    const t = level.initial;
    out.initials.push({ x: t.x + ox - 18, y: t.y + oy + Math.min(t.h, BOX_H) / 2, tx: t.x + ox, ty: t.y + oy + Math.min(t.h, BOX_H) / 2 });
  }
}

/** An edge between states of different levels: a direct curve, its label at the middle. */
function crossEdge(g, boxes) {
  const s = boxes.get(g.from);
  const t = boxes.get(g.to);
  const label = labelBox(g.labels);
  const forward = t.x >= s.x + s.w || (t.x > s.x && !(t.x + t.w <= s.x + s.w));
  const p0 = forward ? [s.x + s.w, s.y + Math.min(s.h, BOX_H) / 2] : [s.x, s.y + Math.min(s.h, BOX_H) / 2];
  const p2 = forward ? [t.x, t.y + Math.min(t.h, BOX_H) / 2] : [t.x + t.w, t.y + Math.min(t.h, BOX_H) / 2];
  label.x = (p0[0] + p2[0]) / 2;
  label.y = (p0[1] + p2[1]) / 2;
  return { from: g.from, to: g.to, kind: 'cross', labels: g.labels, count: g.count, points: [p0, [label.x, label.y], p2], label };
}

/** Returns the state paths lit for a state string (`a.b`; parallel regions joined by `,`): leaves and their ancestors. */
export function activePaths(state) {
  const leaves = String(state ?? '').split(',').filter(Boolean);
  const all = new Set();
  for (const leaf of leaves) {
    const parts = leaf.split('.');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('.'));
  }
  return { leaves, all };
}
