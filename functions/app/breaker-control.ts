import {
  type BreakerThresholds,
  hourOf,
  judgeReputation,
  type ReputationVerdict,
} from '../core/tracking/reputation.ts';
import type {
  BreakerFlag,
  BreakerHistory,
  BreakerRecord,
  Clock,
  EventPublisher,
  ReputationLog,
} from './ports.ts';
import { EVENT_SOURCE } from './send-step.ts';

// What an operator does with the reputation circuit breaker: look at it, and resume sending once the
// cause (a bad list, a broken sign-up form) is fixed. The breaker pauses by itself; nothing here pauses.

/** Detail type of the event published when an operator resumes sending. */
export const SENDING_RESUMED_DETAIL_TYPE = 'lowtouch.sending-resumed';

/** Dependencies of the breaker commands. */
export interface BreakerControlDeps {
  breaker: BreakerFlag & BreakerHistory;
  reputation: ReputationLog;
  clock: Clock;
  thresholds: BreakerThresholds;
  /** where the resume is announced (the custom bus); optional */
  publisher?: EventPublisher;
}

/** The breaker's record with the trailing window's rates and whether they would pause sending now. */
export interface BreakerReport {
  record: BreakerRecord;
  window: ReputationVerdict & { fromHour: string; toHour: string };
  thresholds: BreakerThresholds;
}

/** Resuming would be undone by the next bounce or complaint, and --force was not given. */
export class BreakerResumeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BreakerResumeError';
  }
}

/** Reads the breaker's record and judges the trailing window the tracker judges. */
export async function breakerStatus(deps: BreakerControlDeps): Promise<BreakerReport> {
  const now = deps.clock.now();
  const fromHour = hourOf(now - (deps.thresholds.windowHours - 1) * 3_600_000);
  const [record, buckets] = await Promise.all([deps.breaker.record(), deps.reputation.list(fromHour)]);
  const verdict = judgeReputation(buckets, deps.thresholds, now);
  return { record, window: { ...verdict, fromHour, toHour: hourOf(now) }, thresholds: deps.thresholds };
}

/** What a resume did. */
export type ResumeOutcome =
  | { outcome: 'resumed'; at: string; before: BreakerReport; announced: boolean; announceError?: string }
  | { outcome: 'not-paused'; before: BreakerReport };

/**
 * Resumes sending, recording who and when. Refuses (BreakerResumeError) while the trailing window is
 * still over a threshold, since the next bounce or complaint would pause sending again, unless `force`.
 */
export async function resumeBreaker(
  input: { by: string; note?: string; force?: boolean },
  deps: BreakerControlDeps,
): Promise<ResumeOutcome> {
  const before = await breakerStatus(deps);
  if (!before.record.paused) return { outcome: 'not-paused', before };
  if (before.window.trip && !input.force) {
    throw new BreakerResumeError(
      `the last ${deps.thresholds.windowHours} h still show ${before.window.reason}, so the next bounce or complaint would pause sending again; fix the cause and wait for the window to clear, or resume anyway with --force`,
    );
  }
  const at = new Date(deps.clock.now()).toISOString();
  await deps.breaker.resume(at, input.by, input.note);
  if (!deps.publisher) return { outcome: 'resumed', at, before, announced: false };
  try {
    await deps.publisher.publish([
      {
        source: EVENT_SOURCE,
        detailType: SENDING_RESUMED_DETAIL_TYPE,
        detail: {
          resumedAt: at,
          resumedBy: input.by,
          ...(input.note ? { note: input.note } : {}),
          pausedAt: before.record.since ?? null,
          pauseReason: before.record.reason ?? null,
          forced: input.force === true && before.window.trip,
        },
      },
    ]);
  } catch (error) {
    // Sending is resumed either way; the caller reports that the announcement did not go out.
    return { outcome: 'resumed', at, before, announced: false, announceError: messageOf(error) };
  }
  return { outcome: 'resumed', at, before, announced: true };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
