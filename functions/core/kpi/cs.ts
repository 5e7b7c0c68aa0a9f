import { eligibilityDatesOf, eligibleDuring } from '../campaign/eligibility.ts';
import type { Enrollment } from '../campaign/plan-state.ts';
import type { Account, Contact, DailyUsage, NpsResponse, Tier } from '../shared/domain.ts';
import type {
  CS_KPI_COLUMNS,
  FEATURE_USAGE_COLUMNS,
  HEALTH_BY_TIER_COLUMNS,
  ONBOARDING_FUNNEL_COLUMNS,
  ONBOARDING_KPI_COLUMNS,
} from './columns.ts';
import { type DayRange, dayOf, inRange, type Period, weekStart } from './dates.ts';
import type { RowOf } from './format.ts';
import { ratio } from './format.ts';
import type { CampaignInfo, ContactEnrollment } from './inputs.ts';
import { churnOf } from './revenue.ts';

export type OnboardingKpiRow = RowOf<typeof ONBOARDING_KPI_COLUMNS>;
export type OnboardingFunnelRow = RowOf<typeof ONBOARDING_FUNNEL_COLUMNS>;
export type FeatureUsageRow = RowOf<typeof FEATURE_USAGE_COLUMNS>;
export type HealthByTierRow = RowOf<typeof HEALTH_BY_TIER_COLUMNS>;
export type CsKpiRow = RowOf<typeof CS_KPI_COLUMNS>;

/** Whether an enrollment reached its campaign's goal. */
export function reachedGoal(enrollment: Enrollment): boolean {
  return enrollment.exitReason === 'goal' || enrollment.goalReachedAt !== undefined;
}

/** Onboarding completion per weekly entry cohort: goal reached ÷ enrolled, treatment and holdout apart. */
export function onboardingCohorts(
  enrollments: readonly ContactEnrollment[],
  campaignIds: readonly string[],
  range: DayRange,
): OnboardingKpiRow[] {
  const wanted = new Set(campaignIds);
  const groups = new Map<
    string,
    { week: string; campaignId: string; n: number; x: number; hn: number; hx: number }
  >();
  for (const { enrollment } of enrollments) {
    if (!wanted.has(enrollment.campaignId)) continue;
    const day = dayOf(enrollment.enteredAt);
    if (!inRange(day, range)) continue;
    const week = weekStart(day);
    const id = `${week}\u0000${enrollment.campaignId}`;
    const group = groups.get(id) ?? { week, campaignId: enrollment.campaignId, n: 0, x: 0, hn: 0, hx: 0 };
    const done = reachedGoal(enrollment) ? 1 : 0;
    if (enrollment.holdout) {
      group.hn += 1;
      group.hx += done;
    } else {
      group.n += 1;
      group.x += done;
    }
    groups.set(id, group);
  }
  return [...groups.values()]
    .sort((a, b) => (a.week === b.week ? a.campaignId.localeCompare(b.campaignId) : a.week < b.week ? -1 : 1))
    .map((g) => ({
      cohort_week: g.week,
      campaign_id: g.campaignId,
      enrolled: g.n,
      completed: g.x,
      completion_rate: ratio(g.x, g.n),
      holdout_enrolled: g.hn,
      holdout_completed: g.hx,
      holdout_completion_rate: ratio(g.hx, g.hn),
    }));
}

/** Step order of a campaign: declared order, else by the mean delay between entry and the step. */
function stepOrder(
  campaignId: string,
  enrollments: readonly Enrollment[],
  campaigns: readonly CampaignInfo[],
) {
  const declared = campaigns.find((c) => c.id === campaignId);
  if (declared) return declared.stepIds;
  const delays = new Map<string, { total: number; n: number }>();
  for (const enrollment of enrollments) {
    for (const [stepId, state] of Object.entries(enrollment.steps)) {
      const d = delays.get(stepId) ?? { total: 0, n: 0 };
      d.total += Date.parse(state.at) - Date.parse(enrollment.enteredAt);
      d.n += 1;
      delays.set(stepId, d);
    }
  }
  return [...delays.entries()]
    .sort(([a, x], [b, y]) => x.total / x.n - y.total / y.n || a.localeCompare(b))
    .map(([stepId]) => stepId);
}

/** The onboarding funnel of contacts who entered in the range: enrolled → each step claimed → goal. */
export function onboardingFunnel(
  enrollments: readonly ContactEnrollment[],
  campaignIds: readonly string[],
  campaigns: readonly CampaignInfo[],
  range: DayRange,
): OnboardingFunnelRow[] {
  const rows: OnboardingFunnelRow[] = [];
  for (const campaignId of [...campaignIds].sort()) {
    const entered = enrollments
      .map((e) => e.enrollment)
      .filter((e) => e.campaignId === campaignId && !e.holdout && inRange(dayOf(e.enteredAt), range));
    const stages: [string, number][] = [['enrolled', entered.length]];
    for (const stepId of stepOrder(campaignId, entered, campaigns)) {
      stages.push([`step:${stepId}`, entered.filter((e) => e.steps[stepId]?.status === 'claimed').length]);
    }
    stages.push(['goal', entered.filter(reachedGoal).length]);
    stages.forEach(([stage, contacts], index) => {
      rows.push({
        campaign_id: campaignId,
        stage_index: index,
        stage,
        contacts,
        share_of_enrolled: ratio(contacts, entered.length),
      });
    });
  }
  return rows;
}

/**
 * Ids of contacts eligible at some moment of the range (the core eligibility rule): signed up and their
 * account started by its end, the account not churned by its start. Unknown accounts only need the sign-up.
 */
export function activeContactIds(
  accounts: readonly Account[],
  contacts: readonly Contact[],
  range: DayRange,
): Set<string> {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const from = Date.parse(`${range.from}T00:00:00Z`);
  const to = Date.parse(`${range.to}T23:59:59.999Z`);
  const active = new Set<string>();
  for (const contact of contacts) {
    const account = byId.get(contact.accountId);
    const dates = account
      ? eligibilityDatesOf(contact, account)
      : eligibilityDatesOf(contact, { startedAt: contact.signedUpAt, status: 'active' });
    if (eligibleDuring(dates, from, to)) active.add(contact.id);
  }
  return active;
}

/** Per feature (and "*" for any), the share of active contacts who used it in the range. */
export function featureUsage(
  usage: readonly DailyUsage[],
  active: ReadonlySet<string>,
  range: DayRange,
): FeatureUsageRow[] {
  const users = new Map<string, Set<string>>([['*', new Set()]]);
  const uses = new Map<string, number>([['*', 0]]);
  for (const row of usage) {
    if (!active.has(row.contactId) || !inRange(row.date, range)) continue;
    for (const [feature, n] of Object.entries(row.features)) {
      if (n <= 0) continue;
      for (const key of [feature, '*']) {
        const set = users.get(key) ?? new Set<string>();
        set.add(row.contactId);
        users.set(key, set);
        uses.set(key, (uses.get(key) ?? 0) + n);
      }
    }
  }
  return [...users.keys()]
    .sort((a, b) => (a === '*' ? -1 : b === '*' ? 1 : a.localeCompare(b)))
    .map((feature) => {
      const count = users.get(feature)?.size ?? 0;
      return {
        feature,
        users: count,
        active_contacts: active.size,
        usage_rate: ratio(count, active.size),
        uses: uses.get(feature) ?? 0,
      };
    });
}

const TIER_ORDER: readonly (Tier | 'unassigned')[] = ['high', 'low', 'tech', 'unassigned'];

/** The current health distribution of non-churned accounts per tier (every tier listed, even empty). */
export function healthByTier(accounts: readonly Account[]): HealthByTierRow[] {
  return TIER_ORDER.flatMap((tier) => {
    const inTier = accounts.filter((a) => a.status !== 'churned' && (a.tier ?? 'unassigned') === tier);
    if (tier === 'unassigned' && inTier.length === 0) return [];
    const scored = inTier.flatMap((a) => (a.health ? [a.health] : []));
    const color = (c: string) => scored.filter((h) => h.color === c).length;
    const n = inTier.length;
    return [
      {
        tier,
        accounts: n,
        green: color('green'),
        yellow: color('yellow'),
        red: color('red'),
        unscored: n - scored.length,
        green_share: ratio(color('green'), n),
        yellow_share: ratio(color('yellow'), n),
        red_share: ratio(color('red'), n),
        avg_score: ratio(
          scored.reduce((sum, h) => sum + h.score, 0),
          scored.length,
        ),
      },
    ];
  });
}

/** NPS counts of a set of answers: promoters 9–10, passives 7–8, detractors 0–6. */
export function npsOf(responses: readonly NpsResponse[]) {
  const promoters = responses.filter((r) => r.score >= 9).length;
  const detractors = responses.filter((r) => r.score <= 6).length;
  const n = responses.length;
  const share = ratio(promoters - detractors, n);
  return {
    n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: share === null ? null : share * 100,
  };
}

/** Inputs of the per-period CS KPIs. */
export interface CsPeriodInputs {
  accounts: readonly Account[];
  enrollments: readonly ContactEnrollment[];
  onboardingCampaignIds: readonly string[];
  npsResponses: readonly NpsResponse[];
  usage: readonly DailyUsage[];
  contacts: readonly Contact[];
}

/** CS KPIs per period: churn, NPS, onboarding completion and feature usage rate. */
export function csKpis(inputs: CsPeriodInputs, periods: readonly Period[]): CsKpiRow[] {
  const onboarding = new Set(inputs.onboardingCampaignIds);
  return periods.map((period) => {
    const range = { from: period.from, to: period.to };
    const active = activeContactIds(inputs.accounts, inputs.contacts, range);
    const { atStart, churned } = churnOf(inputs.accounts, period);
    const nps = npsOf(inputs.npsResponses.filter((r) => inRange(dayOf(r.respondedAt), range)));
    const entered = inputs.enrollments
      .map((e) => e.enrollment)
      .filter((e) => onboarding.has(e.campaignId) && !e.holdout && inRange(dayOf(e.enteredAt), range));
    const completed = entered.filter(reachedGoal).length;
    const featureUsers = new Set(
      inputs.usage
        .filter(
          (u) =>
            active.has(u.contactId) && inRange(u.date, range) && Object.values(u.features).some((n) => n > 0),
        )
        .map((u) => u.contactId),
    ).size;
    return {
      period: period.label,
      period_start: period.from,
      period_end: period.to,
      customers_start: atStart.length,
      churned: churned.length,
      churn_rate: ratio(churned.length, atStart.length),
      nps_responses: nps.n,
      promoters: nps.promoters,
      passives: nps.passives,
      detractors: nps.detractors,
      nps: nps.nps,
      onboarding_enrolled: entered.length,
      onboarding_completed: completed,
      onboarding_completion_rate: ratio(completed, entered.length),
      active_contacts: active.size,
      feature_users: featureUsers,
      feature_usage_rate: ratio(featureUsers, active.size),
    };
  });
}
