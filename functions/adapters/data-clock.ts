import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

// Local data made by a simulation (`lowtouch demo`) is "as of" its last simulated instant, not as of
// the wall clock. The instant is kept in the data itself (the state table), so every later command on
// that data reads the same month the simulation produced.
const DATA_CLOCK_KEY = { pk: 'clock', sk: 'data' };

/** The instant local data is as of, and what produced it. */
export interface DataClock {
  /** epoch ms */
  at: number;
  /** the first simulated instant (epoch ms), when the data was produced by a simulation */
  since?: number;
  source: string;
}

/** Records the instant the data is as of (the end of a simulated run). */
export async function saveDataClock(
  db: DynamoDBDocumentClient,
  stateTable: string,
  clock: DataClock,
): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: stateTable,
      Item: {
        ...DATA_CLOCK_KEY,
        at: new Date(clock.at).toISOString(),
        ...(clock.since !== undefined ? { since: new Date(clock.since).toISOString() } : {}),
        source: clock.source,
      },
    }),
  );
}

/** The instant the data is as of, or undefined for data that follows the wall clock. */
export async function readDataClock(
  db: DynamoDBDocumentClient,
  stateTable: string,
): Promise<DataClock | undefined> {
  const result = await db.send(new GetCommand({ TableName: stateTable, Key: DATA_CLOCK_KEY }));
  const at = typeof result.Item?.at === 'string' ? Date.parse(result.Item.at) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  const since = typeof result.Item?.since === 'string' ? Date.parse(result.Item.since) : Number.NaN;
  return {
    at,
    ...(Number.isNaN(since) ? {} : { since }),
    source: typeof result.Item?.source === 'string' ? result.Item.source : 'simulation',
  };
}
