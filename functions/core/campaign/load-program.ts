import type { z } from 'zod';
import { printable } from '../shared/suggest.ts';
import { compileCampaign } from './compile-campaign.ts';
import { buildFieldTable } from './fields.ts';
import type { CompiledCampaign, Program } from './program.ts';
import {
  CampaignSpec,
  HealthFile,
  PolicyFile,
  ProductFile,
  SegmentsFile,
  TiersFile,
} from './program-schema.ts';
import { compileRule, type DocPath, type Predicate, type RuleEnv, type RuleIssue } from './rules.ts';
import { salvage, salvageEntries, withStandIns } from './salvage.ts';
import { describeSchema, zodIssuesToErrors } from './schema-messages.ts';
import { checkHealth, policyView, productView, tierEntries } from './shared-files.ts';
import { locate, type ProgramError, parseYamlSource, pathText, type YamlSource } from './yaml-source.ts';

export type { ProgramError };

/** One campaign-language file as read from disk. */
export interface SourceFile {
  /** path as shown in errors, e.g. campaigns/onboarding.yaml */
  path: string;
  /** the file's bytes (checked for UTF-8), or text already decoded */
  text: string | Uint8Array;
}

const SHARED = ['product', 'segments', 'tiers', 'health', 'policy'] as const;
type SharedName = (typeof SHARED)[number];

function baseName(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\.ya?ml$/, '');
}

function isShared(name: string): name is SharedName {
  return (SHARED as readonly string[]).includes(name);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Stand-ins for a campaign's broken required keys, so its steps and rules are still checked.
const CAMPAIGN_STAND_INS = { id: 'unnamed', kind: 'onboarding', topic: 'unnamed', audience: {} };
const STUB_STEPS = [{ id: 'stub', after: '0d', channel: 'csm-alert' }];

/** Loads, validates and compiles the whole campaign directory, reporting every error at once. */
export function loadProgram(
  files: readonly SourceFile[],
  templateIds: ReadonlySet<string>,
): { program?: Program; errors: ProgramError[] } {
  const errors: ProgramError[] = [];
  const sources = new Map<string, YamlSource>();
  const campaigns: YamlSource[] = [];
  // In file-name order whatever the caller's order, so "duplicate" always names the same file.
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const { source, errors: syntax } = parseYamlSource(file.path, file.text);
    errors.push(...syntax);
    const name = baseName(file.path);
    if (isShared(name)) sources.set(name, source);
    else campaigns.push(source);
  }

  // Every file is checked against its whole schema for the messages; what is valid of it is then salvaged
  // below, so one bad entry neither hides the checks of the others nor causes errors in other files.
  const report = <T extends z.ZodType>(source: YamlSource | undefined, schema: T): z.infer<T> | undefined => {
    if (!source || source.data === undefined) return undefined;
    if (source.data === null) {
      // An empty file (or only comments) is one mistake, not one per missing key.
      errors.push({
        file: source.file,
        line: 1,
        col: 1,
        message: `the file is empty (expected ${describeSchema(schema) ?? 'a mapping'}); delete it if it is not needed`,
      });
      return undefined;
    }
    const parsed = schema.safeParse(source.data);
    if (parsed.success) return parsed.data;
    errors.push(...zodIssuesToErrors(source, schema, parsed.error.issues));
    return undefined;
  };
  const positioned = (source: YamlSource | undefined, issues: RuleIssue[]) => {
    for (const issue of issues) {
      // Without a readable product.yaml, feature and milestone names cannot be judged.
      if (!product.known && /^unknown (field "usage\.(features|milestones)\.|feature ")/.test(issue.message))
        continue;
      if (!source) continue;
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
  const dataOf = (name: SharedName) => sources.get(name)?.data;
  report(sources.get('product'), ProductFile);
  report(sources.get('policy'), PolicyFile);
  report(sources.get('segments'), SegmentsFile);
  report(sources.get('tiers'), TiersFile);
  report(sources.get('health'), HealthFile);
  const product = productView(dataOf('product'));
  const fields = buildFieldTable(product);
  const issues: RuleIssue[] = [];

  // Segments compile lazily so they can refer to each other; cycles are reported.
  const segmentSource = sources.get('segments');
  const segmentsRaw = dataOf('segments');
  // Unreadable segments.yaml: its own error is reported, and references to segments cannot be judged.
  const segmentsUnknown =
    segmentSource !== undefined && !(isMapping(segmentsRaw) && Array.isArray(segmentsRaw.segments));
  const segmentList =
    isMapping(segmentsRaw) && Array.isArray(segmentsRaw.segments) ? segmentsRaw.segments : [];
  const segmentSpecs = new Map<
    string,
    { index: number; when: Record<string, unknown>; description?: string }
  >();
  const brokenSegments = new Set<string>();
  const goodSegments = salvageEntries(SegmentsFile.shape.segments.element, segmentList);
  segmentList.forEach((entry, index) => {
    const id = isMapping(entry) ? entry.id : undefined;
    if (typeof id === 'string' && !goodSegments.some((g) => g.index === index)) brokenSegments.add(id);
  });
  for (const { index, value: segment } of goodSegments) {
    if (segmentSpecs.has(segment.id))
      issues.push({ path: ['segments', index, 'id'], message: `duplicate segment id "${segment.id}"` });
    else segmentSpecs.set(segment.id, { index, when: segment.when, description: segment.description });
  }
  const compiledSegments = new Map<string, Predicate>();
  const visiting = new Set<string>();
  let nextSegmentSlot = 0;
  const segmentIssues: RuleIssue[] = [];
  const resolveSegment = (name: string, at: DocPath, into: RuleIssue[]): Predicate | undefined => {
    const done = compiledSegments.get(name);
    if (done) return done;
    const spec = segmentSpecs.get(name);
    if (!spec) {
      // A segment whose own entry is broken is already reported in segments.yaml.
      if (!segmentsUnknown && !brokenSegments.has(name))
        into.push({
          path: at,
          message: `unknown segment "${name}" (expected one of ${[...segmentSpecs.keys(), ...brokenSegments].join(', ') || 'the ids in segments.yaml'})`,
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
  positioned(segmentSource, issues);
  positioned(segmentSource, segmentIssues);

  const tiers = tierEntries(dataOf('tiers'));
  const tierRules = tiers.rules.map(({ index, value: rule }) => ({
    tier: rule.tier,
    because: rule.because,
    matches: compileRule(rule.when, ['tiers', index, 'when'], ruleEnv('account', issues)),
  }));
  positioned(sources.get('tiers'), issues);

  const healthSource = sources.get('health');
  const health = healthSource ? checkHealth(healthSource.data, product, issues) : undefined;
  positioned(healthSource, issues);

  const policySource = sources.get('policy');
  const { policy, valid: policyValid } = policyView(policySource?.data, issues);
  positioned(policySource, issues);

  const compiled: CompiledCampaign[] = [];
  const campaignIds = new Map<string, string>();
  const features = new Set(product.features);
  for (const source of campaigns) {
    const whole = report(source, CampaignSpec);
    const raw = source.data;
    if (!isMapping(raw)) continue;
    const steps = salvageEntries(CampaignSpec.shape.steps.element, raw.steps);
    const rest = whole
      ? { value: whole, partial: false }
      : salvage(CampaignSpec, withStandIns(CampaignSpec, { ...raw, steps: STUB_STEPS }, CAMPAIGN_STAND_INS));
    if (!rest) continue;
    const spec = { ...rest.value, steps: steps.map((s) => s.value) };
    const idValid = CampaignSpec.shape.id.safeParse(raw.id).success;
    const first = campaignIds.get(spec.id);
    if (first && idValid)
      issues.push({ path: ['id'], message: `duplicate campaign id "${spec.id}" (already used in ${first})` });
    if (idValid && !first) campaignIds.set(spec.id, source.file);
    if (spec.sendWindow && spec.sendWindow !== 'any' && spec.sendWindow.start >= spec.sendWindow.end)
      issues.push({
        path: ['sendWindow'],
        message: `start must be before end (got ${spec.sendWindow.start}–${spec.sendWindow.end})`,
      });
    const topics = Object.keys(policy.spec.topics);
    const topicValid = CampaignSpec.shape.topic.safeParse(raw.topic).success;
    if (topicValid && topics.length > 0 && !topics.includes(spec.topic))
      issues.push({
        path: ['topic'],
        message: `topic "${spec.topic}" is not declared in policy.yaml topics (expected one of ${topics.join(', ')}, or add it there with a name and description)`,
      });
    const campaign = compileCampaign(
      spec,
      source.file,
      { rules: ruleEnv('contact', issues), policy, templateIds, features, knownFeatures: product.known },
      {
        stepIndexes: steps.map((s) => s.index),
        partialSteps: new Set(steps.filter((s) => s.partial).map((s) => s.index)),
        partial: !whole,
      },
    );
    positioned(source, issues);
    if (spec.status === 'active') compiled.push(campaign);
  }

  const shown = errors.map((e) => ({ ...e, file: printable(e.file), message: printable(e.message) }));
  shown.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  if (shown.length > 0 || !product.valid || !policyValid) return { errors: shown };
  compiled.sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  const segments = new Map(
    [...segmentSpecs].map(([id, spec]) => [
      id,
      { description: spec.description, matches: compiledSegments.get(id) ?? (() => false) },
    ]),
  );
  return {
    errors: shown,
    program: {
      product: product.valid,
      fields,
      policy,
      segments,
      tiers: { rules: tierRules, fallback: tiers.fallback },
      health,
      campaigns: compiled,
    },
  };
}

/** Formats errors one per line as `file:line:col  message`. */
export function formatProgramErrors(errors: readonly ProgramError[]): string {
  return errors.map((e) => `${printable(e.file)}:${e.line}:${e.col}  ${printable(e.message)}`).join('\n');
}
