import { z } from 'zod';
import { IsoDateTime } from '../shared/domain.ts';

/** What happened to one step of an enrollment. */
export const StepState = z.strictObject({
  status: z.enum(['claimed', 'held-out', 'skipped', 'branched']),
  at: IsoDateTime,
  reason: z.string().optional(),
  /** for a wait: which branch it took and the step that branch leads to */
  branch: z.enum(['then', 'else']).optional(),
  target: z.string().optional(),
  sendId: z.string().optional(),
  variantId: z.string().optional(),
});
export type StepState = z.infer<typeof StepState>;

/** Why a contact left a campaign. */
export const ExitReason = z.enum(['goal', 'left-audience', 'completed']);
export type ExitReason = z.infer<typeof ExitReason>;

/** A contact's state in one campaign. */
export const Enrollment = z.strictObject({
  campaignId: z.string().min(1),
  /** 1 for the first entry, 2 after the first re-entry, … */
  seq: z.number().int().min(1),
  /** the anchor date (YYYY-MM-DD) for campaigns whose steps are `at` a date field */
  occurrence: z.string().optional(),
  enteredAt: IsoDateTime,
  holdout: z.boolean(),
  steps: z.record(z.string(), StepState).default({}),
  exitedAt: IsoDateTime.optional(),
  exitReason: ExitReason.optional(),
  goalReachedAt: IsoDateTime.optional(),
});
export type Enrollment = z.infer<typeof Enrollment>;

/** A recent email kept on the contact for the frequency cap. */
export const RecentSend = z.strictObject({
  campaignId: z.string().min(1),
  stepId: z.string().min(1),
  at: IsoDateTime,
  countsToCap: z.boolean(),
});
export type RecentSend = z.infer<typeof RecentSend>;

/** The planner's memory of one contact, stored on the contact item so a tick reads it once. */
export const PlanState = z.strictObject({
  enrollments: z.record(z.string(), Enrollment).default({}),
  recentSends: z.array(RecentSend).default([]),
});
export type PlanState = z.infer<typeof PlanState>;

/** An empty plan state for a contact the planner has not seen. */
export function emptyPlanState(): PlanState {
  return { enrollments: {}, recentSends: [] };
}
