import type { SQSEvent } from 'aws-lambda';
import type { QueueRecord } from '../app/queue-records.ts';

/** Turns a Lambda SQS event into the queue records the batch use cases take. */
export function recordsOf(event: SQSEvent): QueueRecord[] {
  return event.Records.map((record) => ({
    messageId: record.messageId,
    body: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
  }));
}
