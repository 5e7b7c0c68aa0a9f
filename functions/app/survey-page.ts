import { claimText, linkPageUrl, signLinkToken, verifyLinkToken } from '../core/sending/signed-link.ts';
import type { SigningKey } from '../core/sending/unsubscribe-token.ts';
import { type IngestDeps, ingestUsage } from './ingest-usage.ts';
import {
  escapeHtml,
  originOfBase,
  type PageResponse,
  pageHeaders,
  pageLanguage,
  pageShell,
} from './page-shell.ts';
import type { LinkPageRequest } from './preference-center.ts';
import { pageAction } from './preference-center.ts';
import { invalidLinkPage } from './preference-page.ts';

/** The link-page name of the NPS survey page. */
export const SURVEY_PAGE = 'survey';

/** What the survey page needs: the same ingest path as product `nps.responded` events. */
export interface SurveyPageDeps {
  ingest: IngestDeps;
  keys: readonly SigningKey[];
  maxTokenAgeMs: number;
  linkBaseUrl: string | undefined;
}

/** The eleven 0–10 links of one survey email; each carries the same signed token and its score. */
export function surveyLinks(
  baseUrl: string,
  key: SigningKey,
  claim: { contactId: string; accountId: string; wave: string },
  now: number,
): string[] {
  const token = signLinkToken(
    'survey',
    { c: claim.contactId, a: claim.accountId, w: claim.wave },
    Math.floor(now),
    key,
  );
  return Array.from({ length: 11 }, (_, score) =>
    linkPageUrl(baseUrl, SURVEY_PAGE, { token, score: String(score) }),
  );
}

const TEXT = {
  en: {
    title: 'How likely are you to recommend us?',
    scale: '0 = not at all likely, 10 = extremely likely',
    comment: 'Anything you would like to add? (optional)',
    submit: 'Send my answer',
    thanks: 'Thank you! Your answer is recorded.',
    pick: 'Please choose a score from 0 to 10.',
  },
  ja: {
    title: '当社を友人や同僚にすすめる可能性はどのくらいですか？',
    scale: '0 = まったくない、10 = 非常に高い',
    comment: 'ご意見があればお聞かせください（任意）',
    submit: '回答を送信する',
    thanks: 'ご回答ありがとうございました。記録しました。',
    pick: '0〜10 の点数をお選びください。',
  },
} as const;

function scoreOf(raw: string | null | undefined): number | undefined {
  if (raw === null || raw === undefined || !/^(10|[0-9])$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * GET shows the question with the clicked score chosen (a mail scanner following every button records
 * nothing); the POST records the score and optional comment as an `nps.responded` event through the
 * ingest path, once per survey wave and contact.
 */
export async function handleSurveyPage(
  request: LinkPageRequest & { score: string | undefined },
  deps: SurveyPageDeps,
): Promise<PageResponse> {
  const headers = pageHeaders(originOfBase(deps.linkBaseUrl));
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    return { statusCode: 405, headers: { ...headers, allow: 'GET, POST' }, body: invalidLinkPage('en') };
  const now = deps.ingest.clock.now();
  const verified = verifyLinkToken('survey', request.token ?? '', deps.keys, now, deps.maxTokenAgeMs);
  const contactId = verified.ok ? claimText(verified.claims, 'c') : undefined;
  const accountId = verified.ok ? claimText(verified.claims, 'a') : undefined;
  const wave = verified.ok ? claimText(verified.claims, 'w') : undefined;
  if (!verified.ok || !contactId || !accountId || !wave) {
    deps.ingest.log.warn('survey token rejected', { reason: verified.ok ? 'incomplete' : verified.reason });
    return { statusCode: 400, headers, body: invalidLinkPage('en') };
  }
  const stored = await deps.ingest.contacts.get(contactId);
  if (!stored) return { statusCode: 400, headers, body: invalidLinkPage('en') };
  const language = pageLanguage(stored.contact.locale);
  const t = TEXT[language];
  if (method === 'POST') {
    const score = scoreOf(request.form.get('score'));
    if (score !== undefined) {
      const comment = (request.form.get('comment') ?? '').trim().slice(0, 2000);
      await ingestUsage(
        {
          type: 'nps.responded',
          eventId: `survey:${wave}:${contactId}`,
          contactId,
          accountId,
          at: new Date(now).toISOString(),
          score,
          ...(comment ? { comment } : {}),
        },
        deps.ingest,
      );
      return {
        statusCode: 200,
        headers,
        body: pageShell(language, t.title, `<p class="notice" role="status">${escapeHtml(t.thanks)}</p>`),
      };
    }
  }
  const chosen = scoreOf(method === 'POST' ? request.form.get('score') : request.score);
  const radios = Array.from({ length: 11 }, (_, score) => {
    const checked = score === chosen ? ' checked' : '';
    return `<label style="display:inline-flex;flex-direction:column;align-items:center;min-width:2.2rem"><input type="radio" name="score" value="${score}"${checked}>${score}</label>`;
  }).join('');
  const warn = method === 'POST' ? `<p class="warn" role="alert">${escapeHtml(t.pick)}</p>` : '';
  const form = `<form method="post" action="${escapeHtml(pageAction(deps.linkBaseUrl, SURVEY_PAGE, request.token ?? ''))}" style="display:block">${warn}<fieldset style="border:0;padding:0;margin:0"><legend class="muted">${escapeHtml(t.scale)}</legend><div class="row">${radios}</div></fieldset><p><label for="comment">${escapeHtml(t.comment)}</label><br><textarea id="comment" name="comment" maxlength="2000"></textarea></p><button type="submit">${escapeHtml(t.submit)}</button></form>`;
  return { statusCode: method === 'POST' ? 400 : 200, headers, body: pageShell(language, t.title, form) };
}
