import {
  BatchProcessor,
  EventType,
  ParsingError,
  processPartialResponse,
} from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { type Log, METRIC, type OpsMetrics } from '../app/ports.ts';

// The one SQS edge, for the Lambda handlers and the in-process queues alike: Powertools batch
// processing with its parser (the JSON body checked against the message's zod schema), partial batch
// failures (ReportBatchItemFailures), and malformed records counted once and left for the DLQ.

/** How one consumer handles the bodies of its queue. */
export interface SqsConsumer<T> {
  /** names the queue in logs */
  source: string;
  schema: z.ZodType<T>;
  handle: (body: T) => Promise<unknown>;
  /** records handled at once (default: the whole batch) */
  concurrency?: number;
}

type FailureRecord =
  ConstructorParameters<typeof BatchProcessor> extends unknown[]
    ? Parameters<BatchProcessor['failureHandler']>[0]
    : never;

function isSqsRecord(record: FailureRecord): record is SQSRecord {
  return 'messageId' in record && 'attributes' in record;
}

/** A BatchProcessor that logs each failure and counts malformed records on their first receipt. */
class ReportingProcessor<T> extends BatchProcessor {
  private readonly source: string;

  constructor(
    consumer: SqsConsumer<T>,
    private readonly deps: { log: Log; metrics: OpsMetrics },
  ) {
    super(EventType.SQS, {
      parser,
      innerSchema: consumer.schema,
      transformer: 'json',
      logger: { debug: () => {}, warn: () => {}, error: () => {} },
    });
    this.source = consumer.source;
  }

  override failureHandler(record: FailureRecord, error: Error) {
    const messageId = isSqsRecord(record) ? record.messageId : undefined;
    if (error instanceof ParsingError) {
      this.deps.log.error('malformed queue record; it goes to the DLQ', {
        source: this.source,
        messageId,
        issue: error.message,
      });
      const receiveCount = isSqsRecord(record) ? Number(record.attributes.ApproximateReceiveCount) || 1 : 1;
      if (receiveCount <= 1) this.deps.metrics.count(METRIC.malformedRecords);
    } else {
      this.deps.log.error('queue record failed; it will be redelivered', {
        source: this.source,
        messageId,
        error: `${error.name}: ${error.message}`,
      });
    }
    return super.failureHandler(record, error);
  }
}

/**
 * Handles an SQS event record by record: each body is parsed and handed to the consumer; a record that
 * does not parse or whose handler throws is reported back, so SQS redelivers it and, after
 * maxReceiveCount, moves it to the DLQ.
 */
export async function processSqsBatch<T>(
  event: SQSEvent,
  consumer: SqsConsumer<T>,
  deps: { log: Log; metrics: OpsMetrics },
): Promise<SQSBatchResponse> {
  const processor = new ReportingProcessor(consumer, deps);
  const handle = (record: { body: T }) => consumer.handle(record.body);
  const size = Math.max(1, consumer.concurrency ?? event.Records.length);
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  // Chunks of `size` run one after another, each in parallel: at most `size` records at once.
  for (let start = 0; start < event.Records.length; start += size) {
    const Records = event.Records.slice(start, start + size);
    const result = await processPartialResponse({ Records }, handle, processor, {
      throwOnFullBatchFailure: false,
      processInParallel: size > 1,
    });
    failures.push(...result.batchItemFailures);
  }
  return { batchItemFailures: failures };
}
