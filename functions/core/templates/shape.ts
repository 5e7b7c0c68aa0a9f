import type { TemplateKind } from './types.ts';

/** The shape of the render scope, used to reject misspelled variables when a template is compiled. */
export type Shape = { leaf: true } | { fields: Record<string, Shape>; anyKey?: Shape } | { items: Shape };

const leaf: Shape = { leaf: true };
const obj = (fields: Record<string, Shape>, anyKey?: Shape): Shape =>
  anyKey ? { fields, anyKey } : { fields };
const leafFields = (...names: string[]): Record<string, Shape> =>
  Object.fromEntries(names.map((name) => [name, leaf]));
const leaves = (...names: string[]): Shape => obj(leafFields(...names));

const brand = leaves('company', 'address', 'appUrl', 'helpUrl', 'logoUrl');
const feature = leaves('id', 'title', 'summary', 'url', 'relatedTo');
/** Names every scope holds besides the context: the rendered subject/preheader, locale, time zone, clock. */
const common: Record<string, Shape> = {
  email: leaves('subject', 'preheader'),
  locale: leaf,
  timeZone: leaf,
  now: leaf,
  brand,
};

const customer = obj({
  ...common,
  contact: leaves('id', 'name', 'email', 'locale', 'timeZone', 'role'),
  account: obj({
    ...leafFields(
      'id',
      'name',
      'plan',
      'currency',
      'arr',
      'mrr',
      'seats',
      'renewalAt',
      'trialEndsAt',
      'tier',
    ),
    health: leaves('score', 'color'),
  }),
  usage: obj({
    logins7d: leaf,
    logins30d: leaf,
    lastLoginAt: leaf,
    helpVisits30d: leaf,
    features: obj({}, leaves('count', 'lastUsedAt')),
    milestones: obj({}, leaf),
  }),
  campaign: leaves('id', 'name', 'kind', 'topic'),
  step: leaves('id'),
  variant: leaves('id'),
  segment: leaf,
  release: obj({ features: { items: feature }, forYou: { items: feature } }),
  links: leaves('unsubscribe', 'preferences'),
});

const digest = obj({
  ...common,
  csm: leaves('name', 'email', 'timeZone', 'locale'),
  ctas: {
    items: leaves(
      'accountId',
      'accountName',
      'type',
      'typeName',
      'reason',
      'dueAt',
      'url',
      'acknowledgeUrl',
      'closeUrl',
    ),
  },
});

/** The scope shape of a template kind. */
export function shapeOf(kind: TemplateKind): Shape {
  return kind === 'customer' ? customer : digest;
}

/** Liquid properties every string and array has. */
const BUILT_IN = new Set(['size', 'first', 'last']);

/**
 * Checks one variable path (as Liquid's static analysis gives it) against a shape.
 * Returns the first unknown dotted prefix, e.g. "contact.nmae", or undefined when the path is fine.
 * Dynamic segments (`usage.features[name]`) match any key.
 */
export function unknownPath(shape: Shape, segments: readonly unknown[]): string | undefined {
  let current: Shape | undefined = shape;
  const seen: string[] = [];
  for (const segment of segments) {
    if (typeof segment !== 'string' && typeof segment !== 'number') {
      // A nested variable used as a key: only objects with any key or arrays can be checked further.
      if (current && 'anyKey' in current && current.anyKey) current = current.anyKey;
      else if (current && 'items' in current) current = current.items;
      else return undefined;
      seen.push('[…]');
      continue;
    }
    const name = String(segment);
    seen.push(name);
    if (!current || 'leaf' in current) {
      return BUILT_IN.has(name) ? undefined : seen.join('.');
    }
    if ('items' in current) {
      if (typeof segment === 'number' || /^\d+$/.test(name) || name === 'first' || name === 'last') {
        current = current.items;
        continue;
      }
      return name === 'size' ? undefined : seen.join('.');
    }
    const next: Shape | undefined = current.fields[name] ?? current.anyKey;
    if (!next) return seen.join('.');
    current = next;
  }
  return undefined;
}
