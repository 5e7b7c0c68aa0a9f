import { epochOf } from '../shared/duration.ts';

// One check for every door that takes usage (the ingest queue, `lowtouch import usage`) and for the
// event time of every door that takes events (`lowtouch events replay`): the same facts are refused
// with the same words wherever they arrive.

/** How far ahead of the receiving clock an event may be dated: senders' clocks drift a little. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Why a timestamp or day lies beyond the receiving clock plus the allowed skew, or undefined. */
export function futureProblem(field: string, value: string, now: number): string | undefined {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = epochOf(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at) || at <= now + CLOCK_SKEW_MS) return undefined;
  return `${field}: ${value} is in the future (now is ${new Date(now).toISOString()}, ${CLOCK_SKEW_MS / 60_000} minutes of clock skew allowed); fix the sender's clock or the ${day ? 'day' : 'timestamp'}`;
}

/** Why an accountId disagrees with the contact's own account, or undefined when it agrees or is absent. */
export function accountProblem(
  accountId: string | undefined,
  contact: { id: string; accountId: string },
): string | undefined {
  if (accountId === undefined || accountId === contact.accountId) return undefined;
  return `accountId: "${accountId}" is not the account of contact ${contact.id} (${contact.accountId}); fix it or leave it out`;
}

/** Why a usage fact (an event's instant or a daily row's day) may not be stored, or undefined. */
export function usageProblem(
  usage: { accountId?: string | undefined } & ({ at: string } | { date: string }),
  contact: { id: string; accountId: string },
  now: number,
): string | undefined {
  const when = 'at' in usage ? futureProblem('at', usage.at, now) : futureProblem('date', usage.date, now);
  return when ?? accountProblem(usage.accountId, contact);
}
