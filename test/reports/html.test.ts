import { describe, expect, it } from 'vitest';
import { MAX_SVG_POINTS, renderReportHtml } from '../../src/reports/html.ts';
import { buildReport } from '../../src/reports/report.ts';
import { closedSignal, DAY, HOUR, WED, row } from './fixtures.ts';

/** Returns the `points` of the polyline of class `cls` inside the svg with id `id`. */
function polyline(html: string, id: string, cls: string): string[] {
  const svg = new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`).exec(html)?.[0];
  expect(svg, `svg #${id}`).toBeDefined();
  const pts = new RegExp(`<polyline class="${cls}"[^>]* points="([^"]*)"`).exec(svg!)?.[1];
  expect(pts, `polyline .${cls}`).toBeDefined();
  return pts!.split(' ');
}

const rows = [row('5', WED + HOUR), row('-2.5', WED + 2 * HOUR, { strategy: 'arbitrage', instruments: ['a:X', 'b:X'] }), row('1.25', WED + 3 * HOUR)];

describe('the report page', () => {
  it('is self-contained: no script, no src= or href= at all, no http(s) reference', () => {
    const html = renderReportHtml(buildReport({ rows, signals: [closedSignal('a:X', WED, 3)], spreads: [{ route: 'r', points: [{ ts: WED + 1, netBps: 4 }] }], from: WED, to: WED + DAY }));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('<style>');
  });

  it('draws the equity curve with trades + 1 points, rising and falling with the PnL', () => {
    const html = renderReportHtml(buildReport({ rows, from: WED, to: WED + DAY }));
    const pts = polyline(html, 'equity-chart', 'equity');
    expect(pts).toHaveLength(rows.length + 1);
    // SVG y grows downwards: the +5 trade goes up, the −2.5 one down.
    const ys = pts.map((p) => Number(p.split(',')[1]));
    expect(ys[1]).toBeLessThan(ys[0]!);
    expect(ys[2]).toBeGreaterThan(ys[1]!);
    // x follows time across [from, to].
    const xs = pts.map((p) => Number(p.split(',')[0]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(polyline(html, 'drawdown-chart', 'drawdown')).toHaveLength(rows.length + 1);
  });

  it('an empty period still has a one-point curve and says 0 trades', () => {
    const html = renderReportHtml(buildReport({ rows: [], from: WED, to: WED + DAY }));
    expect(polyline(html, 'equity-chart', 'equity')).toHaveLength(1);
    expect(html).toMatch(/trades<\/div><div class="v">0</);
  });

  it('shows the signals and the spread charts when given, and escapes text from the data', () => {
    const evil = 'x:<img onerror=alert(1)>';
    const html = renderReportHtml(buildReport({
      rows: [row('1', WED + HOUR, { instruments: [evil] })],
      signals: [closedSignal(evil, WED + HOUR, 12)],
      spreads: [{ route: 'route:BTC:a:b', points: [{ ts: WED + 1, netBps: 4 }, { ts: WED + 2, netBps: -1 }] }],
      title: 'Daily <b>',
      from: WED,
      to: WED + DAY,
    }));
    expect(html).not.toContain('<img');
    expect(html).toContain('x:&lt;img onerror=alert(1)&gt;');
    expect(html).toContain('<title>Daily &lt;b&gt;</title>');
    expect(html).toContain('<h2>Signals</h2>');
    expect(polyline(html, 'spread-chart-0', 'route:BTC:a:b')).toHaveLength(2);
  });

  it('thins a very long curve for drawing but keeps its last point', () => {
    const many = Array.from({ length: MAX_SVG_POINTS * 2 }, (_, i) => row(i % 2 ? '1' : '-0.5', WED + i * 1000));
    const report = buildReport({ rows: many, from: WED, to: WED + DAY });
    const html = renderReportHtml(report);
    const pts = polyline(html, 'equity-chart', 'equity');
    expect(pts.length).toBeLessThanOrEqual(MAX_SVG_POINTS + 1);
    expect(html).toContain(`data-points="${many.length + 1}"`);
    expect(report.equity).toHaveLength(many.length + 1);
  });
});
