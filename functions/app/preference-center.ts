import {
  applyPreferenceChange,
  type ContactPreferences,
  mailPausedUntil,
  parsePreferenceForm,
  type TopicsSpec,
  topicViews,
} from '../core/sending/preferences.ts';
import { claimText, linkPageUrl, verifyLinkToken } from '../core/sending/signed-link.ts';
import type { SigningKey } from '../core/sending/unsubscribe-token.ts';
import { longDate, originOfBase, type PageResponse, pageHeaders, pageLanguage } from './page-shell.ts';
import type { Clock, ContactRepository, Log } from './ports.ts';
import { invalidLinkPage, preferencePage } from './preference-page.ts';

/** A request to a page behind a signed link: method, the `token` parameter and the posted form. */
export interface LinkPageRequest {
  method: string;
  token: string | undefined;
  form: URLSearchParams;
}

/** What the preference center needs: the contacts, the keys and the configured URLs and topics. */
export interface PreferenceCenterDeps {
  clock: Clock;
  contacts: ContactRepository;
  log: Log;
  keys: readonly SigningKey[];
  maxTokenAgeMs: number;
  topics: TopicsSpec;
  /** configured https base of the link pages; forms post to `<base>/preferences` (relative when unset) */
  linkBaseUrl: string | undefined;
  helpUrl: string;
  fallbackTimeZone: string;
}

/** The link-page name the preference center answers under. */
export const PREFERENCES_PAGE = 'preferences';

/** The preferences URL of a token: under the configured base, or relative to the page itself. */
export function pageAction(linkBaseUrl: string | undefined, page: string, token: string): string {
  return linkBaseUrl
    ? linkPageUrl(linkBaseUrl, page, { token })
    : `${page}?${new URLSearchParams({ token }).toString()}`;
}

/**
 * GET shows the contact's topics, pause and unsubscribe state; only a POST changes them, one choice per
 * form. A bad, expired or other-purpose token gets the same 400 page, and nothing is read or written.
 */
export async function handlePreferences(
  request: LinkPageRequest,
  deps: PreferenceCenterDeps,
): Promise<PageResponse> {
  const headers = pageHeaders(originOfBase(deps.linkBaseUrl));
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    return { statusCode: 405, headers: { ...headers, allow: 'GET, POST' }, body: invalidLinkPage('en') };
  }
  const now = deps.clock.now();
  const verified = verifyLinkToken('preferences', request.token ?? '', deps.keys, now, deps.maxTokenAgeMs);
  const contactId = verified.ok ? claimText(verified.claims, 'c') : undefined;
  if (!verified.ok || !contactId) {
    deps.log.warn('preferences token rejected', { reason: verified.ok ? 'no-contact' : verified.reason });
    return { statusCode: 400, headers, body: invalidLinkPage('en') };
  }
  const stored = await deps.contacts.get(contactId);
  if (!stored) return { statusCode: 400, headers, body: invalidLinkPage('en') };
  let contact = stored.contact;
  let notice: 'saved' | 'unknown-action' | undefined;
  let statusCode = 200;
  if (method === 'POST') {
    const change = parsePreferenceForm(request.form, new Set(Object.keys(deps.topics)));
    if (!change) {
      notice = 'unknown-action';
      statusCode = 400;
    } else {
      const next = applyPreferenceChange(preferencesOf(contact), change, now);
      await deps.contacts.savePreferences(contactId, next);
      deps.log.info('preferences changed', { contactId, change: change.kind });
      const { pausedUntil: _dropped, ...rest } = contact;
      contact = { ...rest, ...next };
      notice = 'saved';
    }
  }
  const language = pageLanguage(contact.locale);
  const pausedUntil = mailPausedUntil(contact, now);
  const body = preferencePage({
    language,
    topics: topicViews(deps.topics, preferencesOf(contact), language),
    unsubscribedAll: contact.unsubscribedAll,
    suppressed: contact.suppressed,
    ...(pausedUntil !== undefined
      ? { pausedUntilText: longDate(pausedUntil, language, contact.timeZone ?? deps.fallbackTimeZone) }
      : {}),
    ...(notice ? { notice } : {}),
    action: pageAction(deps.linkBaseUrl, PREFERENCES_PAGE, request.token ?? ''),
    helpUrl: deps.helpUrl,
  });
  return { statusCode, headers, body };
}

function preferencesOf(contact: ContactPreferences): ContactPreferences {
  return {
    topicOptOuts: contact.topicOptOuts,
    unsubscribedAll: contact.unsubscribedAll,
    ...(contact.pausedUntil ? { pausedUntil: contact.pausedUntil } : {}),
  };
}
