import { type SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { type EmailSender, type OutgoingEmail, RetryableSendError, type SendResult } from '../app/ports.ts';
import { encodeTagValue, TAG } from '../core/sending/email-tags.ts';
import { formatFromAddress } from '../core/templates/mailbox.ts';

/** Sender settings that come from the stack. */
export interface SesSenderConfig {
  fromAddress: string;
  fromName?: string;
  configurationSet?: string;
  identityArn?: string;
}

// SES v2 error names that mean "not now": back off and try again later, never drop.
const THROTTLES = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
]);
const PERMANENT = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'BadRequestException',
  'NotFoundException',
]);
const TRANSIENT = new Set([
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'SendingPausedException',
]);

/** The SendEmail request for one email: configuration set, EmailTags, Simple content with Headers. */
export function buildSendEmailInput(email: OutgoingEmail, config: SesSenderConfig): SendEmailCommandInput {
  return {
    FromEmailAddress: formatFromAddress(email.fromName ?? config.fromName, config.fromAddress),
    ...(config.identityArn ? { FromEmailAddressIdentityArn: config.identityArn } : {}),
    Destination: { ToAddresses: [email.to] },
    ...(config.configurationSet ? { ConfigurationSetName: config.configurationSet } : {}),
    EmailTags: [
      { Name: TAG.campaign, Value: encodeTagValue(email.tags.campaignId) },
      { Name: TAG.step, Value: encodeTagValue(email.tags.stepId) },
      { Name: TAG.variant, Value: encodeTagValue(email.tags.variantId) },
      { Name: TAG.sendId, Value: encodeTagValue(email.tags.sendId) },
    ],
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: {
          Html: { Data: email.html, Charset: 'UTF-8' },
          Text: { Data: email.text, Charset: 'UTF-8' },
        },
        Headers: email.headers.map((header) => ({ Name: header.name, Value: header.value })),
      },
    },
  };
}

/**
 * Classifies an SES error: throttles and transient faults throw RetryableSendError, permanent errors
 * are returned as a reason, and anything else (no answer at all) is rethrown as is.
 */
export function classifySesError(error: unknown): SendResult {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (THROTTLES.has(name) || status === 429) {
    throw new RetryableSendError(`SES throttled the send (${name}): ${message}`, 'throttle', {
      cause: error,
    });
  }
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500)) {
    throw new RetryableSendError(`SES failed transiently (${name}): ${message}`, 'transient', {
      cause: error,
    });
  }
  if (PERMANENT.has(name) || (status !== undefined && status >= 400 && status < 500)) {
    return { ok: false, reason: `${name}: ${message}`.slice(0, 500) };
  }
  // No answer from SES (network fault, timeout, a bug): SES may have sent it, so it is not ours to retry.
  throw error;
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  if (typeof metadata !== 'object' || metadata === null || !('httpStatusCode' in metadata)) return undefined;
  return typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** EmailSender on SES v2 SendEmail. */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly config: SesSenderConfig,
  ) {}

  async send(email: OutgoingEmail): Promise<SendResult> {
    try {
      const result = await this.ses.send(new SendEmailCommand(buildSendEmailInput(email, this.config)));
      if (!result.MessageId) return { ok: false, reason: 'SES accepted the email but returned no MessageId' };
      return { ok: true, messageId: result.MessageId };
    } catch (error) {
      return classifySesError(error);
    }
  }
}
