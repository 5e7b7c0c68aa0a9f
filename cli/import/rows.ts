import type { z } from 'zod';
import type {
  ImportKind,
  ImportRejection,
  ImportRow,
  UsageCandidate,
} from '../../functions/app/import-records.ts';
import { Account, Contact, DailyUsage } from '../../functions/core/shared/domain.ts';
import { MAX_CELL_CHARS, textProblem } from '../../functions/core/shared/input-guards.ts';
import { type ColumnSpec, hintOf } from './columns.ts';
import type { CsvRow } from './csv-file.ts';

/** The validated rows of an import file, by kind. */
export type Candidates =
  | { kind: 'accounts'; rows: ImportRow<Account>[] }
  | { kind: 'contacts'; rows: ImportRow<Contact>[] }
  | { kind: 'usage'; rows: ImportRow<UsageCandidate>[] };

type Converted = { ok: true; value: unknown } | { ok: false; problem: string };

const USAGE_ROW = DailyUsage.partial({ accountId: true });
const SINGULAR: Record<ImportKind, string> = { accounts: 'account', contacts: 'contact', usage: 'usage row' };

/** Shows a cell in a reason: quoted, shortened when long. */
function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Turns one non-empty cell into the value its column holds, or says why it cannot. */
export function convertCell(type: ColumnSpec['type'], text: string): Converted {
  switch (type) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, problem: 'is not a plain number' };
    case 'integer':
      return /^-?\d+$/.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, problem: 'is not a whole number' };
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['true', 'yes', '1'].includes(lower)) return { ok: true, value: true };
      if (['false', 'no', '0'].includes(lower)) return { ok: true, value: false };
      return { ok: false, problem: 'is not true or false' };
    }
    case 'instant':
      return { ok: true, value: /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text };
    case 'list':
      return {
        ok: true,
        value: text
          .split(';')
          .map((item) => item.trim())
          .filter((item) => item !== ''),
      };
    case 'counts': {
      const counts: Record<string, number> = {};
      for (const pair of text.split(';').map((item) => item.trim())) {
        if (pair === '') continue;
        const match = /^([^=\s]+)\s*=\s*(\d+)$/.exec(pair);
        if (!match?.[1] || match[2] === undefined)
          return {
            ok: false,
            problem: pair === text ? 'is not name=count' : `holds ${shown(pair)}, which is not name=count`,
          };
        counts[match[1]] = (counts[match[1]] ?? 0) + Number(match[2]);
      }
      return { ok: true, value: counts };
    }
    case 'timeZone':
      return isTimeZone(text)
        ? { ok: true, value: text }
        : { ok: false, problem: 'is not an IANA time zone' };
    default:
      return { ok: true, value: text };
  }
}

/**
 * Reads one CSV row into a candidate record and validates it with the kind's zod schema. Empty cells
 * leave the field out, so the schema's defaults apply. A failure names every bad field with its
 * value and the fix.
 */
export function readRow<S extends z.ZodType>(
  kind: ImportKind,
  schema: S,
  columns: readonly ColumnSpec[],
  row: CsvRow,
): { ok: true; value: z.infer<S> } | { ok: false; reason: string } {
  const problems: { column: number; text: string }[] = [];
  if (row.cells.length !== columns.length) {
    const extra = row.cells.slice(columns.length).map(shown).join(', ');
    return {
      ok: false,
      reason:
        row.cells.length > columns.length
          ? `the row has ${row.cells.length} cells but the header has ${columns.length} (extra: ${extra}); quote values that contain commas`
          : `the row has ${row.cells.length} cells but the header has ${columns.length}; add the missing cells (empty is fine)`,
    };
  }
  const record: Record<string, unknown> = {};
  const texts = new Map<string, string>();
  columns.forEach((column, index) => {
    const text = (row.cells[index] ?? '').trim();
    if (text === '' || column.type === 'ignore') return;
    const hostile = textProblem(text, MAX_CELL_CHARS);
    if (hostile) {
      problems.push({ column: index, text: `${column.name}: the cell ${hostile}` });
      return;
    }
    texts.set(column.name, text);
    const converted = convertCell(column.type, text);
    if (converted.ok) record[column.name] = converted.value;
    else
      problems.push({
        column: index,
        text: `${column.name}: ${shown(text)} ${converted.problem}; ${hintOf(column)}`,
      });
  });
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const index = columns.findIndex((c) => c.name === field);
      const column = columns[index];
      if (problems.some((problem) => problem.column === index)) continue;
      const text = texts.get(field);
      problems.push({
        column: index,
        text:
          text === undefined
            ? `${field}: missing; every ${SINGULAR[kind]} needs it`
            : `${field}: ${shown(text)} is invalid (${issue.message}); ${column ? hintOf(column) : 'fix the value'}`,
      });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    const ordered = problems.sort((a, b) => a.column - b.column).map((problem) => problem.text);
    return { ok: false, reason: ordered.join(' | ') };
  }
  return { ok: true, value: parsed.data };
}

/** Reads every row of a file: validated candidates of the kind, and the rows rejected with reasons. */
export function readRows(
  kind: ImportKind,
  columns: readonly ColumnSpec[],
  rows: readonly CsvRow[],
): { candidates: Candidates; rejected: ImportRejection[] } {
  const rejected: ImportRejection[] = [];
  const collect = <S extends z.ZodType>(schema: S): ImportRow<z.infer<S>>[] => {
    const valid: ImportRow<z.infer<S>>[] = [];
    for (const row of rows) {
      const read = readRow(kind, schema, columns, row);
      if (read.ok) valid.push({ line: row.line, value: read.value });
      else rejected.push({ line: row.line, reason: read.reason });
    }
    return valid;
  };
  const candidates: Candidates =
    kind === 'accounts'
      ? { kind, rows: collect(Account) }
      : kind === 'contacts'
        ? { kind, rows: collect(Contact) }
        : { kind, rows: collect(USAGE_ROW) };
  return { candidates, rejected };
}
