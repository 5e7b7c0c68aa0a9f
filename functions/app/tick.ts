import { z } from 'zod';
import type { MessageQueue } from './ports.ts';

/** The body of a plan-queue message: plan one scan segment at one instant. */
export const PlanShardMessage = z.strictObject({
  tickAt: z.iso.datetime({ offset: true }),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().min(1).max(1_000_000),
});
export type PlanShardMessage = z.infer<typeof PlanShardMessage>;

/** Fans one tick out into one plan-shard message per parallel-scan segment. */
export async function tick(
  input: { at: number; shards: number },
  deps: { planQueue: MessageQueue<PlanShardMessage> },
): Promise<PlanShardMessage[]> {
  if (!Number.isInteger(input.shards) || input.shards < 1) {
    throw new RangeError(
      `plan shards must be a whole number of at least 1, got ${input.shards}; set LOWTOUCH_PLAN_SHARDS`,
    );
  }
  const tickAt = new Date(input.at).toISOString();
  const messages = Array.from({ length: input.shards }, (_, segment) => ({
    tickAt,
    segment,
    totalSegments: input.shards,
  }));
  await deps.planQueue.send(messages.map((body) => ({ body })));
  return messages;
}
