import { type PlanShardDeps, planShard } from '../app/plan-shard.ts';
import type { Log, OpsMetrics } from '../app/ports.ts';
import { SendMessage, type SendStepDeps, sendStep } from '../app/send-step.ts';
import { PlanShardMessage } from '../app/tick.ts';
import type { InProcessQueue } from './in-process-queue.ts';
import { processSqsBatch, type SqsConsumer } from './sqs-batch.ts';

/** What the batch runner needs: where failures are logged and malformed records counted. */
export interface ConsumerDeps {
  metrics: OpsMetrics;
  log: Log;
  /** lets time pass while only hidden (delayed) messages remain */
  waitUntil: (epochMs: number) => Promise<void>;
}

// The local runtime and the integration tests consume the in-process queues exactly as the Lambda event
// sources do: SQS-shaped batches of up to 10, the same Powertools batch processing, parsing and use cases.

/** Delivers a queue to its use case until it is empty, in batches with partial failures. */
async function drainWith<T>(
  queue: InProcessQueue<T>,
  spec: SqsConsumer<T>,
  consumer: ConsumerDeps,
): Promise<void> {
  await queue.drain((event) => processSqsBatch(event, spec, consumer), { waitUntil: consumer.waitUntil });
}

/** Delivers the plan queue to plan-shard until it is empty. */
export function drainPlanQueue(
  queue: InProcessQueue<PlanShardMessage>,
  deps: PlanShardDeps,
  consumer: ConsumerDeps,
): Promise<void> {
  return drainWith(
    queue,
    { source: 'plan', schema: PlanShardMessage, handle: (m) => planShard(m, deps) },
    consumer,
  );
}

/** Delivers the send queue to send-step until it is empty (the clock jumps over backoff delays). */
export function drainSendQueue(
  queue: InProcessQueue<SendMessage>,
  deps: SendStepDeps,
  consumer: ConsumerDeps,
): Promise<void> {
  return drainWith(
    queue,
    { source: 'send', schema: SendMessage, handle: (m) => sendStep(m, deps) },
    consumer,
  );
}
