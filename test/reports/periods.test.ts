import { describe, expect, it } from 'vitest';
import { isoWeekLabel, isoWeekStart, nextPeriod, periodOf, periodOfLabel } from '../../src/reports/periods.ts';

describe('report periods', () => {
  it.each<[string, string, string]>([
    ['2026-01-07T12:00:00Z', '2026-W02', '2026-01-05'],
    ['2026-01-01T00:00:00Z', '2026-W01', '2025-12-29'], // a Thursday: its week starts in 2025
    ['2021-01-03T23:59:59.999Z', '2020-W53', '2020-12-28'], // a Sunday still in 2020's week 53
    ['2024-12-30T00:00:00Z', '2025-W01', '2024-12-30'],
    ['2026-01-11T23:59:59.999Z', '2026-W02', '2026-01-05'],
  ])('%s is in ISO week %s starting %s', (at, label, monday) => {
    const p = periodOf('weekly', Date.parse(at));
    expect(p.label).toBe(label);
    expect(new Date(p.start).toISOString().slice(0, 10)).toBe(monday);
    expect(p.end - p.start).toBe(7 * 86_400_000);
    expect(isoWeekLabel(isoWeekStart(Date.parse(at)))).toBe(label);
    expect(periodOfLabel('weekly', label)).toEqual(p);
  });

  it('days are UTC and half-open', () => {
    const p = periodOf('daily', Date.parse('2026-01-07T23:59:59.999Z'));
    expect(p).toEqual({ kind: 'daily', start: Date.parse('2026-01-07T00:00:00Z'), end: Date.parse('2026-01-08T00:00:00Z'), label: '2026-01-07' });
    expect(nextPeriod(p).label).toBe('2026-01-08');
    expect(periodOfLabel('daily', '2026-01-07')).toEqual(p);
  });

  it('refuses labels that are not periods', () => {
    for (const l of ['2026-02-30', '2026-1-07', 'x', '2026-W54', '2026-W00']) expect(periodOfLabel(l.includes('W') ? 'weekly' : 'daily', l), l).toBeUndefined();
    expect(periodOfLabel('weekly', '2020-W53')).toBeDefined();
  });
});
