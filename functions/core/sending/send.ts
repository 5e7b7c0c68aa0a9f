import { z } from 'zod';
import { IsoDateTime } from '../shared/domain.ts';

/** Lifecycle of one claimed delivery: claimed → sending → sent / skipped / failed; `unknown` after a crash. */
export const SendStatus = z.enum(['claimed', 'sending', 'sent', 'skipped', 'failed', 'unknown']);
export type SendStatus = z.infer<typeof SendStatus>;

/** How a step reaches its recipient. */
export const Channel = z.enum(['email', 'csm-alert']);
export type Channel = z.infer<typeof Channel>;

/** One claimed delivery of a step to a contact, plus what SES later reported about it. */
export const SendRecord = z.object({
  sendId: z.string().min(1),
  campaignId: z.string().min(1),
  stepId: z.string().min(1),
  variantId: z.string().min(1),
  contactId: z.string().min(1),
  accountId: z.string().min(1),
  occurrence: z.string().optional(),
  channel: Channel,
  template: z.string().min(1),
  topic: z.string().min(1),
  bypassCap: z.boolean().default(false),
  /** the usage segment that chose the content, when the step varies by segment */
  segment: z.string().optional(),
  status: SendStatus,
  /** a SkipReason when skipped; what SES or the network said when failed or unknown */
  reason: z.string().optional(),
  /** more about the reason, e.g. the template error behind `render-failed` */
  detail: z.string().optional(),
  claimedAt: IsoDateTime,
  updatedAt: IsoDateTime,
  sentAt: IsoDateTime.optional(),
  messageId: z.string().optional(),
  locale: z.string().optional(),
  test: z.boolean().optional(),
  // What the tracker learned (first occurrence of each, so opens and clicks are unique per send).
  deliveredAt: IsoDateTime.optional(),
  firstOpenAt: IsoDateTime.optional(),
  firstMachineOpenAt: IsoDateTime.optional(),
  firstClickAt: IsoDateTime.optional(),
  bouncedAt: IsoDateTime.optional(),
  bounceType: z.string().optional(),
  complainedAt: IsoDateTime.optional(),
  unsubscribedAt: IsoDateTime.optional(),
});
export type SendRecord = z.infer<typeof SendRecord>;

/** The deterministic id of a delivery: campaign#step#contact[#occurrence]. */
export function sendIdOf(campaignId: string, stepId: string, contactId: string, occurrence?: string): string {
  const base = `${campaignId}#${stepId}#${contactId}`;
  return occurrence ? `${base}#${occurrence}` : base;
}
