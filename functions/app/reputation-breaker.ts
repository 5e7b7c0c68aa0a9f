import {
  type BreakerThresholds,
  hourOf,
  judgeReputation,
  type ReputationVerdict,
} from '../core/tracking/reputation.ts';
import {
  type BreakerFlag,
  type Clock,
  type EventPublisher,
  type Log,
  METRIC,
  type OpsMetrics,
  type ReputationLog,
} from './ports.ts';
import { EVENT_SOURCE } from './send-step.ts';

export interface BreakerDeps {
  clock: Clock;
  reputation: ReputationLog;
  breaker: BreakerFlag;
  publisher: EventPublisher;
  log: Log;
  metrics: OpsMetrics;
  thresholds: BreakerThresholds;
}

/**
 * Judges the trailing window and pauses sending when a rate is over its threshold. Only the call that
 * flips the flag publishes the alert, so a burst of bounces raises one alert.
 */
export async function checkReputation(deps: BreakerDeps): Promise<ReputationVerdict & { paused: boolean }> {
  const now = deps.clock.now();
  const fromHour = hourOf(now - (deps.thresholds.windowHours - 1) * 3_600_000);
  const verdict = judgeReputation(await deps.reputation.list(fromHour), deps.thresholds, now);
  if (!verdict.trip || !verdict.reason) return { ...verdict, paused: false };
  const at = new Date(now).toISOString();
  const flipped = await deps.breaker.pause(verdict.reason, at);
  if (flipped) {
    deps.metrics.count(METRIC.breakerTrips);
    deps.log.error('sending paused by the reputation circuit breaker', { reason: verdict.reason });
    await deps.publisher.publish([
      {
        source: EVENT_SOURCE,
        detailType: 'lowtouch.sending-paused',
        detail: {
          reason: verdict.reason,
          pausedAt: at,
          windowHours: deps.thresholds.windowHours,
          sent: verdict.sent,
          bounced: verdict.bounced,
          complained: verdict.complained,
          bounceRate: verdict.bounceRate,
          complaintRate: verdict.complaintRate,
        },
      },
    ]);
  }
  return { ...verdict, paused: true };
}
