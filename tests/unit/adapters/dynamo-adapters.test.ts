import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import './mock-matchers.ts';
import { createDocumentClient } from '../../../functions/adapters/dynamo-client.ts';
import { DynamoContactRepository } from '../../../functions/adapters/dynamo-contacts.ts';
import { DynamoSendRepository } from '../../../functions/adapters/dynamo-sends.ts';
import { DynamoUsageStore, seenKey } from '../../../functions/adapters/dynamo-usage.ts';
import { SqsMessageQueue } from '../../../functions/adapters/sqs-queue.ts';
import { claimedSend } from '../app/support.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

describe('DynamoDB adapters', () => {
  beforeEach(() => {
    ddb.reset();
    sqs.reset();
  });

  it('claims a send with attribute_not_exists and reports an existing claim as false', async () => {
    const sends = new DynamoSendRepository(createDocumentClient(), 'sends');
    ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    expect(await sends.claim(claimedSend('a#b#c', 'c'))).toBe(true);
    expect(await sends.claim(claimedSend('a#b#c', 'c'))).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'sends',
      ConditionExpression: 'attribute_not_exists(sendId)',
      Item: expect.objectContaining({ sendId: 'a#b#c', status: 'claimed', pendingBucket: 'claimed' }),
    });
  });

  it('moves a send only from the expected status and drops it from the pending index when done', async () => {
    const sends = new DynamoSendRepository(createDocumentClient(), 'sends');
    ddb.on(UpdateCommand).resolves({});
    await sends.transition('a#b#c', 'sending', 'sent', '2026-11-24T02:00:00.000Z', { messageId: 'm-1' });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#status = :from',
      UpdateExpression: 'SET #status = :to, updatedAt = :at, #messageId = :messageId REMOVE pendingBucket',
      ExpressionAttributeValues: {
        ':from': 'sending',
        ':to': 'sent',
        ':at': '2026-11-24T02:00:00.000Z',
        ':messageId': 'm-1',
      },
    });
  });

  it('sets a first-time tracker fact only if absent', async () => {
    const sends = new DynamoSendRepository(createDocumentClient(), 'sends');
    ddb.on(UpdateCommand).rejects(conditionFailed());
    expect(await sends.setFirst('a#b#c', 'firstOpenAt', '2026-11-24T03:00:00.000Z')).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: 'attribute_exists(sendId) AND attribute_not_exists(#fact)',
      ExpressionAttributeNames: { '#fact': 'firstOpenAt' },
    });
  });

  it('writes the plan state only when the version still matches', async () => {
    const contacts = new DynamoContactRepository(createDocumentClient(), 'contacts');
    ddb.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    expect(await contacts.savePlan('c1', { enrollments: {}, recentSends: [] }, 4)).toBe(true);
    expect(await contacts.savePlan('c1', { enrollments: {}, recentSends: [] }, 4)).toBe(false);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#value': 'plan', '#version': 'planVersion' },
      ExpressionAttributeValues: expect.objectContaining({ ':expected': 4, ':next': 5 }),
    });
  });

  it('counts a usage event once with a condition on the day item’s seen set', async () => {
    const usage = new DynamoUsageStore(createDocumentClient(), 'usage');
    ddb.on(UpdateCommand).resolves({});
    await usage.record(
      {
        type: 'feature.used',
        eventId: 'e-1',
        contactId: 'c1',
        accountId: 'a1',
        at: '2026-11-24T02:00:00Z',
        feature: 'reports',
        count: 2,
      },
      123,
    );
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { contactId: 'c1', date: '2026-11-24' },
      ConditionExpression: 'attribute_not_exists(seen) OR NOT contains(seen, :id)',
      UpdateExpression: 'ADD seen :seen, #feature :count SET accountId = :account, expiresAt = :expires',
      ExpressionAttributeNames: { '#feature': 'feature:reports' },
      ExpressionAttributeValues: expect.objectContaining({ ':id': seenKey('e-1'), ':count': 2 }),
    });
  });

  it('sends queue messages in batches of ten and retries the entries SQS failed', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: 'x', Code: 'InternalError', SenderFault: false }], Successful: [] })
      .resolves({ Successful: [] });
    const queue = new SqsMessageQueue<{ n: number }>(new SQSClient({ region: 'us-east-1' }), 'https://sqs/q');
    await queue.send(Array.from({ length: 23 }, (_, n) => ({ body: { n } })));
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
    expect(calls).toEqual([10, 10, 3]);
  });
});
