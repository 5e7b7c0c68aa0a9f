import type { CompiledCampaign, CompiledStep } from '../../functions/core/campaign/program.ts';
import { prepareAccount, subjectOf } from '../../functions/core/campaign/subject.ts';
import type { Account, Contact } from '../../functions/core/shared/domain.ts';
import { type PersonaName, personaData } from '../personas.ts';

// How preview and send-test date a sample email: at the moment the step would go out for the persona.

/** The sample persona a campaign kind renders for when none is named. */
export const DEFAULT_PERSONA: Record<string, PersonaName> = {
  onboarding: 'new',
  release: 'steady',
  renewal: 'steady',
};

/** A sample persona's data at the moment a step would go out for it, and how that moment was chosen. */
export interface SampleSend {
  now: number;
  contact: Contact;
  account: Account;
  /** which sample value dated the email, for steps timed from a date field or a broadcast time */
  timing?: string;
}

const DAY_MS = 86_400_000;

function offsetText(ms: number): string {
  const days = ms / DAY_MS;
  return `${days >= 0 ? '+' : '-'}${Math.abs(days)}d`;
}

function withField(data: { contact: Contact; account: Account }, path: string, value: string) {
  const [root, key, ...rest] = path.split('.');
  if (rest.length > 0 || key === undefined) return undefined;
  if (root === 'account') return { ...data, account: { ...data.account, [key]: value } };
  if (root === 'contact') return { ...data, contact: { ...data.contact, [key]: value } };
  return undefined;
}

/**
 * The persona at the moment a step goes out for it. A step timed `at: { field, offset }` takes its date from
 * that field of the persona (so `days_until` shows the step's own offset); with `--at`, the field is set so
 * that the step falls due at that instant. A broadcast uses its `sendAt`; other steps use `clock`.
 */
export function sampleSend(
  campaign: CompiledCampaign | undefined,
  step: CompiledStep | undefined,
  persona: PersonaName,
  locale: string,
  clock: number,
  clockGiven: boolean,
): SampleSend {
  if (step?.timing.kind === 'sendAt' && !clockGiven) {
    const now = step.timing.at;
    return { now, ...personaData(persona, locale, now), timing: `sendAt ${new Date(now).toISOString()}` };
  }
  const anchor = campaign?.anchor;
  if (step?.timing.kind !== 'at' || !anchor) return { now: clock, ...personaData(persona, locale, clock) };
  const offset = step.timing.offsetMs;
  let value = clock - offset;
  let source = clockGiven ? `set so that the step falls due at --at` : 'a sample value';
  if (!clockGiven) {
    const probe = personaData(persona, locale, clock);
    const own = anchor.get(subjectOf(prepareAccount(probe.account), probe.contact, clock));
    if (typeof own === 'number' && Number.isFinite(own)) {
      value = own;
      source = `persona ${persona}'s own`;
    } else source = `persona ${persona} has none; a sample value`;
  }
  const now = value + offset;
  const iso = new Date(value).toISOString();
  const base = personaData(persona, locale, now);
  const set = withField(base, anchor.path, iso);
  return {
    now,
    ...(set ?? base),
    timing: `at ${anchor.path} ${offsetText(offset)}: ${anchor.path} = ${iso} (${source}), so the email is dated ${new Date(now).toISOString()}`,
  };
}
