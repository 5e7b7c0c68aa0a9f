import type { PlanState } from '../core/campaign/plan-state.ts';
import type { ContactPreferences } from '../core/sending/preferences.ts';
import type { SendRecord, SendStatus } from '../core/sending/send.ts';
import type { Account, Contact, DailyUsage, NpsResponse, UsageRollup } from '../core/shared/domain.ts';
import type { ReputationBucket } from '../core/tracking/reputation.ts';
import type { UsageEvent } from '../core/tracking/usage-events.ts';

// The narrow interfaces the use cases depend on. Each has a DynamoDB/SES/SQS/EventBridge adapter in
// functions/adapters and an in-memory implementation for unit tests and benchmarks.

/** The current time in epoch milliseconds (virtual in the local runtime). */
export interface Clock {
  now(): number;
}

/** A contact as stored: profile, the planner's state and the versions that guard concurrent writers. */
export interface StoredContact {
  contact: Contact;
  plan: PlanState;
  /** bumped on every plan write (conditional update) */
  planVersion: number;
  /** bumped on every usage-rollup write (conditional update) */
  usageVersion: number;
}

/** Reads and updates contacts. */
export interface ContactRepository {
  /** Reads one parallel-scan segment of all contacts, page by page. */
  scanSegment(segment: number, totalSegments: number): AsyncIterable<StoredContact[]>;
  get(id: string): Promise<StoredContact | undefined>;
  /** Creates or replaces the profile, keeping plan and usage state (import, seeding). */
  put(contact: Contact): Promise<void>;
  /** Writes the plan if `planVersion` still equals `expectedVersion`; false on a concurrent change. */
  savePlan(id: string, plan: PlanState, expectedVersion: number): Promise<boolean>;
  /** Writes the usage rollup if `usageVersion` still equals `expectedVersion`; false on conflict. */
  saveUsage(id: string, usage: UsageRollup, expectedVersion: number): Promise<boolean>;
  /** Records an opt-out of one topic, or of everything with `all`; false when the contact is unknown. */
  optOut(id: string, topic: string | { all: true }): Promise<boolean>;
  /** Marks the contact as suppressed (hard bounce or complaint). */
  markSuppressed(id: string): Promise<void>;
  /** Replaces the preference-center fields (topic opt-outs, unsubscribe-all, pause); false when unknown. */
  savePreferences(id: string, preferences: ContactPreferences): Promise<boolean>;
}

/** Reads and updates accounts. */
export interface AccountRepository {
  /** Every account; there are few enough to hold in memory for a tick. */
  listAll(): Promise<Account[]>;
  get(id: string): Promise<Account | undefined>;
  put(account: Account): Promise<void>;
  /** Stores the NPS summary unless the account already holds a later answer. */
  setLatestNps(accountId: string, nps: NonNullable<Account['nps']>): Promise<void>;
}

/** Fields the tracker fills once per send (the first event of each kind wins). */
export type FirstFact =
  | 'deliveredAt'
  | 'firstOpenAt'
  | 'firstMachineOpenAt'
  | 'firstClickAt'
  | 'bouncedAt'
  | 'complainedAt'
  | 'unsubscribedAt';

/** The ledger of claimed deliveries, keyed by deterministic send id. */
export interface SendRepository {
  /** Writes a new send only if its id was never claimed; false when it already exists. */
  claim(record: SendRecord): Promise<boolean>;
  get(sendId: string): Promise<SendRecord | undefined>;
  /** Moves a send from one status to another if it is still in `from`; false otherwise. */
  transition(
    sendId: string,
    from: SendStatus,
    to: SendStatus,
    at: string,
    patch?: { reason?: string; detail?: string; messageId?: string; sentAt?: string; locale?: string },
  ): Promise<boolean>;
  /** Sets a tracker fact if it is not set yet; true when this call set it. */
  setFirst(sendId: string, fact: FirstFact, at: string, extra?: { bounceType?: string }): Promise<boolean>;
  /** Looks a send up by its SES message id. */
  findByMessageId(messageId: string): Promise<SendRecord | undefined>;
  /** Sends still in `claimed` or `sending` that were claimed before the cutoff (ISO). */
  listPending(status: 'claimed' | 'sending', claimedBefore: string): Promise<SendRecord[]>;
}

/** Raw SES events, kept for audit and per-event idempotency, expiring after a retention period. */
export interface EmailEventLog {
  /** Stores the event once; false when this event id was already recorded for this send. */
  recordOnce(entry: {
    sendId: string;
    eventId: string;
    eventType: string;
    at: string;
    raw: string;
    expiresAt: number;
  }): Promise<boolean>;
}

/** Names of the operational counts (CloudWatch metrics in namespace lowtouch; alarms watch some). */
export const METRIC = {
  /** a queue record that is not JSON or does not match its schema (it goes to the DLQ) */
  malformedRecords: 'MalformedRecords',
  /** a send whose SES call got no answer: reported, never re-sent */
  unknownOutcomes: 'UnknownOutcomes',
  /** the reputation breaker paused sending */
  breakerTrips: 'BreakerTrips',
  /** an SES event for a send lowtouch does not know */
  orphanEvents: 'OrphanEvents',
  /** a usage event for a contact lowtouch does not know */
  usageUnknownContact: 'UsageUnknownContact',
  /** a usage event refused by the ingest rules (see docs/usage-events.md) */
  usageRejected: 'UsageRejected',
  /** one-click or page unsubscribes */
  unsubscribes: 'Unsubscribes',
} as const;

/** The send-step outcome metrics: SendsSent, SendsSkipped, SendsFailed, SendsRetry, … */
export type SendOutcomeMetric =
  `Sends${Capitalize<'sent' | 'skipped' | 'failed' | 'retry' | 'deferred' | 'duplicate' | 'unknown'>}`;

/** One operational metric name. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC] | SendOutcomeMetric;

/** Counts operational events (Powertools Metrics, EMF, when deployed; in memory elsewhere). */
export interface OpsMetrics {
  count(name: MetricName, value?: number): void;
}

/** The breaker's persisted flag. */
export interface BreakerState {
  paused: boolean;
  reason?: string;
  since?: string;
}

/** The paused flag the sender honours. */
export interface BreakerFlag {
  get(): Promise<BreakerState>;
  /**
   * Sets the flag; true when this call paused a running sender (so one alert is published). `by` names
   * who paused (default: the reputation breaker).
   */
  pause(reason: string, at: string, by?: string): Promise<boolean>;
  /** Clears the flag, recording when, who (`by`) and an optional note on why. */
  resume(at: string, by?: string, note?: string): Promise<void>;
}

/** The breaker's whole record: the flag, who paused it, when and why, and the last resume. */
export interface BreakerRecord extends BreakerState {
  /** who paused it ("reputation breaker" for the automatic pause); kept after a resume */
  pausedBy?: string;
  resumedAt?: string;
  resumedBy?: string;
  resumeNote?: string;
}

/** Reads the breaker's whole record, for operators (`lowtouch breaker status`). */
export interface BreakerHistory {
  record(): Promise<BreakerRecord>;
}

/** Hourly counts of sends, hard bounces and complaints for the breaker. */
export interface ReputationLog {
  add(hour: string, deltas: Partial<Omit<ReputationBucket, 'hour'>>): Promise<void>;
  /** Buckets from `fromHour` (inclusive) onward. */
  list(fromHour: string): Promise<ReputationBucket[]>;
}

/** The application-level suppression list. */
export interface SuppressionList {
  isSuppressed(email: string): Promise<boolean>;
  add(email: string, entry: { reason: string; at: string; sendId?: string }): Promise<void>;
}

/** Daily usage rows. */
export interface UsageStore {
  /** Adds one event to its daily row once; false when this event id was already counted. */
  record(event: UsageEvent, expiresAt: number): Promise<boolean>;
  /** Daily rows of a contact from `fromDate` (YYYY-MM-DD) onward. */
  listDays(contactId: string, fromDate: string): Promise<DailyUsage[]>;
}

/** NPS answers, kept for the KPI exports. */
export interface NpsLog {
  /** Stores one answer; idempotent by answer id. */
  put(response: NpsResponse): Promise<void>;
}

/** Something to put on a queue. */
export interface OutgoingMessage<T> {
  body: T;
  /** delivery delay, 0–900 seconds */
  delaySeconds?: number;
}

/** A producer side of a queue (SQS, or in-process locally). */
export interface MessageQueue<T> {
  /** Enqueues all messages (in batches of 10) or throws. */
  send(messages: OutgoingMessage<T>[]): Promise<void>;
}

/** One email ready for SES. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
  fromName?: string;
  tags: { campaignId: string; stepId: string; variantId: string; sendId: string };
}

/** What a send attempt gave: a message id, or a permanent failure with its reason. */
export type SendResult = { ok: true; messageId: string } | { ok: false; reason: string };

/** Sends email. Throws `RetryableSendError` on throttling or a transient fault; returns permanent errors. */
export interface EmailSender {
  send(email: OutgoingEmail): Promise<SendResult>;
}

/** A rendered email, or why it could not be rendered for this contact. */
export type RenderOutcome =
  | {
      ok: true;
      email: Pick<OutgoingEmail, 'subject' | 'html' | 'text' | 'headers' | 'fromName'>;
      locale: string;
    }
  | { ok: false; reason: string };

/** Renders a claimed step for its contact (templates compiled once at cold start). */
export interface StepRenderer {
  render(input: {
    send: SendRecord;
    contact: Contact;
    account: Account;
    now: number;
  }): Promise<RenderOutcome>;
}

/** One event to publish on a bus. */
export interface BusEvent {
  source: string;
  detailType: string;
  detail: Record<string, unknown>;
}

/** Publishes events (EventBridge, or in-process locally). Throws if any entry failed. */
export interface EventPublisher {
  publish(events: BusEvent[]): Promise<void>;
}

/** Paces calls to a rate (SES MaxSendRate share of this worker). */
export interface RateLimiter {
  /** Resolves when the caller may make one call. */
  take(): Promise<void>;
  /** Backs off all callers for a while after a throttle. */
  penalize(ms: number): void;
}

/** Structured logging without PII: pass ids, never addresses. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A send that cannot be retried now; thrown by EmailSender on throttles and transient faults. */
export class RetryableSendError extends Error {
  readonly kind: 'throttle' | 'transient';
  constructor(message: string, kind: 'throttle' | 'transient', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableSendError';
    this.kind = kind;
  }
}
