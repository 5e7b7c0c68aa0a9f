import type { CtaRecord } from '../core/accounts/cta-lifecycle.ts';
import { type CsmDigest, type Cta, digestByCsm } from '../core/accounts/ctas.ts';
import type { Account } from '../core/shared/domain.ts';
import type { EventPublisher, Log } from './ports.ts';
import { EVENT_SOURCE } from './send-step.ts';

/** Detail type of the bus event carrying one new CTA (shared with the csm-alert campaign channel). */
export const CTA_DETAIL_TYPE = 'lowtouch.cta';

/** Stores CTAs. The real adapter writes with a conditional put on the key, so a CTA is raised once. */
export interface CtaStore {
  /** Stores the CTA (open, with its due date) unless one with the same key exists; true when this call stored it. */
  raiseIfNew(cta: Cta): Promise<boolean>;
  /** One CTA by key. */
  get(key: string): Promise<CtaRecord | undefined>;
  /** Every stored CTA (few: one per account and reason), for the digest and the KPIs. */
  listAll(): Promise<CtaRecord[]>;
  /** Writes a lifecycle change if the stored version is still `expectedVersion`; false on a concurrent change. */
  save(record: CtaRecord, expectedVersion: number): Promise<boolean>;
}

/** Delivers a CSM's daily digest (rendered with the csm/digest template by the adapter). */
export interface DigestSender {
  /** Sends one digest for the given UTC day; throws on failure. */
  send(digest: CsmDigest, day: string): Promise<void>;
}

/** What raising CTAs did. */
export interface RaiseCtasResult {
  raised: Cta[];
  duplicates: number;
  /** CTAs stored whose bus event could not be published (they still reach the digest) */
  unpublished: number;
}

/**
 * Stores each candidate CTA once and publishes one bus event per CTA that is new. A failed publish is
 * logged, not thrown: the CTA is already stored (a retry would not raise it again) and still goes
 * into the digest.
 */
export async function raiseCtas(
  input: { candidates: readonly Cta[] },
  deps: { ctas: CtaStore; events: EventPublisher; log?: Log },
): Promise<RaiseCtasResult> {
  const raised: Cta[] = [];
  let duplicates = 0;
  for (const cta of input.candidates) {
    if (await deps.ctas.raiseIfNew(cta)) raised.push(cta);
    else duplicates += 1;
  }
  let unpublished = 0;
  if (raised.length > 0) {
    try {
      await deps.events.publish(
        raised.map((cta) => ({ source: EVENT_SOURCE, detailType: CTA_DETAIL_TYPE, detail: { ...cta } })),
      );
    } catch (error) {
      unpublished = raised.length;
      deps.log?.error('publishing CTA events failed; the CTAs are stored and go into the digest', {
        count: raised.length,
        keys: raised.map((cta) => cta.key),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { raised, duplicates, unpublished };
}

/** Sends one digest per CSM with the CTAs raised today; a failed digest is logged and counted. */
export async function sendCtaDigests(
  input: { ctas: readonly Cta[]; accounts: readonly Account[]; day: string },
  deps: { digest: DigestSender; log?: Log },
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const digest of digestByCsm(input.ctas, input.accounts)) {
    try {
      await deps.digest.send(digest, input.day);
      sent += 1;
    } catch (error) {
      failed += 1;
      deps.log?.error('sending a CSM digest failed', {
        csmId: digest.csmId ?? null,
        ctas: digest.items.length,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { sent, failed };
}
