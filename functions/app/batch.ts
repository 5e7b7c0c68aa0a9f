import type { z } from 'zod';
import { parseGuardedJson } from '../core/shared/input-guards.ts';
import type { Counters, Log } from './ports.ts';
import type { BatchResult, QueueRecord } from './queue-records.ts';

/** How one consumer handles its queue records. */
export interface BatchSpec<T> {
  /** names the queue in logs and in the operational counters */
  source: string;
  schema: z.ZodType<T>;
  handle: (body: T, record: QueueRecord) => Promise<unknown>;
  /** records handled at once */
  concurrency?: number;
}

/**
 * Runs a batch with partial failures: each record is parsed and handled on its own; a record that
 * does not parse or whose handler throws is reported back, so SQS redelivers it and, after
 * maxReceiveCount, moves it to the DLQ. Malformed records are counted (once, on first receipt).
 */
export async function processBatch<T>(
  records: QueueRecord[],
  spec: BatchSpec<T>,
  deps: { counters: Counters; log: Log; now: () => number },
): Promise<BatchResult> {
  const failures: { itemIdentifier: string }[] = [];
  const concurrency = Math.max(1, spec.concurrency ?? 10);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length) {
      const record = records[next++];
      if (!record) break;
      const parsed = parseBody(record.body, spec.schema);
      if (!parsed.ok) {
        failures.push({ itemIdentifier: record.messageId });
        deps.log.error('malformed queue record', {
          source: spec.source,
          messageId: record.messageId,
          issue: parsed.issue,
        });
        if (record.receiveCount <= 1) {
          await deps.counters
            .addOperational(new Date(deps.now()).toISOString().slice(0, 10), spec.source, { malformed: 1 })
            .catch(() => {});
        }
        continue;
      }
      try {
        await spec.handle(parsed.value, record);
      } catch (error) {
        failures.push({ itemIdentifier: record.messageId });
        deps.log.error('queue record failed; it will be redelivered', {
          source: spec.source,
          messageId: record.messageId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  return { batchItemFailures: failures };
}

function parseBody<T>(
  body: string,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; issue: string } {
  // Size, encoding and nesting are checked before the schema walks the record (deep nesting overflows it).
  const read = parseGuardedJson(body);
  if (!read.ok) return { ok: false, issue: read.reason };
  const result = schema.safeParse(read.value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issue: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
  };
}
