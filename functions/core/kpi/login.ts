import type { SendRecord } from '../sending/send.ts';
import type { DailyUsage } from '../shared/domain.ts';
import type { LOGIN_KPI_COLUMNS } from './columns.ts';
import { addDays, type DayRange, inRange } from './dates.ts';
import { compareKeys, countsForEmailKpis, isHoldoutSkip, sendDay, wasSent } from './email.ts';
import type { RowOf } from './format.ts';
import { ratio } from './format.ts';
import { twoProportionZTest } from './stats.ts';

/** One login-kpis row. */
export type LoginKpiRow = RowOf<typeof LOGIN_KPI_COLUMNS>;

/** Days after the send (send day included) in which a login counts for the login rate. */
export const LOGIN_WINDOW_DAYS = 7;
/** Days before and after the send compared for average logins. */
export const LOGIN_AVERAGE_DAYS = 14;

/** Logins per contact per day, for window sums. */
export interface LoginIndex {
  /** Sum of logins of a contact over the days from..to inclusive. */
  sum(contactId: string, from: string, to: string): number;
}

/** Indexes daily usage rows by contact and day. */
export function buildLoginIndex(usage: readonly DailyUsage[]): LoginIndex {
  const byContact = new Map<string, Map<string, number>>();
  for (const row of usage) {
    let days = byContact.get(row.contactId);
    if (!days) {
      days = new Map();
      byContact.set(row.contactId, days);
    }
    days.set(row.date, (days.get(row.date) ?? 0) + row.logins);
  }
  return {
    sum(contactId, from, to) {
      const days = byContact.get(contactId);
      if (!days) return 0;
      let total = 0;
      for (let day = from; day <= to; day = addDays(day, 1)) total += days.get(day) ?? 0;
      return total;
    },
  };
}

/** A contact exposed (or held out) on a day. */
interface Unit {
  contactId: string;
  day: string;
  holdout: boolean;
}

/** Options for login KPIs: the send range, and the last day whose usage is complete. */
export interface LoginKpiOptions {
  range: DayRange;
  dataThrough: string;
}

interface GroupStats {
  n7: number;
  x7: number;
  n14: number;
  before14: number;
  after14: number;
}

function statsOf(units: readonly Unit[], logins: LoginIndex, dataThrough: string): GroupStats {
  const stats: GroupStats = { n7: 0, x7: 0, n14: 0, before14: 0, after14: 0 };
  for (const unit of units) {
    if (addDays(unit.day, LOGIN_WINDOW_DAYS - 1) <= dataThrough) {
      stats.n7 += 1;
      if (logins.sum(unit.contactId, unit.day, addDays(unit.day, LOGIN_WINDOW_DAYS - 1)) > 0) stats.x7 += 1;
    }
    if (addDays(unit.day, LOGIN_AVERAGE_DAYS - 1) <= dataThrough) {
      stats.n14 += 1;
      stats.before14 += logins.sum(
        unit.contactId,
        addDays(unit.day, -LOGIN_AVERAGE_DAYS),
        addDays(unit.day, -1),
      );
      stats.after14 += logins.sum(unit.contactId, unit.day, addDays(unit.day, LOGIN_AVERAGE_DAYS - 1));
    }
  }
  return stats;
}

function rowOf(
  campaignId: string,
  stepId: string,
  units: readonly Unit[],
  logins: LoginIndex,
  through: string,
) {
  const t = statsOf(
    units.filter((u) => !u.holdout),
    logins,
    through,
  );
  const h = statsOf(
    units.filter((u) => u.holdout),
    logins,
    through,
  );
  const treatedRate = ratio(t.x7, t.n7);
  const holdoutRate = ratio(h.x7, h.n7);
  const test = twoProportionZTest(t.x7, t.n7, h.x7, h.n7);
  const row: LoginKpiRow = {
    campaign_id: campaignId,
    step_id: stepId,
    recipients: t.n7,
    recipients_logged_in: t.x7,
    recipient_login_rate: treatedRate,
    holdout: h.n7,
    holdout_logged_in: h.x7,
    holdout_login_rate: holdoutRate,
    login_lift_pts: treatedRate === null || holdoutRate === null ? null : (treatedRate - holdoutRate) * 100,
    z_score: test.z,
    p_value: test.pValue,
    recipients_14d: t.n14,
    avg_logins_before_14d: ratio(t.before14, t.n14),
    avg_logins_after_14d: ratio(t.after14, t.n14),
    holdout_14d: h.n14,
    holdout_avg_logins_before_14d: ratio(h.before14, h.n14),
    holdout_avg_logins_after_14d: ratio(h.after14, h.n14),
  };
  return row;
}

/** The exposure units of each campaign / step: sent emails and holdout skips whose day is in range. */
export function loginUnits(sends: readonly SendRecord[], range: DayRange): Map<string, Map<string, Unit[]>> {
  const byCampaign = new Map<string, Map<string, Unit[]>>();
  for (const send of sends) {
    if (send.test === true) continue;
    const holdout = isHoldoutSkip(send);
    if (!holdout && !(countsForEmailKpis(send) && wasSent(send))) continue;
    const day = sendDay(send);
    if (!inRange(day, range)) continue;
    let steps = byCampaign.get(send.campaignId);
    if (!steps) {
      steps = new Map();
      byCampaign.set(send.campaignId, steps);
    }
    const list = steps.get(send.stepId) ?? [];
    list.push({ contactId: send.contactId, day, holdout });
    steps.set(send.stepId, list);
  }
  return byCampaign;
}

/**
 * Login KPIs per campaign / step, and per campaign ("*", each contact's first touch): the share of
 * recipients with a login within 7 days against the holdout, the lift, its z-test, and 14-day averages.
 */
export function loginKpis(
  sends: readonly SendRecord[],
  usage: readonly DailyUsage[],
  options: LoginKpiOptions,
): LoginKpiRow[] {
  const logins = buildLoginIndex(usage);
  const rows: LoginKpiRow[] = [];
  const byCampaign = loginUnits(sends, options.range);
  for (const campaignId of [...byCampaign.keys()].sort()) {
    const steps = byCampaign.get(campaignId) ?? new Map<string, Unit[]>();
    const firstTouch = new Map<string, Unit>();
    for (const units of steps.values()) {
      for (const unit of units) {
        const seen = firstTouch.get(unit.contactId);
        if (!seen || compareKeys([unit.day], [seen.day]) < 0) firstTouch.set(unit.contactId, unit);
      }
    }
    rows.push(rowOf(campaignId, '*', [...firstTouch.values()], logins, options.dataThrough));
    for (const stepId of [...steps.keys()].sort()) {
      rows.push(rowOf(campaignId, stepId, steps.get(stepId) ?? [], logins, options.dataThrough));
    }
  }
  return rows;
}
