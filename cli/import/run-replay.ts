import { readFile, writeFile } from 'node:fs/promises';
import { trackerDeps } from '../../functions/adapters/runtime-wiring.ts';
import { forEachLimited } from '../../functions/app/import-records.ts';
import { recordEmailEvent, type TrackerDeps } from '../../functions/app/record-email-event.ts';
import { parseGuardedJson } from '../../functions/core/shared/input-guards.ts';
import type { SesEventBridgeEvent } from '../../functions/core/tracking/ses-events.ts';
import { connect } from '../connect.ts';
import { type ConnectionFlags, table } from '../options.ts';
import { ImportFileError } from './csv-file.ts';
import { readEventLines } from './event-lines.ts';
import { Progress } from './progress.ts';
import { removeStale } from './reject-file.ts';
import type { CommandIo } from './run-import.ts';

/** What `lowtouch events replay` was asked to do. */
export interface ReplayOptions extends ConnectionFlags {
  file: string;
  /** reject file path (default `<file>.rejects.jsonl`) */
  rejects?: string;
  /** mails replayed at once (events of one mail always go in file order) */
  concurrency?: number;
}

/** How one line ended. */
export type ReplayOutcome = 'recorded' | 'duplicate' | 'orphan' | 'failed';
const OUTCOMES: readonly ReplayOutcome[] = ['recorded', 'duplicate', 'orphan', 'failed'];

/** A line that was not tracked: unreadable, or the tracker failed on it. */
export interface ReplayRejection {
  line: number;
  kind: 'unreadable' | 'failed';
  reason: string;
  /** the line as parsed JSON, or its text when it is not JSON */
  record: unknown;
}

/** Counts per event type and outcome, plus the lines that were not tracked. */
export interface ReplayReport {
  exitCode: 0 | 2;
  lines: number;
  counts: Record<string, Record<ReplayOutcome, number>>;
  totals: Record<ReplayOutcome, number>;
  wrapped: number;
  rejected: ReplayRejection[];
  rejectFile: string | undefined;
  where: string;
}

interface Lane {
  line: number;
  event: SesEventBridgeEvent;
}

function zero(): Record<ReplayOutcome, number> {
  return { recorded: 0, duplicate: 0, orphan: 0, failed: 0 };
}

function recordOf(text: string): unknown {
  // A line refused for its size, encoding or depth is kept as text: re-serializing it could overflow.
  const read = parseGuardedJson(text);
  return read.ok ? read.value : text;
}

/**
 * Feeds each event of the file through the tracker. Events of one mail are applied in file order;
 * different mails go in parallel. Re-running the same file only finds duplicates, because the tracker
 * records each event id once and envelope-less records get an id hashed from their content.
 */
export async function replayEvents(
  events: readonly Lane[],
  deps: TrackerDeps,
  concurrency: number,
  onDone: () => void,
): Promise<{ line: number; eventType: string; outcome: ReplayOutcome; reason?: string }[]> {
  const byMail = new Map<string, Lane[]>();
  for (const item of events) {
    const key = item.event.detail.mail.messageId;
    byMail.set(key, [...(byMail.get(key) ?? []), item]);
  }
  const results: { line: number; eventType: string; outcome: ReplayOutcome; reason?: string }[] = [];
  await forEachLimited([...byMail.values()], concurrency, async (lane) => {
    for (const item of lane) {
      const eventType = item.event.detail.eventType;
      try {
        const tracked = await recordEmailEvent(item.event, deps);
        results.push({ line: item.line, eventType, outcome: tracked.outcome });
      } catch (error) {
        const reason = `the tracker failed: ${error instanceof Error ? error.message : String(error)}`;
        results.push({ line: item.line, eventType, outcome: 'failed', reason });
      }
      onDone();
    }
  });
  return results.sort((a, b) => a.line - b.line);
}

/** `lowtouch events replay`: reads the JSONL file, tracks every good line, writes the bad ones aside. */
export async function runReplay(options: ReplayOptions, io: CommandIo): Promise<ReplayReport> {
  let content: string;
  try {
    content = await readFile(options.file, 'utf8');
  } catch (error) {
    throw new ImportFileError(`cannot read ${options.file}; check the path`, { cause: error });
  }
  const lines = readEventLines(content, io.now());
  const texts = new Map<number, string>();
  content.split(/\r?\n/).forEach((text, index) => {
    texts.set(index + 1, text);
  });
  const rejected: ReplayRejection[] = [];
  const good: Lane[] = [];
  for (const line of lines) {
    if (line.ok) good.push({ line: line.line, event: line.event });
    else
      rejected.push({
        line: line.line,
        kind: 'unreadable',
        reason: line.reason,
        record: recordOf(line.text),
      });
  }
  const plane = await connect({
    db: options.db,
    ...(options.aws ? { aws: true } : {}),
    stackPrefix: options.stackPrefix,
    ...(options.region ? { region: options.region } : {}),
  });
  const progress = new Progress('events replay', lines.length, io.stderr, io.now, 'events');
  progress.advance(rejected.length);
  let results: Awaited<ReturnType<typeof replayEvents>>;
  try {
    results = await replayEvents(good, trackerDeps(plane.wiring), options.concurrency ?? 8, () =>
      progress.advance(1),
    );
  } finally {
    progress.finish();
    await plane.stop();
  }
  const counts: Record<string, Record<ReplayOutcome, number>> = {};
  const totals = zero();
  for (const result of results) {
    const row = counts[result.eventType] ?? zero();
    row[result.outcome]++;
    counts[result.eventType] = row;
    totals[result.outcome]++;
    if (result.reason !== undefined)
      rejected.push({
        line: result.line,
        kind: 'failed',
        reason: result.reason,
        record: recordOf(texts.get(result.line) ?? ''),
      });
  }
  rejected.sort((a, b) => a.line - b.line);
  const rejectPath = options.rejects ?? `${options.file}.rejects.jsonl`;
  let removed = false;
  if (rejected.length > 0)
    await writeFile(rejectPath, rejected.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else
    removed = (await removeStale(rejectPath, (first) => /^\{"line":\d+,"reason":/.test(first))) === 'removed';

  const rows = Object.keys(counts)
    .sort()
    .map((type) => [type, ...OUTCOMES.map((outcome) => counts[type]?.[outcome] ?? 0)]);
  const out = [
    `replayed ${results.length} of ${lines.length} event(s) through the tracker on ${plane.where}`,
  ];
  if (rows.length > 0)
    out.push(
      '',
      table(['event type', ...OUTCOMES], [...rows, ['total', ...OUTCOMES.map((o) => totals[o])]]),
      '',
    );
  const wrapped = lines.filter((line) => line.ok && line.wrapped).length;
  if (wrapped > 0)
    out.push(`${wrapped} bare SES record(s) were wrapped in an envelope with a content-hash id`);
  if (totals.orphan > 0)
    out.push(
      `${totals.orphan} orphan(s): no send matches their message id (kept in the events table for audit)`,
    );
  const unreadable = rejected.filter((r) => r.kind === 'unreadable').map((r) => r.line);
  if (unreadable.length > 0) {
    const shown = unreadable.slice(0, 20).join(', ') + (unreadable.length > 20 ? ', …' : '');
    out.push(`rejected ${unreadable.length} unreadable line(s): ${shown}`);
  }
  if (totals.failed > 0)
    out.push(`${totals.failed} event(s) failed in the tracker; replaying the file again is safe`);
  if (rejected.length > 0) out.push(`line numbers and reasons are in ${rejectPath}`);
  if (removed) out.push(`removed the reject file of an earlier run at ${rejectPath}`);
  io.stdout.write(`${out.join('\n')}\n`);
  return {
    exitCode: rejected.length > 0 ? 2 : 0,
    lines: lines.length,
    counts,
    totals,
    wrapped,
    rejected,
    rejectFile: rejected.length > 0 ? rejectPath : undefined,
    where: plane.where,
  };
}
