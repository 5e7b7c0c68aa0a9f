import type { Command } from 'commander';
import type { SendRecord } from '../../functions/core/sending/send.ts';
import { parseChaos } from '../chaos.ts';
import { runDemo } from '../demo/run-demo.ts';
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
      out.write('\n');
      out.write(
        `${table(
          [
            'campaign',
            'sent',
            'holdout',
            'skipped',
            'unknown/failed',
            'opens',
            'machine opens',
            'clicks',
            'unsubscribed',
            'bounced/complained',
            'csm alerts',
          ],
          summaryRows(result.sends),
        )}\n\n`,
      );
      const l = result.ledger.summary;
      out.write(
        `ledger: ${l.intended} intended emails, ${l.ok} delivered once, ${l.duplicates} duplicates, ${l.missing} missing, ${l.unknownOutcomes} unknown outcomes, ${l.failed} failed, ${l.pending} still queued; ${l.digests} CSM digests; ${l.ineligible} sent before sign-up or account start, or after churn\n`,
      );
      const breaker = await result.runtime.repos.state.get();
      if (breaker.paused)
        out.write(
          `sending is PAUSED by the reputation breaker since ${breaker.since ?? '?'}: ${breaker.reason ?? 'no reason recorded'}\n`,
        );
      out.write(
        `simulated: ${result.counts.ticks} hourly ticks, ${result.counts.sesEvents} SES events, ${result.counts.usageEvents} usage events, ${result.counts.unsubscribes} one-click unsubscribes, ${result.counts.ctas} CTAs\n`,
      );
      out.write(`KPIs: ${flags.out}/kpi/ (${result.files.kpi.length} files, open the report.html)\n`);
      out.write(`emulator store: ${result.files.store}\nledger: ${result.files.ledger}\n`);
      if (!flags.serve) {
        await result.runtime.stop();
        return;
      }
      out.write(`\nEvery sent mail: ${result.runtime.emulators.sesUiUrl}  (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await result.runtime.stop();
    });
}
