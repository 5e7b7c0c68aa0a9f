import type { Account, Contact } from './domain.ts';
import { toEpoch } from './duration.ts';

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
  signedUpMs: number | undefined;
  lastLoginMs: number | undefined;
  now: number;
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
  return {
    account,
    contact,
    signedUpMs: contact ? toEpoch(contact.signedUpAt) : undefined,
    lastLoginMs: contact ? toEpoch(contact.usage.lastLoginAt) : undefined,
    now,
  };
}
