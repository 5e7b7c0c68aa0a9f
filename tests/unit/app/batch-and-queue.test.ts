import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InProcessQueue } from '../../../functions/adapters/in-process-queue.ts';
import { InMemoryMetrics } from '../../../functions/adapters/memory/metrics.ts';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import { processSqsBatch } from '../../../functions/adapters/sqs-batch.ts';
import { TokenBucket } from '../../../functions/adapters/token-bucket.ts';
import { ManualClock } from './support.ts';

const Body = z.strictObject({ n: z.number() });

describe('processSqsBatch (Powertools batch and parser)', () => {
  it('reports malformed and failing records only, and counts malformed ones on first receipt', async () => {
    const metrics = new InMemoryMetrics();
    const seen: number[] = [];
    const spec = {
      source: 'test-queue',
      schema: Body,
      handle: async (body: { n: number }) => {
        if (body.n === 3) throw new Error('boom');
        seen.push(body.n);
      },
    };
    const clock = new ManualClock(0);
    const queue = new InProcessQueue<{ n: number }>({ name: 'q', clock });
    for (const body of ['{"n":1}', 'not json', '{"n":3}', '{"n":"x"}']) queue.sendRaw(body);
    const records = queue.receive();
    const [, , , second] = records;
    if (!second) throw new Error('expected four records');
    second.attributes.ApproximateReceiveCount = '2';
    const result = await processSqsBatch({ Records: records }, spec, { metrics, log: SILENT_LOG });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['q-2', 'q-3', 'q-4']);
    expect(seen).toEqual([1]);
    expect(metrics.total('MalformedRecords')).toBe(1);
  });

  it('handles at most `concurrency` records at once', async () => {
    let running = 0;
    let peak = 0;
    const spec = {
      source: 'test-queue',
      schema: Body,
      concurrency: 2,
      handle: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running -= 1;
      },
    };
    const queue = new InProcessQueue<{ n: number }>({ name: 'q', clock: new ManualClock(0) });
    await queue.send([1, 2, 3, 4, 5].map((n) => ({ body: { n } })));
    const deps = { metrics: new InMemoryMetrics(), log: SILENT_LOG };
    const result = await processSqsBatch({ Records: queue.receive() }, spec, deps);
    expect(result.batchItemFailures).toEqual([]);
    expect(peak).toBe(2);
  });
});

describe('InProcessQueue', () => {
  it('delays, redelivers failures after the visibility timeout and dead-letters after maxReceiveCount', async () => {
    const clock = new ManualClock(0);
    const queue = new InProcessQueue<{ n: number }>({
      name: 'q',
      clock,
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 3,
    });
    await queue.send([{ body: { n: 1 } }, { body: { n: 2 }, delaySeconds: 60 }]);
    expect(queue.receive().map((r) => r.body)).toEqual(['{"n":1}']);
    clock.advance(30_000);
    const failedTwice: string[] = [];
    const { batches } = await queue.drain(
      async ({ Records: records }) => ({
        batchItemFailures: records
          .filter((r) => r.body === '{"n":1}')
          .map((r) => {
            failedTwice.push(r.messageId);
            return { itemIdentifier: r.messageId };
          }),
      }),
      {
        waitUntil: async (t) => {
          clock.time = t;
        },
      },
    );
    expect(batches).toBeGreaterThan(1);
    expect(queue.size).toBe(0);
    expect(queue.deadLetters.map((r) => r.body)).toEqual(['{"n":1}']);
    expect(clock.time).toBeGreaterThanOrEqual(60_000);
  });

  it('delivers every message twice under the duplicate-delivery fault', async () => {
    const clock = new ManualClock(0);
    const queue = new InProcessQueue<{ n: number }>({
      name: 'q',
      clock,
      faults: { duplicateDelivery: () => true },
    });
    await queue.send([{ body: { n: 1 } }]);
    const delivered: string[] = [];
    await queue.drain(
      async ({ Records: records }) => {
        delivered.push(...records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
      {
        batchSize: 1,
        waitUntil: async (t) => {
          clock.time = t;
        },
      },
    );
    expect(delivered).toEqual(['q-1', 'q-1']);
  });
});

describe('TokenBucket', () => {
  it('spaces calls at the configured rate and backs off after a penalty', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket({
      ratePerSecond: 10,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await bucket.take();
    await bucket.take();
    await bucket.take();
    expect(waits).toEqual([100, 200]);
    now = 1000;
    bucket.penalize(500);
    await bucket.take();
    expect(waits.at(-1)).toBe(500);
  });
});
