import type { Account, Contact } from '../shared/domain.ts';
import { toEpoch } from '../shared/duration.ts';

/** An account with its dates parsed once, shared by every contact of the account in a tick. */
export interface PreparedAccount {
  account: Account;
  startedMs: number | undefined;
  trialEndsMs: number | undefined;
  renewalMs: number | undefined;
  churnedMs: number | undefined;
  npsRespondedMs: number | undefined;
}

/** What a rule is evaluated against: one contact with its account, at one instant. */
export interface Subject {
  account: PreparedAccount;
  /** absent when a rule is evaluated for an account alone (tiers) */
  contact: Contact | undefined;
  now: number;
  /** parsed contact dates, filled on first use (null: not parsed yet) */
  cache: { signedUpMs: number | undefined | null; lastLoginMs: number | undefined | null };
  /** segment results by segment slot, so a segment several campaigns use is evaluated once per contact */
  segments: (boolean | undefined)[];
}

/** Parses an account's dates once. */
export function prepareAccount(account: Account): PreparedAccount {
  return {
    account,
    startedMs: toEpoch(account.startedAt),
    trialEndsMs: toEpoch(account.trialEndsAt),
    renewalMs: toEpoch(account.renewalAt),
    churnedMs: toEpoch(account.churnedAt),
    npsRespondedMs: toEpoch(account.nps?.respondedAt),
  };
}

/** Builds the evaluation subject for one contact at `now` (epoch ms). */
export function subjectOf(account: PreparedAccount, contact: Contact | undefined, now: number): Subject {
  return { account, contact, now, cache: { signedUpMs: null, lastLoginMs: null }, segments: [] };
}

/** The contact's sign-up instant in epoch ms, parsed once per subject. */
export function signedUpMs(subject: Subject): number | undefined {
  if (subject.cache.signedUpMs === null) subject.cache.signedUpMs = toEpoch(subject.contact?.signedUpAt);
  return subject.cache.signedUpMs;
}

/** The contact's last login in epoch ms, parsed once per subject. */
export function lastLoginMs(subject: Subject): number | undefined {
  if (subject.cache.lastLoginMs === null)
    subject.cache.lastLoginMs = toEpoch(subject.contact?.usage.lastLoginAt);
  return subject.cache.lastLoginMs;
}
