import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ENV } from '../../functions/adapters/env-keys.ts';
import { readSesStore } from '../../functions/adapters/local-emulators.ts';
import { SesEmailSender } from '../../functions/adapters/ses-sender.ts';
import { loadTemplateCatalog } from '../../functions/adapters/template-files.ts';
import type { OutgoingEmail } from '../../functions/app/ports.ts';
import { createStepRenderer } from '../../functions/app/step-renderer.ts';
import { prepareAccount, subjectOf } from '../../functions/core/campaign/subject.ts';
import { SendRecord } from '../../functions/core/sending/send.ts';
import type { Contact } from '../../functions/core/shared/domain.ts';
import { connect } from '../connect.ts';
import {
  checkRequest,
  chooseStep,
  SendTestError,
  type SendTestOptions,
  signingSetup,
  stackEnv,
  storedRecipient,
} from '../import/send-test-inputs.ts';
import { LOCAL_SENDER, loadProgramOrThrow } from '../local-runtime.ts';
import { addConnectionOptions, connectionFlagsOf } from '../options.ts';
import { isPersonaName, PERSONA_NAMES, type PersonaName } from '../personas.ts';
import { DEFAULT_PERSONA, sampleSend } from './preview-sample.ts';

/** The header that marks a test email; no send record exists for it, so it never reaches the KPIs. */
export const TEST_HEADER = { name: 'X-Lowtouch-Test', value: 'true' } as const;
export const TEST_SUBJECT_PREFIX = '[TEST] ';

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
    // A persona is dated like the preview: a step timed from a date field takes that field's sample value.
    const sample = persona
      ? sampleSend(campaign, step, persona, options.locale ?? campaign.defaultLocale, io.now(), false)
      : undefined;
    if (sample?.timing) io.warn(`note: ${sample.timing}`);
    const now = sample?.now ?? io.now();
    const recipient = sample ?? (await storedRecipient(plane, options.contact ?? ''));
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
