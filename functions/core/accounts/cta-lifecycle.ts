import { z } from 'zod';
import { type Account, IsoDateTime } from '../shared/domain.ts';
import { Cta, type CtaType, ctaKey } from './ctas.ts';

/** Where a CTA is in its life: raised (open), seen by its owner, done, or put off until a date. */
export const CtaState = z.enum(['open', 'acknowledged', 'closed', 'snoozed']);
export type CtaState = z.infer<typeof CtaState>;

/** How a closed CTA ended. */
export const CtaOutcome = z.enum(['renewed', 'expanded', 'risk-handled', 'no-action']);
export type CtaOutcome = z.infer<typeof CtaOutcome>;

/** A stored CTA: the alert itself plus its lifecycle. One per account × type × reason (× occurrence). */
export const CtaRecord = Cta.extend({
  state: CtaState,
  /** when the owner should have acted */
  dueAt: IsoDateTime,
  acknowledgedAt: IsoDateTime.optional(),
  closedAt: IsoDateTime.optional(),
  outcome: CtaOutcome.optional(),
  snoozedUntil: IsoDateTime.optional(),
  /** bumped on every lifecycle write, so two clicks at once cannot both apply */
  version: z.number().int().min(0).default(0),
});
export type CtaRecord = z.infer<typeof CtaRecord>;

/** What an owner can do to a CTA from the digest's links. */
export type CtaAction =
  | { kind: 'acknowledge' }
  | { kind: 'close'; outcome: CtaOutcome }
  | { kind: 'snooze'; days: 7 | 30 };

const DAY_MS = 86_400_000;

/** Days an owner has to act on each CTA type (renewal-due is due at the renewal itself). */
const RESPOND_WITHIN_DAYS: Record<Exclude<CtaType, 'renewal-due'>, number> = {
  'health-red': 2,
  'nps-detractor': 3,
  'usage-drop': 7,
  'campaign-alert': 7,
};

/** When a new CTA is due: the renewal date for renewals, else a few days after it was raised. */
export function ctaDueAt(cta: Cta): string {
  if (cta.type === 'renewal-due') {
    const renewal = cta.facts.renewalAt;
    if (typeof renewal === 'string' && /^\d{4}-\d{2}-\d{2}/.test(renewal))
      return renewal.length === 10 ? `${renewal}T00:00:00.000Z` : new Date(renewal).toISOString();
    return cta.raisedAt;
  }
  const renewal = cta.facts.renewalAt;
  if (cta.type === 'campaign-alert' && typeof renewal === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(renewal))
    return `${renewal}T00:00:00.000Z`;
  return new Date(Date.parse(cta.raisedAt) + RESPOND_WITHIN_DAYS[cta.type] * DAY_MS).toISOString();
}

/** A freshly raised CTA as stored: open, with its due date. */
export function newCtaRecord(cta: Cta): CtaRecord {
  return { ...cta, state: 'open', dueAt: ctaDueAt(cta), version: 0 };
}

/** The state that counts at `now`: a snooze whose date has passed is open again. */
export function effectiveCtaState(record: CtaRecord, now: number): CtaState {
  if (record.state === 'snoozed' && record.snoozedUntil && Date.parse(record.snoozedUntil) <= now)
    return 'open';
  return record.state;
}

/** Whether the owner still has to do something about the CTA at `now` (it goes into the digest). */
export function ctaNeedsOwner(record: CtaRecord, now: number): boolean {
  const state = effectiveCtaState(record, now);
  return state === 'open' || state === 'acknowledged';
}

/**
 * Applies an owner's action at `now`: open or snoozed → acknowledged; anything but closed → closed with
 * an outcome, or → snoozed until a date. A closed CTA stays closed; repeating an action is refused.
 */
export function applyCtaAction(
  record: CtaRecord,
  action: CtaAction,
  now: number,
): { ok: true; record: CtaRecord } | { ok: false; reason: string } {
  const state = effectiveCtaState(record, now);
  const at = new Date(now).toISOString();
  if (state === 'closed') return { ok: false, reason: 'already-closed' };
  const base = { ...record, version: record.version + 1 };
  delete base.snoozedUntil;
  switch (action.kind) {
    case 'acknowledge':
      if (state === 'acknowledged') return { ok: false, reason: 'already-acknowledged' };
      return {
        ok: true,
        record: { ...base, state: 'acknowledged', acknowledgedAt: record.acknowledgedAt ?? at },
      };
    case 'close':
      return {
        ok: true,
        record: {
          ...base,
          state: 'closed',
          closedAt: at,
          outcome: action.outcome,
          acknowledgedAt: record.acknowledgedAt ?? at,
        },
      };
    case 'snooze':
      return {
        ok: true,
        record: {
          ...base,
          state: 'snoozed',
          snoozedUntil: new Date(now + action.days * DAY_MS).toISOString(),
        },
      };
  }
}

/** Reads an action from a posted form; undefined when it asks for nothing valid. */
export function parseCtaForm(form: URLSearchParams): CtaAction | undefined {
  const action = form.get('action');
  if (action === 'acknowledge') return { kind: 'acknowledge' };
  if (action === 'close') {
    const outcome = CtaOutcome.safeParse(form.get('outcome'));
    return outcome.success ? { kind: 'close', outcome: outcome.data } : undefined;
  }
  if (action === 'snooze-7') return { kind: 'snooze', days: 7 };
  if (action === 'snooze-30') return { kind: 'snooze', days: 30 };
  return undefined;
}

type Language = 'en' | 'ja';

const TYPE_NAMES: Record<Language, Record<CtaType, string>> = {
  en: {
    'renewal-due': 'Renewal',
    'health-red': 'Health turned red',
    'nps-detractor': 'NPS detractor',
    'usage-drop': 'Usage drop',
    'campaign-alert': 'Campaign alert',
  },
  ja: {
    'renewal-due': '契約更新',
    'health-red': 'ヘルス悪化',
    'nps-detractor': 'NPS批判者',
    'usage-drop': '利用減少',
    'campaign-alert': 'キャンペーンのアラート',
  },
};

/** The name of a CTA type in the reader's language. */
export function ctaTypeName(type: CtaType, language: Language): string {
  return TYPE_NAMES[language][type];
}

/** The outcomes in the reader's language, in the order the close form offers them. */
export const OUTCOME_NAMES: Record<Language, Record<CtaOutcome, string>> = {
  en: {
    renewed: 'Renewed',
    expanded: 'Expanded',
    'risk-handled': 'Risk handled',
    'no-action': 'No action needed',
  },
  ja: { renewed: '更新済み', expanded: '拡大', 'risk-handled': 'リスク対応済み', 'no-action': '対応不要' },
};

/** Why the CTA was raised, in words, from its facts, in English or Japanese. */
export function ctaReasonText(cta: Cta, language: Language): string {
  const f = cta.facts;
  const v = (name: string) => String(f[name] ?? '?');
  if (language === 'ja') {
    switch (cta.type) {
      case 'renewal-due':
        return `${v('renewalAt')} に契約更新（あと${v('daysToRenewal')}日）`;
      case 'health-red':
        return `ヘルススコアが赤になりました（${v('score')}点、以前は${f.previousColor ?? '未評価'}）`;
      case 'nps-detractor':
        return `NPS回答 ${v('score')}点（コンタクト ${v('contactId')}）`;
      case 'usage-drop':
        return `30日間のログインが${v('dropPercent')}%減少（${v('logins30d')}回、前の30日は${v('loginsPrevious30d')}回）`;
      case 'campaign-alert':
        return `キャンペーン「${v('campaignId')}」のステップ「${v('stepId')}」`;
    }
  }
  switch (cta.type) {
    case 'renewal-due':
      return `Renews on ${v('renewalAt')} (in ${v('daysToRenewal')} days)`;
    case 'health-red':
      return `Health turned red (score ${v('score')}, was ${f.previousColor ?? 'unscored'})`;
    case 'nps-detractor':
      return `NPS answer ${v('score')} from contact ${v('contactId')}`;
    case 'usage-drop':
      return `Logins down ${v('dropPercent')}% over 30 days (${v('logins30d')} against ${v('loginsPrevious30d')})`;
    case 'campaign-alert':
      return `Campaign ${v('campaignId')}, step ${v('stepId')}`;
  }
}

/**
 * The CTA a campaign's `csm-alert` step raises for an account. Its key leaves the contact out, so an
 * account with several matching contacts still gets one CTA per step (and per occurrence).
 */
export function campaignAlertCta(input: {
  account: Pick<Account, 'id' | 'csmId' | 'tier' | 'renewalAt'>;
  campaignId: string;
  stepId: string;
  occurrence?: string | undefined;
  now: number;
}): Cta {
  const reason = `${input.campaignId}-${input.stepId}${input.occurrence ? `-${input.occurrence}` : ''}`;
  const { account } = input;
  return {
    key: ctaKey(account.id, 'campaign-alert', reason),
    accountId: account.id,
    ...(account.csmId ? { csmId: account.csmId } : {}),
    type: 'campaign-alert',
    reason,
    raisedAt: new Date(input.now).toISOString(),
    ...(account.tier ? { tier: account.tier } : {}),
    facts: {
      campaignId: input.campaignId,
      stepId: input.stepId,
      ...(account.renewalAt ? { renewalAt: account.renewalAt.slice(0, 10) } : {}),
    },
  };
}
