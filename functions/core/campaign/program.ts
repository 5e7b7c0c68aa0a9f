import type { Channel } from '../sending/send.ts';
import type { Tier } from '../shared/domain.ts';
import type { FieldDef, ProductCatalog } from './fields.ts';
import type { CampaignSpec, HealthFile, PolicyFile } from './program-schema.ts';
import type { Predicate } from './rules.ts';
import type { CompiledWindow } from './time-window.ts';
import type { CompiledTrigger } from './triggers.ts';

/** When a step falls due. */
export type StepTiming =
  | { kind: 'after'; ms: number }
  | { kind: 'at'; offsetMs: number }
  | { kind: 'sendAt'; at: number };

/** A step ready for the planner. */
export interface CompiledStep {
  id: string;
  index: number;
  timing: StepTiming;
  when: Predicate | undefined;
  channel: Channel;
  template: string | undefined;
  variants: { id: string; weight: number; template: string | undefined }[];
  totalWeight: number;
  bySegment: { segment: string; matches: Predicate; template: string }[];
  bypassCap: boolean;
  expiresAfterMs: number;
  /** null: every contact; else the roles tried first when the step reaches one contact per account */
  perAccount: { rolePriority: readonly string[] } | null;
  /** a wait step: sends nothing, and leads to `then` when `until` holds, to `else` after the timeout */
  wait: CompiledWait | undefined;
  /** the waits whose branches lead here; such a step is due `after` the branch, and only if taken */
  reachedFrom: readonly string[];
}

/** A wait step's condition, timeout and the two steps it can lead to. */
export interface CompiledWait {
  until: Predicate;
  timeoutMs: number;
  then: string;
  else: string;
}

/** A campaign with its rules compiled once. */
export interface CompiledCampaign {
  id: string;
  name: string;
  kind: CampaignSpec['kind'];
  topic: string;
  priority: number;
  defaultLocale: string;
  file: string;
  spec: CampaignSpec;
  audience: Predicate;
  entry: Predicate | undefined;
  /** the usage event that enters contacts at once (`entry.on`), if any */
  trigger: CompiledTrigger | undefined;
  goal: Predicate | undefined;
  goalWithinMs: number;
  exitWhenOutOfAudience: boolean;
  holdoutFraction: number;
  /** null: never re-enter after an exit */
  reentryAfterMs: number | null;
  /** null: any hour */
  window: CompiledWindow | null;
  /** the date field `at` steps hang from; each value of it is one occurrence */
  anchor: FieldDef | undefined;
  /** after this instant the campaign can no longer enroll anyone (one-shot broadcasts) */
  endsAt: number | undefined;
  steps: CompiledStep[];
}

/** The policy with durations and the window compiled. */
export interface CompiledPolicy {
  spec: PolicyFile;
  window: CompiledWindow;
  fallbackTimeZone: string;
  capMax: number;
  capPerMs: number;
  stepExpiryMs: number;
  /** share of contacts kept out of every campaign's emails (policy globalHoldout), 0–1 */
  globalHoldoutFraction: number;
}

/** Everything loaded from campaigns/: the one object the planner, health and tiers run on. */
export interface Program {
  product: ProductCatalog;
  fields: ReadonlyMap<string, FieldDef>;
  policy: CompiledPolicy;
  segments: ReadonlyMap<string, { description: string | undefined; matches: Predicate }>;
  tiers: { rules: { tier: Tier; because: string; matches: Predicate }[]; fallback: Tier };
  health: HealthFile | undefined;
  /** active campaigns first by priority, then by id */
  campaigns: CompiledCampaign[];
}
