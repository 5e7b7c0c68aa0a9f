import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isMachineOpen,
  mailTag,
  SesEventBridgeEvent,
  sesEventTime,
} from '../../../functions/core/tracking/ses-events.ts';

const DIR = join(import.meta.dirname, '../../fixtures/events');
const raw = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
const parse = (name: string) => SesEventBridgeEvent.parse(raw(name));

describe('sesEventTime', () => {
  it.each([
    ['send', '2016-10-14T05:02:16.645Z'],
    ['delivery', '2016-10-19T23:21:04.133Z'],
    ['open', '2017-08-09T22:00:19.652Z'],
    ['click', '2017-08-09T23:51:25.570Z'],
    ['bounce-permanent', '2017-08-05T00:41:02.669Z'],
    ['complaint', '2017-08-05T00:41:02.669Z'],
    ['reject', '2016-10-14T17:38:15.211Z'],
    ['rendering-failure', '2018-01-22T18:43:06.197Z'],
    ['delivery-delay', '2020-06-16T00:25:40.095Z'],
    ['subscription', '2022-01-12T01:00:17.910Z'],
  ])('%s happens at its own timestamp (mail.timestamp when the type has none)', (name, expected) => {
    expect(sesEventTime(parse(name).detail)).toBe(expected);
  });
});

describe('isMachineOpen', () => {
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['', true],
    ['   ', true],
    ['Mozilla/5.0', true],
    [' Mozilla/5.0 ', true],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)', false],
    ['xMozilla/5.0', false],
    ['Mozilla/5.0x', false],
    ['Mozilla/5a0', false],
    ['Thunderbird', false],
  ])('%j → %s', (agent, expected) => {
    expect(isMachineOpen(agent)).toBe(expected);
  });
});

describe('mailTag', () => {
  it('gives the first value of a tag, nothing for a missing tag, and tolerates mail without tags', () => {
    const event = raw('delivery');
    const detail = event.detail as { mail: Record<string, unknown> };
    detail.mail.tags = { 'lowtouch:send': ['a', 'b'], empty: [] };
    const mail = SesEventBridgeEvent.parse(event).detail.mail;
    expect(mailTag(mail, 'lowtouch:send')).toBe('a');
    expect(mailTag(mail, 'empty')).toBeUndefined();
    expect(mailTag(mail, 'absent')).toBeUndefined();
    delete detail.mail.tags;
    const untagged = SesEventBridgeEvent.parse(event).detail.mail;
    expect(untagged.tags).toEqual({});
    expect(mailTag(untagged, 'lowtouch:send')).toBeUndefined();
  });
});

describe('SesEventBridgeEvent', () => {
  const variant = (name: string, change: (event: Record<string, unknown>) => void) => {
    const event = raw(name);
    change(event);
    return SesEventBridgeEvent.safeParse(event).success;
  };
  const detailOf = (event: Record<string, unknown>) =>
    event.detail as Record<string, Record<string, unknown>>;

  it('accepts fields SES may add later (loose objects)', () => {
    expect(
      variant('click', (e) => {
        e.extra = 1;
        detailOf(e).click = { ...detailOf(e).click, newField: 'x' };
      }),
    ).toBe(true);
  });
  it('refuses events that are not from SES', () => {
    expect(
      variant('click', (e) => {
        e.source = 'aws.s3';
      }),
    ).toBe(false);
  });
  it('refuses an empty event id or message id', () => {
    expect(
      variant('click', (e) => {
        e.id = '';
      }),
    ).toBe(false);
    expect(
      variant('click', (e) => {
        detailOf(e).mail = { ...detailOf(e).mail, messageId: '' };
      }),
    ).toBe(false);
  });
  it('refuses an unknown event type and a timestamp that is not ISO 8601', () => {
    expect(
      variant('click', (e) => {
        detailOf(e).eventType = 'Clicked' as never;
      }),
    ).toBe(false);
    expect(
      variant('click', (e) => {
        detailOf(e).click = { ...detailOf(e).click, timestamp: 'yesterday' };
      }),
    ).toBe(false);
    expect(
      variant('click', (e) => {
        detailOf(e).click = { ...detailOf(e).click, timestamp: '2017-08-09T23:51:25+09:00' };
      }),
    ).toBe(true);
  });
  it('refuses a bounce type SES does not define and a subscription status other than OptIn/OptOut', () => {
    expect(
      variant('bounce-permanent', (e) => {
        detailOf(e).bounce = { ...detailOf(e).bounce, bounceType: 'Hard' };
      }),
    ).toBe(false);
    const subscription = parse('subscription').detail;
    if (subscription.eventType !== 'Subscription') throw new Error('fixture is not a Subscription');
    const statuses = subscription.subscription.newTopicPreferences.topicSubscriptionStatus;
    expect(statuses.map((s) => s.subscriptionStatus)).toEqual(expect.arrayContaining(['OptOut']));
    expect(
      variant('subscription', (e) => {
        const sub = detailOf(e).subscription as {
          newTopicPreferences: { topicSubscriptionStatus: unknown[] };
        };
        sub.newTopicPreferences.topicSubscriptionStatus = [{ topicName: 't', subscriptionStatus: 'Maybe' }];
      }),
    ).toBe(false);
  });
  it('fills SES-omitted lists and flags with empty defaults', () => {
    const event = raw('subscription');
    const sub = detailOf(event).subscription as { newTopicPreferences: Record<string, unknown> };
    sub.newTopicPreferences = {};
    delete event.resources;
    const parsed = SesEventBridgeEvent.parse(event);
    expect(parsed.resources).toEqual([]);
    if (parsed.detail.eventType !== 'Subscription') throw new Error('not a Subscription');
    expect(parsed.detail.subscription.newTopicPreferences).toEqual({
      unsubscribeAll: false,
      topicSubscriptionStatus: [],
    });
  });
});
