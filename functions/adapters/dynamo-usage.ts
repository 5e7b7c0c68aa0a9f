import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
   * Writes whole daily rows (imports and seeding), a few at a time. A row replaces that contact's day, so
   * writing it again is harmless. Single PutItem calls keep the functions' IAM actions unchanged.
   */
  async putDays(rows: readonly DailyUsage[], expiresAt: number, concurrency = 8): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        if (row)
          await this.db.send(new PutCommand({ TableName: this.table, Item: dailyItem(row, expiresAt) }));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
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
