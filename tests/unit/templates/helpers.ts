import type { TemplateSourceSet } from '../../../functions/core/templates/source.ts';
import type { RenderContext } from '../../../functions/core/templates/types.ts';

/** A small layout and footer, like the shipped ones, for compile and render tests. */
export const SOURCES: TemplateSourceSet = {
  layouts: {
    default: [
      '<mjml lang="{{ locale }}">',
      '  <mj-head><mj-title>{{ email.subject }}</mj-title><mj-preview>{{ email.preheader }}</mj-preview></mj-head>',
      '  <mj-body>',
      '    <lt-content/>',
      '    <lt-partial name="footer"/>',
      '  </mj-body>',
      '</mjml>',
    ].join('\n'),
  },
  partials: {
    footer: [
      '<mj-section>',
      '  <mj-column>',
      '    <mj-text><a ses:no-track href="{{ links.unsubscribe }}">Unsubscribe</a> {{ brand.company }}</mj-text>',
      '  </mj-column>',
      '</mj-section>',
    ].join('\n'),
    'footer.ja': [
      '<mj-section>',
      '  <mj-column>',
      '    <mj-text><a ses:no-track href="{{ links.unsubscribe }}">配信停止</a> {{ brand.company }}</mj-text>',
      '  </mj-column>',
      '</mj-section>',
    ].join('\n'),
  },
};

/** A template file: front matter lines, then body lines. */
export function templateFile(frontMatter: string[], body: string[]): string {
  return ['---', ...frontMatter, '---', ...body].join('\n');
}

/** One section with one text block. */
export function textBody(text: string): string[] {
  return [
    '<mj-section>',
    '  <mj-column>',
    `    <mj-text>${text}</mj-text>`,
    '  </mj-column>',
    '</mj-section>',
  ];
}

/** A complete render context for contact `id`. */
export function context(id = 'c-1', overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    contact: {
      id,
      name: '田中 花子',
      email: `${id}@customer.example`,
      locale: 'ja',
      timeZone: 'Asia/Tokyo',
      role: 'admin',
    },
    account: {
      id: 'a-1',
      name: '株式会社ミナト',
      plan: 'standard',
      currency: 'JPY',
      arr: 1_200_000,
      mrr: 100_000,
      seats: 10,
      renewalAt: '2027-02-20T12:00:00Z',
    },
    usage: { logins7d: 3, logins30d: 12, helpVisits30d: 0, features: {}, milestones: {} },
    campaign: { id: 'renewal', name: 'Renewal', kind: 'renewal', topic: 'renewal-notices' },
    step: { id: 'notice-30' },
    variant: { id: 'default' },
    brand: {
      company: 'Tsumiki KK',
      address: 'Tokyo',
      appUrl: 'https://app.tsumiki.example',
      helpUrl: 'https://help.tsumiki.example',
    },
    links: {
      unsubscribe: `https://u.tsumiki.example/u?token=t-${id}`,
      preferences: `https://u.tsumiki.example/u?token=t-${id}&view=preferences`,
    },
    ...overrides,
  };
}

export const NOW = Date.parse('2027-01-21T03:00:00Z');
export const UTM = { campaign: 'renewal', content: 'notice-30' };
