import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AccountRepository, ContactRepository, StoredContact } from '../app/ports.ts';
import { type PlanState, PlanState as PlanStateSchema } from '../core/campaign/plan-state.ts';
import type { ContactPreferences } from '../core/sending/preferences.ts';
import { Account, Contact, type UsageRollup } from '../core/shared/domain.ts';
import { type CapacityMeter, isConditionFailure } from './dynamo-client.ts';

/** Called for an item that does not parse, so one bad row is reported and skipped, not fatal. */
export type InvalidItemHandler = (table: string, key: string, error: unknown) => void;

interface Options {
  pageSize?: number;
  meter?: CapacityMeter;
  onInvalid?: InvalidItemHandler;
}

// Contact items hold the Contact fields plus `plan`, `planVersion` and `usageVersion`.
const STATE_ATTRIBUTES = new Set(['plan', 'planVersion', 'usageVersion']);

/** Turns a stored item into a StoredContact; throws a zod error on a malformed profile. */
export function contactFromItem(item: Record<string, unknown>): StoredContact {
  const profile: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) if (!STATE_ATTRIBUTES.has(key)) profile[key] = value;
  return {
    contact: Contact.parse(profile),
    plan: PlanStateSchema.parse(item.plan ?? {}),
    planVersion: typeof item.planVersion === 'number' ? item.planVersion : 0,
    usageVersion: typeof item.usageVersion === 'number' ? item.usageVersion : 0,
  };
}

/** Contacts on DynamoDB: one item per contact, scanned in parallel segments by the planner. */
export class DynamoContactRepository implements ContactRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: Options = {},
  ) {}

  async *scanSegment(segment: number, totalSegments: number): AsyncIterable<StoredContact[]> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          Segment: segment,
          TotalSegments: totalSegments,
          ExclusiveStartKey: startKey,
          ...(this.options.pageSize ? { Limit: this.options.pageSize } : {}),
          ...(this.options.meter ? { ReturnConsumedCapacity: 'TOTAL' } : {}),
        }),
      );
      this.options.meter?.({ read: page.ConsumedCapacity?.CapacityUnits ?? 0 });
      const contacts: StoredContact[] = [];
      for (const item of page.Items ?? []) {
        try {
          contacts.push(contactFromItem(item));
        } catch (error) {
          this.options.onInvalid?.(this.table, String(item.id), error);
        }
      }
      yield contacts;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async get(id: string): Promise<StoredContact | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }),
    );
    return result.Item ? contactFromItem(result.Item) : undefined;
  }

  async put(contact: Contact): Promise<void> {
    const parsed = Contact.parse(contact);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const [key, value] of Object.entries(parsed)) {
      if (key === 'id' || value === undefined) continue;
      names[`#${key}`] = key;
      values[`:${key}`] = value;
      sets.push(`#${key} = :${key}`);
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id: parsed.id },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async savePlan(id: string, plan: PlanState, expectedVersion: number): Promise<boolean> {
    return this.versionedSet(id, 'plan', plan, 'planVersion', expectedVersion);
  }

  async saveUsage(id: string, usage: UsageRollup, expectedVersion: number): Promise<boolean> {
    return this.versionedSet(id, 'usage', usage, 'usageVersion', expectedVersion);
  }

  async optOut(id: string, topic: string | { all: true }): Promise<boolean> {
    try {
      if (typeof topic === 'string') {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { id },
            UpdateExpression: 'SET topicOptOuts = list_append(if_not_exists(topicOptOuts, :empty), :topics)',
            ConditionExpression: 'attribute_exists(id) AND NOT contains(topicOptOuts, :topic)',
            ExpressionAttributeValues: { ':empty': [], ':topics': [topic], ':topic': topic },
          }),
        );
      } else {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { id },
            UpdateExpression: 'SET unsubscribedAll = :yes',
            ConditionExpression: 'attribute_exists(id)',
            ExpressionAttributeValues: { ':yes': true },
          }),
        );
      }
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Either the contact is unknown, or the opt-out is already there (an idempotent repeat).
      return (await this.get(id)) !== undefined;
    }
  }

  async markSuppressed(id: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          UpdateExpression: 'SET suppressed = :yes',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async savePreferences(id: string, preferences: ContactPreferences): Promise<boolean> {
    const sets = 'SET topicOptOuts = :topics, unsubscribedAll = :all';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          UpdateExpression: preferences.pausedUntil
            ? `${sets}, pausedUntil = :until`
            : `${sets} REMOVE pausedUntil`,
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: {
            ':topics': preferences.topicOptOuts,
            ':all': preferences.unsubscribedAll,
            ...(preferences.pausedUntil ? { ':until': preferences.pausedUntil } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async versionedSet(
    id: string,
    attribute: string,
    value: unknown,
    versionAttribute: string,
    expectedVersion: number,
  ): Promise<boolean> {
    const condition =
      expectedVersion === 0
        ? 'attribute_exists(id) AND (attribute_not_exists(#version) OR #version = :expected)'
        : '#version = :expected';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          UpdateExpression: 'SET #value = :value, #version = :next',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#value': attribute, '#version': versionAttribute },
          ExpressionAttributeValues: {
            ':value': value,
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** Accounts on DynamoDB: few items, read whole once per tick. */
export class DynamoAccountRepository implements AccountRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: Options = {},
  ) {}

  async listAll(): Promise<Account[]> {
    const accounts: Account[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          ExclusiveStartKey: startKey,
          ...(this.options.meter ? { ReturnConsumedCapacity: 'TOTAL' } : {}),
        }),
      );
      this.options.meter?.({ read: page.ConsumedCapacity?.CapacityUnits ?? 0 });
      for (const item of page.Items ?? []) {
        const parsed = Account.safeParse(item);
        if (parsed.success) accounts.push(parsed.data);
        else this.options.onInvalid?.(this.table, String(item.id), parsed.error);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return accounts;
  }

  async get(id: string): Promise<Account | undefined> {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { id } }));
    return result.Item ? Account.parse(result.Item) : undefined;
  }

  async put(account: Account): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: Account.parse(account) }));
  }

  async setLatestNps(accountId: string, nps: NonNullable<Account['nps']>): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: accountId },
          UpdateExpression: 'SET nps = :nps',
          ConditionExpression:
            'attribute_exists(id) AND (attribute_not_exists(nps) OR nps.respondedAt <= :at)',
          ExpressionAttributeValues: { ':nps': nps, ':at': nps.respondedAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
