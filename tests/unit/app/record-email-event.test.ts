import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SILENT_LOG } from '../../../functions/adapters/powertools-log.ts';
import { recordEmailEvent, type TrackerDeps } from '../../../functions/app/record-email-event.ts';
import { encodeTagValue, TAG } from '../../../functions/core/sending/email-tags.ts';
import { DEFAULT_BREAKER } from '../../../functions/core/tracking/reputation.ts';
import { SES_EVENT_TYPES, SesEventBridgeEvent } from '../../../functions/core/tracking/ses-events.ts';
import { claimedSend, sendWorld } from './support.ts';

const DIR = join(import.meta.dirname, '../../fixtures/events');
const FILES = readdirSync(DIR).filter((name) => name.endsWith('.json'));

function fixture(name: string, sendId?: string, eventId?: string): SesEventBridgeEvent {
  const event = SesEventBridgeEvent.parse(JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')));
  if (sendId) event.detail.mail.tags[TAG.sendId] = [encodeTagValue(sendId)];
  if (eventId) event.id = eventId;
  return event;
}

const ID = 'onboarding#welcome#c1';

async function tracker() {
  const w = await sendWorld();
  await w.sends.claim(claimedSend(ID, 'c1', { status: 'sent', messageId: 'm-1' }));
  const deps: TrackerDeps = {
    clock: w.clock,
    sends: w.sends,
    events: w.events,
    contacts: w.contacts,
    suppressions: w.suppressions,
    metrics: w.metrics,
    reputation: w.state.reputation(),
    breaker: w.state,
    publisher: { publish: async (batch) => void w.published.push(...batch) },
    log: SILENT_LOG,
    thresholds: { ...DEFAULT_BREAKER, minimumVolume: 10 },
    retentionDays: 30,
  };
  return { ...w, deps };
}

describe('SES event fixtures', () => {
  it('holds one AWS-documented record per event type, and every one parses with the production schema', () => {
    const types = new Set<string>();
    for (const file of FILES) {
      const parsed = SesEventBridgeEvent.safeParse(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
      expect(parsed.success, `${file}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
      if (parsed.success) types.add(parsed.data.detail.eventType);
    }
    expect([...types].sort()).toEqual([...SES_EVENT_TYPES].sort());
  });
});

describe('recordEmailEvent', () => {
  it('handles all ten event types without throwing', async () => {
    const t = await tracker();
    for (const file of FILES) {
      const outcome = await recordEmailEvent(fixture(file.replace('.json', ''), ID), t.deps);
      expect(outcome.outcome).not.toBe('orphan');
    }
  });

  it('keeps opens unique per send and separates machine opens', async () => {
    const t = await tracker();
    await recordEmailEvent(fixture('open', ID, 'e1'), t.deps);
    await recordEmailEvent(fixture('open', ID, 'e2'), t.deps);
    await recordEmailEvent(fixture('open-apple-mpp', ID, 'e3'), t.deps);
    const send = await t.sends.get(ID);
    expect(send?.firstOpenAt).toBe('2017-08-09T22:00:19.652Z');
    expect(send?.firstMachineOpenAt).toBeDefined();
  });

  it('is idempotent per event: a redelivered click changes nothing', async () => {
    const t = await tracker();
    const first = await recordEmailEvent(fixture('click', ID), t.deps);
    const again = await recordEmailEvent(fixture('click', ID), t.deps);
    expect(first).toMatchObject({ outcome: 'recorded', first: true });
    expect(again).toEqual({ outcome: 'duplicate', sendId: ID, eventType: 'Click' });
    expect((await t.sends.get(ID))?.firstClickAt).toBe('2017-08-09T23:51:25.570Z');
  });

  it('suppresses the address and the contact on a permanent bounce, not on a soft one', async () => {
    const t = await tracker();
    await recordEmailEvent(fixture('bounce-transient', ID), t.deps);
    expect(await t.suppressions.isSuppressed('recipient@example.com')).toBe(false);
    await recordEmailEvent(fixture('bounce-permanent', ID), t.deps);
    expect(await t.suppressions.isSuppressed('recipient@example.com')).toBe(true);
    expect((await t.contacts.get('c1'))?.contact.suppressed).toBe(true);
    expect((await t.sends.get(ID))?.bounceType).toBe('Permanent');
    // The soft bounce stays in the event log for the KPIs; only the permanent one suppresses.
    expect([...t.events.items.values()].filter((e) => e.eventType === 'Bounce')).toHaveLength(2);
  });

  it('suppresses on a complaint and records a topic opt-out from a Subscription event', async () => {
    const t = await tracker();
    await recordEmailEvent(fixture('complaint', ID), t.deps);
    expect(t.suppressions.items.get('recipient@example.com')?.reason).toBe('complaint');
    await recordEmailEvent(fixture('subscription', ID), t.deps);
    const stored = await t.contacts.get('c1');
    expect(stored?.contact.topicOptOuts).toContain('ExampleTopicName');
    expect(stored?.contact.unsubscribedAll).toBe(true);
    expect((await t.sends.get(ID))?.unsubscribedAt).toBeDefined();
  });

  it('falls back to the SES message id, and counts an event for no known send as an orphan', async () => {
    const t = await tracker();
    await t.sends.claim(
      claimedSend('release#announce#c1', 'c1', {
        status: 'sent',
        messageId: 'EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000',
      }),
    );
    expect(await recordEmailEvent(fixture('delivery'), t.deps)).toMatchObject({
      sendId: 'release#announce#c1',
    });
    expect(await recordEmailEvent(fixture('subscription'), t.deps)).toMatchObject({ outcome: 'orphan' });
    expect(await recordEmailEvent(fixture('subscription'), t.deps)).toMatchObject({ outcome: 'orphan' });
    expect(t.metrics.total('OrphanEvents')).toBe(1);
  });

  it('marks a rejected send failed', async () => {
    const t = await tracker();
    await recordEmailEvent(fixture('reject', ID), t.deps);
    expect(await t.sends.get(ID)).toMatchObject({ status: 'failed', reason: 'rejected by SES: Bad content' });
  });

  it('pauses sending once, with one alert, when hard bounces pass the threshold', async () => {
    const t = await tracker();
    const reputation = t.deps.reputation;
    await reputation.add('2017-08-05T00', { sent: 40 });
    for (let i = 0; i < 3; i++) {
      const sendId = `onboarding#welcome#b${i}`;
      await t.sends.claim(claimedSend(sendId, 'c1', { status: 'sent' }));
      t.clock.time = Date.parse('2017-08-05T01:00:00Z');
      await recordEmailEvent(fixture('bounce-permanent', sendId, `bounce-${i}`), t.deps);
    }
    expect(await t.state.get()).toMatchObject({ paused: true, reason: 'bounce rate 2.5% above 2%' });
    const alerts = t.published.filter((event) => event.detailType === 'lowtouch.sending-paused');
    expect(alerts).toHaveLength(1);
  });
});
