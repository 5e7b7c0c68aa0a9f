import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { ENV } from '../../functions/adapters/env-keys.ts';
import {
  type BreakerReport,
  BreakerResumeError,
  breakerStatus,
  resumeBreaker,
} from '../../functions/app/breaker-control.ts';
import { type BreakerThresholds, DEFAULT_BREAKER } from '../../functions/core/tracking/reputation.ts';
import { ConnectError, connect } from '../connect.ts';
import { addConnectionOptions, type ConnectionFlags, connectionFlagsOf } from '../options.ts';

/** Flags of `lowtouch breaker status|resume`. */
export interface BreakerFlags extends ConnectionFlags {
  json?: boolean;
  /** who resumes (default: the OS user at this host) */
  by?: string;
  /** why it is safe to resume */
  note?: string;
  /** resume even though the trailing window is still over a threshold */
  force?: boolean;
}

/** Where the command writes, and its clock. */
export interface BreakerIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  now(): number;
}

const SYSTEM_IO: BreakerIo = { stdout: process.stdout, stderr: process.stderr, now: () => Date.now() };

/** The thresholds the deployed sender uses: the stack's outputs, then the environment, then the defaults. */
export function thresholdsFrom(...sources: Record<string, string | undefined>[]): BreakerThresholds {
  const pick = (key: string, fallback: number) => {
    for (const source of sources) {
      const value = Number(source[key]);
      if (source[key] !== undefined && source[key] !== '' && Number.isFinite(value)) return value;
    }
    return fallback;
  };
  return {
    ...DEFAULT_BREAKER,
    bounceRate: pick(ENV.breakerBounceRate, DEFAULT_BREAKER.bounceRate),
    complaintRate: pick(ENV.breakerComplaintRate, DEFAULT_BREAKER.complaintRate),
  };
}

/** The OS user at this host, e.g. "mari@laptop", for the resume record. */
export function defaultOperator(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep $USER.
  }
  return `${user}@${hostname()}`;
}

const pct = (rate: number) => `${(rate * 100).toFixed(3).replace(/\.?0+$/, '')}%`;

/** The status as an operator reads it: the flag, who paused it, when and why, and the trailing rates. */
export function formatBreakerReport(report: BreakerReport, where: string): string {
  const { record, window: w, thresholds: t } = report;
  const lines: string[] = [];
  if (record.paused) {
    lines.push(`sending is PAUSED (${where})`);
    lines.push(
      `  paused by ${record.pausedBy ?? 'reputation breaker'} at ${record.since ?? 'an unrecorded time'}`,
    );
    lines.push(`  why: ${record.reason ?? 'no reason recorded'}`);
  } else {
    lines.push(`sending is running (${where})`);
    if (record.since)
      lines.push(
        `  last paused by ${record.pausedBy ?? 'reputation breaker'} at ${record.since}: ${record.reason ?? 'no reason recorded'}`,
      );
    if (record.resumedAt)
      lines.push(
        `  resumed by ${record.resumedBy ?? 'unknown'} at ${record.resumedAt}${record.resumeNote ? `: ${record.resumeNote}` : ''}`,
      );
  }
  lines.push(
    `trailing ${t.windowHours} h (${w.fromHour}:00 to ${w.toHour}:59 UTC): ${w.sent} sent, ${w.bounced} hard bounces (${pct(w.bounceRate)}), ${w.complained} complaints (${pct(w.complaintRate)})`,
  );
  lines.push(
    `pauses at: bounce rate above ${pct(t.bounceRate)} or complaint rate above ${pct(t.complaintRate)}, once the window holds at least ${t.minimumVolume} sends`,
  );
  if (w.trip) lines.push(`the window is over a threshold now: ${w.reason}`);
  else if (w.sent < t.minimumVolume) lines.push('the window holds too few sends to judge');
  else lines.push('the window is under both thresholds');
  return `${lines.join('\n')}\n`;
}

/** Runs `lowtouch breaker status` or `resume`; returns the exit code. */
export async function runBreakerCommand(
  action: 'status' | 'resume',
  flags: BreakerFlags,
  io: BreakerIo = SYSTEM_IO,
): Promise<number> {
  const plane = await connect({
    db: flags.db,
    ...(flags.aws ? { aws: true } : {}),
    stackPrefix: flags.stackPrefix,
    ...(flags.region ? { region: flags.region } : {}),
  });
  try {
    const deps = {
      breaker: plane.repos.state,
      reputation: plane.repos.reputation,
      // Local data a simulation left is read at its last simulated instant, not at the wall clock.
      clock: plane.dataClock ? plane.clock : { now: io.now },
      thresholds: thresholdsFrom(plane.env, process.env),
      publisher: plane.wiring.publisher,
    };
    if (action === 'status') {
      const report = await breakerStatus(deps);
      io.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatBreakerReport(report, plane.where),
      );
      return 0;
    }
    const by = flags.by?.trim() || defaultOperator();
    const outcome = await resumeBreaker(
      { by, ...(flags.note ? { note: flags.note } : {}), ...(flags.force ? { force: true } : {}) },
      deps,
    );
    if (outcome.outcome === 'not-paused') {
      io.stdout.write(`sending is not paused (${plane.where}); nothing to resume\n`);
      return 0;
    }
    io.stdout.write(
      `sending resumed by ${by} at ${outcome.at} (${plane.where}); it was paused at ${outcome.before.record.since ?? 'an unrecorded time'}: ${outcome.before.record.reason ?? 'no reason recorded'}\n`,
    );
    if (outcome.before.window.trip)
      io.stderr.write(
        `warning: resumed with --force while the window is over a threshold (${outcome.before.window.reason}); the next bounce or complaint pauses sending again\n`,
      );
    if (outcome.announceError)
      io.stderr.write(
        `warning: the resume was recorded but not announced on the bus: ${outcome.announceError}\n`,
      );
    return 0;
  } catch (error) {
    if (error instanceof BreakerResumeError) {
      io.stderr.write(`lowtouch breaker resume: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await plane.stop();
  }
}

function addBreakerAction(command: Command, action: 'status' | 'resume'): Command {
  return addConnectionOptions(command).action(async (raw: Record<string, unknown>) => {
    const flags: BreakerFlags = {
      ...connectionFlagsOf(raw),
      ...(raw.json === true ? { json: true } : {}),
      ...(typeof raw.by === 'string' ? { by: raw.by } : {}),
      ...(typeof raw.note === 'string' ? { note: raw.note } : {}),
      ...(raw.force === true ? { force: true } : {}),
    };
    try {
      process.exitCode = await runBreakerCommand(action, flags);
    } catch (error) {
      if (error instanceof ConnectError) {
        process.stderr.write(`lowtouch breaker ${action}: ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw error;
    }
  });
}

/** `lowtouch breaker status|resume`: look at the reputation circuit breaker and resume sending. */
export function registerBreaker(program: Command): void {
  const breaker = program
    .command('breaker')
    .description(
      'The reputation circuit breaker: show whether sending is paused (by whom, when and why, with the trailing bounce and complaint rates), and resume it.',
    );
  addBreakerAction(
    breaker
      .command('status')
      .description(
        'Show the breaker: paused or running, who paused it, when and why, and the trailing rates.',
      )
      .option('--json', 'print the record and the window as JSON'),
    'status',
  );
  addBreakerAction(
    breaker
      .command('resume')
      .description(
        'Resume sending, recording who and when. Refuses while the trailing window is still over a threshold, unless --force.',
      )
      .option('--by <name>', 'who resumes, for the record (default: OS user@host)')
      .option('--note <text>', 'why it is safe to resume, for the record')
      .option('--force', 'resume even though the trailing rates are still over a threshold'),
    'resume',
  );
}
