import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, claimedSend, contact } from '../../unit/app/support.ts';
import { captureMetrics, handlerEnvironment, lambdaContext, sqsEvent } from './support.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/events', `${name}.json`), 'utf8'));
// The AWS-documented events name this SES message id; the send below carries it.
const MESSAGE_ID = 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000';

describe('record-email-events handler', () => {
  let env: Awaited<ReturnType<typeof handlerEnvironment>>;
  const metrics = captureMetrics();
  beforeAll(async () => {
    env = await handlerEnvironment();
  }, 60_000);
  afterAll(() => metrics.restore());

  it('records SES events from the EventBridge envelope and leaves a malformed one for the DLQ', async () => {
    await env.repos.accounts.put(account('a1'));
    await env.repos.contacts.put(contact('c1', 'a1'));
    const sendId = 'onboarding#welcome#c1';
    await env.repos.sends.claim(claimedSend(sendId, 'c1', { status: 'sent', messageId: MESSAGE_ID }));
    const { handler } = await import('../../../functions/handlers/record-email-events.ts');

    const event = sqsEvent([fixture('delivery'), fixture('open'), fixture('click'), { detail: {} }]);
    const result = await handler(event, lambdaContext('record-email-events'));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[3]?.messageId }] });
    const send = await env.repos.sends.get(sendId);
    expect(send?.deliveredAt).toBeDefined();
    expect(send?.firstOpenAt).toBe('2017-08-09T22:00:19.652Z');
    expect(send?.firstClickAt).toBe('2017-08-09T23:51:25.570Z');
    expect(metrics.total('MalformedRecords')).toBe(1);
  }, 120_000);
});
