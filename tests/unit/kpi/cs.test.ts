import { describe, expect, it } from 'vitest';
import {
  activeContactIds,
  csKpis,
  featureUsage,
  healthByTier,
  npsOf,
  onboardingCohorts,
  onboardingFunnel,
} from '../../../functions/core/kpi/cs.ts';
import { periodsOf } from '../../../functions/core/kpi/dates.ts';
import type { ContactEnrollment } from '../../../functions/core/kpi/inputs.ts';
import { customerSince, revenueKpis } from '../../../functions/core/kpi/revenue.ts';
import type { NpsResponse } from '../../../functions/core/shared/domain.ts';
import { account, contact, usage } from './helpers/fixtures.ts';

const NOV = { from: '2026-11-01', to: '2026-11-30' };

function enrolled(
  contactId: string,
  enteredAt: string,
  extra: Partial<ContactEnrollment['enrollment']> = {},
): ContactEnrollment {
  return {
    contactId,
    accountId: 'acct-1',
    enrollment: { campaignId: 'onboarding', seq: 1, enteredAt, holdout: false, steps: {}, ...extra },
  };
}

const claimed = (at: string) => ({ status: 'claimed' as const, at });

describe('onboarding completion', () => {
  const enrollments = [
    enrolled('e1', '2026-11-03T10:00:00Z', { goalReachedAt: '2026-11-05T10:00:00Z', exitReason: 'goal' }),
    enrolled('e2', '2026-11-04T10:00:00Z'),
    enrolled('e3', '2026-11-08T23:00:00Z', { exitReason: 'goal' }), // Sunday: same ISO week
    enrolled('h1', '2026-11-05T10:00:00Z', { holdout: true }),
    enrolled('e4', '2026-11-09T00:30:00Z', { exitReason: 'left-audience' }),
    enrolled('x1', '2026-11-04T10:00:00Z', { campaignId: 'renewal', exitReason: 'goal' }),
    enrolled('old', '2026-10-20T10:00:00Z', { exitReason: 'goal' }),
  ];

  it('divides goal reached by enrolled per weekly cohort, holdout apart', () => {
    expect(onboardingCohorts(enrollments, ['onboarding'], NOV)).toEqual([
      {
        cohort_week: '2026-11-02',
        campaign_id: 'onboarding',
        enrolled: 3,
        completed: 2,
        completion_rate: 2 / 3,
        holdout_enrolled: 1,
        holdout_completed: 0,
        holdout_completion_rate: 0,
      },
      {
        cohort_week: '2026-11-09',
        campaign_id: 'onboarding',
        enrolled: 1,
        completed: 0,
        completion_rate: 0,
        holdout_enrolled: 0,
        holdout_completed: 0,
        holdout_completion_rate: null,
      },
    ]);
  });

  it('builds the funnel in declared step order, holdout excluded', () => {
    const withSteps = [
      enrolled('a', '2026-11-03T10:00:00Z', {
        steps: { welcome: claimed('2026-11-03T10:00:00Z'), tips: claimed('2026-11-05T10:00:00Z') },
        exitReason: 'goal',
      }),
      enrolled('b', '2026-11-03T10:00:00Z', { steps: { welcome: claimed('2026-11-03T10:00:00Z') } }),
      enrolled('c', '2026-11-03T10:00:00Z', {
        steps: { welcome: { status: 'skipped', at: '2026-11-03T10:00:00Z', reason: 'suppressed' } },
      }),
      enrolled('h', '2026-11-03T10:00:00Z', {
        holdout: true,
        steps: { welcome: { status: 'held-out', at: '2026-11-03T10:00:00Z' } },
      }),
    ];
    const rows = onboardingFunnel(
      withSteps,
      ['onboarding'],
      [{ id: 'onboarding', kind: 'onboarding', stepIds: ['welcome', 'tips'] }],
      NOV,
    );
    expect(rows.map((r) => [r.stage_index, r.stage, r.contacts, r.share_of_enrolled])).toEqual([
      [0, 'enrolled', 3, 1],
      [1, 'step:welcome', 2, 2 / 3],
      [2, 'step:tips', 1, 1 / 3],
      [3, 'goal', 1, 1 / 3],
    ]);
    // Without declared steps the order follows the delay after entry.
    expect(onboardingFunnel(withSteps, ['onboarding'], [], NOV).map((r) => r.stage)).toEqual([
      'enrolled',
      'step:welcome',
      'step:tips',
      'goal',
    ]);
    // An empty campaign has null shares, not NaN.
    expect(onboardingFunnel([], ['onboarding'], [], NOV)).toEqual([
      { campaign_id: 'onboarding', stage_index: 0, stage: 'enrolled', contacts: 0, share_of_enrolled: null },
      { campaign_id: 'onboarding', stage_index: 1, stage: 'goal', contacts: 0, share_of_enrolled: null },
    ]);
  });
});

describe('feature usage and health', () => {
  const accounts = [
    account({
      id: 'a1',
      tier: 'high',
      health: { score: 80, color: 'green', measures: {}, computedAt: '2026-11-01T00:00:00Z' },
    }),
    account({
      id: 'a2',
      tier: 'high',
      health: { score: 20, color: 'red', measures: {}, computedAt: '2026-11-01T00:00:00Z' },
    }),
    account({ id: 'a3', tier: 'tech' }),
    account({ id: 'a4', tier: 'low', status: 'churned', churnedAt: '2026-10-01T00:00:00Z' }),
  ];
  const contacts = [
    contact({ id: 'c1', accountId: 'a1' }),
    contact({ id: 'c2', accountId: 'a2' }),
    contact({ id: 'c3', accountId: 'a3' }),
    contact({ id: 'c4', accountId: 'a4' }),
  ];

  it('shares feature users among contacts of non-churned accounts', () => {
    const active = activeContactIds(accounts, contacts, NOV);
    expect([...active].sort()).toEqual(['c1', 'c2', 'c3']);
    const rows = featureUsage(
      [
        usage('c1', '2026-11-02', 1, { reports: 2 }),
        usage('c1', '2026-11-03', 1, { reports: 1, api: 1 }),
        usage('c2', '2026-11-03', 1, { reports: 0 }),
        usage('c4', '2026-11-03', 1, { reports: 5 }), // churned account
        usage('c3', '2026-10-31', 1, { api: 1 }), // outside the range
      ],
      active,
      NOV,
    );
    expect(rows).toEqual([
      { feature: '*', users: 1, active_contacts: 3, usage_rate: 1 / 3, uses: 4 },
      { feature: 'api', users: 1, active_contacts: 3, usage_rate: 1 / 3, uses: 1 },
      { feature: 'reports', users: 1, active_contacts: 3, usage_rate: 1 / 3, uses: 3 },
    ]);
    expect(featureUsage([], new Set(), NOV)).toEqual([
      { feature: '*', users: 0, active_contacts: 0, usage_rate: null, uses: 0 },
    ]);
  });

  it('lists the health distribution per tier, every tier present, churned accounts out', () => {
    expect(healthByTier(accounts)).toEqual([
      {
        tier: 'high',
        accounts: 2,
        green: 1,
        yellow: 0,
        red: 1,
        unscored: 0,
        green_share: 0.5,
        yellow_share: 0,
        red_share: 0.5,
        avg_score: 50,
      },
      {
        tier: 'low',
        accounts: 0,
        green: 0,
        yellow: 0,
        red: 0,
        unscored: 0,
        green_share: null,
        yellow_share: null,
        red_share: null,
        avg_score: null,
      },
      {
        tier: 'tech',
        accounts: 1,
        green: 0,
        yellow: 0,
        red: 0,
        unscored: 1,
        green_share: 0,
        yellow_share: 0,
        red_share: 0,
        avg_score: null,
      },
    ]);
  });
});

describe('NPS, churn, ARPU and LTV', () => {
  const answer = (id: string, score: number, respondedAt = '2026-11-10T00:00:00Z'): NpsResponse => ({
    id,
    accountId: 'a',
    contactId: id,
    score,
    respondedAt,
  });

  it('computes NPS as promoters minus detractors over all answers', () => {
    expect(npsOf([10, 9, 8, 7, 6, 0].map((s, i) => answer(`r${i}`, s)))).toEqual({
      n: 6,
      promoters: 2,
      passives: 2,
      detractors: 2,
      nps: 0,
    });
    expect(npsOf([answer('a', 10), answer('b', 10), answer('c', 3)]).nps).toBeCloseTo(100 / 3, 10);
    expect(npsOf([]).nps).toBeNull();
  });

  const accounts = [
    account({ id: 'A', mrr: 1000 }),
    account({ id: 'B', mrr: 500, status: 'churned', churnedAt: '2026-11-10T08:00:00Z' }),
    account({
      id: 'C',
      status: 'trial',
      startedAt: '2026-10-01T00:00:00Z',
      trialEndsAt: '2026-12-01T00:00:00Z',
    }),
    // Churned while still in its trial: never a paying customer.
    account({
      id: 'D',
      status: 'churned',
      startedAt: '2026-10-20T00:00:00Z',
      trialEndsAt: '2026-11-05T00:00:00Z',
      churnedAt: '2026-11-03T00:00:00Z',
    }),
    // Became a customer mid-month: not in the month's starting base.
    account({ id: 'E', startedAt: '2026-11-15T00:00:00Z', mrr: 9999 }),
    account({ id: 'J', currency: 'JPY', mrr: 100_000 }),
  ];

  it('knows when an account became a paying customer', () => {
    expect(customerSince(accounts[0] ?? account({ id: 'x' }))).toBe('2025-01-01');
    expect(customerSince(accounts[2] ?? account({ id: 'x' }))).toBeUndefined();
    expect(customerSince(accounts[3] ?? account({ id: 'x' }))).toBeUndefined();
  });

  it('divides churned by customers at the period start, per currency, and derives ARPU and LTV', () => {
    const [month] = periodsOf(NOV, 'month');
    expect(month).toEqual({ label: '2026-11', from: '2026-11-01', to: '2026-11-30', days: 30 });
    const rows = revenueKpis(accounts, month ? [month] : []);
    const all = rows.find((r) => r.currency === '*');
    const usd = rows.find((r) => r.currency === 'USD');
    const jpy = rows.find((r) => r.currency === 'JPY');
    expect(all).toMatchObject({ customers_start: 3, churned: 1, mrr_start: null, arpu: null, ltv: null });
    expect(all?.churn_rate).toBeCloseTo(1 / 3, 12);
    expect(usd).toMatchObject({
      customers_start: 2,
      mrr_start: 1500,
      arpu: 750,
      churned: 1,
      churn_rate: 0.5,
    });
    expect(usd?.churn_rate_monthly).toBeCloseTo((0.5 * 30.4375) / 30, 12);
    expect(usd?.ltv).toBeCloseTo(750 / ((0.5 * 30.4375) / 30), 9);
    // Nobody churned: LTV has no finite value, so it is empty rather than Infinity.
    expect(jpy).toMatchObject({ customers_start: 1, arpu: 100_000, churn_rate: 0, ltv: null });
  });

  it('fills one CS row per period with churn, NPS, onboarding and feature usage', () => {
    const periods = periodsOf({ from: '2026-11-01', to: '2026-11-14' }, 'week');
    expect(periods.map((p) => [p.label, p.from, p.to, p.days])).toEqual([
      ['2026-11-01', '2026-11-01', '2026-11-01', 1],
      ['2026-11-02', '2026-11-02', '2026-11-08', 7],
      ['2026-11-09', '2026-11-09', '2026-11-14', 6],
    ]);
    const rows = csKpis(
      {
        accounts,
        enrollments: [
          enrolled('e1', '2026-11-03T10:00:00Z', { exitReason: 'goal' }),
          enrolled('e2', '2026-11-04T10:00:00Z'),
        ],
        onboardingCampaignIds: ['onboarding'],
        npsResponses: [answer('p', 10, '2026-11-09T01:00:00Z'), answer('d', 2, '2026-11-12T01:00:00Z')],
        usage: [usage('c1', '2026-11-10', 1, { api: 1 })],
        // c3 signs up after the range, so only c1 and c2 are active
        contacts: [
          contact({ id: 'c1', accountId: 'A' }),
          contact({ id: 'c2', accountId: 'A' }),
          contact({ id: 'c3', accountId: 'A', signedUpAt: '2026-11-20T00:00:00Z' }),
        ],
      },
      periods,
    );
    expect(rows[0]).toMatchObject({
      period: '2026-11-01',
      customers_start: 3,
      churned: 0,
      churn_rate: 0,
      nps: null,
    });
    expect(rows[1]).toMatchObject({
      onboarding_enrolled: 2,
      onboarding_completed: 1,
      onboarding_completion_rate: 0.5,
      feature_users: 0,
      feature_usage_rate: 0,
    });
    expect(rows[2]).toMatchObject({
      churned: 1,
      nps_responses: 2,
      promoters: 1,
      detractors: 1,
      nps: 0,
      onboarding_completion_rate: null,
      feature_users: 1,
      feature_usage_rate: 0.5,
    });
  });

  it('counts as active in a week only the contacts signed up by its end whose account has not churned', () => {
    const periods = periodsOf({ from: '2026-11-02', to: '2026-11-22' }, 'week');
    const rows = csKpis(
      {
        accounts,
        enrollments: [],
        onboardingCampaignIds: [],
        npsResponses: [],
        usage: [],
        contacts: [
          contact({ id: 'c1', accountId: 'A' }),
          contact({ id: 'late', accountId: 'A', signedUpAt: '2026-11-12T08:00:00Z' }),
          contact({ id: 'gone', accountId: 'B' }),
          contact({ id: 'early', accountId: 'C', signedUpAt: '2026-09-01T00:00:00Z' }),
        ],
      },
      periods,
    );
    // week 1: c1, gone, early; week 2: + late, and gone's account churns mid-week; week 3: c1, late, early
    expect(rows.map((row) => row.active_contacts)).toEqual([3, 4, 3]);
  });
});
