import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { OpsMetrics } from '../app/ports.ts';

/** The CloudWatch namespace of every lowtouch metric (alarms in infra/ watch some of them). */
export const METRICS_NAMESPACE = 'lowtouch';
/** The one `service` dimension of every metric (alarms name it). */
export const METRICS_SERVICE = 'lowtouch';

/** Powertools Metrics for the functions: namespace lowtouch, one `service` dimension for all. */
export function createMetrics(): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
}

/** The OpsMetrics port on Powertools Metrics (EMF lines in the function's log). */
export function powertoolsMetrics(metrics: Metrics): OpsMetrics {
  return { count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) };
}

/** Publishes an invocation's counts after it ends (also on error); silent when nothing was counted. */
export function publishMetrics(metrics: Metrics): MiddlewareObj {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
