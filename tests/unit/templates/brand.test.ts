import { beforeAll, describe, expect, it } from 'vitest';
import { personaData } from '../../../cli/personas.ts';
import { DEFAULT_TEMPLATES_DIR, loadTemplateCatalog } from '../../../functions/adapters/template-files.ts';
import { formatProgramErrors, loadProgram } from '../../../functions/core/campaign/load-program.ts';
import type { Program } from '../../../functions/core/campaign/program.ts';
import type { TemplateCatalog } from '../../../functions/core/templates/catalog.ts';
import { buildRenderContext, localizeBrand } from '../../../functions/core/templates/context.ts';
import { renderEmail } from '../../../functions/core/templates/render.ts';
import type { BrandSpec } from '../../../functions/core/templates/types.ts';
import { mustLoad, SHIPPED_TEMPLATES, shippedFiles, toSources } from '../core/fixtures.ts';

const NOW = Date.parse('2026-11-22T01:00:00Z');
const JA_ADDRESS = '東京都渋谷区渋谷1-2-3 〒150-0002';
const EN_ADDRESS = '1-2-3 Shibuya, Shibuya-ku, Tokyo 150-0002, Japan';

const SPEC: BrandSpec = {
  company: { en: 'Tsumiki KK', ja: '株式会社つみき' },
  address: { en: EN_ADDRESS, ja: JA_ADDRESS },
  appUrl: 'https://app.tsumiki.example',
  helpUrl: 'https://help.tsumiki.example',
};

describe('localizeBrand', () => {
  it('picks the locale, then its language, then en; a plain string serves every locale', () => {
    expect(localizeBrand(SPEC, 'ja')).toMatchObject({ company: '株式会社つみき', address: JA_ADDRESS });
    expect(localizeBrand(SPEC, 'ja-JP')).toMatchObject({ address: JA_ADDRESS });
    expect(localizeBrand(SPEC, 'fr')).toMatchObject({ company: 'Tsumiki KK', address: EN_ADDRESS });
    expect(localizeBrand({ ...SPEC, company: 'Tsumiki KK' }, 'ja').company).toBe('Tsumiki KK');
    // No en and no match: the first locale in sort order, never an empty footer.
    expect(localizeBrand({ ...SPEC, address: { ja: JA_ADDRESS } }, 'de').address).toBe(JA_ADDRESS);
    expect(localizeBrand(SPEC, 'ja')).toMatchObject({ appUrl: SPEC.appUrl, helpUrl: SPEC.helpUrl });
  });
});

describe('policy.yaml brand', () => {
  const withBrand = (brand: string) => {
    const files = shippedFiles();
    const policy = files.get('policy.yaml') ?? '';
    files.set('policy.yaml', policy.replace(/^brand:[\s\S]*$/m, brand));
    return loadProgram(toSources(files), SHIPPED_TEMPLATES);
  };

  it('accepts a string or a per-locale map for company and address', () => {
    const plain = withBrand(
      'brand:\n  company: Tsumiki KK\n  address: Tokyo\n  appUrl: https://a.example\n  helpUrl: https://h.example\n',
    );
    expect(plain.errors).toEqual([]);
    expect(plain.program?.policy.spec.brand).toMatchObject({ company: 'Tsumiki KK', address: 'Tokyo' });
    const mapped = withBrand(
      'brand:\n  company: { en: Tsumiki KK, ja: 株式会社つみき }\n  address: { en: Tokyo, ja: 東京 }\n  appUrl: https://a.example\n  helpUrl: https://h.example\n',
    );
    expect(mapped.errors).toEqual([]);
    expect(mapped.program?.policy.spec.brand.address).toEqual({ en: 'Tokyo', ja: '東京' });
  });

  it('names the file, line and the expected shape for an empty map or a list', () => {
    const empty = withBrand(
      'brand:\n  company: Tsumiki KK\n  address: {}\n  appUrl: https://a.example\n  helpUrl: https://h.example\n',
    );
    expect(formatProgramErrors(empty.errors)).toMatch(
      /policy\.yaml:\d+:\d+ {2}brand\.address: .*at least one locale/,
    );
    const list = withBrand(
      'brand:\n  company: [Tsumiki]\n  address: Tokyo\n  appUrl: https://a.example\n  helpUrl: https://h.example\n',
    );
    expect(formatProgramErrors(list.errors)).toMatch(
      /policy\.yaml:\d+:\d+ {2}brand\.company: .*map from locale to text/,
    );
  });
});

describe('shipped footer with the shipped policy', () => {
  let catalog: TemplateCatalog;
  let program: Program;
  beforeAll(async () => {
    catalog = await loadTemplateCatalog(DEFAULT_TEMPLATES_DIR);
    program = mustLoad(shippedFiles());
  });

  const render = (locale: string) => {
    const template = catalog.resolve('onboarding/welcome', locale);
    const { contact, account } = personaData('new', locale, NOW);
    const context = buildRenderContext({
      contact,
      account,
      campaign: { id: 'onboarding', kind: 'onboarding', topic: 'onboarding-tips' },
      stepId: 'welcome',
      variantId: 'default',
      brand: program.policy.spec.brand,
      links: {
        unsubscribe: 'https://u.tsumiki.example/u?t=1',
        preferences: 'https://u.tsumiki.example/u?t=2',
      },
      locale: template.locale,
      fallbackTimeZone: 'Asia/Tokyo',
    });
    return renderEmail(template, context, { utm: { campaign: 'onboarding', content: 'welcome' }, now: NOW });
  };

  it('shows the Japanese address in ja mail and the English one in en mail', () => {
    const ja = render('ja');
    expect(ja.html).toContain(JA_ADDRESS);
    expect(ja.text).toContain(JA_ADDRESS);
    expect(ja.html).not.toContain('Shibuya-ku');
    const en = render('en');
    expect(en.html).toContain(EN_ADDRESS);
    expect(en.html).not.toContain('東京都');
  });
});
