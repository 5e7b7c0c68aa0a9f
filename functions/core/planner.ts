import { pickWeighted, unitHash } from './assign.ts';
import type { Account, Contact } from './domain.ts';
import type { Enrollment, ExitReason, PlanState } from './plan-state.ts';
import type { CompiledCampaign, CompiledStep, Program } from './program.ts';
import { sendIdOf } from './send.ts';
import { type PreparedAccount, prepareAccount, type Subject, subjectOf } from './subject.ts';
import { assignTier } from './tiers.ts';
import { inWindow, nextWindowOpen, zoneFor } from './time-window.ts';

/** Why a due step did not go out; `final` reasons close the step, the others retry on a later tick. */
export type SkipReason =
  | 'outside-window'
  | 'frequency-cap'
  | 'unsubscribed'
  | 'suppressed'
  | 'condition-false'
  | 'expired'
  | 'superseded';

const FINAL: Record<SkipReason, boolean> = {
  'outside-window': false,
  'frequency-cap': false,
  unsubscribed: true,
  suppressed: true,
  'condition-false': true,
  expired: true,
  superseded: true,
};

/** One thing the planner decided for a contact at one instant. */
export type Decision =
  | { type: 'enroll'; campaignId: string; seq: number; occurrence?: string; holdout: boolean }
  | {
      type: 'send';
      campaignId: string;
      stepId: string;
      variantId: string;
      template: string | undefined;
      channel: 'email' | 'csm-alert';
      sendId: string;
      occurrence?: string;
      topic: string;
      bypassCap: boolean;
      segment?: string;
    }
  | {
      type: 'holdout';
      campaignId: string;
      stepId: string;
      variantId: string;
      sendId: string;
      occurrence?: string;
    }
  | { type: 'exit'; campaignId: string; reason: ExitReason }
  | {
      type: 'skip';
      campaignId: string;
      stepId?: string;
      reason: SkipReason;
      final: boolean;
      retryAt?: number;
    };

/** One contact's inputs to the planner. */
export interface PlanInput {
  contact: Contact;
  account: PreparedAccount;
  state: PlanState;
  /** epoch ms */
  now: number;
}

/** Prepares the accounts once per tick, filling a missing tier from the tier rules. */
export function prepareAccounts(
  program: Program,
  accounts: readonly Account[],
  now: number,
): Map<string, PreparedAccount> {
  const out = new Map<string, PreparedAccount>();
  for (const account of accounts) out.set(account.id, prepareWithTier(program, account, now));
  return out;
}

function prepareWithTier(program: Program, account: Account, now: number): PreparedAccount {
  if (account.tier) return prepareAccount(account);
  return prepareAccount({ ...account, tier: assignTier(program, account, account.health, now).tier });
}

const DAY_KEY = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The occurrence part of send ids: the anchor date, or the entry number after a re-entry. */
function occurrenceOf(enrollment: Pick<Enrollment, 'occurrence' | 'seq'>): string | undefined {
  return enrollment.occurrence ?? (enrollment.seq > 1 ? `e${enrollment.seq}` : undefined);
}

interface Budget {
  used: number;
  oldestCounted: number | undefined;
}

/** Decides, for one contact at one instant, what every active campaign should do. Pure. */
export function planContact(program: Program, input: PlanInput): Decision[] {
  const { contact, state, now } = input;
  const subject = subjectOf(input.account, contact, now);
  const decisions: Decision[] = [];
  let budget: Budget | undefined;
  const capBudget = (): Budget => {
    if (budget) return budget;
    const since = now - program.policy.capPerMs;
    let used = 0;
    let oldest: number | undefined;
    for (const sent of state.recentSends) {
      if (!sent.countsToCap) continue;
      const at = Date.parse(sent.at);
      if (at > since) {
        used++;
        if (oldest === undefined || at < oldest) oldest = at;
      }
    }
    budget = { used, oldestCounted: oldest };
    return budget;
  };

  for (const campaign of program.campaigns) {
    let enrollment = state.enrollments[campaign.id];
    const anchorMs = campaign.anchor ? numberOrUndefined(campaign.anchor.get(subject)) : undefined;
    const occurrence = anchorMs !== undefined ? DAY_KEY(anchorMs) : undefined;

    if (enrollment && !enrollment.exitedAt) {
      const exit = exitReason(campaign, enrollment, subject, anchorMs, occurrence);
      if (exit) {
        decisions.push({ type: 'exit', campaignId: campaign.id, reason: exit });
        continue;
      }
    } else {
      if (!mayEnter(campaign, enrollment, subject, occurrence)) continue;
      const seq = (enrollment?.seq ?? 0) + 1;
      const holdout = unitHash(contact.id, campaign.id, 'holdout') < campaign.holdoutFraction;
      const enroll: Decision = {
        type: 'enroll',
        campaignId: campaign.id,
        seq,
        holdout,
        ...(occurrence ? { occurrence } : {}),
      };
      decisions.push(enroll);
      enrollment = { campaignId: campaign.id, seq, occurrence, enteredAt: isoOf(now), holdout, steps: {} };
    }
    planSteps(program, campaign, enrollment, subject, anchorMs, capBudget, decisions);
  }
  return decisions;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
}

function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

function exitReason(
  campaign: CompiledCampaign,
  enrollment: Enrollment,
  subject: Subject,
  anchorMs: number | undefined,
  occurrence: string | undefined,
): ExitReason | undefined {
  if (campaign.goal?.(subject)) return 'goal';
  if (campaign.exitWhenOutOfAudience && !campaign.audience(subject)) return 'left-audience';
  // A new anchor value after the old one has passed is the next occurrence (next year's renewal).
  if (campaign.anchor && enrollment.occurrence && occurrence !== enrollment.occurrence) {
    if (Date.parse(enrollment.occurrence) < subject.now) return 'completed';
  }
  const allDone = campaign.steps.every((step) => enrollment.steps[step.id] !== undefined);
  if (allDone) {
    if (!campaign.goal) return 'completed';
    if (subject.now >= Date.parse(enrollment.enteredAt) + campaign.goalWithinMs) return 'completed';
  }
  if (anchorMs === undefined && campaign.anchor) return 'left-audience';
  return undefined;
}

function mayEnter(
  campaign: CompiledCampaign,
  previous: Enrollment | undefined,
  subject: Subject,
  occurrence: string | undefined,
): boolean {
  if (campaign.endsAt !== undefined && subject.now > campaign.endsAt) return false;
  if (campaign.anchor && occurrence === undefined) return false;
  if (previous) {
    const newOccurrence = campaign.anchor !== undefined && previous.occurrence !== occurrence;
    if (!newOccurrence) {
      if (campaign.reentryAfterMs === null) return false;
      const exitedAt = previous.exitedAt ? Date.parse(previous.exitedAt) : subject.now;
      if (subject.now < exitedAt + campaign.reentryAfterMs) return false;
    }
  }
  if (!campaign.audience(subject)) return false;
  if (campaign.entry && !campaign.entry(subject)) return false;
  if (campaign.goal?.(subject)) return false;
  return true;
}

function dueAt(step: CompiledStep, enrollment: Enrollment, anchorMs: number | undefined): number | undefined {
  switch (step.timing.kind) {
    case 'after':
      return Date.parse(enrollment.enteredAt) + step.timing.ms;
    case 'at':
      return anchorMs === undefined ? undefined : anchorMs + step.timing.offsetMs;
    case 'sendAt':
      return step.timing.at;
  }
}

function planSteps(
  program: Program,
  campaign: CompiledCampaign,
  enrollment: Enrollment,
  subject: Subject,
  anchorMs: number | undefined,
  capBudget: () => Budget,
  decisions: Decision[],
): void {
  const now = subject.now;
  const skip = (stepId: string, reason: SkipReason, retryAt?: number) =>
    decisions.push({
      type: 'skip',
      campaignId: campaign.id,
      stepId,
      reason,
      final: FINAL[reason],
      ...(retryAt !== undefined ? { retryAt } : {}),
    });
  // Of the steps now due, those whose condition fails are closed; of the rest only the latest goes out,
  // so a contact who fell behind (window, cap, late entry) never gets two steps of a campaign at once.
  let latest: { step: CompiledStep; due: number } | undefined;
  for (const step of campaign.steps) {
    if (enrollment.steps[step.id]) continue;
    const due = dueAt(step, enrollment, anchorMs);
    if (due === undefined || due > now) continue;
    if (step.when && !step.when(subject)) {
      skip(step.id, 'condition-false');
      continue;
    }
    if (latest && due < latest.due) {
      skip(step.id, 'superseded');
      continue;
    }
    if (latest) skip(latest.step.id, 'superseded');
    latest = { step, due };
  }
  if (!latest) return;
  const { step, due } = latest;
  if (now - due > step.expiresAfterMs) return void skip(step.id, 'expired');

  const contact = subject.contact;
  if (!contact) return;
  const variant = pickWeighted(step.variants, step.totalWeight, unitHash(contact.id, campaign.id, 'variant'));
  const variantId = variant?.id ?? 'default';
  const occurrence = occurrenceOf(enrollment);
  const sendId = sendIdOf(campaign.id, step.id, contact.id, occurrence);
  if (enrollment.holdout) {
    decisions.push({
      type: 'holdout',
      campaignId: campaign.id,
      stepId: step.id,
      variantId,
      sendId,
      ...(occurrence ? { occurrence } : {}),
    });
    return;
  }
  if (step.channel === 'email') {
    if (contact.suppressed) return void skip(step.id, 'suppressed');
    if (contact.unsubscribedAll || contact.topicOptOuts.includes(campaign.topic))
      return void skip(step.id, 'unsubscribed');
    if (campaign.window) {
      const zone = zoneFor(contact.timeZone, program.policy.fallbackTimeZone);
      if (!inWindow(campaign.window, now, zone))
        return void skip(step.id, 'outside-window', nextWindowOpen(campaign.window, now, zone));
    }
    if (!step.bypassCap) {
      const budget = capBudget();
      if (budget.used >= program.policy.capMax) {
        const retryAt =
          budget.oldestCounted !== undefined ? budget.oldestCounted + program.policy.capPerMs : undefined;
        return void skip(step.id, 'frequency-cap', retryAt);
      }
      budget.used++;
    }
  }
  const segment = step.bySegment.find((entry) => entry.matches(subject));
  decisions.push({
    type: 'send',
    campaignId: campaign.id,
    stepId: step.id,
    variantId,
    template: variant?.template ?? segment?.template ?? step.template,
    channel: step.channel,
    sendId,
    topic: campaign.topic,
    bypassCap: step.bypassCap,
    ...(occurrence ? { occurrence } : {}),
    ...(segment ? { segment: segment.segment } : {}),
  });
}

/** Applies decisions to a contact's plan state, returning the new state to store. Pure. */
export function applyDecisions(
  program: Program,
  state: PlanState,
  decisions: readonly Decision[],
  now: number,
): PlanState {
  const at = isoOf(now);
  const enrollments = { ...state.enrollments };
  const recentSends = state.recentSends.filter((sent) => Date.parse(sent.at) > now - program.policy.capPerMs);
  const touch = (campaignId: string): Enrollment | undefined => {
    const current = enrollments[campaignId];
    if (!current) return undefined;
    const copy = { ...current, steps: { ...current.steps } };
    enrollments[campaignId] = copy;
    return copy;
  };
  for (const decision of decisions) {
    switch (decision.type) {
      case 'enroll':
        enrollments[decision.campaignId] = {
          campaignId: decision.campaignId,
          seq: decision.seq,
          ...(decision.occurrence ? { occurrence: decision.occurrence } : {}),
          enteredAt: at,
          holdout: decision.holdout,
          steps: {},
        };
        break;
      case 'send': {
        const enrollment = touch(decision.campaignId);
        if (enrollment)
          enrollment.steps[decision.stepId] = {
            status: 'claimed',
            at,
            sendId: decision.sendId,
            variantId: decision.variantId,
          };
        if (decision.channel === 'email')
          recentSends.push({
            campaignId: decision.campaignId,
            stepId: decision.stepId,
            at,
            countsToCap: !decision.bypassCap,
          });
        break;
      }
      case 'holdout': {
        const enrollment = touch(decision.campaignId);
        if (enrollment)
          enrollment.steps[decision.stepId] = {
            status: 'held-out',
            at,
            sendId: decision.sendId,
            variantId: decision.variantId,
          };
        break;
      }
      case 'skip': {
        const enrollment = touch(decision.campaignId);
        if (enrollment && decision.final && decision.stepId)
          enrollment.steps[decision.stepId] = { status: 'skipped', at, reason: decision.reason };
        break;
      }
      case 'exit': {
        const enrollment = touch(decision.campaignId);
        if (enrollment) {
          enrollment.exitedAt = at;
          enrollment.exitReason = decision.reason;
          if (decision.reason === 'goal') enrollment.goalReachedAt = at;
        }
        break;
      }
    }
  }
  return { enrollments, recentSends };
}
