import type { Account, Contact } from '../shared/domain.ts';
import { languageOf, pickLocale } from '../shared/locale.ts';
import type { Brand, BrandSpec, ReleasedFeature, RenderContext } from './types.ts';

/** A released feature as a campaign file holds it: title and summary as one string or per locale. */
export interface LocalizableFeature {
  id: string;
  title: string | Record<string, string>;
  summary: string | Record<string, string>;
  url: string;
  relatedTo?: string[];
}

/** Picks the text for a locale from a per-locale record (same fallback as templates), or returns the string. */
export function localizeText(value: string | Readonly<Record<string, string>>, locale: string): string {
  if (typeof value === 'string') return value;
  const locales = Object.keys(value);
  if (locales.length === 0) return '';
  return value[pickLocale(locales, locale, languageOf(locale))] ?? '';
}

/** The brand in one locale: a per-locale company or address picks the locale, else its language, else en. */
export function localizeBrand(brand: BrandSpec, locale: string): Brand {
  return {
    ...brand,
    company: localizeText(brand.company, locale),
    address: localizeText(brand.address, locale),
  };
}

/** Localizes released features for one email. */
export function localizeFeatures(features: readonly LocalizableFeature[], locale: string): ReleasedFeature[] {
  return features.map((feature) => ({
    id: feature.id,
    title: localizeText(feature.title, locale),
    summary: localizeText(feature.summary, locale),
    url: feature.url,
    relatedTo: feature.relatedTo ?? [],
  }));
}

/** The released features related to a product feature this contact has already used. */
export function releaseForContact(
  features: readonly ReleasedFeature[],
  usage: Contact['usage'],
): ReleasedFeature[] {
  const used = new Set(
    Object.entries(usage.features)
      .filter(([, use]) => use.count > 0)
      .map(([name]) => name),
  );
  return features.filter((feature) => feature.relatedTo.some((name) => used.has(name)));
}

/** Inputs to build the render context of one send. */
export interface RenderContextInput {
  contact: Contact;
  account: Account;
  campaign: { id: string; name?: string; kind: string; topic: string };
  stepId: string;
  variantId: string;
  segment?: string;
  /** the campaign's released features (feature-release campaigns only) */
  release?: readonly LocalizableFeature[];
  /** the policy's brand; a per-locale company or address is shown in `locale` */
  brand: BrandSpec;
  links: { unsubscribe: string; preferences: string };
  /** the locale of the template that will render (features are localized to it) */
  locale: string;
  /** used when the contact has no time zone (the policy's fallback zone) */
  fallbackTimeZone: string;
}

/** Builds the render context of one send from the stored contact and account. */
export function buildRenderContext(input: RenderContextInput): RenderContext {
  const { contact, account } = input;
  const features = input.release ? localizeFeatures(input.release, input.locale) : undefined;
  return {
    contact: {
      id: contact.id,
      name: contact.name,
      email: contact.email,
      locale: contact.locale,
      timeZone: contact.timeZone ?? input.fallbackTimeZone,
      role: contact.role,
    },
    account: {
      id: account.id,
      name: account.name,
      plan: account.plan,
      currency: account.currency,
      arr: account.arr,
      mrr: account.mrr,
      seats: account.seats,
      ...(account.renewalAt ? { renewalAt: account.renewalAt } : {}),
      ...(account.trialEndsAt ? { trialEndsAt: account.trialEndsAt } : {}),
      ...(account.tier ? { tier: account.tier } : {}),
      ...(account.health ? { health: { score: account.health.score, color: account.health.color } } : {}),
    },
    usage: contact.usage,
    campaign: {
      id: input.campaign.id,
      name: input.campaign.name ?? input.campaign.id,
      kind: input.campaign.kind,
      topic: input.campaign.topic,
    },
    step: { id: input.stepId },
    variant: { id: input.variantId },
    ...(input.segment ? { segment: input.segment } : {}),
    ...(features ? { release: { features, forYou: releaseForContact(features, contact.usage) } } : {}),
    brand: localizeBrand(input.brand, input.locale),
    links: input.links,
  };
}
