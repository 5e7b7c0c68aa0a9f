import { type ClosedDay, type CompiledCalendar, OPEN_CALENDAR } from './business-calendar.ts';
import type { SendWindow } from './program-schema.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const QUARTER_HOUR = 15 * 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
// UTC offsets only change on quarter-hour boundaries, and a tick evaluates every contact at the same instant,
// so the offset per (zone, quarter hour) is computed once with Intl and then reused.
const offsets = new Map<string, number>();
const lastOffset = new Map<string, { bucket: number; offset: number }>();

/** True when the name is an IANA time zone this runtime knows, e.g. Asia/Tokyo. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return /\//.test(name) || name === 'UTC';
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC in ms at an instant (positive east of Greenwich). */
export function zoneOffset(at: number, timeZone: string): number {
  const bucket = Math.floor(at / QUARTER_HOUR);
  const last = lastOffset.get(timeZone);
  if (last && last.bucket === bucket) return last.offset;
  const key = `${timeZone}|${bucket}`;
  const cached = offsets.get(key);
  if (cached !== undefined) {
    lastOffset.set(timeZone, { bucket, offset: cached });
    return cached;
  }
  const probe = bucket * QUARTER_HOUR;
  const part: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(probe))
    if (p.type !== 'literal') part[p.type] = Number(p.value);
  const local = Date.UTC(
    part.year ?? 1970,
    (part.month ?? 1) - 1,
    part.day ?? 1,
    part.hour ?? 0,
    part.minute ?? 0,
  );
  const offset = local - probe;
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(key, offset);
  lastOffset.set(timeZone, { bucket, offset });
  return offset;
}

/** The weekday (mon…sun), minute of the day and date (YYYY-MM-DD) at an instant in a time zone. */
export function localTime(at: number, timeZone: string): { day: string; minute: number; date: string } {
  const local = new Date(at + zoneOffset(at, timeZone));
  return {
    day: WEEKDAYS[local.getUTCDay()] ?? 'sun',
    minute: local.getUTCHours() * 60 + local.getUTCMinutes(),
    date: local.toISOString().slice(0, 10),
  };
}

/** A send window ready for checks: allowed weekdays and [start, end) in minutes of the local day. */
export interface CompiledWindow {
  days: ReadonlySet<string>;
  start: number;
  end: number;
  /** holidays and blackout days, per country, on which the window stays shut */
  calendar: CompiledCalendar;
}

/** Compiles HH:MM window bounds into minutes; the calendar's closed days shut the window all day. */
export function compileWindow(
  window: SendWindow,
  calendar: CompiledCalendar = OPEN_CALENDAR,
): CompiledWindow {
  const minutes = (clock: string) => {
    const [h, m] = clock.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  return { days: new Set(window.days), start: minutes(window.start), end: minutes(window.end), calendar };
}

/** True when `at` falls inside the window in the given time zone, on a day the contact's country is open. */
export function inWindow(window: CompiledWindow, at: number, timeZone: string, country?: string): boolean {
  const local = localTime(at, timeZone);
  if (!window.days.has(local.day) || local.minute < window.start || local.minute >= window.end) return false;
  return !window.calendar.active || window.calendar.closed(country, local.date) === undefined;
}

/** The holiday or blackout that closes the contact's local day at `at`, if any. */
export function closedDayAt(
  window: CompiledWindow,
  at: number,
  timeZone: string,
  country: string | undefined,
): ClosedDay | undefined {
  if (!window.calendar.active) return undefined;
  return window.calendar.closed(country, localTime(at, timeZone).date);
}

/**
 * The planner asks the same question for every contact of a tick: is this window open now in this zone,
 * and when does it open next? Both answers are kept per window and zone for the last instant asked.
 */
interface WindowAnswer {
  at: number;
  inside: boolean;
  next: number | undefined | null;
}
const answers = new WeakMap<CompiledWindow, Map<string, WindowAnswer>>();

function answerFor(
  window: CompiledWindow,
  at: number,
  timeZone: string,
  country: string | undefined,
): WindowAnswer {
  let byZone = answers.get(window);
  if (!byZone) {
    byZone = new Map();
    answers.set(window, byZone);
  }
  // The country only matters when the calendar closes days; keying by zone alone keeps the common case cheap.
  const key = window.calendar.active ? `${timeZone}|${country ?? ''}` : timeZone;
  let answer = byZone.get(key);
  if (!answer || answer.at !== at) {
    answer = { at, inside: inWindow(window, at, timeZone, country), next: null };
    byZone.set(key, answer);
  }
  return answer;
}

/** inWindow, remembered per window and zone for the instant last asked (a tick asks for one instant). */
export function inWindowNow(window: CompiledWindow, at: number, timeZone: string, country?: string): boolean {
  return answerFor(window, at, timeZone, country).inside;
}

/**
 * The first instant at or after `from` (on a 15-minute grid) inside the window; undefined if none within
 * 8 days, or 21 days when a calendar can close runs of days (a New Year break next to a weekend).
 */
export function nextWindowOpen(
  window: CompiledWindow,
  from: number,
  timeZone: string,
  country?: string,
): number | undefined {
  const answer = answerFor(window, from, timeZone, country);
  if (answer.next !== null) return answer.next;
  let found: number | undefined;
  let at = Math.ceil(from / QUARTER_HOUR) * QUARTER_HOUR;
  const horizon = (window.calendar.active ? 21 : 8) * 96;
  for (let i = 0; i < horizon; i++, at += QUARTER_HOUR) {
    if (inWindow(window, at, timeZone, country)) {
      found = at;
      break;
    }
  }
  answer.next = found;
  return found;
}

/** Picks the contact's time zone when valid, else the fallback. */
export function zoneFor(contactZone: string | undefined, fallback: string): string {
  if (contactZone === undefined) return fallback;
  let known = validZones.get(contactZone);
  if (known === undefined) {
    known = isTimeZone(contactZone);
    validZones.set(contactZone, known);
  }
  return known ? contactZone : fallback;
}
const validZones = new Map<string, boolean>();
