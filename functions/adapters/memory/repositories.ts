import type {
  AccountRepository,
  BreakerFlag,
  BreakerHistory,
  BreakerRecord,
  BreakerState,
  ContactRepository,
  EmailEventLog,
  FirstFact,
  NpsLog,
  ReputationLog,
  SendRepository,
  StoredContact,
  SuppressionList,
  UsageStore,
} from '../../app/ports.ts';
import { emptyPlanState, type PlanState } from '../../core/campaign/plan-state.ts';
import type { ContactPreferences } from '../../core/sending/preferences.ts';
import type { SendRecord, SendStatus } from '../../core/sending/send.ts';
import {
  type Account,
  Contact,
  type DailyUsage,
  type NpsResponse,
  type UsageRollup,
} from '../../core/shared/domain.ts';
import type { ReputationBucket } from '../../core/tracking/reputation.ts';
import { type UsageEvent, utcDay } from '../../core/tracking/usage-events.ts';

// In-memory implementations of every repository port, with the same conditional semantics as the
// DynamoDB adapters. Unit tests and the sender benchmark run on them.

const clone = <T>(value: T): T => structuredClone(value);

/** Contacts in memory. */
export class InMemoryContacts implements ContactRepository {
  readonly items = new Map<string, StoredContact>();
  pageSize = 100;

  async *scanSegment(segment: number, totalSegments: number): AsyncIterable<StoredContact[]> {
    const ids = [...this.items.keys()].sort().filter((_, index) => index % totalSegments === segment);
    for (let start = 0; start < ids.length; start += this.pageSize) {
      yield ids.slice(start, start + this.pageSize).flatMap((id) => {
        const item = this.items.get(id);
        return item ? [clone(item)] : [];
      });
    }
  }

  async get(id: string): Promise<StoredContact | undefined> {
    const item = this.items.get(id);
    return item ? clone(item) : undefined;
  }

  async put(contact: Contact): Promise<void> {
    const existing = this.items.get(contact.id);
    this.items.set(contact.id, {
      contact: Contact.parse(clone(contact)),
      plan: existing?.plan ?? emptyPlanState(),
      planVersion: existing?.planVersion ?? 0,
      usageVersion: existing?.usageVersion ?? 0,
    });
  }

  async savePlan(id: string, plan: PlanState, expectedVersion: number): Promise<boolean> {
    const item = this.items.get(id);
    if (!item || item.planVersion !== expectedVersion) return false;
    item.plan = clone(plan);
    item.planVersion += 1;
    return true;
  }

  async saveUsage(id: string, usage: UsageRollup, expectedVersion: number): Promise<boolean> {
    const item = this.items.get(id);
    if (!item || item.usageVersion !== expectedVersion) return false;
    item.contact.usage = clone(usage);
    item.usageVersion += 1;
    return true;
  }

  async optOut(id: string, topic: string | { all: true }): Promise<boolean> {
    const item = this.items.get(id);
    if (!item) return false;
    if (typeof topic === 'string') {
      if (!item.contact.topicOptOuts.includes(topic)) item.contact.topicOptOuts.push(topic);
    } else item.contact.unsubscribedAll = true;
    return true;
  }

  async markSuppressed(id: string): Promise<void> {
    const item = this.items.get(id);
    if (item) item.contact.suppressed = true;
  }

  async savePreferences(id: string, preferences: ContactPreferences): Promise<boolean> {
    const item = this.items.get(id);
    if (!item) return false;
    item.contact.topicOptOuts = [...preferences.topicOptOuts];
    item.contact.unsubscribedAll = preferences.unsubscribedAll;
    if (preferences.pausedUntil) item.contact.pausedUntil = preferences.pausedUntil;
    else delete item.contact.pausedUntil;
    return true;
  }
}

/** Accounts in memory. */
export class InMemoryAccounts implements AccountRepository {
  readonly items = new Map<string, Account>();
  async listAll(): Promise<Account[]> {
    return [...this.items.values()].map(clone);
  }
  async get(id: string): Promise<Account | undefined> {
    const item = this.items.get(id);
    return item ? clone(item) : undefined;
  }
  async put(account: Account): Promise<void> {
    this.items.set(account.id, clone(account));
  }
  async setLatestNps(accountId: string, nps: NonNullable<Account['nps']>): Promise<void> {
    const item = this.items.get(accountId);
    if (item && (!item.nps || item.nps.respondedAt <= nps.respondedAt)) item.nps = clone(nps);
  }
}

/** The send ledger in memory. */
export class InMemorySends implements SendRepository {
  readonly items = new Map<string, SendRecord>();

  async claim(record: SendRecord): Promise<boolean> {
    if (this.items.has(record.sendId)) return false;
    this.items.set(record.sendId, clone(record));
    return true;
  }
  async get(sendId: string): Promise<SendRecord | undefined> {
    const item = this.items.get(sendId);
    return item ? clone(item) : undefined;
  }
  async transition(
    sendId: string,
    from: SendStatus,
    to: SendStatus,
    at: string,
    patch: { reason?: string; detail?: string; messageId?: string; sentAt?: string; locale?: string } = {},
  ): Promise<boolean> {
    const item = this.items.get(sendId);
    if (!item || item.status !== from) return false;
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    this.items.set(sendId, { ...item, ...defined, status: to, updatedAt: at });
    return true;
  }
  async setFirst(
    sendId: string,
    fact: FirstFact,
    at: string,
    extra: { bounceType?: string } = {},
  ): Promise<boolean> {
    const item = this.items.get(sendId);
    if (!item || item[fact] !== undefined) return false;
    item[fact] = at;
    if (extra.bounceType) item.bounceType = extra.bounceType;
    return true;
  }
  async findByMessageId(messageId: string): Promise<SendRecord | undefined> {
    for (const item of this.items.values()) if (item.messageId === messageId) return clone(item);
    return undefined;
  }
  async listPending(status: 'claimed' | 'sending', claimedBefore: string): Promise<SendRecord[]> {
    return [...this.items.values()]
      .filter((item) => item.status === status && item.claimedAt < claimedBefore)
      .map(clone);
  }
}

/** Raw email events in memory. */
export class InMemoryEventLog implements EmailEventLog {
  readonly items = new Map<string, { sendId: string; eventId: string; eventType: string; at: string }>();
  async recordOnce(entry: {
    sendId: string;
    eventId: string;
    eventType: string;
    at: string;
  }): Promise<boolean> {
    const key = `${entry.sendId}|${entry.eventId}`;
    if (this.items.has(key)) return false;
    this.items.set(key, {
      sendId: entry.sendId,
      eventId: entry.eventId,
      eventType: entry.eventType,
      at: entry.at,
    });
    return true;
  }
}

/** Breaker flag, reputation buckets and NPS answers in memory. */
export class InMemoryState implements BreakerFlag, BreakerHistory, NpsLog {
  readonly nps = new Map<string, NpsResponse>();
  readonly buckets = new Map<string, ReputationBucket>();
  private flag: BreakerRecord = { paused: false };

  async get(): Promise<BreakerState> {
    const { paused, reason, since } = this.flag;
    if (!paused) return { paused: false };
    return { paused, ...(reason ? { reason } : {}), ...(since ? { since } : {}) };
  }
  async pause(reason: string, at: string, by = 'reputation breaker'): Promise<boolean> {
    if (this.flag.paused) return false;
    this.flag = { ...this.flag, paused: true, reason, since: at, pausedBy: by };
    return true;
  }
  async resume(at: string, by?: string, note?: string): Promise<void> {
    const { resumeNote: _previous, ...rest } = this.flag;
    this.flag = {
      ...rest,
      paused: false,
      resumedAt: at,
      resumedBy: by ?? 'unknown',
      ...(note ? { resumeNote: note } : {}),
    };
  }
  async record(): Promise<BreakerRecord> {
    return { ...this.flag };
  }

  async put(response: NpsResponse): Promise<void> {
    this.nps.set(response.id, clone(response));
  }

  /** The ReputationLog view. */
  reputation(): ReputationLog {
    return {
      add: async (hour, deltas) => {
        const bucket = this.buckets.get(hour) ?? { hour, sent: 0, bounced: 0, complained: 0 };
        bucket.sent += deltas.sent ?? 0;
        bucket.bounced += deltas.bounced ?? 0;
        bucket.complained += deltas.complained ?? 0;
        this.buckets.set(hour, bucket);
      },
      list: async (fromHour) =>
        [...this.buckets.values()].filter((bucket) => bucket.hour >= fromHour).map(clone),
    };
  }
}

/** The suppression list in memory. */
export class InMemorySuppressions implements SuppressionList {
  readonly items = new Map<string, { reason: string; at: string; sendId?: string }>();
  async isSuppressed(email: string): Promise<boolean> {
    return this.items.has(email.toLowerCase());
  }
  async add(email: string, entry: { reason: string; at: string; sendId?: string }): Promise<void> {
    if (!this.items.has(email.toLowerCase())) this.items.set(email.toLowerCase(), clone(entry));
  }
}

/** Daily usage rows in memory. */
export class InMemoryUsage implements UsageStore {
  readonly rows = new Map<string, DailyUsage & { seen: Set<string> }>();
  async record(event: UsageEvent): Promise<boolean> {
    const date = utcDay(event.at);
    const key = `${event.contactId}|${date}`;
    const row = this.rows.get(key) ?? {
      contactId: event.contactId,
      accountId: event.accountId,
      date,
      logins: 0,
      helpVisits: 0,
      features: {},
      seen: new Set<string>(),
    };
    if (row.seen.has(event.eventId)) return false;
    row.seen.add(event.eventId);
    if (event.type === 'login') row.logins += 1;
    if (event.type === 'help.visited') row.helpVisits += 1;
    if (event.type === 'feature.used')
      row.features[event.feature] = (row.features[event.feature] ?? 0) + event.count;
    this.rows.set(key, row);
    return true;
  }
  async listDays(contactId: string, fromDate: string): Promise<DailyUsage[]> {
    return [...this.rows.values()]
      .filter((row) => row.contactId === contactId && row.date >= fromDate)
      .sort((a, b) => a.date.localeCompare(b.date))
      .map(({ seen: _seen, ...row }) => clone(row));
  }
}
