import type { Account, Contact } from '../shared/domain.ts';
import { toEpoch } from '../shared/duration.ts';

// The one rule every path applies before it enrolls or mails anyone (planner, sender, demo ledger, CS
// KPIs): a contact exists for lowtouch only from its sign-up, only once its account has started, and
// no longer once the account has churned.

/** Why a contact may not be enrolled or mailed at an instant. */
export type IneligibleReason = 'not-signed-up' | 'account-not-started' | 'account-churned';

/** The dates eligibility reads, as epoch ms (undefined when absent). */
export interface EligibilityDates {
  signedUpMs: number | undefined;
  accountStartedMs: number | undefined;
  accountChurnedMs: number | undefined;
  /** the account's status now; a churned account without a churn date counts as churned at any instant */
  accountStatus: Account['status'];
}

/** Why the contact is not eligible at `now` (epoch ms), or undefined when it is. */
export function ineligibleAt(dates: EligibilityDates, now: number): IneligibleReason | undefined {
  if (dates.signedUpMs === undefined || now < dates.signedUpMs) return 'not-signed-up';
  if (dates.accountStartedMs !== undefined && now < dates.accountStartedMs) return 'account-not-started';
  if (
    dates.accountChurnedMs !== undefined ? now >= dates.accountChurnedMs : dates.accountStatus === 'churned'
  )
    return 'account-churned';
  return undefined;
}

/** The eligibility dates of a contact and its account, parsed from their ISO fields. */
export function eligibilityDatesOf(
  contact: Pick<Contact, 'signedUpAt'>,
  account: Pick<Account, 'startedAt' | 'churnedAt' | 'status'>,
): EligibilityDates {
  return {
    signedUpMs: toEpoch(contact.signedUpAt),
    accountStartedMs: toEpoch(account.startedAt),
    accountChurnedMs: toEpoch(account.churnedAt),
    accountStatus: account.status,
  };
}

/** Why a contact of an account may not be mailed at `now` (epoch ms), or undefined when it may. */
export function contactIneligibleAt(
  contact: Pick<Contact, 'signedUpAt'>,
  account: Pick<Account, 'startedAt' | 'churnedAt' | 'status'>,
  now: number,
): IneligibleReason | undefined {
  return ineligibleAt(eligibilityDatesOf(contact, account), now);
}

/**
 * Whether the contact was eligible at some instant of [fromMs, toMs]: signed up and started by the end,
 * not churned by the start. KPIs count a contact as active in a period on this rule.
 */
export function eligibleDuring(dates: EligibilityDates, fromMs: number, toMs: number): boolean {
  if (dates.signedUpMs === undefined) return false;
  const first = Math.max(fromMs, dates.signedUpMs, dates.accountStartedMs ?? fromMs);
  return first <= toMs && ineligibleAt(dates, first) === undefined;
}
