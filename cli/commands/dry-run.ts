import type { Command } from 'commander';
import type { DataClock } from '../../functions/adapters/data-clock.ts';
import { dryRun } from '../../functions/app/dry-run.ts';
import { connect } from '../connect.ts';
import { loadProgramOrThrow } from '../local-runtime.ts';
import { instantOption, intOption, table } from '../options.ts';

interface DryRunFlags {
  at?: number;
  campaign?: string;
  sample: number;
  json?: boolean;
  aws?: boolean;
  db: string;
  stackPrefix: string;
  region?: string;
  dir: string;
  templates: string;
}

/** Says which state the plan evaluates: the stored contacts as they are now, not as they were at --at. */
export function stateNote(dataClock: DataClock | undefined, at: number): string {
  const iso = new Date(at).toISOString();
  if (!dataClock)
    return `it evaluates the contacts, accounts and plan state as stored now, at the moment ${iso}`;
  const asOf = new Date(dataClock.at).toISOString();
  if (dataClock.at === at)
    return `it evaluates the data as of ${asOf}, its last simulated instant (${dataClock.source})`;
  return `it evaluates the data as of ${asOf}, its last simulated instant (${dataClock.source}), as if it were ${iso}: the stored state is the end state, not the state at ${iso}`;
}

/** `lowtouch dry-run`: who would get what at one moment; reads only. */
export function registerDryRun(program: Command): void {
  program
    .command('dry-run')
    .description(
      'Plan every contact at one moment exactly as an hourly tick would, and show who would get what: counts per campaign, step, variant and decision (send, holdout, enroll, exit, skip with its reason) and a sample of contact ids. Writes nothing.',
    )
    .option(
      '--at <instant>',
      'the moment to plan for (default: now, or the last simulated instant of demo data), e.g. 2026-12-09T01:00:00Z',
      instantOption('--at'),
    )
    .option('--campaign <id>', 'only this campaign')
    .option('--sample <n>', 'contact ids to show per row', intOption('--sample', 0, 100), 3)
    .option('--json', 'print JSON instead of a table')
    .option('--aws', 'read the deployed stack (default AWS credentials) instead of the local data')
    .option(
      '--db <dir>',
      'local data directory (left by `lowtouch demo` or `lowtouch import`)',
      '.lowtouch/db',
    )
    .option(
      '--stack-prefix <prefix>',
      'deployed stacks are <prefix>-Stateful and <prefix>-Stateless',
      'Lowtouch',
    )
    .option('--region <region>', 'AWS region of the deployed stacks')
    .option('--dir <campaigns dir>', 'the campaigns directory', 'campaigns')
    .option('--templates <dir>', 'the templates directory', 'templates')
    .action(async (flags: DryRunFlags) => {
      const loaded = await loadProgramOrThrow(flags.dir, flags.templates);
      const plane = await connect({
        db: flags.db,
        ...(flags.aws ? { aws: true } : {}),
        stackPrefix: flags.stackPrefix,
        ...(flags.region ? { region: flags.region } : {}),
      });
      try {
        const result = await dryRun(
          {
            at: flags.at ?? plane.clock.now(),
            sampleSize: flags.sample,
            ...(flags.campaign ? { campaignId: flags.campaign } : {}),
          },
          { program: loaded, contacts: plane.repos.contacts, accounts: plane.repos.accounts },
        );
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify(
              {
                ...result,
                at: new Date(result.at).toISOString(),
                stateAsOf: plane.dataClock ? new Date(plane.dataClock.at).toISOString() : 'now',
              },
              null,
              2,
            )}\n`,
          );
          return;
        }
        process.stdout.write(
          `dry run at ${new Date(result.at).toISOString()} over ${result.contacts} contacts (${plane.where}); nothing was written\n`,
        );
        process.stdout.write(`${stateNote(plane.dataClock, result.at)}\n\n`);
        if (result.rows.length === 0) process.stdout.write('no campaign has anything to do at that moment\n');
        else
          process.stdout.write(
            `${table(
              ['campaign', 'step', 'variant', 'decision', 'reason', 'contacts', 'sample'],
              result.rows.map((r) => [
                r.campaignId,
                r.stepId || '-',
                r.variantId || '-',
                r.decision,
                r.reason || '-',
                r.contacts,
                r.sample.join(' '),
              ]),
            )}\n`,
          );
        if (result.contactsWithoutAccount > 0)
          process.stdout.write(
            `\n${result.contactsWithoutAccount} contact(s) skipped: their account is missing\n`,
          );
      } finally {
        await plane.stop();
      }
    });
}
