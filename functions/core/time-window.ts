import type { SendWindow } from './program-schema.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

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
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The weekday (mon…sun) and minute of the day at an instant in a time zone. */
export function localTime(at: number, timeZone: string): { day: string; minute: number } {
  let day = 'mon';
  let hour = 0;
  let minute = 0;
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'weekday') day = part.value.slice(0, 3).toLowerCase();
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day, minute: hour * 60 + minute };
}

/** A send window ready for checks: allowed weekdays and [start, end) in minutes of the local day. */
export interface CompiledWindow {
  days: ReadonlySet<string>;
  start: number;
  end: number;
}

/** Compiles HH:MM window bounds into minutes. */
export function compileWindow(window: SendWindow): CompiledWindow {
  const minutes = (clock: string) => {
    const [h, m] = clock.split(':').map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  };
  return { days: new Set(window.days), start: minutes(window.start), end: minutes(window.end) };
}

/** True when `at` falls inside the window in the given time zone. */
export function inWindow(window: CompiledWindow, at: number, timeZone: string): boolean {
  const local = localTime(at, timeZone);
  return window.days.has(local.day) && local.minute >= window.start && local.minute < window.end;
}

/** The first instant at or after `from` (on a 15-minute grid) inside the window; undefined if none within 8 days. */
export function nextWindowOpen(window: CompiledWindow, from: number, timeZone: string): number | undefined {
  const step = 15 * 60_000;
  let at = Math.ceil(from / step) * step;
  for (let i = 0; i < 8 * 96; i++, at += step) if (inWindow(window, at, timeZone)) return at;
  return undefined;
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

export { WEEKDAYS };
