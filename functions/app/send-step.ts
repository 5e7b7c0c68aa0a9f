import { z } from 'zod';
import { campaignAlertCta } from '../core/accounts/cta-lifecycle.ts';
import { contactIneligibleAt } from '../core/campaign/eligibility.ts';
import { capAllows, capUsage } from '../core/campaign/frequency-cap.ts';
import type { PlanState } from '../core/campaign/plan-state.ts';
import { mailPausedUntil } from '../core/sending/preferences.ts';
import type { SendRecord } from '../core/sending/send.ts';
import { SKIP_IS_FINAL, type SkipReason } from '../core/sending/skip-reason.ts';
import type { Account, Contact } from '../core/shared/domain.ts';
import { redactEmails } from '../core/shared/redact.ts';
import { hourOf } from '../core/tracking/reputation.ts';
import { type CtaStore, raiseCtas } from './ctas.ts';
import {
  type AccountRepository,
  type BreakerFlag,
  type Clock,
  type ContactRepository,
  type EmailSender,
  type EventPublisher,
  type Log,
  METRIC,
  type MessageQueue,
  type OpsMetrics,
  type RateLimiter,
  type ReputationLog,
  RetryableSendError,
  type SendOutcomeMetric,
  type SendRepository,
  type StepRenderer,
  type SuppressionList,
} from './ports.ts';

/** The body of a send-queue message: which claimed send to deliver, and how often SES throttled it. */
export const SendMessage = z.strictObject({
  sendId: z.string().min(1),
  attempt: z.number().int().min(0).default(0),
});
export type SendMessage = z.infer<typeof SendMessage>;

/** What happened to one send-queue message. */
export type SendOutcome =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'skipped'; reason: SkipReason; detail?: string }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'unknown'; reason: string }
  /** the send was already taken by another delivery of the message: nothing done */
  | { outcome: 'duplicate'; status: string }
  /** the breaker is paused: the send stays claimed and is re-enqueued after resume */
  | { outcome: 'deferred' }
  /** SES throttled (no reason), or a hit that only needs time (frequency cap, sign-up ahead): re-enqueued */
  | { outcome: 'retry'; delaySeconds: number; reason?: SkipReason };

/** Sending rules the sender re-checks at send time. */
export interface SendPolicy {
  frequencyCap?: { max: number; perMs: number };
  /** a claim older than this is skipped as expired instead of sent late */
  maxClaimAgeMs: number;
  backoff: { baseSeconds: number; maxSeconds: number };
}

/** Fault hooks for chaos runs: a hook that throws simulates a crash at that point. */
export interface SendFaults {
  beforeSes?: (sendId: string) => void;
  afterSes?: (sendId: string) => void;
}

export interface SendStepDeps {
  clock: Clock;
  sends: SendRepository;
  contacts: ContactRepository;
  accounts: AccountRepository;
  suppressions: SuppressionList;
  breaker: BreakerFlag;
  renderer: StepRenderer;
  sender: EmailSender;
  queue: MessageQueue<SendMessage>;
  publisher: EventPublisher;
  /** where csm-alert steps raise their CTAs */
  ctas: CtaStore;
  metrics: OpsMetrics;
  reputation: ReputationLog;
  limiter: RateLimiter;
  log: Log;
  policy: SendPolicy;
  random: () => number;
  faults?: SendFaults;
}

/** A send message names a send that does not exist: a bug or lost data, never silently dropped. */
export class SendStepError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SendStepError';
  }
}

/** The longest delay an SQS message can take. */
const MAX_DELAY_SECONDS = 900;

/** How long the sender's pacing pauses after a throttle. */
const THROTTLE_PAUSE_MS = 100;

/** The source of events lowtouch publishes. */
export const EVENT_SOURCE = 'lowtouch';

/** Delivers one claimed send and counts its outcome (SendsSent, SendsSkipped, …). */
export async function sendStep(message: SendMessage, deps: SendStepDeps): Promise<SendOutcome> {
  const result = await deliver(message, deps);
  deps.metrics.count(OUTCOME_METRIC[result.outcome]);
  return result;
}

const OUTCOME_METRIC: Record<SendOutcome['outcome'], SendOutcomeMetric> = {
  sent: 'SendsSent',
  skipped: 'SendsSkipped',
  failed: 'SendsFailed',
  unknown: 'SendsUnknown',
  duplicate: 'SendsDuplicate',
  deferred: 'SendsDeferred',
  retry: 'SendsRetry',
};

/** Re-checks consent, cap and breaker, renders, calls SES and records the result. */
async function deliver(message: SendMessage, deps: SendStepDeps): Promise<SendOutcome> {
  const send = await deps.sends.get(message.sendId);
  if (!send) {
    throw new SendStepError(
      `send ${message.sendId} is not in the sends table; plan-shard claims before it enqueues`,
    );
  }
  if (send.status !== 'claimed') return { outcome: 'duplicate', status: send.status };
  const now = deps.clock.now();
  const at = new Date(now).toISOString();

  if (send.channel === 'email' && (await deps.breaker.get()).paused) return { outcome: 'deferred' };

  const skip = async (reason: SkipReason, detail?: string): Promise<SendOutcome> => {
    const moved = await deps.sends.transition(send.sendId, 'claimed', 'skipped', at, {
      reason,
      ...(detail ? { detail } : {}),
    });
    if (!moved) return { outcome: 'duplicate', status: 'moved' };
    return { outcome: 'skipped', reason, ...(detail ? { detail } : {}) };
  };
  // A hit that only needs time (the cap frees up, the sign-up or account start arrives) keeps the claim
  // and comes back later, as the planner would retry it; the claim-age limit still ends a wait too long.
  const skipOrDefer = async (reason: SkipReason, retryAt: number | undefined): Promise<SendOutcome> => {
    if (SKIP_IS_FINAL[reason]) return skip(reason);
    const wait = retryAt === undefined ? MAX_DELAY_SECONDS : Math.ceil((retryAt - now) / 1000);
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(1, wait));
    await deps.queue.send([{ body: { sendId: send.sendId, attempt: message.attempt }, delaySeconds }]);
    return { outcome: 'retry', delaySeconds, reason };
  };

  if (now - Date.parse(send.claimedAt) > deps.policy.maxClaimAgeMs) return skip('expired');
  const stored = await deps.contacts.get(send.contactId);
  if (!stored) return skip('contact-missing');
  const account = await deps.accounts.get(send.accountId);
  if (!account) return skip('account-missing');
  const contact = stored.contact;
  const ineligible = contactIneligibleAt(contact, account, now);
  if (ineligible) {
    const opens = ineligible === 'not-signed-up' ? contact.signedUpAt : account.startedAt;
    return skipOrDefer(ineligible, Date.parse(opens));
  }

  if (send.channel === 'csm-alert') return raiseCsmAlert(send, account, at, deps);

  const blocked = await consentBlock(send, contact, stored.plan, now, deps);
  if (blocked) return skipOrDefer(blocked.reason, blocked.retryAt);

  const rendered = await deps.renderer.render({ send, contact, account, now });
  if (!rendered.ok) return skip('render-failed', rendered.reason);

  if (!(await deps.sends.transition(send.sendId, 'claimed', 'sending', at, { locale: rendered.locale }))) {
    return { outcome: 'duplicate', status: 'moved' };
  }
  await deps.limiter.take();
  deps.faults?.beforeSes?.(send.sendId);
  let result: Awaited<ReturnType<EmailSender['send']>>;
  try {
    result = await deps.sender.send({
      to: contact.email,
      ...rendered.email,
      tags: {
        campaignId: send.campaignId,
        stepId: send.stepId,
        variantId: send.variantId,
        sendId: send.sendId,
      },
    });
  } catch (error) {
    return handleSendError(error, send, message, deps);
  }
  deps.faults?.afterSes?.(send.sendId);
  const done = new Date(deps.clock.now()).toISOString();
  if (result.ok) {
    await deps.sends.transition(send.sendId, 'sending', 'sent', done, {
      messageId: result.messageId,
      sentAt: done,
    });
    await deps.reputation.add(hourOf(now), { sent: 1 });
    return { outcome: 'sent', messageId: result.messageId };
  }
  const reason = redactEmails(result.reason);
  await deps.sends.transition(send.sendId, 'sending', 'failed', done, { reason });
  deps.log.warn('SES refused a send permanently', { sendId: send.sendId, reason });
  return { outcome: 'failed', reason };
}

async function handleSendError(
  error: unknown,
  send: SendRecord,
  message: SendMessage,
  deps: SendStepDeps,
): Promise<SendOutcome> {
  const at = new Date(deps.clock.now()).toISOString();
  if (error instanceof RetryableSendError) {
    // SES did not take the email: hand the send back and try again later, with growing delays.
    await deps.sends.transition(send.sendId, 'sending', 'claimed', at, { reason: `retry: ${error.kind}` });
    const attempt = message.attempt + 1;
    const { baseSeconds, maxSeconds } = deps.policy.backoff;
    const delaySeconds = Math.round(
      Math.min(maxSeconds, baseSeconds * 2 ** Math.min(attempt - 1, 20) + deps.random() * baseSeconds),
    );
    // A short pause for every caller of this worker: SES said the account rate is exceeded right now.
    deps.limiter.penalize(THROTTLE_PAUSE_MS);
    await deps.queue.send([{ body: { sendId: send.sendId, attempt }, delaySeconds }]);
    return { outcome: 'retry', delaySeconds };
  }
  // No answer from SES (network fault, timeout): it may have sent the email. Never retry; report.
  const reason = redactEmails(
    `no answer from SES: ${error instanceof Error ? error.message : String(error)}`,
  ).slice(0, 500);
  await deps.sends.transition(send.sendId, 'sending', 'unknown', at, { reason });
  deps.metrics.count(METRIC.unknownOutcomes);
  deps.log.error('send outcome unknown; not re-sent', { sendId: send.sendId, reason });
  return { outcome: 'unknown', reason };
}

async function consentBlock(
  send: SendRecord,
  contact: Contact,
  plan: PlanState,
  now: number,
  deps: SendStepDeps,
): Promise<{ reason: SkipReason; retryAt?: number | undefined } | undefined> {
  if (contact.suppressed || (await deps.suppressions.isSuppressed(contact.email)))
    return { reason: 'suppressed' };
  if (contact.unsubscribedAll || contact.topicOptOuts.includes(send.topic)) return { reason: 'unsubscribed' };
  const pausedUntil = mailPausedUntil(contact, now);
  if (pausedUntil !== undefined) return { reason: 'paused', retryAt: pausedUntil };
  const cap = deps.policy.frequencyCap;
  if (cap && !send.bypassCap) {
    // The same count the planner made when it claimed, minus this step's own entry in the plan state.
    const usage = capUsage(plan.recentSends, cap, now, { campaignId: send.campaignId, stepId: send.stepId });
    const allowed = capAllows(usage, cap);
    if (!allowed.ok) return { reason: 'frequency-cap', retryAt: allowed.retryAt };
  }
  return undefined;
}

async function raiseCsmAlert(
  send: SendRecord,
  account: Account,
  at: string,
  deps: SendStepDeps,
): Promise<SendOutcome> {
  if (!(await deps.sends.transition(send.sendId, 'claimed', 'sending', at))) {
    return { outcome: 'duplicate', status: 'moved' };
  }
  // The same path as the nightly rules: one CTA per account and step, however many contacts matched.
  const cta = campaignAlertCta({
    account,
    campaignId: send.campaignId,
    stepId: send.stepId,
    occurrence: send.occurrence,
    now: Date.parse(at),
  });
  await raiseCtas({ candidates: [cta] }, { ctas: deps.ctas, events: deps.publisher, log: deps.log });
  const messageId = `cta:${cta.key}`;
  await deps.sends.transition(send.sendId, 'sending', 'sent', at, { messageId, sentAt: at });
  return { outcome: 'sent', messageId };
}
