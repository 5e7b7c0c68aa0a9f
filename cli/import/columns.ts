import type { ImportKind } from '../../functions/app/import-records.ts';
import { closest } from '../../functions/core/shared/suggest.ts';
import { ImportFileError } from './csv-file.ts';

/** How a cell's text becomes a field value. */
export type CellType =
  | 'text'
  | 'email'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'instant'
  | 'day'
  | 'list'
  | 'counts'
  | 'timeZone'
  /** the `line` and `reason` columns of a reject file, skipped on re-import */
  | 'ignore';

/** One importable column: the schema field it fills, how it is read, and what it means. */
export interface ColumnSpec {
  name: string;
  type: CellType;
  required: boolean;
  meaning: string;
  example: string;
  /** the fix printed when a value is wrong (default: the type's) */
  hint?: string;
}

const col = (
  name: string,
  type: CellType,
  required: boolean,
  meaning: string,
  example: string,
  hint?: string,
): ColumnSpec => ({ name, type, required, meaning, example, ...(hint ? { hint } : {}) });

/** The columns of each import kind, in documentation order. */
export const COLUMNS: Record<ImportKind, readonly ColumnSpec[]> = {
  accounts: [
    col('id', 'text', true, 'account id', 'acct-001'),
    col('name', 'text', true, 'company name', 'Harbor Analytics Inc.'),
    col('plan', 'text', true, 'plan name', 'standard'),
    col('status', 'text', true, 'trial, active or churned', 'active', 'use one of trial, active, churned'),
    col('currency', 'text', true, 'ISO 4217 code', 'USD', 'use a 3-letter ISO 4217 code such as JPY or USD'),
    col('arr', 'number', true, 'annual recurring revenue', '12000'),
    col('mrr', 'number', true, 'monthly recurring revenue', '1000'),
    col('seats', 'integer', false, 'licensed seats (default 0)', '25'),
    col('employees', 'integer', false, 'company size', '120'),
    col('industry', 'text', false, 'industry', 'logistics'),
    col('locale', 'text', false, 'default language of its contacts', 'en'),
    col('startedAt', 'instant', true, 'customer since', '2025-04-01'),
    col('trialEndsAt', 'instant', false, 'end of the trial', '2026-12-20T00:00:00Z'),
    col('renewalAt', 'instant', false, 'next renewal', '2027-03-31'),
    col('churnedAt', 'instant', false, 'when it churned', ''),
    col('referrals', 'integer', false, 'referrals made (default 0)', '2'),
    col('caseStudy', 'boolean', false, 'appeared in a case study (default false)', 'false'),
    col(
      'tier',
      'text',
      false,
      'high, low or tech (default: kept, then the tier rules)',
      'low',
      'use one of high, low, tech',
    ),
    col('csmId', 'text', false, 'owning CSM id', 'csm-mari'),
    col('csmEmail', 'email', false, 'owning CSM address (CTA digests)', 'mari@tsumiki.example'),
  ],
  contacts: [
    col('id', 'text', true, 'contact id', 'c-001'),
    col('accountId', 'text', true, 'id of an imported account', 'acct-001'),
    col('email', 'email', true, 'address', 'emily@harbor.example'),
    col('name', 'text', true, 'display name', 'Emily Carter'),
    col('locale', 'text', false, 'language, e.g. en or ja (default en)', 'en'),
    col('timeZone', 'timeZone', false, 'IANA time zone for the send window', 'America/New_York'),
    col('role', 'text', false, 'role, e.g. owner, admin, billing (default user)', 'admin'),
    col('signedUpAt', 'instant', true, 'sign-up time', '2026-11-28T10:15:00Z'),
    col('topicOptOuts', 'list', false, 'unsubscribed topics, ";"-separated', 'product-updates'),
    col('unsubscribedAll', 'boolean', false, 'opted out of everything (default false)', 'false'),
    col('suppressed', 'boolean', false, 'never mail this address (default false)', 'false'),
  ],
  usage: [
    col('contactId', 'text', true, 'id of an imported contact', 'c-001'),
    col('accountId', 'text', false, "the contact's account (default: taken from the contact)", 'acct-001'),
    col('date', 'day', true, 'UTC day, YYYY-MM-DD', '2026-12-01'),
    col('logins', 'integer', false, 'logins that day (default 0)', '3'),
    col('helpVisits', 'integer', false, 'help-site visits that day (default 0)', '1'),
    col('features', 'counts', false, 'feature uses that day, name=count;…', 'projects=2;reports=1'),
  ],
};

const TYPE_HINTS: Record<CellType, string> = {
  text: 'fix the value',
  email: 'write one address such as ana@example.com',
  number: 'write a plain number such as 12000 or 99.5 (no thousands separators or currency signs)',
  integer: 'write a whole number such as 3',
  boolean: 'write true or false',
  instant: 'write an ISO 8601 time such as 2026-04-01T09:00:00Z, or a day such as 2026-04-01 (00:00 UTC)',
  day: 'write the day as YYYY-MM-DD, e.g. 2026-12-01',
  list: 'separate values with ";", e.g. product-updates;onboarding-tips',
  counts: 'write name=count pairs separated by ";", e.g. projects=3;reports=1',
  timeZone: 'write an IANA time zone such as Asia/Tokyo or America/New_York',
  ignore: '',
};

/** True when a header ends in `line,reason`, the two columns a reject file adds. */
export function isRejectFileHeader(header: readonly string[]): boolean {
  const n = header.length;
  return (
    n >= 2 &&
    header[n - 2]?.trim().toLowerCase() === 'line' &&
    header[n - 1]?.trim().toLowerCase() === 'reason'
  );
}

const REJECT_COLUMNS: readonly ColumnSpec[] = [
  col('line', 'ignore', false, 'reject file: the original line', ''),
  col('reason', 'ignore', false, 'reject file: why the row was rejected', ''),
];

/** The fix to print for a bad value in a column. */
export function hintOf(column: ColumnSpec): string {
  return column.hint ?? TYPE_HINTS[column.type];
}

/**
 * Matches a header row to a kind's columns (case and surrounding spaces ignored). Unknown, repeated
 * and missing required columns fail the whole file, so a misspelt column never drops data silently.
 * A reject file's trailing `line,reason` columns are accepted and skipped, so a fixed reject file
 * can be imported as it is.
 */
export function checkHeader(kind: ImportKind, header: readonly string[], fileName: string): ColumnSpec[] {
  if (isRejectFileHeader(header))
    return [...checkHeader(kind, header.slice(0, -2), fileName), ...REJECT_COLUMNS];
  const specs = COLUMNS[kind];
  const byName = new Map(specs.map((spec) => [spec.name.toLowerCase(), spec]));
  const problems: string[] = [];
  const mapped: ColumnSpec[] = [];
  const seen = new Map<string, number>();
  header.forEach((raw, index) => {
    const name = raw.trim();
    const spec = byName.get(name.toLowerCase());
    if (!spec) {
      const guess = closest(
        name,
        specs.map((s) => s.name),
      );
      problems.push(
        name === ''
          ? `column ${index + 1} has no name; name it or delete the column`
          : `unknown column "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
      );
      return;
    }
    const before = seen.get(spec.name);
    if (before !== undefined)
      problems.push(`column "${name}" appears twice (columns ${before + 1} and ${index + 1}); keep one`);
    seen.set(spec.name, index);
    mapped.push(spec);
  });
  const missing = specs.filter((spec) => spec.required && !seen.has(spec.name)).map((spec) => spec.name);
  if (missing.length > 0) problems.push(`missing required column(s): ${missing.join(', ')}`);
  if (problems.length > 0) {
    const allowed = specs.map((spec) => (spec.required ? `${spec.name}*` : spec.name)).join(', ');
    throw new ImportFileError(
      `${fileName}: the header does not fit ${kind}:\n  - ${problems.join('\n  - ')}\n` +
        `${kind} columns are: ${allowed} (* required); see docs/cli.md. Nothing was imported.`,
    );
  }
  return mapped;
}
