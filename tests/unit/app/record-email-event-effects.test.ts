import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import type { EmailEventLog } from '../../../functions/app/ports.ts';
import { recordEmailEvent, type TrackerDeps } from '../../../functions/app/record-email-event.ts';
import { encodeTagValue, TAG } from '../../../functions/core/sending/email-tags.ts';
import { DEFAULT_BREAKER } from '../../../functions/core/tracking/reputation.ts';
import { SesEventBridgeEvent } from '../../../functions/core/tracking/ses-events.ts';
import { claimedSend, sendWorld } from './support.ts';

// What each SES event leaves behind (the raw event log with its expiry, first-time facts, suppressions,
// reputation buckets, opt-outs, failed sends), checked field by field and again on redelivery.

const DIR = join(import.meta.dirname, '../../fixtures/events');
const ID = 'onboarding#welcome#c1';
const NOW = Date.parse('2026-12-01T00:00:00.500Z');

function fixture(name: string, eventId: string, change?: (event: Record<string, unknown>) => void) {
  const raw = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
  raw.id = eventId;
  raw.detail.mail.tags = { ...raw.detail.mail.tags, [TAG.sendId]: [encodeTagValue(ID)] };
  change?.(raw.detail);
  return SesEventBridgeEvent.parse(raw);
}

type Logged = Parameters<EmailEventLog['recordOnce']>[0];

async function tracker() {
  const w = await sendWorld();
  w.clock.time = NOW;
  await w.sends.claim(claimedSend(ID, 'c1', { status: 'sent', messageId: 'm-1' }));
  const logged: Logged[] = [];
  const deps: TrackerDeps = {
    clock: w.clock,
    sends: w.sends,
    events: {
      recordOnce: (entry) => {
        logged.push(entry);
        return w.events.recordOnce(entry);
      },
    },
    contacts: w.contacts,
    suppressions: w.suppressions,
    metrics: w.metrics,
    reputation: w.state.reputation(),
    breaker: w.state,
    publisher: { publish: async (batch) => void w.published.push(...batch) },
    log: SILENT_LOG,
    thresholds: { ...DEFAULT_BREAKER, minimumVolume: 1_000_000 },
    retentionDays: 30,
  };
  return { ...w, deps, logged };
}

describe('recording SES events', () => {
  it('logs the raw event once under its send with the event time and an expiry retentionDays from now', async () => {
    const t = await tracker();
    const event = fixture('delivery', 'ev-1');
    expect(await recordEmailEvent(event, t.deps)).toEqual({
      outcome: 'recorded',
      sendId: ID,
      eventType: 'Delivery',
      first: true,
    });
    expect(t.logged).toEqual([
      {
        sendId: ID,
        eventId: 'ev-1',
        eventType: 'Delivery',
        at: '2016-10-19T23:21:04.133Z',
        raw: JSON.stringify(event),
        expiresAt: Math.floor(NOW / 1000) + 30 * 86_400,
      },
    ]);
    expect((await t.sends.get(ID))?.deliveredAt).toBe('2016-10-19T23:21:04.133Z');
  });

  it('tells a new event that adds nothing from a redelivered one', async () => {
    const t = await tracker();
    await recordEmailEvent(fixture('click', 'ev-1'), t.deps);
    expect(await recordEmailEvent(fixture('click', 'ev-2'), t.deps)).toEqual({
      outcome: 'recorded',
      sendId: ID,
      eventType: 'Click',
      first: false,
    });
    expect(await recordEmailEvent(fixture('click', 'ev-2'), t.deps)).toEqual({
      outcome: 'duplicate',
      sendId: ID,
      eventType: 'Click',
    });
    expect((await t.sends.get(ID))?.firstClickAt).toBe('2017-08-09T23:51:25.570Z');
  });

  it('logs an event for an unknown send as an orphan under its message id, counted once', async () => {
    const t = await tracker();
    const orphan = (id: string) =>
      fixture('open', id, (detail) => {
        const mail = detail.mail as { tags: Record<string, string[]>; messageId: string };
        mail.tags = {};
        mail.messageId = 'unknown-message';
      });
    expect(await recordEmailEvent(orphan('ev-1'), t.deps)).toEqual({
      outcome: 'orphan',
      messageId: 'unknown-message',
      eventType: 'Open',
    });
    await recordEmailEvent(orphan('ev-1'), t.deps);
    expect(t.logged.map((e) => [e.sendId, e.eventId, e.at, e.expiresAt])).toEqual([
      ['orphan#unknown-message', 'ev-1', '2017-08-09T22:00:19.652Z', Math.floor(NOW / 1000) + 30 * 86_400],
      ['orphan#unknown-message', 'ev-1', '2017-08-09T22:00:19.652Z', Math.floor(NOW / 1000) + 30 * 86_400],
    ]);
    expect(t.metrics.counts.size).toBe(1);
    expect([...t.metrics.counts.values()]).toEqual([1]);
  });

  it('finds the send by message id when the tagged send id is unknown', async () => {
    const t = await tracker();
    const event = fixture('delivery', 'ev-1', (detail) => {
      const mail = detail.mail as { tags: Record<string, string[]>; messageId: string };
      mail.tags = { [TAG.sendId]: [encodeTagValue('onboarding#welcome#nobody')] };
      mail.messageId = 'm-1';
    });
    expect(await recordEmailEvent(event, t.deps)).toMatchObject({ outcome: 'recorded', sendId: ID });
  });

  it('records a Send or DeliveryDelay event without changing the send', async () => {
    const t = await tracker();
    const before = await t.sends.get(ID);
    expect(await recordEmailEvent(fixture('send', 'ev-1'), t.deps)).toMatchObject({ first: false });
    expect(await recordEmailEvent(fixture('delivery-delay', 'ev-2'), t.deps)).toMatchObject({ first: false });
    expect(await t.sends.get(ID)).toEqual(before);
  });

  it('keeps a soft bounce out of suppressions, hard bounces and the reputation buckets', async () => {
    const t = await tracker();
    expect(await recordEmailEvent(fixture('bounce-transient', 'ev-1'), t.deps)).toMatchObject({
      first: false,
    });
    const send = await t.sends.get(ID);
    expect(send?.bouncedAt).toBeUndefined();
    expect(send?.bounceType).toBeUndefined();
    expect(t.suppressions.items.size).toBe(0);
    expect((await t.contacts.get('c1'))?.contact.suppressed).not.toBe(true);
    expect([...t.state.buckets.values()]).toEqual([]);
  });

  it('suppresses on a hard bounce and adds it to its hour once, however often it arrives', async () => {
    const t = await tracker();
    await recordEmailEvent(fixture('bounce-permanent', 'ev-1'), t.deps);
    await recordEmailEvent(fixture('bounce-permanent', 'ev-2'), t.deps);
    expect(t.suppressions.items.get('recipient@example.com')).toEqual({
      reason: 'hard-bounce',
      at: '2017-08-05T00:41:02.669Z',
      sendId: ID,
    });
    expect((await t.contacts.get('c1'))?.contact.suppressed).toBe(true);
    expect([...t.state.buckets.values()]).toEqual([
      { hour: '2017-08-05T00', sent: 0, bounced: 1, complained: 0 },
    ]);
    expect(await t.sends.get(ID)).toMatchObject({
      bouncedAt: '2017-08-05T00:41:02.669Z',
      bounceType: 'Permanent',
    });
  });

  it('suppresses on a complaint and adds it to its hour once', async () => {
    const t = await tracker();
    await recordEmailEvent(fixture('complaint', 'ev-1'), t.deps);
    await recordEmailEvent(fixture('complaint', 'ev-2'), t.deps);
    expect(t.suppressions.items.get('recipient@example.com')).toEqual({
      reason: 'complaint',
      at: '2017-08-05T00:41:02.669Z',
      sendId: ID,
    });
    expect((await t.contacts.get('c1'))?.contact.suppressed).toBe(true);
    expect([...t.state.buckets.values()]).toEqual([
      { hour: '2017-08-05T00', sent: 0, bounced: 0, complained: 1 },
    ]);
    expect((await t.sends.get(ID))?.complainedAt).toBe('2017-08-05T00:41:02.669Z');
  });

  it('fails a sent email on a rendering failure, and keeps at most 500 characters of a reject reason', async () => {
    const t = await tracker();
    expect(await recordEmailEvent(fixture('rendering-failure', 'ev-1'), t.deps)).toMatchObject({
      first: true,
    });
    expect(await t.sends.get(ID)).toMatchObject({
      status: 'failed',
      reason: "SES rendering failure: Attribute 'attributeName' is not present in the rendering data.",
    });
    const u = await tracker();
    await recordEmailEvent(
      fixture('reject', 'ev-1', (detail) => {
        (detail.reject as { reason: string }).reason = 'x'.repeat(600);
      }),
      u.deps,
    );
    const reason = (await u.sends.get(ID))?.reason ?? '';
    expect(reason).toBe(`rejected by SES: ${'x'.repeat(500 - 'rejected by SES: '.length)}`);
  });

  it('opts out of the topics marked OptOut only, and counts an unsubscribe only when there is one', async () => {
    const t = await tracker();
    const preferences =
      (unsubscribeAll: boolean, statuses: [string, string][]) => (detail: Record<string, unknown>) => {
        (detail.subscription as { newTopicPreferences: unknown }).newTopicPreferences = {
          unsubscribeAll,
          topicSubscriptionStatus: statuses.map(([topicName, subscriptionStatus]) => ({
            topicName,
            subscriptionStatus,
          })),
        };
      };
    expect(
      await recordEmailEvent(
        fixture('subscription', 'ev-1', preferences(false, [['tips', 'OptIn']])),
        t.deps,
      ),
    ).toMatchObject({ first: false });
    let stored = await t.contacts.get('c1');
    expect(stored?.contact.topicOptOuts).toEqual([]);
    expect((await t.sends.get(ID))?.unsubscribedAt).toBeUndefined();
    expect(
      await recordEmailEvent(
        fixture(
          'subscription',
          'ev-2',
          preferences(false, [
            ['tips', 'OptIn'],
            ['news', 'OptOut'],
          ]),
        ),
        t.deps,
      ),
    ).toMatchObject({ first: true });
    stored = await t.contacts.get('c1');
    expect(stored?.contact.topicOptOuts).toEqual(['news']);
    expect(stored?.contact.unsubscribedAll).not.toBe(true);
    expect((await t.sends.get(ID))?.unsubscribedAt).toBe('2022-01-12T01:00:17.910Z');
    const u = await tracker();
    expect(
      await recordEmailEvent(fixture('subscription', 'ev-3', preferences(true, [])), u.deps),
    ).toMatchObject({ first: true });
    expect((await u.contacts.get('c1'))?.contact.unsubscribedAll).toBe(true);
  });
});
