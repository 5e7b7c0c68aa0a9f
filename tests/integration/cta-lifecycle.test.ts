import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamo-client.ts';
import { DynamoCtaStore } from '../../functions/adapters/dynamo-kpi-source.ts';
import { ctaActionLinks } from '../../functions/app/cta-pages.ts';
import { signLinkToken } from '../../functions/core/sending/signed-link.ts';
import { Account, Contact } from '../../functions/core/shared/domain.ts';
import {
  asResponse,
  type FunctionUrlHandler,
  functionUrlEvent,
  LAMBDA_CONTEXT,
  linkPagesEnv,
} from '../support/function-url.ts';
import { createHarness, T0 } from './harness.ts';

// A renewal campaign's csm-alert step for a high-touch account with five admins raises one CTA,
// which its CSM acknowledges and closes through the signed pages of the Function URL handler.

const endpoints = { dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint') };
const BASE = 'https://unsubscribe.tsumiki.example/u';
const DAY = 86_400_000;

type Harness = Awaited<ReturnType<typeof createHarness>>;
let h: Harness;
let handler: FunctionUrlHandler;
let store: DynamoCtaStore;

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
  store = new DynamoCtaStore(createDocumentClient({ endpoint: endpoints.dynamoEndpoint }), h.tables.ctas);
  await h.repos.accounts.put(
    Account.parse({
      id: 'big',
      name: 'Kumo Logistics',
      plan: 'enterprise',
      status: 'active',
      currency: 'JPY',
      arr: 12_000_000,
      mrr: 1_000_000,
      seats: 300,
      startedAt: '2025-01-01T00:00:00Z',
      renewalAt: new Date(T0 + 90 * DAY).toISOString(),
      tier: 'high',
      csmId: 'csm-2',
    }),
  );
  for (let i = 0; i < 5; i++) {
    await h.repos.contacts.put(
      Contact.parse({
        id: `admin-${i}`,
        accountId: 'big',
        email: `admin-${i}@${h.domain}`,
        name: `Admin ${i}`,
        role: 'admin',
        locale: 'ja',
        timeZone: 'Asia/Tokyo',
        signedUpAt: '2025-02-01T00:00:00Z',
      }),
    );
  }
  await h.tick();
  await h.drainSends();
  await h.tick();
  await h.drainSends();
}, 120_000);

afterAll(() => {
  vi.useRealTimers();
});

describe('CTAs from campaign steps, with a lifecycle', () => {
  it('a csm-alert step for an account with five admins raises exactly one CTA', async () => {
    const alerts = (await h.sends()).filter((s) => s.channel === 'csm-alert');
    expect(alerts.map((s) => s.contactId).sort()).toEqual([
      'admin-0',
      'admin-1',
      'admin-2',
      'admin-3',
      'admin-4',
    ]);
    const ctas = (await store.listAll()).filter((c) => c.accountId === 'big');
    expect(ctas).toHaveLength(1);
    expect(ctas[0]).toMatchObject({ type: 'campaign-alert', state: 'open', csmId: 'csm-2', tier: 'high' });
    expect(h.publisher.events.filter((e) => e.detailType === 'lowtouch.cta')).toHaveLength(1);
  }, 60_000);

  it('GET shows the CTA and changes nothing; POST acknowledges, then closes with an outcome', async () => {
    const [cta] = (await store.listAll()).filter((c) => c.accountId === 'big');
    if (!cta) throw new Error('no CTA');
    const links = ctaActionLinks(BASE, h.signingKey, cta.key, h.clock.time);
    for (const url of [links.acknowledge, links.close]) {
      const page = await call('GET', url);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Kumo Logistics');
      expect(page.body).not.toContain('renewal-csm-90');
    }
    expect((await store.get(cta.key))?.state).toBe('open');

    h.clock.time += DAY;
    expect((await call('POST', links.acknowledge, { action: 'acknowledge' })).statusCode).toBe(200);
    expect(await store.get(cta.key)).toMatchObject({ state: 'acknowledged' });
    const closed = await call('POST', links.close, { action: 'close', outcome: 'renewed' });
    expect(closed.statusCode).toBe(200);
    expect(await store.get(cta.key)).toMatchObject({ state: 'closed', outcome: 'renewed' });
    expect((await call('POST', links.close, { action: 'snooze-7' })).statusCode).toBe(409);
  }, 60_000);

  it('forged and other-purpose tokens change nothing', async () => {
    const [cta] = (await store.listAll()).filter((c) => c.accountId === 'big');
    if (!cta) throw new Error('no CTA');
    const before = await store.get(cta.key);
    const forged = signLinkToken('cta', { k: cta.key }, h.clock.time, { id: 'k1', secret: 'x'.repeat(40) });
    const preferences = signLinkToken(
      'preferences',
      { k: cta.key, c: 'admin-0' },
      h.clock.time,
      h.signingKey,
    );
    for (const token of [forged, preferences]) {
      const response = await call('POST', `${BASE}/cta?token=${encodeURIComponent(token)}`, {
        action: 'snooze-30',
      });
      expect(response.statusCode).toBe(400);
    }
    expect(await store.get(cta.key)).toEqual(before);
  }, 60_000);
});
