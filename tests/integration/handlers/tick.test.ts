import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../../functions/adapters/env-keys.ts';
import { handlerEnvironment, lambdaContext, schedulerInput } from './support.ts';

describe('tick handler', () => {
  // No SQS emulator here: the plan queue's SQS client is replaced, and its calls are what we check.
  const sqs = mockClient(SQSClient);
  beforeAll(async () => {
    await handlerEnvironment({ [ENV.planShards]: '3' });
  }, 60_000);
  afterAll(() => sqs.restore());

  it('fans the Scheduler invocation out into one plan message per segment at the scheduled time', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const { handler } = await import('../../../functions/handlers/tick.ts');

    const result = await handler(schedulerInput('tick', '2026-11-24T02:00:00Z'), lambdaContext('tick'));

    expect(result).toEqual({ shards: 3 });
    const entries = sqs
      .commandCalls(SendMessageBatchCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    expect(entries.map((entry) => JSON.parse(entry.MessageBody ?? '{}'))).toEqual(
      [0, 1, 2].map((segment) => ({ tickAt: '2026-11-24T02:00:00.000Z', segment, totalSegments: 3 })),
    );
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toContain('/plan');
  }, 60_000);
});
