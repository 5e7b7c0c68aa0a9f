/**
 * Sizing rules that turn configuration into resource settings. Kept pure so they are unit-tested
 * without a synth.
 */

/** Emails one send-step worker pushes per second: a batch of 10 with ~100 ms per SendEmail call. */
export const SENDS_PER_WORKER_PER_SECOND = 10;
/** The range Lambda accepts for an SQS event source's maximum concurrency. */
export const SQS_MAX_CONCURRENCY_RANGE = { min: 2, max: 1000 } as const;

/**
 * The send queue's maximum concurrency for an account's SES MaxSendRate: enough workers to reach the
 * rate, and no more, so SES throttling stays the exception (throttled mail is re-queued, never lost).
 */
export function senderMaxConcurrency(maxSendRate: number): number {
  if (!Number.isFinite(maxSendRate) || maxSendRate <= 0) {
    throw new RangeError(`maxSendRate must be a positive number of emails per second, got ${maxSendRate}`);
  }
  const workers = Math.ceil(maxSendRate / SENDS_PER_WORKER_PER_SECOND);
  return Math.min(SQS_MAX_CONCURRENCY_RANGE.max, Math.max(SQS_MAX_CONCURRENCY_RANGE.min, workers));
}

/** SQS guidance: a queue's visibility timeout is at least six times its consumer's timeout. */
export function visibilityTimeoutSeconds(functionTimeoutSeconds: number): number {
  return functionTimeoutSeconds * 6;
}
