import {
  applyCtaAction,
  CtaOutcome,
  ctaReasonText,
  ctaTypeName,
  effectiveCtaState,
  OUTCOME_NAMES,
  parseCtaForm,
} from '../core/accounts/cta-lifecycle.ts';
import { claimText, linkPageUrl, signLinkToken, verifyLinkToken } from '../core/sending/signed-link.ts';
import type { SigningKey } from '../core/sending/unsubscribe-token.ts';
import type { CtaStore } from './ctas.ts';
import {
  escapeHtml,
  longDate,
  originOfBase,
  type PageLanguage,
  type PageResponse,
  pageHeaders,
  pageShell,
  postButton,
} from './page-shell.ts';
import type { AccountRepository, Clock, Log } from './ports.ts';
import type { LinkPageRequest } from './preference-center.ts';
import { pageAction } from './preference-center.ts';
import { invalidLinkPage } from './preference-page.ts';

/** The link-page name of the CTA acknowledge/close page. */
export const CTA_PAGE = 'cta';

/** What the CTA page needs. */
export interface CtaPageDeps {
  clock: Clock;
  ctas: CtaStore;
  accounts: AccountRepository;
  log: Log;
  keys: readonly SigningKey[];
  maxTokenAgeMs: number;
  linkBaseUrl: string | undefined;
  /** the CSMs' languages by id (policy.yaml `csms`) */
  csmLocales: Readonly<Record<string, PageLanguage>>;
  fallbackTimeZone: string;
}

/** Signed acknowledge and close links of one CTA under the configured base URL. */
export function ctaActionLinks(
  baseUrl: string,
  key: SigningKey,
  ctaKey: string,
  now: number,
): { acknowledge: string; close: string } {
  const token = signLinkToken('cta', { k: ctaKey }, Math.floor(now), key);
  return {
    acknowledge: linkPageUrl(baseUrl, CTA_PAGE, { token }),
    close: linkPageUrl(baseUrl, CTA_PAGE, { token, view: 'close' }),
  };
}

const TEXT = {
  en: {
    title: 'Call to action',
    account: 'Account',
    why: 'Why',
    due: 'Due',
    state: 'State',
    states: { open: 'Open', acknowledged: 'Acknowledged', closed: 'Closed', snoozed: 'Snoozed' },
    acknowledge: 'Acknowledge',
    closeHeading: 'Close with an outcome',
    snooze7: 'Snooze 7 days',
    snooze30: 'Snooze 30 days',
    done: 'Saved.',
    refused: 'Nothing changed: this CTA is already in that state or closed.',
    invalid: 'That choice is not available.',
  },
  ja: {
    title: '対応依頼',
    account: 'アカウント',
    why: '理由',
    due: '期限',
    state: '状態',
    states: { open: '未対応', acknowledged: '確認済み', closed: '完了', snoozed: 'スヌーズ中' },
    acknowledge: '確認済みにする',
    closeHeading: '結果を選んで完了にする',
    snooze7: '7日後に再通知',
    snooze30: '30日後に再通知',
    done: '保存しました。',
    refused: '変更はありません（すでにその状態か、完了しています）。',
    invalid: 'その操作は選べません。',
  },
} as const;

/**
 * GET shows the CTA (account name, reason in words, due date, state) with its actions as forms; only a
 * POST acknowledges, closes with an outcome or snoozes it. Bad or other-purpose tokens change nothing.
 */
export async function handleCtaPage(request: LinkPageRequest, deps: CtaPageDeps): Promise<PageResponse> {
  const headers = pageHeaders(originOfBase(deps.linkBaseUrl));
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    return { statusCode: 405, headers: { ...headers, allow: 'GET, POST' }, body: invalidLinkPage('en') };
  const now = deps.clock.now();
  const verified = verifyLinkToken('cta', request.token ?? '', deps.keys, now, deps.maxTokenAgeMs);
  const key = verified.ok ? claimText(verified.claims, 'k') : undefined;
  if (!verified.ok || !key) {
    deps.log.warn('CTA token rejected', { reason: verified.ok ? 'no-key' : verified.reason });
    return { statusCode: 400, headers, body: invalidLinkPage('en') };
  }
  let record = await deps.ctas.get(key);
  if (!record) return { statusCode: 400, headers, body: invalidLinkPage('en') };
  const language: PageLanguage = (record.csmId ? deps.csmLocales[record.csmId] : undefined) ?? 'en';
  const t = TEXT[language];
  let notice: string | undefined;
  let statusCode = 200;
  if (method === 'POST') {
    const action = parseCtaForm(request.form);
    const applied = action ? applyCtaAction(record, action, now) : undefined;
    if (!applied) {
      notice = t.invalid;
      statusCode = 400;
    } else if (!applied.ok) {
      notice = t.refused;
      statusCode = 409;
    } else if (await deps.ctas.save(applied.record, record.version)) {
      record = applied.record;
      notice = t.done;
      deps.log.info('CTA updated', { key, state: record.state, outcome: record.outcome ?? null });
    } else {
      notice = t.refused;
      statusCode = 409;
      record = (await deps.ctas.get(key)) ?? record;
    }
  }
  const account = await deps.accounts.get(record.accountId);
  const state = effectiveCtaState(record, now);
  const action = pageAction(deps.linkBaseUrl, CTA_PAGE, request.token ?? '');
  const dl = [
    [t.account, account?.name ?? record.accountId],
    [t.why, `${ctaTypeName(record.type, language)}: ${ctaReasonText(record, language)}`],
    [t.due, longDate(Date.parse(record.dueAt), language, deps.fallbackTimeZone)],
    [
      t.state,
      `${t.states[state]}${record.outcome ? ` (${OUTCOME_NAMES[language][record.outcome]})` : ''}${
        state === 'snoozed' && record.snoozedUntil
          ? ` → ${longDate(Date.parse(record.snoozedUntil), language, deps.fallbackTimeZone)}`
          : ''
      }`,
    ],
  ]
    .map(([term, value]) => `<p><strong>${escapeHtml(term ?? '')}</strong>: ${escapeHtml(value ?? '')}</p>`)
    .join('');
  const parts = [notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : '', dl];
  if (state !== 'closed') {
    if (state !== 'acknowledged')
      parts.push(`<div class="row">${postButton(action, { action: 'acknowledge' }, t.acknowledge)}</div>`);
    const outcomes = CtaOutcome.options
      .map((outcome) =>
        postButton(action, { action: 'close', outcome }, OUTCOME_NAMES[language][outcome], true),
      )
      .join('');
    parts.push(
      `<h2>${escapeHtml(t.closeHeading)}</h2><div class="row">${outcomes}</div>`,
      `<div class="row" style="margin-top:1.5rem">${postButton(action, { action: 'snooze-7' }, t.snooze7, true)}${postButton(action, { action: 'snooze-30' }, t.snooze30, true)}</div>`,
    );
  }
  return { statusCode, headers, body: pageShell(language, t.title, parts.join('')) };
}
