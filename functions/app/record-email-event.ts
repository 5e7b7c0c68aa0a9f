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
import type {
  BreakerFlag,
  Clock,
  ContactRepository,
  Counters,
  EmailEventLog,
  EventPublisher,
  FirstFact,
  Log,
  ReputationLog,
  SendRepository,
  SuppressionList,
} from './ports.ts';
import { checkReputation } from './reputation-breaker.ts';
import { counterKeyOf } from './send-step.ts';

export interface TrackerDeps {
  clock: Clock;
  sends: SendRepository;
  events: EmailEventLog;
  contacts: ContactRepository;
  suppressions: SuppressionList;
  counters: Counters;
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
 * nothing, and a crash halfway is repaired by the redelivery. Counters move only when a first-time
 * fact is set, so they never count an event twice.
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
    if (fresh) await deps.counters.addOperational(at.slice(0, 10), 'orphan-events', { [eventType]: 1 });
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
  const first = await applyEffects(event, send, at, fresh, deps);
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
  fresh: boolean,
  deps: TrackerDeps,
): Promise<boolean> {
  const detail = event.detail;
  // Counters belong to the day the email went out, so rates compare like with like.
  const key = counterKeyOf(send, Date.parse(send.sentAt ?? send.claimedAt));
  const once = async (
    fact: FirstFact,
    counter: string,
    extra?: { bounceType?: string },
  ): Promise<boolean> => {
    const first = await deps.sends.setFirst(send.sendId, fact, at, extra);
    if (first) await deps.counters.add(key, { [counter]: 1 });
    return first;
  };
  switch (detail.eventType) {
    case 'Send':
      return false;
    case 'Delivery':
      return once('deliveredAt', 'delivered');
    case 'Open':
      return isMachineOpen(detail.open.userAgent)
        ? once('firstMachineOpenAt', 'machineOpens')
        : once('firstOpenAt', 'opens');
    case 'Click':
      return once('firstClickAt', 'clicks');
    case 'Bounce': {
      if (detail.bounce.bounceType !== 'Permanent') {
        // Soft bounces arrive only after SES gave up retrying: counted, neither suppressed nor a hard bounce.
        if (fresh) await deps.counters.add(key, { softBounces: 1 });
        return false;
      }
      const first = await once('bouncedAt', 'bounced', { bounceType: 'Permanent' });
      const addresses = detail.bounce.bouncedRecipients.map((recipient) => recipient.emailAddress);
      await suppress(addresses, 'hard-bounce', send, at, deps);
      if (first) await deps.reputation.add(hourOf(Date.parse(at)), { bounced: 1 });
      await checkReputation(deps);
      return first;
    }
    case 'Complaint': {
      const first = await once('complainedAt', 'complained');
      const addresses = detail.complaint.complainedRecipients.map((recipient) => recipient.emailAddress);
      await suppress(addresses, 'complaint', send, at, deps);
      if (first) await deps.reputation.add(hourOf(Date.parse(at)), { complained: 1 });
      await checkReputation(deps);
      return first;
    }
    case 'Reject':
      return failAfterAccept(send, `rejected by SES: ${detail.reject.reason}`, 'rejected', at, deps);
    case 'Rendering Failure':
      return failAfterAccept(
        send,
        `SES rendering failure: ${detail.failure.errorMessage}`,
        'renderingFailures',
        at,
        deps,
      );
    case 'DeliveryDelay':
      if (fresh) await deps.counters.add(key, { deliveryDelays: 1 });
      return false;
    case 'Subscription': {
      const preferences = detail.subscription.newTopicPreferences;
      const optedOut = preferences.topicSubscriptionStatus
        .filter((topic) => topic.subscriptionStatus === 'OptOut')
        .map((topic) => topic.topicName);
      if (preferences.unsubscribeAll) await deps.contacts.optOut(send.contactId, { all: true });
      for (const topic of optedOut) await deps.contacts.optOut(send.contactId, topic);
      if (!preferences.unsubscribeAll && optedOut.length === 0) return false;
      return once('unsubscribedAt', 'unsubscribed');
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
  counter: string,
  at: string,
  deps: TrackerDeps,
): Promise<boolean> {
  const moved = await deps.sends.transition(send.sendId, 'sent', 'failed', at, {
    reason: reason.slice(0, 500),
  });
  if (moved)
    await deps.counters.add(counterKeyOf(send, Date.parse(send.sentAt ?? send.claimedAt)), { [counter]: 1 });
  return moved;
}
