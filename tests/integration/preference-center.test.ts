import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { signLinkToken } from '../../functions/core/sending/signed-link.ts';
import { signUnsubscribeToken } from '../../functions/core/sending/unsubscribe-token.ts';
import {
  asResponse,
  type FunctionUrlHandler,
  functionUrlEvent,
  LAMBDA_CONTEXT,
  linkPagesEnv,
} from '../support/function-url.ts';
import { createHarness } from './harness.ts';

// The preference center through the deployed handler (functions/handlers/unsubscribe.ts) on dynalite:
// links from real emails, GET pages that change nothing, POSTs the next tick honours, bad tokens refused.

const endpoints = { dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint') };
const BASE = 'https://unsubscribe.tsumiki.example/u';
const DAY = 86_400_000;

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness;
let handler: FunctionUrlHandler;

async function call(method: 'GET' | 'POST' | 'HEAD', url: string, form?: Record<string, string>) {
  // The deployed function reads the system clock; here it is the harness's virtual clock.
  vi.setSystemTime(h.clock.time);
  return asResponse(await handler(functionUrlEvent(method, url, form), LAMBDA_CONTEXT));
}

async function contact(id: string) {
  const stored = await h.repos.contacts.get(id);
  if (!stored) throw new Error(`contact ${id} is missing`);
  return stored.contact;
}

/** The href of the footer link to the preference center in the email sent to `contactId`. */
async function preferencesLink(contactId: string): Promise<string> {
  const email = (await h.storedEmails()).find((e) => e.destination.to[0] === `${contactId}@${h.domain}`);
  const href = email?.body.html?.match(/href="([^"]*\/preferences\?token=[^"]*)"/)?.[1];
  if (!href) throw new Error(`no preferences link in the email to ${contactId}`);
  return href.replaceAll('&amp;', '&');
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
  await h.seed(1, 8);
  await h.tick();
  await h.drainSends();
}, 120_000);

afterAll(() => {
  vi.useRealTimers();
});

describe('preference center through the Function URL handler', () => {
  it('is linked from every email footer with its own token; GET shows the topics and changes nothing', async () => {
    const welcomed = (await h.sends()).filter((s) => s.status === 'sent').map((s) => s.contactId);
    expect(welcomed.length).toBeGreaterThanOrEqual(4);
    for (const id of welcomed) {
      const link = await preferencesLink(id);
      expect(link.startsWith(`${BASE}/preferences?token=p1.`)).toBe(true);
    }
    const id = welcomed[0] ?? '';
    const before = await contact(id);
    const link = await preferencesLink(id);
    // A mail scanner fetches the link, and the variants a crawler might invent, any number of times.
    for (const url of [link, `${link}&action=unsubscribe-all`, `${link}&action=pause-90`]) {
      const page = await call('GET', url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(/Getting-started tips|ご利用開始のご案内/);
      expect(page.body).toMatch(/Subscription notices|ご契約に関するお知らせ/);
      expect(page.body).not.toMatch(/<script/i);
      expect(page.headers['set-cookie']).toBeUndefined();
    }
    expect((await call('HEAD', link)).statusCode).toBe(405);
    expect(await contact(id)).toEqual(before);
  }, 60_000);

  it('a pause posted on the page is honoured by the next tick, and resuming lets mail flow again', async () => {
    const sent = (await h.sends()).filter((s) => s.status === 'sent' && s.stepId === 'welcome');
    const [paused, other] = sent.map((s) => s.contactId);
    if (!paused || !other) throw new Error('need two welcomed contacts');
    const link = await preferencesLink(paused);
    const response = await call('POST', link, { action: 'pause-30' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/paused until|一時停止しています/);
    expect((await contact(paused)).pausedUntil).toBe(new Date(h.clock.time + 30 * DAY).toISOString());
    // The form on the answer posts to the configured URL, never to one taken from the request.
    expect(response.body).toContain(`action="${BASE}/preferences?token=`);

    h.clock.time += 2 * DAY; // Thursday 11:00 in Tokyo: the onboarding first-project step is due
    await h.tick();
    await h.drainSends();
    const second = (await h.sends()).filter((s) => s.stepId === 'first-project');
    expect(second.some((s) => s.contactId === other)).toBe(true);
    expect(second.some((s) => s.contactId === paused)).toBe(false);

    expect((await call('POST', link, { action: 'resume' })).statusCode).toBe(200);
    expect((await contact(paused)).pausedUntil).toBeUndefined();
    await h.tick();
    await h.drainSends();
    const afterResume = (await h.sends()).filter(
      (s) => s.stepId === 'first-project' && s.contactId === paused,
    );
    expect(afterResume).toHaveLength(1);
  }, 120_000);

  it('topic opt-out, unsubscribe from all and re-subscribe show at once and are stored', async () => {
    const id = (await h.sends()).find((s) => s.status === 'sent')?.contactId ?? '';
    const link = await preferencesLink(id);
    const off = await call('POST', link, { action: 'topic-off', topic: 'product-updates' });
    expect(off.statusCode).toBe(200);
    expect((await contact(id)).topicOptOuts).toContain('product-updates');
    expect(off.body).toMatch(
      /name="action" value="topic-on"><input type="hidden" name="topic" value="product-updates"/,
    );

    await call('POST', link, { action: 'unsubscribe-all' });
    expect((await contact(id)).unsubscribedAll).toBe(true);
    const back = await call('POST', link, { action: 'resubscribe' });
    expect(back.statusCode).toBe(200);
    const after = await contact(id);
    expect(after.unsubscribedAll).toBe(false);
    expect(after.topicOptOuts).toEqual([]);

    const before = await contact(id);
    const unknown = await call('POST', link, { action: 'topic-off', topic: 'no-such-topic' });
    expect(unknown.statusCode).toBe(400);
    expect(await contact(id)).toEqual(before);
  }, 60_000);

  it('rejects forged, expired and other-purpose tokens with no state change', async () => {
    const id = (await h.sends()).find((s) => s.status === 'sent')?.contactId ?? '';
    const before = await contact(id);
    const now = h.clock.time;
    const forged = signLinkToken('preferences', { c: id }, now, { id: 'k1', secret: 'f'.repeat(40) });
    const expired = signLinkToken('preferences', { c: id }, now - 400 * DAY, h.signingKey);
    const survey = signLinkToken('survey', { c: id, s: 9 }, now, h.signingKey);
    const cta = signLinkToken('cta', { c: id }, now, h.signingKey);
    const unsubscribe = signUnsubscribeToken({ contactId: id, topic: '*', issuedAt: now }, h.signingKey);
    for (const token of [forged, expired, survey, cta, unsubscribe, 'garbage', '']) {
      const url = `${BASE}/preferences?token=${encodeURIComponent(token)}`;
      for (const action of ['unsubscribe-all', 'pause-90', 'topic-off']) {
        const response = await call('POST', url, { action, topic: 'onboarding-tips' });
        expect(response.statusCode).toBe(400);
        expect(response.body).not.toContain(id);
      }
      expect((await call('GET', url)).statusCode).toBe(400);
    }
    // …and a preferences token is no unsubscribe token either: the one-click POST refuses it.
    const preferences = signLinkToken('preferences', { c: id }, now, h.signingKey);
    const oneClick = await call('POST', `${BASE}?token=${encodeURIComponent(preferences)}`, {
      'List-Unsubscribe': 'One-Click',
    });
    expect(oneClick.statusCode).toBe(400);
    expect(await contact(id)).toEqual(before);
  }, 60_000);

  it('keeps RFC 8058 one-click unsubscribe on the bare URL as it was', async () => {
    const id = (await h.sends()).find((s) => s.status === 'sent')?.contactId ?? '';
    const token = signUnsubscribeToken(
      { contactId: id, topic: 'onboarding-tips', issuedAt: h.clock.time },
      h.signingKey,
    );
    const response = await call('POST', `${BASE}?token=${encodeURIComponent(token)}`, {
      'List-Unsubscribe': 'One-Click',
    });
    expect(response.statusCode).toBe(200);
    expect((await contact(id)).topicOptOuts).toContain('onboarding-tips');
  }, 60_000);
});
