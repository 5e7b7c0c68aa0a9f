import { describe, expect, it } from 'vitest';
import { InMemoryExportSink } from '../../../functions/adapters/memory/export-sink.ts';
import {
  exportKpis,
  exportRecipients,
  KpiInputError,
  parseFormats,
  resolveRange,
  snapshotKpiSource,
} from '../../../functions/app/export-kpis.ts';
import { RECIPIENT_COLUMNS } from '../../../functions/core/kpi/columns.ts';
import { csvKey, EXPORT_TABLES, jsonKey, REPORT_FILE } from '../../../functions/core/kpi/exports.ts';
import { rowSchemaOf } from '../../../functions/core/kpi/format.ts';
import { parseCsv } from './helpers/csv.ts';
import { generateKpiFixture } from './helpers/fixtures.ts';

const NOW = Date.parse('2026-11-22T06:00:00Z');
const world = generateKpiFixture();
const clock = { now: () => NOW };

const sink = new InMemoryExportSink();
const result = await exportKpis(
  { campaigns: world.campaigns },
  { source: snapshotKpiSource(world), sink, clock },
);
const prefix = 'kpi/dt=2026-11-21/';

describe('KPI export', () => {
  it('writes every table as CSV (a folder each) and JSON plus the report under kpi/dt=<last day>/', () => {
    expect(result.range).toEqual({ from: '2026-10-23', to: '2026-11-21' });
    const expected = [
      ...EXPORT_TABLES.flatMap((t) => [`${prefix}${t.name}/${t.name}.csv`, `${prefix}${t.name}.json`]),
      `${prefix}${REPORT_FILE}`,
    ];
    expect([...sink.objects.keys()]).toEqual(expected);
    expect(result.keys).toEqual(expected);
    expect(EXPORT_TABLES.map((t) => t.name)).toEqual(
      expect.arrayContaining(['email-kpis', 'login-kpis', 'cs-kpis', 'health-by-tier']),
    );
    expect(sink.objects.get(`${prefix}email-kpis/email-kpis.csv`)?.contentType).toMatch(/^text\/csv/);
    expect(sink.objects.get(`${prefix}report.html`)?.contentType).toMatch(/^text\/html/);
  });

  it('matches each CSV to its declared columns and its JSON twin, row by row', () => {
    for (const table of EXPORT_TABLES) {
      const records = parseCsv(sink.body(csvKey('2026-11-21', table.name)));
      const [header, ...lines] = records;
      expect(header).toEqual(table.columns.map((c) => c.name));
      const doc = JSON.parse(sink.body(jsonKey('2026-11-21', table.name)));
      expect(doc).toMatchObject({ name: table.name, from: '2026-10-23', to: '2026-11-21' });
      expect(doc.rows).toHaveLength(lines.length);
      const schema = rowSchemaOf(table.columns);
      lines.forEach((line, i) => {
        const row = schema.parse(doc.rows[i]);
        table.columns.forEach((column, j) => {
          const value = row[column.name];
          const cell = line[j];
          if (value === null) expect(cell).toBe('');
          else if (column.type === 'double') expect(Number(cell)).toBeCloseTo(Number(value), 6);
          else expect(cell).toBe(String(value));
          if (column.type === 'double' && cell !== '') expect(cell).toMatch(/^-?\d+\.\d{6}$/);
          if (column.type === 'date') expect(cell).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        });
      });
    }
  });

  it('has rows for a realistic month and no NaN or Infinity anywhere', () => {
    expect(result.dataset.email.length).toBeGreaterThan(50);
    expect(result.dataset.login.filter((r) => r.step_id === '*').map((r) => r.campaign_id)).toEqual([
      'feature-release',
      'onboarding',
      'renewal',
    ]);
    const onboarding = result.dataset.login.find((r) => r.campaign_id === 'onboarding' && r.step_id === '*');
    expect(onboarding?.holdout).toBeGreaterThan(5);
    expect(onboarding?.p_value).not.toBeNull();
    for (const [key, object] of sink.objects) {
      expect(object.body, key).not.toMatch(/NaN|Infinity|undefined/);
    }
  });

  it('holds no email address or name of a contact, account or CSM: ids only', () => {
    const secrets = [
      ...world.contacts.flatMap((c) => [c.email, c.name]),
      ...world.accounts.flatMap((a) => [a.name, a.csmEmail ?? a.name]),
      ...world.npsResponses.flatMap((r) => (r.comment ? [r.comment] : [])),
    ];
    expect(secrets.length).toBeGreaterThan(400);
    for (const [key, object] of sink.objects) {
      // The report's stylesheet has an @media rule; outside it no "@" may appear.
      const text = object.body.replace(/<style>[^<]*<\/style>/, '');
      expect(text.includes('@'), `${key} contains "@"`).toBe(false);
      for (const secret of secrets) {
        if (object.body.includes(secret)) throw new Error(`${key} leaks "${secret}"`);
      }
    }
  });

  it('gives each CSV a folder that holds nothing else, so an Athena table over the folder reads one table', () => {
    const keys = [...sink.objects.keys()];
    for (const table of EXPORT_TABLES) {
      const folder = `${prefix}${table.name}/`;
      expect(keys.filter((key) => key.startsWith(folder))).toEqual([`${folder}${table.name}.csv`]);
    }
    // Nothing but folders of CSVs, the JSON documents and the report sits directly in the partition.
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      expect(rest, key).toMatch(/^(?:[a-z-]+\/[a-z-]+\.csv|[a-z-]+\.json|report\.html)$/);
    }
  });

  it('writes only the requested formats', async () => {
    const only = new InMemoryExportSink();
    await exportKpis({ formats: ['csv'] }, { source: snapshotKpiSource(world), sink: only, clock });
    expect([...only.objects.keys()].every((k) => k.endsWith('.csv'))).toBe(true);
    expect(only.objects.size).toBe(EXPORT_TABLES.length);
    const html = new InMemoryExportSink();
    await exportKpis(
      { formats: ['html'], to: '2026-11-10' },
      { source: snapshotKpiSource(world), sink: html, clock },
    );
    expect([...html.objects.keys()]).toEqual(['kpi/dt=2026-11-10/report.html']);
  });

  it('exports engagement per recipient by contact id', async () => {
    const out = new InMemoryExportSink();
    const recipients = await exportRecipients(
      { campaignId: 'onboarding' },
      { source: snapshotKpiSource(world), sink: out, clock },
    );
    expect(recipients.keys).toEqual([
      `${prefix}recipients-onboarding/recipients-onboarding.csv`,
      `${prefix}recipients-onboarding.json`,
    ]);
    const [header, ...lines] = parseCsv(out.body(`${prefix}recipients-onboarding/recipients-onboarding.csv`));
    expect(header).toEqual(RECIPIENT_COLUMNS.map((c) => c.name));
    expect(lines).toHaveLength(recipients.rows);
    const doc = JSON.parse(out.body(`${prefix}recipients-onboarding.json`));
    const schema = rowSchemaOf(RECIPIENT_COLUMNS);
    for (const row of doc.rows) schema.parse(row);
    const ids = doc.rows.map((r: { contact_id: string }) => r.contact_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.rows.some((r: { is_holdout: number }) => r.is_holdout === 1)).toBe(true);
    expect(doc.rows.some((r: { human_opens: number }) => r.human_opens > 0)).toBe(true);
    for (const object of out.objects.values()) expect(object.body).not.toContain('@');
    await expect(
      exportRecipients(
        { campaignId: 'onboarding', formats: ['html'] },
        { source: snapshotKpiSource(world), sink: out, clock },
      ),
    ).rejects.toThrow(KpiInputError);
  });
});

describe('export options', () => {
  it('defaults to the 30 days ending yesterday and validates dates', () => {
    expect(resolveRange(undefined, undefined, NOW)).toEqual({ from: '2026-10-23', to: '2026-11-21' });
    expect(resolveRange('2026-11-01', undefined, NOW)).toEqual({ from: '2026-11-01', to: '2026-11-21' });
    expect(resolveRange(undefined, '2026-02-28', NOW)).toEqual({ from: '2026-01-30', to: '2026-02-28' });
    expect(() => resolveRange('2026-02-30', undefined, NOW)).toThrow(
      /--from "2026-02-30" is not a calendar day/,
    );
    expect(() => resolveRange('2026-11-10', '2026-11-01', NOW)).toThrow(/after --to/);
    expect(() => resolveRange('2020-01-01', '2026-01-01', NOW)).toThrow(/shorter ranges/);
  });

  it('parses format lists', () => {
    expect(parseFormats(undefined)).toEqual(['csv', 'json', 'html']);
    expect(parseFormats('html, csv,html')).toEqual(['html', 'csv']);
    expect(() => parseFormats('xlsx')).toThrow(/unknown format "xlsx"/);
  });
});
