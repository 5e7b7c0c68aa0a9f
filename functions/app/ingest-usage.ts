import { DAY_MS } from '../core/shared/duration.ts';
import { rollupUsage, type UsageEvent } from '../core/tracking/usage-events.ts';
import { usageProblem } from '../core/tracking/usage-validation.ts';
import {
  type AccountRepository,
  type Clock,
  type ContactRepository,
  type Log,
  METRIC,
  type NpsLog,
  type OpsMetrics,
  type StoredContact,
  type UsageStore,
} from './ports.ts';

export interface IngestDeps {
  clock: Clock;
  usage: UsageStore;
  contacts: ContactRepository;
  accounts: AccountRepository;
  nps: NpsLog;
  metrics: OpsMetrics;
  log: Log;
  /** how long daily rows are kept */
  retentionDays: number;
  /**
   * Called after a new event is stored and the rollup refreshed, so a campaign that enters on this event
   * (entry.on) can plan the contact at once instead of on the next hourly tick.
   */
  onTrigger?: (event: UsageEvent) => Promise<void>;
}

/** What ingestion did with one event. */
export type IngestOutcome =
  | { outcome: 'counted' | 'duplicate'; rollup: boolean }
  | { outcome: 'unknown-contact'; contactId: string }
  /** dated beyond the allowed clock skew, or naming another account than the contact's: not stored */
  | { outcome: 'rejected'; reason: string };

const MAX_ROLLUP_ATTEMPTS = 8;

// Field names already reported, per logger (one logger per Lambda container or local runtime): a
// producer that adds a field sends it on every event, and one line says it all.
const reportedIgnoredFields = new WeakMap<Log, Set<string>>();

/** Logs, once per event type and field, the detail fields this version does not define. */
function noteIgnoredFields(event: UsageEvent, log: Log): void {
  if (!event.ignoredFields || event.ignoredFields.length === 0) return;
  let reported = reportedIgnoredFields.get(log);
  if (!reported) {
    reported = new Set();
    reportedIgnoredFields.set(log, reported);
  }
  const fresh = event.ignoredFields.filter((field) => !reported.has(`${event.type} ${field}`));
  if (fresh.length === 0) return;
  for (const field of fresh) reported.add(`${event.type} ${field}`);
  log.info('usage event fields ignored: not defined for this event type (docs/deploy.md, section 4)', {
    type: event.type,
    fields: fresh,
    eventId: event.eventId,
  });
}

/**
 * Counts one usage event into its daily row (once per event id) and recomputes the contact's rollup
 * from the daily rows. The rollup is recomputed even for a repeated event, so a crash between the two
 * writes is repaired by the redelivery.
 */
export async function ingestUsage(event: UsageEvent, deps: IngestDeps): Promise<IngestOutcome> {
  noteIgnoredFields(event, deps.log);
  const now = deps.clock.now();
  const stored = await deps.contacts.get(event.contactId);
  if (!stored) {
    deps.metrics.count(METRIC.usageUnknownContact);
    deps.log.warn('usage event for an unknown contact', {
      contactId: event.contactId,
      eventId: event.eventId,
    });
    return { outcome: 'unknown-contact', contactId: event.contactId };
  }
  const problem = usageProblem(event, stored.contact, now);
  if (problem) {
    deps.metrics.count(METRIC.usageRejected);
    deps.log.warn('usage event rejected', { contactId: event.contactId, eventId: event.eventId, problem });
    return { outcome: 'rejected', reason: problem };
  }
  const expiresAt = Math.floor(Date.parse(event.at) / 1000) + deps.retentionDays * 86_400;
  const fresh = await deps.usage.record(event, expiresAt);
  // The first answer per event id stands: a repeated survey POST or redelivery cannot change it.
  if (event.type === 'nps.responded' && fresh) {
    await deps.nps.put({
      id: event.eventId,
      accountId: event.accountId,
      contactId: event.contactId,
      score: event.score,
      ...(event.comment ? { comment: event.comment } : {}),
      respondedAt: event.at,
    });
    await deps.accounts.setLatestNps(event.accountId, {
      score: event.score,
      respondedAt: event.at,
      contactId: event.contactId,
    });
  }
  const rollup = await refreshUsageRollup(event.contactId, event, deps, stored);
  // A redelivered event may have crashed before its trigger ran, so triggers run for repeats too;
  // the planner's claims make a second run harmless.
  if (deps.onTrigger) await deps.onTrigger(event);
  return { outcome: fresh ? 'counted' : 'duplicate', rollup };
}

/**
 * Recomputes a contact's 7/30-day rollup from its daily rows with a version-conditional write,
 * retrying on a concurrent writer. The nightly job uses it too (refresh-usage.ts), so windows roll
 * forward without new events.
 */
export async function refreshUsageRollup(
  contactId: string,
  event: UsageEvent | undefined,
  deps: {
    clock: Clock;
    usage: Pick<UsageStore, 'listDays'>;
    contacts: Pick<ContactRepository, 'get' | 'saveUsage'>;
  },
  /** the contact as just read by the caller: the first attempt saves one read (a lost race reads again) */
  justRead?: StoredContact,
): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_ROLLUP_ATTEMPTS; attempt++) {
    const stored = attempt === 0 && justRead ? justRead : await deps.contacts.get(contactId);
    if (!stored) return false;
    const now = deps.clock.now();
    const from = new Date(now - 30 * DAY_MS).toISOString().slice(0, 10);
    const days = await deps.usage.listDays(contactId, from);
    const usage = rollupUsage(stored.contact.usage, days, event, now);
    if (await deps.contacts.saveUsage(contactId, usage, stored.usageVersion)) return true;
  }
  throw new RollupConflictError(
    `contact ${contactId}: the usage rollup changed under ${MAX_ROLLUP_ATTEMPTS} attempts in a row; the event is redelivered`,
  );
}

/** The rollup kept losing races; the queue redelivers the event. */
export class RollupConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RollupConflictError';
  }
}
