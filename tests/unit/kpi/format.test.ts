import { describe, expect, it } from 'vitest';
import { EMAIL_KPI_COLUMNS } from '../../../functions/core/kpi/columns.ts';
import {
  type ColumnSpec,
  formatCell,
  ratio,
  rowSchemaOf,
  toCsv,
  toJsonExport,
} from '../../../functions/core/kpi/format.ts';
import { toCsvText } from '../../../functions/core/shared/csv.ts';
import { parseCsv } from './helpers/csv.ts';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'string', description: 'id' },
  { name: 'day', type: 'date', description: 'day' },
  { name: 'n', type: 'bigint', description: 'count' },
  { name: 'rate', type: 'double', nullable: true, description: 'rate' },
];

describe('ratio', () => {
  it('returns null instead of NaN or Infinity for zero denominators', () => {
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(Number.NaN, 4)).toBeNull();
  });
});

describe('CSV', () => {
  it('quotes fields with commas, quotes, CR or LF per RFC 4180 and ends records with CRLF', () => {
    expect(toCsvText([['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\ronly', ' padded']])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\ronly"," padded"\r\n',
    );
    const csv = toCsv(COLUMNS, [
      { id: 'x,"y"', day: '2026-11-02', n: 3, rate: 1 / 3 },
      { id: 'z', day: '2026-11-03', n: 0, rate: null },
    ]);
    expect(csv).toBe('id,day,n,rate\r\n"x,""y""",2026-11-02,3,0.333333\r\n' + 'z,2026-11-03,0,\r\n');
    expect(parseCsv(csv)).toEqual([
      ['id', 'day', 'n', 'rate'],
      ['x,"y"', '2026-11-02', '3', '0.333333'],
      ['z', '2026-11-03', '0', ''],
    ]);
  });

  it('prints doubles with six fixed decimals and never NaN, Infinity or -0', () => {
    expect(formatCell(0.5, 'double')).toBe('0.500000');
    expect(formatCell(2, 'double')).toBe('2.000000');
    expect(formatCell(-0.0000001, 'double')).toBe('0.000000');
    expect(formatCell(Number.NaN, 'double')).toBe('');
    expect(formatCell(Number.POSITIVE_INFINITY, 'double')).toBe('');
    expect(formatCell(null, 'bigint')).toBe('');
  });

  it('keeps the declared column order whatever the key order of the rows', () => {
    const csv = toCsv(COLUMNS, [{ rate: 0.1, n: 1, day: '2026-01-01', id: 'a' }]);
    expect(parseCsv(csv)[1]).toEqual(['a', '2026-01-01', '1', '0.100000']);
  });
});

describe('JSON export', () => {
  it('carries metadata and columns, rounds doubles like the CSV and keeps nulls', () => {
    const body = toJsonExport(
      { name: 't', from: '2026-11-01', to: '2026-11-30', generatedAt: '2026-12-01T00:00:00.000Z' },
      COLUMNS,
      [
        { id: 'a', day: '2026-11-02', n: 1, rate: 2 / 3 },
        { id: 'b', day: '2026-11-02', n: 0, rate: null },
      ],
    );
    const doc = JSON.parse(body);
    expect(doc.name).toBe('t');
    expect(doc.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'day', 'n', 'rate']);
    expect(doc.rows).toEqual([
      { id: 'a', day: '2026-11-02', n: 1, rate: 0.666667 },
      { id: 'b', day: '2026-11-02', n: 0, rate: null },
    ]);
  });
});

describe('row schemas', () => {
  it('accepts a valid row and rejects wrong types, NaN and unknown columns', () => {
    const schema = rowSchemaOf(COLUMNS);
    expect(schema.safeParse({ id: 'a', day: '2026-11-02', n: 1, rate: null }).success).toBe(true);
    expect(schema.safeParse({ id: 'a', day: '2026-13-02', n: 1, rate: 0.1 }).success).toBe(false);
    expect(schema.safeParse({ id: 'a', day: '2026-11-02', n: 1.5, rate: 0.1 }).success).toBe(false);
    expect(schema.safeParse({ id: 'a', day: '2026-11-02', n: 1, rate: Number.NaN }).success).toBe(false);
    expect(schema.safeParse({ id: 'a', day: '2026-11-02', n: 1, rate: 0.1, email: 'x' }).success).toBe(false);
  });

  it('declares the email-kpis table for Glue with unique names and Athena types', () => {
    const names = EMAIL_KPI_COLUMNS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const column of EMAIL_KPI_COLUMNS) {
      expect(column.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(['string', 'date', 'bigint', 'double']).toContain(column.type);
      expect(column.description.length).toBeGreaterThan(3);
    }
    expect(names.slice(0, 5)).toEqual(['day', 'campaign_id', 'step_id', 'variant_id', 'locale']);
    expect(EMAIL_KPI_COLUMNS.filter((c) => c.type === 'double').map((c) => c.name)).toEqual([
      'open_rate',
      'click_rate',
      'ctor',
      'bounce_rate',
      'complaint_rate',
      'unsubscribe_rate',
    ]);
  });
});
