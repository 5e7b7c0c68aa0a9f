import type { z } from 'zod';
import { parseDuration } from '../shared/duration.ts';
import { compileCampaign } from './compile-campaign.ts';
import { buildFieldTable } from './fields.ts';
import type { CompiledCampaign, CompiledPolicy, Program } from './program.ts';
import {
  CampaignSpec,
  HealthFile,
  PolicyFile,
  ProductFile,
  SegmentsFile,
  TiersFile,
} from './program-schema.ts';
import { compileRule, type DocPath, type Predicate, type RuleEnv, type RuleIssue } from './rules.ts';
import { compileWindow, isTimeZone } from './time-window.ts';
import {
  locate,
  type ProgramError,
  parseYamlSource,
  pathText,
  type YamlSource,
  zodIssuesToErrors,
} from './yaml-source.ts';

export type { ProgramError };

/** One campaign-language file as read from disk. */
export interface SourceFile {
  /** path as shown in errors, e.g. campaigns/onboarding.yaml */
  path: string;
  text: string;
}

const SHARED = ['product', 'segments', 'tiers', 'health', 'policy'] as const;
type SharedName = (typeof SHARED)[number];

function baseName(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\.ya?ml$/, '');
}

function isShared(name: string): name is SharedName {
  return (SHARED as readonly string[]).includes(name);
}

/** Loads, validates and compiles the whole campaign directory, reporting every error at once. */
export function loadProgram(
  files: readonly SourceFile[],
  templateIds: ReadonlySet<string>,
): { program?: Program; errors: ProgramError[] } {
  const errors: ProgramError[] = [];
  const sources = new Map<string, YamlSource>();
  const campaigns: YamlSource[] = [];
  for (const file of files) {
    const { source, errors: syntax } = parseYamlSource(file.path, file.text);
    errors.push(...syntax);
    const name = baseName(file.path);
    if (isShared(name)) sources.set(name, source);
    else campaigns.push(source);
  }

  const validate = <T extends z.ZodType>(
    source: YamlSource | undefined,
    schema: T,
  ): z.infer<T> | undefined => {
    if (!source || source.data === undefined) return undefined;
    const parsed = schema.safeParse(source.data ?? {});
    if (parsed.success) return parsed.data;
    errors.push(...zodIssuesToErrors(source, schema, parsed.error.issues));
    return undefined;
  };
  const positioned = (source: YamlSource, issues: RuleIssue[]) => {
    for (const issue of issues) {
      const pos = locate(source, issue.path, issue.atKey);
      errors.push({ file: source.file, ...pos, message: `${pathText(issue.path)}: ${issue.message}` });
    }
    issues.length = 0;
  };

  for (const required of ['product', 'policy'] as const) {
    if (!sources.has(required))
      errors.push({
        file: `${required}.yaml`,
        line: 1,
        col: 1,
        message: `missing file ${required}.yaml (expected it beside the campaign files)`,
      });
  }
  const product = validate(sources.get('product'), ProductFile);
  const policySpec = validate(sources.get('policy'), PolicyFile);
  const segmentsSpec = validate(sources.get('segments'), SegmentsFile);
  const tiersSpec = validate(sources.get('tiers'), TiersFile);
  const health = validate(sources.get('health'), HealthFile);
  const campaignSpecs = campaigns.map((source) => ({ source, spec: validate(source, CampaignSpec) }));

  const fields = buildFieldTable(product ?? { features: [], milestones: [] });
  const issues: RuleIssue[] = [];

  // Segments compile lazily so they can refer to each other; cycles are reported.
  const segmentSource = sources.get('segments');
  const segmentSpecs = new Map<
    string,
    { index: number; when: Record<string, unknown>; description?: string }
  >();
  segmentsSpec?.segments.forEach((segment, index) => {
    if (segmentSpecs.has(segment.id))
      issues.push({ path: ['segments', index, 'id'], message: `duplicate segment id "${segment.id}"` });
    else segmentSpecs.set(segment.id, { index, when: segment.when, description: segment.description });
  });
  const compiledSegments = new Map<string, Predicate>();
  const visiting = new Set<string>();
  let nextSegmentSlot = 0;
  const segmentIssues: RuleIssue[] = [];
  const resolveSegment = (name: string, at: DocPath, into: RuleIssue[]): Predicate | undefined => {
    const done = compiledSegments.get(name);
    if (done) return done;
    const spec = segmentSpecs.get(name);
    if (!spec) {
      into.push({
        path: at,
        message: `unknown segment "${name}" (expected one of ${[...segmentSpecs.keys()].join(', ') || 'the ids in segments.yaml'})`,
      });
      return undefined;
    }
    if (visiting.has(name)) {
      into.push({ path: at, message: `segment "${name}" refers back to itself` });
      return undefined;
    }
    visiting.add(name);
    const rule = compileRule(spec.when, ['segments', spec.index, 'when'], ruleEnv('contact', segmentIssues));
    // Campaigns share segments, so each subject remembers a segment's answer in its own slot.
    const slot = nextSegmentSlot++;
    const compiled: Predicate = (s) => {
      let hit = s.segments[slot];
      if (hit === undefined) {
        hit = rule(s);
        s.segments[slot] = hit;
      }
      return hit;
    };
    visiting.delete(name);
    compiledSegments.set(name, compiled);
    return compiled;
  };
  const ruleEnv = (scope: 'account' | 'contact', into: RuleIssue[]): RuleEnv => ({
    fields,
    scope,
    issues: into,
    segment: (name, at) => resolveSegment(name, at, into),
  });
  for (const name of segmentSpecs.keys()) resolveSegment(name, [], segmentIssues);
  if (segmentSource) {
    positioned(segmentSource, issues);
    positioned(segmentSource, segmentIssues);
  }

  const tierSource = sources.get('tiers');
  const tierRules = (tiersSpec?.tiers ?? []).map((rule, index) => ({
    tier: rule.tier,
    because: rule.because,
    matches: compileRule(rule.when, ['tiers', index, 'when'], ruleEnv('account', issues)),
  }));
  if (tierSource) positioned(tierSource, issues);

  const healthSource = sources.get('health');
  if (health && healthSource) {
    const known = new Set(product?.features ?? []);
    health.keyFeatures.forEach((feature, index) => {
      if (!known.has(feature))
        issues.push({
          path: ['keyFeatures', index],
          message: `unknown feature "${feature}" (expected one of ${[...known].join(', ')} from product.yaml)`,
        });
    });
    if (health.thresholds.green <= health.thresholds.yellow)
      issues.push({
        path: ['thresholds'],
        message: `green must be above yellow (got green ${health.thresholds.green}, yellow ${health.thresholds.yellow})`,
      });
    const measureIds = new Set<string>();
    health.measures.forEach((measure, index) => {
      if (measureIds.has(measure.id))
        issues.push({ path: ['measures', index, 'id'], message: `duplicate measure id "${measure.id}"` });
      measureIds.add(measure.id);
      const ordered =
        measure.direction === 'higher-is-better'
          ? measure.green >= measure.yellow
          : measure.green <= measure.yellow;
      if (!ordered)
        issues.push({
          path: ['measures', index],
          message: `measure "${measure.id}" has green ${measure.green} and yellow ${measure.yellow}, which contradicts direction ${measure.direction}`,
        });
    });
    positioned(healthSource, issues);
  }

  const policySource = sources.get('policy');
  let policy: CompiledPolicy | undefined;
  if (policySpec && policySource) {
    if (!isTimeZone(policySpec.fallbackTimeZone))
      issues.push({
        path: ['fallbackTimeZone'],
        message: `unknown time zone "${policySpec.fallbackTimeZone}" (expected an IANA name such as Asia/Tokyo or America/New_York)`,
      });
    if (policySpec.sendWindow.start >= policySpec.sendWindow.end)
      issues.push({
        path: ['sendWindow'],
        message: `start must be before end (got ${policySpec.sendWindow.start}–${policySpec.sendWindow.end})`,
      });
    positioned(policySource, issues);
    policy = {
      spec: policySpec,
      window: compileWindow(policySpec.sendWindow),
      fallbackTimeZone: policySpec.fallbackTimeZone,
      capMax: policySpec.frequencyCap.max,
      capPerMs: parseDuration(policySpec.frequencyCap.per) ?? 0,
      stepExpiryMs: parseDuration(policySpec.stepExpiry) ?? 0,
    };
  }

  const compiled: CompiledCampaign[] = [];
  const campaignIds = new Map<string, string>();
  for (const { source, spec } of campaignSpecs) {
    if (!spec || !policy) continue;
    const first = campaignIds.get(spec.id);
    if (first)
      issues.push({ path: ['id'], message: `duplicate campaign id "${spec.id}" (already used in ${first})` });
    campaignIds.set(spec.id, source.file);
    if (spec.sendWindow && spec.sendWindow !== 'any' && spec.sendWindow.start >= spec.sendWindow.end)
      issues.push({
        path: ['sendWindow'],
        message: `start must be before end (got ${spec.sendWindow.start}–${spec.sendWindow.end})`,
      });
    const campaign = compileCampaign(spec, source.file, {
      rules: ruleEnv('contact', issues),
      policy,
      templateIds,
      features: new Set(product?.features ?? []),
    });
    positioned(source, issues);
    if (spec.status === 'active') compiled.push(campaign);
  }

  errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  if (errors.length > 0 || !product || !policy) return { errors };
  compiled.sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  const segments = new Map(
    [...segmentSpecs].map(([id, spec]) => [
      id,
      { description: spec.description, matches: compiledSegments.get(id) ?? (() => false) },
    ]),
  );
  return {
    errors,
    program: {
      product,
      fields,
      policy,
      segments,
      tiers: { rules: tierRules, fallback: tiersSpec?.default ?? 'low' },
      health,
      campaigns: compiled,
    },
  };
}

/** Formats errors one per line as `file:line:col  message`. */
export function formatProgramErrors(errors: readonly ProgramError[]): string {
  return errors.map((e) => `${e.file}:${e.line}:${e.col}  ${e.message}`).join('\n');
}
