/** Lower-cases a BCP 47 tag and turns `_` into `-`, e.g. `ja_JP` → `ja-jp`. */
export function normalizeLocale(tag: string): string {
  return tag.trim().replace(/_/g, '-').toLowerCase();
}

/** The language part of a locale tag, e.g. `ja` for `ja-JP`. */
export function languageOf(tag: string): string {
  return normalizeLocale(tag).split('-')[0] ?? '';
}

/**
 * Picks the best available locale: each preference in order (exact tag first, then its language),
 * then `en`, then the first available one in sort order. Returns the spelling used in `available`.
 */
export function pickLocale(available: readonly string[], ...preferences: (string | undefined)[]): string {
  if (available.length === 0) {
    throw new RangeError(
      'pickLocale needs at least one available locale; add a template file for one locale',
    );
  }
  const byTag = new Map<string, string>();
  const byLanguage = new Map<string, string>();
  for (const locale of [...available].sort()) {
    byTag.set(normalizeLocale(locale), locale);
    const language = languageOf(locale);
    // Prefer the bare language file ("ja") over a regional one ("ja-jp") when matching by language.
    if (!byLanguage.has(language) || normalizeLocale(locale) === language) byLanguage.set(language, locale);
  }
  for (const preference of [...preferences, 'en']) {
    if (!preference?.trim()) continue;
    const exact = byTag.get(normalizeLocale(preference));
    if (exact) return exact;
    const sameLanguage = byLanguage.get(languageOf(preference));
    if (sameLanguage) return sameLanguage;
  }
  return [...available].sort()[0] ?? 'en';
}

/** The Intl locale to format dates and money with, e.g. `ja-JP` for `ja` and `en-US` for `en`. */
export function intlLocaleOf(locale: string): string {
  const normalized = normalizeLocale(locale);
  if (normalized.includes('-')) return locale;
  const regions: Record<string, string> = { ja: 'ja-JP', en: 'en-US' };
  return regions[normalized] ?? locale;
}
