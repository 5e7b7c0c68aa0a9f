import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import './mock-matchers.ts';
import { SesEmailSender } from '../../../functions/adapters/ses-sender.ts';
import { RetryableSendError } from '../../../functions/app/ports.ts';
import { decodeTagValue, encodeTagValue } from '../../../functions/core/sending/email-tags.ts';
import { formatFromAddress } from '../../../functions/core/templates/mailbox.ts';

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

  it('splits a long Japanese sender name into RFC 2047 encoded words of at most 75 characters', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    const name = 'Tsumiki カスタマーサクセス 佐藤';
    // The name is 42 bytes of UTF-8 (one 68-character word); with the suffix it is 73 bytes, which as one
    // word would be 112 characters, so it must be split.
    const long = `${name} オンボーディング担当`;
    for (const fromName of [name, long]) {
      ses.resetHistory();
      await sender().send({ ...email, fromName });
      const from = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.FromEmailAddress ?? '';
      expect(from.endsWith(' <cs@tsumiki.example>')).toBe(true);
      const words = from.slice(0, -' <cs@tsumiki.example>'.length).split(' ');
      for (const word of words) {
        expect(word.length).toBeLessThanOrEqual(75);
        expect(word).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      }
      const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
      expect(decoded).toBe(fromName);
    }
    const longWords = formatFromAddress(long, 'cs@tsumiki.example').split(' ');
    expect(longWords.length).toBeGreaterThan(2);
  });

  it('keeps any display name to encoded words of at most 75 characters that decode back to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), (raw) => {
        const name = raw.replace(/\s+/g, ' ').trim();
        fc.pre(name !== '' && !/^[\x20-\x7e]*$/.test(name));
        const from = formatFromAddress(raw, 'cs@t.example');
        expect(from).not.toMatch(/[\r\n]/);
        const words = from.slice(0, -' <cs@t.example>'.length).split(' ');
        for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
        const decoded = words.map((w) => Buffer.from(w.slice(10, -2), 'base64').toString('utf8')).join('');
        expect(decoded).toBe(name);
      }),
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
