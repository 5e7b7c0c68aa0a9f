import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSesStore } from '../../../functions/adapters/local-emulators.ts';
import { account, claimedSend, contact } from '../../unit/app/support.ts';
import { captureMetrics, handlerEnvironment, lambdaContext, sqsEvent } from './support.ts';

describe('send-step handler', () => {
  let env: Awaited<ReturnType<typeof handlerEnvironment>>;
  const metrics = captureMetrics();
  beforeAll(async () => {
    env = await handlerEnvironment();
  }, 60_000);
  afterAll(() => metrics.restore());

  it('sends a claimed step through SES and reports only the malformed record for redelivery', async () => {
    const run = randomUUID().slice(0, 8);
    const email = `c1@send-${run}.example.com`;
    const now = new Date().toISOString();
    await env.repos.accounts.put(account('a1', { renewalAt: undefined }));
    await env.repos.contacts.put(contact('c1', 'a1', { email, signedUpAt: now }));
    await env.repos.sends.claim(
      claimedSend('onboarding#welcome#c1', 'c1', { claimedAt: now, updatedAt: now }),
    );
    const { handler } = await import('../../../functions/handlers/send-step.ts');

    const event = sqsEvent([{ sendId: 'onboarding#welcome#c1', attempt: 0 }, { sendId: 42 }]);
    const result = await handler(event, lambdaContext('send-step'));

    const malformed = event.Records[1]?.messageId;
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: malformed }] });
    const send = await env.repos.sends.get('onboarding#welcome#c1');
    expect(send?.status).toBe('sent');
    const { emails } = await readSesStore(env.sesEndpoint);
    const mine = emails.filter((stored) => stored.destination.to.includes(email));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.headers?.map((header) => header.name)).toContain('List-Unsubscribe');
    expect(metrics.total('SendsSent')).toBe(1);
    expect(metrics.total('MalformedRecords')).toBe(1);
    expect(metrics.namespaces()).toContain('lowtouch');
  }, 120_000);
});
