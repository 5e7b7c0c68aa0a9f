import { parseDuration } from '../shared/duration.ts';
import { compileCalendar } from './business-calendar.ts';
import type { CompiledPolicy } from './program.ts';
import { HealthFile, PolicyFile, ProductFile, TiersFile } from './program-schema.ts';
import type { DocPath, RuleIssue } from './rules.ts';
import { salvage, salvageEntries, withStandIns } from './salvage.ts';
import { compileWindow, isTimeZone } from './time-window.ts';

// The checks of policy.yaml, product.yaml and health.yaml, each run on what is valid of the file so that
// one bad entry never hides the others, and never invents errors elsewhere.

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is known of product.yaml; `known` is false when its feature list could not be read at all. */
export interface ProductView {
  features: string[];
  milestones: string[];
  known: boolean;
  /** the file's value when it is entirely valid */
  valid: ProductFile | undefined;
}

/** Reads the feature and milestone names that are valid, even when other entries are not. */
export function productView(data: unknown): ProductView {
  const whole = ProductFile.safeParse(data);
  if (whole.success) return { ...whole.data, known: true, valid: whole.data };
  const names = (list: unknown) =>
    Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && x !== '') : [];
  const raw = isMapping(data) ? data : {};
  return {
    features: names(raw.features),
    milestones: names(raw.milestones),
    known: Array.isArray(raw.features),
    valid: undefined,
  };
}

const POLICY_STAND_INS = {
  fallbackTimeZone: 'UTC',
  sendWindow: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '00:00', end: '24:00' },
  frequencyCap: { max: 1, per: '1d' },
  brand: {
    company: '-',
    address: '-',
    appUrl: 'https://invalid.example',
    helpUrl: 'https://invalid.example',
  },
};

/** The policy to check campaigns against: the file's valid parts, with stand-ins where it is broken or missing. */
export function policyView(data: unknown, issues: RuleIssue[]): { policy: CompiledPolicy; valid: boolean } {
  const whole = PolicyFile.safeParse(data);
  const kept = whole.success
    ? { value: whole.data, partial: false }
    : salvage(PolicyFile, withStandIns(PolicyFile, data, POLICY_STAND_INS) ?? POLICY_STAND_INS);
  const spec = kept?.value ?? PolicyFile.parse(POLICY_STAND_INS);
  if (!isTimeZone(spec.fallbackTimeZone))
    issues.push({
      path: ['fallbackTimeZone'],
      message: `unknown time zone "${spec.fallbackTimeZone}" (expected an IANA name such as Asia/Tokyo or America/New_York)`,
    });
  if (spec.sendWindow.start >= spec.sendWindow.end)
    issues.push({
      path: ['sendWindow'],
      message: `start must be before end (got ${spec.sendWindow.start}–${spec.sendWindow.end})`,
    });
  return {
    valid: whole.success,
    policy: {
      spec,
      window: compileWindow(spec.sendWindow, compileCalendar(spec.calendar)),
      fallbackTimeZone: spec.fallbackTimeZone,
      capMax: spec.frequencyCap.max,
      capPerMs: parseDuration(spec.frequencyCap.per) ?? 0,
      stepExpiryMs: parseDuration(spec.stepExpiry) ?? 0,
      globalHoldoutFraction: Number.parseFloat(spec.globalHoldout) / 100,
    },
  };
}

/** The tier rules that are valid, with their positions, and the default tier. */
export function tierEntries(data: unknown) {
  const raw = isMapping(data) ? data : {};
  const fallback = TiersFile.shape.default.safeParse(raw.default);
  return {
    rules: salvageEntries(TiersFile.shape.tiers.element, raw.tiers),
    fallback: fallback.success ? fallback.data : 'low',
  };
}

/** Checks health.yaml's references and ordering; returns the file's value when it is entirely valid. */
export function checkHealth(
  data: unknown,
  product: ProductView,
  issues: RuleIssue[],
): HealthFile | undefined {
  const raw = isMapping(data) ? data : {};
  const known = new Set(product.features);
  if (product.known && Array.isArray(raw.keyFeatures))
    raw.keyFeatures.forEach((feature, index) => {
      if (typeof feature === 'string' && !known.has(feature))
        issues.push({
          path: ['keyFeatures', index],
          message: `unknown feature "${feature}" (expected one of ${[...known].join(', ')} from product.yaml)`,
        });
    });
  const thresholds = salvage(HealthFile.shape.thresholds, raw.thresholds);
  if (thresholds && !thresholds.partial && thresholds.value.green <= thresholds.value.yellow)
    issues.push({
      path: ['thresholds'],
      message: `green must be above yellow (got green ${thresholds.value.green}, yellow ${thresholds.value.yellow})`,
    });
  const measureIds = new Set<string>();
  for (const { index, value: measure } of salvageEntries(HealthFile.shape.measures.element, raw.measures)) {
    const at: DocPath = ['measures', index];
    if (measureIds.has(measure.id))
      issues.push({ path: [...at, 'id'], message: `duplicate measure id "${measure.id}"` });
    measureIds.add(measure.id);
    const ordered =
      measure.direction === 'higher-is-better'
        ? measure.green >= measure.yellow
        : measure.green <= measure.yellow;
    if (!ordered)
      issues.push({
        path: at,
        message: `measure "${measure.id}" has green ${measure.green} and yellow ${measure.yellow}, which contradicts direction ${measure.direction}`,
      });
  }
  const whole = HealthFile.safeParse(data);
  return whole.success ? whole.data : undefined;
}
