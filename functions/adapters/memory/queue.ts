import type { MessageQueue, OutgoingMessage } from '../../app/ports.ts';

/** MessageQueue that collects what is sent, for tests. */
export class InMemoryQueue<T> implements MessageQueue<T> {
  readonly sent: OutgoingMessage<T>[] = [];
  async send(messages: OutgoingMessage<T>[]): Promise<void> {
    this.sent.push(...messages);
  }
}
