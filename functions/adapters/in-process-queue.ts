import { createHash } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Clock, MessageQueue, OutgoingMessage } from '../app/ports.ts';

/** Fault hooks for local chaos runs; each returns true to inject the fault for that message. */
export interface QueueFaults {
  /** deliver this message twice (two copies with the same message id, like an SQS at-least-once repeat) */
  duplicateDelivery?: (body: string) => boolean;
}

export interface InProcessQueueOptions {
  name: string;
  clock: Clock;
  /** how long a received message stays hidden before it is delivered again (SQS VisibilityTimeout) */
  visibilityTimeoutSeconds?: number;
  /** receives after which a message moves to the dead-letter list (SQS redrive maxReceiveCount) */
  maxReceiveCount?: number;
  faults?: QueueFaults;
}

interface Entry {
  messageId: string;
  receipt: number;
  body: string;
  visibleAt: number;
  receiveCount: number;
  sentAt: number;
}

/**
 * A queue in process memory with SQS semantics the runtime relies on: delayed delivery, visibility
 * timeout, redelivery of failed records, a dead-letter list after maxReceiveCount, and fault hooks.
 */
export class InProcessQueue<T> implements MessageQueue<T> {
  readonly deadLetters: SQSRecord[] = [];
  private entries: Entry[] = [];
  private nextId = 1;
  private nextReceipt = 1;
  private readonly visibilityMs: number;
  private readonly maxReceiveCount: number;

  constructor(private readonly options: InProcessQueueOptions) {
    this.visibilityMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
  }

  async send(messages: OutgoingMessage<T>[]): Promise<void> {
    for (const message of messages) this.sendRaw(JSON.stringify(message.body), message.delaySeconds ?? 0);
  }

  /** Enqueues a body as is (tests use it to inject malformed records). */
  sendRaw(body: string, delaySeconds = 0): void {
    const messageId = `${this.options.name}-${this.nextId++}`;
    const visibleAt = this.options.clock.now() + Math.round(Math.min(900, Math.max(0, delaySeconds)) * 1000);
    const copies = this.options.faults?.duplicateDelivery?.(body) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      this.entries.push({
        messageId,
        receipt: this.nextReceipt++,
        body,
        visibleAt,
        receiveCount: 0,
        sentAt: this.options.clock.now(),
      });
    }
  }

  /** Receives up to `max` visible messages, shaped as in a Lambda SQS event, and hides them. */
  receive(max = 10): (SQSRecord & { receipt: number })[] {
    const now = this.options.clock.now();
    const records: (SQSRecord & { receipt: number })[] = [];
    for (const entry of this.entries) {
      if (records.length >= max) break;
      if (entry.visibleAt > now) continue;
      if (entry.receiveCount >= this.maxReceiveCount) {
        this.deadLetters.push(this.recordOf(entry, now));
        entry.visibleAt = Number.POSITIVE_INFINITY;
        continue;
      }
      entry.receiveCount += 1;
      entry.visibleAt = now + this.visibilityMs;
      records.push({ ...this.recordOf(entry, now), receipt: entry.receipt });
    }
    this.entries = this.entries.filter((entry) => entry.visibleAt !== Number.POSITIVE_INFINITY);
    return records;
  }

  private recordOf(entry: Entry, now: number): SQSRecord {
    const name = this.options.name;
    return {
      messageId: entry.messageId,
      receiptHandle: `${entry.messageId}#${entry.receipt}`,
      body: entry.body,
      attributes: {
        ApproximateReceiveCount: String(entry.receiveCount),
        SentTimestamp: String(entry.sentAt),
        SenderId: 'lowtouch-local',
        ApproximateFirstReceiveTimestamp: String(now),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(entry.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      awsRegion: 'us-east-1',
    };
  }

  /** Deletes a received message (the consumer succeeded). */
  delete(receipt: number): void {
    this.entries = this.entries.filter((entry) => entry.receipt !== receipt);
  }

  /** Messages still held, visible or not. */
  get size(): number {
    return this.entries.length;
  }

  /** When the next hidden or delayed message becomes visible; undefined when the queue is empty. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const entry of this.entries)
      if (next === undefined || entry.visibleAt < next) next = entry.visibleAt;
    return next;
  }

  /**
   * Delivers messages to a batch consumer until the queue is empty, as the Lambda event source does:
   * succeeded records are deleted, failed ones reappear after the visibility timeout. When only hidden
   * messages remain, `waitUntil` is called to let time pass (advance a virtual clock, or sleep).
   */
  async drain(
    consumer: (event: SQSEvent) => Promise<SQSBatchResponse>,
    options: { batchSize?: number; waitUntil: (epochMs: number) => Promise<void>; maxBatches?: number },
  ): Promise<{ batches: number }> {
    let batches = 0;
    const limit = options.maxBatches ?? 1_000_000;
    while (this.entries.length > 0 && batches < limit) {
      const records = this.receive(options.batchSize ?? 10);
      if (records.length === 0) {
        const next = this.nextVisibleAt();
        if (next === undefined) break;
        await options.waitUntil(next);
        continue;
      }
      batches += 1;
      let failed: Set<string>;
      try {
        const result = await consumer({ Records: records });
        failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
      } catch {
        // A thrown handler fails the whole batch, as in Lambda.
        failed = new Set(records.map((record) => record.messageId));
      }
      for (const record of records) if (!failed.has(record.messageId)) this.delete(record.receipt);
    }
    return { batches };
  }
}
