import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  BreakerFlag,
  BreakerHistory,
  BreakerRecord,
  BreakerState,
  NpsLog,
  ReputationLog,
} from '../app/ports.ts';
import { NpsResponse } from '../core/shared/domain.ts';
import type { ReputationBucket } from '../core/tracking/reputation.ts';
import { isConditionFailure } from './dynamo-client.ts';

// Keys in the `state` table (pk / sk):
//   flag             / breaker                       the circuit breaker's paused flag, who paused and resumed it
//   reputation       / <YYYY-MM-DDTHH>               hourly sent / bounced / complained, with TTL
//   nps              / <respondedAt>#<id>            NPS answers

const REPUTATION_TTL_SECONDS = 3 * 86_400;
const BREAKER_KEY = { pk: 'flag', sk: 'breaker' };
/** Who the record names when the breaker paused sending by itself. */
export const AUTOMATIC_PAUSER = 'reputation breaker';

function addExpression(deltas: Record<string, number>): {
  update: string;
  names: Record<string, string>;
  values: Record<string, number>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts: string[] = [];
  Object.entries(deltas).forEach(([name, delta], index) => {
    names[`#c${index}`] = name;
    values[`:c${index}`] = delta;
    parts.push(`#c${index} :c${index}`);
  });
  return { update: `ADD ${parts.join(', ')}`, names, values };
}

/** Breaker flag, reputation buckets and NPS answers in the single `state` table. */
export class DynamoStateStore implements BreakerFlag, BreakerHistory, NpsLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(): Promise<BreakerState> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: BREAKER_KEY, ConsistentRead: true }),
    );
    const item = result.Item;
    if (item?.paused !== true) return { paused: false };
    return {
      paused: true,
      ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
      ...(typeof item.since === 'string' ? { since: item.since } : {}),
    };
  }

  async pause(reason: string, at: string, by: string = AUTOMATIC_PAUSER): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: BREAKER_KEY,
          UpdateExpression: 'SET paused = :yes, reason = :reason, since = :at, pausedBy = :by',
          ConditionExpression: 'attribute_not_exists(paused) OR paused = :no',
          ExpressionAttributeValues: { ':yes': true, ':no': false, ':reason': reason, ':at': at, ':by': by },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async resume(at: string, by?: string, note?: string): Promise<void> {
    // An update, not a put: the last pause's reason, time and author stay on record beside the resume.
    const values: Record<string, unknown> = { ':no': false, ':at': at, ':by': by ?? 'unknown' };
    if (note) values[':note'] = note;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: BREAKER_KEY,
        UpdateExpression: `SET paused = :no, resumedAt = :at, resumedBy = :by${note ? ', resumeNote = :note' : ' REMOVE resumeNote'}`,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async record(): Promise<BreakerRecord> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.table, Key: BREAKER_KEY, ConsistentRead: true }),
    );
    const item = result.Item ?? {};
    const text = (key: string) => (typeof item[key] === 'string' ? { [key]: item[key] } : {});
    return {
      paused: item.paused === true,
      ...text('reason'),
      ...text('since'),
      ...text('pausedBy'),
      ...text('resumedAt'),
      ...text('resumedBy'),
      ...text('resumeNote'),
    };
  }

  async listReputation(fromHour: string): Promise<ReputationBucket[]> {
    const buckets: ReputationBucket[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': 'reputation', ':from': fromHour },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        buckets.push({
          hour: String(item.sk),
          sent: numberOr0(item.sent),
          bounced: numberOr0(item.bounced),
          complained: numberOr0(item.complained),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return buckets;
  }

  async addReputation(hour: string, deltas: Partial<Omit<ReputationBucket, 'hour'>>): Promise<void> {
    const clean: Record<string, number> = {};
    for (const [name, value] of Object.entries(deltas))
      if (typeof value === 'number' && value !== 0) clean[name] = value;
    if (Object.keys(clean).length === 0) return;
    const { update, names, values } = addExpression(clean);
    const expiresAt = Math.floor(Date.parse(`${hour}:00:00Z`) / 1000) + REPUTATION_TTL_SECONDS;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: 'reputation', sk: hour },
        UpdateExpression: `${update} SET expiresAt = :expires`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ':expires': expiresAt },
      }),
    );
  }

  async put(response: NpsResponse): Promise<void> {
    const parsed = NpsResponse.parse(response);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: 'nps', sk: `${parsed.respondedAt}#${parsed.id}`, ...parsed },
      }),
    );
  }

  /** Every NPS answer (KPI exports). */
  async listNps(): Promise<NpsResponse[]> {
    const answers: NpsResponse[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'nps' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...answer } = item;
        answers.push(NpsResponse.parse(answer));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return answers;
  }
}

/** The ReputationLog view of a state store. */
export function reputationLog(store: DynamoStateStore): ReputationLog {
  return {
    add: (hour, deltas) => store.addReputation(hour, deltas),
    list: (fromHour) => store.listReputation(fromHour),
  };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
