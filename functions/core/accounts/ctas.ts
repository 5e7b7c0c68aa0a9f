import { z } from 'zod';
import { addDays, dayOf, daysBetween } from '../kpi/dates.ts';
import type { Account, DailyUsage, Health, NpsResponse, Tier } from '../shared/domain.ts';
import { IsoDateTime } from '../shared/domain.ts';

/** Why a CSM should act on an account. */
export const CtaType = z.enum(['renewal-due', 'health-red', 'nps-detractor', 'usage-drop', 'campaign-alert']);
export type CtaType = z.infer<typeof CtaType>;

/** A call to action for the human owner of an account; ids only, no personal data. */
export const Cta = z.strictObject({
  /** dedupe key: account#type#reason; a CTA with the same key is never raised twice */
  key: z.string().min(1),
  accountId: z.string().min(1),
  csmId: z.string().optional(),
  type: CtaType,
  reason: z.string().min(1),
  raisedAt: IsoDateTime,
  tier: z.enum(['high', 'low', 'tech']).optional(),
  /** figures behind the CTA, e.g. days to renewal or the logins drop */
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
});
export type Cta = z.infer<typeof Cta>;

/** Thresholds of the CTA rules. */
export const CtaConfig = z.strictObject({
  /** raise renewal-due when the renewal falls within this many days */
  renewalWithinDays: z.number().int().min(1).default(90),
  /** tiers whose accounts get CTAs; accounts with a CSM assigned get them too (renewal-due excepted) */
  ownerTiers: z.array(z.enum(['high', 'low', 'tech'])).default(['high']),
  /** raise usage-drop when logins over 30 days fell by more than this percentage against the 30 before */
  usageDropPercent: z.number().min(0).max(100).default(50),
  /** ignore drops from fewer logins than this in the previous 30 days (too small to mean anything) */
  usageDropMinPrevious: z.number().int().min(0).default(10),
  /** NPS answers at or below this score are detractors */
  detractorMaxScore: z.number().int().min(0).max(10).default(6),
  /** detractor answers this recent are considered (dedupe by answer id makes overlap harmless) */
  npsLookbackDays: z.number().int().min(1).default(30),
});
export type CtaConfig = z.infer<typeof CtaConfig>;

/** The default thresholds: 90-day renewals, a 50% logins drop, detractors 0–6 answered in the last 30 days. */
export const DEFAULT_CTA_CONFIG: CtaConfig = CtaConfig.parse({});

/** The dedupe key of a CTA: account, type and reason. */
export function ctaKey(accountId: string, type: CtaType, reason: string): string {
  return `${accountId}#${type}#${reason}`;
}

/** Days of logins compared by the usage-drop rule (this window against the one before it). */
export const USAGE_DROP_WINDOW_DAYS = 30;

/** Logins of an account over the 30 days ending `through` and the 30 days before them. */
export function loginWindows(
  usage: readonly DailyUsage[],
  through: string,
): { current: number; previous: number } {
  const currentFrom = addDays(through, -(USAGE_DROP_WINDOW_DAYS - 1));
  const previousFrom = addDays(currentFrom, -USAGE_DROP_WINDOW_DAYS);
  let current = 0;
  let previous = 0;
  for (const row of usage) {
    if (row.date >= currentFrom && row.date <= through) current += row.logins;
    else if (row.date >= previousFrom && row.date < currentFrom) previous += row.logins;
  }
  return { current, previous };
}

/** Everything the CTA rules look at for one account. */
export interface CtaInputs {
  account: Account;
  /** health before tonight's scoring (undefined if never scored) */
  previousHealth: Health | undefined;
  health: Health | undefined;
  tier: Tier | undefined;
  /** the account's daily usage rows covering at least the last 60 days */
  usage: readonly DailyUsage[];
  /** the account's NPS answers */
  npsResponses: readonly NpsResponse[];
}

/** Applies the CTA rules to one account at `now` (epoch ms); returns the CTAs that apply, not yet deduped. */
export function evaluateCtas(inputs: CtaInputs, now: number, config: CtaConfig = DEFAULT_CTA_CONFIG): Cta[] {
  const { account, tier } = inputs;
  if (account.status === 'churned') return [];
  const ownedTier = tier !== undefined && config.ownerTiers.includes(tier);
  if (!ownedTier && account.csmId === undefined) return [];
  const raisedAt = new Date(now).toISOString();
  const today = raisedAt.slice(0, 10);
  const make = (type: CtaType, reason: string, facts: Cta['facts']): Cta => ({
    key: ctaKey(account.id, type, reason),
    accountId: account.id,
    ...(account.csmId ? { csmId: account.csmId } : {}),
    type,
    reason,
    raisedAt,
    ...(tier ? { tier } : {}),
    facts,
  });
  const ctas: Cta[] = [];

  if (ownedTier && account.renewalAt) {
    const renewalDay = dayOf(account.renewalAt);
    const days = daysBetween(today, renewalDay);
    if (days >= 0 && days <= config.renewalWithinDays) {
      ctas.push(make('renewal-due', `renewal-${renewalDay}`, { renewalAt: renewalDay, daysToRenewal: days }));
    }
  }

  // Only the turn to red raises a CTA; the day it turned is the reason, so each red spell raises one.
  if (inputs.health?.color === 'red' && inputs.previousHealth?.color !== 'red') {
    ctas.push(
      make('health-red', `red-since-${today}`, {
        score: inputs.health.score,
        previousColor: inputs.previousHealth?.color ?? null,
      }),
    );
  }

  const oldest = addDays(today, -config.npsLookbackDays);
  for (const response of inputs.npsResponses) {
    if (response.accountId !== account.id || response.score > config.detractorMaxScore) continue;
    if (dayOf(response.respondedAt) < oldest) continue;
    ctas.push(
      make('nps-detractor', `response-${response.id}`, {
        score: response.score,
        contactId: response.contactId,
        respondedAt: response.respondedAt,
      }),
    );
  }

  // Yesterday is the last complete day of usage; one usage-drop CTA per account per month at most.
  const through = addDays(today, -1);
  const { current, previous } = loginWindows(inputs.usage, through);
  if (previous >= Math.max(1, config.usageDropMinPrevious)) {
    const dropPercent = ((previous - current) / previous) * 100;
    if (dropPercent > config.usageDropPercent) {
      ctas.push(
        make('usage-drop', `logins-drop-${through.slice(0, 7)}`, {
          logins30d: current,
          loginsPrevious30d: previous,
          dropPercent: Math.round(dropPercent * 10) / 10,
        }),
      );
    }
  }
  return ctas;
}

/** One line of a CSM's digest: the CTA and the account facts the CSM needs to act. */
export interface DigestItem {
  cta: Cta;
  accountName: string;
  tier: Tier | undefined;
  healthColor: Health['color'] | undefined;
  healthScore: number | undefined;
  renewalAt: string | undefined;
  mrr: number;
  currency: string;
}

/** The CTAs of one CSM (csmId undefined: accounts without an owner, for the CS lead). */
export interface CsmDigest {
  csmId: string | undefined;
  csmEmail: string | undefined;
  items: DigestItem[];
}

const TYPE_ORDER: readonly CtaType[] = [
  'health-red',
  'renewal-due',
  'nps-detractor',
  'usage-drop',
  'campaign-alert',
];

/** Groups CTAs per CSM for the daily digest, most urgent type first, then by account. */
export function digestByCsm(ctas: readonly Cta[], accounts: readonly Account[]): CsmDigest[] {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const digests = new Map<string, CsmDigest>();
  for (const cta of ctas) {
    const account = byId.get(cta.accountId);
    const csmId = cta.csmId ?? account?.csmId;
    const id = csmId ?? '';
    let digest = digests.get(id);
    if (!digest) {
      digest = { csmId, csmEmail: account?.csmEmail, items: [] };
      digests.set(id, digest);
    }
    digest.csmEmail ??= account?.csmEmail;
    digest.items.push({
      cta,
      accountName: account?.name ?? cta.accountId,
      tier: cta.tier ?? account?.tier,
      healthColor: account?.health?.color,
      healthScore: account?.health?.score,
      renewalAt: account?.renewalAt,
      mrr: account?.mrr ?? 0,
      currency: account?.currency ?? '',
    });
  }
  for (const digest of digests.values()) {
    digest.items.sort(
      (a, b) =>
        TYPE_ORDER.indexOf(a.cta.type) - TYPE_ORDER.indexOf(b.cta.type) ||
        a.accountName.localeCompare(b.accountName) ||
        a.cta.key.localeCompare(b.cta.key),
    );
  }
  return [...digests.values()].sort((a, b) => (a.csmId ?? '\uffff').localeCompare(b.csmId ?? '\uffff'));
}

/** Days a CSM has to act on each CTA type (renewal-due is due at the renewal itself). */
const RESPOND_WITHIN_DAYS: Record<Exclude<CtaType, 'renewal-due'>, number> = {
  'health-red': 2,
  'nps-detractor': 3,
  'usage-drop': 7,
  'campaign-alert': 7,
};

/** A one-line English reason for a CTA, built from its facts. */
export function describeCta(cta: Cta): string {
  const f = cta.facts;
  switch (cta.type) {
    case 'renewal-due':
      return `Renews on ${f.renewalAt ?? '?'} (in ${f.daysToRenewal ?? '?'} days)`;
    case 'health-red':
      return `Health turned red (score ${f.score ?? '?'}, was ${f.previousColor ?? 'unscored'})`;
    case 'nps-detractor':
      return `NPS answer ${f.score ?? '?'} from contact ${f.contactId ?? '?'}`;
    case 'usage-drop':
      return `Logins down ${f.dropPercent ?? '?'}% over 30 days (${f.logins30d ?? '?'} against ${f.loginsPrevious30d ?? '?'})`;
    case 'campaign-alert':
      return `Campaign ${f.campaignId ?? '?'}, step ${f.stepId ?? '?'}`;
  }
}

/** The digest lines in the shape the csm/digest template reads (accountName, type, reason, dueAt). */
export function digestLinesOf(digest: CsmDigest): {
  accountId: string;
  accountName: string;
  type: CtaType;
  reason: string;
  dueAt: string;
}[] {
  return digest.items.map(({ cta, accountName, renewalAt }) => ({
    accountId: cta.accountId,
    accountName,
    type: cta.type,
    reason: describeCta(cta),
    dueAt:
      cta.type === 'renewal-due'
        ? (renewalAt ?? cta.raisedAt)
        : new Date(Date.parse(cta.raisedAt) + RESPOND_WITHIN_DAYS[cta.type] * 86_400_000).toISOString(),
  }));
}
