// Draws a statechart layout (web/lib/statechart.js) as SVG, and lights the current state in place
// (class and data-current flips on the existing groups: no re-layout, no rebuild).
import { activePaths, stubLines } from './statechart.js';

const NS = 'http://www.w3.org/2000/svg';
const TANGENT = 50;

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function title(parent, text) {
  parent.appendChild(el('title', {}, text));
}

const r1 = (v) => Math.round(v * 10) / 10;

/** Returns an SVG path through `pts` (Catmull-Rom as cubic Béziers), leaving along `d0` and arriving along `d1`. */
function curve(pts, d0, d1) {
  const P = [[pts[0][0] - d0[0] * TANGENT, pts[0][1] - d0[1] * TANGENT], ...pts, [pts.at(-1)[0] + d1[0] * TANGENT, pts.at(-1)[1] + d1[1] * TANGENT]];
  let d = `M${r1(pts[0][0])},${r1(pts[0][1])}`;
  for (let i = 1; i < P.length - 2; i++) {
    const [p0, p1, p2, p3] = [P[i - 1], P[i], P[i + 1], P[i + 2]];
    const c1 = [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += ` C${r1(c1[0])},${r1(c1[1])} ${r1(c2[0])},${r1(c2[1])} ${r1(p2[0])},${r1(p2[1])}`;
  }
  return d;
}

const DIRS = {
  forward: [[1, 0], [1, 0]],
  back: [[-1, 0], [-1, 0]],
  same: [[1, 0], [-1, 0]],
};

/**
 * Builds the SVG for a layout. Returns the element and `light(state)`, which marks the current
 * state's group (`data-current="true"`, class `current`) and its ancestors (class `active`).
 */
export function renderChart(layout) {
  const svg = el('svg', { class: 'insp-chart', width: layout.width, height: layout.height, viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img' });
  const defs = el('defs');
  const marker = el('marker', { id: 'insp-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'insp-arrowhead' }));
  defs.appendChild(marker);
  svg.appendChild(defs);

  const states = el('g', { class: 'insp-states' });
  const edges = el('g', { class: 'insp-edges' });
  const labels = el('g', { class: 'insp-labels' });
  svg.append(states, edges, labels);

  /** @type {Map<string, SVGGElement>} */
  const groups = new Map();
  // Outer boxes first so nested ones paint over them.
  const nodes = [...layout.nodes].sort((a, b) => a.depth - b.depth);
  for (const n of nodes) {
    const compound = n.type === 'compound' || n.type === 'parallel';
    const g = el('g', { class: `insp-state${compound ? ' compound' : ''}${n.type === 'final' ? ' final' : ''}`, 'data-state': n.path, 'data-current': 'false' });
    g.appendChild(el('rect', { x: r1(n.x), y: r1(n.y), width: r1(n.w), height: r1(n.h), rx: compound ? 8 : 6 }));
    if (n.type === 'final') g.appendChild(el('rect', { class: 'inner', x: r1(n.x + 3), y: r1(n.y + 3), width: r1(n.w - 6), height: r1(n.h - 6), rx: 4 }));
    const tx = compound ? n.x + 10 : n.x + (n.w - (n.internal.length ? 22 : 0)) / 2;
    g.appendChild(el('text', { x: r1(tx), y: r1(n.y + (compound ? 16 : 15 + 4.5)), class: 'name', 'text-anchor': compound ? 'start' : 'middle' }, n.key));
    title(g, `${n.path} (${n.type})`);
    if (n.internal.length) {
      const t = el('text', { x: r1(n.x + n.w - 8), y: r1(n.y + 19), class: 'internal', 'text-anchor': 'end' }, `⟲${n.internal.length}`);
      title(t, `handled without leaving ${n.key}:\n${[...new Set(n.internal)].join('\n')}`);
      g.appendChild(t);
    }
    if (n.selfLoops.length) {
      const x0 = n.x + n.w - 30;
      const loop = el('path', { class: 'insp-edge self', d: `M${r1(x0)},${r1(n.y)} C${r1(x0 - 4)},${r1(n.y - 20)} ${r1(x0 + 22)},${r1(n.y - 20)} ${r1(x0 + 18)},${r1(n.y)}`, 'marker-end': 'url(#insp-arrow)' });
      title(loop, n.selfLoops.join('\n'));
      edges.appendChild(loop);
      const lt = el('text', { class: 'insp-label-text', x: r1(x0 + 24), y: r1(n.y - 10) }, n.selfLoops.length === 1 ? n.selfLoops[0] : `${n.selfLoops.length} self`);
      title(lt, n.selfLoops.join('\n'));
      labels.appendChild(lt);
    }
    const stubs = stubLines(n);
    const tips = [...n.anyIn.map((l) => `from any state: ${l}`), ...n.fanIn.map((f) => `${f.label} from:\n${f.from.join('\n')}`)];
    stubs.forEach((line, i) => {
      const lt = el('text', { class: 'stub', x: r1(compound ? n.x + 10 : n.x + n.w / 2), y: r1(n.y + (compound ? 30 : 34) + i * 13), 'text-anchor': compound ? 'start' : 'middle' }, line);
      title(lt, tips[i]);
      g.appendChild(lt);
    });
    states.appendChild(g);
    groups.set(n.path, g);
  }

  for (const i of layout.initials) {
    edges.appendChild(el('circle', { class: 'insp-initial', cx: r1(i.x), cy: r1(i.y), r: 4.5 }));
    edges.appendChild(el('path', { class: 'insp-edge', d: `M${r1(i.x + 4)},${r1(i.y)} L${r1(i.tx)},${r1(i.ty)}`, 'marker-end': 'url(#insp-arrow)' }));
  }

  for (const e of layout.edges) {
    const [d0, d1] = DIRS[e.kind] ?? (e.points.at(-1)[0] >= e.points[0][0] ? DIRS.forward : DIRS.back);
    const p = el('path', { class: `insp-edge ${e.kind}`, d: curve(e.points, d0, d1), 'marker-end': 'url(#insp-arrow)', 'data-from': e.from, 'data-to': e.to });
    const full = `${e.from} → ${e.to}\n${e.labels.join('\n')}${e.count > e.labels.length ? `\n(${e.count} transitions)` : ''}`;
    title(p, full);
    edges.appendChild(p);
    const l = e.label;
    const lg = el('g', { class: 'insp-label', 'data-from': e.from, 'data-to': e.to });
    lg.appendChild(el('rect', { x: r1(l.x - l.w / 2), y: r1(l.y - l.h / 2), width: r1(l.w), height: r1(l.h), rx: 3 }));
    const text = el('text', { x: r1(l.x), y: r1(l.y - l.h / 2 + 12), 'text-anchor': 'middle', class: 'insp-label-text' });
    const lines = l.more > 0 ? [...l.lines, `+${l.more} more`] : l.lines;
    lines.forEach((line, i) => text.appendChild(el('tspan', { x: r1(l.x), dy: i === 0 ? 0 : 13 }, line)));
    lg.appendChild(text);
    title(lg, full);
    labels.appendChild(lg);
  }

  let lit = [];
  /** Lights `state` (a state string); returns the paths lit as current. */
  const light = (state) => {
    for (const g of lit) {
      g.classList.remove('current', 'active');
      g.setAttribute('data-current', 'false');
    }
    lit = [];
    const { leaves, all } = activePaths(state);
    for (const p of all) {
      const g = groups.get(p);
      if (!g) continue;
      if (leaves.includes(p)) {
        g.classList.add('current');
        g.setAttribute('data-current', 'true');
      } else g.classList.add('active');
      lit.push(g);
    }
    return leaves.filter((p) => groups.has(p));
  };
  return { svg, groups, light };
}
