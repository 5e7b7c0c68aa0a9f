import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBreakerCommand, thresholdsFrom } from '../../cli/commands/breaker.ts';
import { connect } from '../../cli/connect.ts';
import { hourOf } from '../../functions/core/tracking/reputation.ts';
import { runCli } from '../support/run-cli.ts';

// `lowtouch breaker` against dynalite at a data directory, the way CS ops run it after `lowtouch demo`.

let root: string;

/** Opens the data directory (creating it), runs `work` on the state store, and closes it again. */
async function withState(
  db: string,
  work: (plane: Awaited<ReturnType<typeof connect>>) => Promise<void>,
): Promise<void> {
  const plane = await connect({ db, create: true });
  try {
    await work(plane);
  } finally {
    await plane.stop();
  }
}

const cli = runCli;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lowtouch-cli-breaker-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('lowtouch breaker', () => {
  it('shows who paused sending, when and why, with the trailing rates, and refuses to resume while they are high', async () => {
    const db = join(root, 'tripped');
    const now = Date.now();
    const pausedAt = new Date(now - 2 * 3_600_000).toISOString();
    await withState(db, async (plane) => {
      await plane.repos.reputation.add(hourOf(now - 3 * 3_600_000), { sent: 300, bounced: 9 });
      await plane.repos.reputation.add(hourOf(now - 2 * 3_600_000), { sent: 100, bounced: 3, complained: 1 });
      // Outside the 24-hour window: never counted.
      await plane.repos.reputation.add(hourOf(now - 30 * 3_600_000), { sent: 1000, bounced: 500 });
      await plane.repos.state.pause('bounce rate 3% above 2%', pausedAt);
    });

    const status = await cli(['breaker', 'status', '--db', db]);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain(`sending is PAUSED (local data in ${db})`);
    expect(status.stdout).toContain(`paused by reputation breaker at ${pausedAt}`);
    expect(status.stdout).toContain('why: bounce rate 3% above 2%');
    expect(status.stdout).toMatch(
      /trailing 24 h \(.*\): 400 sent, 12 hard bounces \(3%\), 1 complaints \(0\.25%\)/,
    );
    expect(status.stdout).toContain('the window is over a threshold now: bounce rate 3% above 2%');

    const json = await cli(['breaker', 'status', '--db', db, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      record: { paused: true, pausedBy: 'reputation breaker', since: pausedAt },
      window: { sent: 400, bounced: 12, complained: 1, trip: true },
      thresholds: { bounceRate: 0.02, complaintRate: 0.0005, windowHours: 24 },
    });

    const refused = await cli(['breaker', 'resume', '--db', db, '--by', 'mari']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/still show bounce rate 3% above 2%.*--force/);
    await withState(db, async (plane) => {
      expect(await plane.repos.state.get()).toMatchObject({ paused: true });
    });

    const forced = await cli([
      'breaker',
      'resume',
      '--db',
      db,
      '--by',
      'mari@tsumiki',
      '--note',
      'removed the purchased list',
      '--force',
    ]);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toMatch(
      new RegExp(
        `^sending resumed by mari@tsumiki at \\S+ \\(local data in .*\\); it was paused at ${pausedAt}: bounce rate 3% above 2%\\n$`,
      ),
    );
    expect(forced.stderr).toContain('warning: resumed with --force');

    const after = await cli(['breaker', 'status', '--db', db]);
    expect(after.stdout).toContain('sending is running');
    expect(after.stdout).toContain(
      `last paused by reputation breaker at ${pausedAt}: bounce rate 3% above 2%`,
    );
    expect(after.stdout).toMatch(/resumed by mari@tsumiki at \S+: removed the purchased list/);
    await withState(db, async (plane) => {
      expect(await plane.repos.state.get()).toEqual({ paused: false });
      expect(await plane.repos.state.record()).toMatchObject({
        paused: false,
        resumedBy: 'mari@tsumiki',
        resumeNote: 'removed the purchased list',
      });
    });

    const again = await cli(['breaker', 'resume', '--db', db]);
    expect(again.stdout).toContain('sending is not paused');
  });

  it('resumes without --force once the window is back under the thresholds, and the breaker can pause again', async () => {
    const db = join(root, 'cleared');
    const now = Date.parse('2026-11-22T12:30:00Z');
    await withState(db, async (plane) => {
      await plane.repos.reputation.add(hourOf(now - 3_600_000), { sent: 500, bounced: 2 });
      await plane.repos.state.pause('complaint rate 0.1% above 0.05%', '2026-11-21T08:00:00.000Z');
    });
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      now: () => now,
    };
    const flags = { aws: false, db, stackPrefix: 'Lowtouch', by: 'aiko' };
    expect(await runBreakerCommand('resume', flags, io)).toBe(0);
    expect(out.join('')).toMatch(/^sending resumed by aiko at 2026-11-22T12:30:00\.000Z/);
    expect(err).toEqual([]);
    await withState(db, async (plane) => {
      expect(await plane.repos.state.pause('bounce rate 4% above 2%', '2026-11-23T01:00:00.000Z')).toBe(true);
      expect(await plane.repos.state.record()).toMatchObject({
        paused: true,
        reason: 'bounce rate 4% above 2%',
        pausedBy: 'reputation breaker',
        resumedBy: 'aiko',
      });
    });
  });

  it('says how to get local data when the directory does not exist', async () => {
    const missing = await cli(['breaker', 'status', '--db', join(root, 'nothing-here')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/no local data at .*nothing-here: run `npm start`/);
  });

  it('reads the thresholds from the stack outputs before the environment', () => {
    expect(
      thresholdsFrom(
        { LOWTOUCH_BREAKER_BOUNCE_RATE: '0.03' },
        { LOWTOUCH_BREAKER_BOUNCE_RATE: '0.01', LOWTOUCH_BREAKER_COMPLAINT_RATE: '0.0004' },
      ),
    ).toMatchObject({ bounceRate: 0.03, complaintRate: 0.0004, windowHours: 24 });
    expect(thresholdsFrom({ LOWTOUCH_BREAKER_BOUNCE_RATE: 'x' })).toMatchObject({ bounceRate: 0.02 });
  });
});
