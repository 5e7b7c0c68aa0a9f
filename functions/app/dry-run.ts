import { type Decision, planContact, prepareAccounts } from '../core/campaign/planner.ts';
import type { Program } from '../core/campaign/program.ts';
import type { AccountRepository, ContactRepository } from './ports.ts';

/** One bucket of a dry run: how many contacts would get this decision, with a few of their ids. */
export interface DryRunRow {
  campaignId: string;
  stepId: string;
  variantId: string;
  decision: Decision['type'];
  reason: string;
  contacts: number;
  sample: string[];
}

export interface DryRunInput {
  /** the instant to plan for, epoch ms */
  at: number;
  /** only this campaign */
  campaignId?: string;
  /** contact ids kept per bucket */
  sampleSize: number;
}

export interface DryRunDeps {
  program: Program;
  contacts: Pick<ContactRepository, 'scanSegment'>;
  accounts: Pick<AccountRepository, 'listAll'>;
}

export interface DryRunResult {
  at: number;
  contacts: number;
  contactsWithoutAccount: number;
  rows: DryRunRow[];
}

/** The campaign id is not in the loaded program. */
export class UnknownCampaignError extends Error {
  constructor(id: string, known: readonly string[]) {
    super(`unknown campaign "${id}" (active campaigns: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownCampaignError';
  }
}

function rowKey(decision: Decision): Omit<DryRunRow, 'contacts' | 'sample'> {
  switch (decision.type) {
    case 'send':
      return {
        campaignId: decision.campaignId,
        stepId: decision.stepId,
        variantId: decision.variantId,
        decision: 'send',
        reason: decision.channel,
      };
    case 'holdout':
      return {
        campaignId: decision.campaignId,
        stepId: decision.stepId,
        variantId: decision.variantId,
        decision: 'holdout',
        reason: '',
      };
    case 'skip':
      return {
        campaignId: decision.campaignId,
        stepId: decision.stepId ?? '',
        variantId: '',
        decision: 'skip',
        reason: decision.reason,
      };
    case 'branch':
      return {
        campaignId: decision.campaignId,
        stepId: decision.stepId,
        variantId: '',
        decision: 'branch',
        reason: `${decision.branch} → ${decision.target}`,
      };
    case 'wait':
      return {
        campaignId: decision.campaignId,
        stepId: decision.stepId,
        variantId: '',
        decision: 'wait',
        reason: 'waiting',
      };
    case 'exit':
      return {
        campaignId: decision.campaignId,
        stepId: '',
        variantId: '',
        decision: 'exit',
        reason: decision.reason,
      };
    case 'enroll':
      return {
        campaignId: decision.campaignId,
        stepId: '',
        variantId: '',
        decision: 'enroll',
        reason: decision.holdout ? 'holdout group' : '',
      };
  }
}

/** Plans every contact at one instant, as a tick would, and counts the decisions; writes nothing. */
export async function dryRun(input: DryRunInput, deps: DryRunDeps): Promise<DryRunResult> {
  const known = deps.program.campaigns.map((c) => c.id);
  if (input.campaignId !== undefined && !known.includes(input.campaignId))
    throw new UnknownCampaignError(input.campaignId, known);
  const program =
    input.campaignId === undefined
      ? deps.program
      : { ...deps.program, campaigns: deps.program.campaigns.filter((c) => c.id === input.campaignId) };
  const accounts = prepareAccounts(program, await deps.accounts.listAll(), input.at);
  const rows = new Map<string, DryRunRow>();
  let contacts = 0;
  let contactsWithoutAccount = 0;
  for await (const page of deps.contacts.scanSegment(0, 1)) {
    for (const stored of page) {
      contacts++;
      const account = accounts.get(stored.contact.accountId);
      if (!account) {
        contactsWithoutAccount++;
        continue;
      }
      for (const decision of planContact(program, {
        contact: stored.contact,
        account,
        state: stored.plan,
        now: input.at,
      })) {
        const key = rowKey(decision);
        const id = Object.values(key).join('\u0000');
        let row = rows.get(id);
        if (!row) {
          row = { ...key, contacts: 0, sample: [] };
          rows.set(id, row);
        }
        row.contacts++;
        if (row.sample.length < input.sampleSize) row.sample.push(stored.contact.id);
      }
    }
  }
  const order: Decision['type'][] = ['enroll', 'wait', 'branch', 'send', 'holdout', 'skip', 'exit'];
  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.campaignId.localeCompare(b.campaignId) ||
      order.indexOf(a.decision) - order.indexOf(b.decision) ||
      a.stepId.localeCompare(b.stepId) ||
      a.variantId.localeCompare(b.variantId) ||
      a.reason.localeCompare(b.reason),
  );
  return { at: input.at, contacts, contactsWithoutAccount, rows: sorted };
}
