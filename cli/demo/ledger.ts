import type { StoredEmail } from '../../functions/adapters/local-emulators.ts';
import { contactIneligibleAt, type IneligibleReason } from '../../functions/core/campaign/eligibility.ts';
import type { SendRecord } from '../../functions/core/sending/send.ts';
import type { Account, Contact } from '../../functions/core/shared/domain.ts';

/** One intended email set against what the SES emulator received. */
export interface LedgerEntry {
  sendId: string;
  campaignId: string;
  stepId: string;
  contactId: string;
  status: SendRecord['status'];
  reason?: string;
  /** how many copies the emulator holds */
  received: number;
  verdict: 'ok' | 'duplicate' | 'missing' | 'unknown-outcome' | 'failed' | 'pending';
}

export interface Ledger {
  summary: {
    intended: number;
    received: number;
    ok: number;
    duplicates: number;
    missing: number;
    unknownOutcomes: number;
    failed: number;
    pending: number;
    /** emulator mail no send record explains (CSM digests carry no send id and are listed separately) */
    unexplained: number;
    digests: number;
    /** emails sent before the contact signed up, before its account started or after the account churned */
    ineligible: number;
  };
  entries: LedgerEntry[];
  unexplained: { messageId: string; subject: string }[];
  /** each email of `summary.ineligible`, with the rule it broke at its send time */
  ineligible: { sendId: string; contactId: string; sentAt: string; reason: IneligibleReason }[];
}

/** The contacts and accounts as they stand at the end, to judge each email at its send time. */
export interface LedgerPeople {
  contacts: readonly Contact[];
  accounts: readonly Account[];
}

/** Every sent email whose contact was not eligible (core rule) at the moment it was sent. */
export function ineligibleSends(sends: readonly SendRecord[], people: LedgerPeople): Ledger['ineligible'] {
  const contacts = new Map(people.contacts.map((c) => [c.id, c]));
  const accounts = new Map(people.accounts.map((a) => [a.id, a]));
  const out: Ledger['ineligible'] = [];
  for (const send of sends) {
    if (send.channel !== 'email' || send.status !== 'sent' || send.test) continue;
    const contact = contacts.get(send.contactId);
    const account = accounts.get(send.accountId);
    const sentAt = send.sentAt ?? send.updatedAt;
    if (!contact || !account) continue;
    const reason = contactIneligibleAt(contact, account, Date.parse(sentAt));
    if (reason) out.push({ sendId: send.sendId, contactId: send.contactId, sentAt, reason });
  }
  return out.sort((a, b) => a.sendId.localeCompare(b.sendId));
}

/** The send id an emulator mail carries in its List-Unsubscribe URL (`s=`), if any. */
export function sendIdOfStoredEmail(email: StoredEmail): string | undefined {
  const header = email.headers?.find((h) => h.name.toLowerCase() === 'list-unsubscribe')?.value ?? '';
  const url = header.replace(/^<|>$/g, '');
  if (!url) return undefined;
  try {
    return new URL(url).searchParams.get('s') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Compares every intended email (email channel, not skipped, not a test) with the emulator's store. */
export function buildLedger(
  sends: readonly SendRecord[],
  stored: readonly StoredEmail[],
  people: LedgerPeople = { contacts: [], accounts: [] },
): Ledger {
  const copies = new Map<string, number>();
  const unexplained: Ledger['unexplained'] = [];
  let digests = 0;
  const known = new Set(sends.map((s) => s.sendId));
  for (const email of stored) {
    const sendId = sendIdOfStoredEmail(email);
    if (sendId && known.has(sendId)) copies.set(sendId, (copies.get(sendId) ?? 0) + 1);
    else if (!sendId) digests++;
    else unexplained.push({ messageId: email.messageId, subject: email.subject });
  }
  const entries: LedgerEntry[] = [];
  for (const send of sends) {
    if (send.channel !== 'email' || send.status === 'skipped' || send.test) continue;
    const received = copies.get(send.sendId) ?? 0;
    const verdict: LedgerEntry['verdict'] =
      received > 1
        ? 'duplicate'
        : send.status === 'unknown'
          ? 'unknown-outcome'
          : send.status === 'failed'
            ? 'failed'
            : send.status === 'sent'
              ? received === 1
                ? 'ok'
                : 'missing'
              : 'pending';
    entries.push({
      sendId: send.sendId,
      campaignId: send.campaignId,
      stepId: send.stepId,
      contactId: send.contactId,
      status: send.status,
      ...(send.reason ? { reason: send.reason } : {}),
      received,
      verdict,
    });
  }
  entries.sort((a, b) => a.sendId.localeCompare(b.sendId));
  const count = (v: LedgerEntry['verdict']) => entries.filter((e) => e.verdict === v).length;
  const ineligible = ineligibleSends(sends, people);
  return {
    summary: {
      intended: entries.length,
      received: stored.length,
      ok: count('ok'),
      duplicates: count('duplicate'),
      missing: count('missing'),
      unknownOutcomes: count('unknown-outcome'),
      failed: count('failed'),
      pending: count('pending'),
      unexplained: unexplained.length,
      digests,
      ineligible: ineligible.length,
    },
    entries,
    unexplained,
    ineligible,
  };
}
