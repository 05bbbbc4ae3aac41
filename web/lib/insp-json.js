// A collapsible JSON tree (<details> per object and array). Rebuilding keeps the branches the
// operator opened or closed, by their path.

const OPEN_DEPTH = 1;
const MAX_CHILDREN = 200;

function scalar(v, raw = false) {
  const s = document.createElement('span');
  s.className = raw ? 'j-dim' : v === null ? 'j-null' : `j-${typeof v}`;
  s.textContent = typeof v === 'string' && !raw ? JSON.stringify(v) : String(v);
  return s;
}

function node(v, path, depth, openState) {
  if (v === null || typeof v !== 'object') return scalar(v);
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
  if (entries.length === 0) return scalar(Array.isArray(v) ? '[]' : '{}', true);
  const d = document.createElement('details');
  d.dataset.path = path;
  d.open = openState.get(path) ?? depth < OPEN_DEPTH;
  const sum = document.createElement('summary');
  sum.textContent = Array.isArray(v) ? `[${entries.length}]` : `{${entries.length}}`;
  d.appendChild(sum);
  const body = document.createElement('div');
  body.className = 'j-body';
  for (const [k, x] of entries.slice(0, MAX_CHILDREN)) {
    const line = document.createElement('div');
    const key = document.createElement('span');
    key.className = 'j-key';
    key.textContent = `${k}: `;
    line.append(key, node(x, `${path}/${k}`, depth + 1, openState));
    body.appendChild(line);
  }
  if (entries.length > MAX_CHILDREN) body.append(scalar(`… ${entries.length - MAX_CHILDREN} more`, true));
  d.appendChild(body);
  return d;
}

/** Renders `value` into `el` as a tree, keeping the open/closed state of branches already shown. */
export function renderJson(el, value) {
  const openState = new Map();
  for (const d of el.querySelectorAll('details[data-path]')) openState.set(d.dataset.path, d.open);
  el.replaceChildren(node(value, '', 0, openState));
}
