import { type SigningKey, verifyUnsubscribeToken } from '../core/sending/unsubscribe-token.ts';
import {
  type Clock,
  type ContactRepository,
  type Log,
  METRIC,
  type OpsMetrics,
  type SendRepository,
} from './ports.ts';
import { unsubscribePage } from './unsubscribe-page.ts';

/** The parts of an HTTP request the unsubscribe endpoint reads. */
export interface UnsubscribeRequest {
  method: string;
  /** the `token` query parameter */
  token: string | undefined;
  /** the `s` query parameter: the send that carried the link (not signed; checked against the token) */
  sendId: string | undefined;
}

export interface UnsubscribeResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface UnsubscribeDeps {
  clock: Clock;
  contacts: ContactRepository;
  sends: SendRepository;
  metrics: OpsMetrics;
  log: Log;
  keys: readonly SigningKey[];
  /** how long a link in an email keeps working */
  maxTokenAgeMs: number;
  /**
   * The configured public URL of this endpoint (the one the emails link to). The confirmation form posts
   * there; without one it posts to `/` of the Function URL that served the page. Never the request's path.
   */
  publicBaseUrl: string | undefined;
}

/** Topic name in a token that means "every topic". */
export const ALL_TOPICS = '*';

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
};

/**
 * GET shows a confirmation page in the contact's language; POST (the RFC 8058 one-click request, or
 * the page's button) records the opt-out at once and is idempotent. A bad token gets a 400 page that
 * says nothing about why or about whom.
 */
export async function handleUnsubscribe(
  request: UnsubscribeRequest,
  deps: UnsubscribeDeps,
): Promise<UnsubscribeResponse> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    return {
      statusCode: 405,
      headers: { ...HEADERS, allow: 'GET, POST' },
      body: unsubscribePage('invalid', 'en'),
    };
  }
  const now = deps.clock.now();
  const verified = verifyUnsubscribeToken(request.token ?? '', deps.keys, now, deps.maxTokenAgeMs);
  if (!verified.ok) {
    deps.log.warn('unsubscribe token rejected', { reason: verified.reason });
    return { statusCode: 400, headers: HEADERS, body: unsubscribePage('invalid', 'en') };
  }
  const stored = await deps.contacts.get(verified.contactId);
  if (!stored) return { statusCode: 400, headers: HEADERS, body: unsubscribePage('invalid', 'en') };
  const locale = stored.contact.locale;
  const topic = verified.topic;
  if (method === 'GET') {
    return {
      statusCode: 200,
      headers: HEADERS,
      body: unsubscribePage('confirm', locale, {
        topic,
        action: unsubscribeActionUrl(deps.publicBaseUrl, request.token ?? '', request.sendId),
      }),
    };
  }
  await deps.contacts.optOut(verified.contactId, topic === ALL_TOPICS ? { all: true } : topic);
  await creditSend(request.sendId, verified.contactId, deps);
  deps.log.info('unsubscribed', { contactId: verified.contactId, topic });
  return { statusCode: 200, headers: HEADERS, body: unsubscribePage('done', locale, { topic }) };
}

/**
 * Where the confirmation form posts: the configured base URL with the verified token and the send id
 * as query parameters, or the root of the serving Function URL when no base is configured.
 */
export function unsubscribeActionUrl(
  publicBaseUrl: string | undefined,
  token: string,
  sendId: string | undefined,
): string {
  const params = new URLSearchParams({ token });
  if (sendId) params.set('s', sendId);
  if (!publicBaseUrl) return `/?${params.toString()}`;
  const url = new URL(publicBaseUrl);
  url.hash = '';
  url.search = params.toString();
  return url.href;
}

async function creditSend(
  sendId: string | undefined,
  contactId: string,
  deps: UnsubscribeDeps,
): Promise<void> {
  if (!sendId || sendId.length > 600) return;
  const send = await deps.sends.get(sendId);
  // The send id is not signed, so it only counts when it belongs to the contact the token names.
  if (!send || send.contactId !== contactId) return;
  const at = new Date(deps.clock.now()).toISOString();
  if (await deps.sends.setFirst(sendId, 'unsubscribedAt', at)) deps.metrics.count(METRIC.unsubscribes);
}
