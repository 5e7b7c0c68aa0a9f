import {
  activeContactIds,
  type CsKpiRow,
  csKpis,
  type FeatureUsageRow,
  featureUsage,
  type HealthByTierRow,
  healthByTier,
  type OnboardingFunnelRow,
  type OnboardingKpiRow,
  onboardingCohorts,
  onboardingFunnel,
} from './cs.ts';
import { addDays, type DayRange, daysBetween, type PeriodKind, periodsOf } from './dates.ts';
import { type EmailKpiRow, emailKpis } from './email.ts';
import { type ExperimentKpiRow, experimentKpis } from './experiment-rows.ts';
import { type KpiSnapshot, onboardingCampaignIds } from './inputs.ts';
import { buildLoginIndex, type LoginKpiRow, loginKpis } from './login.ts';
import { type RevenueKpiRow, revenueKpis } from './revenue.ts';

/** Every KPI table for one range, plus what the report needs to label it. */
export interface KpiDataset {
  range: DayRange;
  /** last day whose usage is complete; login windows must end on or before it */
  dataThrough: string;
  period: PeriodKind;
  generatedAt: string;
  email: EmailKpiRow[];
  login: LoginKpiRow[];
  onboarding: OnboardingKpiRow[];
  funnel: OnboardingFunnelRow[];
  features: FeatureUsageRow[];
  healthByTier: HealthByTierRow[];
  cs: CsKpiRow[];
  revenue: RevenueKpiRow[];
  experiments: ExperimentKpiRow[];
}

/** How KPIs are cut: the day range, period size ('auto' = weeks up to 92 days, else months) and the clock. */
export interface KpiOptions {
  range: DayRange;
  period: PeriodKind | 'auto';
  now: Date;
  /** the policy's globalHoldout share (0–1), for the program-wide lift rows; none when absent */
  globalHoldoutShare?: number;
}

/** The usage days login KPIs read for a range: 14 days before its start to 13 days after its end. */
export function usageWindowFor(range: DayRange): DayRange {
  return { from: addDays(range.from, -14), to: addDays(range.to, 13) };
}

/** Resolves 'auto' to weeks for ranges up to 92 days, months beyond. */
export function resolvePeriod(range: DayRange, period: PeriodKind | 'auto'): PeriodKind {
  if (period !== 'auto') return period;
  return daysBetween(range.from, range.to) + 1 <= 92 ? 'week' : 'month';
}

/** Computes every KPI table from one snapshot of the inputs. */
export function computeKpis(input: KpiSnapshot, options: KpiOptions): KpiDataset {
  const { range } = options;
  const generatedAt = options.now.toISOString();
  const dataThrough = addDays(generatedAt.slice(0, 10), -1);
  const period = resolvePeriod(range, options.period);
  const periods = periodsOf(range, period);
  const onboardingIds = onboardingCampaignIds(input.campaigns, input.enrollments);
  const active = activeContactIds(input.accounts, input.contacts, range);
  return {
    range,
    dataThrough,
    period,
    generatedAt,
    email: emailKpis(input.sends, range),
    login: loginKpis(input.sends, input.dailyUsage, { range, dataThrough }),
    onboarding: onboardingCohorts(input.enrollments, onboardingIds, range),
    funnel: onboardingFunnel(input.enrollments, onboardingIds, input.campaigns, range),
    features: featureUsage(input.dailyUsage, active, range),
    healthByTier: healthByTier(input.accounts),
    cs: csKpis(
      {
        accounts: input.accounts,
        enrollments: input.enrollments,
        onboardingCampaignIds: onboardingIds,
        npsResponses: input.npsResponses,
        usage: input.dailyUsage,
        contacts: input.contacts,
      },
      periods,
    ),
    revenue: revenueKpis(input.accounts, periods),
    experiments: experimentKpis(input.sends, {
      range,
      dataThrough,
      enrollments: input.enrollments,
      logins: buildLoginIndex(input.dailyUsage),
      contacts: input.contacts,
      globalHoldoutShare: options.globalHoldoutShare ?? 0,
    }),
  };
}
