import type { Command } from 'commander';
import { runReplay } from '../import/run-replay.ts';
import { addConnectionOptions, connectionFlagsOf, intOption } from '../options.ts';

/** `lowtouch events replay <file.jsonl>`: feeds archived SES event records through the tracker. */
export function registerEvents(program: Command): void {
  const events = program
    .command('events')
    .description('Work with SES email events (opens, clicks, bounces …) outside the event queue.');
  const replay = events
    .command('replay')
    .description(
      'Feed archived SES event records through the tracker, as the events queue would: one JSON object per line, either the EventBridge envelope (as archived from the events queue or its DLQ, also inside an SQS message Body) or a bare SES record with eventType and mail. Replaying is idempotent: a second run counts only duplicates. Unreadable lines go to <file>.rejects.jsonl with their line number and reason.',
    )
    .argument('<file>', 'a JSONL file of SES event records')
    .option('--rejects <file>', 'where to write unreadable lines (default: <file>.rejects.jsonl)')
    .option(
      '--concurrency <n>',
      'mails replayed at once; events of one mail stay in order',
      intOption('--concurrency', 1, 64),
      8,
    );
  addConnectionOptions(replay)
    .addHelpText(
      'after',
      '\nOutcomes: recorded (applied to its send), duplicate (already applied), orphan (no send has that\nmessage id), failed (the tracker threw; replaying again is safe).\nExit code: 0 every line tracked, 2 some lines rejected or failed, 1 the file could not be read.',
    )
    .action(async (file: string, raw: Record<string, unknown>) => {
      const report = await runReplay(
        {
          file,
          ...connectionFlagsOf(raw),
          ...(typeof raw.rejects === 'string' ? { rejects: raw.rejects } : {}),
          ...(typeof raw.concurrency === 'number' ? { concurrency: raw.concurrency } : {}),
        },
        { stdout: process.stdout, stderr: process.stderr, now: () => Date.now() },
      );
      process.exitCode = report.exitCode;
    });
}
