import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { DataClock } from '../../functions/adapters/data-clock.ts';
import { DirectoryExportSink } from '../../functions/adapters/export-sink-dir.ts';
import { formatProgramErrors, loadProgramFromDir } from '../../functions/adapters/program-files.ts';
import {
  campaignInfoOf,
  type ExportSink,
  exportKpis,
  exportRecipients,
  KpiInputError,
  type KpiSource,
  parseFormats,
  snapshotKpiSource,
} from '../../functions/app/export-kpis.ts';
import type { DayRange, PeriodKind } from '../../functions/core/kpi/dates.ts';
import { type CampaignInfo, KpiSnapshot } from '../../functions/core/kpi/inputs.ts';
import { connect } from '../connect.ts';

/** Options of `lowtouch kpi`, as the command line gives them (also what the demo passes). */
export interface KpiCommandOptions {
  from?: string;
  to?: string;
  /** csv, json, html, a comma list, or undefined for all three */
  format?: string;
  /** week, month or auto (default) */
  period?: string;
  /** campaigns' kinds and step order (for the onboarding funnel); read from --dir by the command */
  campaigns?: readonly CampaignInfo[];
  /** the instant the export pretends it is, epoch ms (default: now) */
  now?: number;
}

/** What a KPI command wrote. */
export interface KpiCommandResult {
  range: DayRange;
  keys: string[];
  summary: string;
}

function periodOf(text: string | undefined): PeriodKind | 'auto' {
  if (text === undefined || text === 'auto' || text === 'week' || text === 'month') return text ?? 'auto';
  throw new KpiInputError(`--period "${text}" is unknown; use week, month or auto`);
}

/** Runs `lowtouch kpi` against any KpiSource and ExportSink (the local runtime wires the emulators' tables). */
export async function runKpiCommand(
  opts: KpiCommandOptions,
  source: KpiSource,
  sink: ExportSink,
): Promise<KpiCommandResult> {
  const now = opts.now ?? Date.now();
  const result = await exportKpis(
    {
      ...(opts.from ? { from: opts.from } : {}),
      ...(opts.to ? { to: opts.to } : {}),
      formats: parseFormats(opts.format),
      period: periodOf(opts.period),
      campaigns: opts.campaigns ?? [],
    },
    { source, sink, clock: { now: () => now } },
  );
  const sent = result.dataset.email.reduce((sum, row) => sum + row.sent, 0);
  const summary = `${result.keys.length} file(s) for ${result.range.from}..${result.range.to}: ${sent} email(s) sent, ${result.dataset.login.filter((r) => r.step_id === '*').length} campaign(s) with login KPIs`;
  return { range: result.range, keys: result.keys, summary };
}

/** Runs `lowtouch kpi recipients --campaign id` against any KpiSource and ExportSink. */
export async function runKpiRecipientsCommand(
  opts: KpiCommandOptions & { campaign: string },
  source: KpiSource,
  sink: ExportSink,
): Promise<KpiCommandResult> {
  const now = opts.now ?? Date.now();
  const result = await exportRecipients(
    {
      campaignId: opts.campaign,
      ...(opts.from ? { from: opts.from } : {}),
      ...(opts.to ? { to: opts.to } : {}),
      formats: opts.format ? parseFormats(opts.format) : ['csv', 'json'],
    },
    { source, sink, clock: { now: () => now } },
  );
  const summary = `${result.rows} recipient(s) of ${opts.campaign} for ${result.range.from}..${result.range.to}`;
  return { range: result.range, keys: result.keys, summary };
}

/** Reads a KPI snapshot file (the JSON shape of KpiSnapshot) into a KpiSource. */
export async function snapshotSourceFromFile(path: string): Promise<KpiSource> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KpiInputError(`cannot read --data ${path}; check the path`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KpiInputError(`--data ${path} is not JSON; it must hold a KPI snapshot object`, {
      cause: error,
    });
  }
  const parsed = KpiSnapshot.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new KpiInputError(
      `--data ${path} is not a KPI snapshot: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}; see docs/kpis.md for the shape`,
    );
  }
  return snapshotKpiSource(parsed.data);
}

/** How the command finds its data when no --data file is given (the local runtime passes one). */
export interface KpiWiring {
  openSource?: () => Promise<KpiSource>;
}

interface RawOptions {
  aws?: boolean;
  db: string;
  stackPrefix: string;
  region?: string;
  from?: string;
  to?: string;
  format?: string;
  period?: string;
  out: string;
  data?: string;
  dir: string;
  campaign?: string;
}

async function campaignsFrom(dir: string): Promise<CampaignInfo[]> {
  const { program, errors } = await loadProgramFromDir(dir);
  if (program && errors.length === 0) return campaignInfoOf(program);
  process.stderr.write(
    `note: campaigns in ${dir} did not load, so onboarding campaigns are found by id and step order is inferred\n${formatProgramErrors(errors)}\n`,
  );
  return [];
}

/** A snapshot file, an injected source, or the tables: the local data (`--db`) or a deployed stack (`--aws`). */
async function openSource(
  raw: RawOptions,
  wiring: KpiWiring,
): Promise<{ source: KpiSource; close: () => Promise<void>; dataClock?: DataClock }> {
  const nothing = async () => {};
  if (raw.data) return { source: await snapshotSourceFromFile(raw.data), close: nothing };
  if (wiring.openSource) return { source: await wiring.openSource(), close: nothing };
  const plane = await connect({
    db: raw.db,
    stackPrefix: raw.stackPrefix,
    ...(raw.aws ? { aws: true } : {}),
    ...(raw.region ? { region: raw.region } : {}),
  });
  return {
    source: plane.kpiSource,
    close: plane.stop,
    ...(plane.dataClock ? { dataClock: plane.dataClock } : {}),
  };
}

/**
 * Local data from a simulation is read at its own clock (the last simulated instant), and without
 * --from/--to the range is the simulated days, so `lowtouch kpi` reproduces the demo's own export.
 */
function dataClockDefaults(raw: RawOptions, dataClock: DataClock | undefined): KpiCommandOptions {
  if (!dataClock) return {};
  const defaults: KpiCommandOptions = { now: dataClock.at };
  if (raw.from === undefined && raw.to === undefined && dataClock.since !== undefined) {
    defaults.from = new Date(dataClock.since).toISOString().slice(0, 10);
    defaults.to = new Date(dataClock.at - 1).toISOString().slice(0, 10);
  }
  return defaults;
}

/** Opens the source, runs one export into --out, prints what was written and closes the source. */
async function exportWith(
  program: Command,
  raw: RawOptions,
  wiring: KpiWiring,
  run: (
    source: KpiSource,
    sink: ExportSink,
    defaults: KpiCommandOptions,
  ) => Promise<{ keys: string[]; summary: string }>,
): Promise<void> {
  const { source, close, dataClock } = await openSource(raw, wiring);
  try {
    if (dataClock)
      process.stdout.write(
        `reading the local data as of ${new Date(dataClock.at).toISOString()}, its last simulated instant (${dataClock.source})\n`,
      );
    const result = await run(source, new DirectoryExportSink(raw.out), dataClockDefaults(raw, dataClock));
    for (const key of result.keys) process.stdout.write(`wrote ${raw.out}/${key}\n`);
    process.stdout.write(`${result.summary}\n`);
  } catch (error) {
    if (error instanceof KpiInputError) program.error(`error: ${error.message}`);
    throw error;
  } finally {
    await close();
  }
}

/** --from and --to when the user gave them (they win over the data clock's range). */
function given(raw: RawOptions): KpiCommandOptions {
  return { ...(raw.from ? { from: raw.from } : {}), ...(raw.to ? { to: raw.to } : {}) };
}

function addSharedOptions(command: Command): Command {
  return command
    .option('--from <YYYY-MM-DD>', 'first day of the range (default: 29 days before --to)')
    .option('--to <YYYY-MM-DD>', 'last day of the range (default: yesterday, UTC)')
    .option('--out <dir>', 'output directory; files go to <dir>/kpi/dt=<to>/', 'out')
    .option('--data <file>', 'read inputs from a KPI snapshot JSON file instead of the tables')
    .option(
      '--db <dir>',
      'local data directory (left by `lowtouch demo` or `lowtouch import`)',
      '.lowtouch/db',
    )
    .option('--aws', 'read the deployed stack (default AWS credentials) instead of the local data')
    .option(
      '--stack-prefix <prefix>',
      'deployed stacks are <prefix>-Stateful and <prefix>-Stateless',
      'Lowtouch',
    )
    .option('--region <region>', 'AWS region of the deployed stacks');
}

/** `lowtouch kpi` and `lowtouch kpi recipients`: KPI exports as CSV, JSON and a self-contained HTML report. */
export function registerKpi(program: Command, wiring: KpiWiring = {}): void {
  const kpi = addSharedOptions(
    program
      .command('kpi')
      .description(
        'Export KPIs (email, login lift over holdout, onboarding, health by tier, NPS, churn, ARPU, LTV) as CSV, JSON and an HTML report under <out>/kpi/dt=<to>/. Ids only, no names or addresses.',
      ),
  )
    .option('--format <list>', 'csv, json, html, or a comma list such as csv,html (default: all)')
    .option('--period <kind>', 'period of cs-kpis and revenue-kpis: week, month or auto', 'auto')
    .option('--dir <campaigns dir>', 'campaigns directory, for campaign kinds and step order', 'campaigns')
    // Options after `recipients` belong to it, not to `kpi`.
    .enablePositionalOptions()
    .addHelpText(
      'after',
      `
Tables: email-kpis, login-kpis, onboarding-kpis, onboarding-funnel, feature-usage,
health-by-tier, cs-kpis, revenue-kpis. Each is written as <table>/<table>.csv (a folder per CSV,
which is what Athena reads) and <table>.json, next to report.html. Formulas: docs/kpis.md.

Examples:
  lowtouch kpi --from 2026-12-01 --to 2026-12-30          (the local data npm start leaves)
  lowtouch kpi --aws --stack-prefix Lowtouch --format csv    (a deployed stack)
  lowtouch kpi --data snapshot.json
  lowtouch kpi --from 2026-10-01 --to 2026-10-31 --format csv,html --out out
  lowtouch kpi recipients --campaign onboarding --data snapshot.json`,
    )
    .action(async (raw: RawOptions) => {
      await exportWith(program, raw, wiring, async (source, sink, defaults) =>
        runKpiCommand(
          { ...raw, ...defaults, ...given(raw), campaigns: await campaignsFrom(raw.dir) },
          source,
          sink,
        ),
      );
    });

  addSharedOptions(
    kpi
      .command('recipients')
      .description('Export engagement per recipient of one campaign, by contact id (CSV and JSON).')
      .requiredOption('--campaign <id>', 'campaign id, e.g. onboarding'),
  )
    .option('--format <list>', 'csv, json or csv,json (default: both)')
    .action(async (_local: RawOptions, command: Command) => {
      // `kpi --data x recipients …` puts --data on the parent; merge both levels.
      const raw = command.optsWithGlobals<RawOptions>();
      await exportWith(program, raw, wiring, (source, sink, defaults) =>
        runKpiRecipientsCommand(
          { ...raw, ...defaults, ...given(raw), campaign: raw.campaign ?? '' },
          source,
          sink,
        ),
      );
    });
}
