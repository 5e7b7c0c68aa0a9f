import type { Program } from '../campaign/program.ts';
import { prepareAccount, subjectOf } from '../campaign/subject.ts';
import type { Account, Health, Tier } from '../shared/domain.ts';

/** Assigns a touch tier from the ordered tier rules (first match wins), with the rule's reason. */
export function assignTier(
  program: Program,
  account: Account,
  health: Health | undefined,
  now: number,
): { tier: Tier; because: string } {
  const subject = subjectOf(prepareAccount(health ? { ...account, health } : account), undefined, now);
  for (const rule of program.tiers.rules)
    if (rule.matches(subject)) return { tier: rule.tier, because: rule.because };
  return { tier: program.tiers.fallback, because: 'default' };
}
