// Reputation circuit breaker math. SES puts an account under review at a 5% bounce rate or a 0.1%
// complaint rate; lowtouch pauses itself earlier, at lower thresholds over a trailing window.

/** Sends, hard bounces and complaints counted in one hour. */
export interface ReputationBucket {
  /** the hour, e.g. 2026-11-22T09 */
  hour: string;
  sent: number;
  bounced: number;
  complained: number;
}

/** When the breaker trips. */
export interface BreakerThresholds {
  /** hard-bounce rate that pauses sending, e.g. 0.02 */
  bounceRate: number;
  /** complaint rate that pauses sending, e.g. 0.0005 */
  complaintRate: number;
  /** sends in the window below which rates are too noisy to act on */
  minimumVolume: number;
  /** trailing window in hours */
  windowHours: number;
}

/** Defaults well below SES's review levels (5% bounces, 0.1% complaints). */
export const DEFAULT_BREAKER: BreakerThresholds = {
  bounceRate: 0.02,
  complaintRate: 0.0005,
  minimumVolume: 200,
  windowHours: 24,
};

/** The verdict over a window of buckets. */
export interface ReputationVerdict {
  sent: number;
  bounced: number;
  complained: number;
  bounceRate: number;
  complaintRate: number;
  trip: boolean;
  reason?: string;
}

/** The hour bucket key for an instant. */
export function hourOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 13);
}

/** Sums the buckets in the trailing window and decides whether to pause. */
export function judgeReputation(
  buckets: ReputationBucket[],
  thresholds: BreakerThresholds,
  now: number,
): ReputationVerdict {
  const oldest = hourOf(now - (thresholds.windowHours - 1) * 3_600_000);
  const inWindow = buckets.filter((bucket) => bucket.hour >= oldest && bucket.hour <= hourOf(now));
  const sent = sum(inWindow, 'sent');
  const bounced = sum(inWindow, 'bounced');
  const complained = sum(inWindow, 'complained');
  const bounceRate = sent === 0 ? 0 : bounced / sent;
  const complaintRate = sent === 0 ? 0 : complained / sent;
  const base = { sent, bounced, complained, bounceRate, complaintRate };
  if (sent < thresholds.minimumVolume) return { ...base, trip: false };
  if (bounceRate > thresholds.bounceRate) {
    return {
      ...base,
      trip: true,
      reason: `bounce rate ${pct(bounceRate)} above ${pct(thresholds.bounceRate)}`,
    };
  }
  if (complaintRate > thresholds.complaintRate) {
    return {
      ...base,
      trip: true,
      reason: `complaint rate ${pct(complaintRate)} above ${pct(thresholds.complaintRate)}`,
    };
  }
  return { ...base, trip: false };
}

function sum(buckets: ReputationBucket[], key: 'sent' | 'bounced' | 'complained'): number {
  return buckets.reduce((total, bucket) => total + bucket[key], 0);
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(3).replace(/\.?0+$/, '')}%`;
}
