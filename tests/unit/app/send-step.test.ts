import { describe, expect, it } from 'vitest';
import { RetryableSendError } from '../../../functions/app/ports.ts';
import { sendStep } from '../../../functions/app/send-step.ts';
import { claimedSend, contact, sendWorld, T0 } from './support.ts';

const ID = 'onboarding#welcome#c1';

describe('sendStep', () => {
  it('sends a claimed step once, records the message id and counts it', async () => {
    const w = await sendWorld();
    await w.sends.claim(claimedSend(ID, 'c1'));
    const result = await sendStep({ sendId: ID, attempt: 0 }, w.deps);
    expect(result).toEqual({ outcome: 'sent', messageId: 'msg-1' });
    const record = await w.sends.get(ID);
    expect(record).toMatchObject({ status: 'sent', messageId: 'msg-1', locale: 'en' });
    expect(w.sender.emails).toHaveLength(1);
    expect(w.sender.emails[0]?.tags).toEqual({
      campaignId: 'onboarding',
      stepId: 'welcome',
      variantId: 'default',
      sendId: ID,
    });
    expect(w.metrics.total('SendsSent')).toBe(1);
    expect(w.state.buckets.get('2026-11-24T02')?.sent).toBe(1);
  });

  it('does nothing for a second delivery of the same message', async () => {
    const w = await sendWorld();
    await w.sends.claim(claimedSend(ID, 'c1'));
    await sendStep({ sendId: ID, attempt: 0 }, w.deps);
    const again = await sendStep({ sendId: ID, attempt: 0 }, w.deps);
    expect(again).toEqual({ outcome: 'duplicate', status: 'sent' });
    expect(w.sender.emails).toHaveLength(1);
  });

  it('never sends a send left in sending by a crash', async () => {
    const w = await sendWorld();
    await w.sends.claim(claimedSend(ID, 'c1', { status: 'sending' }));
    expect(await sendStep({ sendId: ID, attempt: 0 }, w.deps)).toEqual({
      outcome: 'duplicate',
      status: 'sending',
    });
    expect(w.sender.emails).toHaveLength(0);
  });

  it('skips a suppressed address, an opted-out topic and an unsubscribed contact', async () => {
    const w = await sendWorld();
    await w.suppressions.add('C1@example.com', { reason: 'complaint', at: new Date(T0).toISOString() });
    await w.sends.claim(claimedSend(ID, 'c1'));
    expect(await sendStep({ sendId: ID, attempt: 0 }, w.deps)).toEqual({
      outcome: 'skipped',
      reason: 'suppressed',
    });

    const w2 = await sendWorld();
    await w2.contacts.optOut('c1', 'onboarding-tips');
    await w2.sends.claim(claimedSend(ID, 'c1'));
    expect(await sendStep({ sendId: ID, attempt: 0 }, w2.deps)).toEqual({
      outcome: 'skipped',
      reason: 'unsubscribed',
    });

    const w3 = await sendWorld();
    await w3.contacts.optOut('c1', { all: true });
    await w3.sends.claim(claimedSend(ID, 'c1'));
    expect(await sendStep({ sendId: ID, attempt: 0 }, w3.deps)).toMatchObject({ outcome: 'skipped' });
    expect(w.sender.emails.length + w2.sender.emails.length + w3.sender.emails.length).toBe(0);
    expect((await w.sends.get(ID))?.status).toBe('skipped');
  });

  it('re-checks the frequency cap against other recent campaign emails', async () => {
    const w = await sendWorld();
    const stored = await w.contacts.get('c1');
    if (!stored) throw new Error('seed missing');
    const recent = (stepId: string, hoursAgo: number) => ({
      campaignId: 'release',
      stepId,
      at: new Date(T0 - hoursAgo * 3_600_000).toISOString(),
      countsToCap: true,
    });
    await w.contacts.savePlan('c1', { enrollments: {}, recentSends: [recent('a', 2), recent('b', 30)] }, 0);
    await w.sends.claim(claimedSend(ID, 'c1'));
    // Only a matter of time: the claim stays and comes back when the 2-hour-old email leaves the window.
    const deferred = await sendStep({ sendId: ID, attempt: 0 }, w.deps);
    expect(deferred).toEqual({ outcome: 'retry', delaySeconds: 900, reason: 'frequency-cap' });
    expect((await w.sends.get(ID))?.status).toBe('claimed');
    expect(w.queue.sent.map((m) => m.body)).toEqual([{ sendId: ID, attempt: 0 }]);
    expect(w.sender.emails).toHaveLength(0);
    w.clock.time = T0 + 7 * 86_400_000 - 30 * 3_600_000 + 1;
    expect(await sendStep({ sendId: ID, attempt: 0 }, w.deps)).toMatchObject({ outcome: 'sent' });
    await w.sends.claim(claimedSend('renewal#d30#c1', 'c1', { bypassCap: true }));
    expect(await sendStep({ sendId: 'renewal#d30#c1', attempt: 0 }, w.deps)).toMatchObject({
      outcome: 'sent',
    });
  });

  it('skips one contact whose render fails, with the reason', async () => {
    const w = await sendWorld();
    w.deps.renderer = { render: async () => ({ ok: false, reason: 'missing variable account.renewalAt' }) };
    await w.sends.claim(claimedSend(ID, 'c1'));
    const result = await sendStep({ sendId: ID, attempt: 0 }, w.deps);
    expect(result).toEqual({
      outcome: 'skipped',
      reason: 'render-failed',
      detail: 'missing variable account.renewalAt',
    });
    expect(await w.sends.get(ID)).toMatchObject({
      status: 'skipped',
      reason: 'render-failed',
      detail: 'missing variable account.renewalAt',
    });
  });

  it('never mails a contact of a churned account, and waits for a sign-up still ahead', async () => {
    const churned = await sendWorld();
    const stored = await churned.accounts.get('a1');
    if (!stored) throw new Error('seed missing');
    await churned.accounts.put({
      ...stored,
      status: 'churned',
      churnedAt: new Date(T0 - 3_600_000).toISOString(),
    });
    await churned.sends.claim(claimedSend(ID, 'c1'));
    expect(await sendStep({ sendId: ID, attempt: 0 }, churned.deps)).toEqual({
      outcome: 'skipped',
      reason: 'account-churned',
    });

    const early = await sendWorld();
    const c1 = await early.contacts.get('c1');
    if (!c1) throw new Error('seed missing');
    await early.contacts.put({ ...c1.contact, signedUpAt: new Date(T0 + 600_000).toISOString() });
    await early.sends.claim(claimedSend(ID, 'c1'));
    expect(await sendStep({ sendId: ID, attempt: 0 }, early.deps)).toEqual({
      outcome: 'retry',
      delaySeconds: 600,
      reason: 'not-signed-up',
    });
    expect((await early.sends.get(ID))?.status).toBe('claimed');
    expect(churned.sender.emails.length + early.sender.emails.length).toBe(0);
  });

  it('hands a throttled send back and re-enqueues it with a growing delay', async () => {
    const w = await sendWorld();
    w.sender.next = async () => {
      throw new RetryableSendError('slow down', 'throttle');
    };
    await w.sends.claim(claimedSend(ID, 'c1'));
    const first = await sendStep({ sendId: ID, attempt: 0 }, w.deps);
    const second = await sendStep({ sendId: ID, attempt: 1 }, w.deps);
    expect(first).toEqual({ outcome: 'retry', delaySeconds: 3 });
    expect(second).toEqual({ outcome: 'retry', delaySeconds: 5 });
    expect((await w.sends.get(ID))?.status).toBe('claimed');
    expect(w.queue.sent.map((m) => m.body)).toEqual([
      { sendId: ID, attempt: 1 },
      { sendId: ID, attempt: 2 },
    ]);
  });

  it('records a permanent SES error as failed and does not retry it', async () => {
    const w = await sendWorld();
    w.sender.next = async () => ({
      ok: false,
      reason: 'MessageRejected: address c1@example.com is not verified',
    });
    await w.sends.claim(claimedSend(ID, 'c1'));
    const result = await sendStep({ sendId: ID, attempt: 0 }, w.deps);
    expect(result).toEqual({ outcome: 'failed', reason: 'MessageRejected: address <email> is not verified' });
    expect((await w.sends.get(ID))?.status).toBe('failed');
    expect(w.queue.sent).toHaveLength(0);
  });

  it('marks a send unknown when SES gives no answer, and never retries it', async () => {
    const w = await sendWorld();
    w.sender.next = async () => {
      throw new Error('socket hang up');
    };
    await w.sends.claim(claimedSend(ID, 'c1'));
    expect(await sendStep({ sendId: ID, attempt: 0 }, w.deps)).toMatchObject({ outcome: 'unknown' });
    expect((await w.sends.get(ID))?.status).toBe('unknown');
    expect(w.queue.sent).toHaveLength(0);
  });

  it('leaves the send claimed while the breaker is paused', async () => {
    const w = await sendWorld();
    await w.state.pause('bounce rate 3% above 2%', new Date(T0).toISOString());
    await w.sends.claim(claimedSend(ID, 'c1'));
    expect(await sendStep({ sendId: ID, attempt: 0 }, w.deps)).toEqual({ outcome: 'deferred' });
    expect((await w.sends.get(ID))?.status).toBe('claimed');
    expect(w.sender.emails).toHaveLength(0);
  });

  it('skips a claim that waited past the step expiry', async () => {
    const w = await sendWorld();
    await w.sends.claim(claimedSend(ID, 'c1'));
    w.clock.advance(8 * 86_400_000);
    expect(await sendStep({ sendId: ID, attempt: 0 }, w.deps)).toEqual({
      outcome: 'skipped',
      reason: 'expired',
    });
  });

  it('turns a csm-alert step into one CTA per account, however many contacts it reached', async () => {
    const w = await sendWorld();
    await w.contacts.put(contact('c2', 'a1'));
    for (const id of ['c1', 'c2']) {
      await w.sends.claim(
        claimedSend(`renewal#d90-csm#${id}`, id, { channel: 'csm-alert', template: 'csm-alert' }),
      );
      const result = await sendStep({ sendId: `renewal#d90-csm#${id}`, attempt: 0 }, w.deps);
      expect(result).toEqual({ outcome: 'sent', messageId: 'cta:a1#campaign-alert#renewal-d90-csm' });
    }
    expect(w.sender.emails).toHaveLength(0);
    expect([...w.ctas.stored.values()]).toMatchObject([
      { key: 'a1#campaign-alert#renewal-d90-csm', state: 'open', csmId: 'csm-1', type: 'campaign-alert' },
    ]);
    expect(w.published).toHaveLength(1);
    expect(w.published[0]).toMatchObject({
      detailType: 'lowtouch.cta',
      detail: { accountId: 'a1', csmId: 'csm-1', facts: { campaignId: 'renewal', stepId: 'd90-csm' } },
    });
  });

  it('throws for a message whose send was never claimed, so it reaches the DLQ', async () => {
    const w = await sendWorld();
    await expect(sendStep({ sendId: 'nope', attempt: 0 }, w.deps)).rejects.toThrow(/not in the sends table/);
  });
});
