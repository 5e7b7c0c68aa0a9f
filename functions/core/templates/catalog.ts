import { z } from 'zod';
import { pickLocale } from '../shared/locale.ts';
import { htmlLiquid, textLiquid } from './liquid-engine.ts';
import type { CompiledTemplate, CompiledTemplateData } from './types.ts';

/** Parses the Liquid parts of compiled template data so it can render (cheap; no MJML involved). */
export function hydrateTemplate(data: CompiledTemplateData): CompiledTemplate {
  const text = textLiquid();
  return {
    ...data,
    parsed: {
      subject: text.parse(data.subject),
      preheader: text.parse(data.preheader),
      ...(data.fromName !== undefined ? { fromName: text.parse(data.fromName) } : {}),
      html: htmlLiquid().parse(data.html),
      text: text.parse(data.text),
    },
  };
}

/** Raised when a template id or locale is asked for that the catalog does not have. */
export class TemplateNotFoundError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateNotFoundError';
  }
}

/** All compiled templates: ids like "onboarding/welcome", each in one or more locales. */
export class TemplateCatalog {
  private readonly byId = new Map<string, Map<string, CompiledTemplate>>();

  constructor(templates: Iterable<CompiledTemplate>) {
    for (const template of templates) {
      let locales = this.byId.get(template.id);
      if (!locales) {
        locales = new Map();
        this.byId.set(template.id, locales);
      }
      locales.set(template.locale, template);
    }
  }

  /** Every template id, for the campaign loader's reference check. */
  ids(): Set<string> {
    return new Set(this.byId.keys());
  }

  /** The locales a template exists in, sorted; empty when the id is unknown. */
  locales(id: string): string[] {
    return [...(this.byId.get(id)?.keys() ?? [])].sort();
  }

  /** One template in one exact locale, or undefined. */
  get(id: string, locale: string): CompiledTemplate | undefined {
    return this.byId.get(id)?.get(locale);
  }

  /** The template in the best locale for the preferences (contact → account → campaign default → en). */
  resolve(id: string, ...preferences: (string | undefined)[]): CompiledTemplate {
    const locales = this.locales(id);
    if (locales.length === 0) {
      const known = [...this.byId.keys()].sort().join(', ');
      throw new TemplateNotFoundError(
        `no template ${JSON.stringify(id)}; add templates/${id}.<locale>.mjml (known ids: ${known || 'none'})`,
      );
    }
    const locale = pickLocale(locales, ...preferences);
    const template = this.get(id, locale);
    if (!template) throw new TemplateNotFoundError(`template ${id} has no locale ${locale}`);
    return template;
  }

  /** Every compiled template, sorted by id then locale. */
  all(): CompiledTemplate[] {
    return [...this.byId.keys()]
      .sort()
      .flatMap((id) => this.locales(id).flatMap((l) => this.get(id, l) ?? []));
  }

  /** The serializable form, for shipping precompiled templates inside a function bundle. */
  toBundle(): TemplateBundle {
    return {
      format: BUNDLE_FORMAT,
      templates: this.all().map(({ parsed: _parsed, ...data }) => data),
    };
  }
}

const BUNDLE_FORMAT = 'lowtouch-templates/1';

const CompiledTemplateDataSchema = z.strictObject({
  id: z.string().min(1),
  locale: z.string().min(1),
  kind: z.enum(['customer', 'csm-digest']),
  hash: z.string().min(1),
  file: z.string().min(1),
  subject: z.string(),
  preheader: z.string(),
  fromName: z.string().optional(),
  html: z.string(),
  text: z.string(),
  textOverride: z.boolean(),
});

/** Precompiled templates as JSON: what the sender loads at cold start instead of running MJML. */
export const TemplateBundle = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  templates: z.array(CompiledTemplateDataSchema),
});
export type TemplateBundle = z.infer<typeof TemplateBundle>;

/** Builds a catalog from a bundle (already parsed JSON); throws a zod error naming the bad field. */
export function catalogFromBundle(bundle: unknown): TemplateCatalog {
  const parsed = TemplateBundle.parse(bundle);
  return new TemplateCatalog(parsed.templates.map(hydrateTemplate));
}

/** Validates one cached entry read back from disk; undefined when it is not usable. */
export function parseCompiledTemplateData(value: unknown): CompiledTemplateData | undefined {
  const parsed = CompiledTemplateDataSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
