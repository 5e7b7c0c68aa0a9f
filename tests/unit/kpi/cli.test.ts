import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runKpiCommand, runKpiRecipientsCommand, snapshotSourceFromFile } from '../../../cli/commands/kpi.ts';
import { buildProgram } from '../../../cli/main.ts';
import { InMemoryExportSink } from '../../../functions/adapters/memory/export-sink.ts';
import { KpiInputError, snapshotKpiSource } from '../../../functions/app/export-kpis.ts';
import { EXPORT_TABLES } from '../../../functions/core/kpi/exports.ts';
import { generateKpiFixture } from './helpers/fixtures.ts';

const NOW = Date.parse('2026-11-22T06:00:00Z');

describe('lowtouch kpi', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('runs against any source and sink (the local runtime wires the tables)', async () => {
    const sink = new InMemoryExportSink();
    const result = await runKpiCommand(
      { from: '2026-11-01', to: '2026-11-21', format: 'csv,html', now: NOW },
      snapshotKpiSource(generateKpiFixture()),
      sink,
    );
    expect(result.range).toEqual({ from: '2026-11-01', to: '2026-11-21' });
    // one CSV per table, and the report
    expect(result.keys).toHaveLength(EXPORT_TABLES.length + 1);
    expect(result.summary).toMatch(
      new RegExp(
        `^${EXPORT_TABLES.length + 1} file\\(s\\) for 2026-11-01\\.\\.2026-11-21: \\d+ email\\(s\\) sent, 3 campaign`,
      ),
    );
    await expect(
      runKpiCommand({ period: 'year', now: NOW }, snapshotKpiSource(generateKpiFixture()), sink),
    ).rejects.toThrow(/--period "year" is unknown/);
    const recipients = await runKpiRecipientsCommand(
      { campaign: 'feature-release', now: NOW },
      snapshotKpiSource(generateKpiFixture()),
      sink,
    );
    expect(recipients.keys).toEqual([
      'kpi/dt=2026-11-21/recipients-feature-release/recipients-feature-release.csv',
      'kpi/dt=2026-11-21/recipients-feature-release.json',
    ]);
  });

  it('reads a snapshot file and explains a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lowtouch-kpi-cli-'));
    dirs.push(dir);
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ sends: [{ sendId: 1 }] }));
    await expect(snapshotSourceFromFile(join(dir, 'bad.json'))).rejects.toThrow(/sends\.0\.sendId/);
    await writeFile(join(dir, 'broken.json'), '{');
    await expect(snapshotSourceFromFile(join(dir, 'broken.json'))).rejects.toThrow(/is not JSON/);
    await expect(snapshotSourceFromFile(join(dir, 'missing.json'))).rejects.toThrow(KpiInputError);
  });

  it('is registered with help, and writes files from --data into --out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lowtouch-kpi-cli-'));
    dirs.push(dir);
    const data = join(dir, 'snapshot.json');
    await writeFile(data, JSON.stringify(generateKpiFixture({ accounts: 6 })));
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    const program = buildProgram();
    const kpi = program.commands.find((c) => c.name() === 'kpi');
    expect(kpi?.helpInformation()).toMatch(/--from <YYYY-MM-DD>[\s\S]*--out <dir>[\s\S]*--format <list>/);
    expect(kpi?.commands.map((c) => c.name())).toEqual(['recipients']);
    await program.parseAsync(
      ['kpi', '--data', data, '--from', '2026-11-01', '--to', '2026-11-21', '--format', 'json', '--out', dir],
      { from: 'user' },
    );
    const files = await readdir(join(dir, 'kpi', 'dt=2026-11-21'));
    expect(files.sort()).toEqual(
      [
        'cs-kpis.json',
        'email-kpis.json',
        'experiment-kpis.json',
        'feature-usage.json',
        'health-by-tier.json',
        'login-kpis.json',
        'onboarding-funnel.json',
        'onboarding-kpis.json',
        'revenue-kpis.json',
      ].sort(),
    );
    expect(out.join('')).toContain(`wrote ${dir}/kpi/dt=2026-11-21/email-kpis.json`);
    await buildProgram().parseAsync(
      ['kpi', 'recipients', '--campaign', 'onboarding', '--data', data, '--out', dir, '--to', '2026-11-21'],
      {
        from: 'user',
      },
    );
    const csv = await readFile(
      join(dir, 'kpi', 'dt=2026-11-21', 'recipients-onboarding', 'recipients-onboarding.csv'),
      'utf8',
    );
    expect(csv.startsWith('contact_id,account_id,campaign_id,is_holdout')).toBe(true);
  });
});
