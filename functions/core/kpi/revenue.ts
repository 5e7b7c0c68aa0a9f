import type { Account } from '../shared/domain.ts';
import type { REVENUE_KPI_COLUMNS } from './columns.ts';
import { dayOf, inRange, type Period } from './dates.ts';
import type { RowOf } from './format.ts';
import { ratio } from './format.ts';

export type RevenueKpiRow = RowOf<typeof REVENUE_KPI_COLUMNS>;

/** Days in an average month, used to turn a period's churn into a monthly rate. */
export const DAYS_PER_MONTH = 30.4375;

/**
 * The day an account became a paying customer, or undefined if it never did: trials are not
 * customers, and an account that churned before its trial ended never paid.
 */
export function customerSince(account: Account): string | undefined {
  if (account.status === 'trial') return undefined;
  const since = dayOf(account.trialEndsAt ?? account.startedAt);
  if (account.churnedAt && dayOf(account.churnedAt) <= since && account.trialEndsAt) return undefined;
  return since;
}

/** Whether an account is a paying customer at the start of a day. */
export function isCustomerOn(account: Account, day: string): boolean {
  const since = customerSince(account);
  if (since === undefined || since > day) return false;
  return account.churnedAt === undefined || dayOf(account.churnedAt) >= day;
}

/** Customers at a period's start and those of them who churned within it. */
export function churnOf(accounts: readonly Account[], period: Period) {
  const atStart = accounts.filter((a) => isCustomerOn(a, period.from));
  const churned = atStart.filter(
    (a) => a.churnedAt !== undefined && inRange(dayOf(a.churnedAt), { from: period.from, to: period.to }),
  );
  return { atStart, churned };
}

/** ARPU, churn and LTV per period and currency, plus a "*" row of counts over every currency. */
export function revenueKpis(accounts: readonly Account[], periods: readonly Period[]): RevenueKpiRow[] {
  const currencies = [...new Set(accounts.map((a) => a.currency))].sort();
  const rows: RevenueKpiRow[] = [];
  for (const period of periods) {
    for (const currency of ['*', ...currencies]) {
      const pool = currency === '*' ? accounts : accounts.filter((a) => a.currency === currency);
      const { atStart, churned } = churnOf(pool, period);
      const churnRate = ratio(churned.length, atStart.length);
      const monthly = churnRate === null ? null : (churnRate * DAYS_PER_MONTH) / period.days;
      const mrr = currency === '*' ? null : atStart.reduce((sum, a) => sum + a.mrr, 0);
      const arpu = mrr === null ? null : ratio(mrr, atStart.length);
      rows.push({
        period: period.label,
        period_start: period.from,
        period_end: period.to,
        currency,
        customers_start: atStart.length,
        mrr_start: mrr,
        arpu,
        churned: churned.length,
        churn_rate: churnRate,
        churn_rate_monthly: monthly,
        ltv: arpu === null || monthly === null ? null : ratio(arpu, monthly),
      });
    }
  }
  return rows;
}
