import { describe, expect, it } from 'vitest';
import { InMemoryAccounts, InMemoryContacts } from '../../../functions/adapters/memory/repositories.ts';
import { dryRun, UnknownCampaignError } from '../../../functions/app/dry-run.ts';
import { account, contact, mustLoad, shippedFiles } from '../core/fixtures.ts';

const program = mustLoad(shippedFiles());
// Tuesday 10:00 in Tokyo, the morning of the release broadcast's week
const AT = Date.parse('2026-12-09T01:00:00Z');

async function stores() {
  const contacts = new InMemoryContacts();
  const accounts = new InMemoryAccounts();
  await accounts.put(account({ id: 'acc-1', tier: 'low', renewalAt: '2027-03-07T00:00:00Z' }));
  await contacts.put(contact({ id: 'c-new', role: 'user', signedUpAt: '2026-12-08T23:00:00Z' }));
  await contacts.put(contact({ id: 'c-admin', role: 'admin', signedUpAt: '2025-01-01T00:00:00Z' }));
  await contacts.put(
    contact({ id: 'c-ny', role: 'user', timeZone: 'America/New_York', signedUpAt: '2025-01-01T00:00:00Z' }),
  );
  await contacts.put(contact({ id: 'c-orphan', accountId: 'acc-gone', signedUpAt: '2025-01-01T00:00:00Z' }));
  return { contacts, accounts };
}

describe('dry run', () => {
  it('counts decisions per campaign, step, variant and reason, with sample ids, and writes nothing', async () => {
    const { contacts, accounts } = await stores();
    const before = JSON.stringify([...contacts.items]);
    const result = await dryRun({ at: AT, sampleSize: 2 }, { program, contacts, accounts });
    expect(result.contacts).toBe(4);
    expect(result.contactsWithoutAccount).toBe(1);
    const row = (campaign: string, decision: string, reason?: string) =>
      result.rows.find(
        (r) =>
          r.campaignId === campaign &&
          r.decision === decision &&
          (reason === undefined || r.reason === reason),
      );
    // c-new falls in onboarding's 10% holdout (decided by hashing contact and campaign ids)
    expect(row('onboarding', 'enroll')).toMatchObject({ reason: 'holdout group', sample: ['c-new'] });
    expect(row('onboarding', 'holdout')).toMatchObject({ stepId: 'welcome', contacts: 1, sample: ['c-new'] });
    expect(row('feature-release', 'send')).toMatchObject({
      stepId: 'announce',
      variantId: 'default',
      contacts: 2,
    });
    expect(row('feature-release', 'enroll')?.contacts).toBe(3);
    // 20:00 in New York: the release waits for that contact's morning
    expect(row('feature-release', 'skip', 'outside-window')).toMatchObject({ contacts: 1, sample: ['c-ny'] });
    expect(row('renewal', 'send')).toMatchObject({ stepId: 'notice-90', contacts: 1, sample: ['c-admin'] });
    expect(JSON.stringify([...contacts.items])).toBe(before);
  });

  it('narrows to one campaign and names the valid ones for a typo', async () => {
    const { contacts, accounts } = await stores();
    const result = await dryRun(
      { at: AT, sampleSize: 0, campaignId: 'renewal' },
      { program, contacts, accounts },
    );
    expect(new Set(result.rows.map((r) => r.campaignId))).toEqual(new Set(['renewal']));
    expect(result.rows.every((r) => r.sample.length === 0)).toBe(true);
    await expect(
      dryRun({ at: AT, sampleSize: 1, campaignId: 'renewals' }, { program, contacts, accounts }),
    ).rejects.toThrow(new UnknownCampaignError('renewals', ['renewal', 'onboarding', 'feature-release']));
  });
});
