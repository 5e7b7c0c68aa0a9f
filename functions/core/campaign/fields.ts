import { HealthColor, Tier, type UsageRollup } from '../shared/domain.ts';
import { toEpoch } from '../shared/duration.ts';
import { lastLoginMs, type Subject, signedUpMs } from './subject.ts';

/** The value type of a field a rule can test. */
export type FieldType = 'number' | 'string' | 'boolean' | 'date' | 'string[]';

/** A field a rule can name by its dotted path. */
export interface FieldDef {
  path: string;
  type: FieldType;
  /** allowed values for enumerated string fields */
  values?: readonly string[];
  /** the root the path starts from; tier rules may only use account-level roots */
  scope: 'account' | 'contact';
  /** numbers for number and date fields (epoch ms), strings, booleans, string arrays; undefined when absent */
  get(subject: Subject): unknown;
}

/** The product's own vocabulary: feature and milestone names from product.yaml. */
export interface ProductCatalog {
  features: readonly string[];
  milestones: readonly string[];
}

const ACCOUNT_STATUS = ['trial', 'active', 'churned'] as const;

function staticFields(): FieldDef[] {
  const a = (path: string, type: FieldType, get: (s: Subject) => unknown, values?: readonly string[]) =>
    ({ path, type, get, scope: 'account', ...(values ? { values } : {}) }) satisfies FieldDef;
  const c = (path: string, type: FieldType, get: (s: Subject) => unknown) =>
    ({ path, type, get, scope: 'contact' }) satisfies FieldDef;
  return [
    a('account.id', 'string', (s) => s.account.account.id),
    a('account.name', 'string', (s) => s.account.account.name),
    a('account.plan', 'string', (s) => s.account.account.plan),
    a('account.status', 'string', (s) => s.account.account.status, ACCOUNT_STATUS),
    a('account.currency', 'string', (s) => s.account.account.currency),
    a('account.arr', 'number', (s) => s.account.account.arr),
    a('account.mrr', 'number', (s) => s.account.account.mrr),
    a('account.seats', 'number', (s) => s.account.account.seats),
    a('account.employees', 'number', (s) => s.account.account.employees),
    a('account.industry', 'string', (s) => s.account.account.industry),
    a('account.locale', 'string', (s) => s.account.account.locale),
    a('account.startedAt', 'date', (s) => s.account.startedMs),
    a('account.trialEndsAt', 'date', (s) => s.account.trialEndsMs),
    a('account.renewalAt', 'date', (s) => s.account.renewalMs),
    a('account.churnedAt', 'date', (s) => s.account.churnedMs),
    a('account.referrals', 'number', (s) => s.account.account.referrals),
    a('account.caseStudy', 'boolean', (s) => s.account.account.caseStudy),
    a('account.csmId', 'string', (s) => s.account.account.csmId),
    a('account.nps.score', 'number', (s) => s.account.account.nps?.score),
    a('account.nps.respondedAt', 'date', (s) => s.account.npsRespondedMs),
    a('account.logins7d', 'number', (s) => s.account.account.usage?.logins7d),
    a('account.logins30d', 'number', (s) => s.account.account.usage?.logins30d),
    a('account.activeContacts30d', 'number', (s) => s.account.account.usage?.activeContacts30d),
    a('account.activeSeatShare', 'number', (s) => s.account.account.usage?.activeSeatShare ?? undefined),
    a('account.featureBreadth30d', 'number', (s) => s.account.account.usage?.featureBreadth30d),
    a('account.loginTrend30d', 'number', (s) => s.account.account.usage?.loginTrend30d ?? undefined),
    a('tier', 'string', (s) => s.account.account.tier, Tier.options),
    a('account.tier', 'string', (s) => s.account.account.tier, Tier.options),
    a('health.score', 'number', (s) => s.account.account.health?.score),
    a('health.color', 'string', (s) => s.account.account.health?.color, HealthColor.options),
    c('contact.id', 'string', (s) => s.contact?.id),
    c('contact.locale', 'string', (s) => s.contact?.locale),
    c('contact.timeZone', 'string', (s) => s.contact?.timeZone),
    c('contact.role', 'string', (s) => s.contact?.role),
    c('contact.signedUpAt', 'date', signedUpMs),
    c('contact.topicOptOuts', 'string[]', (s) => s.contact?.topicOptOuts),
    c('contact.unsubscribedAll', 'boolean', (s) => s.contact?.unsubscribedAll),
    c('contact.suppressed', 'boolean', (s) => s.contact?.suppressed),
    c('usage.logins7d', 'number', (s) => s.contact?.usage.logins7d),
    c('usage.logins30d', 'number', (s) => s.contact?.usage.logins30d),
    c('usage.lastLoginAt', 'date', lastLoginMs),
    c('usage.helpVisits30d', 'number', (s) => s.contact?.usage.helpVisits30d),
    // A feature's `count` is its uses in the rollup's 30-day window, so used-in-30-days is count > 0;
    // the rollup also remembers features last used long ago (count 0), which only the "ever" field counts.
    c('usage.featuresUsed', 'number', (s) =>
      s.contact ? featuresUsedIn30Days(s.contact.usage.features) : undefined,
    ),
    c('usage.featuresUsedEver', 'number', (s) =>
      s.contact ? countKeys(s.contact.usage.features) : undefined,
    ),
  ];
}

function countKeys(record: Record<string, unknown>): number {
  let n = 0;
  for (const _ in record) n++;
  return n;
}

/** The distinct features a rollup saw used in its last 30 days. */
export function featuresUsedIn30Days(features: UsageRollup['features']): number {
  let n = 0;
  for (const key in features) if ((features[key]?.count ?? 0) > 0) n++;
  return n;
}

/** Builds the path → field table for rules, including the product's features and milestones. */
export function buildFieldTable(catalog: ProductCatalog): Map<string, FieldDef> {
  const table = new Map<string, FieldDef>();
  for (const field of staticFields()) table.set(field.path, field);
  for (const feature of catalog.features) {
    const base = `usage.features.${feature}`;
    table.set(`${base}.count`, {
      path: `${base}.count`,
      type: 'number',
      scope: 'contact',
      get: (s) => (s.contact ? (s.contact.usage.features[feature]?.count ?? 0) : undefined),
    });
    table.set(`${base}.lastUsedAt`, {
      path: `${base}.lastUsedAt`,
      type: 'date',
      scope: 'contact',
      get: (s) => toEpoch(s.contact?.usage.features[feature]?.lastUsedAt),
    });
  }
  for (const milestone of catalog.milestones) {
    const base = `usage.milestones.${milestone}`;
    table.set(base, {
      path: base,
      type: 'boolean',
      scope: 'contact',
      get: (s) => (s.contact ? s.contact.usage.milestones[milestone] !== undefined : undefined),
    });
    table.set(`${base}.reachedAt`, {
      path: `${base}.reachedAt`,
      type: 'date',
      scope: 'contact',
      get: (s) => toEpoch(s.contact?.usage.milestones[milestone]),
    });
  }
  return table;
}
