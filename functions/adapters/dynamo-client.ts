import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError } from './config-error.ts';
import { TABLES, type TableId } from './tables.ts';

/** Where the DynamoDB API lives: AWS (no endpoint) or a local emulator. */
export interface DynamoConnection {
  endpoint?: string;
  region?: string;
}

/** The physical table name of every logical table. */
export type TableNames = Record<TableId, string>;

/** A DocumentClient that drops undefined attributes (optional zod fields) instead of failing. */
export function createDocumentClient(connection: DynamoConnection = {}): DynamoDBDocumentClient {
  const local = connection.endpoint !== undefined;
  const client = new DynamoDBClient({
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    region: connection.region ?? process.env.AWS_REGION ?? 'us-east-1',
    // The emulator accepts any key; real AWS uses the default credential chain.
    ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** Reads every table name from its environment variable; throws naming the missing ones. */
export function tableNamesFromEnv(env: NodeJS.ProcessEnv = process.env): TableNames {
  const missing: string[] = [];
  const names: Partial<TableNames> = {};
  for (const [id, spec] of Object.entries(TABLES)) {
    const value = env[spec.envKey];
    if (!value) missing.push(spec.envKey);
    else if (isTableId(id)) names[id] = value;
  }
  if (missing.length > 0 || !isComplete(names)) {
    throw new ConfigError(
      `missing environment variables ${missing.join(', ')}; the stack sets them on every function`,
    );
  }
  return names;
}

/** Table names for a local run: `<prefix><id>`. */
export function localTableNames(prefix = 'lowtouch-'): TableNames {
  return {
    contacts: `${prefix}contacts`,
    accounts: `${prefix}accounts`,
    usage: `${prefix}usage`,
    sends: `${prefix}sends`,
    events: `${prefix}events`,
    state: `${prefix}state`,
    ctas: `${prefix}ctas`,
    suppressions: `${prefix}suppressions`,
  };
}

function isTableId(id: string): id is TableId {
  return Object.hasOwn(TABLES, id);
}

function isComplete(names: Partial<TableNames>): names is TableNames {
  return Object.keys(TABLES).every((id) => isTableId(id) && typeof names[id] === 'string');
}

/** True for DynamoDB's ConditionalCheckFailedException, the expected outcome of a lost race. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Reports consumed read/write capacity, so benchmarks can count what a tick costs. */
export type CapacityMeter = (units: { read?: number; write?: number }) => void;
