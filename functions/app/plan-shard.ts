import { applyDecisions, type Decision, planContact, prepareAccounts } from '../core/campaign/planner.ts';
import type { Program } from '../core/campaign/program.ts';
import type { SendRecord } from '../core/sending/send.ts';
import type { SkipReason } from '../core/sending/skip-reason.ts';
import type {
  AccountRepository,
  ContactRepository,
  Log,
  MessageQueue,
  SendRepository,
  StoredContact,
} from './ports.ts';
import { type ReconcileDeps, type ReconcileReport, reconcileSends } from './reconcile-sends.ts';
import type { SendMessage } from './send-step.ts';
import type { PlanShardMessage } from './tick.ts';

export interface PlanShardDeps {
  program: Program;
  contacts: ContactRepository;
  accounts: AccountRepository;
  sends: SendRepository;
  sendQueue: MessageQueue<SendMessage>;
  log: Log;
  /** contacts planned at once within a scan page (their writes overlap) */
  concurrency?: number;
  /** when given, segment 0 also reconciles stuck sends, once per tick */
  reconcile?: ReconcileDeps;
  /** fault hook for chaos runs: throwing here simulates a crash after claims, before the plan is written */
  afterClaims?: (contactId: string) => void;
}

/** What one shard did. */
export interface PlanShardReport {
  contacts: number;
  decisions: Record<Decision['type'], number>;
  claimed: number;
  /** claims that already existed (a double tick or a retried shard) */
  alreadyClaimed: number;
  enqueued: number;
  planConflicts: number;
  missingAccounts: number;
  reconcile?: ReconcileReport;
}

const MAX_PLAN_ATTEMPTS = 3;

/**
 * Plans one parallel-scan segment at the tick's instant: each contact is read once, every active
 * campaign is evaluated by the pure planner, due sends are claimed with a conditional put before
 * anything is sent, the new plan state is written back, and the claimed sends are enqueued.
 */
export async function planShard(message: PlanShardMessage, deps: PlanShardDeps): Promise<PlanShardReport> {
  const now = Date.parse(message.tickAt);
  const report = emptyReport();
  if (message.segment === 0 && deps.reconcile) report.reconcile = await reconcileSends(deps.reconcile);
  const accounts = prepareAccounts(deps.program, await deps.accounts.listAll(), now);
  const concurrency = Math.max(1, deps.concurrency ?? 16);
  for await (const page of deps.contacts.scanSegment(message.segment, message.totalSegments)) {
    report.contacts += page.length;
    const outbox: SendMessage[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < page.length) {
        const stored = page[next++];
        if (stored) outbox.push(...(await planOne(stored, now, accounts, deps, report)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, page.length) }, worker));
    if (outbox.length > 0) {
      await deps.sendQueue.send(outbox.map((body) => ({ body })));
      report.enqueued += outbox.length;
    }
  }
  return report;
}

/** A contact to plan at once because a usage event may enter it into a campaign. */
export interface PlanNowMessage {
  contactId: string;
  /** the instant to plan at, ISO 8601 (the ingestion time) */
  at: string;
}

/**
 * Plans one contact at once, between ticks: the same planner, claims and send queue as a shard, for the
 * contact a triggering usage event named. A tick that plans the same contact later finds the claims
 * already taken, so the two paths never both send.
 */
export async function planContactNow(message: PlanNowMessage, deps: PlanShardDeps): Promise<PlanShardReport> {
  const now = Date.parse(message.at);
  const report = emptyReport();
  const stored = await deps.contacts.get(message.contactId);
  if (!stored) return report;
  report.contacts = 1;
  const account = await deps.accounts.get(stored.contact.accountId);
  const accounts = prepareAccounts(deps.program, account ? [account] : [], now);
  const outbox = await planOne(stored, now, accounts, deps, report);
  if (outbox.length > 0) {
    await deps.sendQueue.send(outbox.map((body) => ({ body })));
    report.enqueued += outbox.length;
  }
  return report;
}

function emptyReport(): PlanShardReport {
  return {
    contacts: 0,
    decisions: { enroll: 0, send: 0, holdout: 0, exit: 0, skip: 0, branch: 0, wait: 0 },
    claimed: 0,
    alreadyClaimed: 0,
    enqueued: 0,
    planConflicts: 0,
    missingAccounts: 0,
  };
}

async function planOne(
  first: StoredContact,
  now: number,
  accounts: ReturnType<typeof prepareAccounts>,
  deps: PlanShardDeps,
  report: PlanShardReport,
): Promise<SendMessage[]> {
  let stored: StoredContact | undefined = first;
  const outbox: SendMessage[] = [];
  for (let attempt = 0; stored && attempt < MAX_PLAN_ATTEMPTS; attempt++) {
    const account = accounts.get(stored.contact.accountId);
    if (!account) {
      report.missingAccounts += 1;
      return outbox;
    }
    const decisions = planContact(deps.program, {
      contact: stored.contact,
      account,
      state: stored.plan,
      now,
    });
    if (decisions.length === 0) return outbox;
    for (const decision of decisions) {
      if (attempt === 0) report.decisions[decision.type] += 1;
      const record = sendRecordOf(decision, stored, now, deps.program);
      if (!record) continue;
      if (await deps.sends.claim(record)) {
        report.claimed += 1;
        if (record.status === 'claimed') outbox.push({ sendId: record.sendId, attempt: 0 });
        continue;
      }
      report.alreadyClaimed += 1;
      // The claim exists: a double tick, or a retry after a crash. If it never left `claimed`, its
      // message may have been lost, so enqueue it again; the sender's conditional step makes that safe.
      const existing = await deps.sends.get(record.sendId);
      if (existing?.status === 'claimed') outbox.push({ sendId: record.sendId, attempt: 0 });
    }
    deps.afterClaims?.(stored.contact.id);
    const nextState = applyDecisions(deps.program, stored.plan, decisions, now);
    if (JSON.stringify(nextState) === JSON.stringify(stored.plan)) return outbox;
    if (await deps.contacts.savePlan(stored.contact.id, nextState, stored.planVersion)) return outbox;
    // Someone else wrote this contact's plan meanwhile: read it again and plan again (claims are idempotent).
    report.planConflicts += 1;
    stored = await deps.contacts.get(stored.contact.id);
    if (attempt === MAX_PLAN_ATTEMPTS - 1) {
      deps.log.warn('plan state kept changing; the next tick plans this contact again', {
        contactId: first.contact.id,
      });
    }
  }
  return outbox;
}

function sendRecordOf(
  decision: Decision,
  stored: StoredContact,
  now: number,
  program: Program,
): SendRecord | undefined {
  const at = new Date(now).toISOString();
  const base = {
    contactId: stored.contact.id,
    accountId: stored.contact.accountId,
    claimedAt: at,
    updatedAt: at,
    bypassCap: false,
  };
  if (decision.type === 'send') {
    return {
      ...base,
      sendId: decision.sendId,
      campaignId: decision.campaignId,
      stepId: decision.stepId,
      variantId: decision.variantId,
      ...(decision.occurrence ? { occurrence: decision.occurrence } : {}),
      ...(decision.segment ? { segment: decision.segment } : {}),
      channel: decision.channel,
      template: decision.template ?? decision.channel,
      topic: decision.topic,
      bypassCap: decision.bypassCap,
      status: 'claimed',
    };
  }
  if (decision.type === 'holdout') {
    // Held-out contacts get a record too (never sent), so KPIs can compare them with the recipients.
    const campaign = program.campaigns.find((candidate) => candidate.id === decision.campaignId);
    const step = campaign?.steps.find((candidate) => candidate.id === decision.stepId);
    return {
      ...base,
      sendId: decision.sendId,
      campaignId: decision.campaignId,
      stepId: decision.stepId,
      variantId: decision.variantId,
      ...(decision.occurrence ? { occurrence: decision.occurrence } : {}),
      channel: step?.channel ?? 'email',
      template: step?.template ?? step?.variants[0]?.template ?? 'holdout',
      topic: campaign?.topic ?? decision.campaignId,
      status: 'skipped',
      reason: 'holdout' satisfies SkipReason,
    };
  }
  return undefined;
}
