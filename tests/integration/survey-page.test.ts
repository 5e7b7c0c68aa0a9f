import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { surveyLinks } from '../../functions/app/survey-page.ts';
import { signLinkToken } from '../../functions/core/sending/signed-link.ts';
import {
  asResponse,
  type FunctionUrlHandler,
  functionUrlEvent,
  LAMBDA_CONTEXT,
  linkPagesEnv,
} from '../support/function-url.ts';
import { createHarness } from './harness.ts';

// The NPS survey page through the Function URL handler on dynalite: every button is a signed GET that
// records nothing; the POST records the answer once, through the same ingest path as product events.

const endpoints = { dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint') };
const BASE = 'https://unsubscribe.tsumiki.example/u';

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness;
let handler: FunctionUrlHandler;

async function call(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
  vi.setSystemTime(h.clock.time);
  return asResponse(await handler(functionUrlEvent(method, url, form), LAMBDA_CONTEXT));
}

beforeAll(async () => {
  h = await createHarness(endpoints);
  linkPagesEnv({
    tables: h.tables,
    dynamoEndpoint: endpoints.dynamoEndpoint,
    signingSecret: h.signingKey.secret,
    baseUrl: BASE,
  });
  vi.useFakeTimers({ toFake: ['Date'] });
  handler = (await import('../../functions/handlers/unsubscribe.ts')).handler;
  await h.seed(1, 2);
}, 120_000);

afterAll(() => {
  vi.useRealTimers();
});

describe('NPS survey page', () => {
  it('scanner GETs on all eleven buttons record nothing; the page shows the chosen score', async () => {
    const links = surveyLinks(
      BASE,
      h.signingKey,
      { contactId: 'c0-0', accountId: 'a0', wave: 'nps-2026q4' },
      h.clock.time,
    );
    expect(links).toHaveLength(11);
    for (const [score, url] of links.entries()) {
      const page = await call('GET', url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`value="${score}" checked`);
      expect(page.body).not.toMatch(/<script/i);
    }
    expect(await h.repos.state.listNps()).toEqual([]);
    expect((await h.repos.accounts.get('a0'))?.nps).toBeUndefined();
  }, 60_000);

  it('the POST records the score and comment as nps.responded, once per wave', async () => {
    const [, , , detractor] = surveyLinks(
      BASE,
      h.signingKey,
      { contactId: 'c0-1', accountId: 'a0', wave: 'nps-2026q4' },
      h.clock.time,
    );
    if (!detractor) throw new Error('no link');
    const answered = await call('POST', detractor, { score: '3', comment: 'Exports are slow' });
    expect(answered.statusCode).toBe(200);
    const again = await call('POST', detractor, { score: '10' });
    expect(again.statusCode).toBe(200);
    const answers = await h.repos.state.listNps();
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      contactId: 'c0-1',
      accountId: 'a0',
      score: 3,
      comment: 'Exports are slow',
    });
    expect((await h.repos.accounts.get('a0'))?.nps).toMatchObject({ score: 3, contactId: 'c0-1' });
  }, 60_000);

  it('a POST without a score, or with a forged or other-purpose token, records nothing', async () => {
    const before = await h.repos.state.listNps();
    const [link] = surveyLinks(
      BASE,
      h.signingKey,
      { contactId: 'c0-0', accountId: 'a0', wave: 'w2' },
      h.clock.time,
    );
    expect((await call('POST', link ?? '', { score: '11' })).statusCode).toBe(400);
    const forged = signLinkToken('survey', { c: 'c0-0', a: 'a0', w: 'w3' }, h.clock.time, {
      id: 'k1',
      secret: 'q'.repeat(40),
    });
    const preferences = signLinkToken(
      'preferences',
      { c: 'c0-0', a: 'a0', w: 'w4' },
      h.clock.time,
      h.signingKey,
    );
    for (const token of [forged, preferences]) {
      const response = await call('POST', `${BASE}/survey?token=${encodeURIComponent(token)}`, {
        score: '0',
      });
      expect(response.statusCode).toBe(400);
    }
    expect(await h.repos.state.listNps()).toEqual(before);
  }, 60_000);
});
