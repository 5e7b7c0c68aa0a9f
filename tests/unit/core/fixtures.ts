import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProgram, type SourceFile } from '../../../functions/core/campaign/load-program.ts';
import type { Program } from '../../../functions/core/campaign/program.ts';
import type { Account, Contact } from '../../../functions/core/shared/domain.ts';
import { Account as AccountSchema, Contact as ContactSchema } from '../../../functions/core/shared/domain.ts';

export const SHIPPED_TEMPLATES = new Set([
  'onboarding/welcome',
  'onboarding/first-project',
  'onboarding/invite-team',
  'onboarding/invite-team-b',
  'onboarding/check-in',
  'feature-release/announce-basics',
  'feature-release/announce-power',
  'renewal/90-days',
  'renewal/60-days',
  'renewal/30-days',
  't/a',
  't/b',
  't/c',
]);

/** The shipped campaign files, keyed by file name. */
export function shippedFiles(): Map<string, string> {
  const dir = join(import.meta.dirname, '../../../campaigns');
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.yaml')))
    out.set(name, readFileSync(join(dir, name), 'utf8'));
  return out;
}

export function toSources(files: Map<string, string>): SourceFile[] {
  return [...files].map(([name, text]) => ({ path: `campaigns/${name}`, text }));
}

/** Loads a program and fails loudly with the formatted errors when it does not compile. */
export function mustLoad(files: Map<string, string>): Program {
  const { program, errors } = loadProgram(toSources(files), SHIPPED_TEMPLATES);
  if (!program) throw new Error(errors.map((e) => `${e.file}:${e.line}:${e.col}  ${e.message}`).join('\n'));
  return program;
}

export const BASE_POLICY = `
fallbackTimeZone: Asia/Tokyo
sendWindow: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00" }
frequencyCap: { max: 2, per: 7d }
reentry: never
stepExpiry: 7d
brand: { company: Test KK, address: Tokyo, appUrl: "https://app.test", helpUrl: "https://help.test" }
`;

export const BASE_PRODUCT = `
features: [projects, tasks, reports, dashboards, integrations, automations, guest-access]
milestones: [firstProjectCreated, teammateInvited]
`;

/** A minimal program: product + policy (optionally overridden) + the given campaign/segment files. */
export function programOf(files: Record<string, string>, policy = BASE_POLICY): Program {
  const all = new Map<string, string>([
    ['product.yaml', BASE_PRODUCT],
    ['policy.yaml', policy],
    ...Object.entries(files),
  ]);
  return mustLoad(all);
}

export function account(overrides: Partial<Account> = {}): Account {
  return AccountSchema.parse({
    id: 'acc-1',
    name: 'Acme',
    plan: 'business',
    status: 'active',
    currency: 'JPY',
    arr: 1_000_000,
    mrr: 83_000,
    seats: 20,
    startedAt: '2025-01-01T00:00:00Z',
    tier: 'low',
    ...overrides,
  });
}

export function contact(overrides: Partial<Contact> = {}): Contact {
  return ContactSchema.parse({
    id: 'c-1',
    accountId: 'acc-1',
    email: 'c1@example.com',
    name: 'Aiko',
    locale: 'ja',
    timeZone: 'Asia/Tokyo',
    role: 'admin',
    signedUpAt: '2026-11-01T00:00:00Z',
    ...overrides,
  });
}
