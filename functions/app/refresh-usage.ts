import type { Contact, UsageRollup } from '../core/shared/domain.ts';
import { DAY_MS } from '../core/shared/duration.ts';
import { rollupUsage } from '../core/tracking/usage-events.ts';
import { RollupConflictError, refreshUsageRollup } from './ingest-usage.ts';
import type { Clock, ContactRepository, Log, StoredContact, UsageStore } from './ports.ts';

// Ingestion recomputes a contact's rollup only when that contact sends an event, so without this pass a
// contact who went quiet would keep last month's logins7d/logins30d and stay in segments it left.

/** Dependencies of the nightly rollup refresh. */
export interface RefreshRollupsDeps {
  contacts: Pick<ContactRepository, 'scanSegment' | 'get' | 'saveUsage'>;
  usage: Pick<UsageStore, 'listDays'>;
  clock: Clock;
  log?: Log;
  /** daily-row queries in flight at once (default 16) */
  concurrency?: number;
}

/** What one refresh pass did. */
export interface RefreshRollupsResult {
  /** every contact scanned, with its rollup as of today (refreshed or already current) */
  contacts: Contact[];
  stats: {
    scanned: number;
    /** rollups already computed today (an event arrived since midnight UTC): not read again */
    alreadyToday: number;
    /** rollups whose windows moved: written back */
    refreshed: number;
    /** recomputed and found unchanged: not written */
    unchanged: number;
    /** kept losing version races and left as they were (ingestion will refresh them on the next event) */
    conflicts: number;
  };
}

export const DEFAULT_REFRESH_CONCURRENCY = 16;

const sameRollup = (a: UsageRollup, b: UsageRollup): boolean => {
  const { refreshedOn: _a, ...left } = a;
  const { refreshedOn: _b, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
};

/** Runs `work` over `items` with at most `limit` calls in flight; rejects with the first error. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/**
 * Recomputes every contact's 7/30-day usage rollup from its daily rows so windows roll forward without
 * new events. Contacts whose rollup was already computed today are skipped; unchanged rollups are not
 * written. Writes are version-conditional, and a lost race is retried from a fresh read.
 */
export async function refreshUsageRollups(deps: RefreshRollupsDeps): Promise<RefreshRollupsResult> {
  const now = deps.clock.now();
  const today = new Date(now).toISOString().slice(0, 10);
  const from = new Date(now - 30 * DAY_MS).toISOString().slice(0, 10);
  const limit = deps.concurrency ?? DEFAULT_REFRESH_CONCURRENCY;
  const stats: RefreshRollupsResult['stats'] = {
    scanned: 0,
    alreadyToday: 0,
    refreshed: 0,
    unchanged: 0,
    conflicts: 0,
  };
  const contacts: Contact[] = [];

  const refreshOne = async (stored: StoredContact): Promise<void> => {
    const { contact } = stored;
    const days = await deps.usage.listDays(contact.id, from);
    const usage = rollupUsage(contact.usage, days, undefined, now);
    if (sameRollup(usage, contact.usage)) {
      stats.unchanged += 1;
      contacts.push(contact);
      return;
    }
    if (await deps.contacts.saveUsage(contact.id, usage, stored.usageVersion)) {
      stats.refreshed += 1;
      contacts.push({ ...contact, usage });
      return;
    }
    // The scan was stale or an event landed meanwhile: recompute from a consistent read.
    try {
      await refreshUsageRollup(contact.id, undefined, deps);
      stats.refreshed += 1;
      const fresh = await deps.contacts.get(contact.id);
      if (fresh) contacts.push(fresh.contact);
    } catch (error) {
      if (!(error instanceof RollupConflictError)) throw error;
      stats.conflicts += 1;
      deps.log?.warn('usage rollup left as it was after repeated conflicts', { contactId: contact.id });
      contacts.push(contact);
    }
  };

  for await (const page of deps.contacts.scanSegment(0, 1)) {
    stats.scanned += page.length;
    const stale: StoredContact[] = [];
    for (const stored of page) {
      if (stored.contact.usage.refreshedOn === today) {
        stats.alreadyToday += 1;
        contacts.push(stored.contact);
      } else stale.push(stored);
    }
    await forEachLimited(stale, limit, refreshOne);
  }
  deps.log?.info('usage rollups refreshed', { ...stats });
  return { contacts: contacts.sort((a, b) => a.id.localeCompare(b.id)), stats };
}
