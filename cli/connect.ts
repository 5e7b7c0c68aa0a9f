import { existsSync } from 'node:fs';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  type DescribeStacksCommandOutput,
} from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { type DataClock, readDataClock } from '../functions/adapters/data-clock.ts';
import { createDocumentClient, tableNamesFromEnv } from '../functions/adapters/dynamo-client.ts';
import { DynamoKpiSource } from '../functions/adapters/dynamo-kpi-source.ts';
import { ENV } from '../functions/adapters/env-keys.ts';
import { EventBridgePublisher } from '../functions/adapters/event-publisher.ts';
import { InProcessQueue } from '../functions/adapters/in-process-queue.ts';
import { startLocalEmulators } from '../functions/adapters/local-emulators.ts';
import { openLocalTables } from '../functions/adapters/local-tables.ts';
import { InMemoryMetrics } from '../functions/adapters/memory/metrics.ts';
import { InMemoryPublisher } from '../functions/adapters/memory/publisher.ts';
import { SILENT_LOG } from '../functions/adapters/powertools-log.ts';
import { repositories, type Wiring } from '../functions/adapters/runtime-wiring.ts';
import type { SendMessage } from '../functions/app/send-step.ts';

/** Where a CS ops command reads and writes: the local emulators' data, or a deployed stack. */
export interface ConnectOptions {
  /** use real AWS (default credential chain) and the deployed stacks' outputs */
  aws?: boolean;
  /** local dynalite data directory (what `lowtouch demo` leaves behind) */
  db: string;
  /** the stacks' name prefix (`<prefix>-Stateful`, `<prefix>-Stateless`) */
  stackPrefix?: string;
  region?: string;
  /** create the local data directory and tables when missing (import) instead of failing */
  create?: boolean;
  /** also start the local SES emulator (send-test) */
  withSes?: boolean;
}

/** A connection problem the user can fix: says what is missing and what to run. */
export class ConnectError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectError';
  }
}

/** Reads the outputs of the deployed stacks whose description names a LOWTOUCH_* variable. */
export async function stackEnvironment(
  prefix: string,
  region: string | undefined,
): Promise<Record<string, string>> {
  const cloudFormation = new CloudFormationClient(region ? { region } : {});
  const env: Record<string, string> = {};
  for (const stackName of [`${prefix}-Stateful`, `${prefix}-Stateless`]) {
    let response: DescribeStacksCommandOutput;
    try {
      response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConnectError(
        `cannot read stack ${stackName} (${reason}); deploy first (npx cdk deploy --all), check AWS credentials and --region, or pass --stack-prefix`,
        { cause: error },
      );
    }
    const stack = response.Stacks?.[0];
    for (const output of stack?.Outputs ?? []) {
      if (output.Description?.startsWith('LOWTOUCH_') && output.OutputValue)
        env[output.Description] = output.OutputValue;
    }
  }
  return env;
}

/** Deployed data follows the wall clock. */
const WALL_CLOCK_DATA: DataClock | undefined = undefined;

/** Opens the data plane: repositories over the local emulators' tables, or over the deployed tables. */
export async function connect(options: ConnectOptions) {
  const clock = { now: () => Date.now() };
  const sendQueue = new InProcessQueue<SendMessage>({ name: 'send', clock });
  if (options.aws) {
    const env = await stackEnvironment(options.stackPrefix ?? 'Lowtouch', options.region);
    const tables = tableNamesFromEnv(env);
    const region = options.region ? { region: options.region } : {};
    const db = createDocumentClient(region);
    const busName = env[ENV.usageBusName];
    const publisher = busName
      ? new EventBridgePublisher(new EventBridgeClient(region), busName)
      : new InMemoryPublisher();
    const wiring: Wiring = {
      db,
      tables,
      clock,
      log: SILENT_LOG,
      metrics: new InMemoryMetrics(),
      publisher,
      sendQueue,
    };
    return {
      where: `AWS stacks ${options.stackPrefix ?? 'Lowtouch'}-*`,
      dataClock: WALL_CLOCK_DATA,
      clock,
      wiring,
      repos: repositories(wiring),
      kpiSource: new DynamoKpiSource(db, tables),
      env,
      ses: new SESv2Client(region),
      sesEndpoint: undefined,
      stop: async () => db.destroy(),
    };
  }
  if (!options.create && !existsSync(options.db))
    throw new ConnectError(
      `no local data at ${options.db}: run \`npm start\` (or \`lowtouch demo --no-serve\`) or \`lowtouch import\` first, pass --db <dir>, or use --aws`,
    );
  const emulators = await startLocalEmulators({ dynamoPath: options.db });
  const { db, tables } = await openLocalTables(emulators.dynamoEndpoint);
  // Data a simulation left behind is as of its last simulated instant: commands read it at that time.
  const dataClock = await readDataClock(db, tables.state);
  const localClock = dataClock ? { now: () => dataClock.at } : clock;
  const wiring: Wiring = {
    db,
    tables,
    clock: localClock,
    log: SILENT_LOG,
    metrics: new InMemoryMetrics(),
    publisher: new InMemoryPublisher(),
    sendQueue,
  };
  return {
    where: `local data in ${options.db}`,
    dataClock,
    clock: localClock,
    wiring,
    repos: repositories(wiring),
    kpiSource: new DynamoKpiSource(db, tables),
    env: {},
    ses: new SESv2Client({
      endpoint: emulators.sesEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    sesEndpoint: emulators.sesEndpoint,
    stop: async () => {
      db.destroy();
      await emulators.stop();
    },
  };
}

export type DataPlane = Awaited<ReturnType<typeof connect>>;
