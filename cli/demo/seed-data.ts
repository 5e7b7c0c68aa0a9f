import type { Account, Contact, DailyUsage } from '../../functions/core/shared/domain.ts';
import { DAY_MS } from '../../functions/core/shared/duration.ts';
import { rollupUsage } from '../../functions/core/tracking/usage-events.ts';
import type { Random } from './random.ts';

/** How a simulated contact behaves: drives usage history and reactions to email. */
export type Persona = 'power' | 'steady' | 'at-risk' | 'new';

/** A generated contact with what the simulation needs to know about them (never exported as KPI data). */
export interface DemoContact {
  contact: Contact;
  persona: Persona;
  /** reads mail in a client that pre-fetches images (machine opens) */
  machineOpener: boolean;
  /** an address that hard-bounces */
  bounces: boolean;
}

export interface DemoData {
  accounts: Account[];
  contacts: DemoContact[];
  usage: DailyUsage[];
  /** accounts that cancel during the simulated days (the simulation marks them churned at that instant) */
  churns: { accountId: string; at: number }[];
}

/**
 * Declining accounts: every contact is fading (at-risk), so their health turns red. A third of them
 * cancel during the run, which gives the churn and LTV KPIs real events (about 6% of accounts a month).
 */
const isDeclining = (accountIndex: number) => accountIndex % 9 === 1 || accountIndex % 9 === 5;
/** Cooling accounts: a third of their people fade, so their health sits in the yellow band. */
const isCooling = (accountIndex: number) => accountIndex % 9 === 3;
const churnsDuringRun = (accountIndex: number) => accountIndex % 18 === 1;

/** The demo product's features, as campaigns/product.yaml names them. */
export const FEATURES = [
  'projects',
  'tasks',
  'reports',
  'dashboards',
  'integrations',
  'automations',
  'guest-access',
];
const JA_COMPANIES = [
  'Sakura',
  'Hikari',
  'Aozora',
  'Kaede',
  'Minato',
  'Tsubasa',
  'Yamato',
  'Kumo',
  'Nami',
  'Midori',
];
const EN_COMPANIES = [
  'Northwind',
  'Bluefin',
  'Cobalt',
  'Larkspur',
  'Quarry',
  'Harbor',
  'Juniper',
  'Summit',
  'Ridge',
  'Alder',
];
const SUFFIX = ['Logistics', 'Design', 'Foods', 'Systems', 'Clinic', 'Works', 'Partners', 'Labs'];
const JA_NAMES = [
  'Aiko',
  'Haruto',
  'Yui',
  'Sota',
  'Mei',
  'Ren',
  'Hina',
  'Kaito',
  'Sakura',
  'Riku',
  'Yuna',
  'Daiki',
];
const JA_FAMILY = ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura'];
/** How Japanese contacts write their names (the romaji stays in their addresses only). */
const KANJI: Record<string, string> = {
  Aiko: '愛子',
  Haruto: '陽翔',
  Yui: '結衣',
  Sota: '蒼太',
  Mei: '芽衣',
  Ren: '蓮',
  Hina: '陽菜',
  Kaito: '海斗',
  Sakura: 'さくら',
  Riku: '陸',
  Yuna: '優奈',
  Daiki: '大輝',
  Sato: '佐藤',
  Suzuki: '鈴木',
  Takahashi: '高橋',
  Tanaka: '田中',
  Watanabe: '渡辺',
  Ito: '伊藤',
  Yamamoto: '山本',
  Nakamura: '中村',
};
const EN_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Mason',
  'Mia',
  'Lucas',
  'Chloe',
  'Ethan',
  'Grace',
];
const EN_FAMILY = ['Smith', 'Jones', 'Brown', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Clark'];
const EN_ZONES = ['America/New_York', 'America/Los_Angeles', 'Europe/London', 'Asia/Singapore'];
const INDUSTRIES = ['software', 'retail', 'manufacturing', 'finance', 'healthcare', 'media', 'logistics'];

/** Probability per day of logging in, before any email lift, by persona. */
export const DAILY_LOGIN: Record<Persona, number> = { power: 0.7, steady: 0.2, 'at-risk': 0.03, new: 0.1 };

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);

/** Generates accounts, contacts and 30 days of usage history before `start`, deterministically from `rng`. */
export function generateDemoData(rng: Random, start: number, contactCount: number, days: number): DemoData {
  const accountCount = Math.max(1, Math.round(contactCount / 10));
  const accounts: Account[] = [];
  for (let i = 0; i < accountCount; i++) {
    const ja = rng.chance(0.65);
    const plan = rng.pick(['starter', 'business', 'business', 'enterprise']);
    const seats =
      plan === 'enterprise' ? rng.int(80, 400) : plan === 'business' ? rng.int(15, 80) : rng.int(3, 15);
    const perSeatYear = ja ? 12_000 : 96;
    const arr = seats * perSeatYear * (plan === 'enterprise' ? 1.5 : 1);
    const trial = rng.chance(0.12);
    // a quarter of the accounts renew within the next 90 days, so the renewal campaign has work to do
    const renewalIn = rng.chance(0.3) ? rng.int(20, 95) : rng.int(96, 360);
    const started = start - rng.int(60, 900) * DAY_MS;
    accounts.push({
      id: `acc-${String(i + 1).padStart(3, '0')}`,
      name: `${rng.pick(ja ? JA_COMPANIES : EN_COMPANIES)} ${rng.pick(SUFFIX)}`,
      plan,
      status: trial ? 'trial' : 'active',
      currency: ja ? 'JPY' : 'USD',
      arr: trial ? 0 : arr,
      mrr: trial ? 0 : Math.round(arr / 12),
      seats,
      employees: seats * rng.int(1, 4),
      industry: rng.pick(INDUSTRIES),
      locale: ja ? 'ja' : 'en',
      startedAt: iso(started),
      ...(trial
        ? { trialEndsAt: iso(start + rng.int(3, 20) * DAY_MS) }
        : { renewalAt: iso(start + renewalIn * DAY_MS) }),
      referrals: rng.chance(0.08) ? rng.int(1, 4) : 0,
      caseStudy: rng.chance(0.05),
      ...(seats > 60 || rng.chance(0.2) ? { csmId: `csm-${rng.int(1, 4)}` } : {}),
    });
  }

  const churns: DemoData['churns'] = [];
  accounts.forEach((account, index) => {
    if (!churnsDuringRun(index) || account.status !== 'active') return;
    const lastDay = Math.max(1, days - 2);
    churns.push({
      accountId: account.id,
      at: start + rng.int(1, lastDay) * DAY_MS + rng.int(1, 22) * 3_600_000,
    });
  });
  // Even a small run shows one cancellation: the first active declining account.
  const fallback = accounts.find((account, index) => isDeclining(index) && account.status === 'active');
  if (churns.length === 0 && fallback)
    churns.push({
      accountId: fallback.id,
      at: start + Math.max(1, Math.floor(days / 2)) * DAY_MS + 9 * 3_600_000,
    });
  const contacts: DemoContact[] = [];
  const usage: DailyUsage[] = [];
  for (let i = 0; i < contactCount; i++) {
    const account = accounts[i % accountCount];
    if (!account) continue;
    const ja = account.locale === 'ja' ? rng.chance(0.9) : rng.chance(0.1);
    const picked: Persona = rng.pick([
      'power',
      'power',
      'steady',
      'steady',
      'steady',
      'at-risk',
      'at-risk',
      'new',
      'new',
    ]);
    const cooling = isCooling(i % accountCount)
      ? Math.floor(i / accountCount) % 3 === 0
        ? 'at-risk'
        : 'steady'
      : picked;
    const persona: Persona = isDeclining(i % accountCount) ? 'at-risk' : cooling;
    const first = rng.pick(ja ? JA_NAMES : EN_NAMES);
    const family = rng.pick(ja ? JA_FAMILY : EN_FAMILY);
    const id = `c-${String(i + 1).padStart(4, '0')}`;
    // new people sign up during the simulated month; the others joined months ago
    const signedUp =
      persona === 'new'
        ? start + rng.int(-2 * 24, (days - 5) * 24) * 3_600_000
        : start - rng.int(40, 500) * DAY_MS;
    const zone = ja ? 'Asia/Tokyo' : rng.chance(0.1) ? undefined : rng.pick(EN_ZONES);
    const contact: Contact = {
      id,
      accountId: account.id,
      email: `${first}.${family}.${i + 1}@${account.id}.example`.toLowerCase(),
      name: ja ? `${KANJI[family] ?? family} ${KANJI[first] ?? first}` : `${first} ${family}`,
      locale: ja ? 'ja' : 'en',
      ...(zone ? { timeZone: zone } : {}),
      // the first person of each account administers it, the second may own or pay for it
      role:
        i < accountCount ? 'admin' : i < 2 * accountCount ? rng.pick(['owner', 'billing', 'user']) : 'user',
      signedUpAt: iso(signedUp),
      topicOptOuts: [],
      unsubscribedAll: false,
      suppressed: false,
      usage: { logins7d: 0, logins30d: 0, helpVisits30d: 0, features: {}, milestones: {} },
    };
    const history = usageHistory(rng, contact, persona, start, isDeclining(i % accountCount));
    usage.push(...history.rows);
    const lastRow = history.rows.at(-1);
    contact.usage = {
      ...rollupUsage(contact.usage, history.rows, undefined, start),
      milestones: history.milestones,
      ...(lastRow
        ? { lastLoginAt: `${lastRow.date}T${String(rng.int(0, 23)).padStart(2, '0')}:15:00.000Z` }
        : {}),
    };
    contacts.push({ contact, persona, machineOpener: rng.chance(0.35), bounces: rng.chance(0.008) });
  }
  return { accounts, contacts, usage, churns };
}

function usageHistory(rng: Random, contact: Contact, persona: Persona, start: number, declining = false) {
  const rows: DailyUsage[] = [];
  const milestones: Record<string, string> = {};
  const signedUp = Date.parse(contact.signedUpAt);
  const favourites = FEATURES.slice(
    0,
    persona === 'power' ? rng.int(4, 7) : persona === 'steady' ? rng.int(2, 4) : declining ? 1 : 2,
  );
  for (let d = 30; d >= 1; d--) {
    const at = start - d * DAY_MS;
    if (at < signedUp) continue;
    // at-risk people were active a month ago and have faded since
    // a declining account's people stopped coming three weeks ago
    const fading = declining ? (d > 20 ? 0.3 : 0) : d > 20 ? 0.4 : 0.04;
    const p = persona === 'at-risk' ? fading : DAILY_LOGIN[persona];
    if (!rng.chance(p)) continue;
    const features: Record<string, number> = {};
    for (const feature of favourites) if (rng.chance(0.5)) features[feature] = rng.int(1, 6);
    rows.push({
      contactId: contact.id,
      accountId: contact.accountId,
      date: day(at),
      logins: rng.int(1, persona === 'power' ? 3 : 1),
      helpVisits: persona === 'at-risk' && rng.chance(0.3) ? 1 : 0,
      features,
    });
  }
  if (persona !== 'new' && rows.length > 0) {
    milestones.firstProjectCreated = iso(Math.max(signedUp, start - 200 * DAY_MS));
    if (persona === 'power' || rng.chance(0.5))
      milestones.teammateInvited = iso(Math.max(signedUp, start - 150 * DAY_MS));
  }
  return { rows, milestones };
}
