/**
 * Report periods: UTC days (`daily-2026-01-05`) and ISO 8601 weeks (`weekly-2026-W02`, Monday
 * 00:00 UTC to the next Monday), each a half-open interval [start, end) in epoch ms.
 */

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export type PeriodKind = 'daily' | 'weekly';

/** One report period: [start, end) and its label in the report's name. */
export interface Period {
  readonly kind: PeriodKind;
  readonly start: number;
  readonly end: number;
  /** `YYYY-MM-DD` for a day, `YYYY-Www` for an ISO week. */
  readonly label: string;
}

/** Returns the start (00:00 UTC) of the day holding `ts`. */
export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/** Returns the start (Monday 00:00 UTC) of the ISO week holding `ts`. */
export function isoWeekStart(ts: number): number {
  const day = dayStart(ts);
  // getUTCDay: 0 = Sunday; ISO weeks start on Monday.
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * DAY_MS;
}

/** Returns the ISO week label (`2026-W02`) of the week starting at `monday`: the year is its Thursday's. */
export function isoWeekLabel(monday: number): string {
  const thursday = new Date(monday + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const firstThursday = isoWeekStart(Date.UTC(year, 0, 4)) + 3 * DAY_MS;
  const week = Math.round((thursday.getTime() - firstThursday) / WEEK_MS) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Returns the period of `kind` holding `ts`. */
export function periodOf(kind: PeriodKind, ts: number): Period {
  if (kind === 'daily') {
    const start = dayStart(ts);
    return { kind, start, end: start + DAY_MS, label: new Date(start).toISOString().slice(0, 10) };
  }
  const start = isoWeekStart(ts);
  return { kind, start, end: start + WEEK_MS, label: isoWeekLabel(start) };
}

/** Returns the period just before `p`. */
export function previousPeriod(p: Period): Period {
  return periodOf(p.kind, p.start - 1);
}

/** Returns the period just after `p`. */
export function nextPeriod(p: Period): Period {
  return periodOf(p.kind, p.end);
}

/** Returns the period whose label is `label` (the inverse of `periodOf(...).label`), or undefined. */
export function periodOfLabel(kind: PeriodKind, label: string): Period | undefined {
  if (kind === 'daily') {
    if (!/^\d{4}-\d\d-\d\d$/.test(label)) return undefined;
    const ts = Date.parse(`${label}T00:00:00Z`);
    return Number.isFinite(ts) && periodOf('daily', ts).label === label ? periodOf('daily', ts) : undefined;
  }
  const m = /^(\d{4})-W(\d\d)$/.exec(label);
  if (!m) return undefined;
  // Week 1 holds 4 January.
  const monday = isoWeekStart(Date.UTC(Number(m[1]), 0, 4)) + (Number(m[2]) - 1) * WEEK_MS;
  const p = periodOf('weekly', monday);
  return p.label === label ? p : undefined;
}
