import type { Program } from '../core/campaign/program.ts';
import { computeKpis, type KpiDataset, usageWindowFor } from '../core/kpi/dataset.ts';
import { addDays, type DayRange, daysBetween, isDay, type PeriodKind } from '../core/kpi/dates.ts';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  exportFiles,
  recipientFiles,
  reportFile,
} from '../core/kpi/exports.ts';
import type { CampaignInfo, ContactEnrollment, KpiSnapshot } from '../core/kpi/inputs.ts';
import { buildLoginIndex } from '../core/kpi/login.ts';
import { recipientRows } from '../core/kpi/recipients.ts';
import type { SendRecord } from '../core/sending/send.ts';
import type { Account, Contact, DailyUsage, NpsResponse } from '../core/shared/domain.ts';
import { renderKpiReport } from '../report/html.ts';
import type { Clock } from './ports.ts';

/** Reads the KPI inputs. The DynamoDB adapter scans the tables; tests and the CLI use a snapshot. */
export interface KpiSource {
  /** Every send record (test sends included; KPI math drops them). */
  listSends(): Promise<SendRecord[]>;
  /** Every enrollment, with the contact it belongs to. */
  listEnrollments(): Promise<ContactEnrollment[]>;
  listAccounts(): Promise<Account[]>;
  listContacts(): Promise<Contact[]>;
  /** Daily usage rows with fromDate ≤ date ≤ toDate (YYYY-MM-DD). */
  listDailyUsage(fromDate: string, toDate: string): Promise<DailyUsage[]>;
  listNpsResponses(): Promise<NpsResponse[]>;
}

/** Where export files go: S3 under the export bucket, or a local directory. */
export interface ExportSink {
  /** Writes one object; `key` is relative (kpi/dt=YYYY-MM-DD/<table>/<table>.csv, kpi/dt=YYYY-MM-DD/<table>.json). */
  put(key: string, body: string, contentType: string): Promise<void>;
}

/** A KPI export request was malformed (bad date, reversed range, unknown format). */
export class KpiInputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KpiInputError';
  }
}

/** Default length of an export range, in days. */
export const DEFAULT_RANGE_DAYS = 30;
/** Longest range accepted, to keep one export's memory bounded. */
export const MAX_RANGE_DAYS = 731;

function checkDay(flag: string, value: string | undefined): void {
  if (value !== undefined && !isDay(value)) {
    throw new KpiInputError(
      `--${flag} "${value}" is not a calendar day; write it as YYYY-MM-DD, e.g. 2026-11-01`,
    );
  }
}

/** Resolves --from/--to: `to` defaults to yesterday (UTC), `from` to 29 days before `to`. */
export function resolveRange(from: string | undefined, to: string | undefined, now: number): DayRange {
  checkDay('from', from);
  checkDay('to', to);
  const end = to ?? addDays(new Date(now).toISOString().slice(0, 10), -1);
  const start = from ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1));
  if (start > end) {
    throw new KpiInputError(`--from ${start} is after --to ${end}; swap them or move --from earlier`);
  }
  if (daysBetween(start, end) + 1 > MAX_RANGE_DAYS) {
    throw new KpiInputError(
      `the range ${start}..${end} spans more than ${MAX_RANGE_DAYS} days; export it in shorter ranges`,
    );
  }
  return { from: start, to: end };
}

/** Parses a comma-separated format list such as "csv,json"; undefined or "all" means every format. */
export function parseFormats(text: string | undefined): ExportFormat[] {
  if (text === undefined || text === 'all') return [...EXPORT_FORMATS];
  const formats: ExportFormat[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const format = EXPORT_FORMATS.find((f) => f === part);
    if (!format) {
      throw new KpiInputError(`unknown format "${part}"; use csv, json, html or a list such as csv,json`);
    }
    if (!formats.includes(format)) formats.push(format);
  }
  return formats;
}

/** The campaigns' kinds and step order, for the onboarding KPIs and funnel. */
export function campaignInfoOf(program: Pick<Program, 'campaigns'>): CampaignInfo[] {
  return program.campaigns.map((c) => ({ id: c.id, kind: c.kind, stepIds: c.steps.map((s) => s.id) }));
}

/** A KpiSource over an in-memory snapshot (tests, `lowtouch kpi --data`, the local runtime). */
export function snapshotKpiSource(snapshot: KpiSnapshot): KpiSource {
  return {
    listSends: async () => snapshot.sends,
    listEnrollments: async () => snapshot.enrollments,
    listAccounts: async () => snapshot.accounts,
    listContacts: async () => snapshot.contacts,
    listDailyUsage: async (fromDate, toDate) =>
      snapshot.dailyUsage.filter((row) => row.date >= fromDate && row.date <= toDate),
    listNpsResponses: async () => snapshot.npsResponses,
  };
}

/** Options of one export run. */
export interface ExportKpisInput {
  from?: string;
  to?: string;
  formats?: readonly ExportFormat[];
  period?: PeriodKind | 'auto';
  campaigns?: readonly CampaignInfo[];
  /** the policy's globalHoldout share (0–1), for the program-wide lift rows of experiment-kpis */
  globalHoldoutShare?: number;
}

/** Dependencies of the export use case. */
export interface ExportKpisDeps {
  source: KpiSource;
  sink: ExportSink;
  clock: Clock;
}

/** What an export wrote. */
export interface ExportKpisResult {
  range: DayRange;
  keys: string[];
  dataset: KpiDataset;
}

async function readSnapshot(source: KpiSource, range: DayRange, campaigns: readonly CampaignInfo[]) {
  const usage = usageWindowFor(range);
  const [sends, enrollments, accounts, contacts, dailyUsage, npsResponses] = await Promise.all([
    source.listSends(),
    source.listEnrollments(),
    source.listAccounts(),
    source.listContacts(),
    source.listDailyUsage(usage.from, usage.to),
    source.listNpsResponses(),
  ]);
  const snapshot: KpiSnapshot = {
    sends,
    enrollments,
    accounts,
    contacts,
    dailyUsage,
    npsResponses,
    campaigns: [...campaigns],
  };
  return snapshot;
}

/** Computes every KPI for the range and writes CSV (a folder per table), JSON and the HTML report under kpi/dt=<to>/. */
export async function exportKpis(input: ExportKpisInput, deps: ExportKpisDeps): Promise<ExportKpisResult> {
  const now = deps.clock.now();
  const range = resolveRange(input.from, input.to, now);
  const snapshot = await readSnapshot(deps.source, range, input.campaigns ?? []);
  const dataset = computeKpis(snapshot, {
    range,
    period: input.period ?? 'auto',
    now: new Date(now),
    ...(input.globalHoldoutShare !== undefined ? { globalHoldoutShare: input.globalHoldoutShare } : {}),
  });
  const formats = input.formats ?? EXPORT_FORMATS;
  const files = exportFiles(dataset, formats);
  if (formats.includes('html')) files.push(reportFile(dataset.range.to, renderKpiReport(dataset)));
  for (const file of files) await deps.sink.put(file.key, file.body, file.contentType);
  return { range, keys: files.map((f) => f.key), dataset };
}

/** Writes engagement per contact id for one campaign (recipients-<campaign>/…csv and recipients-<campaign>.json under kpi/dt=<to>/). */
export async function exportRecipients(
  input: { campaignId: string; from?: string; to?: string; formats?: readonly ExportFormat[] },
  deps: ExportKpisDeps,
): Promise<{ range: DayRange; keys: string[]; rows: number }> {
  const now = deps.clock.now();
  const range = resolveRange(input.from, input.to, now);
  const formats = (input.formats ?? ['csv', 'json']).filter((f) => f !== 'html');
  if (formats.length === 0) {
    throw new KpiInputError('the recipients export is written as csv or json; html is not offered for it');
  }
  const snapshot = await readSnapshot(deps.source, range, []);
  const dataThrough = addDays(new Date(now).toISOString().slice(0, 10), -1);
  const rows = recipientRows(
    input.campaignId,
    range,
    snapshot.sends,
    snapshot.enrollments,
    buildLoginIndex(snapshot.dailyUsage),
    dataThrough,
  );
  const meta = { from: range.from, to: range.to, generatedAt: new Date(now).toISOString() };
  const files = recipientFiles(input.campaignId, rows, meta, formats);
  for (const file of files) await deps.sink.put(file.key, file.body, file.contentType);
  return { range, keys: files.map((f) => f.key), rows: rows.length };
}
