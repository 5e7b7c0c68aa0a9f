import { parseDuration } from '../shared/duration.ts';
import type { FieldDef } from './fields.ts';
import type { CompiledCampaign, CompiledPolicy, CompiledStep, StepTiming } from './program.ts';
import type { CampaignSpec, StepSpec } from './program-schema.ts';
import { compileRule, type DocPath, type Predicate, type RuleEnv, type RuleIssue } from './rules.ts';
import type { Subject } from './subject.ts';
import { compileWindow } from './time-window.ts';

const KIND_PRIORITY: Record<CampaignSpec['kind'], number> = {
  alert: 0,
  renewal: 10,
  onboarding: 20,
  release: 30,
};

/** What campaign compilation needs besides the campaign itself. */
export interface CampaignEnv {
  rules: RuleEnv;
  policy: CompiledPolicy;
  templateIds: ReadonlySet<string>;
  features: ReadonlySet<string>;
}

const ms = (text: string) => parseDuration(text) ?? 0;

/** Compiles one validated campaign, reporting reference and consistency problems to env.rules.issues. */
export function compileCampaign(spec: CampaignSpec, file: string, env: CampaignEnv): CompiledCampaign {
  const issues = env.rules.issues;
  const audience = compileAudience(spec, env.rules);
  const entry = spec.entry ? compileRule(spec.entry.when, ['entry', 'when'], env.rules) : undefined;
  const goal = spec.goal ? compileRule(spec.goal.when, ['goal', 'when'], env.rules) : undefined;

  const anchor = findAnchor(spec, env.rules);
  const seenSteps = new Set<string>();
  const steps = spec.steps.map((step, index) => {
    if (seenSteps.has(step.id))
      issues.push({ path: ['steps', index, 'id'], message: `duplicate step id "${step.id}"` });
    seenSteps.add(step.id);
    return compileStep(spec, step, index, env);
  });

  for (const [index, feature] of (spec.release?.features ?? []).entries()) {
    for (const [j, related] of feature.relatedTo.entries()) {
      if (!env.features.has(related))
        issues.push({
          path: ['release', 'features', index, 'relatedTo', j],
          message: `unknown feature "${related}" (expected one of ${[...env.features].join(', ')} from product.yaml)`,
        });
    }
  }

  const reentry = spec.reentry ?? env.policy.spec.reentry;
  const sendAts = steps.map((s) => (s.timing.kind === 'sendAt' ? s.timing.at + s.expiresAfterMs : undefined));
  const endsAt = sendAts.every((t) => t !== undefined) ? Math.max(...sendAts) : undefined;
  return {
    id: spec.id,
    name: spec.name ?? spec.id,
    kind: spec.kind,
    topic: spec.topic,
    priority: spec.priority ?? KIND_PRIORITY[spec.kind],
    defaultLocale: spec.defaultLocale,
    file,
    spec,
    audience,
    entry,
    goal,
    goalWithinMs: ms(spec.goal?.within ?? '30d'),
    exitWhenOutOfAudience: spec.exitWhenOutOfAudience,
    holdoutFraction: Number.parseFloat(spec.holdout) / 100,
    reentryAfterMs: reentry === 'never' ? null : ms(reentry.after),
    window:
      spec.sendWindow === 'any' ? null : spec.sendWindow ? compileWindow(spec.sendWindow) : env.policy.window,
    anchor,
    endsAt,
    steps,
  };
}

function compileAudience(spec: CampaignSpec, env: RuleEnv): Predicate {
  const parts: Predicate[] = [];
  const { segment, tiers, when } = spec.audience;
  if (segment !== undefined) {
    const matches = env.segment(segment, ['audience', 'segment']);
    if (matches) parts.push(matches);
  }
  if (tiers) {
    const allowed: ReadonlySet<string | undefined> = new Set(tiers);
    parts.push((s: Subject) => allowed.has(s.account.account.tier));
  }
  if (when) parts.push(compileRule(when, ['audience', 'when'], env));
  if (segment === undefined && !tiers && !when)
    env.issues.push({
      path: ['audience'],
      message: 'the audience is empty (expected at least one of segment, tiers or when)',
    });
  return (s) => {
    for (const part of parts) if (!part(s)) return false;
    return true;
  };
}

function findAnchor(spec: CampaignSpec, env: RuleEnv): FieldDef | undefined {
  let anchor: FieldDef | undefined;
  spec.steps.forEach((step, index) => {
    if (!step.at) return;
    const path: DocPath = ['steps', index, 'at', 'field'];
    const field = env.fields.get(step.at.field);
    if (field?.type !== 'date') {
      const dates = [...env.fields.values()].filter((f) => f.type === 'date').map((f) => f.path);
      env.issues.push({
        path,
        message: `"${step.at.field}" is not a date field (expected one of ${dates.join(', ')})`,
      });
      return;
    }
    if (anchor && anchor.path !== field.path)
      env.issues.push({
        path,
        message: `all "at" steps of a campaign must hang from the same date field (expected ${anchor.path}, got ${field.path})`,
      });
    anchor ??= field;
  });
  return anchor;
}

function stepTiming(step: StepSpec, index: number, issues: RuleIssue[]): StepTiming {
  const given = [step.after !== undefined, step.at !== undefined, step.sendAt !== undefined].filter(
    Boolean,
  ).length;
  if (given !== 1)
    issues.push({
      path: ['steps', index],
      message: `step "${step.id}" needs exactly one of after, at or sendAt (got ${given})`,
    });
  if (step.at) return { kind: 'at', offsetMs: ms(step.at.offset) };
  if (step.sendAt) return { kind: 'sendAt', at: Date.parse(step.sendAt) };
  return { kind: 'after', ms: ms(step.after ?? '0d') };
}

function checkTemplate(template: string, path: DocPath, env: CampaignEnv): void {
  if (!env.templateIds.has(template))
    env.rules.issues.push({
      path,
      message: `template "${template}" not found (expected a file templates/${template}.<locale>.mjml)`,
    });
}

function compileStep(spec: CampaignSpec, step: StepSpec, index: number, env: CampaignEnv): CompiledStep {
  const issues = env.rules.issues;
  const at: DocPath = ['steps', index];
  const timing = stepTiming(step, index, issues);
  if (step.template !== undefined) checkTemplate(step.template, [...at, 'template'], env);

  const variantIds = new Set<string>();
  const variants = (step.variants ?? []).map((variant, j) => {
    if (variantIds.has(variant.id))
      issues.push({ path: [...at, 'variants', j, 'id'], message: `duplicate variant id "${variant.id}"` });
    variantIds.add(variant.id);
    if (variant.template !== undefined)
      checkTemplate(variant.template, [...at, 'variants', j, 'template'], env);
    return { id: variant.id, weight: variant.weight, template: variant.template };
  });
  const bySegment = (step.bySegment ?? []).map((entry, j) => {
    checkTemplate(entry.template, [...at, 'bySegment', j, 'template'], env);
    const matches = env.rules.segment(entry.segment, [...at, 'bySegment', j, 'segment']) ?? (() => false);
    return { segment: entry.segment, matches, template: entry.template };
  });

  if (step.channel === 'email') {
    const everyVariantHasOne = variants.length > 0 && variants.every((v) => v.template !== undefined);
    if (step.template === undefined && !everyVariantHasOne)
      issues.push({
        path: at,
        message: `email step "${step.id}" has no template (expected template: <campaign>/<step>, or a template on every variant)`,
      });
  }
  return {
    id: step.id,
    index,
    timing,
    when: step.when ? compileRule(step.when, [...at, 'when'], env.rules) : undefined,
    channel: step.channel,
    template: step.template,
    variants: variants.length > 0 ? variants : [{ id: 'default', weight: 1, template: undefined }],
    totalWeight: variants.reduce((sum, v) => sum + v.weight, 0) || 1,
    bySegment,
    bypassCap: step.bypassFrequencyCap ?? spec.bypassFrequencyCap,
    expiresAfterMs: step.expiresAfter !== undefined ? ms(step.expiresAfter) : env.policy.stepExpiryMs,
  };
}
