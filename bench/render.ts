import { PERSONA_NAMES, personaData, SAMPLE_BRAND, SAMPLE_RELEASE } from '../cli/personas.ts';
import {
  DEFAULT_TEMPLATES_DIR,
  loadTemplateCatalog,
  readTemplateSources,
} from '../functions/adapters/template-files.ts';
import { compileTemplateSource } from '../functions/core/templates/compile.ts';
import { buildRenderContext } from '../functions/core/templates/context.ts';
import { renderEmail } from '../functions/core/templates/render.ts';
import type { CompiledTemplate, RenderContext } from '../functions/core/templates/types.ts';
import { type BenchResult, bestCpuOf, cpuMs } from './bench-result.ts';

const NOW = Date.parse('2026-12-09T01:00:00Z');
const KIND: Record<string, string> = {
  onboarding: 'onboarding',
  'feature-release': 'release',
  renewal: 'renewal',
};

interface Send {
  template: CompiledTemplate;
  ctx: RenderContext;
  utm: { campaign: string; content: string };
}

/**
 * Personalized render throughput per CPU core with MJML compiled once, against compiling MJML for every send.
 * Rates use this process's CPU time, so a busy machine does not distort them.
 */
export async function benchRender(): Promise<BenchResult[]> {
  const catalog = await loadTemplateCatalog(DEFAULT_TEMPLATES_DIR);
  const { sources, files } = await readTemplateSources(DEFAULT_TEMPLATES_DIR);
  const sends: Send[] = [];
  let n = 0;
  // Every customer template × locale, for distinct contacts of every persona.
  for (const template of catalog.all().filter((t) => t.kind === 'customer')) {
    const folder = template.id.split('/')[0] ?? '';
    for (const persona of PERSONA_NAMES) {
      for (let copy = 0; copy < 10; copy++) {
        n++;
        const { contact, account } = personaData(persona, template.locale, NOW);
        const ctx = buildRenderContext({
          contact: { ...contact, id: `c${n}`, name: `${contact.name} ${n}`, email: `c${n}@customer.example` },
          account: { ...account, renewalAt: account.renewalAt ?? '2027-02-20T12:00:00Z' },
          campaign: { id: folder, kind: KIND[folder] ?? 'alert', topic: folder },
          stepId: template.id.split('/')[1] ?? '',
          variantId: 'default',
          ...(folder === 'feature-release' ? { release: SAMPLE_RELEASE } : {}),
          brand: SAMPLE_BRAND,
          links: {
            unsubscribe: `https://u.tsumiki.example/u?token=t${n}`,
            preferences: `https://u.tsumiki.example/u?token=t${n}&view=preferences`,
          },
          locale: template.locale,
          fallbackTimeZone: 'Asia/Tokyo',
        });
        sends.push({ template, ctx, utm: { campaign: folder, content: ctx.step.id } });
      }
    }
  }

  let bytes = 0;
  const precompiledMs = await bestCpuOf(7, () => {
    for (const send of sends)
      bytes += renderEmail(send.template, send.ctx, { utm: send.utm, now: NOW }).html.length;
  });
  const precompiled = sends.length / (precompiledMs / 1000);

  // Baseline: the same sends, but each one compiles its MJML source first (no cache).
  const sourceOf = new Map(files.map((f) => [`${f.id}|${f.locale}`, f]));
  const sample = sends.filter((_, i) => i % 10 === 0);
  const baselineMs = await cpuMs(async () => {
    for (const send of sample) {
      const file = sourceOf.get(`${send.template.id}|${send.template.locale}`);
      if (!file) throw new Error(`no source for ${send.template.id}`);
      const fresh = await compileTemplateSource(file.id, file.locale, file.source, sources, {
        ...(file.text !== undefined ? { text: file.text } : {}),
      });
      bytes += renderEmail(fresh, send.ctx, { utm: send.utm, now: NOW }).html.length;
    }
  });
  const perSend = sample.length / (baselineMs / 1000);
  if (bytes === 0) throw new Error('nothing rendered');

  return [
    {
      name: 'render-speedup-vs-mjml-per-send',
      value: Math.round(precompiled),
      unit: 'emails/s',
      baseline: Math.round(perSend * 10) / 10,
      ratio: Math.round((precompiled / perSend) * 10) / 10,
      target: '>= 50 (and >= 2000 emails/s)',
    },
  ];
}
