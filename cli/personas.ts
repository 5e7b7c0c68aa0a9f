import { Account, Contact } from '../functions/core/shared/domain.ts';
import { languageOf } from '../functions/core/shared/locale.ts';
import { localizeBrand } from '../functions/core/templates/context.ts';
import type { Brand, BrandSpec, CsmDigestContext } from '../functions/core/templates/types.ts';

/** The sample customers that previews and test sends render for. */
export const PERSONA_NAMES = ['power', 'steady', 'at-risk', 'new'] as const;
export type PersonaName = (typeof PERSONA_NAMES)[number];

/** Type guard for a persona name given on the command line. */
export function isPersonaName(value: string): value is PersonaName {
  return PERSONA_NAMES.some((name) => name === value);
}

/** The persona that stands for a usage segment, e.g. `new` for `new-contacts`. */
export function personaForSegment(segment: string): PersonaName | undefined {
  if (segment === 'new-contacts') return 'new';
  return isPersonaName(segment) ? segment : undefined;
}

/** The brand used when no campaigns/policy.yaml is at hand. */
export const SAMPLE_BRAND: Brand = {
  company: 'Tsumiki KK',
  address: '1-2-3 Shibuya, Shibuya-ku, Tokyo 150-0002, Japan',
  appUrl: 'https://app.tsumiki.example',
  helpUrl: 'https://help.tsumiki.example',
};

/** Where preview unsubscribe links point; previews are never sent, so the host is a reserved example name. */
export const PREVIEW_UNSUBSCRIBE_BASE = 'https://unsubscribe.tsumiki.example/u';

/** The renewal date every persona's account shares, so renewal previews show real dates. */
export const SAMPLE_RENEWAL_AT = '2027-02-20T12:00:00Z';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface PersonaSpec {
  name: { ja: string; en: string };
  company: { ja: string; en: string };
  role: string;
  plan: string;
  seats: number;
  arr: { JPY: number; USD: number };
  status: 'trial' | 'active';
  signedUpDaysAgo: number;
  logins7d: number;
  logins30d: number;
  helpVisits30d: number;
  features: Record<string, number>;
  milestones: string[];
  health: { score: number; color: 'green' | 'yellow' | 'red' };
}

const SPECS: Record<PersonaName, PersonaSpec> = {
  power: {
    name: { ja: '田中 美咲', en: 'Emily Carter' },
    company: { ja: '株式会社ミナト製作所', en: 'Harbor Analytics Inc.' },
    role: 'admin',
    plan: 'standard',
    seats: 25,
    arr: { JPY: 1_800_000, USD: 12_000 },
    status: 'active',
    signedUpDaysAgo: 420,
    logins7d: 12,
    logins30d: 41,
    helpVisits30d: 1,
    features: { projects: 64, tasks: 930, reports: 58, dashboards: 22, automations: 17 },
    milestones: ['firstProjectCreated', 'teammateInvited', 'integrationConnected', 'firstReportShared'],
    health: { score: 86, color: 'green' },
  },
  steady: {
    name: { ja: '佐々木 健太', en: 'Daniel Brooks' },
    company: { ja: '北斗ロジスティクス株式会社', en: 'Northwind Logistics LLC' },
    role: 'owner',
    plan: 'standard',
    seats: 10,
    arr: { JPY: 720_000, USD: 4_800 },
    status: 'active',
    signedUpDaysAgo: 200,
    logins7d: 3,
    logins30d: 9,
    helpVisits30d: 2,
    features: { projects: 8, tasks: 120, reports: 4 },
    milestones: ['firstProjectCreated', 'teammateInvited'],
    health: { score: 62, color: 'yellow' },
  },
  'at-risk': {
    name: { ja: '山本 由美', en: 'Sarah Mitchell' },
    company: { ja: '有限会社さくらデザイン', en: 'Cedar & Pine Studio' },
    role: 'billing',
    plan: 'starter',
    seats: 5,
    arr: { JPY: 240_000, USD: 1_600 },
    status: 'active',
    signedUpDaysAgo: 300,
    logins7d: 0,
    logins30d: 2,
    helpVisits30d: 0,
    features: { projects: 3 },
    milestones: ['firstProjectCreated'],
    health: { score: 31, color: 'red' },
  },
  new: {
    name: { ja: '鈴木 大輔', en: 'Ryan Lee' },
    company: { ja: 'あおば会計事務所', en: 'Bluebird Accounting' },
    role: 'admin',
    plan: 'standard',
    seats: 10,
    arr: { JPY: 720_000, USD: 4_800 },
    status: 'trial',
    signedUpDaysAgo: 2,
    logins7d: 2,
    logins30d: 2,
    helpVisits30d: 1,
    features: {},
    milestones: [],
    health: { score: 40, color: 'yellow' },
  },
};

/** A persona's contact and account as stored data, in the given locale, relative to `now` (epoch ms). */
export function personaData(
  persona: PersonaName,
  locale: string,
  now: number,
): { contact: Contact; account: Account } {
  const spec = SPECS[persona];
  const ja = languageOf(locale) === 'ja';
  const currency = ja ? 'JPY' : 'USD';
  const arr = spec.arr[currency];
  const signedUpAt = now - spec.signedUpDaysAgo * DAY;
  const account = Account.parse({
    id: `acct-${persona}`,
    name: ja ? spec.company.ja : spec.company.en,
    plan: spec.plan,
    status: spec.status,
    currency,
    arr,
    mrr: Math.round(arr / 12),
    seats: spec.seats,
    locale,
    startedAt: iso(signedUpAt),
    ...(spec.status === 'trial' ? { trialEndsAt: iso(now + 12 * DAY) } : { renewalAt: SAMPLE_RENEWAL_AT }),
    tier: 'low',
    health: { ...spec.health, measures: {}, computedAt: iso(now) },
  });
  const contact = Contact.parse({
    id: `contact-${persona}`,
    accountId: account.id,
    email: `${persona}@customer.example`,
    name: ja ? spec.name.ja : spec.name.en,
    locale,
    timeZone: ja ? 'Asia/Tokyo' : 'America/New_York',
    role: spec.role,
    signedUpAt: iso(signedUpAt),
    usage: {
      logins7d: spec.logins7d,
      logins30d: spec.logins30d,
      lastLoginAt: iso(now - (spec.logins7d > 0 ? 1 : 20) * DAY),
      helpVisits30d: spec.helpVisits30d,
      features: Object.fromEntries(
        Object.entries(spec.features).map(([name, count]) => [
          name,
          { count, lastUsedAt: iso(now - 2 * DAY) },
        ]),
      ),
      milestones: Object.fromEntries(spec.milestones.map((name) => [name, iso(signedUpAt + DAY)])),
    },
  });
  return { contact, account };
}

/** A sample CSM digest with one CTA of each kind. */
export function sampleDigest(locale: string, now: number, spec: BrandSpec): CsmDigestContext {
  const brand = localizeBrand(spec, locale);
  const ja = languageOf(locale) === 'ja';
  return {
    csm: { name: ja ? '高橋 真理' : 'Mari Takahashi', timeZone: 'Asia/Tokyo', locale },
    brand,
    ctas: [
      {
        accountId: 'acct-power',
        accountName: ja ? '株式会社ミナト製作所' : 'Harbor Analytics Inc.',
        type: 'renewal',
        reason: ja
          ? '90日後に契約更新（年額 ￥1,800,000、25ライセンス）'
          : 'Renews in 90 days (¥1,800,000 a year, 25 seats)',
        dueAt: iso(now + 7 * DAY),
        url: `${brand.appUrl}/cs/accounts/acct-power`,
      },
      {
        accountId: 'acct-at-risk',
        accountName: ja ? '有限会社さくらデザイン' : 'Cedar & Pine Studio',
        type: 'health-red',
        reason: ja
          ? 'ヘルススコアが 58 から 31 に低下。直近30日のログインは2回'
          : 'Health fell from 58 to 31; 2 logins in the last 30 days',
        dueAt: iso(now + 2 * DAY),
      },
      {
        accountId: 'acct-steady',
        accountName: ja ? '北斗ロジスティクス株式会社' : 'Northwind Logistics LLC',
        type: 'nps-detractor',
        reason: ja ? 'NPS 4点：「レポートの出力に時間がかかる」' : 'NPS 4: "Reports take too long to export"',
        dueAt: iso(now + 3 * DAY),
      },
    ],
  };
}

/** Released features used when previewing a release template without a campaign file. */
export const SAMPLE_RELEASE = [
  {
    id: 'automation-recipes',
    url: 'https://tsumiki.example/releases/automation-recipes',
    relatedTo: ['automations', 'tasks'],
    title: { en: 'Automation recipes', ja: '自動化レシピ' },
    summary: {
      en: 'Start from ready-made automations for approvals, reminders and hand-offs.',
      ja: '承認・リマインド・引き継ぎなど、すぐに使える自動化から始められます。',
    },
  },
  {
    id: 'report-scheduling',
    url: 'https://tsumiki.example/releases/report-scheduling',
    relatedTo: ['reports', 'dashboards'],
    title: { en: 'Scheduled reports', ja: 'レポートの定期配信' },
    summary: {
      en: 'Send any report to your team every Monday morning, automatically.',
      ja: '毎週月曜の朝、チームにレポートを自動で届けます。',
    },
  },
];
