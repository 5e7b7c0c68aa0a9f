import { z } from 'zod';
import { TopicsSpec } from '../sending/preferences.ts';
import { Channel } from '../sending/send.ts';
import { Tier } from '../shared/domain.ts';
import { parseDuration } from '../shared/duration.ts';
import { CalendarSpec } from './business-calendar.ts';
import { TriggerSpec } from './triggers.ts';

// The YAML files CS ops write. Every object is strict: an unknown key (a typo such as `aftr:`) is an error.
// Rules are checked by the rule compiler, which knows the field catalog, so here they are any mapping.

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'an id of lower-case letters, digits and dashes, e.g. "first-project"');

/** A duration such as 2d, -90d, 36h or 2w. */
export const Duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, {
    message: 'a duration such as 2d, 36h, 2w or -90d',
  })
  .describe('a duration such as 2d, 36h, 2w or -90d');

const SignedDuration = Duration;
const UnsignedDuration = z
  .string()
  .refine((text) => (parseDuration(text) ?? -1) >= 0, {
    message: 'a duration that is not negative, such as 0d, 2d, 36h or 2w',
  })
  .describe('a duration that is not negative, such as 0d, 2d, 36h or 2w');

/** A rule: `all` / `any` / `not` / `segment`, or field paths mapped to a value or an operator mapping. */
export const Rule = z
  .record(z.string(), z.unknown())
  .describe('a rule mapping such as { usage.logins30d: { gte: 5 } }');

const Percent = z
  .string({ error: 'a percentage such as 10%' })
  .regex(/^\d{1,3}(\.\d+)?%$/, 'a percentage such as 10%')
  .refine((text) => Number.parseFloat(text) <= 100, { message: 'a percentage between 0% and 100%' });

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a local time HH:MM such as 09:00');
export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

export const SendWindow = z.strictObject({
  days: z.array(Weekday).min(1),
  start: Clock,
  end: Clock,
});
export type SendWindow = z.infer<typeof SendWindow>;

const Reentry = z.union([z.literal('never'), z.strictObject({ after: UnsignedDuration })], {
  error: 'one of never or { after: <duration> } such as { after: 90d }',
});

const LocalizedText = z.record(z.string(), z.string().min(1));

/** A locale code such as en, ja or pt-BR (templates are named <step>.<locale>.mjml). */
const LocaleCode = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a locale code such as en, ja or pt-BR');

/** Brand text given once for every locale, or per locale such as `{ en: ..., ja: ... }`. */
const BrandText = z.union(
  [
    z.string().min(1),
    z
      .record(
        z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a locale key such as en, ja or pt-BR'),
        z.string().min(1),
      )
      .refine((map) => Object.keys(map).length > 0, 'at least one locale, e.g. { en: ..., ja: ... }'),
  ],
  {
    error:
      'a string, or a map from locale to text such as { en: "1-2-3 Shibuya, Tokyo", ja: "東京都渋谷区…" }',
  },
);

const ReleasedFeatureSpec = z.strictObject({
  id: Id,
  url: z.url(),
  relatedTo: z.array(z.string()).default([]),
  title: LocalizedText,
  summary: LocalizedText,
});

const VariantSpec = z.strictObject({
  id: Id,
  weight: z.number().positive(),
  template: z.string().optional(),
});

const SegmentTemplate = z.strictObject({ segment: z.string(), template: z.string() });

export const StepSpec = z.strictObject({
  id: Id,
  after: UnsignedDuration.optional(),
  at: z.strictObject({ field: z.string(), offset: SignedDuration.default('0d') }).optional(),
  sendAt: z.iso.datetime({ offset: true }).optional(),
  template: z.string().optional(),
  channel: Channel.default('email'),
  when: Rule.optional(),
  variants: z.array(VariantSpec).min(1).optional(),
  bySegment: z.array(SegmentTemplate).min(1).optional(),
  bypassFrequencyCap: z.boolean().optional(),
  expiresAfter: UnsignedDuration.optional(),
  /** one: the step reaches one contact per account, the first by rolePriority (then sign-up order) */
  perAccount: z
    .literal('one', { error: 'expected one (one contact per account), or leave perAccount out' })
    .optional(),
  /** the roles tried first for a perAccount step, in order; other roles come after them */
  rolePriority: z.array(z.string().min(1)).min(1).optional(),
  /** waits until a condition holds (then) or the timeout passes (else), and leads to one of two steps */
  wait: z
    .strictObject({
      until: Rule,
      timeout: UnsignedDuration,
      // biome-ignore lint/suspicious/noThenProperty: then/else are the wait's branch keys in the campaign language
      then: Id,
      else: Id,
    })
    .optional()
    .describe('{ until: <rule>, timeout: 3d, then: <step id>, else: <step id> }'),
});
export type StepSpec = z.infer<typeof StepSpec>;

export const CampaignSpec = z.strictObject({
  id: Id,
  name: z.string().min(1).optional(),
  kind: z.enum(['onboarding', 'release', 'renewal', 'alert']),
  topic: Id,
  status: z.enum(['active', 'paused']).default('active'),
  priority: z.number().int().optional(),
  defaultLocale: z.string().min(2).default('en'),
  /** the locales this campaign sends in (default: policy.yaml's locales); each needs every step's template */
  locales: z.array(LocaleCode).min(1).optional(),
  /** the locale whose template goes to contacts whose locale has none; without it a missing one is an error */
  fallback: LocaleCode.optional(),
  audience: z.strictObject({
    segment: z.string().optional(),
    tiers: z.array(Tier).min(1).optional(),
    when: Rule.optional(),
  }),
  entry: z
    .strictObject({
      when: Rule.optional(),
      /** enter at once on a usage event (signup, login, nps, { feature }, { milestone }) */
      on: TriggerSpec.optional(),
      /** how recent the event must be to enter on it (the hourly tick catches what the instant path missed) */
      within: UnsignedDuration.default('1d'),
    })
    .refine((entry) => entry.when !== undefined || entry.on !== undefined, {
      error: 'expected when: <rule>, on: <event>, or both (for example on: signup)',
    })
    .optional(),
  goal: z.strictObject({ when: Rule, within: UnsignedDuration.default('30d') }).optional(),
  exitWhenOutOfAudience: z.boolean().default(true),
  holdout: Percent.default('0%'),
  reentry: Reentry.optional(),
  sendWindow: z
    .union([z.literal('any'), SendWindow], {
      error: 'one of any or { days: [mon, tue, …], start: HH:MM, end: HH:MM }',
    })
    .optional(),
  bypassFrequencyCap: z.boolean().default(false),
  release: z.strictObject({ features: z.array(ReleasedFeatureSpec).min(1) }).optional(),
  steps: z
    .array(StepSpec)
    .min(1)
    .describe('a list of steps such as [{ id: welcome, after: 0d, template: onboarding/welcome }]'),
});
export type CampaignSpec = z.infer<typeof CampaignSpec>;

export const SegmentsFile = z.strictObject({
  segments: z.array(z.strictObject({ id: Id, description: z.string().optional(), when: Rule })),
});

export const TiersFile = z.strictObject({
  tiers: z.array(z.strictObject({ tier: Tier, because: z.string().min(1), when: Rule })),
  default: Tier,
});

export const HealthMetric = z.enum([
  'keyFeaturesUsed',
  'activeUserShare',
  'loginsPerUser30d',
  'seatUtilization',
  'helpVisitsPerUser30d',
  'daysSinceLastLogin',
  'nps',
]);
export type HealthMetric = z.infer<typeof HealthMetric>;

export const HealthFile = z.strictObject({
  keyFeatures: z.array(z.string()).min(1),
  keyFeatureWindow: UnsignedDuration.default('30d'),
  thresholds: z.strictObject({ green: z.number().min(0).max(100), yellow: z.number().min(0).max(100) }),
  measures: z
    .array(
      z.strictObject({
        id: Id,
        metric: HealthMetric,
        weight: z.number().positive(),
        green: z.number(),
        yellow: z.number(),
        direction: z.enum(['higher-is-better', 'lower-is-better']).default('higher-is-better'),
        whenMissing: z.enum(['ignore', 'red', 'yellow']).default('ignore'),
      }),
    )
    .min(1),
});
export type HealthFile = z.infer<typeof HealthFile>;

export const PolicyFile = z.strictObject({
  fallbackTimeZone: z.string(),
  /** the locales every campaign sends in unless it lists its own; validate requires a template for each */
  locales: z.array(LocaleCode).min(1).default(['en']),
  sendWindow: SendWindow,
  frequencyCap: z.strictObject({ max: z.number().int().min(1), per: UnsignedDuration }),
  reentry: Reentry.default('never'),
  stepExpiry: UnsignedDuration.default('7d'),
  /** a share of contacts that no campaign ever emails, to measure the lift of the whole program */
  globalHoldout: Percent.default('0%'),
  brand: z.strictObject({
    company: BrandText,
    address: BrandText,
    appUrl: z.url(),
    helpUrl: z.url(),
    logoUrl: z.url().optional(),
  }),
  /** public holidays and blackout ranges on which no customer mail goes out, per contact country */
  calendar: CalendarSpec.default({ holidays: [], blackouts: [] }),
  /** the CSMs who own accounts (by account.csmId): the name and address their digest uses, and its language */
  csms: z
    .record(
      Id,
      z.strictObject({
        name: z.string().min(1),
        email: z.email(),
        locale: z.enum(['en', 'ja']).default('en'),
      }),
    )
    .default({}),
  /** the topics the preference center lists, with a name and a one-line description per locale */
  topics: TopicsSpec.default({}),
  /** NPS surveys: a contact is surveyed at most once per `minInterval` */
  survey: z.strictObject({ minInterval: UnsignedDuration.default('90d') }).default({ minInterval: '90d' }),
});
export type PolicyFile = z.infer<typeof PolicyFile>;

export const ProductFile = z.strictObject({
  features: z.array(z.string().min(1)).min(1),
  milestones: z.array(z.string().min(1)).default([]),
});
export type ProductFile = z.infer<typeof ProductFile>;
