import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ENV } from '../../functions/adapters/env-keys.ts';
import { loadSigningKeys } from '../../functions/adapters/signing-keys.ts';
import type { CompiledCampaign, CompiledStep, Program } from '../../functions/core/campaign/program.ts';
import type { SigningKey } from '../../functions/core/sending/unsubscribe-token.ts';
import type { Account, Contact } from '../../functions/core/shared/domain.ts';
import { closest } from '../../functions/core/shared/suggest.ts';
import type { DataPlane } from '../connect.ts';
import { LOCAL_SIGNING_KEY, LOCAL_UNSUBSCRIBE_URL } from '../local-runtime.ts';
import type { ConnectionFlags } from '../options.ts';
import { isPersonaName, PERSONA_NAMES } from '../personas.ts';

// The request checks and lookups of `lowtouch send-test`: which campaign, step, variant and recipient,
// and which keys sign the unsubscribe link.

/** What `lowtouch send-test` was asked to do. */
export interface SendTestOptions extends ConnectionFlags {
  campaign: string;
  step: string;
  to: string;
  persona?: string;
  contact?: string;
  locale?: string;
  variant?: string;
  /** sender address; required with --aws */
  from?: string;
  fromName?: string;
  dir: string;
  templates: string;
  out: string;
}

/** A send-test request that names something missing or invalid. */
export class SendTestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SendTestError';
  }
}

const Address = z.email();

/** The item with this id, or a SendTestError listing the ids there are (with a did-you-mean). */
export function pick<T extends { id: string }>(
  items: readonly T[],
  id: string,
  what: string,
  owner: string,
): T {
  const found = items.find((item) => item.id === id);
  if (found) return found;
  const guess = closest(
    id,
    items.map((item) => item.id),
  );
  throw new SendTestError(
    `${owner} has no ${what} "${id}"${guess ? ` (did you mean "${guess}"?)` : ''}; the ${what}s are ${items.map((item) => item.id).join(', ')}`,
  );
}

/** Checks the flags that need no lookup: addresses, persona name, --persona vs --contact, --from with --aws. */
export function checkRequest(options: SendTestOptions): void {
  if (!Address.safeParse(options.to).success)
    throw new SendTestError(`--to "${options.to}" is not an email address; pass one such as you@example.com`);
  if (options.persona !== undefined && options.contact !== undefined)
    throw new SendTestError('pass either --persona or --contact, not both');
  if (options.persona !== undefined && !isPersonaName(options.persona))
    throw new SendTestError(
      `--persona "${options.persona}" is unknown; use one of ${PERSONA_NAMES.join(', ')}`,
    );
  if (options.aws && options.from === undefined)
    throw new SendTestError('--aws needs --from <address>: a sender your SES identity verifies');
  if (options.from !== undefined && !Address.safeParse(options.from).success)
    throw new SendTestError(
      `--from "${options.from}" is not an email address; pass one your SES identity verifies`,
    );
}

/** The deployed stack's outputs (empty locally). */
export function stackEnv(plane: DataPlane): Record<string, string> {
  const env: Record<string, string> = { ...plane.env };
  return env;
}

/** Finds the stored contact and its account, or fails naming the closest ids that exist. */
export async function storedRecipient(
  plane: DataPlane,
  id: string,
): Promise<{ contact: Contact; account: Account }> {
  const stored = await plane.repos.contacts.get(id);
  if (!stored) {
    // Only a bounded sample is read for the hint, so a large table costs one or two pages.
    const sample: string[] = [];
    for await (const page of plane.repos.contacts.scanSegment(0, 1)) {
      sample.push(...page.map((item) => item.contact.id));
      if (sample.length >= 2000) break;
    }
    const guess = closest(id, sample);
    const examples =
      sample.length === 0 ? 'there are no contacts' : `some contact ids: ${sample.slice(0, 5).join(', ')}`;
    throw new SendTestError(
      `no contact "${id}" in ${plane.where}${guess ? ` (did you mean "${guess}"?)` : ''}; ${examples}. Use --persona ${PERSONA_NAMES.join('|')} for a sample customer`,
    );
  }
  const account = await plane.repos.accounts.get(stored.contact.accountId);
  if (!account)
    throw new SendTestError(
      `contact ${id} belongs to account ${stored.contact.accountId}, which is not stored; import the account first`,
    );
  return { contact: stored.contact, account };
}

/** The keys that sign the unsubscribe link and its base URL: the stack's with --aws, the local ones otherwise. */
export async function signingSetup(plane: DataPlane, options: SendTestOptions, warn: (text: string) => void) {
  if (!options.aws) return { keys: [LOCAL_SIGNING_KEY], unsubscribeBaseUrl: LOCAL_UNSUBSCRIBE_URL };
  const unsubscribeBaseUrl = stackEnv(plane)[ENV.unsubscribeBaseUrl] ?? LOCAL_UNSUBSCRIBE_URL;
  const arn = stackEnv(plane)[ENV.signingSecretArn];
  let keys: SigningKey[] = [LOCAL_SIGNING_KEY];
  try {
    if (!arn) throw new Error('the stack has no signing secret output');
    keys = await loadSigningKeys(
      new SecretsManagerClient(options.region ? { region: options.region } : {}),
      arn,
    );
  } catch (error) {
    warn(
      `note: the unsubscribe link in the test email will not verify (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return { keys, unsubscribeBaseUrl };
}

/** The campaign, email step and variant the request names. */
export function chooseStep(program: Program, options: SendTestOptions) {
  const campaign: CompiledCampaign = pick(program.campaigns, options.campaign, 'campaign', 'the program');
  const step: CompiledStep = pick(campaign.steps, options.step, 'step', `campaign ${campaign.id}`);
  if (step.channel !== 'email')
    throw new SendTestError(
      `step ${campaign.id}/${step.id} is a CSM alert, not an email; preview the digest with lowtouch preview --template csm/digest`,
    );
  const variant = options.variant
    ? pick(step.variants, options.variant, 'variant', `step ${campaign.id}/${step.id}`)
    : step.variants[0];
  return { campaign, step, variant };
}
