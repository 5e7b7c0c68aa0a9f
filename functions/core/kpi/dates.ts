/** A closed range of UTC calendar days, both ends YYYY-MM-DD and inclusive. */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Whether text is a real calendar day written as YYYY-MM-DD. */
export function isDay(text: string): boolean {
  if (!DAY_PATTERN.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}

/** The UTC day (YYYY-MM-DD) of an ISO timestamp. */
export function dayOf(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().slice(0, 10);
}

/** The UTC day of a Date. */
export function dayOfDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The day `n` days after `day` (negative n goes back). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** Whether a day lies inside a range. */
export function inRange(day: string, range: DayRange): boolean {
  return day >= range.from && day <= range.to;
}

/** The Monday that starts the ISO week of a day. */
export function weekStart(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The first day of the calendar month of a day. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The first day of the next calendar month. */
function nextMonthStart(day: string): string {
  const date = new Date(`${monthStart(day)}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
}

/** How KPI periods are cut. */
export type PeriodKind = 'week' | 'month';

/** One reporting period: a label and its days, clipped to the requested range. */
export interface Period {
  label: string;
  from: string;
  to: string;
  days: number;
}

/**
 * Cuts a range into ISO weeks or calendar months, clipped to the range. A week is labelled by its first
 * day inside the range (a range starting on a Thursday labels its first week with that Thursday, not the
 * Monday before), a month by YYYY-MM.
 */
export function periodsOf(range: DayRange, kind: PeriodKind): Period[] {
  const periods: Period[] = [];
  let start = range.from;
  while (start <= range.to) {
    const naturalEnd = kind === 'week' ? addDays(weekStart(start), 6) : addDays(nextMonthStart(start), -1);
    let end = range.to;
    if (naturalEnd < end) end = naturalEnd;
    const label = kind === 'week' ? start : start.slice(0, 7);
    periods.push({ label, from: start, to: end, days: daysBetween(start, end) + 1 });
    start = addDays(end, 1);
  }
  return periods;
}
