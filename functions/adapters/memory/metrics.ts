import type { MetricName, OpsMetrics } from '../../app/ports.ts';

/** OpsMetrics that keeps the counts in memory (unit tests, the local runtime). */
export class InMemoryMetrics implements OpsMetrics {
  readonly counts = new Map<MetricName, number>();

  count(name: MetricName, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }

  /** The total counted under one name (0 when never counted). */
  total(name: MetricName): number {
    return this.counts.get(name) ?? 0;
  }
}
