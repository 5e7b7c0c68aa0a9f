import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomStream } from '../cli/demo/random.ts';
import { FEATURES } from '../cli/demo/seed-data.ts';
import { loadProgram } from '../functions/core/campaign/load-program.ts';
import { emptyPlanState, type PlanState } from '../functions/core/campaign/plan-state.ts';
import { applyDecisions, planContact, prepareAccounts } from '../functions/core/campaign/planner.ts';
import type { PreparedAccount } from '../functions/core/campaign/subject.ts';
import type { Account, Contact } from '../functions/core/shared/domain.ts';
import { type BenchResult, bestCpuOf } from './bench-result.ts';
import { EXTRA_CAMPAIGNS } from './planner-campaigns.ts';

const DAY = 86_400_000;
export const NOW = Date.parse('2026-12-01T01:00:00Z');

/** A synthetic customer base: `perAccount` contacts per account, usage spread over the last 40 days. */
export function population(n: number, perAccount = 20): { accounts: Account[]; contacts: Contact[] } {
  const random = randomStream(7, 'bench-population');
  const r = random.next;
  const iso = (ms: number) => new Date(ms).toISOString();
  const accounts: Account[] = Array.from({ length: Math.max(1, Math.floor(n / perAccount)) }, (_, i) => ({
    id: `a${i}`,
    name: `Account ${i}`,
    plan: 'business',
    status: r() < 0.15 ? 'trial' : 'active',
    currency: 'JPY',
    arr: Math.floor(r() * 9_000_000),
    mrr: 0,
    seats: Math.floor(r() * 300),
    startedAt: iso(NOW - 400 * DAY),
    trialEndsAt: iso(NOW + Math.floor(r() * 20) * DAY),
    renewalAt: iso(NOW + Math.floor(r() * 365) * DAY),
    referrals: 0,
    caseStudy: false,
  }));
  const contacts: Contact[] = Array.from({ length: n }, (_, i) => {
    const logins30d = Math.floor(r() * 30);
    const features: Contact['usage']['features'] = {};
    for (const f of FEATURES)
      if (r() < 0.5)
        features[f] = { count: Math.floor(r() * 20), lastUsedAt: iso(NOW - Math.floor(r() * 40) * DAY) };
    return {
      id: `c${i}`,
      accountId: `a${i % accounts.length}`,
      email: `c${i}@example.com`,
      name: `Contact ${i}`,
      locale: r() < 0.6 ? 'ja' : 'en',
      timeZone: r() < 0.6 ? 'Asia/Tokyo' : 'America/New_York',
      role: r() < 0.2 ? 'admin' : 'user',
      signedUpAt: iso(NOW - Math.floor(r() * 200) * DAY),
      topicOptOuts: [],
      unsubscribedAll: false,
      suppressed: false,
      usage: {
        logins7d: Math.floor(logins30d / 4),
        logins30d,
        lastLoginAt: iso(NOW - Math.floor(r() * 30) * DAY),
        helpVisits30d: 0,
        features,
        milestones: Object.fromEntries(r() < 0.5 ? [['firstProjectCreated', iso(NOW - 10 * DAY)]] : []),
      },
    };
  });
  return { accounts, contacts };
}

/** The shipped campaigns plus seven more: ten active campaigns. */
export function benchProgram() {
  const dir = join(import.meta.dirname, '../campaigns');
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => ({ path: `campaigns/${n}`, text: readFileSync(join(dir, n), 'utf8') }));
  for (const [name, text] of Object.entries(EXTRA_CAMPAIGNS)) files.push({ path: `campaigns/${name}`, text });
  const templates = new Set(
    files.flatMap((f) => [...f.text.matchAll(/template: ([\w/-]+)/g)].map((m) => m[1] ?? '')),
  );
  const { program, errors } = loadProgram(files, templates);
  if (!program) throw new Error(errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('\n'));
  return program;
}

/** The same audience, entry and goal rules as the ten campaigns, written by hand. */
function handWritten(c: Contact, a: Account, now: number): number {
  const u = c.usage;
  const signedUp = Date.parse(c.signedUpAt);
  const lastLogin = u.lastLoginAt ? Date.parse(u.lastLoginAt) : Number.NaN;
  const renewal = a.renewalAt ? Date.parse(a.renewalAt) : Number.NaN;
  const trialEnds = a.trialEndsAt ? Date.parse(a.trialEndsAt) : Number.NaN;
  const count = (f: string) => u.features[f]?.count ?? 0;
  const newContact = signedUp <= now && signedUp >= now - 14 * DAY;
  const power = u.logins30d >= 15 && Object.keys(u.features).length >= 4;
  const atRisk = u.logins30d < 4 && !newContact;
  const admin = c.role === 'owner' || c.role === 'admin' || c.role === 'billing';
  const project = u.milestones.firstProjectCreated !== undefined;
  let matches = 0;
  if (admin && a.status === 'active' && renewal >= now && renewal <= now + 95 * DAY) matches++;
  if (newContact && (a.tier === 'low' || a.tier === 'tech') && signedUp >= now - 3 * DAY && !project)
    matches++;
  if (a.status === 'trial' || a.status === 'active') matches++;
  if (a.status === 'trial' && trialEnds >= now && trialEnds <= now + 14 * DAY) matches++;
  if (atRisk && (a.tier === 'low' || a.tier === 'tech') && lastLogin < now - 14 * DAY && !(u.logins7d >= 2))
    matches++;
  if (count('reports') === 0 && count('projects') >= 3) matches++;
  if (count('integrations') === 0 && u.logins30d >= 8 && u.milestones.integrationConnected === undefined)
    matches++;
  if (power && count('automations') === 0) matches++;
  if (signedUp < now - 90 * DAY && a.status === 'active') matches++;
  if (count('projects') >= 10 && count('guest-access') === 0) matches++;
  return matches;
}

/**
 * Three hourly ticks enroll people, send first steps and close finished enrollments; what follows is the
 * steady state a tick normally meets.
 */
export function steadyStates(
  program: ReturnType<typeof benchProgram>,
  contacts: readonly Contact[],
  accountOf: (c: Contact) => PreparedAccount,
): PlanState[] {
  return contacts.map((contact) => {
    let state = emptyPlanState();
    for (let hour = 0; hour < 3; hour++) {
      const now = NOW + hour * 3_600_000;
      const decisions = planContact(program, { contact, account: accountOf(contact), state, now });
      state = applyDecisions(program, state, decisions, now);
    }
    return state;
  });
}

/** planner-vs-handwritten: contacts/s of the compiled planner over ten campaigns against hand-written rules. */
export async function benchPlanner(contactsCount = 100_000): Promise<BenchResult[]> {
  const program = benchProgram();
  if (program.campaigns.length !== 10)
    throw new Error(`expected 10 campaigns, got ${program.campaigns.length}`);
  const { accounts, contacts } = population(contactsCount);
  const prepared = prepareAccounts(program, accounts, NOW);
  const accountOf = (c: Contact): PreparedAccount => {
    const found = prepared.get(c.accountId);
    if (!found) throw new Error(`no account ${c.accountId}`);
    return found;
  };
  const states = steadyStates(program, contacts, accountOf);
  const later = NOW + 3 * 3_600_000;
  let sink = 0;
  const plannerMs = await bestCpuOf(5, () => {
    for (let i = 0; i < contacts.length; i++) {
      const contact = contacts[i];
      const state = states[i];
      if (!contact || !state) continue;
      sink += planContact(program, { contact, account: accountOf(contact), state, now: later }).length;
    }
  });
  const plainAccounts = new Map([...prepared].map(([id, p]) => [id, p.account]));
  const handMs = await bestCpuOf(5, () => {
    for (const contact of contacts) {
      const account = plainAccounts.get(contact.accountId);
      if (account) sink += handWritten(contact, account, later);
    }
  });
  if (sink === 0) throw new Error('the bench did no work');
  const value = contacts.length / (plannerMs / 1000);
  const baseline = contacts.length / (handMs / 1000);
  return [
    {
      name: 'planner-vs-handwritten',
      value: Math.round(value),
      unit: 'contacts/s',
      baseline: Math.round(baseline),
      ratio: Number((value / baseline).toFixed(3)),
      target: '>= 0.5 (and >= 500000 contacts/s)',
    },
  ];
}
