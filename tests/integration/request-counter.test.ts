import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { BatchWriteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient, localTableNames } from '../../functions/adapters/dynamo-client.ts';
import { createLocalTables } from '../../functions/adapters/local-tables.ts';
import { RequestCounter } from '../../functions/adapters/request-counter.ts';

// The cost model (bench/cost.ts) trusts these counts: they come from the SDK middleware on real
// clients talking to the emulators, with the capacity DynamoDB itself reports.

async function tables() {
  const endpoint = inject('dynamoEndpoint');
  const names = localTableNames(`rc-${randomUUID().slice(0, 8)}-`);
  await createLocalTables(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
    names,
  );
  return { db: createDocumentClient({ endpoint }), names };
}

describe('RequestCounter on a DynamoDB DocumentClient', () => {
  it('counts each request by operation, with the read and write units DynamoDB reports', async () => {
    const { db, names } = await tables();
    const counter = new RequestCounter();
    counter.attach(db, 'dynamodb');
    const table = names.contacts;
    // 3,000 bytes: a write of 3 units and an eventually consistent read of 0.5 (one 4 KB unit halved).
    await db.send(new PutCommand({ TableName: table, Item: { id: 'big', pad: 'x'.repeat(3000) } }));
    await db.send(new PutCommand({ TableName: table, Item: { id: 'small' } }));
    const got = await db.send(new GetCommand({ TableName: table, Key: { id: 'big' } }));
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { id: 'small' },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': 1 },
      }),
    );
    await db.send(new ScanCommand({ TableName: table }));

    expect(got.Item?.id).toBe('big');
    const byOperation = Object.fromEntries(
      counter
        .snapshot('run')
        .map((c) => [c.operation, { requests: c.requests, read: c.readUnits, write: c.writeUnits }]),
    );
    expect(byOperation).toEqual({
      PutItem: { requests: 2, read: 0, write: 4 },
      GetItem: { requests: 1, read: 0.5, write: 0 },
      UpdateItem: { requests: 1, read: 0, write: 1 },
      Scan: { requests: 1, read: 0.5, write: 0 },
    });
    db.destroy();
  }, 30_000);

  it('counts a refused conditional write as a failed request that still costs one write unit', async () => {
    const { db, names } = await tables();
    const counter = new RequestCounter();
    counter.attach(db, 'dynamodb');
    const claim = () =>
      db.send(
        new PutCommand({
          TableName: names.sends,
          Item: { sendId: 'c#s#contact' },
          ConditionExpression: 'attribute_not_exists(sendId)',
        }),
      );
    await claim();
    await expect(claim()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(counter.snapshot()).toEqual([
      {
        phase: 'run',
        service: 'dynamodb',
        operation: 'PutItem',
        requests: 2,
        failed: 1,
        readUnits: 0,
        writeUnits: 2,
      },
    ]);
    db.destroy();
  }, 30_000);

  it('keeps phases apart and sums batch writes', async () => {
    const { db, names } = await tables();
    const counter = new RequestCounter();
    counter.attach(db, 'dynamodb');
    counter.phase = 'seed';
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [names.contacts]: Array.from({ length: 5 }, (_, i) => ({ PutRequest: { Item: { id: `c${i}` } } })),
        },
      }),
    );
    counter.phase = 'tick';
    await db.send(new ScanCommand({ TableName: names.contacts }));
    expect(counter.total('dynamodb', 'seed')).toMatchObject({ requests: 1, writeUnits: 5, readUnits: 0 });
    expect(counter.total('dynamodb', 'tick')).toMatchObject({ requests: 1, writeUnits: 0, readUnits: 0.5 });
    expect(counter.snapshot('seed').map((c) => c.operation)).toEqual(['BatchWriteItem']);
    db.destroy();
  }, 30_000);
});

describe('RequestCounter on the SES client', () => {
  it('counts SendEmail requests without touching their input', async () => {
    const ses = new SESv2Client({
      endpoint: inject('sesEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const counter = new RequestCounter();
    counter.attach(ses, 'sesv2');
    const sent = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'success@mail.example.com',
        Destination: { ToAddresses: ['counted@example.com'] },
        Content: { Simple: { Subject: { Data: 'counted' }, Body: { Text: { Data: 'hello' } } } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
    expect(counter.snapshot()).toEqual([
      {
        phase: 'run',
        service: 'sesv2',
        operation: 'SendEmail',
        requests: 1,
        failed: 0,
        readUnits: 0,
        writeUnits: 0,
      },
    ]);
    ses.destroy();
  }, 30_000);
});
