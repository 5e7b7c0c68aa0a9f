import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InProcessQueue } from '../../../functions/adapters/in-process-queue.ts';
import { InMemoryState } from '../../../functions/adapters/memory/repositories.ts';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import { TokenBucket } from '../../../functions/adapters/token-bucket.ts';
import { processBatch } from '../../../functions/app/batch.ts';
import { ManualClock } from './support.ts';

const Body = z.strictObject({ n: z.number() });

describe('processBatch', () => {
  it('reports malformed and failing records only, and counts malformed ones once', async () => {
    const state = new InMemoryState();
    const seen: number[] = [];
    const spec = {
      source: 'test-queue',
      schema: Body,
      handle: async (body: { n: number }) => {
        if (body.n === 3) throw new Error('boom');
        seen.push(body.n);
      },
    };
    const records = [
      { messageId: 'a', body: '{"n":1}', receiveCount: 1 },
      { messageId: 'b', body: 'not json', receiveCount: 1 },
      { messageId: 'c', body: '{"n":3}', receiveCount: 1 },
      { messageId: 'd', body: '{"n":"x"}', receiveCount: 2 },
    ];
    const result = await processBatch(records, spec, { counters: state, log: SILENT_LOG, now: () => 0 });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['b', 'c', 'd']);
    expect(seen).toEqual([1]);
    expect(state.total('malformed', 'test-queue')).toBe(1);
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
      async (records) => ({
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
      async (records) => {
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
