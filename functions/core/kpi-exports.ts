import {
  CS_KPI_COLUMNS,
  EMAIL_KPI_COLUMNS,
  FEATURE_USAGE_COLUMNS,
  HEALTH_BY_TIER_COLUMNS,
  LOGIN_KPI_COLUMNS,
  ONBOARDING_FUNNEL_COLUMNS,
  ONBOARDING_KPI_COLUMNS,
  RECIPIENT_COLUMNS,
  REVENUE_KPI_COLUMNS,
} from './kpi-columns.ts';
import type { KpiDataset } from './kpi-dataset.ts';
import { type Cell, type ColumnSpec, toCsv, toJsonExport } from './kpi-format.ts';
import type { RecipientRow } from './kpi-recipients.ts';
import { renderKpiReport } from './report-html.ts';

/** The formats an export can be written in. */
export type ExportFormat = 'csv' | 'json' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'html'];

/** Type guard for an export format name. */
export function isExportFormat(text: string): text is ExportFormat {
  return EXPORT_FORMATS.some((format) => format === text);
}

/** One file to write: its key under the sink, its body and its MIME type. */
export interface ExportFile {
  key: string;
  body: string;
  contentType: string;
}

/** One KPI table: its file name (without extension), columns and how to read its rows from a dataset. */
export interface ExportTable {
  name: string;
  columns: readonly ColumnSpec[];
  rows: (data: KpiDataset) => readonly Record<string, Cell>[];
}

/** Every KPI table written by an export, in a stable order. */
export const EXPORT_TABLES: readonly ExportTable[] = [
  { name: 'email-kpis', columns: EMAIL_KPI_COLUMNS, rows: (d) => d.email },
  { name: 'login-kpis', columns: LOGIN_KPI_COLUMNS, rows: (d) => d.login },
  { name: 'onboarding-kpis', columns: ONBOARDING_KPI_COLUMNS, rows: (d) => d.onboarding },
  { name: 'onboarding-funnel', columns: ONBOARDING_FUNNEL_COLUMNS, rows: (d) => d.funnel },
  { name: 'feature-usage', columns: FEATURE_USAGE_COLUMNS, rows: (d) => d.features },
  { name: 'health-by-tier', columns: HEALTH_BY_TIER_COLUMNS, rows: (d) => d.healthByTier },
  { name: 'cs-kpis', columns: CS_KPI_COLUMNS, rows: (d) => d.cs },
  { name: 'revenue-kpis', columns: REVENUE_KPI_COLUMNS, rows: (d) => d.revenue },
];

/** The name of the HTML report file inside a partition. */
export const REPORT_FILE = 'report.html';

/** The key prefix of one export partition: kpi/dt=YYYY-MM-DD/. */
export function partitionPrefix(dt: string): string {
  return `kpi/dt=${dt}/`;
}

const CSV_TYPE = 'text/csv; charset=utf-8; header=present';
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/** The files of one export: each table as CSV and/or JSON, and the HTML report, under kpi/dt=<range end>/. */
export function exportFiles(data: KpiDataset, formats: readonly ExportFormat[]): ExportFile[] {
  const prefix = partitionPrefix(data.range.to);
  const files: ExportFile[] = [];
  for (const table of EXPORT_TABLES) {
    const rows = table.rows(data);
    if (formats.includes('csv')) {
      files.push({
        key: `${prefix}${table.name}.csv`,
        body: toCsv(table.columns, rows),
        contentType: CSV_TYPE,
      });
    }
    if (formats.includes('json')) {
      const meta = {
        name: table.name,
        from: data.range.from,
        to: data.range.to,
        generatedAt: data.generatedAt,
      };
      files.push({
        key: `${prefix}${table.name}.json`,
        body: toJsonExport(meta, table.columns, rows),
        contentType: JSON_TYPE,
      });
    }
  }
  if (formats.includes('html')) {
    files.push({ key: `${prefix}${REPORT_FILE}`, body: renderKpiReport(data), contentType: HTML_TYPE });
  }
  return files;
}

/** The files of a per-recipient export of one campaign (CSV and/or JSON; HTML is not offered). */
export function recipientFiles(
  campaignId: string,
  rows: readonly RecipientRow[],
  meta: { from: string; to: string; generatedAt: string },
  formats: readonly ExportFormat[],
): ExportFile[] {
  const prefix = partitionPrefix(meta.to);
  const name = `recipients-${campaignId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const files: ExportFile[] = [];
  if (formats.includes('csv')) {
    files.push({ key: `${prefix}${name}.csv`, body: toCsv(RECIPIENT_COLUMNS, rows), contentType: CSV_TYPE });
  }
  if (formats.includes('json')) {
    files.push({
      key: `${prefix}${name}.json`,
      body: toJsonExport({ name, ...meta }, RECIPIENT_COLUMNS, rows),
      contentType: JSON_TYPE,
    });
  }
  return files;
}
