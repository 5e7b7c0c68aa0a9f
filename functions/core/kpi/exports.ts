import {
  CS_KPI_COLUMNS,
  EMAIL_KPI_COLUMNS,
  EXPERIMENT_KPI_COLUMNS,
  FEATURE_USAGE_COLUMNS,
  HEALTH_BY_TIER_COLUMNS,
  LOGIN_KPI_COLUMNS,
  ONBOARDING_FUNNEL_COLUMNS,
  ONBOARDING_KPI_COLUMNS,
  RECIPIENT_COLUMNS,
  REVENUE_KPI_COLUMNS,
} from './columns.ts';
import type { KpiDataset } from './dataset.ts';
import { type Cell, type ColumnSpec, toCsv, toJsonExport } from './format.ts';
import type { RecipientRow } from './recipients.ts';

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
  /** one line on what a row is (the Glue table's description) */
  description: string;
  columns: readonly ColumnSpec[];
  rows: (data: KpiDataset) => readonly Record<string, Cell>[];
}

/** Every KPI table written by an export, in a stable order. */
export const EXPORT_TABLES: readonly ExportTable[] = [
  {
    name: 'email-kpis',
    description: 'Email KPIs per day, campaign, step, variant and locale',
    columns: EMAIL_KPI_COLUMNS,
    rows: (d) => d.email,
  },
  {
    name: 'login-kpis',
    description: 'Login lift of recipients over the holdout per campaign and step',
    columns: LOGIN_KPI_COLUMNS,
    rows: (d) => d.login,
  },
  {
    name: 'onboarding-kpis',
    description: 'Onboarding completion per weekly entry cohort',
    columns: ONBOARDING_KPI_COLUMNS,
    rows: (d) => d.onboarding,
  },
  {
    name: 'onboarding-funnel',
    description: 'Contacts reaching each stage of each onboarding campaign',
    columns: ONBOARDING_FUNNEL_COLUMNS,
    rows: (d) => d.funnel,
  },
  {
    name: 'feature-usage',
    description: 'Share of active contacts using each feature',
    columns: FEATURE_USAGE_COLUMNS,
    rows: (d) => d.features,
  },
  {
    name: 'health-by-tier',
    description: 'Health colors of non-churned accounts per touch tier',
    columns: HEALTH_BY_TIER_COLUMNS,
    rows: (d) => d.healthByTier,
  },
  {
    name: 'cs-kpis',
    description: 'Churn, NPS, onboarding completion and feature usage per period',
    columns: CS_KPI_COLUMNS,
    rows: (d) => d.cs,
  },
  {
    name: 'revenue-kpis',
    description: 'ARPU, churn and LTV per period and currency',
    columns: REVENUE_KPI_COLUMNS,
    rows: (d) => d.revenue,
  },
  {
    name: 'experiment-kpis',
    description: 'A/B variants and holdouts per campaign step: rates, 95% intervals, tests and verdicts',
    columns: EXPERIMENT_KPI_COLUMNS,
    rows: (d) => d.experiments,
  },
];

/** The name of the HTML report file inside a partition. */
export const REPORT_FILE = 'report.html';

/** The key prefix of one export partition: kpi/dt=YYYY-MM-DD/. */
export function partitionPrefix(dt: string): string {
  return `kpi/dt=${dt}/`;
}

/**
 * The folder holding one table's CSV in a partition: kpi/dt=YYYY-MM-DD/<table>/. Athena reads every
 * object under a table's location, so each CSV gets a folder of its own, apart from the JSON and HTML.
 */
export function csvFolder(dt: string, table: string): string {
  return `${partitionPrefix(dt)}${table}/`;
}

/** The key of one table's CSV: kpi/dt=YYYY-MM-DD/<table>/<table>.csv. */
export function csvKey(dt: string, table: string): string {
  return `${csvFolder(dt, table)}${table}.csv`;
}

/** The key of one table's JSON document: kpi/dt=YYYY-MM-DD/<table>.json. */
export function jsonKey(dt: string, table: string): string {
  return `${partitionPrefix(dt)}${table}.json`;
}

const CSV_TYPE = 'text/csv; charset=utf-8; header=present';
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * The table files of one export under kpi/dt=<range end>/: each table's CSV in its own folder
 * (<table>/<table>.csv) and each table's JSON beside those folders. The HTML report (reportFile) is
 * rendered outside the core and goes beside them.
 */
export function exportFiles(data: KpiDataset, formats: readonly ExportFormat[]): ExportFile[] {
  const dt = data.range.to;
  const files: ExportFile[] = [];
  for (const table of EXPORT_TABLES) {
    const rows = table.rows(data);
    if (formats.includes('csv')) {
      files.push({
        key: csvKey(dt, table.name),
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
        key: jsonKey(dt, table.name),
        body: toJsonExport(meta, table.columns, rows),
        contentType: JSON_TYPE,
      });
    }
  }
  return files;
}

/** The HTML report's file around its rendered body: kpi/dt=<range end>/report.html. */
export function reportFile(dt: string, body: string): ExportFile {
  return { key: `${partitionPrefix(dt)}${REPORT_FILE}`, body, contentType: HTML_TYPE };
}

/** The files of a per-recipient export of one campaign (CSV in its own folder and/or JSON; no HTML). */
export function recipientFiles(
  campaignId: string,
  rows: readonly RecipientRow[],
  meta: { from: string; to: string; generatedAt: string },
  formats: readonly ExportFormat[],
): ExportFile[] {
  const name = `recipients-${campaignId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const files: ExportFile[] = [];
  if (formats.includes('csv')) {
    files.push({ key: csvKey(meta.to, name), body: toCsv(RECIPIENT_COLUMNS, rows), contentType: CSV_TYPE });
  }
  if (formats.includes('json')) {
    files.push({
      key: jsonKey(meta.to, name),
      body: toJsonExport({ name, ...meta }, RECIPIENT_COLUMNS, rows),
      contentType: JSON_TYPE,
    });
  }
  return files;
}
