import type { Enrollment } from '../../../../functions/core/campaign/plan-state.ts';
import type { CampaignInfo, ContactEnrollment, KpiSnapshot } from '../../../../functions/core/kpi/inputs.ts';
import { type SendRecord, sendIdOf } from '../../../../functions/core/sending/send.ts';
import type { Account, Contact, DailyUsage, NpsResponse } from '../../../../functions/core/shared/domain.ts';

/** A small seeded PRNG (mulberry32) so fixtures are identical on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** A send record with sensible defaults for hand-written unit fixtures. */
export function send(partial: Partial<SendRecord> & { contactId: string; claimedAt: string }): SendRecord {
  const campaignId = partial.campaignId ?? 'onboarding';
  const stepId = partial.stepId ?? 'welcome';
  return {
    sendId: partial.sendId ?? sendIdOf(campaignId, stepId, partial.contactId, partial.occurrence),
    campaignId,
    stepId,
    variantId: 'default',
    accountId: 'acct-1',
    channel: 'email',
    template: `${campaignId}/${stepId}`,
    topic: campaignId,
    bypassCap: false,
    status: 'sent',
    updatedAt: partial.claimedAt,
    sentAt: partial.claimedAt,
    locale: 'en',
    ...partial,
  };
}

/** An account with defaults for hand-written fixtures. */
export function account(partial: Partial<Account> & { id: string }): Account {
  return {
    name: `Company ${partial.id}`,
    plan: 'team',
    status: 'active',
    currency: 'USD',
    arr: 12_000,
    mrr: 1_000,
    seats: 10,
    startedAt: '2025-01-01T00:00:00Z',
    referrals: 0,
    caseStudy: false,
    ...partial,
  };
}

/** A contact with defaults for hand-written fixtures (name and email present on purpose: exports must drop them). */
export function contact(partial: Partial<Contact> & { id: string; accountId: string }): Contact {
  return {
    email: `${partial.id}@customer.example`,
    name: `Person ${partial.id}`,
    locale: 'en',
    role: 'user',
    signedUpAt: '2026-01-01T00:00:00Z',
    topicOptOuts: [],
    unsubscribedAll: false,
    suppressed: false,
    usage: { logins7d: 0, logins30d: 0, helpVisits30d: 0, features: {}, milestones: {} },
    ...partial,
  };
}

/** One daily usage row. */
export function usage(
  contactId: string,
  date: string,
  logins: number,
  features: Record<string, number> = {},
) {
  const row: DailyUsage = { contactId, accountId: 'acct-1', date, logins, helpVisits: 0, features };
  return row;
}

/** Options of the realistic generator. */
export interface FixtureOptions {
  seed?: number;
  /** last day of the generated month of activity */
  end?: string;
  days?: number;
  accounts?: number;
  contactsPerAccount?: number;
}

const FIRST = ['Yuki', 'Haruto', 'Sakura', 'Ren', 'Aoi', 'Olivia', 'Liam', 'Emma', 'Noah', 'Mia'];
const LAST = ['Tanaka', 'Suzuki', 'Sato', 'Watanabe', 'Ito', 'Smith', 'Garcia', 'Müller', 'Rossi', "O'Brien"];
const FEATURES = ['projects', 'reports', 'automations', 'integrations', 'dashboards', 'api'];

/** The campaigns of the generated world. */
export const FIXTURE_CAMPAIGNS: CampaignInfo[] = [
  { id: 'onboarding', kind: 'onboarding', stepIds: ['welcome', 'first-project', 'invite-team'] },
  { id: 'feature-release', kind: 'release', stepIds: ['announce'] },
  { id: 'renewal', kind: 'renewal', stepIds: ['d90', 'd60', 'd30'] },
];

/**
 * A realistic month: accounts in three tiers and two currencies, contacts with names and emails,
 * an onboarding campaign with a 10% holdout and a real login lift, a release broadcast, renewal
 * reminders, machine opens, bounces, complaints, unsubscribes, NPS answers and a few churned accounts.
 */
export function generateKpiFixture(options: FixtureOptions = {}): KpiSnapshot {
  const rand = seededRandom(options.seed ?? 7);
  const end = options.end ?? '2026-11-21';
  const days = options.days ?? 30;
  const startMs = dayMs(end) - (days - 1) * DAY;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] ?? (list[0] as T);
  const accounts: Account[] = [];
  const contacts: Contact[] = [];
  const sends: SendRecord[] = [];
  const enrollments: ContactEnrollment[] = [];
  const dailyUsage: DailyUsage[] = [];
  const npsResponses: NpsResponse[] = [];
  const nAccounts = options.accounts ?? 36;
  const perAccount = options.contactsPerAccount ?? 6;

  for (let a = 0; a < nAccounts; a += 1) {
    const id = `acct-${String(a + 1).padStart(3, '0')}`;
    const tier = a % 6 === 0 ? 'high' : a % 3 === 0 ? 'low' : 'tech';
    const currency = a % 4 === 0 ? 'JPY' : 'USD';
    const mrr = currency === 'JPY' ? 50_000 + Math.round(rand() * 400_000) : 200 + Math.round(rand() * 4000);
    const churnedAt = a % 11 === 5 ? iso(startMs + Math.floor(rand() * days) * DAY + 3_600_000) : undefined;
    const scoreValue = Math.round(rand() * 100);
    const color = scoreValue >= 70 ? 'green' : scoreValue >= 40 ? 'yellow' : 'red';
    accounts.push({
      id,
      name: `${pick(LAST)} Holdings ${a + 1}`,
      plan: tier === 'high' ? 'enterprise' : 'team',
      status: churnedAt ? 'churned' : a % 13 === 12 ? 'trial' : 'active',
      currency,
      arr: mrr * 12,
      mrr,
      seats: perAccount + 4,
      startedAt: iso(startMs - (200 + a * 9) * DAY),
      ...(churnedAt ? { churnedAt } : {}),
      ...(a % 13 === 12 ? { trialEndsAt: iso(startMs + 40 * DAY) } : {}),
      renewalAt: iso(startMs + (20 + a * 5) * DAY),
      referrals: 0,
      caseStudy: false,
      tier,
      ...(a % 9 === 8
        ? {}
        : { health: { score: scoreValue, color, measures: {}, computedAt: iso(startMs) } }),
      ...(tier === 'high'
        ? { csmId: `csm-${(a % 2) + 1}`, csmEmail: `csm${(a % 2) + 1}@vendor.example` }
        : {}),
    });
    for (let c = 0; c < perAccount; c += 1) {
      const cid = `c-${String(a * perAccount + c + 1).padStart(4, '0')}`;
      const first = pick(FIRST);
      const last = pick(LAST);
      const signedUpMs = startMs + Math.floor(rand() * days) * DAY + 9 * 3_600_000;
      const engaged = 0.3 + rand() * 0.6;
      contacts.push({
        id: cid,
        accountId: id,
        email: `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}${a}${c}@customer${a}.example`,
        name: `${first} ${last}`,
        locale: currency === 'JPY' ? 'ja' : 'en',
        role: c === 0 ? 'admin' : 'user',
        signedUpAt: iso(signedUpMs),
        topicOptOuts: [],
        unsubscribedAll: false,
        suppressed: false,
        usage: { logins7d: 0, logins30d: 0, helpVisits30d: 0, features: {}, milestones: {} },
      });

      // Onboarding: every contact who signed up in the month enters; 10% holdout.
      const holdout = rand() < 0.1;
      const entered = signedUpMs + 3_600_000;
      const steps: Enrollment['steps'] = {};
      const offsets: [string, number][] = [
        ['welcome', 0],
        ['first-project', 2],
        ['invite-team', 5],
      ];
      let goalAt: number | undefined;
      const treatedBoost = holdout ? 0 : 0.18;
      if (rand() < engaged * 0.6 + treatedBoost) goalAt = entered + Math.floor(1 + rand() * 9) * DAY;
      const lastDataMs = dayMs(end) + DAY;
      for (const [stepId, offset] of offsets) {
        const at = entered + offset * DAY;
        if (at >= lastDataMs || (goalAt !== undefined && goalAt < at)) break;
        const sendId = sendIdOf('onboarding', stepId, cid);
        steps[stepId] = holdout
          ? { status: 'held-out', at: iso(at) }
          : {
              status: 'claimed',
              at: iso(at),
              sendId,
              variantId: stepId === 'invite-team' && rand() < 0.5 ? 'b' : 'a',
            };
        sends.push(
          makeSend(rand, {
            cid,
            accountId: id,
            campaignId: 'onboarding',
            stepId,
            at,
            holdout,
            engaged,
            locale: currency === 'JPY' ? 'ja' : 'en',
          }),
        );
      }
      const enrollment: Enrollment = {
        campaignId: 'onboarding',
        seq: 1,
        enteredAt: iso(entered),
        holdout,
        steps,
        ...(goalAt !== undefined && goalAt < lastDataMs
          ? { exitedAt: iso(goalAt), exitReason: 'goal' as const, goalReachedAt: iso(goalAt) }
          : {}),
      };
      enrollments.push({ contactId: cid, accountId: id, enrollment });

      // Release broadcast on day 10 to everyone, 10% holdout.
      const releaseAt = startMs + 10 * DAY + 10 * 3_600_000;
      const releaseHoldout = rand() < 0.1;
      sends.push(
        makeSend(rand, {
          cid,
          accountId: id,
          campaignId: 'feature-release',
          stepId: 'announce',
          at: releaseAt,
          holdout: releaseHoldout,
          engaged,
          locale: currency === 'JPY' ? 'ja' : 'en',
        }),
      );

      // Daily usage: baseline by engagement, a lift after a treated email.
      for (let d = -20; d < days + 14; d += 1) {
        const date = iso(startMs + d * DAY).slice(0, 10);
        if (date > end) break;
        const dMs = startMs + d * DAY;
        const afterEmail = !holdout && dMs >= entered && dMs < entered + 7 * DAY;
        const afterRelease =
          !releaseHoldout && dMs >= releaseAt - 10 * 3_600_000 && dMs < releaseAt + 7 * DAY;
        const p = Math.min(0.95, engaged * 0.12 + (afterEmail ? 0.12 : 0) + (afterRelease ? 0.06 : 0));
        const dropped = churnedAt !== undefined && dMs > Date.parse(churnedAt) - 10 * DAY;
        if (dropped || rand() > p) continue;
        const features: Record<string, number> = {};
        if (rand() < 0.6) features[pick(FEATURES)] = 1 + Math.floor(rand() * 4);
        dailyUsage.push({
          contactId: cid,
          accountId: id,
          date,
          logins: 1 + Math.floor(rand() * 3),
          helpVisits: rand() < 0.1 ? 1 : 0,
          features,
        });
      }

      if (rand() < 0.25) {
        npsResponses.push({
          id: `nps-${cid}`,
          accountId: id,
          contactId: cid,
          score: Math.min(10, Math.max(0, Math.round(4 + engaged * 6 + (rand() - 0.5) * 5))),
          comment: `Comment by ${first} ${last}`,
          respondedAt: iso(startMs + Math.floor(rand() * days) * DAY + 5 * 3_600_000),
        });
      }
    }
    // Renewal reminders for accounts renewing in the window, to the admin contact.
    const admin = `c-${String(a * perAccount + 1).padStart(4, '0')}`;
    const renewalMs = startMs + (20 + a * 5) * DAY;
    for (const [stepId, offset] of [
      ['d90', 90],
      ['d60', 60],
      ['d30', 30],
    ] as const) {
      const at = renewalMs - offset * DAY;
      if (at < startMs || at > dayMs(end) + DAY) continue;
      sends.push(
        makeSend(rand, {
          cid: admin,
          accountId: id,
          campaignId: 'renewal',
          stepId,
          at,
          holdout: false,
          engaged: 0.8,
          locale: currency === 'JPY' ? 'ja' : 'en',
          occurrence: iso(renewalMs).slice(0, 10),
        }),
      );
    }
  }
  // Test sends never count.
  sends.push({
    ...makeSend(rand, {
      cid: 'c-0001',
      accountId: 'acct-001',
      campaignId: 'onboarding',
      stepId: 'welcome',
      at: startMs + DAY,
      holdout: false,
      engaged: 1,
      locale: 'en',
    }),
    sendId: 'test#1',
    test: true,
  });
  return { sends, enrollments, accounts, contacts, dailyUsage, npsResponses, campaigns: FIXTURE_CAMPAIGNS };
}

function makeSend(
  rand: () => number,
  o: {
    cid: string;
    accountId: string;
    campaignId: string;
    stepId: string;
    at: number;
    holdout: boolean;
    engaged: number;
    locale: string;
    occurrence?: string;
  },
): SendRecord {
  const base: SendRecord = {
    sendId: sendIdOf(o.campaignId, o.stepId, o.cid, o.occurrence),
    campaignId: o.campaignId,
    stepId: o.stepId,
    variantId: o.stepId === 'invite-team' && rand() < 0.5 ? 'b' : 'a',
    contactId: o.cid,
    accountId: o.accountId,
    ...(o.occurrence ? { occurrence: o.occurrence } : {}),
    channel: 'email',
    template: `${o.campaignId}/${o.stepId}`,
    topic: o.campaignId,
    bypassCap: o.campaignId === 'renewal',
    status: 'sent',
    claimedAt: iso(o.at),
    updatedAt: iso(o.at),
    locale: o.locale,
  };
  if (o.holdout) return { ...base, status: 'skipped', reason: 'holdout' };
  const r = rand();
  if (r < 0.02) return { ...base, status: 'failed', reason: 'MessageRejected' };
  if (r < 0.04) return { ...base, status: 'skipped', reason: 'suppressed' };
  const sentAt = o.at + 60_000;
  const out: SendRecord = { ...base, sentAt: iso(sentAt), messageId: `msg-${o.cid}-${o.stepId}` };
  if (rand() < 0.03) return { ...out, bouncedAt: iso(sentAt + 5_000), bounceType: 'Permanent' };
  out.deliveredAt = iso(sentAt + 3_000);
  if (rand() < 0.3) out.firstMachineOpenAt = iso(sentAt + 60_000);
  if (rand() < o.engaged * 0.7) {
    out.firstOpenAt = iso(sentAt + 2 * 3_600_000);
    if (rand() < 0.35) out.firstClickAt = iso(sentAt + 2 * 3_600_000 + 30_000);
  }
  if (rand() < 0.01) out.complainedAt = iso(sentAt + DAY);
  if (rand() < 0.02) out.unsubscribedAt = iso(sentAt + DAY);
  return out;
}
