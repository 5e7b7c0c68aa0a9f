import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { toCsvText } from '../../functions/core/shared/csv.ts';

/** One data row of a CSV file: its cells and the physical line it starts on (1-based, header is line 1). */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** A parsed CSV file: the header row and the data rows. */
export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

/** A problem with a whole import file (missing, unreadable, not CSV, bad header): nothing was imported. */
export class ImportFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImportFileError';
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Parses CSV bytes into a header and rows that remember their starting line. Quoted cells may span
 * lines, so the line is counted from the byte offset where each record begins rather than by
 * counting records. Blank lines and rows whose cells are all empty are skipped.
 */
export function parseCsv(bytes: Buffer, fileName: string): CsvTable {
  let records: unknown[];
  try {
    // With `info`, each element is { record, info }; the declared type does not say so, hence the guard.
    records = parse(bytes, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ImportFileError(
      `${fileName} is not valid CSV: ${reason}; check the quotes on that line (a quote inside a value is written "")`,
      { cause: error },
    );
  }
  let offset = 0;
  let line = 1;
  const lineAt = (target: number) => {
    for (; offset < target; offset++) if (bytes[offset] === NEWLINE) line++;
    return line;
  };
  const rows: CsvRow[] = [];
  let header: string[] | undefined;
  let previousEnd = 0;
  for (const element of records) {
    if (!isRecordWithInfo(element))
      throw new ImportFileError(`${fileName}: the CSV reader returned no line info`);
    const { record, info } = element;
    let start = previousEnd;
    while (start < info.bytes && (bytes[start] === NEWLINE || bytes[start] === CARRIAGE_RETURN)) start++;
    previousEnd = info.bytes;
    const startLine = lineAt(start);
    if (header === undefined) {
      header = record.map((cell) => cell.trim());
      continue;
    }
    if (record.every((cell) => cell.trim() === '')) continue;
    rows.push({ line: startLine, cells: record });
  }
  if (header === undefined || header.every((name) => name === ''))
    throw new ImportFileError(`${fileName} has no header row; the first line must name the columns`);
  return { header, rows };
}

function isRecordWithInfo(value: unknown): value is { record: string[]; info: { bytes: number } } {
  if (typeof value !== 'object' || value === null || !('record' in value) || !('info' in value)) return false;
  const { record, info } = value;
  return (
    Array.isArray(record) &&
    typeof info === 'object' &&
    info !== null &&
    'bytes' in info &&
    typeof info.bytes === 'number'
  );
}

/** Reads and parses a CSV file, failing with an ImportFileError the user can act on. */
export async function readCsvFile(path: string): Promise<CsvTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code;
    throw new ImportFileError(`cannot read ${path} (${why || 'unreadable'}); check the path`, {
      cause: error,
    });
  }
  return parseCsv(bytes, path);
}

/** Renders rows as CSV text with CRLF line ends (what spreadsheets expect). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return toCsvText(rows);
}
