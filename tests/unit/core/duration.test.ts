import { describe, expect, it } from 'vitest';
import { DAY_MS, formatDuration, parseDuration, toEpoch } from '../../../functions/core/shared/duration.ts';

describe('durations', () => {
  it.each([
    ['0d', 0],
    ['2d', 2 * DAY_MS],
    ['-90d', -90 * DAY_MS],
    ['+30d', 30 * DAY_MS],
    ['36h', 36 * 3_600_000],
    ['2w', 14 * DAY_MS],
    ['45m', 45 * 60_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '2', 'd', '2 days', '2D', '1.5d', '2y', '--2d', '999999d'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats back to the shortest exact unit', () => {
    expect(formatDuration(-90 * DAY_MS)).toBe('-90d');
    expect(formatDuration(14 * DAY_MS)).toBe('2w');
    expect(formatDuration(36 * 3_600_000)).toBe('36h');
  });

  it('parses timestamps and refuses junk', () => {
    expect(toEpoch('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(toEpoch('not a date')).toBeUndefined();
    expect(toEpoch(undefined)).toBeUndefined();
  });
});
