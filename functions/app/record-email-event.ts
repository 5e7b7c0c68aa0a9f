import { decodeTagValue, TAG } from '../core/sending/email-tags.ts';
import type { SendRecord } from '../core/sending/send.ts';
import type { BreakerThresholds } from '../core/tracking/reputation.ts';
import { hourOf } from '../core/tracking/reputation.ts';
import {
  isMachineOpen,
  mailTag,
  type SesEventBridgeEvent,
  sesEventTime,
} from '../core/tracking/ses-events.ts';
import {
  type BreakerFlag,
  type Clock,
  type ContactRepository,
  type EmailEventLog,
  type EventPublisher,
  type FirstFact,
  type Log,
  METRIC,
  type OpsMetrics,
  type ReputationLog,
  type SendRepository,
  type SuppressionList,
} from './ports.ts';
import { checkReputation } from './reputation-breaker.ts';

export interface TrackerDeps {
  clock: Clock;
  sends: SendRepository;
  events: EmailEventLog;
  contacts: ContactRepository;
  suppressions: SuppressionList;
  metrics: OpsMetrics;
  reputation: ReputationLog;
  breaker: BreakerFlag;
  publisher: EventPublisher;
  log: Log;
  thresholds: BreakerThresholds;
  /** how long raw events are kept */
  retentionDays: number;
}

/** What the tracker did with one event. */
export type TrackOutcome =
  | { outcome: 'recorded'; sendId: string; eventType: string; first: boolean }
  | { outcome: 'duplicate'; sendId: string; eventType: string }
  | { outcome: 'orphan'; messageId: string; eventType: string };

/**
 * Applies one SES event to its send. Every effect is idempotent on its own (first-time facts are
 * conditional writes, suppressions and opt-outs are sets), so a redelivered or replayed event changes
 * nothing, and a crash halfway is repaired by the redelivery. First-time facts on the send are what
 * the KPIs count, so a repeated event never counts twice.
 */
export async function recordEmailEvent(event: SesEventBridgeEvent, deps: TrackerDeps): Promise<TrackOutcome> {
  const detail = event.detail;
  const eventType = detail.eventType;
  const at = sesEventTime(detail);
  const send = await findSend(event, deps);
  const expiresAt = Math.floor(deps.clock.now() / 1000) + deps.retentionDays * 86_400;
  const raw = JSON.stringify(event);
  if (!send) {
    const messageId = detail.mail.messageId;
    const fresh = await deps.events.recordOnce({
      sendId: `orphan#${messageId}`,
      eventId: event.id,
      eventType,
      at,
      raw,
      expiresAt,
    });
    if (fresh) deps.metrics.count(METRIC.orphanEvents);
    deps.log.warn('SES event for an unknown send', { messageId, eventType, eventId: event.id });
    return { outcome: 'orphan', messageId, eventType };
  }
  const fresh = await deps.events.recordOnce({
    sendId: send.sendId,
    eventId: event.id,
    eventType,
    at,
    raw,
    expiresAt,
  });
  const first = await applyEffects(event, send, at, deps);
  if (!fresh && !first) return { outcome: 'duplicate', sendId: send.sendId, eventType };
  return { outcome: 'recorded', sendId: send.sendId, eventType, first };
}

async function findSend(event: SesEventBridgeEvent, deps: TrackerDeps): Promise<SendRecord | undefined> {
  const tagged = mailTag(event.detail.mail, TAG.sendId);
  const sendId = tagged === undefined ? undefined : decodeTagValue(tagged);
  if (sendId) {
    const send = await deps.sends.get(sendId);
    if (send) return send;
  }
  return deps.sends.findByMessageId(event.detail.mail.messageId);
}

async function applyEffects(
  event: SesEventBridgeEvent,
  send: SendRecord,
  at: string,
  deps: TrackerDeps,
): Promise<boolean> {
  const detail = event.detail;
  const once = (fact: FirstFact, extra?: { bounceType?: string }): Promise<boolean> =>
    deps.sends.setFirst(send.sendId, fact, at, extra);
  switch (detail.eventType) {
    case 'Send':
      return false;
    case 'Delivery':
      return once('deliveredAt');
    case 'Open':
      return isMachineOpen(detail.open.userAgent) ? once('firstMachineOpenAt') : once('firstOpenAt');
    case 'Click':
      return once('firstClickAt');
    case 'Bounce': {
      if (detail.bounce.bounceType !== 'Permanent') {
        // Soft bounces arrive only after SES gave up retrying: kept in the event log, neither suppressed
        // nor a hard bounce.
        return false;
      }
      const first = await once('bouncedAt', { bounceType: 'Permanent' });
      const addresses = detail.bounce.bouncedRecipients.map((recipient) => recipient.emailAddress);
      await suppress(addresses, 'hard-bounce', send, at, deps);
      if (first) await deps.reputation.add(hourOf(Date.parse(at)), { bounced: 1 });
      await checkReputation(deps);
      return first;
    }
    case 'Complaint': {
      const first = await once('complainedAt');
      const addresses = detail.complaint.complainedRecipients.map((recipient) => recipient.emailAddress);
      await suppress(addresses, 'complaint', send, at, deps);
      if (first) await deps.reputation.add(hourOf(Date.parse(at)), { complained: 1 });
      await checkReputation(deps);
      return first;
    }
    case 'Reject':
      return failAfterAccept(send, `rejected by SES: ${detail.reject.reason}`, at, deps);
    case 'Rendering Failure':
      return failAfterAccept(send, `SES rendering failure: ${detail.failure.errorMessage}`, at, deps);
    case 'DeliveryDelay':
      return false;
    case 'Subscription': {
      const preferences = detail.subscription.newTopicPreferences;
      const optedOut = preferences.topicSubscriptionStatus
        .filter((topic) => topic.subscriptionStatus === 'OptOut')
        .map((topic) => topic.topicName);
      if (preferences.unsubscribeAll) await deps.contacts.optOut(send.contactId, { all: true });
      for (const topic of optedOut) await deps.contacts.optOut(send.contactId, topic);
      if (!preferences.unsubscribeAll && optedOut.length === 0) return false;
      return once('unsubscribedAt');
    }
  }
}

async function suppress(
  addresses: string[],
  reason: string,
  send: SendRecord,
  at: string,
  deps: TrackerDeps,
): Promise<void> {
  for (const address of addresses) await deps.suppressions.add(address, { reason, at, sendId: send.sendId });
  await deps.contacts.markSuppressed(send.contactId);
}

async function failAfterAccept(
  send: SendRecord,
  reason: string,
  at: string,
  deps: TrackerDeps,
): Promise<boolean> {
  return deps.sends.transition(send.sendId, 'sent', 'failed', at, { reason: reason.slice(0, 500) });
}
