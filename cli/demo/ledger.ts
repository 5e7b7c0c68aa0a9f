import type { StoredEmail } from '../../functions/adapters/local-emulators.ts';
import type { SendRecord } from '../../functions/core/sending/send.ts';

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
  };
  entries: LedgerEntry[];
  unexplained: { messageId: string; subject: string }[];
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
export function buildLedger(sends: readonly SendRecord[], stored: readonly StoredEmail[]): Ledger {
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
    },
    entries,
    unexplained,
  };
}
