import { Argument, type Command } from 'commander';
import { IMPORT_KINDS, isImportKind } from '../../functions/app/import-records.ts';
import { COLUMNS } from '../import/columns.ts';
import { ImportFileError } from '../import/csv-file.ts';
import { runImport } from '../import/run-import.ts';
import { addConnectionOptions, connectionFlagsOf, intOption } from '../options.ts';

function columnsHelp(): string {
  const lines = ['', 'Columns (* required; empty cells take the default; see docs/cli.md):'];
  for (const kind of IMPORT_KINDS)
    lines.push(`  ${kind}: ${COLUMNS[kind].map((c) => (c.required ? `${c.name}*` : c.name)).join(', ')}`);
  lines.push(
    '',
    'Lists are ";"-separated (topicOptOuts: a;b), feature counts are name=count;… , times are ISO 8601',
    '(a bare YYYY-MM-DD means 00:00 UTC), booleans are true/false. Import accounts, then contacts, then usage.',
    'Exit code: 0 every row imported, 2 some rows rejected (see the reject file), 1 the file could not be read.',
  );
  return lines.join('\n');
}

/** `lowtouch import accounts|contacts|usage <file.csv>`: validated, idempotent bulk loads with a reject file. */
export function registerImport(program: Command): void {
  const command = program
    .command('import')
    .description(
      'Load accounts, contacts or daily usage from a CSV file with a header row. Every row is validated; bad rows go to a reject file with their line number and the reason, good rows are written by id (importing the same file again changes nothing). Stored opt-outs and suppressions are never loosened.',
    )
    .addArgument(new Argument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
    .argument('<file>', 'the CSV file')
    .option('--rejects <file>', 'where to write rejected rows (default: <file>.rejects.csv)')
    .option('--concurrency <n>', 'writes in flight at once', intOption('--concurrency', 1, 128), 16);
  addConnectionOptions(command)
    .addHelpText('after', columnsHelp())
    .action(async (kind: string, file: string, raw: Record<string, unknown>) => {
      if (!isImportKind(kind))
        throw new ImportFileError(`unknown kind "${kind}"; use one of ${IMPORT_KINDS.join(', ')}`);
      const report = await runImport(
        {
          kind,
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
