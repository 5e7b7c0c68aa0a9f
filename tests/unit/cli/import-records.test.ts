import { describe, expect, it } from 'vitest';
import {
  InMemoryAccounts,
  InMemoryContacts,
  InMemoryUsage,
} from '../../../functions/adapters/memory/repositories.ts';
import {
  type ImportDeps,
  importAccounts,
  importContacts,
  importUsage,
  type UsageCandidate,
} from '../../../functions/app/import-records.ts';
import { Account, Contact, type DailyUsage } from '../../../functions/core/shared/domain.ts';

const NOW = Date.parse('2026-11-24T02:00:00Z');

/** Daily rows in memory with whole-day writes, as DynamoUsageStore.putDays does. */
class MemoryUsageDays extends InMemoryUsage {
  readonly expiries = new Map<string, number>();
  async putDays(rows: readonly DailyUsage[], expiresAt: number): Promise<void> {
    for (const row of rows) {
      this.rows.set(`${row.contactId}|${row.date}`, { ...structuredClone(row), seen: new Set() });
      this.expiries.set(`${row.contactId}|${row.date}`, expiresAt);
    }
  }
}

function setup() {
  const accounts = new InMemoryAccounts();
  const contacts = new InMemoryContacts();
  const usage = new MemoryUsageDays();
  let progressed = 0;
  const deps: ImportDeps = {
    accounts,
    contacts,
    usage,
    clock: { now: () => NOW },
    retentionDays: 400,
    concurrency: 3,
    onProgress: (rows) => {
      progressed += rows;
    },
  };
  return { accounts, contacts, usage, deps, progressed: () => progressed };
}

const account = (id: string, extra: Partial<Account> = {}) =>
  Account.parse({
    id,
    name: `Account ${id}`,
    plan: 'team',
    status: 'active',
    currency: 'JPY',
    arr: 1_200_000,
    mrr: 100_000,
    startedAt: '2026-01-01T00:00:00Z',
    ...extra,
  });

const contact = (id: string, accountId: string, extra: Partial<Contact> = {}) =>
  Contact.parse({
    id,
    accountId,
    email: `${id}@example.com`,
    name: `Person ${id}`,
    signedUpAt: '2026-11-01T00:00:00Z',
    ...extra,
  });

describe('importAccounts', () => {
  it('writes by id, rejects repeated ids, and keeps health, NPS and tier computed since', async () => {
    const { accounts, deps, progressed } = setup();
    const health = { score: 80, color: 'green' as const, measures: {}, computedAt: '2026-11-20T00:00:00Z' };
    const nps = { score: 9, respondedAt: '2026-11-10T00:00:00Z', contactId: 'c-1' };
    await accounts.put(account('acct-1', { health, nps, tier: 'high', plan: 'starter' }));
    const result = await importAccounts(
      [
        { line: 2, value: account('acct-1', { plan: 'standard' }) },
        { line: 3, value: account('acct-2') },
        { line: 5, value: account('acct-1', { plan: 'enterprise' }) },
      ],
      deps,
    );
    expect(result).toEqual({
      imported: 2,
      rollups: 0,
      rejected: [{ line: 5, reason: expect.stringContaining('id: "acct-1" repeats line 2') }],
    });
    expect(accounts.items.get('acct-1')).toEqual(
      account('acct-1', { plan: 'standard', health, nps, tier: 'high' }),
    );
    expect(accounts.items.get('acct-2')).toEqual(account('acct-2'));
    expect(progressed()).toBe(3);
  });
});

describe('importContacts', () => {
  it('rejects contacts of unknown accounts with a did-you-mean', async () => {
    const { accounts, contacts, deps } = setup();
    await accounts.put(account('acct-100'));
    const result = await importContacts(
      [
        { line: 2, value: contact('c-1', 'acct-100') },
        { line: 3, value: contact('c-2', 'acct-10O') },
        { line: 4, value: contact('c-3', 'zzz') },
      ],
      deps,
    );
    expect(result.imported).toBe(1);
    expect(result.rejected).toEqual([
      {
        line: 3,
        reason:
          'accountId: "acct-10O" is not a known account (did you mean "acct-100"?); import it first with lowtouch import accounts, or fix the id',
      },
      {
        line: 4,
        reason:
          'accountId: "zzz" is not a known account; import it first with lowtouch import accounts, or fix the id',
      },
    ]);
    expect([...contacts.items.keys()]).toEqual(['c-1']);
  });

  it('never loosens stored consent and keeps the usage rollup and plan state', async () => {
    const { accounts, contacts, deps } = setup();
    await accounts.put(account('acct-1'));
    await contacts.put(
      contact('c-1', 'acct-1', {
        topicOptOuts: ['product-updates'],
        unsubscribedAll: true,
        suppressed: true,
        usage: { logins7d: 4, logins30d: 9, helpVisits30d: 0, features: {}, milestones: {} },
      }),
    );
    const plan = {
      enrollments: {},
      recentSends: [
        { campaignId: 'onboarding', stepId: 'welcome', at: '2026-11-20T00:00:00Z', countsToCap: true },
      ],
    };
    expect(await contacts.savePlan('c-1', plan, 0)).toBe(true);
    const imported = contact('c-1', 'acct-1', { name: 'New Name', topicOptOuts: ['onboarding-tips'] });
    await importContacts([{ line: 2, value: imported }], deps);
    const stored = contacts.items.get('c-1');
    expect(stored?.contact).toEqual({
      ...imported,
      topicOptOuts: ['product-updates', 'onboarding-tips'],
      unsubscribedAll: true,
      suppressed: true,
      usage: { logins7d: 4, logins30d: 9, helpVisits30d: 0, features: {}, milestones: {} },
    });
    expect(stored?.plan).toEqual(plan);
    expect(stored?.planVersion).toBe(1);
  });

  it('is idempotent: the same rows twice leave the same data', async () => {
    const { accounts, contacts, deps } = setup();
    await accounts.put(account('acct-1'));
    const rows = [
      { line: 2, value: contact('c-1', 'acct-1', { topicOptOuts: ['a'] }) },
      { line: 3, value: contact('c-2', 'acct-1') },
    ];
    const first = await importContacts(rows, deps);
    const after = structuredClone([...contacts.items.entries()]);
    const second = await importContacts(rows, deps);
    expect(second).toEqual(first);
    expect([...contacts.items.entries()]).toEqual(after);
  });
});

describe('importUsage', () => {
  const row = (line: number, value: Partial<UsageCandidate> & { contactId: string; date: string }) => ({
    line,
    value: { logins: 0, helpVisits: 0, features: {}, ...value },
  });

  it('fills the account from the contact, rejects what cannot be stored, and recomputes rollups', async () => {
    const { accounts, contacts, usage, deps } = setup();
    await accounts.put(account('acct-1'));
    await contacts.put(contact('c-1', 'acct-1'));
    const result = await importUsage(
      [
        row(2, { contactId: 'c-1', date: '2026-11-23', logins: 3, features: { projects: 2 } }),
        row(3, { contactId: 'c-1', date: '2026-11-20', logins: 2, accountId: 'acct-1' }),
        row(4, { contactId: 'c-404', date: '2026-11-20' }),
        row(5, { contactId: 'c-1', date: '2026-11-19', accountId: 'acct-2' }),
        row(6, { contactId: 'c-1', date: '2026-11-25' }),
        row(7, { contactId: 'c-1', date: '2025-10-01' }),
        row(8, { contactId: 'c-1', date: '2026-11-23', logins: 9 }),
      ],
      deps,
    );
    expect(result.imported).toBe(2);
    expect(result.rollups).toBe(1);
    expect(result.rejected.map((r) => [r.line, r.reason.split(';')[0]])).toEqual([
      [4, 'contactId: "c-404" is not a known contact'],
      [5, 'accountId: "acct-2" is not the account of contact c-1 (acct-1)'],
      [
        6,
        'date: 2026-11-25 is in the future (now is 2026-11-24T02:00:00.000Z, 5 minutes of clock skew allowed)',
      ],
      [7, 'date: 2025-10-01 is older than the 400-day retention (oldest kept day is 2025-10-21)'],
      [8, 'contactId and date: "c-1 2026-11-23" repeats line 2'],
    ]);
    expect(await usage.listDays('c-1', '2026-01-01')).toEqual([
      { contactId: 'c-1', accountId: 'acct-1', date: '2026-11-20', logins: 2, helpVisits: 0, features: {} },
      {
        contactId: 'c-1',
        accountId: 'acct-1',
        date: '2026-11-23',
        logins: 3,
        helpVisits: 0,
        features: { projects: 2 },
      },
    ]);
    // Rows expire the retention period after their own day.
    expect(usage.expiries.get('c-1|2026-11-20')).toBe(
      Date.parse('2026-11-20T00:00:00Z') / 1000 + 400 * 86_400,
    );
    const rollup = contacts.items.get('c-1')?.contact.usage;
    expect(rollup?.logins7d).toBe(5);
    expect(rollup?.logins30d).toBe(5);
    expect(rollup?.features.projects?.count).toBe(2);
  });

  it('writes the same day again as a replacement, not an addition', async () => {
    const { accounts, contacts, usage, deps } = setup();
    await accounts.put(account('acct-1'));
    await contacts.put(contact('c-1', 'acct-1'));
    const rows = [row(2, { contactId: 'c-1', date: '2026-11-23', logins: 3 })];
    await importUsage(rows, deps);
    await importUsage(rows, deps);
    expect((await usage.listDays('c-1', '2026-11-01')).map((day) => day.logins)).toEqual([3]);
    expect(contacts.items.get('c-1')?.contact.usage.logins7d).toBe(3);
  });
});
