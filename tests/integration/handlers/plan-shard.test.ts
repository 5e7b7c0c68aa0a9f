import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, contact } from '../../unit/app/support.ts';
import { handlerEnvironment, lambdaContext, sqsEvent } from './support.ts';

// A Tuesday, 11:00 in Tokyo: inside the shipped send window.
const TICK_AT = '2026-11-24T02:00:00.000Z';

describe('plan-shard handler', () => {
  // No SQS emulator here: the send queue's SQS client is replaced, and its calls are what we check.
  const sqs = mockClient(SQSClient);
  let env: Awaited<ReturnType<typeof handlerEnvironment>>;
  beforeAll(async () => {
    env = await handlerEnvironment();
  }, 60_000);
  afterAll(() => sqs.restore());

  it('plans a segment: every enqueued send was claimed first, and a malformed message fails alone', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await env.repos.accounts.put(account('a1'));
    const signedUpAt = new Date(Date.parse(TICK_AT) - 86_400_000).toISOString();
    await env.repos.contacts.put(contact('c1', 'a1', { signedUpAt }));
    const { handler } = await import('../../../functions/handlers/plan-shard.ts');

    const event = sqsEvent([{ tickAt: TICK_AT, segment: 0, totalSegments: 1 }, { segment: -1 }]);
    const result = await handler(event, lambdaContext('plan-shard'));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId }] });
    const entries = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    const sendIds = entries.map((entry) => JSON.parse(entry.MessageBody ?? '{}').sendId);
    expect(sendIds).toContain('onboarding#welcome#c1');
    for (const sendId of sendIds) expect((await env.repos.sends.get(sendId))?.status).toBe('claimed');
  }, 120_000);
});
