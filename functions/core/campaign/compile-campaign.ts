// Over 300 lines: the per-step consistency checks read the same compiled step; waits and triggers are split out.
import { parseDuration } from '../shared/duration.ts';
import { compileBranches } from './branches.ts';
import type { FieldDef } from './fields.ts';
import type { CompiledCampaign, CompiledPolicy, CompiledStep, StepTiming } from './program.ts';
import type { CampaignSpec, StepSpec } from './program-schema.ts';
import { compileRule, type DocPath, type Predicate, type RuleEnv, type RuleIssue } from './rules.ts';
import type { Subject } from './subject.ts';
import { compileWindow } from './time-window.ts';
import { compileTrigger, triggerPredicate } from './triggers.ts';

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
  /** false when product.yaml could not be read: feature names are then not judged */
  knownFeatures?: boolean;
}

/** Where a salvaged campaign's steps sit in its file, and which parts were dropped as invalid. */
export interface CampaignLayout {
  /** position in the file of each entry of spec.steps (steps that failed the schema are left out) */
  stepIndexes?: readonly number[];
  /** positions of steps that lost invalid keys: checks that something is missing are skipped for them */
  partialSteps?: ReadonlySet<number>;
  /** the campaign lost invalid keys: checks that something is missing are skipped */
  partial?: boolean;
}

const ms = (text: string) => parseDuration(text) ?? 0;

/** Who a one-per-account step reaches first when the step names no rolePriority. */
export const DEFAULT_ROLE_PRIORITY = ['admin', 'owner'] as const;

/** Compiles one validated campaign, reporting reference and consistency problems to env.rules.issues. */
export function compileCampaign(
  spec: CampaignSpec,
  file: string,
  env: CampaignEnv,
  layout: CampaignLayout = {},
): CompiledCampaign {
  const issues = env.rules.issues;
  const indexOf = (i: number) => layout.stepIndexes?.[i] ?? i;
  const audience = compileAudience(spec, env.rules, layout.partial === true);
  const when = spec.entry?.when ? compileRule(spec.entry.when, ['entry', 'when'], env.rules) : undefined;
  const trigger = spec.entry?.on
    ? compileTrigger(spec.entry.on, spec.entry.within, ['entry', 'on'], env.rules)
    : undefined;
  const entry = allOf([when, trigger ? triggerPredicate(trigger) : undefined]);
  const goal = spec.goal ? compileRule(spec.goal.when, ['goal', 'when'], env.rules) : undefined;

  const anchor = findAnchor(spec, env.rules, indexOf);
  const seenSteps = new Set<string>();
  const steps = spec.steps.map((step, i) => {
    const index = indexOf(i);
    if (seenSteps.has(step.id))
      issues.push({ path: ['steps', index, 'id'], message: `duplicate step id "${step.id}"` });
    seenSteps.add(step.id);
    return compileStep(spec, step, index, env, layout.partialSteps?.has(index) === true);
  });
  compileBranches(spec.steps, steps, env.rules, indexOf);
  checkSupersededSteps(spec.steps, steps, issues);

  for (const [index, feature] of (spec.release?.features ?? []).entries()) {
    for (const [j, related] of feature.relatedTo.entries()) {
      if (env.knownFeatures !== false && !env.features.has(related))
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
    trigger,
    goal,
    goalWithinMs: ms(spec.goal?.within ?? '30d'),
    exitWhenOutOfAudience: spec.exitWhenOutOfAudience,
    holdoutFraction: Number.parseFloat(spec.holdout) / 100,
    reentryAfterMs: reentry === 'never' ? null : ms(reentry.after),
    window:
      spec.sendWindow === 'any'
        ? null
        : spec.sendWindow
          ? compileWindow(spec.sendWindow, env.policy.window.calendar)
          : env.policy.window,
    anchor,
    endsAt,
    steps,
  };
}

/** All the given predicates at once; undefined when none is given. */
function allOf(parts: readonly (Predicate | undefined)[]): Predicate | undefined {
  const given = parts.filter((p): p is Predicate => p !== undefined);
  if (given.length <= 1) return given[0];
  return (s) => given.every((p) => p(s));
}

function compileAudience(spec: CampaignSpec, env: RuleEnv, partial: boolean): Predicate {
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
  if (segment === undefined && !tiers && !when && !partial)
    env.issues.push({
      path: ['audience'],
      message: 'the audience is empty (expected at least one of segment, tiers or when)',
    });
  return (s) => {
    for (const part of parts) if (!part(s)) return false;
    return true;
  };
}

function findAnchor(spec: CampaignSpec, env: RuleEnv, indexOf: (i: number) => number): FieldDef | undefined {
  let anchor: FieldDef | undefined;
  spec.steps.forEach((step, i) => {
    if (!step.at) return;
    const path: DocPath = ['steps', indexOf(i), 'at', 'field'];
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

const TIMING_KEYS = ['after', 'at', 'sendAt'] as const;

function stepTiming(step: StepSpec, index: number, issues: RuleIssue[], partial: boolean): StepTiming {
  const given = TIMING_KEYS.filter((key) => step[key] !== undefined);
  if (given.length > 1)
    issues.push({
      path: ['steps', index, given[1] ?? 'at'],
      atKey: true,
      message: `step "${step.id}" has both ${given.slice(0, 2).join(' and ')}${given.length > 2 ? ` and ${given[2]}` : ''}: a step is timed one way (keep exactly one of after, at or sendAt)`,
    });
  if (given.length === 0 && !partial)
    issues.push({
      path: ['steps', index],
      message: `step "${step.id}" has no timing (expected one of after: 2d, at: { field: account.renewalAt, offset: -30d } or sendAt: 2026-12-09T10:00:00+09:00)`,
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

/** Key combinations the planner would resolve silently, so that one of the keys would never take effect. */
function checkConflicts(step: StepSpec, at: DocPath, issues: RuleIssue[]): void {
  const conflict = (key: string, message: string) =>
    issues.push({ path: [...at, key], atKey: true, message });
  if (step.rolePriority && !step.perAccount)
    conflict(
      'rolePriority',
      `step "${step.id}" has rolePriority without perAccount: one, so the priority would never be used (add perAccount: one, or remove rolePriority)`,
    );
  if (step.variants && step.bySegment)
    conflict(
      'bySegment',
      `step "${step.id}" has both variants and bySegment: the variant's template would always win and bySegment would never be used (keep variants for an A/B test, or bySegment for content per segment, or split the step in two with a when each)`,
    );
  if (step.channel === 'csm-alert') {
    for (const key of ['template', 'variants', 'bySegment', 'bypassFrequencyCap'] as const)
      if (step[key] !== undefined)
        conflict(
          key,
          `step "${step.id}" has channel csm-alert and ${key}: a CSM alert sends no email, so ${key} would never be used (remove ${key}, or use channel: email)`,
        );
    return;
  }
  const variants = step.variants ?? [];
  if (step.template !== undefined && variants.length > 0 && variants.every((v) => v.template !== undefined))
    conflict(
      'template',
      `step "${step.id}" has template and a template on every one of its variants: the variants' templates always win, so template "${step.template}" would never be sent (remove template, or the template of one variant)`,
    );
  const firstOf = new Map<string, number>();
  (step.bySegment ?? []).forEach((entry, j) => {
    const first = firstOf.get(entry.segment);
    if (first === undefined) firstOf.set(entry.segment, j);
    else
      issues.push({
        path: [...at, 'bySegment', j, 'segment'],
        message: `segment "${entry.segment}" is listed twice, in bySegment[${first}] and bySegment[${j}]: the first match wins, so template "${entry.template}" would never be sent (remove one of the two entries)`,
      });
  });
}

function sameTiming(a: StepTiming, b: StepTiming): boolean {
  if (a.kind === 'after' && b.kind === 'after') return a.ms === b.ms;
  if (a.kind === 'at' && b.kind === 'at') return a.offsetMs === b.offsetMs;
  if (a.kind === 'sendAt' && b.kind === 'sendAt') return a.at === b.at;
  return false;
}

/** Two steps due at the same moment: the later one always wins, so without a when the earlier never goes out. */
function checkSupersededSteps(
  specs: readonly StepSpec[],
  steps: readonly CompiledStep[],
  issues: RuleIssue[],
): void {
  // Waits send nothing, and steps behind a branch are timed from it, so neither supersedes by timing.
  const timed = (s: CompiledStep) => !s.wait && s.reachedFrom.length === 0;
  steps.forEach((earlier, i) => {
    if (!timed(earlier)) return;
    const later = steps
      .slice(i + 1)
      .find((s, k) => timed(s) && sameTiming(s.timing, earlier.timing) && !specs[i + 1 + k]?.when);
    if (!later) return;
    const timing = TIMING_KEYS.find((key) => specs[i]?.[key] !== undefined) ?? 'after';
    issues.push({
      path: ['steps', earlier.index, timing],
      atKey: true,
      message: `step "${earlier.id}" is due at the same time as the later step "${later.id}", which has no when: the later step always supersedes it, so "${earlier.id}" would never go out (give "${later.id}" a when, or the two steps different timings)`,
    });
  });
}

function compileStep(
  spec: CampaignSpec,
  step: StepSpec,
  index: number,
  env: CampaignEnv,
  partial: boolean,
): CompiledStep {
  const issues = env.rules.issues;
  const at: DocPath = ['steps', index];
  const timing = stepTiming(step, index, issues, partial);
  checkConflicts(step, at, issues);
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

  if (step.channel === 'email' && !partial && !step.wait) {
    const everyVariantHasOne = variants.length > 0 && variants.every((v) => v.template !== undefined);
    if (step.template === undefined && !everyVariantHasOne)
      issues.push({
        path: at,
        message: `email step "${step.id}" has no template (expected template: <campaign>/<step>, or a template on every variant${bySegment.length > 0 ? '; with bySegment, template is what contacts in none of the segments get' : ''})`,
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
    perAccount: step.perAccount ? { rolePriority: step.rolePriority ?? DEFAULT_ROLE_PRIORITY } : null,
    wait: undefined,
    reachedFrom: [],
  };
}
