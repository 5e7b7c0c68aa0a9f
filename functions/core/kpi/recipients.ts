import type { SendRecord } from '../sending/send.ts';
import type { RECIPIENT_COLUMNS } from './columns.ts';
import { addDays, type DayRange, dayOf, inRange } from './dates.ts';
import { countsForEmailKpis, isHoldoutSkip, sendDay, wasSent } from './email.ts';
import type { RowOf } from './format.ts';
import type { ContactEnrollment } from './inputs.ts';
import { LOGIN_WINDOW_DAYS, type LoginIndex } from './login.ts';

/** One row of the per-recipient export. */
export type RecipientRow = RowOf<typeof RECIPIENT_COLUMNS>;

interface Tally {
  contactId: string;
  accountId: string;
  holdout: boolean;
  enrollment?: ContactEnrollment['enrollment'];
  sent: SendRecord[];
  firstTouchDay?: string;
}

/**
 * Engagement per contact id for one campaign: contacts who entered it or were sent (or held out from)
 * one of its emails in the range, with their enrollment outcome, send facts and logins after the first touch.
 */
export function recipientRows(
  campaignId: string,
  range: DayRange,
  sends: readonly SendRecord[],
  enrollments: readonly ContactEnrollment[],
  logins: LoginIndex,
  dataThrough: string,
): RecipientRow[] {
  const byContact = new Map<string, Tally>();
  const tallyOf = (contactId: string, accountId: string): Tally => {
    let tally = byContact.get(contactId);
    if (!tally) {
      tally = { contactId, accountId, holdout: false, sent: [] };
      byContact.set(contactId, tally);
    }
    return tally;
  };
  for (const item of enrollments) {
    if (item.enrollment.campaignId !== campaignId || !inRange(dayOf(item.enrollment.enteredAt), range))
      continue;
    const tally = tallyOf(item.contactId, item.accountId);
    tally.enrollment = item.enrollment;
    tally.holdout = item.enrollment.holdout;
  }
  for (const send of sends) {
    if (send.campaignId !== campaignId || send.test === true) continue;
    const holdout = isHoldoutSkip(send);
    const sent = countsForEmailKpis(send) && wasSent(send);
    if ((!holdout && !sent) || !inRange(sendDay(send), range)) continue;
    const tally = tallyOf(send.contactId, send.accountId);
    if (holdout) tally.holdout = true;
    if (sent) tally.sent.push(send);
    const day = sendDay(send);
    if (tally.firstTouchDay === undefined || day < tally.firstTouchDay) tally.firstTouchDay = day;
  }
  return [...byContact.values()]
    .sort((a, b) => a.contactId.localeCompare(b.contactId))
    .map((t) => {
      const times = t.sent.map((s) => s.sentAt ?? s.claimedAt).sort();
      const has = (pick: (s: SendRecord) => string | undefined) =>
        t.sent.filter((s) => pick(s) !== undefined).length;
      const windowEnd =
        t.firstTouchDay === undefined ? undefined : addDays(t.firstTouchDay, LOGIN_WINDOW_DAYS - 1);
      return {
        contact_id: t.contactId,
        account_id: t.accountId,
        campaign_id: campaignId,
        is_holdout: t.holdout ? 1 : 0,
        entered_at: t.enrollment?.enteredAt ?? null,
        exit_reason: t.enrollment?.exitReason ?? null,
        goal_reached_at: t.enrollment?.goalReachedAt ?? null,
        sends: t.sent.length,
        delivered: has((s) => s.deliveredAt),
        human_opens: has((s) => s.firstOpenAt),
        machine_opens: has((s) => s.firstMachineOpenAt),
        clicks: has((s) => s.firstClickAt),
        bounced: has((s) => s.bouncedAt),
        complained: has((s) => s.complainedAt),
        unsubscribed: has((s) => s.unsubscribedAt),
        first_sent_at: times[0] ?? null,
        last_sent_at: times.at(-1) ?? null,
        logins_7d:
          t.firstTouchDay === undefined || windowEnd === undefined || windowEnd > dataThrough
            ? null
            : logins.sum(t.contactId, t.firstTouchDay, windowEnd),
      };
    });
}
