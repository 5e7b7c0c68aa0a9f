import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CalendarSpec,
  compileCalendar,
  countryFor,
} from '../../../functions/core/campaign/business-calendar.ts';
import {
  closedDayAt,
  compileWindow,
  inWindow,
  localTime,
  nextWindowOpen,
} from '../../../functions/core/campaign/time-window.ts';
import { account, BASE_POLICY, contact, programOf } from './fixtures.ts';
import { planOnce } from './planner-helpers.ts';

// Japan's national holidays of 2027 as the Cabinet Office lists them, written out by hand so the
// test does not trust the data package it checks: 03-22 is the substitute for the equinox on Sunday 03-21.
const JP_HOLIDAYS_2027 = [
  '2027-01-01',
  '2027-01-11',
  '2027-02-11',
  '2027-02-23',
  '2027-03-21',
  '2027-03-22',
  '2027-04-29',
  '2027-05-03',
  '2027-05-04',
  '2027-05-05',
  '2027-07-19',
  '2027-08-11',
  '2027-09-20',
  '2027-09-23',
  '2027-10-11',
  '2027-11-03',
  '2027-11-23',
];

const SHIPPED = CalendarSpec.parse({
  holidays: ['JP'],
  blackouts: [{ from: '12-29', to: '01-03', countries: ['JP'], name: 'New Year break' }],
});
const calendar = compileCalendar(SHIPPED);
const weekdays = compileWindow(
  { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
  calendar,
);
const TOKYO = 'Asia/Tokyo';
/** 10:00 in Tokyo on a date. */
const tokyo10 = (date: string) => Date.parse(`${date}T10:00:00+09:00`);

function everyDay(year: number): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

describe('business calendar: Japanese public holidays', () => {
  it('closes exactly the 2027 national holidays for a Japanese contact, substitute day included', () => {
    const closed = everyDay(2027).filter((date) => calendar.closed('JP', date)?.kind === 'holiday');
    expect(closed).toEqual(JP_HOLIDAYS_2027);
  });

  it('keeps Golden Week (05-03 to 05-05) shut and opens again on Thursday 05-06 at 09:00', () => {
    for (const date of ['2027-05-03', '2027-05-04', '2027-05-05'])
      expect(inWindow(weekdays, tokyo10(date), TOKYO, 'JP')).toBe(false);
    expect(nextWindowOpen(weekdays, tokyo10('2027-05-03'), TOKYO, 'JP')).toBe(
      Date.parse('2027-05-06T09:00:00+09:00'),
    );
  });

  it("knows citizens' holidays (2026-09-22, between Respect for the Aged Day and the equinox)", () => {
    expect(calendar.closed('JP', '2026-09-22')).toEqual({ kind: 'holiday', name: "Citizen's Holiday" });
    expect(inWindow(weekdays, tokyo10('2026-09-22'), TOKYO, 'JP')).toBe(false);
  });

  it('leaves contacts of other countries alone on a Japanese holiday', () => {
    expect(inWindow(weekdays, tokyo10('2027-05-04'), TOKYO, 'US')).toBe(true);
    expect(inWindow(weekdays, tokyo10('2027-05-04'), TOKYO, undefined)).toBe(true);
  });
});

describe('business calendar: blackout ranges', () => {
  it('wraps the year end: 12-29 to 01-03 is closed, 12-28 and 01-04 are open', () => {
    expect(calendar.closed('JP', '2026-12-28')).toBeUndefined();
    for (const date of ['2026-12-29', '2026-12-31', '2027-01-02', '2027-01-03'])
      expect(calendar.closed('JP', date)).toBeDefined();
    expect(calendar.closed('JP', '2026-12-30')).toEqual({ kind: 'blackout', name: 'New Year break' });
    expect(calendar.closed('JP', '2027-01-04')).toBeUndefined();
  });

  it('applies a range without countries to everyone, and one with countries only to those', () => {
    const all = compileCalendar(CalendarSpec.parse({ blackouts: [{ from: '08-13', to: '08-16' }] }));
    expect(all.closed(undefined, '2027-08-14')?.kind).toBe('blackout');
    expect(all.closed('US', '2027-08-14')?.kind).toBe('blackout');
    expect(calendar.closed('US', '2026-12-30')).toBeUndefined();
  });

  it('defers a send due in the New Year break to Monday 2027-01-04 09:00 in Tokyo', () => {
    const at = Date.parse('2026-12-28T17:30:00+09:00');
    expect(nextWindowOpen(weekdays, at, TOKYO, 'JP')).toBe(Date.parse('2027-01-04T09:00:00+09:00'));
    expect(closedDayAt(weekdays, tokyo10('2026-12-29'), TOKYO, 'JP')).toEqual({
      kind: 'blackout',
      name: 'New Year break',
    });
  });

  it('rejects impossible days and unknown holiday countries with the value in the message', () => {
    const bad = CalendarSpec.safeParse({ holidays: ['FR'], blackouts: [{ from: '02-30', to: '13-01' }] });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toContain('expected one of JP (the countries whose holidays are built in), got "FR"');
    expect(messages).toContain('expected a day of the year as MM-DD, such as 12-29, got "02-30"');
    expect(messages).toContain('expected a day of the year as MM-DD, such as 12-29, got "13-01"');
  });
});

describe('business calendar: which country a contact follows', () => {
  it("uses the contact's country, else the account's, else the time zone's", () => {
    expect(countryFor('US', 'JP', TOKYO)).toBe('US');
    expect(countryFor(undefined, 'US', TOKYO)).toBe('US');
    expect(countryFor(undefined, undefined, TOKYO)).toBe('JP');
    expect(countryFor(undefined, undefined, 'America/New_York')).toBe('US');
    expect(countryFor(undefined, undefined, 'UTC')).toBeUndefined();
  });
});

describe('business calendar: properties', () => {
  const zones = ['Asia/Tokyo', 'America/New_York', 'Europe/London', 'UTC'];
  it('never opens the window on a closed day, and the next opening is the first open quarter hour', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2028-12-31T00:00:00Z') }),
        fc.constantFrom(...zones),
        fc.constantFrom('JP', 'US', undefined),
        (at, zone, country) => {
          if (inWindow(weekdays, at, zone, country))
            expect(calendar.closed(country, localTime(at, zone).date)).toBeUndefined();
          const next = nextWindowOpen(weekdays, at, zone, country);
          expect(next).toBeDefined();
          if (next === undefined) return;
          expect(inWindow(weekdays, next, zone, country)).toBe(true);
          expect(calendar.closed(country, localTime(next, zone).date)).toBeUndefined();
          for (let t = next - 15 * 60_000; t >= at; t -= 15 * 60_000)
            expect(inWindow(weekdays, t, zone, country)).toBe(false);
        },
      ),
      { numRuns: 150, seed: 2027 },
    );
  });
});

describe('planner: holidays defer a due email with reason "holiday"', () => {
  const policy = `${BASE_POLICY}calendar:
  holidays: [JP]
  blackouts: [{ from: "12-29", to: "01-03", countries: [JP] }]
`;
  const program = programOf(
    {
      'rel.yaml': `
id: rel
kind: release
topic: news
audience: { when: { contact.signedUpAt: { lt: "2027-01-01T00:00:00Z" } } }
steps:
  - { id: launch, sendAt: "2027-05-03T09:00:00+09:00", template: t/a }
`,
    },
    policy,
  );

  it('defers a Japanese contact on Constitution Day to Thursday 09:00, and mails a US contact at once', () => {
    const at = tokyo10('2027-05-03');
    const jp = planOnce(program, account(), contact(), at);
    expect(jp).toContainEqual(
      expect.objectContaining({
        type: 'skip',
        stepId: 'launch',
        reason: 'holiday',
        retryAt: Date.parse('2027-05-06T09:00:00+09:00'),
      }),
    );
    expect(jp.some((d) => d.type === 'send')).toBe(false);
    const us = planOnce(program, account(), contact({ id: 'c-2', country: 'US' }), at);
    expect(us.filter((d) => d.type === 'send').map((d) => d.type === 'send' && d.stepId)).toEqual(['launch']);
  });
});
