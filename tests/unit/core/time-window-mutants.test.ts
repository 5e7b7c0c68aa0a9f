import { describe, expect, it } from 'vitest';
import type { ClosedDay, CompiledCalendar } from '../../../functions/core/campaign/business-calendar.ts';
import {
  closedDayAt,
  compileWindow,
  inWindow,
  inWindowNow,
  isTimeZone,
  localTime,
  nextWindowOpen,
  zoneFor,
  zoneOffset,
} from '../../../functions/core/campaign/time-window.ts';

// Window edges, offsets that are not whole hours, cached answers and closed days: each asserted from
// what a contact would see (mail inside or outside their local window, and when it may go out next).

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;
const allDays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A calendar that closes the given local dates for contacts in Japan only. */
function japanCloses(...dates: string[]): CompiledCalendar {
  const closedDays = new Set(dates);
  return {
    active: true,
    closed: (country, date): ClosedDay | undefined =>
      country === 'JP' && closedDays.has(date) ? { kind: 'holiday', name: `closed ${date}` } : undefined,
  };
}

describe('local time', () => {
  it.each([
    ['2026-12-01T00:00:00Z', 'Asia/Kolkata', { day: 'tue', minute: 5 * 60 + 30, date: '2026-12-01' }],
    ['2026-12-01T00:00:00Z', 'Asia/Kathmandu', { day: 'tue', minute: 5 * 60 + 45, date: '2026-12-01' }],
    ['2026-12-01T20:10:00Z', 'Asia/Tokyo', { day: 'wed', minute: 5 * 60 + 10, date: '2026-12-02' }],
    ['2026-12-06T03:00:00Z', 'UTC', { day: 'sun', minute: 180, date: '2026-12-06' }],
    ['2026-12-05T23:59:00Z', 'UTC', { day: 'sat', minute: 23 * 60 + 59, date: '2026-12-05' }],
    ['2026-12-01T02:00:00Z', 'America/New_York', { day: 'mon', minute: 21 * 60, date: '2026-11-30' }],
  ])('%s in %s', (instant, zone, expected) => {
    expect(localTime(at(instant), zone)).toEqual(expected);
  });

  it('follows the offset change at the exact quarter hour, whatever was asked before', () => {
    // New York springs forward on 2026-03-08 at 07:00Z (02:00 EST becomes 03:00 EDT)
    const before = at('2026-03-08T06:45:00Z');
    const after = at('2026-03-08T07:00:00Z');
    expect(zoneOffset(before, 'America/New_York')).toBe(-5 * HOUR);
    expect(zoneOffset(after, 'America/New_York')).toBe(-4 * HOUR);
    expect(zoneOffset(before + 14 * 60_000, 'America/New_York')).toBe(-5 * HOUR);
    expect(zoneOffset(after, 'America/New_York')).toBe(-4 * HOUR);
    expect(zoneOffset(after, 'Asia/Tokyo')).toBe(9 * HOUR);
    expect(zoneOffset(after, 'America/New_York')).toBe(-4 * HOUR);
    expect(zoneOffset(before, 'America/New_York')).toBe(-5 * HOUR);
  });
});

describe('window edges', () => {
  const window = compileWindow({ days: ['tue', 'wed'], start: '09:30', end: '17:05' });

  it('compiles HH:MM into minutes of the day', () => {
    expect(window.start).toBe(9 * 60 + 30);
    expect(window.end).toBe(17 * 60 + 5);
    expect([...window.days]).toEqual(['tue', 'wed']);
    expect(window.calendar.active).toBe(false);
  });
  it.each([
    ['2026-12-01T09:29:00Z', false],
    ['2026-12-01T09:30:00Z', true],
    ['2026-12-01T17:04:00Z', true],
    ['2026-12-01T17:05:00Z', false],
    ['2026-12-02T12:00:00Z', true],
    ['2026-12-03T12:00:00Z', false],
    ['2026-11-30T12:00:00Z', false],
  ])('%s → %s', (instant, expected) => {
    expect(inWindow(window, at(instant), 'UTC')).toBe(expected);
    expect(inWindowNow(window, at(instant), 'UTC')).toBe(expected);
  });
});

describe('closed days', () => {
  const window = compileWindow(
    { days: [...allDays], start: '09:00', end: '17:00' },
    japanCloses(
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
      '2026-12-07',
      '2026-12-08',
    ),
  );
  const tokyo = 'Asia/Tokyo';

  it('shut the window all day for contacts of that country, by their local date', () => {
    // 2026-12-01T16:00Z is 2026-12-02 01:00 in Tokyo; 2026-12-02T01:00Z is 10:00 there
    expect(inWindow(window, at('2026-12-02T01:00:00Z'), tokyo, 'JP')).toBe(false);
    expect(inWindow(window, at('2026-12-02T01:00:00Z'), tokyo, 'US')).toBe(true);
    expect(inWindow(window, at('2026-12-02T01:00:00Z'), tokyo)).toBe(true);
    expect(inWindow(window, at('2026-12-01T01:00:00Z'), tokyo, 'JP')).toBe(true);
    expect(closedDayAt(window, at('2026-12-01T16:00:00Z'), tokyo, 'JP')).toEqual({
      kind: 'holiday',
      name: 'closed 2026-12-02',
    });
    expect(closedDayAt(window, at('2026-12-01T14:00:00Z'), tokyo, 'JP')).toBeUndefined();
    expect(closedDayAt(window, at('2026-12-01T16:00:00Z'), tokyo, 'US')).toBeUndefined();
  });
  it('are ignored when the calendar is not active', () => {
    const inactive: CompiledCalendar = { active: false, closed: () => ({ kind: 'blackout', name: 'x' }) };
    const open = compileWindow({ days: [...allDays], start: '09:00', end: '17:00' }, inactive);
    expect(inWindow(open, at('2026-12-02T01:00:00Z'), tokyo, 'JP')).toBe(true);
    expect(closedDayAt(open, at('2026-12-02T01:00:00Z'), tokyo, 'JP')).toBeUndefined();
  });
  it('keep cached answers apart per country', () => {
    const now = at('2026-12-03T01:00:00Z');
    expect(inWindowNow(window, now, tokyo, 'JP')).toBe(false);
    expect(inWindowNow(window, now, tokyo, 'US')).toBe(true);
    expect(inWindowNow(window, now, tokyo, 'JP')).toBe(false);
    expect(inWindowNow(window, now, tokyo)).toBe(true);
  });
  it('push the next opening past a run of closed days longer than a week', () => {
    // closed 12-02 … 12-08 in Tokyo: the next opening is 12-09 09:00 JST = 12-09T00:00Z
    expect(nextWindowOpen(window, at('2026-12-01T09:00:00Z'), tokyo, 'JP')).toBe(at('2026-12-09T00:00:00Z'));
    expect(nextWindowOpen(window, at('2026-12-01T09:00:00Z'), tokyo, 'US')).toBe(at('2026-12-02T00:00:00Z'));
  });
});

describe('next opening', () => {
  const window = compileWindow({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' });

  it('is the instant itself when it is on the grid and inside', () => {
    expect(nextWindowOpen(window, at('2026-12-01T09:00:00Z'), 'UTC')).toBe(at('2026-12-01T09:00:00Z'));
  });
  it('rounds up to the next quarter hour', () => {
    expect(nextWindowOpen(window, at('2026-12-01T09:07:00Z'), 'UTC')).toBe(at('2026-12-01T09:15:00Z'));
    expect(nextWindowOpen(window, at('2026-12-01T08:59:59Z'), 'UTC')).toBe(at('2026-12-01T09:00:00Z'));
  });
  it('moves to the next working day after hours and over a weekend', () => {
    expect(nextWindowOpen(window, at('2026-12-01T17:00:00Z'), 'UTC')).toBe(at('2026-12-02T09:00:00Z'));
    expect(nextWindowOpen(window, at('2026-12-04T17:00:00Z'), 'UTC')).toBe(at('2026-12-07T09:00:00Z'));
  });
  it('answers again for a new instant rather than repeating the last answer', () => {
    const a = nextWindowOpen(window, at('2026-12-02T18:00:00Z'), 'UTC');
    const b = nextWindowOpen(window, at('2026-12-02T18:00:00Z'), 'UTC');
    const c = nextWindowOpen(window, at('2026-12-03T18:00:00Z'), 'UTC');
    expect([a, b, c]).toEqual([
      at('2026-12-03T09:00:00Z'),
      at('2026-12-03T09:00:00Z'),
      at('2026-12-04T09:00:00Z'),
    ]);
    expect(inWindowNow(window, at('2026-12-03T18:00:00Z'), 'UTC')).toBe(false);
    expect(inWindowNow(window, at('2026-12-04T10:00:00Z'), 'UTC')).toBe(true);
  });
  it('finds a window open only one hour a week', () => {
    const sundays = compileWindow({ days: ['sun'], start: '09:00', end: '10:00' });
    expect(nextWindowOpen(sundays, at('2026-12-06T10:00:00Z'), 'UTC')).toBe(at('2026-12-13T09:00:00Z'));
  });
});

describe('time zone names', () => {
  it.each([
    ['Asia/Tokyo', true],
    ['Etc/GMT+9', true],
    ['UTC', true],
    ['EST', false],
    ['Tokyo', false],
    ['', false],
  ])('%j is a zone: %s', (name, expected) => {
    expect(isTimeZone(name)).toBe(expected);
  });
  it('falls back for an unknown zone every time it is asked, and keeps a known one', () => {
    expect(zoneFor('Mars/Base', 'UTC')).toBe('UTC');
    expect(zoneFor('Mars/Base', 'Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(zoneFor('Asia/Kolkata', 'UTC')).toBe('Asia/Kolkata');
    expect(zoneFor('Asia/Kolkata', 'UTC')).toBe('Asia/Kolkata');
  });
});
