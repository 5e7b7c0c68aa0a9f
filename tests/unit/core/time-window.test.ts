import { describe, expect, it } from 'vitest';
import {
  compileWindow,
  inWindow,
  isTimeZone,
  localTime,
  nextWindowOpen,
  zoneFor,
} from '../../../functions/core/campaign/time-window.ts';

const weekdays = compileWindow({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' });
const at = (iso: string) => Date.parse(iso);

describe('send windows in local time', () => {
  it('Asia/Tokyo is UTC+9 all year', () => {
    expect(localTime(at('2026-12-01T00:00:00Z'), 'Asia/Tokyo')).toEqual({
      date: '2026-12-01',
      day: 'tue',
      minute: 9 * 60,
    });
    expect(inWindow(weekdays, at('2026-12-01T00:00:00Z'), 'Asia/Tokyo')).toBe(true); // Tue 09:00
    expect(inWindow(weekdays, at('2026-11-30T23:59:00Z'), 'Asia/Tokyo')).toBe(false); // Tue 08:59
    expect(inWindow(weekdays, at('2026-12-04T08:00:00Z'), 'Asia/Tokyo')).toBe(false); // Fri 17:00, end is exclusive
    expect(inWindow(weekdays, at('2026-12-05T01:00:00Z'), 'Asia/Tokyo')).toBe(false); // Sat 10:00
  });

  it('America/New_York across the March change (EST → EDT)', () => {
    // Fri 2026-03-06 13:00Z is 08:00 EST; Mon 2026-03-09 13:00Z is 09:00 EDT
    expect(inWindow(weekdays, at('2026-03-06T13:00:00Z'), 'America/New_York')).toBe(false);
    expect(inWindow(weekdays, at('2026-03-06T14:00:00Z'), 'America/New_York')).toBe(true);
    expect(inWindow(weekdays, at('2026-03-09T13:00:00Z'), 'America/New_York')).toBe(true);
    expect(inWindow(weekdays, at('2026-03-09T12:59:00Z'), 'America/New_York')).toBe(false);
    // from Saturday the next opening is Monday 09:00 EDT = 13:00Z, not 14:00Z
    expect(nextWindowOpen(weekdays, at('2026-03-07T15:00:00Z'), 'America/New_York')).toBe(
      at('2026-03-09T13:00:00Z'),
    );
  });

  it('America/New_York across the November change (EDT → EST)', () => {
    // Fri 2026-10-30 13:00Z is 09:00 EDT; Mon 2026-11-02 13:00Z is 08:00 EST
    expect(inWindow(weekdays, at('2026-10-30T13:00:00Z'), 'America/New_York')).toBe(true);
    expect(inWindow(weekdays, at('2026-11-02T13:00:00Z'), 'America/New_York')).toBe(false);
    expect(inWindow(weekdays, at('2026-11-02T14:00:00Z'), 'America/New_York')).toBe(true);
    expect(nextWindowOpen(weekdays, at('2026-10-31T12:00:00Z'), 'America/New_York')).toBe(
      at('2026-11-02T14:00:00Z'),
    );
  });

  it('validates zone names and falls back for bad ones', () => {
    expect(isTimeZone('Asia/Tokyo')).toBe(true);
    expect(isTimeZone('Asia/Tokio')).toBe(false);
    expect(isTimeZone('UTC')).toBe(true);
    expect(zoneFor('Mars/Olympus', 'Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(zoneFor(undefined, 'Asia/Tokyo')).toBe('Asia/Tokyo');
    expect(zoneFor('Europe/Berlin', 'Asia/Tokyo')).toBe('Europe/Berlin');
  });

  it('returns nothing when a window never opens', () => {
    const never = compileWindow({ days: ['sun'], start: '09:00', end: '09:00' });
    expect(nextWindowOpen(never, at('2026-12-01T00:00:00Z'), 'UTC')).toBeUndefined();
  });
});
