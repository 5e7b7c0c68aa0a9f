import { describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import { handleUnsubscribe, type UnsubscribeDeps } from '../../../functions/app/unsubscribe.ts';
import { signUnsubscribeToken } from '../../../functions/core/sending/unsubscribe-token.ts';
import { claimedSend, contact, sendWorld, T0 } from './support.ts';

const KEY = { id: 'k1', secret: 'x'.repeat(40) };

async function world() {
  const w = await sendWorld();
  await w.contacts.put(contact('c2', 'a1', { locale: 'ja' }));
  await w.sends.claim(claimedSend('onboarding#welcome#c2', 'c2', { status: 'sent' }));
  const deps: UnsubscribeDeps = {
    clock: w.clock,
    contacts: w.contacts,
    sends: w.sends,
    metrics: w.metrics,
    log: SILENT_LOG,
    keys: [KEY],
    maxTokenAgeMs: 365 * 86_400_000,
    publicBaseUrl: 'https://unsubscribe.tsumiki.example/u',
  };
  const token = signUnsubscribeToken({ contactId: 'c2', topic: 'onboarding-tips', issuedAt: T0 }, KEY);
  return { ...w, deps, token };
}

describe('handleUnsubscribe', () => {
  it('shows a confirmation page in the contact language on GET, changing nothing', async () => {
    const w = await world();
    const page = await handleUnsubscribe({ method: 'GET', token: w.token, sendId: undefined }, w.deps);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('配信を停止する');
    expect(page.body).toContain('method="post"');
    expect((await w.contacts.get('c2'))?.contact.topicOptOuts).toEqual([]);
  });

  it('posts the confirmation form to the configured URL, or to the root of the serving host without one', async () => {
    const w = await world();
    const request = { method: 'GET', token: w.token, sendId: 'onboarding#welcome#c2' };
    const configured = await handleUnsubscribe(request, w.deps);
    const action = /action="([^"]*)"/.exec(configured.body)?.[1]?.replaceAll('&#38;', '&') ?? '';
    const url = new URL(action);
    expect(url.origin + url.pathname).toBe('https://unsubscribe.tsumiki.example/u');
    expect(url.searchParams.get('token')).toBe(w.token);
    expect(url.searchParams.get('s')).toBe('onboarding#welcome#c2');

    const bare = await handleUnsubscribe(request, { ...w.deps, publicBaseUrl: undefined });
    const relative = /action="([^"]*)"/.exec(bare.body)?.[1]?.replaceAll('&#38;', '&') ?? '';
    expect(relative.startsWith('/?token=')).toBe(true);
    expect(new URL(relative, 'https://fn.lambda-url.example/x//evil.example/').host).toBe(
      'fn.lambda-url.example',
    );
  });

  it('opts out on a one-click POST, idempotently, and credits the send once', async () => {
    const w = await world();
    const request = { method: 'POST', token: w.token, sendId: 'onboarding#welcome#c2' };
    const first = await handleUnsubscribe(request, w.deps);
    const second = await handleUnsubscribe(request, w.deps);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect((await w.contacts.get('c2'))?.contact.topicOptOuts).toEqual(['onboarding-tips']);
    expect((await w.sends.get('onboarding#welcome#c2'))?.unsubscribedAt).toBeDefined();
    expect(w.metrics.total('Unsubscribes')).toBe(1);
  });

  it('does not credit a send that belongs to someone else', async () => {
    const w = await world();
    await w.sends.claim(claimedSend('onboarding#welcome#c1', 'c1', { status: 'sent' }));
    await handleUnsubscribe({ method: 'POST', token: w.token, sendId: 'onboarding#welcome#c1' }, w.deps);
    expect((await w.sends.get('onboarding#welcome#c1'))?.unsubscribedAt).toBeUndefined();
  });

  it('answers a tampered or missing token with the same 400 page that names nobody', async () => {
    const w = await world();
    const tampered = `${w.token.slice(0, -2)}AA`;
    const a = await handleUnsubscribe({ method: 'POST', token: tampered, sendId: undefined }, w.deps);
    const b = await handleUnsubscribe({ method: 'GET', token: undefined, sendId: undefined }, w.deps);
    expect(a.statusCode).toBe(400);
    expect(a.body).toBe(b.body);
    expect(a.body).not.toMatch(/c2|example\.com|onboarding/);
  });
});
