import { FUNCTIONS } from '../infra/functions.ts';
import type { BenchResult } from './bench-result.ts';
import { type CostCounts, countDemoRequests, DEMO, type FunctionId } from './cost-count.ts';
import { ASSUMPTIONS, FIXED_MONTHLY, PRICE_SOURCE, PRICES } from './cost-prices.ts';

// The cost model: counts from one demo run (cost-count.ts) times list prices (cost-prices.ts), split
// by what drives each cost. docs/costs.md explains the model and its numbers.

const TARGET_PER_1000_EMAILS = 0.02;
/** plan shards of a deployment with the default configuration (infra/config.ts) */
const DEPLOYED_PLAN_SHARDS = 8;

/**
 * What a cost grows with: each email (sending it, its SES events, unsubscribes), the schedule
 * (hourly ticks over every contact, the nightly job, the daily export), or product usage events.
 */
export type CostDriver = 'mail' | 'schedule' | 'usage';

const DRIVER: Record<FunctionId, CostDriver> = {
  Tick: 'schedule',
  PlanShard: 'schedule',
  SendStep: 'mail',
  RecordEmailEvents: 'mail',
  IngestUsage: 'usage',
  Unsubscribe: 'mail',
  NightlyHealth: 'schedule',
  ExportKpis: 'schedule',
};

/** One line of the bill. */
export interface CostLine {
  driver: CostDriver;
  item: string;
  quantity: number;
  unit: string;
  dollars: number;
}

/** Prices the counts: one line per service and cost driver. */
export function priceCounts(counts: CostCounts): CostLine[] {
  const lines: CostLine[] = [];
  const add = (driver: CostDriver, item: string, quantity: number, unit: string, price: number) =>
    lines.push({ driver, item, quantity: round(quantity), unit, dollars: quantity * price });
  // The local runtime fans a tick out to fewer shards than a deployment: each shard is an invocation
  // (and a cold start) of its own, while the work they share stays the same.
  const shardFactor = counts.shardsPerTick > 0 ? DEPLOYED_PLAN_SHARDS / counts.shardsPerTick : 1;
  for (const driver of ['mail', 'schedule', 'usage'] as const) {
    let invocations = 0;
    let gbSeconds = 0;
    let reads = 0;
    let writes = 0;
    let secretCalls = 0;
    let traces = 0;
    for (const spec of FUNCTIONS) {
      const f = counts.functions.get(spec.id);
      if (!f || DRIVER[spec.id] !== driver) continue;
      // The export ran once at the end of the demo; in AWS it runs, and reads, once a day.
      const ops = counts.counter.snapshot(spec.id === 'ExportKpis' ? 'export' : spec.id);
      const times = spec.id === 'ExportKpis' ? counts.days : 1;
      const fanOut = spec.id === 'PlanShard' ? shardFactor : 1;
      let waitMs = 0;
      for (const op of ops) {
        reads += op.readUnits * times;
        writes += op.writeUnits * times;
        waitMs +=
          op.requests * times * ASSUMPTIONS.awsCallLatencyMs[op.service === 'sesv2' ? 'sesv2' : 'dynamodb'];
      }
      const ms = f.busyMs + waitMs + f.coldStarts * fanOut * ASSUMPTIONS.coldStartMs;
      gbSeconds += (spec.memorySize / 1024) * (ms / 1000);
      invocations += f.invocations * fanOut;
      // Sparse invocations all fall in X-Ray's 1-per-second reservoir: each actively traced one is a trace.
      if (spec.tracing !== 'pass-through') traces += f.invocations * fanOut;
      if (spec.readsSigningKey) secretCalls += f.coldStarts * fanOut;
    }
    add(driver, 'Lambda requests', invocations, 'invocations', PRICES.lambdaRequest);
    add(driver, 'Lambda duration', gbSeconds, 'GB-s', PRICES.lambdaGbSecond);
    add(driver, 'X-Ray traces', traces, 'traces', PRICES.xrayTrace);
    add(
      driver,
      'CloudWatch Logs',
      (invocations * ASSUMPTIONS.logBytesPerInvocation) / 1e9,
      'GB',
      PRICES.logsIngestGb,
    );
    add(driver, 'DynamoDB reads', reads, 'RRU', PRICES.dynamoReadUnit);
    add(driver, 'DynamoDB writes', writes, 'WRU', PRICES.dynamoWriteUnit);
    if (secretCalls > 0) add(driver, 'Secrets Manager', secretCalls, 'calls', PRICES.secretsManagerCall);
  }
  const q = counts.sqsRequests;
  const bus = counts.eventBridgeEvents;
  add('mail', 'SQS (send and event queues)', q.send + q.emailEvents, 'requests', PRICES.sqsRequest);
  add('mail', 'EventBridge (SES events)', bus.ses, 'events', PRICES.eventBridgeEvent);
  add('schedule', 'SQS (plan queue)', q.plan * shardFactor, 'requests', PRICES.sqsRequest);
  add('schedule', 'EventBridge (CTA events)', bus.published, 'events', PRICES.eventBridgeEvent);
  add('schedule', 'Scheduler', counts.schedulerInvocations, 'invocations', PRICES.schedulerInvocation);
  add('schedule', 'S3 PUT (daily export)', counts.s3Puts, 'requests', PRICES.s3Put);
  add('usage', 'SQS (usage queue)', q.usage, 'requests', PRICES.sqsRequest);
  add('usage', 'EventBridge (usage events)', bus.usage, 'events', PRICES.eventBridgeEvent);
  return lines;
}

/** The three figures of the model, from priced lines. */
export function costFigures(counts: CostCounts, lines: CostLine[]) {
  const sum = (driver: CostDriver) =>
    lines.filter((l) => l.driver === driver).reduce((total, l) => total + l.dollars, 0);
  return {
    perThousandEmails: counts.emails > 0 ? (sum('mail') / counts.emails) * 1000 : Number.NaN,
    /** the schedule's cost over 30 days: mostly the hourly fan-out, whatever the mail */
    schedulePerMonth: (sum('schedule') / counts.days) * 30,
    perThousandUsageEvents:
      counts.eventBridgeEvents.usage > 0
        ? (sum('usage') / counts.eventBridgeEvents.usage) * 1000
        : Number.NaN,
    /** everything the demo run cost, over its emails: the schedule dominates at this small size */
    allInPerThousandEmails:
      counts.emails > 0
        ? ((sum('mail') + sum('schedule') + sum('usage')) / counts.emails) * 1000
        : Number.NaN,
  };
}

/** `npm run bench -- cost`: dollars per 1,000 emails beyond SES, from one counted demo run. */
export async function benchCost(): Promise<BenchResult[]> {
  const { counts, demo } = await countDemoRequests({});
  await demo.runtime.stop();
  const lines = priceCounts(counts);
  const figures = costFigures(counts, lines);
  const say = (text: string) => process.stderr.write(`${text}\n`);
  say(
    `cost: demo of ${counts.contacts} contacts × ${counts.days} days: ${counts.emails} emails, ${counts.eventBridgeEvents.ses} SES events, ${counts.eventBridgeEvents.usage} usage events; ${PRICE_SOURCE.region} prices, ${PRICE_SOURCE.asOf}`,
  );
  for (const line of lines) {
    say(
      `  ${line.driver.padEnd(8)} ${line.item.padEnd(28)} ${String(line.quantity).padStart(10)} ${line.unit.padEnd(11)} $${line.dollars.toFixed(6)}`,
    );
  }
  for (const [id, f] of counts.functions) {
    say(
      `  ${id.padEnd(18)} ${String(f.invocations).padStart(6)} invocations ${String(f.coldStarts).padStart(5)} cold starts ${f.busyMs.toFixed(0).padStart(7)} CPU ms`,
    );
  }
  const fixed = Object.values(FIXED_MONTHLY).reduce((a, b) => a + b, 0);
  say(
    `  schedule: $${figures.schedulePerMonth.toFixed(3)} a month for ${counts.contacts} contacts; usage ingest: $${figures.perThousandUsageEvents.toFixed(4)} per 1,000 events; all in at this size: $${figures.allInPerThousandEmails.toFixed(4)} per 1,000 emails; fixed: about $${fixed.toFixed(2)} a month`,
  );
  const sesPerThousand = PRICES.sesEmail * 1000;
  return [
    {
      name: 'cost-per-1000-emails',
      value: round(figures.perThousandEmails, 5),
      unit: 'USD',
      baseline: sesPerThousand,
      ratio: round(figures.perThousandEmails / sesPerThousand, 4),
      target: `≤ $${TARGET_PER_1000_EMAILS} beyond SES's $${sesPerThousand.toFixed(2)} (list prices ${PRICE_SOURCE.region}; ${DEMO.contacts} contacts × ${DEMO.days} days counted)`,
    },
  ];
}

function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
