import { z } from 'zod';

/** Why a due step or a claimed send did not go out: one list for the planner and the sender. */
export const SkipReason = z.enum([
  'outside-window',
  'holiday',
  'frequency-cap',
  'unsubscribed',
  'paused',
  'suppressed',
  'condition-false',
  'expired',
  'superseded',
  'branch-not-taken',
  'other-contact-chosen',
  'not-signed-up',
  'account-not-started',
  'account-churned',
  'holdout',
  'contact-missing',
  'account-missing',
  'render-failed',
]);
export type SkipReason = z.infer<typeof SkipReason>;

/**
 * Whether a reason closes the step for good. The others are about timing (window, cap, a sign-up or
 * account start still ahead): the planner retries them on a later tick and the sender defers them.
 */
export const SKIP_IS_FINAL: Readonly<Record<SkipReason, boolean>> = {
  'outside-window': false,
  holiday: false,
  'frequency-cap': false,
  unsubscribed: true,
  paused: false,
  suppressed: true,
  'condition-false': true,
  expired: true,
  superseded: true,
  'branch-not-taken': true,
  'other-contact-chosen': true,
  'not-signed-up': false,
  'account-not-started': false,
  'account-churned': true,
  holdout: true,
  'contact-missing': true,
  'account-missing': true,
  'render-failed': true,
};
