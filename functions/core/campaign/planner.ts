// Over 300 lines: the decision order (exit, enroll, waits, due step, checks, send) reads top to bottom; splitting the waits out is next.
import { assignTier } from '../accounts/tiers.ts';
import { mailPausedUntil } from '../sending/preferences.ts';
import { type Channel, sendIdOf } from '../sending/send.ts';
import { SKIP_IS_FINAL, type SkipReason } from '../sending/skip-reason.ts';
import { inGlobalHoldout, pickWeighted, unitHash } from '../shared/assign.ts';
import type { Account, Contact } from '../shared/domain.ts';
import { epochOf } from '../shared/duration.ts';
import { countryFor } from './business-calendar.ts';
import { type IneligibleReason, ineligibleAt } from './eligibility.ts';
import { capAllows, capUsage } from './frequency-cap.ts';
import type { Enrollment, ExitReason, PlanState } from './plan-state.ts';
import type { CompiledCampaign, CompiledStep, Program } from './program.ts';
import { type PreparedAccount, prepareAccount, type Subject, signedUpMs, subjectOf } from './subject.ts';
import { closedDayAt, inWindowNow, nextWindowOpen, zoneFor } from './time-window.ts';

export type { SkipReason };

/** One thing the planner decided for a contact at one instant. */
export type Decision =
  | { type: 'enroll'; campaignId: string; seq: number; occurrence?: string; holdout: boolean }
  | {
      type: 'send';
      campaignId: string;
      stepId: string;
      variantId: string;
      template: string | undefined;
      channel: Channel;
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
  /** a wait resolved: its condition held (then) or its timeout passed (else) */
  | { type: 'branch'; campaignId: string; stepId: string; branch: 'then' | 'else'; target: string }
  /** a wait still open at this instant; it times out at `until` (informational, nothing is stored) */
  | { type: 'wait'; campaignId: string; stepId: string; until: number }
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

// Anchor dates repeat across every contact of an account, so their day keys are memoized.
const dayKeys = new Map<number, string>();
function dayKey(ms: number): string {
  let key = dayKeys.get(ms);
  if (key === undefined) {
    key = new Date(ms).toISOString().slice(0, 10);
    if (dayKeys.size > 100_000) dayKeys.clear();
    dayKeys.set(ms, key);
  }
  return key;
}

/** The occurrence part of send ids: the anchor date, or the entry number after a re-entry. */
function occurrenceOf(enrollment: Pick<Enrollment, 'occurrence' | 'seq'>): string | undefined {
  return enrollment.occurrence ?? (enrollment.seq > 1 ? `e${enrollment.seq}` : undefined);
}

/** Per-contact scratch shared by all campaigns of one planner run: the frequency-cap budget, read lazily. */
interface RunContext {
  program: Program;
  subject: Subject;
  contact: Contact;
  state: PlanState;
  decisions: Decision[];
  /** why the contact may not be enrolled or mailed at all right now (sign-up, account start, churn) */
  ineligible: IneligibleReason | undefined;
  /** counted emails in the cap window, -1 until first needed */
  capUsed: number;
  oldestCounted: number | undefined;
}

/** Decides, for one contact at one instant, what every active campaign should do. Pure. */
export function planContact(program: Program, input: PlanInput): Decision[] {
  const { contact, state, now } = input;
  const subject = subjectOf(input.account, contact, now);
  const ctx: RunContext = {
    program,
    subject,
    contact,
    state,
    decisions: [],
    ineligible: ineligibleAt(
      {
        signedUpMs: signedUpMs(subject),
        accountStartedMs: input.account.startedMs,
        accountChurnedMs: input.account.churnedMs,
        accountStatus: input.account.account.status,
      },
      now,
    ),
    capUsed: -1,
    oldestCounted: undefined,
  };
  const campaigns = program.campaigns;
  for (let i = 0; i < campaigns.length; i++) {
    const campaign = campaigns[i];
    if (campaign) planCampaign(ctx, campaign);
  }
  return ctx.decisions;
}

function planCampaign(ctx: RunContext, campaign: CompiledCampaign): void {
  const { subject, decisions } = ctx;
  let enrollment = ctx.state.enrollments[campaign.id];
  const anchorMs = campaign.anchor ? numberOrUndefined(campaign.anchor.get(subject)) : undefined;
  const occurrence = anchorMs !== undefined ? dayKey(anchorMs) : undefined;
  let enteredMs: number;
  if (enrollment && !enrollment.exitedAt) {
    enteredMs = epochOf(enrollment.enteredAt);
    const exit = exitReason(campaign, enrollment, enteredMs, subject, anchorMs, occurrence);
    if (exit) {
      decisions.push({ type: 'exit', campaignId: campaign.id, reason: exit });
      return;
    }
  } else {
    if (ctx.ineligible || !mayEnter(campaign, enrollment, subject, occurrence)) return;
    const seq = (enrollment?.seq ?? 0) + 1;
    const holdout =
      inGlobalHoldout(ctx.contact.id, ctx.program.policy.globalHoldoutFraction) ||
      unitHash(ctx.contact.id, campaign.id, 'holdout') < campaign.holdoutFraction;
    decisions.push({
      type: 'enroll',
      campaignId: campaign.id,
      seq,
      holdout,
      ...(occurrence ? { occurrence } : {}),
    });
    enteredMs = subject.now;
    enrollment = {
      campaignId: campaign.id,
      seq,
      occurrence,
      enteredAt: isoOf(subject.now),
      holdout,
      steps: {},
    };
  }
  planSteps(ctx, campaign, enrollment, enteredMs, anchorMs);
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
  enteredMs: number,
  subject: Subject,
  anchorMs: number | undefined,
  occurrence: string | undefined,
): ExitReason | undefined {
  if (campaign.goal?.(subject)) return 'goal';
  if (campaign.exitWhenOutOfAudience && !campaign.audience(subject)) return 'left-audience';
  // A new anchor value after the old one has passed is the next occurrence (next year's renewal).
  if (campaign.anchor && enrollment.occurrence && occurrence !== enrollment.occurrence) {
    if (epochOf(enrollment.occurrence) < subject.now) return 'completed';
  }
  let allDone = true;
  for (const step of campaign.steps) {
    if (enrollment.steps[step.id] === undefined) {
      allDone = false;
      break;
    }
  }
  if (allDone && (!campaign.goal || subject.now >= enteredMs + campaign.goalWithinMs)) return 'completed';
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
      const exitedAt = previous.exitedAt ? epochOf(previous.exitedAt) : subject.now;
      if (subject.now < exitedAt + campaign.reentryAfterMs) return false;
    }
  }
  if (!campaign.audience(subject)) return false;
  if (campaign.entry && !campaign.entry(subject)) return false;
  if (campaign.goal?.(subject)) return false;
  return true;
}

function dueAt(step: CompiledStep, enteredMs: number, anchorMs: number | undefined): number | undefined {
  switch (step.timing.kind) {
    case 'after':
      return enteredMs + step.timing.ms;
    case 'at':
      return anchorMs === undefined ? undefined : anchorMs + step.timing.offsetMs;
    case 'sendAt':
      return step.timing.at;
  }
}

function pushSkip(
  ctx: RunContext,
  campaignId: string,
  stepId: string,
  reason: SkipReason,
  retryAt?: number,
): void {
  const skip: Decision = { type: 'skip', campaignId, stepId, reason, final: SKIP_IS_FINAL[reason] };
  if (retryAt !== undefined) skip.retryAt = retryAt;
  ctx.decisions.push(skip);
}

/** Takes one email from the frequency-cap budget, or returns when the budget frees up again. */
function takeFromCap(ctx: RunContext): { ok: true } | { ok: false; retryAt: number | undefined } {
  const cap = { max: ctx.program.policy.capMax, perMs: ctx.program.policy.capPerMs };
  if (ctx.capUsed < 0) {
    const usage = capUsage(ctx.state.recentSends, cap, ctx.subject.now);
    ctx.capUsed = usage.used;
    ctx.oldestCounted = usage.freesAt === undefined ? undefined : usage.freesAt - cap.perMs;
  }
  const allowed = capAllows(
    {
      used: ctx.capUsed,
      freesAt: ctx.oldestCounted === undefined ? undefined : ctx.oldestCounted + cap.perMs,
    },
    cap,
  );
  if (allowed.ok) ctx.capUsed++;
  return allowed;
}

/**
 * The contact a one-per-account step goes to: among the account's reachable, signed-up members (from the
 * nightly rollup), the first by role priority, then sign-up order. Undefined before the first rollup, when
 * the per-account claim alone keeps it to one email.
 */
function chosenMember(account: Account, rolePriority: readonly string[], now: number): string | undefined {
  const members = account.usage?.members;
  if (!members || members.length === 0) return undefined;
  const rank = (role: string) => {
    const at = rolePriority.indexOf(role);
    return at < 0 ? rolePriority.length : at;
  };
  let best: { id: string; rank: number } | undefined;
  for (const member of members) {
    if (!member.reachable || Date.parse(member.signedUpAt) > now) continue;
    const r = rank(member.role);
    if (!best || r < best.rank) best = { id: member.id, rank: r };
  }
  return best?.id;
}

/** The instant a step falls due: by its own timing, or `after` the branch that leads to it was taken. */
function dueOf(
  step: CompiledStep,
  enteredMs: number,
  anchorMs: number | undefined,
  branchedTo: ReadonlyMap<string, number>,
): number | undefined {
  if (step.reachedFrom.length === 0) return dueAt(step, enteredMs, anchorMs);
  const branchedAt = branchedTo.get(step.id);
  if (branchedAt === undefined || step.timing.kind !== 'after') return undefined;
  return branchedAt + step.timing.ms;
}

/**
 * Resolves the waits that are due: the condition holds → then, the timeout passed → else. Steps behind a
 * branch not taken are closed. Repeats until nothing changes, so a chain of waits resolves in one run.
 * Returns when each branch target was reached and which steps were closed in this run.
 */
function resolveWaits(
  ctx: RunContext,
  campaign: CompiledCampaign,
  enrollment: Enrollment,
  enteredMs: number,
  anchorMs: number | undefined,
): { at: Map<string, number>; closed: Set<string> } {
  const at = new Map<string, number>();
  const closed = new Set<string>();
  const resolved = new Map<string, string>();
  let hasWaits = false;
  for (const step of campaign.steps) {
    const state = enrollment.steps[step.id];
    if (step.wait) hasWaits = true;
    if (state?.status === 'branched' && state.target !== undefined) {
      resolved.set(step.id, state.target);
      at.set(state.target, epochOf(state.at));
    }
  }
  if (!hasWaits) return { at, closed };
  const now = ctx.subject.now;
  const settled = (id: string) => enrollment.steps[id] !== undefined || closed.has(id) || resolved.has(id);
  const pending: Decision[] = [];
  for (let round = 0, changed = true; changed && round <= campaign.steps.length; round++) {
    changed = false;
    pending.length = 0;
    for (const step of campaign.steps) {
      if (settled(step.id)) continue;
      if (step.reachedFrom.length > 0 && !at.has(step.id)) {
        // Every wait that could lead here went elsewhere (or was closed itself): this step never comes.
        if (step.reachedFrom.every((source) => resolved.has(source) || closed.has(source))) {
          closed.add(step.id);
          pushSkip(ctx, campaign.id, step.id, 'branch-not-taken');
          changed = true;
        }
        continue;
      }
      const wait = step.wait;
      if (!wait) continue;
      const due = dueOf(step, enteredMs, anchorMs, at);
      if (due === undefined || due > now) continue;
      const branch = wait.until(ctx.subject) ? 'then' : now >= due + wait.timeoutMs ? 'else' : undefined;
      if (branch === undefined) {
        pending.push({ type: 'wait', campaignId: campaign.id, stepId: step.id, until: due + wait.timeoutMs });
        continue;
      }
      const target = wait[branch];
      resolved.set(step.id, target);
      at.set(target, now);
      ctx.decisions.push({ type: 'branch', campaignId: campaign.id, stepId: step.id, branch, target });
      changed = true;
    }
  }
  ctx.decisions.push(...pending);
  return { at, closed };
}

function planSteps(
  ctx: RunContext,
  campaign: CompiledCampaign,
  enrollment: Enrollment,
  enteredMs: number,
  anchorMs: number | undefined,
): void {
  const { subject, contact } = ctx;
  const now = subject.now;
  // Of the steps now due, those whose condition fails are closed; of the rest only the latest goes out,
  // so a contact who fell behind (window, cap, late entry) never gets two steps of a campaign at once.
  const taken = resolveWaits(ctx, campaign, enrollment, enteredMs, anchorMs);
  let latest: CompiledStep | undefined;
  let latestDue = 0;
  for (const step of campaign.steps) {
    if (step.wait || enrollment.steps[step.id] || taken.closed.has(step.id)) continue;
    const due = dueOf(step, enteredMs, anchorMs, taken.at);
    if (due === undefined || due > now) continue;
    if (step.when && !step.when(subject)) {
      pushSkip(ctx, campaign.id, step.id, 'condition-false');
      continue;
    }
    if (latest && due < latestDue) {
      pushSkip(ctx, campaign.id, step.id, 'superseded');
      continue;
    }
    if (latest) pushSkip(ctx, campaign.id, latest.id, 'superseded');
    latest = step;
    latestDue = due;
  }
  if (!latest) return;
  const step = latest;
  if (now - latestDue > step.expiresAfterMs) {
    pushSkip(ctx, campaign.id, step.id, 'expired');
    return;
  }
  if (ctx.ineligible) {
    // Enrolled earlier but not reachable now: wait for the sign-up or account start, close on churn.
    const opens = ctx.ineligible === 'not-signed-up' ? signedUpMs(subject) : subject.account.startedMs;
    pushSkip(
      ctx,
      campaign.id,
      step.id,
      ctx.ineligible,
      ctx.ineligible === 'account-churned' ? undefined : opens,
    );
    return;
  }

  if (step.perAccount) {
    const chosen = chosenMember(subject.account.account, step.perAccount.rolePriority, now);
    if (chosen !== undefined && chosen !== contact.id) {
      pushSkip(ctx, campaign.id, step.id, 'other-contact-chosen');
      return;
    }
  }

  if (!enrollment.holdout && step.channel === 'email') {
    if (contact.suppressed) {
      pushSkip(ctx, campaign.id, step.id, 'suppressed');
      return;
    }
    if (contact.unsubscribedAll || contact.topicOptOuts.includes(campaign.topic)) {
      pushSkip(ctx, campaign.id, step.id, 'unsubscribed');
      return;
    }
    const pausedUntil = mailPausedUntil(contact, now);
    if (pausedUntil !== undefined) {
      pushSkip(ctx, campaign.id, step.id, 'paused', pausedUntil);
      return;
    }
    if (campaign.window) {
      const zone = zoneFor(contact.timeZone, ctx.program.policy.fallbackTimeZone);
      const country = campaign.window.calendar.active
        ? countryFor(contact.country, subject.account.account.country, zone)
        : undefined;
      if (!inWindowNow(campaign.window, now, zone, country)) {
        const closed = closedDayAt(campaign.window, now, zone, country);
        const next = nextWindowOpen(campaign.window, now, zone, country);
        pushSkip(ctx, campaign.id, step.id, closed ? 'holiday' : 'outside-window', next);
        return;
      }
    }
    if (!step.bypassCap) {
      const taken = takeFromCap(ctx);
      if (!taken.ok) {
        pushSkip(ctx, campaign.id, step.id, 'frequency-cap', taken.retryAt);
        return;
      }
    }
  }
  const variant = pickWeighted(step.variants, step.totalWeight, unitHash(contact.id, campaign.id, 'variant'));
  const variantId = variant?.id ?? 'default';
  const occurrence = occurrenceOf(enrollment);
  // One claim per account for a one-per-account step, so two contacts planned at once cannot both send.
  const recipientKey = step.perAccount ? `account:${contact.accountId}` : contact.id;
  const sendId = sendIdOf(campaign.id, step.id, recipientKey, occurrence);
  const occurrencePart = occurrence ? { occurrence } : {};
  if (enrollment.holdout) {
    ctx.decisions.push({
      type: 'holdout',
      campaignId: campaign.id,
      stepId: step.id,
      variantId,
      sendId,
      ...occurrencePart,
    });
    return;
  }
  const segment = step.bySegment.find((entry) => entry.matches(subject));
  ctx.decisions.push({
    type: 'send',
    campaignId: campaign.id,
    stepId: step.id,
    variantId,
    template: variant?.template ?? segment?.template ?? step.template,
    channel: step.channel,
    sendId,
    topic: campaign.topic,
    bypassCap: step.bypassCap,
    ...occurrencePart,
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
  const recentSends = state.recentSends.filter((sent) => epochOf(sent.at) > now - program.policy.capPerMs);
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
      case 'branch': {
        const enrollment = touch(decision.campaignId);
        if (enrollment)
          enrollment.steps[decision.stepId] = {
            status: 'branched',
            at,
            branch: decision.branch,
            target: decision.target,
          };
        break;
      }
      case 'wait':
        break;
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
