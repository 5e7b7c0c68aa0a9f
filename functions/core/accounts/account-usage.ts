import { addDays } from '../kpi/dates.ts';
import type { AccountMember, AccountUsage, Contact, DailyUsage } from '../shared/domain.ts';

/**
 * Rolls an account's usage up from its contacts' daily rows, for windows ending on `through` (the last
 * complete UTC day): logins in 7 and 30 days, the 30 days before those, active contacts and their share
 * of seats, distinct features used, and the 30-day login trend. Rows of other accounts are ignored.
 */
export function accountUsageOf(
  accountId: string,
  seats: number,
  contacts: readonly Contact[],
  rows: readonly DailyUsage[],
  through: string,
): AccountUsage {
  const from7 = addDays(through, -6);
  const from30 = addDays(through, -29);
  const fromPrevious = addDays(through, -59);
  let logins7d = 0;
  let logins30d = 0;
  let loginsPrevious30d = 0;
  const active = new Set<string>();
  const features = new Set<string>();
  for (const row of rows) {
    if (row.accountId !== accountId || row.date > through || row.date < fromPrevious) continue;
    if (row.date < from30) {
      loginsPrevious30d += row.logins;
      continue;
    }
    logins30d += row.logins;
    if (row.date >= from7) logins7d += row.logins;
    if (row.logins > 0) active.add(row.contactId);
    for (const [feature, count] of Object.entries(row.features)) if (count > 0) features.add(feature);
  }
  return {
    through,
    logins7d,
    logins30d,
    loginsPrevious30d,
    activeContacts30d: active.size,
    activeSeatShare: seats > 0 ? active.size / seats : null,
    featureBreadth30d: features.size,
    loginTrend30d: loginsPrevious30d > 0 ? (logins30d - loginsPrevious30d) / loginsPrevious30d : null,
    members: membersOf(accountId, contacts),
  };
}

/** The account's contacts in a stable order (sign-up, then id), with whether each can get campaign mail. */
export function membersOf(accountId: string, contacts: readonly Contact[]): AccountMember[] {
  return contacts
    .filter((c) => c.accountId === accountId)
    .map((c) => ({
      id: c.id,
      role: c.role,
      signedUpAt: c.signedUpAt,
      reachable: !c.unsubscribedAll && !c.suppressed,
    }))
    .sort((a, b) => a.signedUpAt.localeCompare(b.signedUpAt) || a.id.localeCompare(b.id));
}
