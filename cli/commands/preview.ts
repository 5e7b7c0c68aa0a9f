// One command's flow (jobs, locales, rendering, files, flags) kept together; sample dating is in preview-sample.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProgramErrors, loadProgramFromDir } from '../../functions/adapters/program-files.ts';
import { loadTemplateCatalog } from '../../functions/adapters/template-files.ts';
import type { CompiledCampaign, CompiledStep, Program } from '../../functions/core/campaign/program.ts';
import { signLinkToken } from '../../functions/core/sending/signed-link.ts';
import { signUnsubscribeToken, unsubscribeLinks } from '../../functions/core/sending/unsubscribe-token.ts';
import type { TemplateCatalog } from '../../functions/core/templates/catalog.ts';
import { buildRenderContext, type LocalizableFeature } from '../../functions/core/templates/context.ts';
import { campaignLocales } from '../../functions/core/templates/locale-coverage.ts';
import { formatFromAddress } from '../../functions/core/templates/mailbox.ts';
import { renderCsmDigest, renderEmail } from '../../functions/core/templates/render.ts';
import type { BrandSpec, RenderedEmail } from '../../functions/core/templates/types.ts';
import {
  isPersonaName,
  PERSONA_NAMES,
  type PersonaName,
  PREVIEW_UNSUBSCRIBE_BASE,
  personaForSegment,
  SAMPLE_BRAND,
  SAMPLE_RELEASE,
  SAMPLE_RENEWAL_AT,
  sampleDigest,
} from '../personas.ts';
import { DEFAULT_PERSONA, sampleSend } from './preview-sample.ts';

/** What to preview and where to write it. */
export interface PreviewOptions {
  campaign?: string;
  step?: string;
  all?: boolean;
  /** a template id to preview without a campaign, e.g. "csm/digest" */
  template?: string;
  locale?: string;
  persona?: PersonaName;
  variant?: string;
  out: string;
  campaignsDir: string;
  templatesDir: string;
  /** ISO instant the preview pretends it is (default: the step's own send moment for the persona, or 2026-12-09 10:00 JST) */
  at?: string;
  fromAddress: string;
}

/** One written preview: the three files and what was rendered. */
export interface PreviewWritten {
  html: string;
  text: string;
  json: string;
  templateId: string;
  locale: string;
  persona: PersonaName | 'csm';
}

interface Job {
  /** output path without extension, relative to --out */
  path: string;
  templateId: string;
  persona: PersonaName | 'csm';
  campaign: { id: string; name: string; kind: string; topic: string };
  stepId: string;
  variantId: string;
  segment?: string;
  release?: readonly LocalizableFeature[];
  now: number;
  /** the campaign step, when the preview is of one: its timing dates the email */
  timed?: { campaign: CompiledCampaign; step: CompiledStep };
  /** the locales the campaign sends in; each is previewed */
  locales?: string[];
  /** the campaign's fallback locale, if it names one */
  fallback?: string;
}

const DEFAULT_AT = '2026-12-09T10:00:00+09:00';
const PREVIEW_KEY = { id: 'preview', secret: 'preview-only-key-never-used-for-real-mail-0123456789' };
const KIND_BY_FOLDER: Record<string, string> = {
  onboarding: 'onboarding',
  'feature-release': 'release',
  renewal: 'renewal',
};
/** Raised when the preview request names something that does not exist. */
export class PreviewError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PreviewError';
  }
}

function stepJobs(
  program: Program,
  campaign: CompiledCampaign,
  stepId: string,
  opts: PreviewOptions,
  at: number,
): Job[] {
  const step = campaign.steps.find((s) => s.id === stepId);
  if (!step) {
    throw new PreviewError(
      `campaign ${campaign.id} has no step ${JSON.stringify(stepId)}; its steps are ${campaign.steps.map((s) => s.id).join(', ')}`,
    );
  }
  if (step.channel === 'csm-alert') return [];
  const persona = opts.persona ?? DEFAULT_PERSONA[campaign.kind] ?? 'steady';
  const base = {
    campaign: { id: campaign.id, name: campaign.name, kind: campaign.kind, topic: campaign.topic },
    stepId: step.id,
    ...(campaign.spec.release ? { release: campaign.spec.release.features } : {}),
    now: at,
    timed: { campaign, step },
    locales: campaignLocales(campaign, program),
    ...(campaign.spec.fallback ? { fallback: campaign.spec.fallback } : {}),
  };
  const variants = opts.variant ? step.variants.filter((v) => v.id === opts.variant) : step.variants;
  if (variants.length === 0) {
    throw new PreviewError(
      `step ${campaign.id}/${step.id} has no variant ${JSON.stringify(opts.variant)}; its variants are ${step.variants.map((v) => v.id).join(', ')}`,
    );
  }
  const jobs: Job[] = [];
  for (const variant of variants) {
    const templateId = variant.template ?? step.template;
    if (!templateId) continue;
    const suffix = step.variants.length > 1 ? `.${variant.id}` : '';
    jobs.push({
      ...base,
      path: join(campaign.id, `${step.id}${suffix}`),
      templateId,
      persona,
      variantId: variant.id,
    });
    for (const entry of step.bySegment) {
      jobs.push({
        ...base,
        path: join(campaign.id, `${step.id}${suffix}.${entry.segment}`),
        templateId: entry.template,
        persona: personaForSegment(entry.segment) ?? persona,
        variantId: variant.id,
        segment: entry.segment,
      });
    }
  }
  return jobs;
}

function templateJob(id: string, opts: PreviewOptions, at: number, program: Program | undefined): Job {
  const folder = id.split('/')[0] ?? '';
  const kind = KIND_BY_FOLDER[folder] ?? 'alert';
  const release = program?.campaigns.find((c) => c.spec.release)?.spec.release?.features ?? SAMPLE_RELEASE;
  return {
    path: id,
    templateId: id,
    persona: id.startsWith('csm/') ? 'csm' : (opts.persona ?? DEFAULT_PERSONA[kind] ?? 'steady'),
    campaign: { id: folder, name: folder, kind, topic: folder },
    stepId: id.split('/').slice(1).join('/') || id,
    variantId: 'default',
    ...(kind === 'release' ? { release } : {}),
    now: kind === 'renewal' && opts.at === undefined ? Date.parse(SAMPLE_RENEWAL_AT) - 90 * 86_400_000 : at,
  };
}

interface Rendered {
  email: RenderedEmail;
  now: number;
  timing?: string;
  /** set when the campaign's fallback locale stood in for the wanted one */
  fellBackFrom?: string;
}

function templateFor(job: Job, locale: string, catalog: TemplateCatalog) {
  const exact = catalog.get(job.templateId, locale);
  if (exact) return { template: exact };
  const have = catalog.locales(job.templateId);
  if (have.length === 0) {
    throw new PreviewError(
      `no template ${JSON.stringify(job.templateId)}; add templates/${job.templateId}.<locale>.mjml`,
    );
  }
  const fallback = job.fallback !== undefined ? catalog.get(job.templateId, job.fallback) : undefined;
  if (fallback) return { template: fallback, fellBackFrom: locale };
  const why = job.locales?.includes(locale)
    ? `campaign ${job.campaign.id} sends in ${locale}`
    : `--locale ${locale}`;
  throw new PreviewError(
    `template ${job.templateId} has no ${locale} version (${why}; it has ${have.join(', ')}): add templates/${job.templateId}.${locale}.mjml, or give the campaign fallback: ${have.includes('en') ? 'en' : have[0]}`,
  );
}

function render(
  job: Job,
  locale: string,
  catalog: TemplateCatalog,
  brand: BrandSpec,
  clockGiven: boolean,
): Rendered {
  const { template, fellBackFrom } = templateFor(job, locale, catalog);
  const extra = fellBackFrom !== undefined ? { fellBackFrom } : {};
  if (job.persona === 'csm') {
    const digest = renderCsmDigest(template, sampleDigest(template.locale, job.now, brand), job);
    return { email: digest, now: job.now, ...extra };
  }
  const sample = sampleSend(
    job.timed?.campaign,
    job.timed?.step,
    job.persona,
    template.locale,
    job.now,
    clockGiven,
  );
  const { contact, account } = sample;
  const now = sample.now;
  const token = signUnsubscribeToken(
    { contactId: contact.id, topic: job.campaign.topic, issuedAt: now },
    PREVIEW_KEY,
  );
  const context = buildRenderContext({
    contact,
    account,
    campaign: job.campaign,
    stepId: job.stepId,
    variantId: job.variantId,
    ...(job.segment ? { segment: job.segment } : {}),
    ...(job.release ? { release: job.release } : {}),
    brand,
    links: unsubscribeLinks(
      PREVIEW_UNSUBSCRIBE_BASE,
      token,
      signLinkToken('preferences', { c: contact.id }, now, PREVIEW_KEY),
    ),
    locale: template.locale,
    fallbackTimeZone: 'Asia/Tokyo',
  });
  const content = job.variantId === 'default' ? job.stepId : `${job.stepId}-${job.variantId}`;
  const email = renderEmail(template, context, { utm: { campaign: job.campaign.id, content }, now });
  return { email, now, ...(sample.timing ? { timing: sample.timing } : {}), ...extra };
}

/** Renders the requested previews into `<out>/<campaign>/<step>[.<variant>][.<segment>].<locale>.{html,txt,json}`. */
export async function runPreview(
  opts: PreviewOptions,
): Promise<{ written: PreviewWritten[]; notes: string[]; problems: string[] }> {
  const catalog = await loadTemplateCatalog(resolve(opts.templatesDir));
  const at = Date.parse(opts.at ?? DEFAULT_AT);
  if (Number.isNaN(at))
    throw new PreviewError(`--at ${opts.at} is not an ISO 8601 instant such as ${DEFAULT_AT}`);
  const notes: string[] = [];
  const needsProgram = opts.all || opts.campaign !== undefined;
  let program: Program | undefined;
  if (needsProgram) {
    const loaded = await loadProgramFromDir({
      campaignsDir: opts.campaignsDir,
      templatesDir: opts.templatesDir,
    });
    if (loaded.program && loaded.errors.length === 0) program = loaded.program;
    else if (opts.campaign !== undefined) {
      throw new PreviewError(`the campaigns do not load:\n${formatProgramErrors(loaded.errors)}`);
    } else notes.push(`campaigns not loaded (${loaded.errors.length} error(s)); previewing templates only`);
  }
  const brand = program?.policy.spec.brand ?? SAMPLE_BRAND;
  const jobs: Job[] = [];
  if (opts.template) jobs.push(templateJob(opts.template, opts, at, program));
  if (opts.campaign !== undefined && program) {
    const campaign = program.campaigns.find((c) => c.id === opts.campaign);
    if (!campaign) {
      throw new PreviewError(
        `no campaign ${JSON.stringify(opts.campaign)}; the campaigns are ${program.campaigns.map((c) => c.id).join(', ')}`,
      );
    }
    const steps = opts.step ? [opts.step] : campaign.steps.map((s) => s.id);
    for (const stepId of steps) jobs.push(...stepJobs(program, campaign, stepId, opts, at));
  }
  if (opts.all) {
    const used = new Set<string>();
    for (const campaign of program?.campaigns ?? []) {
      if (!program) break;
      for (const step of campaign.steps) {
        const stepJobList = stepJobs(program, campaign, step.id, opts, at);
        if (stepJobList.length === 0) notes.push(`${campaign.id}/${step.id} is a CSM alert (see csm/digest)`);
        for (const job of stepJobList) used.add(job.templateId);
        jobs.push(...stepJobList);
      }
    }
    for (const id of [...catalog.ids()].sort())
      if (!used.has(id)) jobs.push(templateJob(id, opts, at, program));
  }
  if (jobs.length === 0) notes.push('nothing to preview: name a campaign and step, a --template, or --all');

  const written: PreviewWritten[] = [];
  const problems: string[] = [];
  const clockGiven = opts.at !== undefined;
  for (const job of jobs) {
    const locales = opts.locale
      ? [opts.locale]
      : [...new Set([...(job.locales ?? []), ...catalog.locales(job.templateId)])].sort();
    for (const wanted of locales) {
      let rendered: Rendered;
      try {
        rendered = render(job, wanted, catalog, brand, clockGiven);
      } catch (error) {
        if (!(error instanceof PreviewError)) throw error;
        problems.push(error.message);
        continue;
      }
      const { email, now, timing, fellBackFrom } = rendered;
      if (fellBackFrom !== undefined) {
        notes.push(
          `${job.path}.${wanted}: template ${job.templateId} has no ${wanted} version; campaign ${job.campaign.id} says fallback: ${email.locale}, so ${wanted} contacts get the ${email.locale} email`,
        );
      }
      if (timing) notes.push(`${job.path}: ${timing}`);
      const base = join(opts.out, `${job.path}.${wanted}`);
      await mkdir(dirname(base), { recursive: true });
      const meta = {
        templateId: job.templateId,
        campaign: job.campaign.id,
        step: job.stepId,
        variant: job.variantId,
        ...(job.segment ? { segment: job.segment } : {}),
        persona: job.persona,
        locale: email.locale,
        ...(fellBackFrom !== undefined ? { fallbackFor: fellBackFrom } : {}),
        at: new Date(now).toISOString(),
        ...(timing ? { timing } : {}),
        subject: email.subject,
        preheader: email.preheader,
        from: formatFromAddress(email.fromName, opts.fromAddress),
        ...(email.fromName ? { fromName: email.fromName } : {}),
        headers: email.headers,
      };
      await writeFile(`${base}.html`, email.html);
      await writeFile(`${base}.txt`, `${email.text}\n`);
      await writeFile(`${base}.json`, `${JSON.stringify(meta, null, 2)}\n`);
      written.push({
        html: `${base}.html`,
        text: `${base}.txt`,
        json: `${base}.json`,
        templateId: job.templateId,
        locale: email.locale,
        persona: job.persona,
      });
    }
  }
  return { written, notes: [...new Set(notes)], problems };
}

/** `lowtouch preview`: renders campaign steps with sample personas to HTML, text and JSON files. */
export function registerPreview(program: Command): void {
  program
    .command('preview')
    .description(
      'Render campaign steps for sample personas into <out>/<campaign>/<step>[.<variant>].<locale>.html/.txt/.json',
    )
    .argument('[campaign]', 'campaign id, e.g. onboarding')
    .argument('[step]', 'step id, e.g. welcome (default: every step of the campaign)')
    .option('--all', 'render every step × locale × variant, and every template no step uses')
    .option('--template <id>', 'render one template without a campaign, e.g. csm/digest')
    .option('--locale <locale>', 'only this locale (default: every locale the template has)')
    .option('--persona <persona>', `sample persona: ${PERSONA_NAMES.join(' | ')}`)
    .option('--variant <id>', 'only this variant of the step')
    .option('--out <dir>', 'output directory', 'out/preview')
    .option('--dir <campaigns dir>', 'the campaigns directory', 'campaigns')
    .option(
      '--templates <dir>',
      'the templates directory (default: templates/ beside the campaigns directory)',
    )
    .option('--at <iso>', 'pretend it is this instant (dates and days_until count from it)')
    .option('--from-address <email>', 'the sender address shown in the .json', 'hello@tsumiki.example')
    .action(async (campaign: string | undefined, step: string | undefined, raw: Record<string, unknown>) => {
      const str = (key: string) => (typeof raw[key] === 'string' ? raw[key] : undefined);
      const persona = str('persona');
      if (persona !== undefined && !isPersonaName(persona)) {
        process.stderr.write(`--persona ${persona} is unknown; use one of ${PERSONA_NAMES.join(', ')}\n`);
        process.exitCode = 1;
        return;
      }
      try {
        const campaignsDir = str('dir') ?? 'campaigns';
        const { written, notes, problems } = await runPreview({
          ...(campaign !== undefined ? { campaign } : {}),
          ...(step !== undefined ? { step } : {}),
          all: raw.all === true,
          ...(str('template') ? { template: str('template') } : {}),
          ...(str('locale') ? { locale: str('locale') } : {}),
          ...(persona !== undefined && isPersonaName(persona) ? { persona } : {}),
          ...(str('variant') ? { variant: str('variant') } : {}),
          ...(str('at') ? { at: str('at') } : {}),
          out: str('out') ?? 'out/preview',
          campaignsDir,
          // The same rule as validate: the templates beside the campaigns directory.
          templatesDir: str('templates') ?? join(campaignsDir, '..', 'templates'),
          fromAddress: str('fromAddress') ?? 'hello@tsumiki.example',
        });
        for (const note of notes) process.stderr.write(`note: ${note}\n`);
        for (const file of written)
          process.stdout.write(`${file.html}  (${file.templateId}, ${file.persona})\n`);
        process.stdout.write(`${written.length} preview(s) written\n`);
        if (problems.length > 0) {
          process.stderr.write(`${problems.map((line) => `error: ${line}`).join('\n')}\n`);
          process.exitCode = 1;
        }
      } catch (error) {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      }
    });
}
