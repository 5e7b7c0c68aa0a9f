import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageStore } from '../app/ports.ts';
import type { DailyUsage } from '../core/shared/domain.ts';
import { type UsageEvent, utcDay } from '../core/tracking/usage-events.ts';
import { isConditionFailure } from './dynamo-client.ts';

// One item per contact per UTC day. Feature counts live in top-level attributes `feature:<name>` so a
// single UpdateItem can ADD to them without first creating a map. `seen` is a string set of short
// hashes of the event ids already counted: the condition on it makes each event count once, on one
// item, without transactions.

const FEATURE_PREFIX = 'feature:';
const MILESTONE_PREFIX = 'milestone:';

/** A 16-character digest of an event id, to keep the per-day `seen` set small. */
export function seenKey(eventId: string): string {
  return createHash('sha256').update(eventId).digest('base64url').slice(0, 16);
}

/** Turns a stored daily item back into DailyUsage. */
export function dailyFromItem(item: Record<string, unknown>): DailyUsage {
  const features: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(FEATURE_PREFIX) && typeof value === 'number') {
      features[name.slice(FEATURE_PREFIX.length)] = value;
    }
  }
  return {
    contactId: String(item.contactId),
    accountId: String(item.accountId),
    date: String(item.date),
    logins: typeof item.logins === 'number' ? item.logins : 0,
    helpVisits: typeof item.helpVisits === 'number' ? item.helpVisits : 0,
    features,
  };
}

/** The stored form of a whole daily row. */
function dailyItem(row: DailyUsage, expiresAt: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    contactId: row.contactId,
    date: row.date,
    accountId: row.accountId,
    logins: row.logins,
    helpVisits: row.helpVisits,
    expiresAt,
  };
  for (const [feature, count] of Object.entries(row.features)) item[`${FEATURE_PREFIX}${feature}`] = count;
  return item;
}

/** Daily usage rows on DynamoDB, idempotent per event id. */
export class DynamoUsageStore implements UsageStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(event: UsageEvent, expiresAt: number): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':seen': new Set([seenKey(event.eventId)]),
      ':id': seenKey(event.eventId),
      ':account': event.accountId,
      ':expires': expiresAt,
    };
    const adds = ['seen :seen'];
    const sets = ['accountId = :account', 'expiresAt = :expires'];
    switch (event.type) {
      case 'login':
        adds.push('logins :one');
        values[':one'] = 1;
        break;
      case 'help.visited':
        adds.push('helpVisits :one');
        values[':one'] = 1;
        break;
      case 'feature.used':
        names['#feature'] = `${FEATURE_PREFIX}${event.feature}`;
        adds.push('#feature :count');
        values[':count'] = event.count;
        break;
      case 'milestone.reached':
        names['#milestone'] = `${MILESTONE_PREFIX}${event.milestone}`;
        sets.push('#milestone = if_not_exists(#milestone, :at)');
        values[':at'] = event.at;
        break;
      case 'nps.responded':
      case 'signup':
        break;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { contactId: event.contactId, date: utcDay(event.at) },
          UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(seen) OR NOT contains(seen, :id)',
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Writes whole daily rows (imports and seeding) with BatchWriteItem, 25 per request and a few
   * requests at a time; unprocessed items are written again. A row replaces that contact's day, so
   * writing it again is harmless.
   */
  async putDays(rows: readonly DailyUsage[], expiresAt: number, concurrency = 4): Promise<void> {
    const chunks: DailyUsage[][] = [];
    // One request may not name the same key twice: a later row for the same day wins, as with PutItem.
    const unique = new Map(rows.map((row) => [`${row.contactId}\u0000${row.date}`, row]));
    const ordered = [...unique.values()];
    for (let i = 0; i < ordered.length; i += 25) chunks.push(ordered.slice(i, i + 25));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++];
        if (chunk) await this.writeBatch(chunk.map((row) => dailyItem(row, expiresAt)));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, chunks.length)) }, worker));
  }

  private async writeBatch(items: Record<string, unknown>[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
      const left = result.UnprocessedItems?.[this.table] ?? [];
      requests = left.flatMap((request) =>
        request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
      );
      if (attempt >= 10 && requests.length > 0)
        throw new Error(
          `DynamoDB left ${requests.length} daily usage rows unprocessed after ${attempt + 1} attempts; try again later`,
        );
    }
  }

  async listDays(contactId: string, fromDate: string): Promise<DailyUsage[]> {
    const days: DailyUsage[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'contactId = :contact AND #date >= :from',
          ExpressionAttributeNames: { '#date': 'date' },
          ExpressionAttributeValues: { ':contact': contactId, ':from': fromDate },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) days.push(dailyFromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return days;
  }
}
