import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { signUnsubscribeToken } from '../../../functions/core/sending/unsubscribe-token.ts';
import { account, claimedSend, contact } from '../../unit/app/support.ts';
import { handlerEnvironment, lambdaContext, SIGNING_SECRET } from './support.ts';

/** A Lambda Function URL request (payload format 2.0). */
function urlEvent(method: 'GET' | 'POST', query: Record<string, string>): LambdaFunctionURLEvent {
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString,
    headers: { host: 'u.example.com', 'content-type': 'application/x-www-form-urlencoded' },
    queryStringParameters: query,
    ...(method === 'POST'
      ? { body: 'List-Unsubscribe=One-Click', isBase64Encoded: false }
      : { isBase64Encoded: false }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'u',
      domainName: 'u.example.com',
      domainPrefix: 'u',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'mail-client' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:08:00:00 +0000',
      timeEpoch: Date.now(),
    },
  };
}

/** A Function URL answer given as a plain string is a 200. */
const statusOf = (result: LambdaFunctionURLResult) => (typeof result === 'string' ? 200 : result.statusCode);

describe('unsubscribe handler', () => {
  let env: Awaited<ReturnType<typeof handlerEnvironment>>;
  beforeAll(async () => {
    env = await handlerEnvironment();
  }, 60_000);

  it('shows a page on GET without acting, and opts the contact out on the one-click POST', async () => {
    await env.repos.accounts.put(account('a1'));
    await env.repos.contacts.put(contact('c1', 'a1'));
    await env.repos.sends.claim(claimedSend('onboarding#welcome#c1', 'c1', { status: 'sent' }));
    const token = signUnsubscribeToken(
      { contactId: 'c1', topic: 'onboarding-tips', issuedAt: Date.now() },
      { id: 'k1', secret: SIGNING_SECRET },
    );
    const { handler } = await import('../../../functions/handlers/unsubscribe.ts');
    const query = { token, s: 'onboarding#welcome#c1' };

    const page = await handler(urlEvent('GET', query), lambdaContext('unsubscribe'));
    expect(statusOf(page)).toBe(200);
    expect((await env.repos.contacts.get('c1'))?.contact.topicOptOuts).toEqual([]);

    const done = await handler(urlEvent('POST', query), lambdaContext('unsubscribe'));
    expect(statusOf(done)).toBe(200);
    expect((await env.repos.contacts.get('c1'))?.contact.topicOptOuts).toContain('onboarding-tips');
    expect((await env.repos.sends.get('onboarding#welcome#c1'))?.unsubscribedAt).toBeDefined();
  }, 120_000);
});
