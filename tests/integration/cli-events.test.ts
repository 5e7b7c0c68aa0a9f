import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../cli/connect.ts';
import { runReplay } from '../../cli/import/run-replay.ts';
import { SendRecord } from '../../functions/core/sending/send.ts';
import { Account, Contact } from '../../functions/core/shared/domain.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/events');
const fixtureLines = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'))));
const GARBAGE_LINE = 6;
const lines = [
  ...fixtureLines.slice(0, GARBAGE_LINE - 1),
  '{"detail": oops',
  ...fixtureLines.slice(GARBAGE_LINE - 1),
];
const messageIds = [...new Set(fixtureLines.map((line) => String(JSON.parse(line).detail.mail.messageId)))];

let dir: string;
let db: string;

function io() {
  const out: string[] = [];
  return {
    out,
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { isTTY: false, write: () => true },
      now: () => Date.parse('2026-11-24T03:00:00Z'),
    },
  };
}

async function replay(file: string) {
  const run = io();
  const report = await runReplay({ file, aws: false, db, stackPrefix: 'Lowtouch' }, run.io);
  return { report, out: run.out.join('') };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowtouch-replay-'));
  db = join(dir, 'db');
  // One sent email per message id the fixtures report on, so every event finds its send.
  const plane = await connect({ db, create: true });
  try {
    await plane.repos.accounts.put(
      Account.parse({
        id: 'acct-1',
        name: 'Harbor',
        plan: 'standard',
        status: 'active',
        currency: 'USD',
        arr: 1200,
        mrr: 100,
        startedAt: '2017-01-01T00:00:00Z',
      }),
    );
    for (const [index, messageId] of messageIds.entries()) {
      await plane.repos.contacts.put(
        Contact.parse({
          id: `c-${index}`,
          accountId: 'acct-1',
          email: 'recipient@example.com',
          name: 'Recipient',
          signedUpAt: '2017-01-01T00:00:00Z',
        }),
      );
      const claimed = await plane.repos.sends.claim(
        SendRecord.parse({
          sendId: `onboarding#welcome#c-${index}`,
          campaignId: 'onboarding',
          stepId: 'welcome',
          variantId: 'default',
          contactId: `c-${index}`,
          accountId: 'acct-1',
          channel: 'email',
          template: 'onboarding/welcome',
          topic: 'onboarding-tips',
          status: 'sent',
          claimedAt: '2017-08-09T21:59:00Z',
          updatedAt: '2017-08-09T21:59:49Z',
          sentAt: '2017-08-09T21:59:49Z',
          messageId,
        }),
      );
      expect(claimed).toBe(true);
    }
  } finally {
    await plane.stop();
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lowtouch events replay on the local emulators', () => {
  it('tracks every fixture, rejects the garbage line by number, and finds only duplicates the second time', async () => {
    const file = join(dir, 'events.jsonl');
    await writeFile(file, `${lines.join('\n')}\n`);

    const first = await replay(file);
    expect(first.report.exitCode).toBe(2);
    expect(first.report.lines).toBe(fixtureLines.length + 1);
    expect(first.report.totals).toEqual({
      recorded: fixtureLines.length,
      duplicate: 0,
      orphan: 0,
      failed: 0,
    });
    expect(first.report.rejected).toEqual([
      {
        line: GARBAGE_LINE,
        kind: 'unreadable',
        reason: expect.stringMatching(/^not JSON/),
        record: '{"detail": oops',
      },
    ]);
    expect(first.out).toContain(`rejected 1 unreadable line(s): ${GARBAGE_LINE}`);
    const rejects = (await readFile(`${file}.rejects.jsonl`, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejects).toEqual([expect.objectContaining({ line: GARBAGE_LINE, record: '{"detail": oops' })]);

    const plane = await connect({ db });
    try {
      const send = await plane.repos.sends.get('onboarding#welcome#c-0');
      expect(send).toMatchObject({
        deliveredAt: expect.any(String),
        firstOpenAt: expect.any(String),
        firstMachineOpenAt: expect.any(String),
        firstClickAt: expect.any(String),
        bouncedAt: expect.any(String),
        complainedAt: expect.any(String),
        status: 'failed',
      });
    } finally {
      await plane.stop();
    }

    const second = await replay(file);
    expect(second.report.totals).toEqual({
      recorded: 0,
      duplicate: fixtureLines.length,
      orphan: 0,
      failed: 0,
    });
    expect(second.report.rejected.map((r) => r.line)).toEqual([GARBAGE_LINE]);
    expect(second.out).toMatch(/total\s+0\s+12\s+0\s+0/);
  });

  it('wraps bare SES records with a stable id, so replaying them is idempotent too; unknown mail is an orphan', async () => {
    const file = join(dir, 'bare.jsonl');
    const open = JSON.parse(fixtureLines.find((line) => line.includes('"Email Opened"')) ?? '{}');
    const stranger = { ...open.detail, mail: { ...open.detail.mail, messageId: 'never-sent-0001' } };
    const bareClick = JSON.parse(
      fixtureLines.find((line) => line.includes('"Email Clicked"')) ?? '{}',
    ).detail;
    bareClick.click.timestamp = '2017-08-09T23:00:00.000Z';
    await writeFile(file, `${JSON.stringify(bareClick)}\n\n${JSON.stringify(stranger)}\n`);
    const first = await replay(file);
    expect(first.report).toMatchObject({ exitCode: 0, lines: 2, wrapped: 2, rejected: [] });
    expect(first.report.totals).toEqual({ recorded: 1, duplicate: 0, orphan: 1, failed: 0 });
    expect(first.out).toContain('2 bare SES record(s) were wrapped');
    const second = await replay(file);
    expect(second.report.totals).toEqual({ recorded: 0, duplicate: 1, orphan: 1, failed: 0 });
  });
});
