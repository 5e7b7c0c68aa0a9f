import type { CompiledCampaign, Program } from '../campaign/program.ts';
import type { TemplateProblem } from './types.ts';

// A contact whose locale has no template would otherwise get another language's email without anyone
// having chosen that. A campaign lists the locales it sends in (or takes policy.yaml's), and a missing
// template is an error unless the campaign names a `fallback` locale.

/** Where a key of a campaign file is: 1-based line and column, for error messages. */
export type LocateKey = (
  file: string,
  path: readonly (string | number)[],
) => { line: number; column: number };

/** One template a campaign step sends, with the YAML path of the key that names it. */
interface TemplateUse {
  template: string;
  path: (string | number)[];
}

function templateUses(campaign: CompiledCampaign): TemplateUse[] {
  const uses: TemplateUse[] = [];
  campaign.spec.steps.forEach((step, index) => {
    if (step.channel === 'csm-alert') return;
    if (step.template) uses.push({ template: step.template, path: ['steps', index, 'template'] });
    step.variants?.forEach((variant, v) => {
      if (variant.template)
        uses.push({ template: variant.template, path: ['steps', index, 'variants', v, 'template'] });
    });
    step.bySegment?.forEach((entry, e) => {
      uses.push({ template: entry.template, path: ['steps', index, 'bySegment', e, 'template'] });
    });
  });
  return uses;
}

/** The locales a campaign sends in: its own list, else the policy's. */
export function campaignLocales(campaign: CompiledCampaign, program: Program): string[] {
  return campaign.spec.locales ?? program.policy.spec.locales;
}

/**
 * Checks that every email template of every campaign exists in each locale the campaign sends in, or in the
 * campaign's `fallback` locale when it names one. Each problem points at the campaign key naming the template.
 */
export function checkLocaleCoverage(
  program: Program,
  localesOf: (templateId: string) => readonly string[],
  locate: LocateKey,
  templatesDir: string,
): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const campaign of program.campaigns) {
    const locales = campaignLocales(campaign, program);
    const fallback = campaign.spec.fallback;
    const seen = new Set<string>();
    for (const use of templateUses(campaign)) {
      const have = localesOf(use.template);
      // An unknown template id is the campaign loader's error already.
      if (have.length === 0 || seen.has(use.template)) continue;
      seen.add(use.template);
      const at = () => ({ file: campaign.file, ...locate(campaign.file, use.path) });
      if (fallback !== undefined && !have.includes(fallback)) {
        problems.push({
          ...at(),
          message: `campaign ${campaign.id} falls back to ${fallback}, but template ${use.template} has no ${fallback} version; add ${templatesDir}/${use.template}.${fallback}.mjml (it has ${have.join(', ')})`,
        });
      }
      const missing = locales.filter((locale) => !have.includes(locale));
      if (missing.length === 0 || fallback !== undefined) continue;
      const source = campaign.spec.locales ? `campaign ${campaign.id}` : 'policy.yaml';
      problems.push({
        ...at(),
        message: `template ${use.template} has no ${missing.join(', ')} version, but ${source} sends in ${locales.join(', ')}; add ${missing.map((locale) => `${templatesDir}/${use.template}.${locale}.mjml`).join(' and ')}, or write fallback: ${have.includes('en') ? 'en' : have[0]} on the campaign to send that version instead`,
      });
    }
  }
  return problems;
}
