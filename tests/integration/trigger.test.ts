import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AcceptedMail, type LocalRuntime, startLocalRuntime } from '../../cli/local-runtime.ts';
import { Account, Contact } from '../../functions/core/shared/domain.ts';

// The shipped program plus one campaign that enters on sign-up, run by the local runtime on dynalite and
// the SES emulator: ingestion plans the contact at once, and the welcome reaches SES without a tick.
const START = Date.parse('2026-12-01T01:00:00Z'); // Tuesday 10:00 in Tokyo
const INSTANT = `
id: instant-welcome
kind: onboarding
topic: onboarding-tips
audience: { tiers: [high, low, tech] }
entry: { on: signup, within: 1h }
steps:
  - { id: welcome, after: 0d, template: onboarding/welcome }
`;

let runtime: LocalRuntime;
const accepted: AcceptedMail[] = [];

beforeAll(async () => {
  const campaigns = mkdtempSync(join(tmpdir(), 'lowtouch-trigger-'));
  cpSync('campaigns', campaigns, { recursive: true });
  writeFileSync(join(campaigns, 'instant-welcome.yaml'), INSTANT);
  runtime = await startLocalRuntime({
    campaignsDir: campaigns,
    templatesDir: 'templates',
    start: START,
    seed: 1,
    onAccepted: (mail) => accepted.push(mail),
  });
  await runtime.repos.accounts.put(
    Account.parse({
      id: 'acc-t',
      name: 'Kumo Logistics',
      plan: 'business',
      status: 'trial',
      currency: 'JPY',
      arr: 0,
      mrr: 0,
      startedAt: '2026-11-30T00:00:00Z',
      tier: 'low',
    }),
  );
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
}, 60_000);

const signup = (contactId: string, at: number) => ({
  type: 'signup' as const,
  eventId: `signup-${contactId}`,
  contactId,
  accountId: 'acc-t',
  at: new Date(at).toISOString(),
});

describe('real-time trigger: sign-up to welcome', () => {
  it('sends the welcome within one simulated minute of the sign-up event, once, and the next tick adds none', async () => {
    const signedUp = START + 5 * 60_000;
    runtime.clock.advanceTo(signedUp);
    await runtime.repos.contacts.put(
      Contact.parse({
        id: 'c-new',
        accountId: 'acc-t',
        email: 'new.user@example.com',
        name: 'Haruto',
        locale: 'ja',
        timeZone: 'Asia/Tokyo',
        role: 'admin',
        signedUpAt: new Date(signedUp).toISOString(),
      }),
    );
    runtime.clock.advanceTo(signedUp + 20_000);
    await runtime.ingest(signup('c-new', signedUp));
    const welcome = accepted.filter((m) => m.email.tags.sendId === 'instant-welcome#welcome#c-new');
    expect(welcome).toHaveLength(1);
    expect((welcome[0]?.at ?? Number.POSITIVE_INFINITY) - signedUp).toBeLessThanOrEqual(60_000);

    // The redelivered event and the next hourly tick find the claim taken: still one welcome.
    await runtime.ingest(signup('c-new', signedUp));
    runtime.clock.advanceTo(START + 60 * 60_000);
    await runtime.tick();
    expect(accepted.filter((m) => m.email.tags.sendId === 'instant-welcome#welcome#c-new')).toHaveLength(1);
  }, 120_000);

  it('does not plan at once for an event no campaign enters on', async () => {
    const before = accepted.length;
    await runtime.ingest({
      type: 'help.visited',
      eventId: 'help-1',
      contactId: 'c-new',
      accountId: 'acc-t',
      at: new Date(runtime.clock.now()).toISOString(),
    });
    expect(accepted.length).toBe(before);
  }, 60_000);
});
