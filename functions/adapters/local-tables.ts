import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, localTableNames, type TableNames } from './dynamo-client.ts';
import { type KeySpec, TABLES, type TableId, type TableSpec } from './tables.ts';

function keySchema(partitionKey: KeySpec, sortKey: KeySpec | undefined): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

/** The CreateTable definition of one table spec (on-demand, with its GSIs projecting everything). */
export function createTableInput(spec: TableSpec, tableName: string) {
  const attributes = new Map<string, AttributeDefinition>();
  const note = (key: KeySpec | undefined) => {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  };
  note(spec.partitionKey);
  note(spec.sortKey);
  for (const index of spec.indexes ?? []) {
    note(index.partitionKey);
    note(index.sortKey);
  }
  const indexes = (spec.indexes ?? []).map((index) => ({
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

/**
 * Creates every table of TABLES that does not exist yet, with CreateTable only (the emulator has no
 * UpdateTimeToLive; TTL attributes are simply ignored locally), and waits until they are ACTIVE.
 */
export async function createLocalTables(client: DynamoDBClient, names: TableNames): Promise<void> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) existing.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  const ids = Object.keys(TABLES).filter((id): id is TableId => Object.hasOwn(TABLES, id));
  for (const id of ids) {
    if (!existing.has(names[id]))
      await client.send(new CreateTableCommand(createTableInput(TABLES[id], names[id])));
  }
  for (const id of ids) {
    for (let attempt = 0; ; attempt++) {
      const description = await client.send(new DescribeTableCommand({ TableName: names[id] }));
      if (description.Table?.TableStatus === 'ACTIVE') break;
      if (attempt > 200)
        throw new Error(`table ${names[id]} did not become ACTIVE; is the emulator healthy?`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Creates the tables (named `<prefix><id>`) on a local endpoint and returns a document client for them. */
export async function openLocalTables(
  endpoint: string,
  prefix = 'lowtouch-',
): Promise<{ db: DynamoDBDocumentClient; tables: TableNames }> {
  const tables = localTableNames(prefix);
  const admin = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await createLocalTables(admin, tables);
  admin.destroy();
  return { db: createDocumentClient({ endpoint }), tables };
}
