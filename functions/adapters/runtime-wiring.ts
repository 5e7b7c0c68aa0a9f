import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IngestDeps } from '../app/ingest-usage.ts';
import type { PlanShardDeps } from '../app/plan-shard.ts';
import type {
  Clock,
  EmailSender,
  EventPublisher,
  Log,
  MessageQueue,
  OpsMetrics,
  RateLimiter,
  StepRenderer,
} from '../app/ports.ts';
import type { ReconcileDeps } from '../app/reconcile-sends.ts';
import type { TrackerDeps } from '../app/record-email-event.ts';
import type { SendFaults, SendMessage, SendPolicy, SendStepDeps } from '../app/send-step.ts';
import type { UnsubscribeDeps } from '../app/unsubscribe.ts';
import type { Program } from '../core/campaign/program.ts';
import type { SigningKey } from '../core/sending/unsubscribe-token.ts';
import { DAY_MS } from '../core/shared/duration.ts';
import { type BreakerThresholds, DEFAULT_BREAKER } from '../core/tracking/reputation.ts';
import type { CapacityMeter, TableNames } from './dynamo-client.ts';
import {
  DynamoAccountRepository,
  DynamoContactRepository,
  type InvalidItemHandler,
} from './dynamo-contacts.ts';
import { DynamoEmailEventLog } from './dynamo-events.ts';
import { DynamoCtaStore } from './dynamo-kpi-source.ts';
import { DynamoSendRepository } from './dynamo-sends.ts';
import { DynamoStateStore, reputationLog } from './dynamo-state.ts';
import { DynamoSuppressionList } from './dynamo-suppressions.ts';
import { DynamoUsageStore } from './dynamo-usage.ts';
import { UNLIMITED } from './token-bucket.ts';

// One place that assembles the use cases' dependencies from DynamoDB plus the given queue, sender and
// publisher. The Lambda handlers pass SQS/SES/EventBridge adapters; the local runtime passes
// in-process queues and the emulators. Both run the same use cases on the same repositories.

/** What the use cases are built from. */
export interface Wiring {
  db: DynamoDBDocumentClient;
  tables: TableNames;
  clock: Clock;
  log: Log;
  metrics: OpsMetrics;
  publisher: EventPublisher;
  sendQueue: MessageQueue<SendMessage>;
  thresholds?: BreakerThresholds;
  meter?: CapacityMeter;
  pageSize?: number;
  random?: () => number;
}

/** Retention of raw SES events and daily usage rows. */
export const RETENTION = { eventsDays: 400, usageDays: 400 } as const;

/** Reconciliation timing: a `sending` send is lost after 15 min; a `claimed` one is re-enqueued after 30. */
export const RECONCILE = { stuckAfterMs: 15 * 60_000, requeueAfterMs: 30 * 60_000 } as const;

/** The DynamoDB repositories over the tables. */
export function repositories(wiring: Wiring) {
  const { db, tables } = wiring;
  const onInvalid: InvalidItemHandler = (table, key, error) =>
    wiring.log.error('skipped a malformed item', {
      table,
      key,
      error: error instanceof Error ? error.message.slice(0, 500) : String(error),
    });
  const state = new DynamoStateStore(db, tables.state);
  return {
    contacts: new DynamoContactRepository(db, tables.contacts, {
      onInvalid,
      ...(wiring.meter ? { meter: wiring.meter } : {}),
      ...(wiring.pageSize ? { pageSize: wiring.pageSize } : {}),
    }),
    accounts: new DynamoAccountRepository(db, tables.accounts, {
      onInvalid,
      ...(wiring.meter ? { meter: wiring.meter } : {}),
    }),
    sends: new DynamoSendRepository(db, tables.sends, wiring.meter),
    events: new DynamoEmailEventLog(db, tables.events),
    suppressions: new DynamoSuppressionList(db, tables.suppressions),
    usage: new DynamoUsageStore(db, tables.usage),
    state,
    reputation: reputationLog(state),
  };
}

/** Dependencies of the tracker (record-email-event). */
export function trackerDeps(wiring: Wiring): TrackerDeps {
  const repos = repositories(wiring);
  return {
    clock: wiring.clock,
    sends: repos.sends,
    events: repos.events,
    contacts: repos.contacts,
    suppressions: repos.suppressions,
    metrics: wiring.metrics,
    reputation: repos.reputation,
    breaker: repos.state,
    publisher: wiring.publisher,
    log: wiring.log,
    thresholds: wiring.thresholds ?? DEFAULT_BREAKER,
    retentionDays: RETENTION.eventsDays,
  };
}

/** The sender's policy from the program (frequency cap, step expiry) and a backoff. */
export function sendPolicyOf(program: Program | undefined): SendPolicy {
  return {
    ...(program ? { frequencyCap: { max: program.policy.capMax, perMs: program.policy.capPerMs } } : {}),
    maxClaimAgeMs: program?.policy.stepExpiryMs ?? 7 * DAY_MS,
    backoff: { baseSeconds: 2, maxSeconds: 900 },
  };
}

/** Dependencies of send-step. */
export function sendStepDeps(
  wiring: Wiring,
  parts: {
    renderer: StepRenderer;
    sender: EmailSender;
    policy: SendPolicy;
    limiter?: RateLimiter;
    faults?: SendFaults;
  },
): SendStepDeps {
  const repos = repositories(wiring);
  return {
    clock: wiring.clock,
    sends: repos.sends,
    contacts: repos.contacts,
    accounts: repos.accounts,
    suppressions: repos.suppressions,
    breaker: repos.state,
    renderer: parts.renderer,
    sender: parts.sender,
    queue: wiring.sendQueue,
    publisher: wiring.publisher,
    ctas: new DynamoCtaStore(wiring.db, wiring.tables.ctas),
    metrics: wiring.metrics,
    reputation: repos.reputation,
    limiter: parts.limiter ?? UNLIMITED,
    log: wiring.log,
    policy: parts.policy,
    random: wiring.random ?? Math.random,
    ...(parts.faults ? { faults: parts.faults } : {}),
  };
}

/** Dependencies of reconcile-sends. */
export function reconcileDeps(wiring: Wiring): ReconcileDeps {
  const repos = repositories(wiring);
  return {
    clock: wiring.clock,
    sends: repos.sends,
    queue: wiring.sendQueue,
    breaker: repos.state,
    metrics: wiring.metrics,
    publisher: wiring.publisher,
    log: wiring.log,
    ...RECONCILE,
  };
}

/** Dependencies of plan-shard (segment 0 also reconciles). */
export function planShardDeps(wiring: Wiring, program: Program): PlanShardDeps {
  const repos = repositories(wiring);
  return {
    program,
    contacts: repos.contacts,
    accounts: repos.accounts,
    sends: repos.sends,
    sendQueue: wiring.sendQueue,
    log: wiring.log,
    reconcile: reconcileDeps(wiring),
  };
}

/** Dependencies of ingest-usage. */
export function ingestDeps(wiring: Wiring): IngestDeps {
  const repos = repositories(wiring);
  return {
    clock: wiring.clock,
    usage: repos.usage,
    contacts: repos.contacts,
    accounts: repos.accounts,
    nps: repos.state,
    metrics: wiring.metrics,
    log: wiring.log,
    retentionDays: RETENTION.usageDays,
  };
}

/** Dependencies of the unsubscribe endpoint; links work for a year; its form posts to `publicBaseUrl`. */
export function unsubscribeDeps(
  wiring: Wiring,
  keys: readonly SigningKey[],
  publicBaseUrl?: string,
): UnsubscribeDeps {
  const repos = repositories(wiring);
  return {
    clock: wiring.clock,
    contacts: repos.contacts,
    sends: repos.sends,
    metrics: wiring.metrics,
    log: wiring.log,
    keys,
    maxTokenAgeMs: 365 * DAY_MS,
    publicBaseUrl,
  };
}
