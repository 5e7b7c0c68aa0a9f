import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { MessageQueue, OutgoingMessage } from '../app/ports.ts';

/** Some entries of a SendMessageBatch kept failing. */
export class QueueSendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueSendError';
  }
}

const MAX_ATTEMPTS = 4;

/** MessageQueue on SQS: SendMessageBatch in groups of 10, retrying entries SQS reports as failed. */
export class SqsMessageQueue<T> implements MessageQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: OutgoingMessage<T>[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      await this.sendBatch(messages.slice(start, start + 10));
    }
  }

  private async sendBatch(batch: OutgoingMessage<T>[]): Promise<void> {
    let pending = batch.map((message, index) => ({
      Id: `m${index}-${randomUUID().slice(0, 8)}`,
      MessageBody: JSON.stringify(message.body),
      ...(message.delaySeconds
        ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(message.delaySeconds))) }
        : {}),
    }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }),
      );
      const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
      if (failed.size === 0) return;
      const permanent = (result.Failed ?? []).filter((entry) => entry.SenderFault);
      if (permanent.length > 0 || attempt >= MAX_ATTEMPTS) {
        const detail = (result.Failed ?? []).map((entry) => `${entry.Code}: ${entry.Message}`).join('; ');
        throw new QueueSendError(
          `SQS refused ${failed.size} message(s) for ${this.queueUrl} after ${attempt} attempt(s): ${detail}`,
        );
      }
      pending = pending.filter((entry) => failed.has(entry.Id));
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
