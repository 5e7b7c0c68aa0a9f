import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FirstFact, SendRepository } from '../app/ports.ts';
import { SendRecord, type SendStatus } from '../core/sending/send.ts';
import { type CapacityMeter, isConditionFailure } from './dynamo-client.ts';

const PENDING: ReadonlySet<SendStatus> = new Set(['claimed', 'sending']);

/** Turns a stored send item into a SendRecord (index attributes dropped). */
export function sendFromItem(item: Record<string, unknown>): SendRecord {
  const { pendingBucket: _bucket, ...record } = item;
  return SendRecord.parse(record);
}

/**
 * The send ledger on DynamoDB. Every state change is a conditional single-item write, so a double
 * tick, a duplicate queue delivery or a racing worker can never move a send twice.
 */
export class DynamoSendRepository implements SendRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async claim(record: SendRecord): Promise<boolean> {
    const item = {
      ...SendRecord.parse(record),
      ...(PENDING.has(record.status) ? { pendingBucket: record.status } : {}),
    };
    try {
      const result = await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(sendId)',
          ...(this.meter ? { ReturnConsumedCapacity: 'TOTAL' } : {}),
        }),
      );
      this.meter?.({ write: result.ConsumedCapacity?.CapacityUnits ?? 0 });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(sendId: string): Promise<SendRecord | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { sendId }, ConsistentRead: true }),
    );
    return result.Item ? sendFromItem(result.Item) : undefined;
  }

  async transition(
    sendId: string,
    from: SendStatus,
    to: SendStatus,
    at: string,
    patch: { reason?: string; detail?: string; messageId?: string; sentAt?: string; locale?: string } = {},
  ): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':from': from, ':to': to, ':at': at };
    const sets = ['#status = :to', 'updatedAt = :at'];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    let update = `SET ${sets.join(', ')}`;
    if (PENDING.has(to)) update = `${update}, pendingBucket = :to`;
    else update = `${update} REMOVE pendingBucket`;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sendId },
          UpdateExpression: update,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async setFirst(
    sendId: string,
    fact: FirstFact,
    at: string,
    extra: { bounceType?: string } = {},
  ): Promise<boolean> {
    const values: Record<string, unknown> = { ':at': at };
    let update = 'SET #fact = :at';
    if (extra.bounceType) {
      values[':bounceType'] = extra.bounceType;
      update += ', bounceType = :bounceType';
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { sendId },
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(sendId) AND attribute_not_exists(#fact)',
          ExpressionAttributeNames: { '#fact': fact },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async findByMessageId(messageId: string): Promise<SendRecord | undefined> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byMessageId',
        KeyConditionExpression: 'messageId = :id',
        ExpressionAttributeValues: { ':id': messageId },
        Limit: 1,
      }),
    );
    const item = result.Items?.[0];
    return item ? sendFromItem(item) : undefined;
  }

  async listPending(status: 'claimed' | 'sending', claimedBefore: string): Promise<SendRecord[]> {
    const records: SendRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byPending',
          KeyConditionExpression: 'pendingBucket = :status AND claimedAt < :cutoff',
          ExpressionAttributeValues: { ':status': status, ':cutoff': claimedBefore },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) records.push(sendFromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  /** Every send, page by page (KPI exports, ledgers). */
  async *scanAll(): AsyncIterable<SendRecord[]> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey }),
      );
      yield (page.Items ?? []).map(sendFromItem);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
}
