import { z } from 'zod';
import { toCsvText } from '../shared/csv.ts';
import { IsoDate } from '../shared/domain.ts';

/** Column types, named as Athena/Glue names them so the table definition can reuse them. */
export type ColumnType = 'string' | 'date' | 'bigint' | 'double';

/** One column of an export: its name, type, whether it may be empty, and what it means. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable?: boolean;
  readonly description: string;
}

/** A cell value before formatting; null means "no value" (e.g. a rate with a zero denominator). */
export type Cell = string | number | null;

/** The TypeScript type of one cell of a column. */
export type CellOf<C extends ColumnSpec> = C extends { type: 'bigint' | 'double' }
  ? C extends { nullable: true }
    ? number | null
    : number
  : C extends { nullable: true }
    ? string | null
    : string;

/** A row typed by its column list. */
export type RowOf<T extends readonly ColumnSpec[]> = { [C in T[number] as C['name']]: CellOf<C> };

/** Decimal places of every `double` column in CSV and JSON. */
export const DOUBLE_DECIMALS = 6;

/** Declares a column list while keeping the literal column names for row typing. */
export function defineColumns<const T extends readonly ColumnSpec[]>(columns: T): T {
  return columns;
}

/** The zod schema of one export row, derived from its column list. */
export function rowSchemaOf(columns: readonly ColumnSpec[]): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const column of columns) {
    const base =
      column.type === 'string'
        ? z.string()
        : column.type === 'date'
          ? IsoDate
          : column.type === 'bigint'
            ? z.number().int()
            : z.number().finite();
    shape[column.name] = column.nullable ? base.nullable() : base;
  }
  return z.strictObject(shape);
}

/** A ratio, or null when the denominator is zero (never NaN or Infinity). */
export function ratio(numerator: number, denominator: number): number | null {
  if (denominator === 0 || !Number.isFinite(numerator) || !Number.isFinite(denominator)) return null;
  return numerator / denominator;
}

/** Rounds a double to the export precision; null and non-finite numbers become null. */
export function roundDouble(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const rounded = Number(value.toFixed(DOUBLE_DECIMALS));
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** Formats one cell for CSV: doubles with fixed decimals, null as an empty field. */
export function formatCell(value: Cell, type: ColumnType): string {
  if (value === null) return '';
  if (type === 'double' && typeof value === 'number') {
    const rounded = roundDouble(value);
    return rounded === null ? '' : rounded.toFixed(DOUBLE_DECIMALS);
  }
  return String(value);
}

/** Renders rows as CSV (see toCsvText): a header row, CRLF line ends, columns in the declared order. */
export function toCsv(columns: readonly ColumnSpec[], rows: readonly Record<string, Cell>[]): string {
  return toCsvText([
    columns.map((column) => column.name),
    ...rows.map((row) => columns.map((column) => formatCell(row[column.name] ?? null, column.type))),
  ]);
}

/** Metadata written at the top of every JSON export. */
export interface ExportMeta {
  name: string;
  from: string;
  to: string;
  generatedAt: string;
}

/** Renders rows as a JSON document: metadata, the column list and rows with doubles rounded like the CSV. */
export function toJsonExport(
  meta: ExportMeta,
  columns: readonly ColumnSpec[],
  rows: readonly Record<string, Cell>[],
): string {
  const cleanRows = rows.map((row) => {
    const out: Record<string, Cell> = {};
    for (const column of columns) {
      const value = row[column.name] ?? null;
      out[column.name] = column.type === 'double' && typeof value === 'number' ? roundDouble(value) : value;
    }
    return out;
  });
  const document = {
    ...meta,
    columns: columns.map(({ name, type, nullable }) => ({ name, type, nullable: nullable ?? false })),
    rows: cleanRows,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
