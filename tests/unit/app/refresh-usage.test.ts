import { describe, expect, it } from 'vitest';
import { InMemoryCtaStore, InMemoryDigestSender } from '../../../functions/adapters/memory/ctas.ts';
import { InMemoryPublisher } from '../../../functions/adapters/memory/publisher.ts';
import { InMemoryContacts, InMemoryUsage } from '../../../functions/adapters/memory/repositories.ts';
import { snapshotKpiSource } from '../../../functions/app/export-kpis.ts';
import { type HealthModel, runNightlyHealth } from '../../../functions/app/nightly-health.ts';
import type { UsageStore } from '../../../functions/app/ports.ts';
import { refreshUsageRollups } from '../../../functions/app/refresh-usage.ts';
import type { Contact, UsageRollup } from '../../../functions/core/shared/domain.ts';
import { account, contact } from '../kpi/helpers/fixtures.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-22T02:00:00Z');
const TODAY = '2026-11-22';
const clock = { now: () => NOW };
const daysAgo = (n: number) => new Date(NOW - n * DAY).toISOString();

/** Usage rows through the store's own write path: `logins` logins on the day `n` days ago. */
async function logins(usage: InMemoryUsage, contactId: string, n: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await usage.record({
      type: 'login',
      eventId: `${contactId}-${n}-${i}`,
      contactId,
      accountId: 'a1',
      at: daysAgo(n),
    });
  }
}

const rollup = (partial: Partial<UsageRollup>): UsageRollup => ({
  logins7d: 0,
  logins30d: 0,
  helpVisits30d: 0,
  features: {},
  milestones: {},
  ...partial,
});

/** A usage store that counts listDays calls and how many run at once. */
class CountingUsage implements Pick<UsageStore, 'listDays'> {
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly inner: InMemoryUsage) {}
  async listDays(contactId: string, fromDate: string) {
    this.calls.push(contactId);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    // Yield to the event loop so other calls can start, as a network round trip would.
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    return this.inner.listDays(contactId, fromDate);
  }
}

async function world(contacts: Contact[]) {
  const repo = new InMemoryContacts();
  for (const c of contacts) await repo.put(c);
  const usage = new InMemoryUsage();
  return { repo, usage, counting: new CountingUsage(usage) };
}

describe('refreshUsageRollups', () => {
  it('rolls stale 7/30-day windows forward for contacts without new events and writes them back', async () => {
    const { repo, usage, counting } = await world([
      // Logged in 10 and 40 days ago; the stored rollup is from 8 days ago and still counts the first in 7d.
      contact({
        id: 'quiet',
        accountId: 'a1',
        usage: rollup({ logins7d: 3, logins30d: 3, lastLoginAt: daysAgo(10), refreshedOn: '2026-11-14' }),
      }),
    ]);
    await logins(usage, 'quiet', 10, 3);
    await logins(usage, 'quiet', 40, 5);
    const result = await refreshUsageRollups({ contacts: repo, usage: counting, clock });
    expect(result.stats).toEqual({ scanned: 1, alreadyToday: 0, refreshed: 1, unchanged: 0, conflicts: 0 });
    const stored = await repo.get('quiet');
    expect(stored?.contact.usage).toEqual(
      rollup({ logins7d: 0, logins30d: 3, lastLoginAt: daysAgo(10), refreshedOn: TODAY }),
    );
    expect(stored?.usageVersion).toBe(1);
    expect(result.contacts.map((c) => [c.id, c.usage.logins7d])).toEqual([['quiet', 0]]);
  });

  it('skips rollups already computed today and does not write rollups that did not change', async () => {
    const { repo, usage, counting } = await world([
      // Ingested an event this morning: current by definition, not even read.
      contact({
        id: 'today',
        accountId: 'a1',
        usage: rollup({ logins7d: 1, logins30d: 1, refreshedOn: TODAY }),
      }),
      // Never used the product: recomputed, identical, left alone.
      contact({ id: 'dormant', accountId: 'a1', usage: rollup({ refreshedOn: '2026-10-01' }) }),
      contact({ id: 'stale', accountId: 'a1', usage: rollup({ logins7d: 2, logins30d: 2 }) }),
    ]);
    await logins(usage, 'stale', 20, 2);
    const result = await refreshUsageRollups({ contacts: repo, usage: counting, clock });
    expect(result.stats).toEqual({ scanned: 3, alreadyToday: 1, refreshed: 1, unchanged: 1, conflicts: 0 });
    expect(counting.calls.sort()).toEqual(['dormant', 'stale']);
    expect((await repo.get('today'))?.usageVersion).toBe(0);
    expect((await repo.get('dormant'))?.usageVersion).toBe(0);
    expect((await repo.get('stale'))?.contact.usage).toMatchObject({ logins7d: 0, logins30d: 2 });
    expect(result.contacts.map((c) => c.id)).toEqual(['dormant', 'stale', 'today']);

    // A second run the same day reads only what it did not write.
    const again = new CountingUsage(usage);
    const second = await refreshUsageRollups({ contacts: repo, usage: again, clock });
    expect(second.stats).toMatchObject({ alreadyToday: 2, refreshed: 0, unchanged: 1 });
    expect(again.calls).toEqual(['dormant']);
  });

  it('keeps at most `concurrency` daily-row reads in flight', async () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      contact({ id: `c${String(i).padStart(2, '0')}`, accountId: 'a1', usage: rollup({ logins7d: 1 }) }),
    );
    const { repo, counting } = await world(many);
    repo.pageSize = 15;
    const result = await refreshUsageRollups({ contacts: repo, usage: counting, clock, concurrency: 4 });
    expect(result.stats.refreshed).toBe(40);
    expect(counting.calls).toHaveLength(40);
    expect(counting.maxInFlight).toBe(4);
  });

  it('recomputes from a fresh read when an event changed the rollup after the scan', async () => {
    const { repo, usage, counting } = await world([
      contact({ id: 'busy', accountId: 'a1', usage: rollup({ logins7d: 4, logins30d: 4 }) }),
    ]);
    await logins(usage, 'busy', 9, 4);
    // Ingestion lands between the scan and the write: a login today and a new version.
    const racing = {
      scanSegment: (segment: number, total: number) => repo.scanSegment(segment, total),
      get: (id: string) => repo.get(id),
      async saveUsage(id: string, next: UsageRollup, expected: number) {
        if (expected === 0) {
          await logins(usage, 'busy', 0, 1);
          await repo.saveUsage(id, rollup({ logins7d: 1, logins30d: 5 }), 0);
        }
        return repo.saveUsage(id, next, expected);
      },
    };
    const result = await refreshUsageRollups({ contacts: racing, usage: counting, clock });
    expect(result.stats).toMatchObject({ refreshed: 1, conflicts: 0 });
    const stored = await repo.get('busy');
    expect(stored?.contact.usage).toMatchObject({ logins7d: 1, logins30d: 5, refreshedOn: TODAY });
    expect(stored?.usageVersion).toBe(2);
    expect(result.contacts[0]?.usage.logins7d).toBe(1);
  });
});

describe('nightly health with the rollup refresh', () => {
  it('scores health on rollups rolled forward to today, without listing contacts a second time', async () => {
    const { repo, usage } = await world([
      contact({ id: 'c1', accountId: 'a1', usage: rollup({ logins7d: 6, logins30d: 6 }) }),
    ]);
    await logins(usage, 'c1', 12, 6);
    const seen: number[] = [];
    const model: HealthModel = {
      score: (_account, contacts, now) => {
        seen.push(...contacts.map((c) => c.usage.logins7d));
        return { score: 50, color: 'yellow', measures: {}, computedAt: new Date(now).toISOString() };
      },
      tier: () => ({ tier: 'low', because: 'test' }),
    };
    const accounts = [account({ id: 'a1', tier: 'low' })];
    const source = snapshotKpiSource({
      sends: [],
      enrollments: [],
      accounts,
      contacts: [],
      dailyUsage: [],
      npsResponses: [],
      campaigns: [],
    });
    let listed = 0;
    const result = await runNightlyHealth(
      {},
      {
        accounts: { listAll: async () => accounts, put: async () => undefined },
        inputs: {
          ...source,
          listContacts: async () => {
            listed += 1;
            return [];
          },
        },
        rollups: { contacts: repo, usage },
        model,
        ctas: new InMemoryCtaStore(),
        events: new InMemoryPublisher(),
        digest: new InMemoryDigestSender(),
        clock,
      },
    );
    expect(seen).toEqual([0]);
    expect(listed).toBe(0);
    expect(result.rollups).toEqual({ scanned: 1, alreadyToday: 0, refreshed: 1, unchanged: 0, conflicts: 0 });
    expect((await repo.get('c1'))?.contact.usage).toMatchObject({ logins7d: 0, logins30d: 6 });
  });
});
