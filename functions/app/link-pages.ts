import { linkPageOf } from '../core/sending/signed-link.ts';
import { CTA_PAGE, type CtaPageDeps, handleCtaPage } from './cta-pages.ts';
import type { PageResponse } from './page-shell.ts';
import { handlePreferences, PREFERENCES_PAGE, type PreferenceCenterDeps } from './preference-center.ts';
import { handleSurveyPage, SURVEY_PAGE, type SurveyPageDeps } from './survey-page.ts';
import { handleUnsubscribe, type UnsubscribeDeps } from './unsubscribe.ts';

/** A request to the link-pages Function URL, as the handler reads it from the event. */
export interface LinkRequest {
  method: string;
  /** the request path, e.g. `/preferences` */
  path: string;
  query: Record<string, string | undefined>;
  /** the posted form (empty for GET) */
  form: URLSearchParams;
}

/** Every page's dependencies; each page reads only its own. */
export interface LinkPagesDeps {
  unsubscribe: UnsubscribeDeps;
  preferences: PreferenceCenterDeps;
  cta: CtaPageDeps;
  survey: SurveyPageDeps;
}

/**
 * Routes a request by the last segment of its path: `preferences` to the preference center, anything
 * else to the unsubscribe endpoint (so RFC 8058 one-click POSTs to the bare URL keep working as before).
 */
export async function routeLinkPage(request: LinkRequest, deps: LinkPagesDeps): Promise<PageResponse> {
  const token = request.query.token;
  switch (linkPageOf(request.path)) {
    case PREFERENCES_PAGE:
      return handlePreferences({ method: request.method, token, form: request.form }, deps.preferences);
    case CTA_PAGE:
      return handleCtaPage({ method: request.method, token, form: request.form }, deps.cta);
    case SURVEY_PAGE:
      return handleSurveyPage(
        { method: request.method, token, form: request.form, score: request.query.score },
        deps.survey,
      );
    default:
      return handleUnsubscribe({ method: request.method, token, sendId: request.query.s }, deps.unsubscribe);
  }
}
