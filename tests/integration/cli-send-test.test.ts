import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSendTest } from '../../cli/commands/send-test.ts';
import { connect } from '../../cli/connect.ts';
import type { SendTestOptions } from '../../cli/import/send-test-inputs.ts';
import type { StoredEmail } from '../../functions/adapters/local-emulators.ts';
import { Account, Contact } from '../../functions/core/shared/domain.ts';

const ROOT = join(import.meta.dirname, '../..');
let dir: string;
let db: string;

function options(extra: Partial<SendTestOptions>): SendTestOptions {
  return {
    campaign: 'onboarding',
    step: 'welcome',
    to: 'cs-team@tsumiki.example',
    dir: join(ROOT, 'campaigns'),
    templates: join(ROOT, 'templates'),
    out: join(dir, 'out'),
    aws: false,
    db,
    stackPrefix: 'Lowtouch',
    ...extra,
  };
}

const io = { now: () => Date.parse('2026-12-09T01:00:00Z'), warn: () => undefined };

async function storedCopy(path: string | undefined): Promise<StoredEmail> {
  if (!path) throw new Error('no stored copy was written');
  return JSON.parse(await readFile(path, 'utf8'));
}

async function sendCount(): Promise<number> {
  const plane = await connect({ db });
  try {
    let count = 0;
    for await (const page of plane.repos.sends.scanAll()) count += page.length;
    return count;
  } finally {
    await plane.stop();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lowtouch-send-test-'));
  db = join(dir, 'db');
  const plane = await connect({ db, create: true });
  try {
    await plane.repos.accounts.put(
      Account.parse({
        id: 'acct-minato',
        name: '株式会社ミナト製作所',
        plan: 'standard',
        status: 'active',
        currency: 'JPY',
        arr: 1_800_000,
        mrr: 150_000,
        locale: 'ja',
        startedAt: '2025-04-01T00:00:00Z',
        renewalAt: '2027-03-01T00:00:00Z',
      }),
    );
    await plane.repos.contacts.put(
      Contact.parse({
        id: 'c-misaki',
        accountId: 'acct-minato',
        email: 'misaki@minato.example',
        name: '田中 美咲',
        locale: 'ja',
        timeZone: 'Asia/Tokyo',
        signedUpAt: '2026-12-07T00:00:00Z',
      }),
    );
  } finally {
    await plane.stop();
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lowtouch send-test on the local SES emulator', () => {
  it('sends one persona email marked as a test and writes the stored copy', async () => {
    const result = await runSendTest(options({ persona: 'new', locale: 'en' }), io);
    expect(result.written).toBe(join(dir, 'out', 'onboarding.welcome.json'));
    const stored = await storedCopy(result.written);
    expect(stored.messageId).toBe(result.messageId);
    expect(stored.subject).toMatch(/^\[TEST\] Welcome to Tsumiki/);
    expect(stored.destination.to).toEqual(['cs-team@tsumiki.example']);
    expect(stored.headers).toContainEqual({ name: 'X-Lowtouch-Test', value: 'true' });
    expect(stored.headers?.find((h) => h.name === 'List-Unsubscribe')?.value).toMatch(/^<https:\/\//);
    expect(stored.body.html).toContain('Ryan Lee');
    expect(result).toMatchObject({ template: 'onboarding/welcome', locale: 'en', recipient: 'persona new' });
    expect(await sendCount()).toBe(0);
  });

  it('renders for a stored contact in their language, with the segment the planner would pick', async () => {
    const result = await runSendTest(
      options({ campaign: 'feature-release', step: 'announce', contact: 'c-misaki' }),
      io,
    );
    const stored = await storedCopy(result.written);
    expect(result.written).toBe(join(dir, 'out', 'feature-release.announce.json'));
    expect(result).toMatchObject({ locale: 'ja', recipient: 'contact c-misaki', segment: undefined });
    expect(result.template).toBe('feature-release/announce-basics');
    expect(stored.subject.startsWith('[TEST] ')).toBe(true);
    expect(stored.headers).toContainEqual({ name: 'X-Lowtouch-Test', value: 'true' });
    expect(stored.body.html).toContain('田中');
    expect(await sendCount()).toBe(0);
  });

  it('sends a chosen variant and the power persona its segment template', async () => {
    const variant = await runSendTest(options({ step: 'invite-team', variant: 'b', persona: 'steady' }), io);
    expect(variant).toMatchObject({ variantId: 'b', template: 'onboarding/invite-team-b' });
    const power = await runSendTest(
      options({ campaign: 'feature-release', step: 'announce', persona: 'power' }),
      io,
    );
    expect(power).toMatchObject({ segment: 'power', template: 'feature-release/announce-power' });
  });

  it('names the valid choices when the request is wrong', async () => {
    await expect(runSendTest(options({ campaign: 'onbording' }), io)).rejects.toThrow(
      /no campaign "onbording" \(did you mean "onboarding"\?\); the campaigns are .*onboarding/,
    );
    await expect(runSendTest(options({ step: 'wellcome' }), io)).rejects.toThrow(
      /has no step "wellcome" \(did you mean "welcome"\?\); the steps are welcome, first-project, invite-team, check-in/,
    );
    await expect(runSendTest(options({ persona: 'ceo' }), io)).rejects.toThrow(
      '--persona "ceo" is unknown; use one of power, steady, at-risk, new',
    );
    await expect(runSendTest(options({ contact: 'c-misak' }), io)).rejects.toThrow(
      /no contact "c-misak" in local data .*\(did you mean "c-misaki"\?\)/,
    );
    await expect(runSendTest(options({ to: 'not-an-address' }), io)).rejects.toThrow(
      /--to "not-an-address" is not an email address/,
    );
    await expect(runSendTest(options({ locale: 'fr' }), io)).rejects.toThrow(
      'template onboarding/welcome has no fr version; its locales are en, ja',
    );
    await expect(runSendTest(options({ aws: true }), io)).rejects.toThrow(/--aws needs --from <address>/);
  });
});
