import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CHAOS } from '../cli/chaos.ts';
import { type DemoResult, runDemo } from '../cli/demo/run-demo.ts';
import type { LocalRuntime } from '../cli/local-runtime.ts';
import type { InProcessQueue } from '../functions/adapters/in-process-queue.ts';
import { RequestCounter } from '../functions/adapters/request-counter.ts';
import { FUNCTIONS } from '../infra/functions.ts';
import { ASSUMPTIONS } from './cost-prices.ts';

// Counts for the cost model (bench/cost.ts): one small demo run on the local runtime, its AWS requests
// counted by an SDK middleware (DynamoDB with ReturnConsumedCapacity, SES) and its in-process hops
// (queues, bus, schedules, Lambda invocations) counted where the runtime makes them.

const REPO = join(import.meta.dirname, '..');
/** The run the cost model counts: small enough for a bench, big enough to send mail every day. */
export const DEMO = { contacts: 100, days: 7, seed: 42, start: Date.parse('2026-12-07T00:00:00Z') };
const HOUR = 3_600_000;

export type FunctionId = (typeof FUNCTIONS)[number]['id'];

/** What one Lambda function did in the run. */
export interface FunctionUse {
  invocations: number;
  /** CPU time the local process spent in it (its own code, the SDK, the emulators serving it) */
  busyMs: number;
  coldStarts: number;
  /** simulated hours in which it ran (its containers are assumed gone after an idle hour) */
  hours: Set<number>;
}

/** Everything the run made that has a price. */
export interface CostCounts {
  contacts: number;
  /** customer emails SES accepted */
  emails: number;
  ticks: number;
  /** plan-shard messages a tick fans out to locally (deployments use planShards, 8 by default) */
  shardsPerTick: number;
  functions: Map<string, FunctionUse>;
  counter: RequestCounter;
  sqsRequests: { plan: number; send: number; emailEvents: number; usage: number };
  eventBridgeEvents: { ses: number; usage: number; published: number };
  schedulerInvocations: number;
  s3Puts: number;
  days: number;
}

/** Runs the demo with counting hooks and returns the counts. */
export async function countDemoRequests(options: {
  campaignsDir?: string;
  templatesDir?: string;
  contacts?: number;
  days?: number;
}): Promise<{ counts: CostCounts; demo: DemoResult }> {
  const counter = new RequestCounter();
  const functions = new Map<string, FunctionUse>(
    FUNCTIONS.map((f) => [f.id, { invocations: 0, busyMs: 0, coldStarts: 0, hours: new Set<number>() }]),
  );
  const use = (id: FunctionId): FunctionUse => {
    const found = functions.get(id);
    if (!found) throw new Error(`bench/cost: no function ${id} in infra/functions.ts`);
    return found;
  };
  const sqs = { plan: 0, send: 0, emailEvents: 0, usage: 0 };
  const sesEventTimes: number[] = [];
  const usageEventTimes: number[] = [];
  let exportMs = 0;
  let exportStarted = 0;
  const days = options.days ?? DEMO.days;

  /** Runs `work` as one invocation of `id` (or as time spent inside it), counting its requests there. */
  const within = async <T>(
    runtime: LocalRuntime,
    id: FunctionId,
    work: () => Promise<T>,
    invocations = 1,
  ): Promise<T> => {
    const previous = counter.phase;
    counter.phase = id;
    const started = cpuNow();
    try {
      return await work();
    } finally {
      const f = use(id);
      f.busyMs += cpuNow() - started;
      f.invocations += invocations;
      if (invocations > 0) f.hours.add(Math.floor(runtime.clock.now() / HOUR));
      counter.phase = previous;
    }
  };

  // Queue sends become SendMessageBatch requests (10 a request); each batch a consumer gets is one
  // Lambda invocation with one ReceiveMessage and one DeleteMessageBatch.
  const countQueue = <T>(
    runtime: LocalRuntime,
    queue: InProcessQueue<T>,
    key: 'plan' | 'send',
    fn: FunctionId,
  ): void => {
    const send = queue.send.bind(queue);
    queue.send = async (messages) => {
      sqs[key] += Math.ceil(messages.length / 10);
      await send(messages);
    };
    const drain = queue.drain.bind(queue);
    queue.drain = (consumer, drainOptions) =>
      drain(async (event) => {
        // The plan queue's event source takes one message at a time (batch size 1).
        const invocations = key === 'plan' ? event.Records.length : 1;
        sqs[key] += 2 * invocations;
        return within(runtime, fn, () => consumer(event), invocations);
      }, drainOptions);
  };

  const instrument = (runtime: LocalRuntime): void => {
    const { tick, track, ingest, unsubscribe, nightly } = runtime;
    // The tick's own time is what is left once the plan and send consumers' time is taken out.
    runtime.tick = async () => {
      const before = use('PlanShard').busyMs + use('SendStep').busyMs;
      const started = cpuNow();
      await within(runtime, 'Tick', () => tick());
      const inner = use('PlanShard').busyMs + use('SendStep').busyMs - before;
      use('Tick').busyMs -= Math.min(inner, cpuNow() - started);
    };
    runtime.track = async (record: unknown) => {
      sesEventTimes.push(timeOf(record) ?? runtime.clock.now());
      // Invocations come from the batching model below; here only time and requests are counted.
      await within(runtime, 'RecordEmailEvents', () => track(record), 0);
    };
    runtime.ingest = async (event) => {
      usageEventTimes.push(Date.parse(event.at));
      await within(runtime, 'IngestUsage', () => ingest(event), 0);
    };
    runtime.unsubscribe = (contactId, topic) =>
      within(runtime, 'Unsubscribe', () => unsubscribe(contactId, topic));
    runtime.nightly = () => within(runtime, 'NightlyHealth', () => nightly());

    countQueue(runtime, runtime.planQueue, 'plan', 'PlanShard');
    countQueue(runtime, runtime.sendQueue, 'send', 'SendStep');
  };

  const demo = await runDemo({
    days,
    contacts: options.contacts ?? DEMO.contacts,
    seed: DEMO.seed,
    start: DEMO.start,
    out: mkdtempSync(join(tmpdir(), 'lowtouch-cost-')),
    chaos: NO_CHAOS,
    campaignsDir: options.campaignsDir ?? join(REPO, 'campaigns'),
    templatesDir: options.templatesDir ?? join(REPO, 'templates'),
    instrument: {
      client: (client, service) => counter.attach(client, service),
      phase: (phase, runtime) => {
        counter.phase = phase;
        if (phase === 'simulate') instrument(runtime);
        if (phase === 'export') exportStarted = cpuNow();
      },
    },
  });
  exportMs = cpuNow() - exportStarted;

  // The event queues' sources wait up to 5 s to fill a batch of 10: events that arrive together share
  // an invocation, a lone open or click later on gets one of its own.
  const tracker = use('RecordEmailEvents');
  tracker.invocations = batchesOf(sesEventTimes);
  tracker.hours = hoursOf(sesEventTimes);
  const ingest = use('IngestUsage');
  ingest.invocations = batchesOf(usageEventTimes);
  ingest.hours = hoursOf(usageEventTimes);
  sqs.emailEvents = sesEventTimes.length + 2 * tracker.invocations;
  sqs.usage = usageEventTimes.length + 2 * ingest.invocations;

  // The export runs daily in AWS and once at the end of the demo: charge the demo's one run every day.
  const exporter = use('ExportKpis');
  exporter.invocations = days;
  exporter.busyMs = exportMs * days;
  exporter.hours = new Set(Array.from({ length: days }, (_, d) => d));

  for (const [id, f] of functions) {
    // Scheduled and fan-out functions start cold every time; queue consumers once per active hour.
    const coldEveryTime = ['Tick', 'PlanShard', 'NightlyHealth', 'ExportKpis', 'Unsubscribe'].includes(id);
    f.coldStarts = coldEveryTime ? f.invocations : Math.min(f.invocations, f.hours.size);
  }

  const emails = demo.sends.filter((s) => s.channel === 'email' && s.status === 'sent').length;
  return {
    demo,
    counts: {
      contacts: options.contacts ?? DEMO.contacts,
      emails,
      ticks: demo.counts.ticks,
      shardsPerTick: demo.counts.ticks > 0 ? use('PlanShard').invocations / demo.counts.ticks : 0,
      functions,
      counter,
      sqsRequests: sqs,
      eventBridgeEvents: {
        ses: sesEventTimes.length,
        usage: usageEventTimes.length,
        published: demo.runtime.publisher.events.length,
      },
      schedulerInvocations: demo.counts.ticks + demo.counts.nightlyRuns + days,
      s3Puts: demo.files.kpi.length * days,
      days,
    },
  };
}

/** Lambda invocations an SQS source with a 5 s batching window and batches of 10 makes of these arrivals. */
export function batchesOf(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let batches = 0;
  let i = 0;
  while (i < sorted.length) {
    const opened = sorted[i] ?? 0;
    let size = 0;
    while (i < sorted.length && size < 10 && (sorted[i] ?? 0) - opened <= ASSUMPTIONS.batchWindowMs) {
      i++;
      size++;
    }
    batches++;
  }
  return batches;
}

/** CPU milliseconds of this process so far: unlike wall time, it does not grow on a busy machine. */
function cpuNow(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

function hoursOf(times: readonly number[]): Set<number> {
  return new Set(times.map((t) => Math.floor(t / HOUR)));
}

function timeOf(record: unknown): number | undefined {
  if (typeof record !== 'object' || record === null || !('time' in record)) return undefined;
  const at = typeof record.time === 'string' ? Date.parse(record.time) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}
