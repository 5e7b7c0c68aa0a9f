import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { z } from 'zod';
import { ENV } from '../../functions/adapters/env-keys.ts';
import { readSesStore } from '../../functions/adapters/local-emulators.ts';
import { SesEmailSender } from '../../functions/adapters/ses-sender.ts';
import { loadSigningKeys } from '../../functions/adapters/signing-keys.ts';
import { loadTemplateCatalog } from '../../functions/adapters/template-files.ts';
import type { OutgoingEmail } from '../../functions/app/ports.ts';
import { createStepRenderer } from '../../functions/app/step-renderer.ts';
import type { Account, Contact } from '../../functions/core/domain.ts';
import type { CompiledCampaign, CompiledStep, Program } from '../../functions/core/program.ts';
import { SendRecord } from '../../functions/core/send.ts';
import { prepareAccount, subjectOf } from '../../functions/core/subject.ts';
import { closest } from '../../functions/core/suggest.ts';
import type { SigningKey } from '../../functions/core/unsubscribe-token.ts';
import { connect, type DataPlane } from '../connect.ts';
import {
  LOCAL_SENDER,
  LOCAL_SIGNING_KEY,
  LOCAL_UNSUBSCRIBE_URL,
  loadProgramOrThrow,
} from '../local-runtime.ts';
import { addConnectionOptions, type ConnectionFlags, connectionFlagsOf } from '../options.ts';
import { isPersonaName, PERSONA_NAMES, type PersonaName, personaData } from '../personas.ts';
import { DEFAULT_PERSONA, sampleMomentOf } from './preview.ts';

/** The header that marks a test email; no send record exists for it, so it never reaches the KPIs. */
export const TEST_HEADER = { name: 'X-Lowtouch-Test', value: 'true' } as const;
export const TEST_SUBJECT_PREFIX = '[TEST] ';

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

/** What was sent, and (locally) where the emulator's copy was written. */
export interface SendTestResult {
  messageId: string;
  subject: string;
  template: string;
  locale: string;
  variantId: string;
  segment: string | undefined;
  recipient: string;
  written: string | undefined;
}

/** A send-test request that names something missing or invalid. */
export class SendTestError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SendTestError';
  }
}

const Address = z.email();

function pick<T extends { id: string }>(items: readonly T[], id: string, what: string, owner: string): T {
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

function checkRequest(options: SendTestOptions): void {
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
function stackEnv(plane: DataPlane): Record<string, string> {
  const env: Record<string, string> = { ...plane.env };
  return env;
}

/** Finds the stored contact and its account, or fails naming the closest ids that exist. */
async function storedRecipient(
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

async function signingSetup(plane: DataPlane, options: SendTestOptions, warn: (text: string) => void) {
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

function chooseStep(program: Program, options: SendTestOptions) {
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

/**
 * Renders one step for a sample persona or a stored contact with the production renderer and sends
 * it once to `--to`: subject prefixed `[TEST] `, header `X-Lowtouch-Test: true`, and no send record,
 * so it stays out of the KPIs. The unsubscribe link is signed for a test id, so it opts nobody out.
 */
export async function runSendTest(
  options: SendTestOptions,
  io: { now: () => number; warn: (text: string) => void },
): Promise<SendTestResult> {
  checkRequest(options);
  const program = await loadProgramOrThrow(options.dir, options.templates);
  const { campaign, step, variant } = chooseStep(program, options);
  const catalog = await loadTemplateCatalog(options.templates);
  const plane = await connect({
    db: options.db,
    ...(options.aws ? { aws: true } : {}),
    ...(options.contact === undefined ? { create: true } : {}),
    withSes: true,
    stackPrefix: options.stackPrefix,
    ...(options.region ? { region: options.region } : {}),
  });
  try {
    const persona: PersonaName | undefined =
      options.contact === undefined
        ? options.persona !== undefined && isPersonaName(options.persona)
          ? options.persona
          : (DEFAULT_PERSONA[campaign.kind] ?? 'steady')
        : undefined;
    const now = persona ? sampleMomentOf(step, io.now()) : io.now();
    const recipient = persona
      ? personaData(persona, options.locale ?? campaign.defaultLocale, now)
      : await storedRecipient(plane, options.contact ?? '');
    const contact: Contact = { ...recipient.contact, ...(options.locale ? { locale: options.locale } : {}) };
    const segment = step.bySegment.find((entry) =>
      entry.matches(subjectOf(prepareAccount(recipient.account), contact, now)),
    );
    const template = variant?.template ?? segment?.template ?? step.template;
    if (!template) throw new SendTestError(`step ${campaign.id}/${step.id} names no template`);
    const locales = catalog.locales(template);
    if (options.locale && !locales.includes(options.locale))
      throw new SendTestError(
        `template ${template} has no ${options.locale} version; its locales are ${locales.join(', ')}`,
      );
    const at = new Date(io.now()).toISOString();
    const send = SendRecord.parse({
      sendId: `test#${campaign.id}#${step.id}#${contact.id}#${io.now()}`,
      campaignId: campaign.id,
      stepId: step.id,
      variantId: variant?.id ?? 'default',
      contactId: contact.id,
      accountId: recipient.account.id,
      channel: 'email',
      template,
      topic: campaign.topic,
      bypassCap: step.bypassCap,
      ...(segment ? { segment: segment.segment } : {}),
      status: 'claimed',
      claimedAt: at,
      updatedAt: at,
      test: true,
    });
    const { keys, unsubscribeBaseUrl } = await signingSetup(plane, options, io.warn);
    const renderer = createStepRenderer({ program, catalog, signingKeys: keys, unsubscribeBaseUrl });
    // The link is signed for a test id so that clicking it in a test email changes nobody's consent.
    const rendered = await renderer.render({
      send,
      contact: { ...contact, id: `test-${contact.id}` },
      account: recipient.account,
      now,
    });
    if (!rendered.ok)
      throw new SendTestError(
        `${campaign.id}/${step.id} does not render for ${persona ?? contact.id}: ${rendered.reason}`,
      );
    const email: OutgoingEmail = {
      to: options.to,
      subject: `${TEST_SUBJECT_PREFIX}${rendered.email.subject}`,
      html: rendered.email.html,
      text: rendered.email.text,
      headers: [...rendered.email.headers, { ...TEST_HEADER }],
      ...(rendered.email.fromName ? { fromName: rendered.email.fromName } : {}),
      tags: { campaignId: campaign.id, stepId: step.id, variantId: send.variantId, sendId: send.sendId },
    };
    const configurationSet = options.aws ? stackEnv(plane)[ENV.configurationSet] : undefined;
    if (options.aws && !configurationSet)
      io.warn('note: the stack has no configuration set output; the test email is sent without one');
    const identityArn = options.aws ? stackEnv(plane)[ENV.identityArn] : undefined;
    const sender = new SesEmailSender(plane.ses, {
      fromAddress: options.from ?? LOCAL_SENDER.fromAddress,
      fromName: options.fromName ?? LOCAL_SENDER.fromName,
      ...(configurationSet ? { configurationSet } : {}),
      ...(identityArn ? { identityArn } : {}),
    });
    let result: Awaited<ReturnType<SesEmailSender['send']>>;
    try {
      result = await sender.send(email);
    } catch (error) {
      throw new SendTestError(
        `SES did not take the test email (${error instanceof Error ? error.message : String(error)}); try again`,
        { cause: error },
      );
    }
    if (!result.ok) throw new SendTestError(`SES refused the test email: ${result.reason}`);
    const written = plane.sesEndpoint
      ? await writeStoredCopy(plane.sesEndpoint, result.messageId, options.out, `${campaign.id}.${step.id}`)
      : undefined;
    return {
      messageId: result.messageId,
      subject: email.subject,
      template,
      locale: rendered.locale,
      variantId: send.variantId,
      segment: segment?.segment,
      recipient: persona ? `persona ${persona}` : `contact ${contact.id}`,
      written,
    };
  } finally {
    await plane.stop();
  }
}

/** Writes the emulator's stored copy of the message: the emulator keeps mail only while this process runs. */
async function writeStoredCopy(
  endpoint: string,
  messageId: string,
  dir: string,
  name: string,
): Promise<string> {
  const { emails } = await readSesStore(endpoint);
  const stored = emails.find((email) => email.messageId === messageId);
  if (!stored) throw new SendTestError(`the SES emulator accepted message ${messageId} but does not list it`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  await writeFile(path, `${JSON.stringify(stored, null, 2)}\n`);
  return path;
}

/** `lowtouch send-test <campaign> <step> --to <addr>`: one real rendered email marked as a test. */
export function registerSendTest(program: Command): void {
  const command = program
    .command('send-test')
    .description(
      'Render one campaign step for a sample persona or a stored contact and send it once to --to, subject prefixed [TEST] and marked with the header X-Lowtouch-Test: true. No send record is written, so it stays out of the KPIs. Locally it goes to the SES emulator and its stored copy is written to <out>/<campaign>.<step>.json; with --aws it goes through SES with the stack configuration set.',
    )
    .argument('<campaign>', 'campaign id, e.g. onboarding')
    .argument('<step>', 'step id, e.g. welcome')
    .requiredOption('--to <address>', 'where the test email goes')
    .option(
      '--persona <persona>',
      `sample customer: ${PERSONA_NAMES.join(' | ')} (default: by campaign kind)`,
    )
    .option('--contact <id>', 'render for this stored contact instead of a persona')
    .option('--locale <locale>', 'render in this language, e.g. ja or en')
    .option('--variant <id>', 'the variant to send (default: the first)')
    .option('--from <address>', 'sender address (required with --aws)')
    .option('--from-name <name>', 'sender display name when the template sets none')
    .option('--out <dir>', 'where the local copy is written', 'out/send-test')
    .option('--dir <campaigns dir>', 'the campaigns directory', 'campaigns')
    .option('--templates <dir>', 'the templates directory', 'templates');
  addConnectionOptions(command).action(
    async (campaign: string, step: string, raw: Record<string, unknown>) => {
      const text = (key: string) => (typeof raw[key] === 'string' ? raw[key] : undefined);
      const persona = text('persona');
      const contact = text('contact');
      const locale = text('locale');
      const variant = text('variant');
      const from = text('from');
      const fromName = text('fromName');
      const result = await runSendTest(
        {
          campaign,
          step,
          to: text('to') ?? '',
          ...(persona !== undefined ? { persona } : {}),
          ...(contact !== undefined ? { contact } : {}),
          ...(locale !== undefined ? { locale } : {}),
          ...(variant !== undefined ? { variant } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(fromName !== undefined ? { fromName } : {}),
          dir: text('dir') ?? 'campaigns',
          templates: text('templates') ?? 'templates',
          out: text('out') ?? 'out/send-test',
          ...connectionFlagsOf(raw),
        },
        { now: () => Date.now(), warn: (line) => process.stderr.write(`${line}\n`) },
      );
      const lines = [
        `sent test email ${result.messageId} to ${text('to')}`,
        `  subject:  ${result.subject}`,
        `  for:      ${result.recipient} (${result.locale}), variant ${result.variantId}${result.segment ? `, segment ${result.segment}` : ''}`,
        `  template: ${result.template}`,
      ];
      if (result.written) lines.push(`  stored copy: ${result.written}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );
}
