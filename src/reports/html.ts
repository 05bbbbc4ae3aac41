/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts drawn here (equity
 * curve, drawdown, arbitrage spreads), no script, no link, no external resource, so it opens
 * offline from the data dir or over the API. Every text from the data is escaped.
 */
import type { Report, SpreadSeries } from './report.ts';
import type { CurvePoint, KeyPnl, TradeStats } from './stats.ts';

const W = 900;
const H = 240;
const PAD = { left: 64, right: 16, top: 16, bottom: 28 };
/** Past this many points a series is thinned to each bucket's first, lowest and highest point. */
export const MAX_SVG_POINTS = 6_000;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d232b;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.period{color:#5b6573;margin-bottom:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #dde2e8;border-radius:6px;padding:10px 14px;min-width:120px}
.card .k{color:#5b6573;font-size:12px}.card .v{font-size:18px;font-weight:600}
table{border-collapse:collapse;background:#fff;border:1px solid #dde2e8}
th,td{padding:5px 10px;border-bottom:1px solid #eef1f4;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}th{background:#f2f4f7;font-weight:600}
.pos{color:#137333}.neg{color:#b3261e}.muted{color:#8a93a0}
svg{background:#fff;border:1px solid #dde2e8;border-radius:6px;max-width:100%;height:auto}
svg text{font:11px system-ui,sans-serif;fill:#5b6573}
`;

/** Returns text safe inside HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function money(text: string): string {
  const cls = text.startsWith('-') ? 'neg' : text === '0' ? '' : 'pos';
  return `<span class="${cls}">${escapeHtml(text)}</span>`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function num(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? '<span class="muted">–</span>' : x.toFixed(digits);
}

function duration(ms: number | null): string {
  if (ms === null) return '<span class="muted">–</span>';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function time(ts: number): string {
  return new Date(ts).toISOString().replace('T', ' ').slice(0, 16);
}

/** Returns the points thinned to at most about MAX_SVG_POINTS, keeping each bucket's extremes in order. */
function thin<T extends { ts: number; y: number }>(points: readonly T[]): readonly T[] {
  if (points.length <= MAX_SVG_POINTS) return points;
  const buckets = Math.floor(MAX_SVG_POINTS / 3);
  const size = points.length / buckets;
  const out: T[] = [];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * size), Math.floor((b + 1) * size));
    if (slice.length === 0) continue;
    let lo = slice[0]!;
    let hi = slice[0]!;
    for (const p of slice) {
      if (p.y < lo.y) lo = p;
      if (p.y > hi.y) hi = p;
    }
    const keep = new Set([slice[0]!, lo, hi]);
    out.push(...slice.filter((p) => keep.has(p)));
  }
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { ts: number; y: number }[];
}

/** Returns an inline SVG line chart of the series over [from, to], with a zero line and the range labelled. */
function lineChart(id: string, label: string, unit: string, from: number, to: number, series: readonly Series[]): string {
  let lo = 0;
  let hi = 0;
  for (const s of series) {
    for (const p of s.points) {
      if (p.y < lo) lo = p.y;
      if (p.y > hi) hi = p.y;
    }
  }
  if (hi === lo) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const span = Math.max(1, to - from);
  const x = (ts: number): string => (PAD.left + ((Math.min(Math.max(ts, from), to) - from) / span) * (W - PAD.left - PAD.right)).toFixed(1);
  const y = (v: number): string => (PAD.top + ((hi - v) / (hi - lo)) * (H - PAD.top - PAD.bottom)).toFixed(1);
  const lines = series.map((s) => {
    const pts = thin(s.points).map((p) => `${x(p.ts)},${y(p.y)}`).join(' ');
    return `<polyline class="${escapeHtml(s.name)}" data-points="${s.points.length}" fill="none" stroke="${s.color}" stroke-width="1.6" stroke-linejoin="round" points="${pts}"/>`;
  });
  const legend = series.length > 1
    ? series.map((s, i) => `<text x="${PAD.left + 8 + i * 180}" y="${PAD.top + 12}" style="fill:${s.color}">${escapeHtml(s.name)}</text>`).join('')
    : '';
  return [
    `<svg id="${id}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}">`,
    `<title>${escapeHtml(label)}</title>`,
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(0)}" y2="${y(0)}" stroke="#c3cad3" stroke-dasharray="4 3"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#c3cad3"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${fmtAxis(hi)}</text>`,
    `<text x="${PAD.left - 6}" y="${H - PAD.bottom}" text-anchor="end">${fmtAxis(lo)}</text>`,
    `<text x="${PAD.left - 6}" y="${Number(y(0)) + 4}" text-anchor="end">0 ${escapeHtml(unit)}</text>`,
    `<text x="${PAD.left}" y="${H - 8}">${time(from)}</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${time(to)}</text>`,
    ...lines,
    legend,
    `</svg>`,
  ].join('');
}

function fmtAxis(v: number): string {
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

function curve(points: readonly CurvePoint[], sign = 1): { ts: number; y: number }[] {
  return points.map((p) => ({ ts: p.ts, y: sign * Number(p.value) }));
}

function statsTable(title: string, rows: readonly TradeStats[]): string {
  if (rows.length === 0) return '';
  const head = ['', 'trades', 'win rate', 'PnL after fees', 'fees', 'gross PnL', 'max drawdown', 'Sharpe/trade', 'Sharpe ann.', 'avg hold'];
  const body = rows.map((s) =>
    `<tr><td>${escapeHtml(s.key)}</td><td>${s.trades}</td><td>${pct(s.winRate)}</td><td>${money(s.pnl)}</td><td>${escapeHtml(s.fees)}</td><td>${money(s.grossPnl)}</td><td>${escapeHtml(s.maxDrawdown)}</td><td>${num(s.sharpe)}</td><td>${num(s.sharpeAnnualized)}</td><td>${duration(s.avgHoldMs)}</td></tr>`,
  );
  return `<h2>${escapeHtml(title)}</h2><table><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr>${body.join('')}</table>`;
}

function card(k: string, v: string): string {
  return `<div class="card"><div class="k">${k}</div><div class="v">${v}</div></div>`;
}

function keyPnl(p: KeyPnl | null): string {
  return p ? `${escapeHtml(p.key)} (${money(p.pnl)})` : '<span class="muted">–</span>';
}

function signalsPart(r: Report): string {
  const s = r.signals;
  if (!s) return '';
  const o = s.overall;
  const best = o.best ? `${escapeHtml(o.best.instrument)} (${o.best.pnlBps.toFixed(1)} bps)` : '–';
  const worst = o.worst ? `${escapeHtml(o.worst.instrument)} (${o.worst.pnlBps.toFixed(1)} bps)` : '–';
  const rows = s.bySymbol.map((b) => `<tr><td>${escapeHtml(b.key)}</td><td>${b.generated}</td><td>${b.triggered}</td><td>${pct(b.winRate)}</td><td>${duration(b.triggered ? b.avgHoldMs : null)}</td><td>${b.totalPnlBps.toFixed(1)}</td><td>${num(b.sharpe)}</td><td>${b.maxDrawdownBps.toFixed(1)}</td></tr>`);
  return [
    '<h2>Signals</h2><div class="cards">',
    card('generated', String(o.generated)),
    card('triggered', String(o.triggered)),
    card('win rate', pct(o.winRate)),
    card('average hold', duration(o.triggered ? o.avgHoldMs : null)),
    card('PnL (bps)', o.totalPnlBps.toFixed(1)),
    card('Sharpe/signal', num(o.sharpe)),
    card('max drawdown (bps)', o.maxDrawdownBps.toFixed(1)),
    card('best', best),
    card('worst', worst),
    '</div>',
    rows.length ? `<h2>Signals per symbol</h2><table><tr><th></th><th>generated</th><th>triggered</th><th>win rate</th><th>avg hold</th><th>PnL (bps)</th><th>Sharpe</th><th>max DD (bps)</th></tr>${rows.join('')}</table>` : '',
  ].join('');
}

const SPREAD_COLORS = ['#1a73e8', '#e37400', '#188038', '#a142f4', '#d93025', '#12b5cb'];

function spreadsPart(r: Report): string {
  if (r.spreads.length === 0) return '';
  const series = (s: SpreadSeries, i: number): Series => ({ name: s.route, color: SPREAD_COLORS[i % SPREAD_COLORS.length]!, points: s.points.map((p) => ({ ts: p.ts, y: p.netBps })) });
  return `<h2>Arbitrage spreads (net bps)</h2>${r.spreads.map((s, i) => lineChart(`spread-chart-${i}`, `net spread ${s.route}`, 'bps', r.fromMs, r.toMs, [series(s, i)])).join('')}`;
}

/** Returns the report's self-contained HTML page. */
export function renderReportHtml(r: Report): string {
  const o = r.overall;
  const equity: Series = { name: 'equity', color: '#1a73e8', points: curve(r.equity) };
  const drawdown: Series = { name: 'drawdown', color: '#d93025', points: curve(r.drawdown, -1) };
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(r.title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${escapeHtml(r.title)}</h1><div class="period">${escapeHtml(r.from)} – ${escapeHtml(r.to)} (UTC)</div>`,
    '<div class="cards">',
    card('trades', String(o.trades)),
    card('win rate', pct(o.winRate)),
    card('PnL after fees', money(o.pnl)),
    card('fees', escapeHtml(o.fees)),
    card('max drawdown', escapeHtml(o.maxDrawdown)),
    card('Sharpe per trade', num(o.sharpe)),
    card('Sharpe annualised (daily)', num(o.sharpeAnnualized)),
    card('best', keyPnl(r.best)),
    card('worst', keyPnl(r.worst)),
    '</div>',
    '<h2>Equity curve (cumulative PnL after fees)</h2>',
    lineChart('equity-chart', 'equity curve', '', r.fromMs, r.toMs, [equity]),
    '<h2>Drawdown</h2>',
    lineChart('drawdown-chart', 'drawdown', '', r.fromMs, r.toMs, [drawdown]),
    statsTable('Per strategy', r.byStrategy),
    statsTable('Per instrument', r.byInstrument),
    signalsPart(r),
    spreadsPart(r),
    '</body></html>\n',
  ].join('');
}
