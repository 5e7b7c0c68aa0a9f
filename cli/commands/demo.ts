import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { SendRecord } from '../../functions/core/sending/send.ts';
import { parseChaos } from '../chaos.ts';
import { type DemoResult, runDemo } from '../demo/run-demo.ts';
import { instantOption, intOption, table } from '../options.ts';

interface DemoFlags {
  days: number;
  contacts: number;
  seed: number;
  start: number;
  out: string;
  serve: boolean;
  chaos?: string;
  db: string;
  dynamoPort?: number;
  sesPort?: number;
  dir: string;
  templates: string;
}

/** Per-campaign summary rows from the send records. */
export function summaryRows(sends: readonly SendRecord[]): (string | number)[][] {
  const byCampaign = new Map<string, SendRecord[]>();
  for (const send of sends)
    byCampaign.set(send.campaignId, [...(byCampaign.get(send.campaignId) ?? []), send]);
  const rows: (string | number)[][] = [];
  for (const [campaign, list] of [...byCampaign].sort(([a], [b]) => a.localeCompare(b))) {
    const emails = list.filter((s) => s.channel === 'email');
    const count = (pred: (s: SendRecord) => boolean) => emails.filter(pred).length;
    rows.push([
      campaign,
      count((s) => s.status === 'sent'),
      count((s) => s.status === 'skipped' && s.reason === 'holdout'),
      count((s) => s.status === 'skipped' && s.reason !== 'holdout'),
      count((s) => s.status === 'unknown' || s.status === 'failed'),
      count((s) => s.firstOpenAt !== undefined),
      count((s) => s.firstMachineOpenAt !== undefined),
      count((s) => s.firstClickAt !== undefined),
      count((s) => s.unsubscribedAt !== undefined),
      count((s) => s.bouncedAt !== undefined || s.complainedAt !== undefined),
      list.filter((s) => s.channel === 'csm-alert').length,
    ]);
  }
  return rows;
}

/** Summary columns, short enough for an 80-column terminal; the legend spells them out. */
const SUMMARY_HEADER = [
  'campaign',
  'sent',
  'held',
  'skip',
  'fail',
  'open',
  'mpp',
  'click',
  'unsub',
  'bnc',
  'csm',
];
const SUMMARY_LEGEND =
  'held = holdout (not sent), skip = skipped, fail = unknown outcome or failed, open = human opens, mpp = machine opens (Apple MPP-like), bnc = bounced or complained, csm = CSM alerts';

/** Wraps prose at `width` columns, indenting continuation lines. */
export function wrap(text: string, width = 80, indent = '  '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith('..') || isAbsolute(rel) ? resolve(path) : rel;
}

/** What the demo prints when it is done: under 80 columns, ending with the paths and URLs to open. */
export function demoSummary(
  result: DemoResult,
  breaker: { paused: boolean; since?: string; reason?: string },
  serving: boolean,
): string {
  const l = result.ledger.summary;
  const c = result.counts;
  const parts = [
    table(SUMMARY_HEADER, summaryRows(result.sends)),
    wrap(SUMMARY_LEGEND),
    '',
    wrap(
      `ledger: ${l.intended} intended emails, ${l.ok} delivered once, ${l.duplicates} duplicates, ${l.missing} missing, ${l.unknownOutcomes} unknown outcomes, ${l.failed} failed, ${l.pending} still queued; ${l.digests} CSM digests; ${l.ineligible} sent before sign-up or account start, or after churn`,
    ),
    wrap(
      `simulated: ${c.ticks} hourly ticks, ${c.sesEvents} SES events, ${c.usageEvents} usage events, ${c.unsubscribes} one-click unsubscribes, ${c.ctas} CTAs`,
    ),
  ];
  if (breaker.paused)
    parts.push(
      wrap(
        `sending is PAUSED by the reputation breaker since ${breaker.since ?? '?'}: ${breaker.reason ?? 'no reason recorded'}`,
      ),
    );
  const open = [
    [
      'KPI report',
      result.files.report ? shown(result.files.report) : `${result.files.kpi.length} KPI files, no report`,
    ],
    ['outbox', shown(result.files.outbox)],
    ['ledger', shown(result.files.ledger)],
    ['SES store', shown(result.files.store)],
  ];
  if (serving) open.push(['SES web UI', `${result.runtime.emulators.sesUiUrl}  (Ctrl-C to stop)`]);
  else open.push(['SES web UI', 'not served (--no-serve)']);
  // A long path goes on its own line under its label, so the label column still fits 80 columns.
  const openLines = open.map(([label = '', where = '']) =>
    2 + 11 + where.length <= 80 ? `  ${label.padEnd(11)}${where}` : `  ${label}\n    ${where}`,
  );
  parts.push('', 'Open:', ...openLines);
  return parts.join('\n');
}

/** `lowtouch demo` (what `npm start` runs). */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Simulate a month of campaigns on in-process DynamoDB and SES emulators: seed demo customers, run hourly ticks on a virtual clock, let simulated recipients open, click and log in, run the nightly health job, export KPIs to <out>/kpi/, and serve the SES emulator web UI with every sent mail.',
    )
    .option('--days <n>', 'simulated days', intOption('--days', 1, 365), 30)
    .option(
      '--contacts <n>',
      'demo contacts (about 10 per account)',
      intOption('--contacts', 10, 100_000),
      500,
    )
    .option(
      '--seed <n>',
      'random seed; the same seed gives the same run',
      intOption('--seed', 0, 2 ** 31),
      42,
    )
    .option(
      '--start <date>',
      'first simulated day (UTC)',
      instantOption('--start'),
      Date.parse('2026-12-01T00:00:00Z'),
    )
    .option('--out <dir>', 'where KPIs, ses-store.json and ledger.json go', 'out')
    .option('--no-serve', 'exit when done instead of serving the mail UI until Ctrl-C')
    .option(
      '--chaos <faults>',
      'inject faults: duplicate-delivery,ses-throttle=0.3,crash-after-claim=0.02,crash-after-send=0.02',
    )
    .option(
      '--db <dir>',
      'dynalite data directory, wiped at start so other commands can read the run afterwards; "memory" keeps nothing',
      '.lowtouch/db',
    )
    .option(
      '--dynamo-port <port>',
      'fixed DynamoDB emulator port (default: a free one)',
      intOption('--dynamo-port', 1, 65535),
    )
    .option(
      '--ses-port <port>',
      'fixed SES emulator port, e.g. 8005 (default: a free one)',
      intOption('--ses-port', 1, 65535),
    )
    .option('--dir <campaigns dir>', 'the campaigns directory', 'campaigns')
    .option('--templates <dir>', 'the templates directory', 'templates')
    .action(async (flags: DemoFlags) => {
      const chaos = parseChaos(flags.chaos);
      const interactive = process.stderr.isTTY;
      const started = Date.now();
      const result = await runDemo({
        days: flags.days,
        contacts: flags.contacts,
        seed: flags.seed,
        start: flags.start,
        out: flags.out,
        chaos,
        campaignsDir: flags.dir,
        templatesDir: flags.templates,
        ...(flags.db === 'memory' ? {} : { dbPath: flags.db }),
        ...(flags.dynamoPort !== undefined ? { dynamoPort: flags.dynamoPort } : {}),
        ...(flags.sesPort !== undefined ? { sesPort: flags.sesPort } : {}),
        progress: (line, done) => {
          const elapsed = `${((Date.now() - started) / 1000).toFixed(0)}s`;
          if (interactive) process.stderr.write(`\r\x1b[2K${line}  (${elapsed})${done ? '\n' : ''}`);
          else process.stderr.write(`${line}  (${elapsed})\n`);
        },
      });
      const out = process.stdout;
      const breaker = await result.runtime.repos.state.get();
      out.write(`\n${demoSummary(result, breaker, flags.serve)}\n`);
      if (!flags.serve) {
        await result.runtime.stop();
        return;
      }
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await result.runtime.stop();
    });
}
