// Business calendars: days on which no customer mail goes out in a contact's country, on top of the weekday
// and hour window. Public holidays come from a maintained data package (Japan built in, including substitute
// and citizens' holidays); blackout ranges such as the New Year break come from policy.yaml.
import holidayJp from '@holiday-jp/holiday_jp';
import { getTimezone } from 'countries-and-timezones';
import { z } from 'zod';

/** Countries whose public holidays are built in. */
export const HOLIDAY_COUNTRIES = ['JP'] as const;
export type HolidayCountry = (typeof HOLIDAY_COUNTRIES)[number];

/** An ISO 3166-1 alpha-2 country code, upper case, e.g. JP. */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, {
  error: 'expected an ISO 3166 two-letter country code in capitals, such as JP or US',
});

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** A yearly day as MM-DD, e.g. 12-29. */
export const MonthDay = z.string().refine(
  (value) => {
    const match = /^(\d\d)-(\d\d)$/.exec(value);
    if (!match) return false;
    const month = Number(match[1]);
    const day = Number(match[2]);
    return month >= 1 && month <= 12 && day >= 1 && day <= (MONTH_DAYS[month - 1] ?? 0);
  },
  {
    error: (issue) =>
      `expected a day of the year as MM-DD, such as 12-29, got ${JSON.stringify(issue.input)}`,
  },
);

/** The `calendar:` block of policy.yaml (and of a campaign's override). */
export const CalendarSpec = z.strictObject({
  /** countries whose public holidays close the send window for contacts in that country */
  holidays: z
    .array(
      z.enum(HOLIDAY_COUNTRIES, {
        error: (issue) =>
          `expected one of ${HOLIDAY_COUNTRIES.join(', ')} (the countries whose holidays are built in), got ${JSON.stringify(issue.input)}`,
      }),
    )
    .default([]),
  /** yearly ranges with no customer mail, both ends included; a range may wrap the year (12-29 to 01-03) */
  blackouts: z
    .array(
      z.strictObject({
        from: MonthDay,
        to: MonthDay,
        /** only contacts in these countries; every contact when left out */
        countries: z.array(CountryCode).optional(),
        name: z.string().optional(),
      }),
    )
    .default([]),
});
export type CalendarSpec = z.infer<typeof CalendarSpec>;

/** Why a whole local day is closed to mail. */
export type ClosedDay = { kind: 'holiday' | 'blackout'; name: string };

/** A calendar ready for checks: answers per country and local date. */
export interface CompiledCalendar {
  /** Whether a local date (YYYY-MM-DD) is closed to mail for a contact in `country`, and why. */
  closed(country: string | undefined, date: string): ClosedDay | undefined;
  /** False when the calendar closes nothing, so callers can skip the date arithmetic. */
  readonly active: boolean;
}

const JP_HOLIDAYS: Readonly<Record<string, { name_en: string }>> = holidayJp.holidays;

function holidayName(country: string, date: string): string | undefined {
  return country === 'JP' ? JP_HOLIDAYS[date]?.name_en : undefined;
}

/** Compiles a calendar spec; an empty spec closes nothing. */
export function compileCalendar(spec: CalendarSpec): CompiledCalendar {
  const holidayCountries = new Set<string>(spec.holidays);
  const blackouts = spec.blackouts.map((range) => ({
    from: range.from,
    to: range.to,
    countries: range.countries ? new Set(range.countries) : undefined,
    name: range.name ?? `blackout ${range.from} to ${range.to}`,
  }));
  return {
    active: holidayCountries.size > 0 || blackouts.length > 0,
    closed(country, date) {
      if (country !== undefined && holidayCountries.has(country)) {
        const name = holidayName(country, date);
        if (name !== undefined) return { kind: 'holiday', name };
      }
      const monthDay = date.slice(5);
      for (const range of blackouts) {
        if (range.countries && (country === undefined || !range.countries.has(country))) continue;
        const inside =
          range.from <= range.to
            ? monthDay >= range.from && monthDay <= range.to
            : monthDay >= range.from || monthDay <= range.to;
        if (inside) return { kind: 'blackout', name: range.name };
      }
      return undefined;
    },
  };
}

/** A calendar that closes no day. */
export const OPEN_CALENDAR: CompiledCalendar = compileCalendar({ holidays: [], blackouts: [] });

const zoneCountries = new Map<string, string | undefined>();
/**
 * The country a contact's calendar follows: the contact's own, else the account's, else the main country of
 * the contact's time zone (Asia/Tokyo → JP); undefined when none is known (e.g. UTC).
 */
export function countryFor(
  contactCountry: string | undefined,
  accountCountry: string | undefined,
  timeZone: string,
): string | undefined {
  if (contactCountry) return contactCountry;
  if (accountCountry) return accountCountry;
  if (!zoneCountries.has(timeZone)) zoneCountries.set(timeZone, getTimezone(timeZone)?.countries[0]);
  return zoneCountries.get(timeZone);
}
