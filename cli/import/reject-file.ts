import { readFile, rm, writeFile } from 'node:fs/promises';
import type { ImportRejection } from '../../functions/app/import-records.ts';
import { isRejectFileHeader } from './columns.ts';
import { type CsvRow, toCsv } from './csv-file.ts';

/** The default reject file of an import: `<file>.rejects.csv` beside it. */
export function defaultRejectPath(file: string): string {
  return `${file}.rejects.csv`;
}

/**
 * The reject file's rows: the original header plus `line` and `reason`, then each rejected row's
 * original cells (padded to the header; surplus cells are quoted in the reason) with its line and
 * reason, in line order. A fixed reject file imports as it is (its `line` and `reason` are skipped);
 * rejecting rows of a reject file again replaces those two columns instead of adding more.
 */
export function rejectRows(
  header: readonly string[],
  rows: readonly CsvRow[],
  rejections: readonly ImportRejection[],
): string[][] {
  const original = isRejectFileHeader(header) ? header.slice(0, -2) : header;
  const byLine = new Map(rows.map((row) => [row.line, row.cells]));
  const out: string[][] = [[...original, 'line', 'reason']];
  for (const rejection of [...rejections].sort((a, b) => a.line - b.line)) {
    const cells = byLine.get(rejection.line) ?? [];
    const padded = original.map((_, index) => cells[index] ?? '');
    out.push([...padded, String(rejection.line), rejection.reason]);
  }
  return out;
}

/**
 * Writes the reject file when there are rejections. When there are none, a reject file left at that
 * path by an earlier run (recognised by its `line,reason` header) is removed so it cannot mislead.
 */
export async function writeRejectFile(
  path: string,
  rows: string[][],
): Promise<'written' | 'removed' | 'none'> {
  if (rows.length > 1) {
    await writeFile(path, toCsv(rows));
    return 'written';
  }
  return removeStale(path, (firstLine) => firstLine.endsWith(',line,reason'));
}

/** Removes a file left by an earlier run when its first line shows it is one of ours. */
export async function removeStale(
  path: string,
  isOurs: (firstLine: string) => boolean,
): Promise<'removed' | 'none'> {
  let firstLine: string;
  try {
    firstLine = (await readFile(path, 'utf8')).split(/\r?\n/, 1)[0] ?? '';
  } catch {
    return 'none';
  }
  if (!isOurs(firstLine)) return 'none';
  await rm(path);
  return 'removed';
}
