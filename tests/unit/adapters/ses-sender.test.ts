import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import './mock-matchers.ts';
import { formatMailbox, SesEmailSender } from '../../../functions/adapters/ses-sender.ts';
import { RetryableSendError } from '../../../functions/app/ports.ts';
import { decodeTagValue, encodeTagValue } from '../../../functions/core/email-tags.ts';

const ses = mockClient(SESv2Client);
const email = {
  to: 'c1@example.com',
  subject: 'ようこそ Tsumiki へ',
  html: '<p>hi</p>',
  text: 'hi',
  headers: [
    { name: 'List-Unsubscribe', value: '<https://u.example/u?token=t&s=x>' },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ],
  tags: {
    campaignId: 'onboarding',
    stepId: 'welcome',
    variantId: 'a',
    sendId: 'onboarding#welcome#c1#2027-02-20',
  },
};
const sender = () =>
  new SesEmailSender(new SESv2Client({ region: 'us-east-1' }), {
    fromAddress: 'cs@tsumiki.example',
    fromName: 'Tsumiki CS',
    configurationSet: 'lowtouch-events',
    identityArn: 'arn:aws:ses:us-east-1:123456789012:identity/tsumiki.example',
  });

describe('SesEmailSender', () => {
  beforeEach(() => ses.reset());

  it('sends Simple content with the configuration set, encoded EmailTags and the unsubscribe headers', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    expect(await sender().send(email)).toEqual({ ok: true, messageId: 'm-1' });
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, {
      ConfigurationSetName: 'lowtouch-events',
      FromEmailAddress: '"Tsumiki CS" <cs@tsumiki.example>',
      FromEmailAddressIdentityArn: 'arn:aws:ses:us-east-1:123456789012:identity/tsumiki.example',
      Destination: { ToAddresses: ['c1@example.com'] },
      EmailTags: [
        { Name: 'lowtouch-campaign', Value: 'onboarding' },
        { Name: 'lowtouch-step', Value: 'welcome' },
        { Name: 'lowtouch-variant', Value: 'a' },
        { Name: 'lowtouch-send-id', Value: 'onboarding_23welcome_23c1_232027-02-20' },
      ],
      Content: {
        Simple: {
          Subject: { Data: 'ようこそ Tsumiki へ', Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>hi</p>', Charset: 'UTF-8' }, Text: { Data: 'hi', Charset: 'UTF-8' } },
          Headers: [
            { Name: 'List-Unsubscribe', Value: '<https://u.example/u?token=t&s=x>' },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
    });
  });

  it('throws a retryable error on a throttle and returns a permanent error as a reason', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(
        Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' }),
      );
    await expect(sender().send(email)).rejects.toBeInstanceOf(RetryableSendError);
    ses.reset();
    ses
      .on(SendEmailCommand)
      .rejects(Object.assign(new Error('rate'), { name: 'Other', $metadata: { httpStatusCode: 429 } }));
    await expect(sender().send(email)).rejects.toMatchObject({ kind: 'throttle' });
    ses.reset();
    ses.on(SendEmailCommand).rejects(
      Object.assign(new Error('Email address is not verified.'), {
        name: 'MessageRejected',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await sender().send(email)).toEqual({
      ok: false,
      reason: 'MessageRejected: Email address is not verified.',
    });
  });

  it('rethrows an error that carries no answer from SES, so the send is reported unknown', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    await expect(sender().send(email)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('encodes non-ASCII display names as an RFC 2047 word', () => {
    expect(formatMailbox('cs@t.example', 'つみき')).toBe(
      `=?UTF-8?B?${Buffer.from('つみき').toString('base64')}?= <cs@t.example>`,
    );
  });
});

describe('tag value encoding', () => {
  it('round-trips any string through the SES tag charset', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (value) => {
        const encoded = encodeTagValue(value);
        expect(encoded).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeTagValue(encoded)).toBe(value);
      }),
    );
  });
});
