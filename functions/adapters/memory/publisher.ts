import type { BusEvent, EventPublisher } from '../../app/ports.ts';

/** EventPublisher that keeps events in memory (local runtime, tests) and hands them to listeners. */
export class InMemoryPublisher implements EventPublisher {
  readonly events: BusEvent[] = [];
  private readonly listeners: ((event: BusEvent) => void | Promise<void>)[] = [];

  async publish(events: BusEvent[]): Promise<void> {
    for (const event of events) {
      this.events.push(event);
      for (const listener of this.listeners) await listener(event);
    }
  }

  /** Calls `listener` for every event published from now on. */
  subscribe(listener: (event: BusEvent) => void | Promise<void>): void {
    this.listeners.push(listener);
  }
}
