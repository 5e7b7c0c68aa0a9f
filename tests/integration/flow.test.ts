import { describe, expect, inject, it } from 'vitest';
import type { SendRecord } from '../../functions/core/sending/send.ts';
import { type Chaos, createHarness } from './harness.ts';

const endpoints = { dynamoEndpoint: inject('dynamoEndpoint'), sesEndpoint: inject('sesEndpoint') };

type Harness = Awaited<ReturnType<typeof createHarness>>;

/**
 * The invariant every run must keep: each intended email is in the emulator's store exactly once,
 * or its send is reported `unknown`; nothing is left claimed or sending; no mail without a send.
 */
async function expectOnceAndOnlyOnce(h: Harness): Promise<{ intended: SendRecord[]; delivered: number }> {
  const sends = await h.sends();
  const intended = sends.filter((send) => send.reason !== 'holdout');
  const stored = await h.storedEmails();
  const copies = new Map<string, number>();
  for (const email of stored) copies.set(email.sendId ?? '?', (copies.get(email.sendId ?? '?') ?? 0) + 1);
  for (const send of intended) {
    expect(['sent', 'unknown'], `${send.sendId} ended ${send.status}`).toContain(send.status);
    if (send.status === 'sent') expect(copies.get(send.sendId), send.sendId).toBe(1);
    else expect(copies.get(send.sendId) ?? 0).toBeLessThanOrEqual(1);
  }
  const known = new Set(intended.map((send) => send.sendId));
  expect([...copies.keys()].filter((id) => !known.has(id))).toEqual([]);
  expect(Math.max(0, ...copies.values())).toBeLessThanOrEqual(1);
  return { intended, delivered: stored.length };
}

async function run(chaos: Chaos, ticks = 1) {
  const h = await createHarness(endpoints, chaos);
  await h.seed(6, 5);
  for (let i = 0; i < ticks; i++) {
    await h.tick();
    await h.drainSends();
  }
  await h.reconcileLater();
  await h.drainSends();
  return h;
}

describe('tick → plan → claim → send → SES store → events', () => {
  it('sends every intended email exactly once and tracks what SES reports back', async () => {
    const h = await run({});
    const { intended, delivered } = await expectOnceAndOnlyOnce(h);
    expect(intended.length).toBeGreaterThan(20);
    expect(intended.every((send) => send.status === 'sent')).toBe(true);
    expect(delivered).toBe(intended.length);
    const holdouts = (await h.sends()).filter((send) => send.reason === 'holdout');
    expect(holdouts.length + intended.length).toBe(30);

    const stored = await h.storedEmails();
    const sample = stored[0];
    expect(sample?.headers?.map((header) => header.name)).toEqual(
      expect.arrayContaining(['List-Unsubscribe', 'List-Unsubscribe-Post']),
    );
    expect(stored.some((email) => /[\u3040-\u30ff]/.test(email.subject))).toBe(true);

    const [a, b, c, d] = intended;
    if (!a || !b || !c || !d) throw new Error('need four sends');
    for (const send of intended) await h.sesEvent('delivery', send);
    await h.sesEvent('open', a, 'open-1');
    await h.sesEvent('open', a, 'open-1');
    await h.sesEvent('open', a, 'open-2');
    await h.sesEvent('open-apple-mpp', b);
    await h.sesEvent('click', a);
    await h.sesEvent('bounce-permanent', c);
    await h.sesEvent('complaint', d);

    // The KPIs count the first-time facts on the sends; each repeated event counts once.
    const sends = await Promise.all(intended.map((send) => h.repos.sends.get(send.sendId)));
    const total = (fact: keyof SendRecord) => sends.filter((send) => send?.[fact] !== undefined).length;
    expect(sends.filter((send) => send?.status === 'sent' || send?.status === 'failed')).toHaveLength(
      intended.length,
    );
    expect(total('deliveredAt')).toBe(intended.length);
    expect([total('firstOpenAt'), total('firstMachineOpenAt'), total('firstClickAt')]).toEqual([1, 1, 1]);
    expect([total('bouncedAt'), total('complainedAt')]).toEqual([1, 1]);
    expect(await h.repos.suppressions.isSuppressed(`${c.contactId}@${h.domain}`)).toBe(true);
    expect(await h.repos.suppressions.isSuppressed(`${d.contactId}@${h.domain}`)).toBe(true);
    expect((await h.repos.contacts.get(c.contactId))?.contact.suppressed).toBe(true);
    expect((await h.repos.sends.get(a.sendId))?.firstOpenAt).toBeDefined();
  });

  it('run with the tick twice: nothing is claimed or sent twice', async () => {
    const h = await run({}, 2);
    const { intended, delivered } = await expectOnceAndOnlyOnce(h);
    expect(delivered).toBe(intended.length);
    expect(intended.every((send) => send.status === 'sent')).toBe(true);
  });

  it('run with every queue message delivered twice: each email still goes out once', async () => {
    const h = await run({ duplicateDelivery: true });
    const { intended, delivered } = await expectOnceAndOnlyOnce(h);
    expect(delivered).toBe(intended.length);
    expect(intended.every((send) => send.status === 'sent')).toBe(true);
  });

  it('run with 30% of SendEmail calls throttled: all are retried and sent once, none lost', async () => {
    const h = await run({ throttle: 0.3 });
    const { intended, delivered } = await expectOnceAndOnlyOnce(h);
    expect(h.throttledCount()).toBeGreaterThan(3);
    expect(delivered).toBe(intended.length);
    expect(intended.every((send) => send.status === 'sent')).toBe(true);
  });

  it('run with a crash between claim and send: the lost sends are reported unknown, never re-sent', async () => {
    const h = await run({ crashBeforeSes: 0.2 });
    const { intended } = await expectOnceAndOnlyOnce(h);
    const unknown = intended.filter((send) => send.status === 'unknown').map((send) => send.sendId);
    expect(h.crashed.size).toBeGreaterThan(0);
    expect(unknown.sort()).toEqual([...h.crashed].sort());
    const reports = h.publisher.events.filter((event) => event.detailType === 'lowtouch.unknown-outcomes');
    expect(reports).toHaveLength(1);
  });
});
