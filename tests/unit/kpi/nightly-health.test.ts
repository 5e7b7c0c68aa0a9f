import { describe, expect, it } from 'vitest';
import { InMemoryCtaStore, InMemoryDigestSender } from '../../../functions/adapters/memory/ctas.ts';
import { InMemoryPublisher } from '../../../functions/adapters/memory/publisher.ts';
import { loadProgramFromDir } from '../../../functions/adapters/program-files.ts';
import { CTA_DETAIL_TYPE } from '../../../functions/app/ctas.ts';
import { snapshotKpiSource } from '../../../functions/app/export-kpis.ts';
import {
  HEALTH_CHANGED_DETAIL_TYPE,
  type HealthModel,
  healthModelOf,
  type NightlyHealthDeps,
  runNightlyHealth,
  TIER_CHANGED_DETAIL_TYPE,
} from '../../../functions/app/nightly-health.ts';
import type { Account, Health, HealthColor } from '../../../functions/core/shared/domain.ts';
import { account, contact, generateKpiFixture, usage } from './helpers/fixtures.ts';

class InMemoryAccounts {
  readonly byId = new Map<string, Account>();
  puts = 0;
  constructor(accounts: Account[]) {
    for (const a of accounts) this.byId.set(a.id, a);
  }
  async listAll() {
    return [...this.byId.values()];
  }
  async put(a: Account) {
    this.puts += 1;
    this.byId.set(a.id, a);
  }
}

const NOW = Date.parse('2026-11-22T03:00:00Z');
const h = (color: HealthColor, score: number): Health => ({
  score,
  color,
  measures: {},
  computedAt: '2026-11-01T00:00:00Z',
});

/** Health from a fixed table; tier high when MRR ≥ 5000, else tech. */
function tableModel(colors: Record<string, HealthColor>): HealthModel {
  return {
    score: (a, _contacts, now) => {
      const color = colors[a.id] ?? 'green';
      return {
        score: color === 'red' ? 20 : color === 'yellow' ? 50 : 90,
        color,
        measures: {},
        computedAt: new Date(now).toISOString(),
      };
    },
    tier: (a) => (a.mrr >= 5000 ? { tier: 'high', because: 'big' } : { tier: 'tech', because: 'default' }),
  };
}

function setup(accounts: Account[], model: HealthModel, extra: Partial<NightlyHealthDeps> = {}) {
  const repo = new InMemoryAccounts(accounts);
  const events = new InMemoryPublisher();
  const ctas = new InMemoryCtaStore();
  const digest = new InMemoryDigestSender();
  const source = snapshotKpiSource({
    sends: [],
    enrollments: [],
    accounts,
    contacts: [contact({ id: 'c1', accountId: 'big' }), contact({ id: 'c2', accountId: 'small' })],
    dailyUsage: [usage('c2', '2026-10-01', 30), { ...usage('c2', '2026-11-15', 2), accountId: 'small' }].map(
      (row) => ({
        ...row,
        accountId: 'small',
      }),
    ),
    npsResponses: [],
    campaigns: [],
  });
  const deps: NightlyHealthDeps = {
    accounts: repo,
    inputs: source,
    model,
    ctas,
    events,
    digest,
    clock: { now: () => NOW },
    ...extra,
  };
  return { repo, events, ctas, digest, deps };
}

describe('nightly health job', () => {
  const accounts = [
    account({
      id: 'big',
      mrr: 9000,
      tier: 'high',
      csmId: 'csm-1',
      health: h('yellow', 50),
      renewalAt: '2027-01-15T00:00:00Z',
    }),
    account({ id: 'small', mrr: 100, tier: 'low', csmId: 'csm-2', health: h('green', 90) }),
    account({ id: 'gone', status: 'churned', churnedAt: '2026-09-01T00:00:00Z', tier: 'tech' }),
  ];

  it('scores, re-tiers, publishes transitions, raises CTAs and sends digests', async () => {
    const { repo, events, ctas, digest, deps } = setup(accounts, tableModel({ big: 'red', small: 'green' }));
    const result = await runNightlyHealth({}, deps);
    expect(result).toMatchObject({
      day: '2026-11-22',
      accounts: 3,
      scored: 2,
      healthChanges: 1,
      tierChanges: 1,
      ctasRaised: 3,
      digestsSent: 2,
    });
    expect(repo.byId.get('big')).toMatchObject({ tier: 'high', health: { color: 'red', score: 20 } });
    expect(repo.byId.get('small')).toMatchObject({ tier: 'tech', health: { color: 'green' } });
    expect(repo.byId.get('gone')).toEqual(accounts[2]);
    expect(repo.puts).toBe(2);
    expect(
      events.events.map(
        (e) => `${e.detailType} ${String(e.detail.accountId)} ${String(e.detail.type ?? e.detail.to)}`,
      ),
    ).toEqual([
      `${CTA_DETAIL_TYPE} big renewal-due`,
      `${CTA_DETAIL_TYPE} big health-red`,
      `${HEALTH_CHANGED_DETAIL_TYPE} big red`,
      // small drops from 30 logins to 2: its CSM hears about it even though the account is now tech-touch.
      `${CTA_DETAIL_TYPE} small usage-drop`,
      `${TIER_CHANGED_DETAIL_TYPE} small tech`,
    ]);
    expect([...ctas.stored.keys()].sort()).toEqual([
      'big#health-red#red-since-2026-11-22',
      'big#renewal-due#renewal-2027-01-15',
      'small#usage-drop#logins-drop-2026-11',
    ]);
    expect(digest.sent.map((d) => [d.digest.csmId, d.digest.items.map((i) => i.cta.type)])).toEqual([
      ['csm-1', ['health-red', 'renewal-due']],
      ['csm-2', ['usage-drop']],
    ]);
  });

  it('raises nothing twice when run again the same night or the next one', async () => {
    const { events, digest, deps } = setup(accounts, tableModel({ big: 'red', small: 'green' }));
    await runNightlyHealth({}, deps);
    const published = events.events.length;
    const again = await runNightlyHealth({}, deps);
    expect(again).toMatchObject({
      healthChanges: 0,
      tierChanges: 0,
      ctasRaised: 0,
      ctaDuplicates: 2,
    });
    const nextNight = await runNightlyHealth({}, { ...deps, clock: { now: () => NOW + 86_400_000 } });
    expect(nextNight).toMatchObject({ ctasRaised: 0 });
    expect(events.events.length).toBe(published);
    // The digest keeps listing the CTAs still waiting for their owner, each CTA once per digest.
    const keys = digest.sent.at(-1)?.digest.items.map((item) => item.cta.key) ?? [];
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('honours CTA thresholds from the input', async () => {
    const { deps } = setup(accounts, tableModel({ big: 'yellow' }));
    const result = await runNightlyHealth(
      { ctaConfig: { renewalWithinDays: 30, usageDropPercent: 95 } },
      deps,
    );
    expect(result.ctasRaised).toBe(0);
  });

  it('runs on the loaded campaigns: every live account gets a health color and a tier', async () => {
    const { program, errors } = await loadProgramFromDir('campaigns');
    expect(errors).toEqual([]);
    if (!program) throw new Error('campaigns/ did not load');
    const world = generateKpiFixture({ accounts: 12 });
    const repo = new InMemoryAccounts(world.accounts);
    const events = new InMemoryPublisher();
    const result = await runNightlyHealth(
      {},
      {
        accounts: repo,
        inputs: snapshotKpiSource(world),
        model: healthModelOf(program),
        ctas: new InMemoryCtaStore(),
        events,
        digest: new InMemoryDigestSender(),
        clock: { now: () => NOW },
      },
    );
    const live = [...repo.byId.values()].filter((a) => a.status !== 'churned');
    expect(result.scored).toBe(live.length);
    for (const a of live) {
      expect(['green', 'yellow', 'red']).toContain(a.health?.color);
      expect(['high', 'low', 'tech']).toContain(a.tier);
      expect(a.health?.computedAt).toBe(new Date(NOW).toISOString());
    }
    const changes = events.events.filter((e) => e.detailType === HEALTH_CHANGED_DETAIL_TYPE);
    expect(changes).toHaveLength(result.healthChanges);
    // Events carry ids only.
    expect(JSON.stringify(events.events)).not.toContain('@');
  });
});
