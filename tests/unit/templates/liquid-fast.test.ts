import { beforeAll, describe, expect, it } from 'vitest';
import {
  PERSONA_NAMES,
  personaData,
  SAMPLE_BRAND,
  SAMPLE_RELEASE,
  sampleDigest,
} from '../../../cli/personas.ts';
import { DEFAULT_TEMPLATES_DIR, loadTemplateCatalog } from '../../../functions/adapters/template-files.ts';
import type { TemplateCatalog } from '../../../functions/core/templates/catalog.ts';
import { buildRenderContext } from '../../../functions/core/templates/context.ts';
import { CUSTOM_FILTERS, htmlLiquid, textLiquid } from '../../../functions/core/templates/liquid-engine.ts';
import { compileFast, FastRenderError } from '../../../functions/core/templates/liquid-fast.ts';
import { renderCsmDigest, renderEmail } from '../../../functions/core/templates/render.ts';

const scope = {
  locale: 'ja',
  timeZone: 'Asia/Tokyo',
  now: Date.parse('2027-01-21T00:00:00Z'),
  contact: { name: '<b>花子</b> & "Co"', tags: ['a', 'b'], empty: '' },
  account: {
    plan: 'standard',
    seats: 10,
    currency: 'JPY',
    arr: 1200,
    renewalAt: '2027-02-20T12:00:00Z',
    n: null,
  },
  usage: { logins7d: 3, features: { reports: { count: 2 }, tasks: { count: 0 } }, milestones: {} },
  list: [{ id: 'x' }, { id: 'y' }, { id: 'z' }],
};

/** Renders with liquidjs, returning the output or the error message. */
function viaLiquid(source: string, escapeOutput: boolean, data: object): string {
  const engine = escapeOutput ? htmlLiquid() : textLiquid();
  try {
    return String(engine.renderSync(engine.parse(source), data));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `ERROR ${/undefined variable: ([^\s,]+)/.exec(message)?.[1] ?? 'other'}`;
  }
}

function viaFast(source: string, escapeOutput: boolean, data: Record<string, unknown>): string {
  const render = compileFast(source, CUSTOM_FILTERS, escapeOutput);
  if (!render) throw new Error(`not compiled: ${source}`);
  try {
    return render(data);
  } catch (error) {
    if (error instanceof FastRenderError)
      return `ERROR ${/undefined variable: ([^\s,]+)/.exec(error.message)?.[1] ?? 'other'}`;
    throw error;
  }
}

const CASES = [
  'Hello {{ contact.name }}!',
  '{{ contact.name | upcase }} {{ contact.nope }}',
  '{{ account.missing | default: "none" }} {{ contact.empty | default: "blank" }} {{ account.n | default: 1 }}',
  '{% if account.renewalAt %}yes{% else %}no{% endif %}{% if account.trialEndsAt %}T{% endif %}',
  '{% if usage.logins7d >= 3 and account.plan == "standard" %}A{% elsif usage.logins7d > 1 %}B{% else %}C{% endif %}',
  "{% if account.plan == 'business' or account.plan == 'enterprise' %}up{% else %}down{% endif %}",
  '{% unless usage.missing.deep %}quiet{% endunless %}{% unless account.seats > 5 %}few{% else %}many{% endunless %}',
  '{% for f in list %}{{ forloop.index }}:{{ f.id }}{% unless forloop.last %}, {% endunless %}{% endfor %}',
  '{% for pair in usage.features %}{{ pair[0] | feature_label }}={{ pair[1].count }};{% endfor %}',
  '{% for x in usage.milestones %}never{% else %}none{% endfor %}',
  '{% case account.plan %} ignored {% when "starter" %}S{% when "standard", "pro" %}P{% else %}E{% endcase %}',
  '{{ list.size }} {{ list.first.id }} {{ list.last.id }} {{ contact.tags.size }} {{ account.plan.size }} {{ list[1].id }}',
  '{% if contact.tags contains "b" %}has{% endif %}{% if account.plan contains "stand" %}sub{% endif %}',
  '{% if list contains list.first %}same{% endif %}',
  '{{ account.renewalAt | local_date }} / {{ account.renewalAt | local_date: "medium" }} / {{ account.renewalAt | days_until }}',
  '{{ account.arr | currency }} {{ account.arr | currency: "USD" }} {{ 5 | append: " items" }} {{ "x" | prepend: account.plan }}',
  'a  {%- if true -%}  b  {%- endif -%}  c {{- contact.empty -}} d',
  '{{ account.renewalAt | local_date: "bogus" }}',
  '{{ list.missing.deep }}',
  '{% for f in nothing %}x{% endfor %}',
];

describe('fast renderer', () => {
  for (const source of CASES) {
    for (const escapeOutput of [false, true]) {
      it(`matches liquidjs (${escapeOutput ? 'html' : 'text'}): ${source.slice(0, 70)}`, () => {
        const fast = viaFast(source, escapeOutput, scope);
        const reference = viaLiquid(source, escapeOutput, scope);
        expect(fast).toBe(reference);
      });
    }
  }

  it('declines what it does not implement, so liquidjs renders it', () => {
    for (const source of [
      '{% assign x = 1 %}{{ x }}',
      '{% for x in list limit: 2 %}{{ x.id }}{% endfor %}',
      '{{ list | map: "id" | join: "," }}',
      '{% if a and b or c %}x{% endif %}',
      '{% raw %}{{ x }}{% endraw %}',
      '{% if x == nil %}x{% endif %}',
      '{{ list[idx] }}',
    ]) {
      expect(compileFast(source, CUSTOM_FILTERS, false)).toBeUndefined();
    }
  });
});

describe('shipped templates render identically with and without the fast renderer', () => {
  let catalog: TemplateCatalog;
  const NOW = Date.parse('2026-12-09T01:00:00Z');
  beforeAll(async () => {
    catalog = await loadTemplateCatalog(DEFAULT_TEMPLATES_DIR);
  });

  it('compiles every part of every shipped template for the fast renderer', () => {
    for (const tpl of catalog.all()) {
      const parts = Object.keys(tpl.fast).sort();
      expect({ id: tpl.id, locale: tpl.locale, parts }).toEqual({
        id: tpl.id,
        locale: tpl.locale,
        parts: [
          ...(tpl.fromName !== undefined ? ['fromName'] : []),
          'html',
          'preheader',
          'subject',
          'text',
        ].sort(),
      });
    }
  });

  it('gives the same subject, html and text for every template × persona × locale', () => {
    let compared = 0;
    for (const tpl of catalog.all()) {
      const slow = { ...tpl, fast: {} };
      if (tpl.kind === 'csm-digest') {
        const ctx = sampleDigest(tpl.locale, NOW, SAMPLE_BRAND);
        expect(renderCsmDigest(tpl, ctx, { now: NOW })).toEqual(renderCsmDigest(slow, ctx, { now: NOW }));
        compared++;
        continue;
      }
      const folder = tpl.id.split('/')[0] ?? '';
      for (const persona of PERSONA_NAMES) {
        const { contact, account } = personaData(persona, tpl.locale, NOW);
        const ctx = buildRenderContext({
          contact,
          account: { ...account, renewalAt: account.renewalAt ?? '2027-02-20T12:00:00Z' },
          campaign: { id: folder, kind: folder === 'feature-release' ? 'release' : folder, topic: 't' },
          stepId: 's',
          variantId: 'v',
          ...(folder === 'feature-release' ? { release: SAMPLE_RELEASE } : {}),
          brand: SAMPLE_BRAND,
          links: {
            unsubscribe: 'https://u.tsumiki.example/u?t=1',
            preferences: 'https://u.tsumiki.example/u?t=1&v=p',
          },
          locale: tpl.locale,
          fallbackTimeZone: 'Asia/Tokyo',
        });
        const opts = { utm: { campaign: folder, content: 's' }, now: NOW };
        expect(renderEmail(tpl, ctx, opts)).toEqual(renderEmail(slow, ctx, opts));
        compared++;
      }
    }
    expect(compared).toBe(20 * 4 + 2);
  });
});
