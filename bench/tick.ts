import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { InProcessQueue } from '../functions/adapters/in-process-queue.ts';
import { startLocalEmulators } from '../functions/adapters/local-emulators.ts';
import { openLocalTables } from '../functions/adapters/local-tables.ts';
import { InMemoryMetrics } from '../functions/adapters/memory/metrics.ts';
import { InMemoryPublisher } from '../functions/adapters/memory/publisher.ts';
import { SILENT_LOG } from '../functions/adapters/powertools-log.ts';
import { planShardDeps, type Wiring } from '../functions/adapters/runtime-wiring.ts';
import { planShard } from '../functions/app/plan-shard.ts';
import type { SendMessage } from '../functions/app/send-step.ts';
import { PlanShardMessage, tick } from '../functions/app/tick.ts';
import { prepareAccounts } from '../functions/core/campaign/planner.ts';
import type { Contact } from '../functions/core/shared/domain.ts';
import type { BenchResult } from './bench-result.ts';
import { benchProgram, NOW, population, steadyStates } from './planner.ts';

const SHARDS = 4;
const HOUR = 3_600_000;

async function batchWrite(
  db: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  // a few requests in flight at once; unprocessed items are retried
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let requests = (chunks[next++] ?? []).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (result.UnprocessedItems?.[table] ?? []).flatMap((r) =>
          r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
        );
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** A parallel Scan of the contacts that only counts: the floor any tick stands on. */
async function rawScan(db: DynamoDBDocumentClient, table: string): Promise<{ items: number; rcu: number }> {
  let items = 0;
  let rcu = 0;
  await Promise.all(
    Array.from({ length: SHARDS }, async (_, segment) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new ScanCommand({
            TableName: table,
            Segment: segment,
            TotalSegments: SHARDS,
            ExclusiveStartKey: startKey,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        items += page.Items?.length ?? 0;
        rcu += page.ConsumedCapacity?.CapacityUnits ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }),
  );
  return { items, rcu };
}

/**
 * tick-vs-raw-scan and reads-per-tick-vs-one-scan: one full tick (fan-out, every plan shard with its claims,
 * reconciliation and plan writes) over `count` contacts on dynalite with ten active campaigns, against a raw
 * parallel Scan of the same table, measured in the same run.
 */
export async function benchTick(count = 100_000): Promise<BenchResult[]> {
  const emulators = await startLocalEmulators();
  try {
    const { db, tables } = await openLocalTables(emulators.dynamoEndpoint, 'bench-');
    const program = benchProgram();
    const { accounts, contacts } = population(count, 40);
    const prepared = prepareAccounts(program, accounts, NOW);
    const accountOf = (c: Contact) => {
      const found = prepared.get(c.accountId);
      if (!found) throw new Error(`no account ${c.accountId}`);
      return found;
    };
    const states = steadyStates(program, contacts, accountOf);
    process.stderr.write(
      `bench: seeding ${contacts.length} contacts and ${accounts.length} accounts on dynalite …\n`,
    );
    await batchWrite(
      db,
      tables.accounts,
      accounts.map((a) => ({ ...a })),
    );
    await batchWrite(
      db,
      tables.contacts,
      contacts.map((contact, i) => ({ ...contact, plan: states[i], planVersion: 1, usageVersion: 0 })),
    );

    let reads = 0;
    const clock = {
      time: NOW + 3 * HOUR,
      now() {
        return this.time;
      },
    };
    const sendQueue = new InProcessQueue<SendMessage>({ name: 'send', clock });
    const planQueue = new InProcessQueue<PlanShardMessage>({ name: 'plan', clock });
    const wiring: Wiring = {
      db,
      tables,
      clock,
      log: SILENT_LOG,
      metrics: new InMemoryMetrics(),
      publisher: new InMemoryPublisher(),
      sendQueue,
      meter: (units) => {
        reads += units.read ?? 0;
      },
    };
    const deps = planShardDeps(wiring, program);
    const oneTick = async () => {
      // plan shards run side by side, as the plan queue's Lambda consumers do
      await tick({ at: clock.now(), shards: SHARDS }, { planQueue });
      const messages = planQueue.receive(SHARDS);
      await Promise.all(messages.map((m) => planShard(PlanShardMessage.parse(JSON.parse(m.body)), deps)));
      for (const m of messages) planQueue.delete(m.receipt);
    };

    const scanTimes: number[] = [];
    const tickTimes: number[] = [];
    let scanRcu = 0;
    let tickRcu = 0;
    for (let round = 0; round < 3; round++) {
      let start = performance.now();
      const scan = await rawScan(db, tables.contacts);
      scanTimes.push(performance.now() - start);
      if (scan.items !== contacts.length)
        throw new Error(`scan saw ${scan.items} of ${contacts.length} contacts`);
      scanRcu = scan.rcu;
      reads = 0;
      start = performance.now();
      await oneTick();
      tickTimes.push(performance.now() - start);
      tickRcu = reads;
      clock.time += HOUR;
      process.stderr.write(
        `bench: round ${round + 1}: scan ${scanTimes.at(-1)?.toFixed(0)} ms, tick ${tickTimes.at(-1)?.toFixed(0)} ms\n`,
      );
    }
    db.destroy();
    const scanMs = Math.min(...scanTimes);
    const tickMs = Math.min(...tickTimes);
    return [
      {
        name: 'tick-vs-raw-scan',
        value: Math.round(tickMs),
        unit: 'ms',
        baseline: Math.round(scanMs),
        ratio: Number((tickMs / scanMs).toFixed(3)),
        target: '<= 1.5',
      },
      {
        name: 'reads-per-tick-vs-one-scan',
        value: Math.round(tickRcu),
        unit: 'RCU',
        baseline: Math.round(scanRcu),
        ratio: Number((tickRcu / scanRcu).toFixed(3)),
        target: '<= 1.05',
      },
    ];
  } finally {
    await emulators.stop();
  }
}
