import { z } from 'zod';
import { Enrollment } from '../campaign/plan-state.ts';
import { SendRecord } from '../sending/send.ts';
import { Account, Contact, DailyUsage, NpsResponse } from '../shared/domain.ts';

/** One enrollment with the contact it belongs to (enrollments are stored on the contact item). */
export const ContactEnrollment = z.strictObject({
  contactId: z.string().min(1),
  accountId: z.string().min(1),
  enrollment: Enrollment,
});
export type ContactEnrollment = z.infer<typeof ContactEnrollment>;

/** What KPI math needs to know about a campaign: its kind and its steps in order. */
export const CampaignInfo = z.strictObject({
  id: z.string().min(1),
  kind: z.string().min(1),
  stepIds: z.array(z.string().min(1)),
});
export type CampaignInfo = z.infer<typeof CampaignInfo>;

/** Every input of the KPI computation, as one document (also the format of `lowtouch kpi --data`). */
export const KpiSnapshot = z.strictObject({
  sends: z.array(SendRecord).default([]),
  enrollments: z.array(ContactEnrollment).default([]),
  accounts: z.array(Account).default([]),
  contacts: z.array(Contact).default([]),
  dailyUsage: z.array(DailyUsage).default([]),
  npsResponses: z.array(NpsResponse).default([]),
  campaigns: z.array(CampaignInfo).default([]),
});
export type KpiSnapshot = z.infer<typeof KpiSnapshot>;

/** The onboarding campaigns: those of kind onboarding, or by id when campaign details are missing. */
export function onboardingCampaignIds(
  campaigns: readonly CampaignInfo[],
  enrollments: readonly ContactEnrollment[],
): string[] {
  if (campaigns.length > 0) return campaigns.filter((c) => c.kind === 'onboarding').map((c) => c.id);
  const ids = new Set(enrollments.map((e) => e.enrollment.campaignId));
  return [...ids].filter((id) => id.startsWith('onboarding')).sort();
}
