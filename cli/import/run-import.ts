import { RETENTION } from '../../functions/adapters/runtime-wiring.ts';
import {
  type ImportDeps,
  type ImportKind,
  type ImportRejection,
  type ImportResult,
  importAccounts,
  importContacts,
  importUsage,
} from '../../functions/app/import-records.ts';
import { connect } from '../connect.ts';
import type { ConnectionFlags } from '../options.ts';
import { checkHeader } from './columns.ts';
import { readCsvFile } from './csv-file.ts';
import { Progress, type ProgressOutput } from './progress.ts';
import { defaultRejectPath, rejectRows, writeRejectFile } from './reject-file.ts';
import { type Candidates, readRows } from './rows.ts';

/** What `lowtouch import` was asked to do. */
export interface ImportOptions extends ConnectionFlags {
  kind: ImportKind;
  file: string;
  /** reject file path (default `<file>.rejects.csv`) */
  rejects?: string;
  /** writes in flight at once */
  concurrency?: number;
}

/** Where the command writes: summary on stdout, progress on stderr; a clock for the rates. */
export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
  now: () => number;
}

/** The outcome of one import run. */
export interface ImportReport {
  exitCode: 0 | 2;
  total: number;
  imported: number;
  rejected: ImportRejection[];
  rejectFile: string | undefined;
  rollups: number;
  where: string;
}

async function importCandidates(candidates: Candidates, deps: ImportDeps): Promise<ImportResult> {
  switch (candidates.kind) {
    case 'accounts':
      return importAccounts(candidates.rows, deps);
    case 'contacts':
      return importContacts(candidates.rows, deps);
    case 'usage':
      return importUsage(candidates.rows, deps);
  }
}

/**
 * Imports one CSV file: checks the header (a bad one fails the whole file before anything is
 * written), validates every row, writes the good ones by id and the bad ones to the reject file.
 * Exit code 0 when every row was imported, 2 when some were rejected; file-level problems throw.
 */
export async function runImport(options: ImportOptions, io: CommandIo): Promise<ImportReport> {
  const table = await readCsvFile(options.file);
  const columns = checkHeader(options.kind, table.header, options.file);
  const { candidates, rejected: unreadable } = readRows(options.kind, columns, table.rows);
  const total = table.rows.length;
  const plane = await connect({
    db: options.db,
    create: true,
    ...(options.aws ? { aws: true } : {}),
    stackPrefix: options.stackPrefix,
    ...(options.region ? { region: options.region } : {}),
  });
  const progress = new Progress(`import ${options.kind}`, total, io.stderr, io.now);
  progress.advance(unreadable.length);
  let rollupProgress: Progress | undefined;
  let result: ImportResult;
  try {
    result = await importCandidates(candidates, {
      accounts: plane.repos.accounts,
      contacts: plane.repos.contacts,
      usage: plane.repos.usage,
      clock: { now: io.now },
      retentionDays: RETENTION.usageDays,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      onProgress: (rows) => progress.advance(rows),
      onRollupProgress: (done, of) => {
        if (!rollupProgress) {
          progress.finish();
          rollupProgress = new Progress('usage rollups', of, io.stderr, io.now, 'contacts');
        }
        rollupProgress.update(done);
      },
    });
  } finally {
    progress.finish();
    rollupProgress?.finish();
    await plane.stop();
  }
  const rejected = [...unreadable, ...result.rejected].sort((a, b) => a.line - b.line);
  const rejectPath = options.rejects ?? defaultRejectPath(options.file);
  const written = await writeRejectFile(rejectPath, rejectRows(table.header, table.rows, rejected));
  const noun = options.kind === 'usage' ? 'usage rows' : options.kind;
  const lines = [`imported ${result.imported} of ${total} ${noun} into ${plane.where}`];
  if (result.rollups > 0) lines.push(`recomputed the usage rollups of ${result.rollups} contact(s)`);
  if (rejected.length > 0)
    lines.push(`rejected ${rejected.length} row(s); reasons and line numbers are in ${rejectPath}`);
  else lines.push('rejected none');
  if (written === 'removed') lines.push(`removed the reject file of an earlier run at ${rejectPath}`);
  io.stdout.write(`${lines.join('\n')}\n`);
  return {
    exitCode: rejected.length > 0 ? 2 : 0,
    total,
    imported: result.imported,
    rejected,
    rejectFile: rejected.length > 0 ? rejectPath : undefined,
    rollups: result.rollups,
    where: plane.where,
  };
}
