import { z } from 'zod';

/** An ISO-8601 timestamp with an offset or Z, e.g. 2026-11-22T09:00:00Z. */
export const IsoDateTime = z.iso.datetime({ offset: true });
/** A calendar day, YYYY-MM-DD. */
export const IsoDate = z.iso.date();

/** Touch tier: who owns the relationship. */
export const Tier = z.enum(['high', 'low', 'tech']);
export type Tier = z.infer<typeof Tier>;

/** Health color of an account. */
export const HealthColor = z.enum(['green', 'yellow', 'red']);
export type HealthColor = z.infer<typeof HealthColor>;

/** Health of an account: a 0–100 score, its color and the per-measure breakdown. */
export const Health = z.strictObject({
  score: z.number().min(0).max(100),
  color: HealthColor,
  measures: z.record(z.string(), z.number().min(0).max(100)).default({}),
  computedAt: IsoDateTime,
});
export type Health = z.infer<typeof Health>;

/** The latest NPS answer kept on the account. */
export const NpsSummary = z.strictObject({
  score: z.number().int().min(0).max(10),
  respondedAt: IsoDateTime,
  contactId: z.string().min(1),
});

/** One contact of an account as the account's usage rollup lists it, for one-per-account steps. */
export const AccountMember = z.strictObject({
  id: z.string().min(1),
  role: z.string(),
  signedUpAt: z.string(),
  /** false when the contact can receive no campaign mail (unsubscribed from all, or suppressed) */
  reachable: z.boolean(),
});
export type AccountMember = z.infer<typeof AccountMember>;

/** Usage rolled up over an account's contacts by the nightly job; windows end on `through` (a UTC day). */
export const AccountUsage = z.strictObject({
  through: z.string(),
  logins7d: z.number().int().min(0),
  logins30d: z.number().int().min(0),
  /** logins in the 30 days before the last 30 */
  loginsPrevious30d: z.number().int().min(0),
  /** contacts with a login in the last 30 days */
  activeContacts30d: z.number().int().min(0),
  /** activeContacts30d ÷ seats; null when the account has no seats on record */
  activeSeatShare: z.number().min(0).nullable(),
  /** distinct features any contact used in the last 30 days */
  featureBreadth30d: z.number().int().min(0),
  /** (logins30d − loginsPrevious30d) ÷ loginsPrevious30d, e.g. −0.5 for a fall by half; null without a previous month */
  loginTrend30d: z.number().nullable(),
  members: z.array(AccountMember).default([]),
});
export type AccountUsage = z.infer<typeof AccountUsage>;

/** A customer company. */
export const Account = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  plan: z.string().min(1),
  status: z.enum(['trial', 'active', 'churned']),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as JPY or USD'),
  arr: z.number().min(0),
  mrr: z.number().min(0),
  seats: z.number().int().min(0).default(0),
  employees: z.number().int().min(0).optional(),
  industry: z.string().optional(),
  locale: z.string().optional(),
  /** ISO 3166 country whose business calendar the account's contacts follow, unless they have their own */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 two-letter code such as JP or US')
    .optional(),
  startedAt: IsoDateTime,
  trialEndsAt: IsoDateTime.optional(),
  renewalAt: IsoDateTime.optional(),
  churnedAt: IsoDateTime.optional(),
  referrals: z.number().int().min(0).default(0),
  caseStudy: z.boolean().default(false),
  tier: Tier.optional(),
  health: Health.optional(),
  csmId: z.string().optional(),
  csmEmail: z.email().optional(),
  nps: NpsSummary.optional(),
  /** usage over the account's contacts, computed nightly */
  usage: AccountUsage.optional(),
});
export type Account = z.infer<typeof Account>;

/** One feature's use by a contact: how often and when last. */
export const FeatureUse = z.strictObject({
  count: z.number().int().min(0),
  lastUsedAt: IsoDateTime,
});
export type FeatureUse = z.infer<typeof FeatureUse>;

/** Usage rollups kept on the contact, recomputed from daily usage rows. */
export const UsageRollup = z.strictObject({
  logins7d: z.number().int().min(0).default(0),
  logins30d: z.number().int().min(0).default(0),
  lastLoginAt: IsoDateTime.optional(),
  helpVisits30d: z.number().int().min(0).default(0),
  features: z.record(z.string(), FeatureUse).default({}),
  /** milestone name → when it was reached */
  milestones: z.record(z.string(), IsoDateTime).default({}),
  /** UTC day the 7/30-day windows were last computed for; the nightly refresh skips rollups of today */
  refreshedOn: IsoDate.optional(),
});
export type UsageRollup = z.infer<typeof UsageRollup>;

/** A person at an account who receives mail. */
export const Contact = z.strictObject({
  id: z.string().min(1),
  accountId: z.string().min(1),
  email: z.email(),
  name: z.string().min(1),
  locale: z.string().min(2).default('en'),
  timeZone: z.string().optional(),
  /** ISO 3166 country for holidays; else the account's, else the time zone's country */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 two-letter code such as JP or US')
    .optional(),
  role: z.string().default('user'),
  signedUpAt: IsoDateTime,
  topicOptOuts: z.array(z.string()).default([]),
  unsubscribedAll: z.boolean().default(false),
  /** no campaign mail until this time (set from the preference center's pause) */
  pausedUntil: IsoDateTime.optional(),
  suppressed: z.boolean().default(false),
  usage: UsageRollup.default({
    logins7d: 0,
    logins30d: 0,
    helpVisits30d: 0,
    features: {},
    milestones: {},
  }),
});
export type Contact = z.infer<typeof Contact>;

/** Raw daily counts for one contact on one UTC day. */
export const DailyUsage = z.strictObject({
  contactId: z.string().min(1),
  accountId: z.string().min(1),
  date: IsoDate,
  logins: z.number().int().min(0).default(0),
  helpVisits: z.number().int().min(0).default(0),
  features: z.record(z.string(), z.number().int().min(0)).default({}),
});
export type DailyUsage = z.infer<typeof DailyUsage>;

/** One answer to the NPS question. */
export const NpsResponse = z.strictObject({
  id: z.string().min(1),
  accountId: z.string().min(1),
  contactId: z.string().min(1),
  score: z.number().int().min(0).max(10),
  comment: z.string().optional(),
  respondedAt: IsoDateTime,
});
export type NpsResponse = z.infer<typeof NpsResponse>;
