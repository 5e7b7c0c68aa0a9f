// Real-time entry: a campaign can enter contacts on a usage event (`entry: { on: … }`). The entry rule is
// "the event happened within the last `within`", read from the fields the event updates, so the hourly
// tick and the plan-now path after ingestion run the same rule through the same planner, and the
// claim-before-send makes sure only one of them sends.
import { z } from 'zod';
import { parseDuration, toEpoch } from '../shared/duration.ts';
import type { CompiledCampaign, Program } from './program.ts';
import type { DocPath, Predicate, RuleEnv } from './rules.ts';
import { lastLoginMs, type Subject, signedUpMs } from './subject.ts';

/** What a campaign can enter on: a sign-up, a login, an NPS answer, a feature used or a milestone reached. */
export const TriggerSpec = z.union(
  [
    z.enum(['signup', 'login', 'nps']),
    z.strictObject({ feature: z.string().min(1) }),
    z.strictObject({ milestone: z.string().min(1) }),
  ],
  {
    error: (issue) =>
      `expected one of signup, login, nps, { feature: <feature> } or { milestone: <milestone> }, got ${JSON.stringify(issue.input)}`,
  },
);
export type TriggerSpec = z.infer<typeof TriggerSpec>;

/** The usage event types that can set off a trigger, by trigger kind. */
const EVENT_OF = { signup: 'signup', login: 'login', nps: 'nps.responded' } as const;

/** The event a trigger listens to, as a usage event `type` plus the feature or milestone name. */
export interface TriggerEvent {
  type: string;
  feature?: string;
  milestone?: string;
}

/** A trigger compiled against the field table: when its event last happened for the subject. */
export interface CompiledTrigger {
  spec: TriggerSpec;
  withinMs: number;
  lastAt(subject: Subject): number | undefined;
  /** Whether a usage event of this shape sets off the trigger. */
  matches(event: TriggerEvent): boolean;
}

/** Compiles `entry.on`, reporting unknown features and milestones at `path`. */
export function compileTrigger(
  spec: TriggerSpec,
  within: string,
  path: DocPath,
  env: RuleEnv,
): CompiledTrigger {
  const withinMs = parseDuration(within) ?? 0;
  if (typeof spec === 'string') {
    const lastAt: (s: Subject) => number | undefined =
      spec === 'signup'
        ? signedUpMs
        : spec === 'login'
          ? lastLoginMs
          : (s) =>
              s.contact && s.account.account.nps?.contactId === s.contact.id
                ? s.account.npsRespondedMs
                : undefined;
    return { spec, withinMs, lastAt, matches: (event) => event.type === EVENT_OF[spec] };
  }
  if ('feature' in spec) {
    const name = spec.feature;
    if (!env.fields.has(`usage.features.${name}.lastUsedAt`))
      env.issues.push({
        path: [...path, 'feature'],
        message: `unknown feature "${name}" (expected one of the features in product.yaml: ${namesUnder(env, 'usage.features.', '.lastUsedAt')})`,
      });
    return {
      spec,
      withinMs,
      lastAt: (s) => toEpoch(s.contact?.usage.features[name]?.lastUsedAt),
      matches: (event) => event.type === 'feature.used' && event.feature === name,
    };
  }
  const name = spec.milestone;
  if (!env.fields.has(`usage.milestones.${name}`))
    env.issues.push({
      path: [...path, 'milestone'],
      message: `unknown milestone "${name}" (expected one of the milestones in product.yaml: ${namesUnder(env, 'usage.milestones.', '')})`,
    });
  return {
    spec,
    withinMs,
    lastAt: (s) => toEpoch(s.contact?.usage.milestones[name]),
    matches: (event) => event.type === 'milestone.reached' && event.milestone === name,
  };
}

function namesUnder(env: RuleEnv, prefix: string, suffix: string): string {
  const names: string[] = [];
  for (const path of env.fields.keys())
    if (path.startsWith(prefix) && path.endsWith(suffix)) {
      const name = path.slice(prefix.length, path.length - suffix.length);
      if (name && !name.includes('.')) names.push(name);
    }
  return names.join(', ') || 'none';
}

/** The entry rule of a trigger: its event happened at most `within` before now (and not in the future). */
export function triggerPredicate(trigger: CompiledTrigger): Predicate {
  return (s) => {
    const at = trigger.lastAt(s);
    return at !== undefined && at <= s.now && s.now - at <= trigger.withinMs;
  };
}

/** The active campaigns that a usage event can make a contact enter at once. */
export function campaignsTriggeredBy(program: Program, event: TriggerEvent): CompiledCampaign[] {
  return program.campaigns.filter((campaign) => campaign.trigger?.matches(event) === true);
}
