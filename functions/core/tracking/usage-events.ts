import { z } from 'zod';
import { type DailyUsage, IsoDateTime, type UsageRollup } from '../shared/domain.ts';
import { DAY_MS } from '../shared/duration.ts';

// Product usage events, as the product puts them on the custom event bus: `detail-type` is the event
// type and `detail` carries the fields below. `eventId` is the product's own id for the event and is
// what makes ingestion idempotent (EventBridge may deliver an event more than once).
// Producers add fields over time, so a field this version does not define is dropped (and named in
// `ignoredFields`) rather than refused; a defined field with a bad value still refuses the event.

const Base = {
  eventId: z.string().min(1).max(200),
  contactId: z.string().min(1),
  accountId: z.string().min(1),
  at: IsoDateTime,
  /** detail fields this version does not define, dropped at parse; set by UsageEventEnvelope */
  ignoredFields: z.array(z.string()).optional(),
};

const VARIANTS = [
  /** the product created the contact's user: counts nothing, but can enter campaigns at once (entry.on: signup) */
  z.object({ type: z.literal('signup'), ...Base }),
  z.object({ type: z.literal('login'), ...Base }),
  z.object({
    type: z.literal('feature.used'),
    ...Base,
    feature: z.string().min(1).max(100),
    count: z.number().int().min(1).max(10_000).default(1),
  }),
  z.object({ type: z.literal('help.visited'), ...Base, article: z.string().optional() }),
  z.object({
    type: z.literal('nps.responded'),
    ...Base,
    score: z.number().int().min(0).max(10),
    comment: z.string().max(2000).optional(),
  }),
  z.object({ type: z.literal('milestone.reached'), ...Base, milestone: z.string().min(1).max(100) }),
] as const;

/** One usage event, discriminated by `type`; fields it does not define are stripped. */
export const UsageEvent = z.discriminatedUnion('type', VARIANTS);
export type UsageEvent = z.infer<typeof UsageEvent>;
export type UsageEventType = UsageEvent['type'];

/** The detail fields each event type defines (what a producer may send). */
export const USAGE_EVENT_FIELDS: ReadonlyMap<string, readonly string[]> = new Map(
  VARIANTS.map((variant) => [
    variant.shape.type.value,
    Object.keys(variant.shape).filter((key) => key !== 'type' && key !== 'ignoredFields'),
  ]),
);

/** The fields of a detail that its event type does not define, sorted; none for an unknown type. */
export function unknownUsageFields(type: string, detail: Record<string, unknown>): string[] {
  const known = USAGE_EVENT_FIELDS.get(type);
  if (!known) return [];
  return Object.keys(detail)
    .filter((key) => !known.includes(key))
    .sort();
}

/** The source name the product uses when it puts usage events on the bus. */
export const USAGE_EVENT_SOURCE = 'lowtouch.usage';

/** A usage event inside its EventBridge envelope; `detail-type` names the type. */
export const UsageEventEnvelope = z
  .object({
    id: z.string().min(1),
    'detail-type': z.string(),
    source: z.string(),
    time: z.string(),
    detail: z.record(z.string(), z.unknown()),
  })
  .transform((envelope) => {
    const type = envelope['detail-type'];
    const ignored = unknownUsageFields(type, envelope.detail);
    return { ...envelope.detail, type, ...(ignored.length > 0 ? { ignoredFields: ignored } : {}) };
  })
  .pipe(UsageEvent);

/** The UTC day (YYYY-MM-DD) an instant falls on. */
export function utcDay(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().slice(0, 10);
}

/**
 * Recomputes a contact's usage rollup from its daily rows, keeping what only the rollup remembers.
 * Windows are whole UTC days ending today: 7 days for logins7d, 30 for the others and for each
 * feature's `count`; `lastUsedAt` and milestones are kept forever.
 */
export function rollupUsage(
  previous: UsageRollup,
  days: DailyUsage[],
  event: UsageEvent | undefined,
  now: number,
): UsageRollup {
  const today = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`);
  const from7 = today - 6 * DAY_MS;
  const from30 = today - 29 * DAY_MS;
  let logins7d = 0;
  let logins30d = 0;
  let helpVisits30d = 0;
  const featureCounts: Record<string, number> = {};
  for (const day of days) {
    const start = Date.parse(`${day.date}T00:00:00Z`);
    if (start < from30 || start > today) continue;
    logins30d += day.logins;
    helpVisits30d += day.helpVisits;
    if (start >= from7) logins7d += day.logins;
    for (const [feature, count] of Object.entries(day.features)) {
      if (count > 0) featureCounts[feature] = (featureCounts[feature] ?? 0) + count;
    }
  }
  const features: UsageRollup['features'] = {};
  for (const [feature, use] of Object.entries(previous.features)) {
    features[feature] = { count: featureCounts[feature] ?? 0, lastUsedAt: use.lastUsedAt };
  }
  for (const [feature, count] of Object.entries(featureCounts)) {
    if (!features[feature]) {
      const lastDay = days.filter((day) => (day.features[feature] ?? 0) > 0).at(-1)?.date ?? '1970-01-01';
      features[feature] = { count, lastUsedAt: `${lastDay}T00:00:00.000Z` };
    }
  }
  const milestones = { ...previous.milestones };
  let lastLoginAt = previous.lastLoginAt;
  if (event?.type === 'feature.used') {
    const known = features[event.feature];
    const last = known && later(known.lastUsedAt, event.at);
    // An event older than the 30-day window is remembered as used, but not as used recently.
    const recent = Date.parse(event.at) >= from30 ? event.count : 0;
    features[event.feature] = { count: known?.count ?? recent, lastUsedAt: last ?? event.at };
  }
  if (event?.type === 'login') lastLoginAt = lastLoginAt ? later(lastLoginAt, event.at) : event.at;
  if (event?.type === 'milestone.reached') {
    const reached = milestones[event.milestone];
    milestones[event.milestone] = reached && reached < event.at ? reached : event.at;
  }
  return {
    logins7d,
    logins30d,
    helpVisits30d,
    features,
    milestones,
    ...(lastLoginAt === undefined ? {} : { lastLoginAt }),
    refreshedOn: new Date(today).toISOString().slice(0, 10),
  };
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
