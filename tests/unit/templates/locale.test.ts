import { describe, expect, it } from 'vitest';
import { intlLocaleOf, pickLocale } from '../../../functions/core/shared/locale.ts';

describe('pickLocale', () => {
  it('follows contact → account → campaign default → en', () => {
    expect(pickLocale(['en', 'ja'], 'ja', 'en', 'en')).toBe('ja');
    expect(pickLocale(['en', 'ja'], undefined, 'ja', 'en')).toBe('ja');
    expect(pickLocale(['en', 'ja'], 'fr', undefined, 'ja')).toBe('ja');
    expect(pickLocale(['en', 'ja'], 'fr', 'de')).toBe('en');
  });

  it('matches a regional tag to its language and ignores case and underscores', () => {
    expect(pickLocale(['en', 'ja'], 'ja-JP')).toBe('ja');
    expect(pickLocale(['en', 'ja'], 'JA_jp')).toBe('ja');
    expect(pickLocale(['en-US', 'ja'], 'en-GB')).toBe('en-US');
    expect(pickLocale(['pt', 'pt-BR'], 'pt-BR')).toBe('pt-BR');
    expect(pickLocale(['pt', 'pt-BR'], 'pt-PT')).toBe('pt');
  });

  it('falls back to the first available locale when even en is missing', () => {
    expect(pickLocale(['ja', 'de'], 'fr')).toBe('de');
  });

  it('refuses an empty list with a message that says what to add', () => {
    expect(() => pickLocale([], 'ja')).toThrow(/add a template file/);
  });

  it('maps bare languages to formatting locales', () => {
    expect(intlLocaleOf('ja')).toBe('ja-JP');
    expect(intlLocaleOf('en')).toBe('en-US');
    expect(intlLocaleOf('en-GB')).toBe('en-GB');
  });
});
